"""Every write to news posts, folders, files, albums and pictures, with its rules, and the file
processing the Celery tasks run. The admin, the APIs and the tasks call these.

Uploads: `inspect_upload` checks size, sniffed type and (pictures) the image before anything is
stored; the storage API stores the object under a fresh name; the row commits with its processing
job (apps.core.jobs), which is published to the broker after commit. If the row cannot be
written, the stored object is removed again, so bad input leaves nothing behind.

Deletes: the rows go in the transaction (a folder, album, news post or activity takes its children
with it); their stored objects are removed by a job after commit (see signals.py).
"""

import io
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from apps.core import jobs
from apps.core.changelog import log_delete, log_save, stored_snapshot
from apps.core.db import unique_or

from .models import (
    SIBLING_NAME_TAKEN,
    File,
    Folder,
    NewsPost,
    Picture,
    PictureAlbum,
    ProcessingStatus,
    Thumbnail,
)
from .uploads import UploadInfo, digest, image_dimensions, inspect_upload, sniff, stored_name

logger = logging.getLogger(__name__)

# Thumbnail sizes: name -> the longest side in pixels. "small" is the one the APIs show.
THUMBNAIL_SIZES = {"small": 256, "large": 1024}

NEWS_POST_FIELDS = {"title", "content", "publish_date", "is_public", "permissions"}
FOLDER_FIELDS = {"name", "parent", "is_public", "permissions", "party"}
FILE_FIELDS = {"name", "description", "folder", "party"}
ALBUM_FIELDS = {"name", "description", "date", "is_public", "permissions"}
PICTURE_FIELDS = {"name", "description", "album"}


def _set_fields(obj, data: dict, allowed: set[str]):
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _validated_save(obj, **kwargs):
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save(**kwargs)


def _check_permissions(obj):
    if not isinstance(obj.permissions, list):
        raise ValidationError({"permissions": "Must be a list."})


# --- News posts -----------------------------------------------------------------------------


@transaction.atomic
def save_news_post(actor, post: NewsPost) -> NewsPost:
    before = stored_snapshot(post)
    if post.publish_date is None:
        post.publish_date = timezone.now()
    if post.author_id is None and before is None and getattr(actor, "is_authenticated", False):
        post.author = actor
    _check_permissions(post)
    _validated_save(post)
    log_save(actor, post, before)
    return post


@transaction.atomic
def create_news_post(actor, **fields) -> NewsPost:
    post = NewsPost()
    _set_fields(post, fields, NEWS_POST_FIELDS)
    return save_news_post(actor, post)


@transaction.atomic
def update_news_post(actor, post: NewsPost, **fields) -> NewsPost:
    _set_fields(post, fields, NEWS_POST_FIELDS)
    return save_news_post(actor, post)


@transaction.atomic
def delete_news_post(actor, post: NewsPost) -> None:
    """Delete a news post and its attachments."""
    log_delete(actor, post)
    post.delete()


# --- Folders --------------------------------------------------------------------------------


def check_folder(folder: Folder) -> None:
    """Sibling names are unique (ignoring case); a folder is never its own ancestor."""
    if not (folder.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    ancestor_id = folder.parent_id
    seen = set()
    while ancestor_id is not None and folder.pk is not None:
        if ancestor_id == folder.pk:
            raise ValidationError({"parent": "A folder cannot be its own ancestor."})
        if ancestor_id in seen:  # a loop already in the data: refuse to build on it
            raise ValidationError({"parent": "A folder cannot be its own ancestor."})
        seen.add(ancestor_id)
        ancestor_id = Folder.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
    siblings = Folder.objects.filter(parent_id=folder.parent_id, name__iexact=folder.name.strip())
    if siblings.exclude(pk=folder.pk).exists():
        raise ValidationError({"name": SIBLING_NAME_TAKEN})


@transaction.atomic
def save_folder(actor, folder: Folder) -> Folder:
    before = stored_snapshot(folder)
    folder.name = (folder.name or "").strip()
    _check_permissions(folder)
    check_folder(folder)
    with unique_or({"name": SIBLING_NAME_TAKEN}):  # a concurrent writer took the name since the check
        _validated_save(folder)
    log_save(actor, folder, before)
    return folder


@transaction.atomic
def create_folder(actor, **fields) -> Folder:
    folder = Folder()
    _set_fields(folder, fields, FOLDER_FIELDS)
    return save_folder(actor, folder)


@transaction.atomic
def update_folder(actor, folder: Folder, **fields) -> Folder:
    _set_fields(folder, fields, FOLDER_FIELDS)
    return save_folder(actor, folder)


@transaction.atomic
def delete_folder(actor, folder: Folder) -> None:
    """Delete a folder with its subfolders and their files."""
    log_delete(actor, folder)
    folder.delete()


# --- Storing uploads ------------------------------------------------------------------------


def _enqueue(task, pk):
    """Queue the processing as a job: recorded with the row, published once it is committed (a
    broker that is down leaves it for the job sweep, never an unprocessed upload)."""
    jobs.enqueue(task, pk)


def _store(obj, upload, info: UploadInfo, display_name: str):
    """Give `obj` the upload as its stored file (a fresh name from the storage) and what is known
    of it now; the task fills in the rest from the stored object."""
    upload.seek(0)
    # The storage (S3) takes the object's Content-Type from here: the sniffed type, not the claim.
    upload.content_type = info.content_type
    obj.file.save(stored_name(display_name, info), upload, save=False)
    obj.content_type = info.content_type
    obj.size = info.size
    obj.sha256 = ""
    obj.status = ProcessingStatus.PENDING
    obj.processed_at = None
    obj.processing_error = ""


def _save_stored(actor, obj, before, parent=None):
    """Save a row whose object was just stored; if the row cannot be written, remove the object."""
    name = obj.file.name
    try:
        with transaction.atomic():
            _validated_save(obj)
            log_save(actor, obj, before, parent=parent)
    except BaseException:
        obj.file.storage.delete(name)
        raise


def upload_display_name(upload, name: str | None, info: UploadInfo) -> str:
    """The name to show: the one given, else the upload's own, else `file.<ext>`."""
    given = (name or "").strip() or (getattr(upload, "name", "") or "").strip()
    return (given or f"file{info.extension}")[:255]


@transaction.atomic
def add_file(
    actor,
    upload,
    *,
    name: str | None = None,
    description: str = "",
    folder: Folder | None = None,
    party=None,
    activity=None,
    news_post: NewsPost | None = None,
    info: UploadInfo | None = None,
) -> File:
    """Store an uploaded file in a folder, or as an attachment of an activity or news post (or a
    party's file). `info` is the result of an earlier inspect_upload of the same upload."""
    info = info or inspect_upload(upload)
    display_name = upload_display_name(upload, name, info)
    file = File(
        name=display_name,
        description=description,
        folder=folder,
        party=party,
        activity=activity,
        news_post=news_post,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if activity is not None and news_post is not None:
        raise ValidationError("A file is attached to an activity or to a news post, not both.")
    _store(file, upload, info, display_name)
    _save_stored(actor, file, None, parent=activity or news_post or folder or party)
    from .tasks import process_file

    _enqueue(process_file, file.pk)
    return file


@transaction.atomic
def add_attachment(actor, owner, upload, *, name: str | None = None, info: UploadInfo | None = None) -> File:
    """Attach an uploaded file to an activity or a news post."""
    if isinstance(owner, NewsPost):
        return add_file(actor, upload, name=name, news_post=owner, info=info)
    return add_file(actor, upload, name=name, activity=owner, info=info)


@transaction.atomic
def update_file(actor, file: File, **fields) -> File:
    before = stored_snapshot(file)
    _set_fields(file, fields, FILE_FIELDS)
    if not (file.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(file)
    log_save(actor, file, before)
    return file


def _replace_content(actor, obj, upload, info, task):
    before = stored_snapshot(obj)
    old_names = obj.stored_names()
    _store(obj, upload, info, obj.name)
    _save_stored(actor, obj, before)
    from .signals import remove_stored_after_commit

    remove_stored_after_commit(old_names)
    _enqueue(task, obj.pk)
    return obj


@transaction.atomic
def replace_file_content(actor, file: File, upload, info: UploadInfo | None = None) -> File:
    """Give a file new content (a new stored object; the old one goes after commit)."""
    from .tasks import process_file

    return _replace_content(actor, file, upload, info or inspect_upload(upload), process_file)


@transaction.atomic
def delete_file(actor, file: File) -> None:
    log_delete(actor, file, parent=file.activity or file.news_post or file.folder)
    file.delete()


# --- Albums and pictures --------------------------------------------------------------------


@transaction.atomic
def save_album(actor, album: PictureAlbum) -> PictureAlbum:
    before = stored_snapshot(album)
    _check_permissions(album)
    if not (album.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(album)
    log_save(actor, album, before)
    return album


@transaction.atomic
def create_album(actor, **fields) -> PictureAlbum:
    album = PictureAlbum()
    _set_fields(album, fields, ALBUM_FIELDS)
    return save_album(actor, album)


@transaction.atomic
def update_album(actor, album: PictureAlbum, **fields) -> PictureAlbum:
    _set_fields(album, fields, ALBUM_FIELDS)
    return save_album(actor, album)


@transaction.atomic
def delete_album(actor, album: PictureAlbum) -> None:
    """Delete an album and its pictures (and their thumbnails)."""
    log_delete(actor, album)
    album.delete()


@transaction.atomic
def add_picture(
    actor,
    album: PictureAlbum,
    upload,
    *,
    name: str | None = None,
    description: str | None = None,
    info: UploadInfo | None = None,
) -> Picture:
    """Store an uploaded image in an album; the task makes its thumbnails."""
    info = info or inspect_upload(upload, image=True)
    display_name = upload_display_name(upload, name, info)
    picture = Picture(
        album=album,
        name=display_name,
        description=description,
        width=info.width,
        height=info.height,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store(picture, upload, info, display_name)
    _save_stored(actor, picture, None, parent=album)
    from .tasks import process_picture

    _enqueue(process_picture, picture.pk)
    return picture


@transaction.atomic
def update_picture(actor, picture: Picture, **fields) -> Picture:
    before = stored_snapshot(picture)
    _set_fields(picture, fields, PICTURE_FIELDS)
    if not (picture.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(picture)
    log_save(actor, picture, before, parent=picture.album)
    return picture


@transaction.atomic
def replace_picture_content(actor, picture: Picture, upload, info: UploadInfo | None = None) -> Picture:
    from .tasks import process_picture

    info = info or inspect_upload(upload, image=True)
    picture.width, picture.height = info.width, info.height
    return _replace_content(actor, picture, upload, info, process_picture)


@transaction.atomic
def delete_picture(actor, picture: Picture) -> None:
    log_delete(actor, picture, parent=picture.album)
    picture.delete()


# --- Processing (run by the Celery tasks) ---------------------------------------------------


def _test_pause():
    """A test hook: settings.CONTENT_TASK_TEST_PAUSE seconds of sleep halfway through a picture, so
    a test can kill the worker while the task runs. Zero (no pause) outside those tests."""
    pause = getattr(settings, "CONTENT_TASK_TEST_PAUSE", 0)
    if pause:
        time.sleep(pause)


def _read_stored(obj) -> tuple[int, str, str | None]:
    with obj.file.storage.open(obj.file.name, "rb") as fh:
        size, sha, head = digest(fh)
    return size, sha, sniff(head, obj.file.name)


def _fail(obj, message: str):
    obj.status = ProcessingStatus.FAILED
    obj.processing_error = message[:255]
    obj.processed_at = timezone.now()
    obj.save(update_fields=["status", "processing_error", "processed_at", "updated"])
    return {"id": obj.pk, "status": obj.status, "error": obj.processing_error}


def _record(obj, size, sha, content_type, extra_fields=()):
    obj.size, obj.sha256, obj.content_type = size, sha, content_type or ""
    obj.status = ProcessingStatus.READY
    obj.processing_error = ""
    obj.processed_at = timezone.now()
    obj.save(
        update_fields=[
            "size",
            "sha256",
            "content_type",
            "status",
            "processing_error",
            "processed_at",
            "updated",
            *extra_fields,
        ]
    )


def _locked(model, pk):
    return model.objects.select_for_update().filter(pk=pk).first()


def process_file(file_id: int) -> dict | None:
    """Record a stored file's size, SHA-256 and sniffed type. Idempotent: running it again (after
    a crash, or twice) gives the same one result."""
    with transaction.atomic():
        file = _locked(File, file_id)
        if file is None or not file.file.name:
            return None
        try:
            size, sha, content_type = _read_stored(file)
        except FileNotFoundError:
            return _fail(file, "The stored file is missing.")
        _record(file, size, sha, content_type)
        return {"id": file.pk, "status": file.status, "sha256": sha}


def thumbnail_name(picture: Picture, size: str, sha: str) -> str:
    """Where a thumbnail of this content is stored: fixed for a picture, size and content, so a
    run that died halfway and runs again finds (and replaces) what it left."""
    return f"thumbnails/{picture.uuid.hex}/{sha[:16]}-{size}.jpg"


def _render_thumbnail(image: Image.Image, longest_side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side))
    if copy.mode not in ("RGB", "L"):
        background = Image.new("RGB", copy.size, "white")
        rgba = copy.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        copy = background
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), copy.width, copy.height


def _make_thumbnail(picture: Picture, image: Image.Image, size: str, sha: str, existing: Thumbnail | None):
    storage = picture.file.storage
    if existing is not None and existing.source_sha256 == sha and storage.exists(existing.file.name):
        return existing, []  # already made from this content
    target = thumbnail_name(picture, size, sha)
    if storage.exists(target):
        storage.delete(target)  # left by a run that died before it could record it
    data, width, height = _render_thumbnail(image, THUMBNAIL_SIZES[size])
    content = ContentFile(data)
    content.content_type = "image/jpeg"
    name = storage.save(target, content)
    try:
        thumb = existing or Thumbnail(picture=picture, size=size)
        obsolete = thumb.stored_names() if thumb.file.name and thumb.file.name != name else []
        thumb.file.name, thumb.width, thumb.height, thumb.source_sha256 = name, width, height, sha
        thumb.save()
    except BaseException:
        storage.delete(name)
        raise
    return thumb, obsolete


def process_picture(picture_id: int) -> dict | None:
    """Record a stored picture's size, SHA-256, type and dimensions and make its thumbnails (one
    per size). Idempotent and safe to run again after a worker died halfway: thumbnails have fixed
    names per content, leftovers are replaced, and rows are written only at the end."""
    from .signals import remove_stored_after_commit

    with transaction.atomic():
        picture = _locked(Picture, picture_id)
        if picture is None or not picture.file.name:
            return None
        try:
            size, sha, content_type = _read_stored(picture)
        except FileNotFoundError:
            return _fail(picture, "The stored file is missing.")
        with picture.file.storage.open(picture.file.name, "rb") as fh:
            data = io.BytesIO(fh.read())
        try:
            width, height = image_dimensions(data)
            with Image.open(data) as image:
                image = ImageOps.exif_transpose(image)
                image.load()
        except ValidationError as exc:
            return _fail(picture, " ".join(exc.messages))
        except (OSError, ValueError) as exc:
            return _fail(picture, f"Cannot read the image: {exc}")
        existing = {t.size: t for t in picture.thumbnails.all()}
        obsolete = []
        for index, size_name in enumerate(THUMBNAIL_SIZES):
            if index == 1:
                _test_pause()
            _thumb, old = _make_thumbnail(picture, image, size_name, sha, existing.pop(size_name, None))
            obsolete += old
        for stale in existing.values():  # sizes no longer made (their objects go with the rows)
            stale.delete()
        picture.width, picture.height = width, height
        _record(picture, size, sha, content_type, extra_fields=("width", "height"))
        remove_stored_after_commit(obsolete)
        return {"id": picture.pk, "status": picture.status, "sha256": sha, "thumbnails": len(THUMBNAIL_SIZES)}
