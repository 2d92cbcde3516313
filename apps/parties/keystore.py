"""Match keys recomputed in bulk: after a bulk load (seed_demo --parties, imports), by the
`refresh_match_keys` command and by the migration that introduced them. A single save keeps its
row's keys itself (models.MatchKeysMixin); this is for rows written without save().

Rows are read a batch of parties at a time (only the columns the keys need), and only the rows
whose keys change are written: on PostgreSQL with one UPDATE ... FROM unnest(arrays) per table
and batch, elsewhere with one executemany."""

import time

from django.apps import apps as global_apps
from django.db import connections, router, transaction

from . import matchkeys

BATCH = 10_000

# model name -> (party column, the columns the keys read, key function)
SOURCES = {
    "Party": (
        "id",
        [
            "kind",
            "name",
            "first_name",
            "last_name",
            "alt_name",
            "account_number",
            "vat_number",
            "registration_number",
            "id_number",
        ],
        matchkeys.party_keys,
    ),
    "EmailAddress": ("party_id", ["email"], matchkeys.email_keys),
    "Phone": ("party_id", ["number", "country", "area_code"], matchkeys.phone_keys),
    "Address": (
        "party_id",
        ["is_default", "street", "number", "postal_code", "city", "care_of", "addressee"],
        matchkeys.address_keys,
    ),
    "CompanyPosition": ("person_id", ["title"], matchkeys.position_keys),
}


class _Row:
    """Attribute access over a values() dict, for the key functions."""

    def __init__(self, values):
        self.__dict__ = values


def _key_names(function, columns) -> list[str]:
    blank = _Row(dict.fromkeys(columns, "") | {"kind": "person", "is_default": False})
    return list(function(blank))


def _write(model, changed: list[tuple], names: list[str]) -> None:
    """changed: (pk, value per name) tuples."""
    if not changed:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*changed, strict=True))
            sets = ", ".join(f"{quote(n)} = v.{quote(n)}" for n in names)
            unnest = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(names))
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} "
                f"FROM unnest({unnest}) AS v(id, {', '.join(quote(n) for n in names)}) WHERE t.id = v.id",
                [list(column) for column in columns],
            )
        else:
            sets = ", ".join(f"{quote(n)} = %s" for n in names)
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE id = %s", [(*values, pk) for pk, *values in changed]
            )


def _refresh_model(model, party_filter: dict) -> int:
    party_column, columns, function = SOURCES[model.__name__]
    names = _key_names(function, columns)
    changed = []
    rows = model._default_manager.filter(**party_filter).values_list("id", *columns, *names)
    width = len(columns)
    for pk, *values in rows.iterator(chunk_size=BATCH):
        row = _Row(dict(zip(columns, values[:width], strict=True)))
        keys = function(row)
        new = [keys[name] for name in names]
        if new != list(values[width:]):
            changed.append((pk, *new))
    _write(model, changed, names)
    return len(changed)


def _models(apps):
    return [apps.get_model("parties", name) for name in SOURCES]


def refresh_keys(party_ids=None, *, id_range=None, apps=global_apps) -> int:
    """Recompute the keys of the parties with these ids (or ids in `id_range`, inclusive) and of
    their e-mails, phones, addresses and positions. Returns the number of rows changed."""
    changed = 0
    with transaction.atomic():
        for model in _models(apps):
            party_column = SOURCES[model.__name__][0]
            if id_range is not None:
                where = {f"{party_column}__gte": id_range[0], f"{party_column}__lte": id_range[1]}
            else:
                where = {f"{party_column}__in": list(party_ids)}
            changed += _refresh_model(model, where)
    return changed


def refresh_all(
    *, first=None, last=None, batch: int = BATCH, stdout=None, apps=global_apps, analyze: bool = True
) -> int:
    """Recompute the keys of every party (or of those with ids from `first` to `last`), a batch
    of party ids per transaction, then ANALYZE the tables."""
    Party = apps.get_model("parties", "Party")
    bounds = Party._default_manager.order_by().values_list("id", flat=True)
    if first is None:
        first = bounds.order_by("id").first()
    if last is None:
        last = bounds.order_by("-id").first()
    if first is None or last is None:
        return 0
    started, changed = time.monotonic(), 0
    for low in range(first, last + 1, batch):
        changed += refresh_keys(id_range=(low, low + batch - 1), apps=apps)
        if stdout is not None:
            stdout.write(f"  keys up to party {min(low + batch - 1, last)}: {changed} rows changed")
    if analyze:
        analyze_tables(apps=apps)
    if stdout is not None:
        stdout.write(f"Match keys refreshed in {time.monotonic() - started:.1f} s ({changed} rows changed).")
    return changed


def analyze_tables(apps=global_apps) -> None:
    """Fresh planner statistics for the key columns (after a bulk write)."""
    for model in _models(apps):
        connection = connections[router.db_for_write(model)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
