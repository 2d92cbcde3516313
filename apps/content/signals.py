"""Stored objects leave with their rows. Whatever deletes a File, Picture or Thumbnail row (a
service, a cascade from a folder, album, news post or activity, a party's deletion), its stored
objects are removed after the transaction commits, by a job (apps.core.jobs) recorded in the same
transaction; a rolled-back delete keeps them.

A party's deletion (through the services or not) deletes the files connected to it and to
nothing else: no other party, folder, activity or news post holds them."""

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from apps.core import jobs
from apps.parties.models import Organisation, Party, Person

from .models import File, Picture, Thumbnail


def remove_stored_after_commit(names) -> None:
    names = [n for n in names if n]
    if names:
        from .tasks import delete_stored_files

        jobs.enqueue(delete_stored_files, names)


@receiver(post_delete, sender=File, dispatch_uid="content_file_blob")
@receiver(post_delete, sender=Picture, dispatch_uid="content_picture_blob")
@receiver(post_delete, sender=Thumbnail, dispatch_uid="content_thumbnail_blob")
def _remove_stored(sender, instance, **kwargs):
    remove_stored_after_commit(instance.stored_names())


@receiver(pre_delete, sender=Party, dispatch_uid="content_party_files")
@receiver(pre_delete, sender=Person, dispatch_uid="content_person_files")
@receiver(pre_delete, sender=Organisation, dispatch_uid="content_organisation_files")
def _delete_files_only_of(sender, instance, **kwargs):
    others = File.parties.through.objects.filter(file=OuterRef("pk")).exclude(party=instance)
    lonely = File.objects.filter(
        parties=instance, folder__isnull=True, activity__isnull=True, news_post__isnull=True
    ).exclude(Exists(others))
    for file in lonely:
        file.delete()
