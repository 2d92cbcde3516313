"""The pipeline's reference data a CRM starts from (apps.sales.lookups)."""

from django.db import migrations

from apps.sales.lookups import install


def forwards(apps, schema_editor):
    install(apps)


class Migration(migrations.Migration):
    dependencies = [("sales", "0004_pipeline")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
