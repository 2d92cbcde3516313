"""An order's number may be left empty in forms (the service gives it the id); PostgreSQL indexes for the `%` wildcard and fulltext filters of orders, quotes and their
lookups (Cirrus O59, O63, O105, P2-002, P2-006, P2-045, P2-091, P2-093). b-trees over
UPPER(column) text_pattern_ops serve exact and prefix patterns of short columns (the order
`number` filter matches the id as text: an expression index over it); trigram GIN indexes serve
the fulltext comment columns. Payment terms live in apps.accounts: their name and key patterns
are indexed here, with the Cirrus filters that need them. SQLite scans."""

from django.db import migrations, models

PATTERN_INDEXES = [
    # name, table, expression, kind
    ("order_number_pattern", "sales_order", "(id::text)", "btree"),
    ("order_alternate_id_pattern", "sales_order", "alternate_id", "btree"),
    ("order_external_key_pattern", "sales_order", "external_key", "btree"),
    ("order_internal_comment_trgm", "sales_order", "internal_comment", "trgm"),
    ("order_external_comment_trgm", "sales_order", "external_comment", "trgm"),
    ("quote_alternate_id_pattern", "sales_quote", "alternate_id", "btree"),
    ("quote_external_key_pattern", "sales_quote", "external_key", "btree"),
    ("quote_internal_comment_trgm", "sales_quote", "internal_comment", "trgm"),
    ("quote_external_comment_trgm", "sales_quote", "external_comment", "trgm"),
    ("quote_relation_value_pattern", "sales_quoterelation", "value", "btree"),
    ("order_type_name_pattern", "sales_ordertype", "name", "btree"),
    ("order_status_name_pattern", "sales_orderstatus", "name", "btree"),
    ("delivery_term_name_pattern", "sales_deliveryterm", "name", "btree"),
    ("delivery_term_key_pattern", "sales_deliveryterm", "external_key", "btree"),
    ("delivery_type_name_pattern", "sales_deliverytype", "name", "btree"),
    ("payment_term_name_pattern", "accounts_paymentterm", "name", "btree"),
    ("payment_term_key_pattern", "accounts_paymentterm", "external_key", "btree"),
]


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column, kind in PATTERN_INDEXES:
        method = "gin (UPPER({0}) gin_trgm_ops)" if kind == "trgm" else "btree (UPPER({0}) text_pattern_ops)"
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING {method.format(column)}")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in PATTERN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("sales", "0060_orders_quotes"), ("accounts", "0002_defaults")]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="number",
            field=models.CharField(
                blank=True, help_text="Given on creation when left empty: the id.", max_length=50, unique=True
            ),
        ),
        migrations.RunPython(create_pattern_indexes, drop_pattern_indexes),
    ]
