"""Stored objects leave with their rows. Whatever deletes a File, Picture or Thumbnail row (a
service, a cascade from a folder, album, news post, activity or party), its stored objects are
removed after the transaction commits, by a job (apps.core.jobs) recorded in the same
transaction; a rolled-back delete keeps them."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.core import jobs

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
