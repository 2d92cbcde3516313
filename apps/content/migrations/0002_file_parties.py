from django.db import migrations, models


def copy_links(apps, schema_editor):
    """Each file's one party becomes its first connected party."""
    File = apps.get_model("content", "File")
    Link = File.parties.through
    rows = File.objects.filter(party__isnull=False).values_list("pk", "party_id").order_by("pk")
    batch = []
    for file_id, party_id in rows.iterator(chunk_size=2000):
        batch.append(Link(file_id=file_id, party_id=party_id))
        if len(batch) == 2000:
            Link.objects.bulk_create(batch)
            batch = []
    Link.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    """Going back keeps one connected party per file (the lowest id)."""
    File = apps.get_model("content", "File")
    for link in File.parties.through.objects.order_by("-party_id"):
        File.objects.filter(pk=link.file_id).update(party_id=link.party_id)


class Migration(migrations.Migration):
    """A file is connected to any number of parties (Cirrus's connectedaccounts and
    connectedcontacts together), no longer to at most one."""

    dependencies = [
        ('content', '0001_initial'),
        ('parties', '0008_addresses_across_apis'),
    ]

    operations = [
        migrations.AddField(
            model_name='file',
            name='parties',
            field=models.ManyToManyField(blank=True, help_text="The accounts and contacts the file is connected to (Cirrus's connected accounts and contacts); a party's profile photo is connected to it.", related_name='files', to='parties.party'),
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(
            model_name='file',
            name='party',
        ),
    ]
