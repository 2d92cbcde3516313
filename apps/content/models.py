"""News posts, folders, files, picture albums and pictures.

Every stored file goes through Django's storage API (`default_storage`: local disk, or S3 through
django-storages): the storage picks a free name, so an upload never replaces another object.
What the client says about a file (its name, its type) is not trusted: the type is sniffed from
the content on upload, and a Celery task records size, SHA-256 and type from what was stored
(and, for pictures, the dimensions and thumbnails).

A File lives in a folder, is connected to any number of parties (Cirrus's account and contact
files), and/or is attached to an activity (Peepl's activity attachments, Cirrus's activity files)
or a news post (its attachments). Deleting the folder, activity or news post deletes the file;
deleting a party deletes the files connected to it and to nothing else (parties.services); a
stored object goes after commit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.models import BaseModel


def upload_path(instance, filename: str) -> str:
    """`<kind>/<year>/<month>/<name>`; the storage makes the name unique."""
    return timezone.now().strftime(f"{instance.upload_prefix}/%Y/%m/") + filename


class ProcessingStatus(models.TextChoices):
    PENDING = "pending", "Waiting for processing"
    READY = "ready", "Processed"
    FAILED = "failed", "Processing failed"


class StoredFileModel(BaseModel):
    """A stored object and what the processing task learned about it."""

    file = models.FileField(upload_to=upload_path, max_length=300)
    content_type = models.CharField(max_length=100, blank=True, help_text="Sniffed from the content.")
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=ProcessingStatus.choices, default=ProcessingStatus.PENDING, editable=False
    )
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)
    processing_error = models.CharField(max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def stored_names(self) -> list[str]:
        """Every storage name this row owns (removed with the row)."""
        return [self.file.name] if self.file.name else []


class NewsPost(BaseModel):
    title = models.CharField(max_length=255)
    content = models.TextField(help_text="HTML allowed.")
    publish_date = models.DateTimeField(db_index=True)
    is_public = models.BooleanField(default=False)
    permissions = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-publish_date", "-id"]

    def __str__(self):
        return self.title


SIBLING_NAME_TAKEN = "A folder with this name already exists here."


class Folder(BaseModel):
    """A node of the document tree. Sibling names are unique (ignoring case)."""

    name = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subfolders"
    )
    is_public = models.BooleanField(default=False)
    permissions = models.JSONField(default=list, blank=True)
    party = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="folders",
        help_text="The account the folder belongs to (Cirrus), if any.",
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "parent",
                condition=Q(parent__isnull=False),
                name="unique_subfolder_name",
                violation_error_message=SIBLING_NAME_TAKEN,
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(parent__isnull=True),
                name="unique_root_folder_name",
                violation_error_message=SIBLING_NAME_TAKEN,
            ),
        ]

    def __str__(self):
        return self.name


class File(StoredFileModel):
    upload_prefix = "files"

    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    folder = models.ForeignKey(Folder, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    parties = models.ManyToManyField(
        "parties.Party",
        blank=True,
        related_name="files",
        help_text="The accounts and contacts the file is connected to (Cirrus's connected accounts and "
        "contacts); a party's profile photo is connected to it.",
    )
    activity = models.ForeignKey(
        "sales.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    news_post = models.ForeignKey(
        NewsPost, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(news_post__isnull=True),
                name="file_attached_to_one_of_activity_or_news_post",
            )
        ]

    def __str__(self):
        return self.name


class PictureAlbum(BaseModel):
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    permissions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Picture(StoredFileModel):
    upload_prefix = "pictures"

    album = models.ForeignKey(PictureAlbum, on_delete=models.CASCADE, related_name="pictures")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

    def thumbnail(self, size: str = "small"):
        """The thumbnail of that size, from a prefetched `thumbnails` when there is one."""
        for thumb in self.thumbnails.all():
            if thumb.size == size:
                return thumb
        return None


class Thumbnail(models.Model):
    """A smaller copy of a picture, made by the processing task; one per size."""

    picture = models.ForeignKey(Picture, on_delete=models.CASCADE, related_name="thumbnails")
    size = models.CharField(max_length=20)
    file = models.FileField(max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    source_sha256 = models.CharField(max_length=64, help_text="The picture content it was made from.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["picture", "size"]
        constraints = [models.UniqueConstraint(fields=["picture", "size"], name="one_thumbnail_per_size")]

    def __str__(self):
        return f"{self.picture} ({self.size})"

    def stored_names(self) -> list[str]:
        return [self.file.name] if self.file.name else []
