"""The standard activity types of a fresh install: call, meeting, e-mail and task."""

import uuid

from django.db import migrations

# (code, name, colour)
TYPES = [("call", "Call", "876FD5"), ("meeting", "Meeting", "0000FF"), ("email", "E-mail", "2E86C1"), ("task", "Task", "F39C12")]


def install(apps, schema_editor):
    ActivityType = apps.get_model("sales", "ActivityType")
    for sort_order, (code, name, colour) in enumerate(TYPES):
        if not ActivityType.objects.filter(code=code).exists():
            ActivityType.objects.create(uuid=uuid.uuid4(), code=code, name=name, colour=colour, sort_order=sort_order)


class Migration(migrations.Migration):
    dependencies = [("sales", "0002_crmcom_activity_links")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
