"""Exact totals of big tables without counting them per request (PostgreSQL).

A statement-level trigger on each counted table (see the migration core 0012_row_counters, built
by `trigger_sql`) inserts delta rows into `core_rowcounter` in the writing statement's own
transaction: `+n` per inserted batch, `-n` per deleted batch, `±n` per group whose column an
update changed; a TRUNCATE clears the table's counters. A total is the sum of its key's deltas
(an index-only scan of a few rows); `compact` (Celery beat, every minute) folds each key's deltas
into one row without blocking writers. The totals are exact: a transaction sees its own deltas and
the committed ones, exactly as its COUNT(*) would.

`COUNTED` lists the counted shapes: `app.model` the whole table, `app.model:column=value` its rows
with that value. `key_for(queryset)` finds the key of a queryset with no other filter.
"""

from django.db import connections, transaction

# model label -> the column whose values are counted apart (None: only the whole table)
COUNTED = {"parties.party": "kind"}


def trigger_sql(table: str, label: str, column: str | None) -> list[str]:
    """The trigger function and triggers that keep `label`'s counters on `table`."""
    function = f"{table}_row_counter"
    groups_insert = groups_delete = groups_update = ""
    if column:
        groups_insert = f"""
            INSERT INTO core_rowcounter (key, delta)
            SELECT '{label}:{column}=' || {column}, count(*) FROM new_rows GROUP BY {column};"""
        groups_delete = f"""
            INSERT INTO core_rowcounter (key, delta)
            SELECT '{label}:{column}=' || {column}, -count(*) FROM old_rows GROUP BY {column};"""
        groups_update = f"""
            INSERT INTO core_rowcounter (key, delta)
            SELECT '{label}:{column}=' || {column}, sum(d) FROM (
                SELECT {column}, 1 AS d FROM new_rows UNION ALL SELECT {column}, -1 FROM old_rows
            ) AS changed GROUP BY {column} HAVING sum(d) <> 0;"""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO core_rowcounter (key, delta)
                SELECT '{label}', count(*) FROM new_rows HAVING count(*) > 0;{groups_insert}
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO core_rowcounter (key, delta)
                SELECT '{label}', -count(*) FROM old_rows HAVING count(*) > 0;{groups_delete}
            ELSIF TG_OP = 'UPDATE' THEN{groups_update or " NULL;"}
            ELSIF TG_OP = 'TRUNCATE' THEN
                DELETE FROM core_rowcounter WHERE key = '{label}' OR key LIKE '{label}:%';
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {table}_count_update AFTER UPDATE ON {table}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER {table}_count_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        # The table's rows so far.
        f"INSERT INTO core_rowcounter (key, delta) SELECT '{label}', count(*) FROM {table}",
        *(
            [
                f"""INSERT INTO core_rowcounter (key, delta)
                SELECT '{label}:{column}=' || {column}, count(*) FROM {table} GROUP BY {column}"""
            ]
            if column
            else []
        ),
    ]


def drop_trigger_sql(table: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {table}_row_counter() CASCADE"]


def key_for(queryset) -> str | None:
    """The counter key of an unfiltered (or only `column=value`-filtered) queryset, else None."""
    label = queryset.model._meta.label_lower
    if label not in COUNTED:
        return None
    query = queryset.query
    if query.distinct or query.combinator or query.is_sliced or query.group_by is not None:
        return None
    manager = queryset.model._base_manager
    if query.where == manager.all().query.where:
        return label
    column = COUNTED[label]
    if column and len(query.where.children) == 1:
        lookup = query.where.children[0]
        value = getattr(lookup, "rhs", None)
        if isinstance(value, str) and query.where == manager.filter(**{column: value}).query.where:
            return f"{label}:{column}={value}"
    return None


def total(key: str, using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(delta), 0) FROM core_rowcounter WHERE key = %s", [key])
        return int(cursor.fetchone()[0])


def compact(using: str = "default") -> int:
    """Fold each key's deltas into one row; returns the rows removed. Writers are not blocked: the
    rows a concurrent transaction adds meanwhile are not deleted, so every sum stays exact."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH gone AS (DELETE FROM core_rowcounter RETURNING key, delta),
                 folded AS (INSERT INTO core_rowcounter (key, delta)
                            SELECT key, sum(delta) FROM gone GROUP BY key RETURNING 1)
            SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM folded)
            """
        )
        return int(cursor.fetchone()[0])
