from django.db import migrations, models

from apps.core.counters import drop_trigger_sql, trigger_sql

COUNTED_TABLES = [("parties_party", "parties.party", "kind")]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, label, column in COUNTED_TABLES:
        for sql in trigger_sql(table, label, column):
            schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _label, _column in COUNTED_TABLES:
        for sql in drop_trigger_sql(table):
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_encrypted_smtp_passwords"),
        ("parties", "0008_addresses_across_apis"),
    ]

    operations = [
        migrations.CreateModel(
            name="RowCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(help_text="`app.model` or `app.model:column=value`.", max_length=100)),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["key", "delta"], name="core_rowcounter_key")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
