from django.db import migrations


def create_default_type(apps, schema_editor):
    AddressType = apps.get_model("parties", "AddressType")
    if not AddressType.objects.filter(is_default=True).exists():
        AddressType.objects.create(description="Correspondence", max_amount=1, is_default=True, code="correspondence")


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [migrations.RunPython(create_default_type, migrations.RunPython.noop)]
