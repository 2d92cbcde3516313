"""Match keys (apps/parties/matchkeys.py) on parties, e-mails, phones, addresses and company
positions, computed for the rows already there, and their indexes: on PostgreSQL b-trees with
varchar_pattern_ops (exact and prefix matches, and the duplicate look-ups of shared keys) and
trigram GIN indexes (pg_trgm: `%` infix / contains matches); on SQLite b-trees."""

from django.db import migrations, models

# name, table, columns, kind ("btree": exact and prefix; "trgm": infix), on SQLite too
INDEXES = [
    ("party_name_key_pattern", "parties_party", ["name_key"], "btree"),
    ("party_name_key_trgm", "parties_party", ["name_key"], "trgm"),
    ("party_first_name_key_trgm", "parties_party", ["first_name_key"], "trgm"),
    ("party_last_name_key_trgm", "parties_party", ["last_name_key"], "trgm"),
    ("party_search_document_trgm", "parties_party", ["search_document"], "trgm"),
    ("party_vat_key", "parties_party", ["vat_key"], "btree"),
    ("party_registration_key", "parties_party", ["registration_key"], "btree"),
    ("party_id_number_key", "parties_party", ["id_number_key"], "btree"),
    ("email_key_pattern", "parties_emailaddress", ["email_key"], "btree"),
    ("email_key_trgm", "parties_emailaddress", ["email_key"], "trgm"),
    ("phone_key_pattern", "parties_phone", ["phone_key"], "btree"),
    ("phone_key_trgm", "parties_phone", ["phone_key"], "trgm"),
    ("address_postal_street_key", "parties_address", ["postal_code_key", "street_key"], "btree"),
    ("address_city_key_pattern", "parties_address", ["city_key"], "btree"),
    ("address_city_key_trgm", "parties_address", ["city_key"], "trgm"),
    ("address_street_key_trgm", "parties_address", ["street_key"], "trgm"),
    ("address_search_document_trgm", "parties_address", ["search_document"], "trgm"),
    ("position_title_key_trgm", "parties_companyposition", ["title_key"], "trgm"),
]


def compute_keys(apps, schema_editor):
    from apps.parties import keystore

    keystore.refresh_all(apps=apps, analyze=False)


def create_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, columns, kind in INDEXES:
        if not postgres:
            if kind == "btree":
                schema_editor.execute(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")
        elif kind == "trgm":
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({columns[0]} gin_trgm_ops)")
        else:
            listed = ", ".join(f"{column} varchar_pattern_ops" for column in columns)
            schema_editor.execute(f"CREATE INDEX {name} ON {table} ({listed})")
    if postgres:
        for table in sorted({table for _name, table, _columns, _kind in INDEXES}):
            schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('parties', '0008_addresses_across_apis'),
    ]

    operations = [
        migrations.AddField(
            model_name='address',
            name='city_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='address',
            name='postal_code_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='address',
            name='search_document',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='address',
            name='street_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='companyposition',
            name='title_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='emailaddress',
            name='email_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name='party',
            name='first_name_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='party',
            name='id_number_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='party',
            name='last_name_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='party',
            name='name_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='party',
            name='registration_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='party',
            name='search_document',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='party',
            name='vat_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='phone',
            name='phone_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=32),
        ),
        migrations.RunPython(compute_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
