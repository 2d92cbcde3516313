"""Small database helpers shared by the domain services: unique rows under concurrent writers.

Services check uniqueness before writing, but a concurrent writer can still insert the same key
between the check and the insert (on PostgreSQL the second insert waits for the first to commit,
then fails). A create turns that into a clean ValidationError (`unique_or`); an upsert takes the
winner's row and updates it instead (`insert_or_lock`)."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


class UniqueTaken(ValidationError):
    """The unique key is taken (by a concurrent writer, or found taken before the insert)."""


@contextmanager
def unique_or(error):
    """Run an insert in a savepoint; a unique constraint it breaks becomes UniqueTaken(`error`) (a
    ValidationError's message or dict) instead of a 500, with the outer transaction intact."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise UniqueTaken(error) from None


def insert_or_lock(row, existing):
    """Insert `row` (in a savepoint), or, when a concurrent writer inserted the same unique key
    first, return that writer's row, locked for this transaction (`existing`: the queryset that
    finds it). Returns (row, created): the insert half of an upsert; the caller updates the row
    when it was not created."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row, True
    except IntegrityError:
        winner = existing.select_for_update().first()
        if winner is None:  # not a unique conflict after all
            raise
        return winner, False
