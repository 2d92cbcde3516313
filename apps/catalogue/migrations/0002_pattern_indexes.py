"""PostgreSQL indexes for the catalogue's `%` wildcard, prefix and fulltext filters (Cirrus O31,
O35, O49, P2-010). The filters compare UPPER(column) LIKE UPPER(pattern): a b-tree over
UPPER(column) with text_pattern_ops serves exact and prefix patterns of the short columns; the
article fulltext columns get trigram GIN indexes (any pattern; descriptions may be long). SQLite
scans."""

from django.db import migrations

PATTERN_INDEXES = [
    # name, table, column, kind
    ("article_number_pattern", "catalogue_article", "number", "btree"),
    ("article_supplier_number_pattern", "catalogue_article", "supplier_article_number", "btree"),
    ("article_external_key_pattern", "catalogue_article", "external_key", "btree"),
    ("article_name_trgm", "catalogue_article", "name", "trgm"),
    ("article_number_trgm", "catalogue_article", "number", "trgm"),
    ("article_description_trgm", "catalogue_article", "description", "trgm"),
    ("article_group_name_pattern", "catalogue_articlegroup", "name", "btree"),
    ("article_group_key_pattern", "catalogue_articlegroup", "external_key", "btree"),
    ("article_unit_name_pattern", "catalogue_articleunit", "name", "btree"),
    ("article_unit_key_pattern", "catalogue_articleunit", "external_key", "btree"),
    ("price_list_key_pattern", "catalogue_pricelist", "external_key", "btree"),
]


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column, kind in PATTERN_INDEXES:
        method = "gin (UPPER({0}) gin_trgm_ops)" if kind == "trgm" else "btree (UPPER({0}) text_pattern_ops)"
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING {method.format(column)}")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in PATTERN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(create_pattern_indexes, drop_pattern_indexes)]
