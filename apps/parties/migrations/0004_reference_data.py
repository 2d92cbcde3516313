"""The reference lookups CRM.COM's contact_information names in its examples, every ISO country,
the address types the APIs map to, and the numbered user-defined custom fields (udf_*)."""

from django.db import migrations

from apps.parties.data.reference import install


def forwards(apps, schema_editor):
    install(apps)


class Migration(migrations.Migration):
    dependencies = [("parties", "0003_contact_information"), ("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
