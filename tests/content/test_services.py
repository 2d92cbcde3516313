"""The content services: upload inspection, storing (unique names, no overwrite, nothing left on
bad input), folder rules, processing (idempotent, safe after a crash halfway) and the removal of
stored objects after commit."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from apps.content import services, uploads
from apps.content.models import File, Folder, Picture, Thumbnail
from apps.content.tasks import delete_stored_files, process_file, process_picture
from tests.api.peepl.test_files import stored_files
from tests.content.helpers import EXE, HTML, PDF, TEXT, bomb_png, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


# --- Inspection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (PDF, "x.exe", "application/pdf"),
        (png_bytes(), "x.pdf", "image/png"),
        (jpeg_bytes(), "x", "image/jpeg"),
        (TEXT, "people.csv", "text/csv"),
        (TEXT, "people.txt", "text/plain"),
        ("Zoë ünïcode".encode() * 1000, "u.txt", "text/plain"),
    ],
)
def test_types_are_sniffed_from_the_content(content, name, expected):
    info = uploads.inspect_upload(upload(content, name, "application/x-claimed"))
    assert info.content_type == expected and info.size == len(content)


@pytest.mark.parametrize("content", [HTML, EXE, b"\x00" * 100, b"<svg onload=alert(1)>"])
def test_types_not_allowed(content):
    with pytest.raises(ValidationError) as exc:
        uploads.inspect_upload(upload(content, "x.txt"))
    assert exc.value.message_dict == {"file": ["This type of file is not allowed."]}


def test_size_limit(settings):
    settings.FILE_UPLOAD_MAX_SIZE = 100
    assert uploads.inspect_upload(upload(b"a" * 100, "a.txt")).size == 100
    with pytest.raises(ValidationError):
        uploads.inspect_upload(upload(b"a" * 101, "a.txt"))
    with pytest.raises(ValidationError):
        uploads.inspect_upload(upload(b"", "a.txt"))


def test_images_must_be_real_and_within_the_pixel_limit():
    info = uploads.inspect_upload(upload(png_bytes(30, 20), "p.png"), image=True)
    assert (info.width, info.height, info.extension) == (30, 20, ".png")
    for bad in (PDF, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, bomb_png(), bomb_png(10_000, 10_000)):
        with pytest.raises(ValidationError):
            uploads.inspect_upload(upload(bad, "p.png"), image=True)


def test_stored_names():
    info = uploads.UploadInfo("application/pdf", ".pdf", 1)
    assert uploads.stored_name("Report 2024.html", info) == "Report_2024.pdf"
    assert uploads.stored_name("../../etc/passwd", info) == "passwd.pdf"
    assert uploads.stored_name("C:\\temp\\a.b.html", info) == "a.b.pdf"
    assert uploads.stored_name("..", info) == "file.pdf"
    assert uploads.stored_name("", info) == "file.pdf"


# --- Storing --------------------------------------------------------------------------------


def test_add_file_stores_under_a_fresh_name_and_never_overwrites():
    folder = services.create_folder(None, name="F")
    one = services.add_file(None, upload(PDF, "same.pdf"), folder=folder)
    two = services.add_file(None, upload(PDF + b"2", "same.pdf"), folder=folder)
    assert one.file.name != two.file.name
    assert one.name == two.name == "same.pdf"
    with default_storage.open(one.file.name) as fh:
        assert fh.read() == PDF
    assert one.content_type == "application/pdf" and one.size == len(PDF) and one.status == "pending"


def test_nothing_is_left_when_the_row_cannot_be_written():
    folder = services.create_folder(None, name="F")
    with pytest.raises(IntegrityError):
        services.add_file(None, upload(PDF, "a.pdf"), description=None, folder=folder)  # not a valid row
    assert not File.objects.exists() and stored_files() == []
    with pytest.raises(ValidationError):
        services.add_file(None, upload(EXE, "a.pdf"), folder=folder)
    assert not File.objects.exists() and stored_files() == []


def test_an_outer_rollback_keeps_no_row_and_processing_is_not_enqueued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.add_file(None, upload(PDF, "a.pdf"))
        raise RuntimeError
    assert callbacks == [] and not File.objects.exists()


# --- Folders --------------------------------------------------------------------------------


def test_folder_rules():
    root = services.create_folder(None, name="Root")
    child = services.create_folder(None, name="Child", parent=root)
    grandchild = services.create_folder(None, name="Grandchild", parent=child)
    with pytest.raises(ValidationError) as exc:
        services.create_folder(None, name="child ", parent=root)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update_folder(None, root, parent=grandchild)
    assert "parent" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.update_folder(None, Folder.objects.get(pk=root.pk), parent=root)
    with pytest.raises(ValidationError):
        services.create_folder(None, name="")
    services.update_folder(None, Folder.objects.get(pk=grandchild.pk), parent=None)
    assert Folder.objects.get(pk=grandchild.pk).parent_id is None


# --- Processing -----------------------------------------------------------------------------


def test_process_file_records_size_checksum_and_type():
    file = services.add_file(None, upload(TEXT, "a.csv"))
    result = process_file(file.pk)
    file.refresh_from_db()
    assert result["status"] == "ready"
    assert file.sha256 == hashlib.sha256(TEXT).hexdigest() and file.size == len(TEXT)
    assert file.content_type == "text/csv" and file.processed_at is not None
    assert process_file(file.pk)["sha256"] == file.sha256  # again: the same result
    assert process_file(999_999) is None  # deleted meanwhile: nothing to do


def test_process_file_with_the_stored_object_gone():
    file = services.add_file(None, upload(PDF, "a.pdf"))
    default_storage.delete(file.file.name)
    assert process_file(file.pk)["status"] == "failed"
    assert File.objects.get(pk=file.pk).processing_error


def test_process_picture_makes_one_thumbnail_per_size_and_is_idempotent():
    album = services.create_album(None, name="A")
    picture = services.add_picture(
        None, album, upload(png_bytes(2000, 1000, mode="RGBA", colour=(0, 0, 0, 0)), "p.png")
    )
    process_picture(picture.pk)
    first = sorted(Thumbnail.objects.values_list("size", "file", "width", "height"))
    assert [(s, w, h) for s, _, w, h in first] == [("large", 1024, 512), ("small", 256, 128)]
    assert process_picture(picture.pk)["status"] == "ready"
    assert sorted(Thumbnail.objects.values_list("size", "file", "width", "height")) == first
    assert len(stored_files()) == 3  # the picture and two thumbnails, nothing more
    picture.refresh_from_db()
    assert (picture.width, picture.height, picture.status) == (2000, 1000, "ready")


def test_a_run_that_died_halfway_and_runs_again_leaves_one_result(monkeypatch):
    album = services.create_album(None, name="A")
    picture = services.add_picture(None, album, upload(jpeg_bytes(800, 600), "p.jpg"))

    class WorkerDied(BaseException):
        pass

    def die():
        raise WorkerDied

    monkeypatch.setattr(services, "_test_pause", die)  # dies after the first thumbnail is stored
    with pytest.raises(WorkerDied):
        process_picture(picture.pk)
    assert not Thumbnail.objects.exists()  # rolled back...
    leftovers = [n for n in stored_files() if n.startswith("thumbnails/")]
    assert len(leftovers) == 1  # ...but its first thumbnail is in the storage

    monkeypatch.undo()
    process_picture(picture.pk)
    thumbs = list(Thumbnail.objects.order_by("size"))
    assert [t.size for t in thumbs] == ["large", "small"]
    assert sorted(n for n in stored_files() if n.startswith("thumbnails/")) == sorted(
        t.file.name for t in thumbs
    )
    assert leftovers[0] in [t.file.name for t in thumbs]  # replaced in place, not duplicated
    assert Picture.objects.get(pk=picture.pk).status == "ready"


def test_new_content_replaces_the_thumbnails(django_capture_on_commit_callbacks):
    album = services.create_album(None, name="A")
    with django_capture_on_commit_callbacks(execute=True):
        picture = services.add_picture(None, album, upload(png_bytes(400, 400), "p.png"))
    old = set(Thumbnail.objects.values_list("file", flat=True))
    old_picture = picture.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.replace_picture_content(None, picture, upload(jpeg_bytes(600, 300), "q.jpg"))
    new = set(Thumbnail.objects.values_list("file", flat=True))
    assert Thumbnail.objects.count() == 2 and not (old & new)
    assert sorted(stored_files()) == sorted([picture.file.name, *new])
    assert not default_storage.exists(old_picture)
    picture.refresh_from_db()
    assert (picture.width, picture.height, picture.content_type) == (600, 300, "image/jpeg")


# --- Removal of stored objects --------------------------------------------------------------


def test_stored_objects_go_only_after_commit(django_capture_on_commit_callbacks):
    file = services.add_file(None, upload(PDF, "a.pdf"))
    pk = file.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        services.delete_file(None, file)
        raise RuntimeError  # rolled back: the row and its object stay
    assert File.objects.filter(pk=pk).exists() and default_storage.exists(file.file.name)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delete_file(None, File.objects.get(pk=pk))
    assert default_storage.exists(file.file.name)  # not before commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(file.file.name)


def test_a_party_deleted_elsewhere_takes_its_files(django_capture_on_commit_callbacks):
    from apps.parties import services as party_services

    org = party_services.create_organisation(None, name="ACME")
    file = services.add_file(None, upload(PDF, "contract.pdf"), parties=[org])
    assert list(org.files.all()) == [file]
    with django_capture_on_commit_callbacks(execute=True):
        org.delete()
    assert not File.objects.exists() and not default_storage.exists(file.file.name)


def test_delete_stored_files_is_idempotent():
    name = default_storage.save("x/a.txt", ContentFile(b"a"))
    assert delete_stored_files([name, name, "x/missing.txt"]) == 3
    assert not default_storage.exists(name)
