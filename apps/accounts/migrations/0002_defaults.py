"""A fresh install's account classifications and payment terms."""

import uuid

from django.db import migrations

CLASSIFICATIONS = [
    ("General", "Accounts without a more specific class.", True),
    ("Retail", "Consumers buying for themselves.", False),
    ("Wholesale", "Businesses buying to resell.", False),
]
# (name, net days, default)
PAYMENT_TERMS = [("Immediate", 0, False), ("Net 7", 7, False), ("Net 14", 14, False), ("Net 30", 30, True)]


def install(apps, schema_editor):
    Classification = apps.get_model("accounts", "Classification")
    PaymentTerm = apps.get_model("accounts", "PaymentTerm")
    has_default = Classification.objects.filter(is_default=True).exists()
    for name, description, default in CLASSIFICATIONS:
        if not Classification.objects.filter(name=name).exists():
            Classification.objects.create(
                uuid=uuid.uuid4(), name=name, description=description, is_default=default and not has_default
            )
    has_default = PaymentTerm.objects.filter(is_default=True).exists()
    for name, days, default in PAYMENT_TERMS:
        if not PaymentTerm.objects.filter(name=name).exists():
            PaymentTerm.objects.create(
                uuid=uuid.uuid4(),
                name=name,
                days=days,
                is_default=default and not has_default,
                external_key=name.upper().replace(" ", ""),
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
