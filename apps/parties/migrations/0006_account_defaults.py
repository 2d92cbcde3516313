"""The account types a CRM starts from."""

from django.db import migrations

from apps.parties.data.accounts import install


def forwards(apps, schema_editor):
    install(apps)


class Migration(migrations.Migration):
    dependencies = [("parties", "0005_accounts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
