import apps.core.encryption
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    """Passwords stored in clear before are read as they are (the field passes clear text
    through) and saved encrypted."""
    UserEmailSettings = apps.get_model("core", "UserEmailSettings")
    for row in UserEmailSettings.objects.exclude(password="").iterator():
        row.save(update_fields=["password"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_merge_undo"),
    ]

    operations = [
        migrations.AlterField(
            model_name="useremailsettings",
            name="password",
            field=apps.core.encryption.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
