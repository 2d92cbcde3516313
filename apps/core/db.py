"""Small database helpers shared by the domain services."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def unique_or(error):
    """Run an insert in a savepoint. Services check uniqueness before writing; a concurrent writer
    can still win between the check and the insert, and its unique constraint then becomes `error`
    (a ValidationError's message or dict) instead of a 500, with the outer transaction intact."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ValidationError(error) from None
