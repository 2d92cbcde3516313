"""Loading many rows fast, for the demo seed and load tests (`seed_demo --parties 1000000`).

    with BulkLoad([Party, Address]) as load:
        first = load.reserve_ids(Party, 1000)       # explicit ids: children can point at them
        load.add(Party, id=first, kind="person", ...)
        load.flush()                                 # now and then, to bound memory

A `BulkLoad` is one transaction (a failure leaves nothing behind). On PostgreSQL the rows go in
with COPY (psycopg 3 `cursor.copy`), into tables whose secondary indexes, unique and foreign-key
constraints are dropped for the load and built again at its end, once, from the finished tables
(with a large `maintenance_work_mem` and parallel index builds); then the id sequences are moved
past the loaded ids and every loaded table is ANALYZEd (autovacuum may be off). Outside a
surrounding transaction the tables are also VACUUMed after the commit, so their visibility maps
are set and index-only scans (deep pages, counts) skip the heap. On SQLite the rows go in with one
executemany per table and flush, the non-unique indexes dropped and built again likewise.

Values are database-ready (`load.prep(model, attname, value)` adapts one the way Django would);
a column left out of `add` gets its model default, prepared once per table.

Derived rows kept by other apps (e.g. the parties' search match keys) are refreshed after a load by
the functions registered with `after_load`: each is called with the load's connection and
`{model: range_of_loaded_ids}`, inside the load's transaction, after the indexes are back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

# (connection, {model: range of ids loaded}) -> None; see `after_load`.
AFTER_LOAD_HOOKS: list[Callable] = []

MAINTENANCE_WORK_MEM = "256MB"  # per index build; the machine may be shared
PARALLEL_MAINTENANCE_WORKERS = 2


def after_load(func: Callable) -> Callable:
    """Register `func(connection, loaded)` to run at the end of every bulk load (decorator)."""
    if func not in AFTER_LOAD_HOOKS:
        AFTER_LOAD_HOOKS.append(func)
    return func


class _Table:
    """One model's pending rows: every concrete column, defaults prepared once."""

    def __init__(self, connection, model):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if f.has_default() or not f.has_db_default()]
        self.fields = {f.attname: f for f in fields}
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.template = [
            None if f.primary_key else f.get_db_prep_save(f.get_default(), connection) for f in fields
        ]
        quote = connection.ops.quote_name
        self.table = model._meta.db_table
        self.columns = ", ".join(quote(f.column) for f in fields)
        self.insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(self.table), self.columns, ", ".join(["%s"] * len(fields))
        )
        self.copy_sql = f"COPY {quote(self.table)} ({self.columns}) FROM STDIN"
        self.rows: list[list] = []
        self.loaded = 0
        self.first_id: int | None = None
        self.next_id: int | None = None


class BulkLoad:
    def __init__(self, models, using: str | None = None):
        self.models = list(models)
        self.alias = using or router.db_for_write(self.models[0])
        self.connection = connections[self.alias]
        self.vendor = self.connection.vendor
        self.tables = {model: _Table(self.connection, model) for model in self.models}
        self._atomic = None
        self._dropped: list[tuple[str, str]] = []  # (kind, sql to build it again)
        self._outermost = False

    # --- the rows ------------------------------------------------------------------------------

    def reserve_ids(self, model, count: int) -> int:
        """The first of `count` consecutive new ids of `model` (the tables are locked meanwhile)."""
        table = self.tables[model]
        if table.next_id is None:
            with self.connection.cursor() as cursor:
                quote = self.connection.ops.quote_name
                cursor.execute(f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table.table)}")
                table.next_id = (cursor.fetchone()[0] or 0) + 1
                table.first_id = table.next_id
        first = table.next_id
        table.next_id += count
        return first

    def prep(self, model, attname: str, value):
        return self.tables[model].fields[attname].get_db_prep_save(value, self.connection)

    def add(self, model, **values):
        table = self.tables[model]
        row = table.template.copy()
        index = table.index
        for name, value in values.items():
            row[index[name]] = value
        table.rows.append(row)

    def flush(self) -> None:
        """Send every pending row (tables in the order given)."""
        for table in self.tables.values():
            if not table.rows:
                continue
            with self.connection.cursor() as cursor:
                if self.vendor == "postgresql":
                    with cursor.cursor.copy(table.copy_sql) as copy:
                        write = copy.write_row
                        for row in table.rows:
                            write(row)
                else:
                    cursor.executemany(table.insert_sql, table.rows)
            table.loaded += len(table.rows)
            table.rows = []

    def loaded(self) -> dict:
        """{model: rows loaded so far}."""
        return {table.model: table.loaded for table in self.tables.values()}

    # --- the transaction, the indexes ------------------------------------------------------------

    def __enter__(self):
        self._outermost = not self.connection.in_atomic_block
        self._atomic = transaction.atomic(using=self.alias)
        self._atomic.__enter__()
        try:
            self._prepare()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.flush()
                self._finish()
            except BaseException as error:
                self._atomic.__exit__(type(error), error, error.__traceback__)
                raise
        result = self._atomic.__exit__(exc_type, exc, tb)
        if exc_type is None and self._outermost and self.vendor == "postgresql":
            self._vacuum()
        return result

    def _table_names(self):
        return [table.table for table in self.tables.values()]

    def _prepare(self):
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                self._prepare_postgresql(cursor)
            elif self.vendor == "sqlite":
                self._prepare_sqlite(cursor)

    def _prepare_postgresql(self, cursor):
        quote = self.connection.ops.quote_name
        names = self._table_names()
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        cursor.execute(f"SET LOCAL max_parallel_maintenance_workers = {PARALLEL_MAINTENANCE_WORKERS}")
        # Deferred foreign-key checks queued earlier in the transaction block the ALTERs: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE".format(", ".join(map(quote, names))))
        # Constraints first: foreign keys (a trigger per row otherwise) and unique constraints not
        # referenced by a foreign key (their index would be updated row by row).
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND (
                c.contype = 'f'
                OR (c.contype = 'u' AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
            ORDER BY c.contype DESC, c.conname
            """,
            [names],
        )
        constraints = cursor.fetchall()
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            self._dropped.append(
                ("constraint", f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            )
        # Then every other secondary index (primary keys stay: the ids grow at the b-tree's end).
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [names],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            self._dropped.append(("index", definition))

    def _prepare_sqlite(self, cursor):
        tables = set(self._table_names())
        self._sqlite_cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute("PRAGMA cache_size = -1048576")  # up to 1 GiB, for this connection only
        listed = cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")
        for name, table, sql in listed.fetchall():
            if table in tables and sql and not sql.upper().startswith("CREATE UNIQUE"):
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
                self._dropped.append(("index", sql))

    def _finish(self):
        with self.connection.cursor() as cursor:
            # Indexes before the constraints: a foreign key's check can then use them.
            for kind in ("index", "constraint"):
                for dropped_kind, sql in self._dropped:
                    if dropped_kind == kind:
                        cursor.execute(sql)
            if self.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' initial mode
            if self.vendor == "sqlite":
                cursor.execute(f"PRAGMA cache_size = {int(self._sqlite_cache_size)}")
        self._reset_sequences()
        loaded = {
            table.model: range(table.first_id, table.next_id)
            for table in self.tables.values()
            if table.first_id is not None
        }
        for hook in AFTER_LOAD_HOOKS:
            hook(self.connection, loaded)
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for name in self._table_names():
                    cursor.execute(f"ANALYZE {self.connection.ops.quote_name(name)}")
            elif self.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _reset_sequences(self):
        statements = self.connection.ops.sequence_reset_sql(no_style(), self.models)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _vacuum(self):
        """Set the visibility maps (index-only scans) and hint bits of the loaded tables."""
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for name in self._table_names():
                cursor.execute(f"VACUUM (ANALYZE) {quote(name)}")


def no_style():
    from django.core.management.color import no_style as style

    return style()
