"""Peepl uploads over HTTP: attachments (#70-#72, #86-#88), files (#94-#97) and pictures
(#103-#106): multipart and base64 JSON, the size limit, sniffed types, real images, a
decompression bomb, nothing half-written on bad input."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from apps.content import services
from apps.content.models import File, Picture, Thumbnail
from apps.sales import services as sales_services
from tests.api.peepl.test_activities import make
from tests.content.helpers import EXE, HTML, PDF, TEXT, b64, bomb_png, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files():
    """Every object in the (test's private) media storage."""
    found = []

    def walk(path):
        dirs, files = default_storage.listdir(path) if default_storage.exists(path) else ([], [])
        found.extend(f"{path}/{f}".lstrip("/") for f in files)
        for d in dirs:
            walk(f"{path}/{d}".lstrip("/"))

    walk("")
    return sorted(found)


@pytest.fixture
def folder():
    return services.create_folder(None, name="Docs")


@pytest.fixture
def album():
    return services.create_album(None, name="Summer")


# --- Files (#94-#97) ------------------------------------------------------------------------


def test_multipart_upload_to_a_folder(peepl, folder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = peepl.post(
            f"folders/{folder.pk}/files/",
            {"file": upload(PDF, "Report 2024.pdf", "text/html")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Report 2024.pdf" and body["folder"] == folder.pk
    assert body["content_type"] == "application/pdf"  # sniffed, not the client's claim
    assert body["size"] == len(PDF) and body["url"].startswith("http://testserver/files/")
    row = File.objects.get(pk=body["id"])
    assert row.sha256 == hashlib.sha256(PDF).hexdigest() and row.status == "ready"
    with default_storage.open(row.file.name) as fh:
        assert fh.read() == PDF

    again = peepl.get(f"files/{row.pk}/").json()
    # The URL is signed with the time it was handed out (apps.content.downloads): same file, maybe
    # another signature.
    assert {**again, "url": None} == {**body, "url": None}
    assert again["url"].rsplit("/", 1)[1] == body["url"].rsplit("/", 1)[1]
    assert [f["id"] for f in peepl.get(f"folders/{folder.pk}/").json()["files"]] == [row.pk]


def test_json_base64_upload_and_the_files_alias(peepl, folder):
    response = peepl.post(
        "files/", {"folder": folder.pk, "file": b64(TEXT), "name": "people.csv"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "text/csv" and response.json()["name"] == "people.csv"
    response = peepl.post("files/", {"folder": folder.pk, "file": f"data:text/plain;base64,{b64(PDF)}"})
    assert response.status_code == 201 and response.json()["name"] == "file.pdf"

    assert peepl.post("files/", {"file": b64(PDF)}, format="json").json() == {
        "folder": ["This field is required."]
    }
    response = peepl.post("files/", {"folder": folder.pk, "file": "%%% not base64"}, format="json")
    assert response.status_code == 400 and "file" in response.json()


def test_same_name_never_overwrites(peepl, folder):
    first = peepl.post(f"folders/{folder.pk}/files/", {"file": upload(PDF, "a.pdf")}, format="multipart")
    second_content = PDF + b"% second\n"
    second = peepl.post(
        f"folders/{folder.pk}/files/", {"file": upload(second_content, "a.pdf")}, format="multipart"
    )
    assert first.json()["url"] != second.json()["url"]
    one, two = File.objects.order_by("id")
    with default_storage.open(one.file.name) as fh:
        assert fh.read() == PDF
    with default_storage.open(two.file.name) as fh:
        assert fh.read() == second_content


def test_hostile_names_are_made_safe(peepl, folder):
    response = peepl.post(
        f"folders/{folder.pk}/files/",
        {"file": upload(PDF, "x.pdf"), "name": "../../etc/passwd.html"},
        format="multipart",
    )
    assert response.status_code == 201
    row = File.objects.get()
    assert row.name == "../../etc/passwd.html"  # what the user called it, shown as is
    assert (
        ".." not in row.file.name.split("/")
        and row.file.name.startswith("files/")
        and row.file.name.endswith(".pdf")
    )


def test_missing_file(peepl, folder):
    response = peepl.post(f"folders/{folder.pk}/files/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


@pytest.mark.parametrize("content", [HTML, EXE, b"\x00\x01\x02binary\xff" * 10])
def test_types_not_allowed(peepl, folder, content):
    response = peepl.post(
        f"folders/{folder.pk}/files/",
        {"file": upload(content, "doc.pdf", "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["This type of file is not allowed."]}
    assert not File.objects.exists() and stored_files() == []


def test_empty_file(peepl, folder):
    response = peepl.post(f"folders/{folder.pk}/files/", {"file": upload(b"", "e.txt")}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_oversize_upload_is_refused(peepl, folder, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1000
    big = PDF + b"0" * 1200
    response = peepl.post(f"folders/{folder.pk}/files/", {"file": upload(big, "big.pdf")}, format="multipart")
    assert response.status_code == 400
    assert "too large" in response.json()["file"][0]
    response = peepl.post(f"folders/{folder.pk}/files/", {"file": b64(big)}, format="json")
    assert response.status_code == 400 and "too large" in response.json()["file"][0]
    assert not File.objects.exists() and stored_files() == []


def test_far_oversize_body_is_413(peepl, folder, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    huge = PDF + b"0" * 50_000
    response = peepl.post(
        f"folders/{folder.pk}/files/", {"file": upload(huge, "huge.pdf")}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}
    response = peepl.post(f"folders/{folder.pk}/files/", {"file": b64(huge)}, format="json")
    assert response.status_code == 413
    assert not File.objects.exists() and stored_files() == []


def test_file_list_filter_and_delete(peepl, folder, django_capture_on_commit_callbacks):
    other = services.create_folder(None, name="Other")
    a = services.add_file(None, upload(PDF, "a.pdf"), folder=folder)
    b = services.add_file(None, upload(PDF, "b.pdf"), folder=other)
    attachment = services.add_attachment(None, make(), upload(PDF, "c.pdf"))
    assert [f["id"] for f in peepl.get("files/").json()] == [a.pk, b.pk]  # attachments are not files
    assert [f["id"] for f in peepl.get(f"files/?folder={other.pk}").json()] == [b.pk]
    assert peepl.get("files/?folder=x").status_code == 400
    assert peepl.get(f"files/{attachment.pk}/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"files/{a.pk}/").status_code == 200
    assert not default_storage.exists(a.file.name) and default_storage.exists(b.file.name)
    assert peepl.get(f"files/{a.pk}/").status_code == 404
    assert peepl.delete(f"files/{a.pk}/").status_code == 404
    assert peepl.put(f"files/{b.pk}/", {}).status_code == 405
    assert (
        peepl.post("folders/999/files/", {"file": upload(PDF, "a.pdf")}, format="multipart").status_code
        == 404
    )


# --- Attachments (#70-#72, #86-#88) ---------------------------------------------------------


@pytest.mark.parametrize("owner", ["activities", "news_posts"])
def test_attachments(peepl, owner, django_capture_on_commit_callbacks):
    parent = make() if owner == "activities" else services.create_news_post(None, title="t", content="c")
    other = make("sale") if owner == "activities" else services.create_news_post(None, title="u", content="c")
    base = f"{owner}/{parent.pk}/attachments/"
    assert peepl.get(base).json() == []

    response = peepl.post(base, {"file": upload(PDF, "agenda.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    first = response.json()
    assert set(first) == {"id", "name", "url", "content_type", "size", "created"}
    assert first["name"] == "agenda.pdf" and first["content_type"] == "application/pdf"
    second = peepl.post(base, {"file": b64(TEXT), "name": "list.txt"}, format="json").json()
    assert second["content_type"] == "text/plain"
    assert [a["id"] for a in peepl.get(base).json()] == [first["id"], second["id"]]
    if owner == "news_posts":
        assert len(peepl.get(f"news_posts/{parent.pk}/").json()["attachments"]) == 2

    assert peepl.post(base, {}, format="json").json() == {"file": ["No file was submitted."]}
    assert peepl.delete(f"{owner}/{other.pk}/attachments/{first['id']}/").status_code == 404
    stored = File.objects.get(pk=first["id"]).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"{base}{first['id']}/").status_code == 200
    assert not default_storage.exists(stored)
    assert [a["id"] for a in peepl.get(base).json()] == [second["id"]]
    assert peepl.get(f"{owner}/999/attachments/").status_code == 404
    assert (
        peepl.post(
            f"{owner}/999/attachments/", {"file": upload(PDF, "a.pdf")}, format="multipart"
        ).status_code
        == 404
    )


def test_a_crm_tasks_attachments_are_listed_too(peepl):
    task = sales_services.create_activity(None, kind="task", name="Call", start=make().start)
    response = peepl.get(f"activities/{task.pk}/attachments/")
    assert response.status_code == 200 and response.json() == []


# --- Pictures (#103-#106) -------------------------------------------------------------------


def test_picture_upload_makes_thumbnails(peepl, album, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = peepl.post(
            "pictures/",
            {"album": album.pk, "file": upload(png_bytes(1600, 900), "beach.png")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["album"] == album.pk and body["name"] == "beach.png"
    assert (body["width"], body["height"]) == (1600, 900)

    body = peepl.get(f"pictures/{body['id']}/").json()
    assert body["thumbnail_url"].startswith("http://testserver/files/")
    picture = Picture.objects.get()
    assert picture.status == "ready" and picture.content_type == "image/png" and len(picture.sha256) == 64
    sizes = {t.size: (t.width, t.height) for t in picture.thumbnails.all()}
    assert sizes == {"small": (256, 144), "large": (1024, 576)}


def test_picture_upload_as_base64_and_through_the_album_alias(peepl, album):
    response = peepl.post(
        f"picture_albums/{album.pk}/pictures/",
        {"file": b64(jpeg_bytes()), "name": "Team", "description": "All of us"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["album"] == album.pk and response.json()["description"] == "All of us"
    response = peepl.post(
        f"albums/{album.pk}/pictures/", {"file": upload(png_bytes(), "x.png")}, format="multipart"
    )
    assert response.status_code == 201
    assert (
        peepl.post(
            "albums/999/pictures/", {"file": upload(png_bytes(), "x.png")}, format="multipart"
        ).status_code
        == 404
    )
    assert peepl.get(f"albums/{album.pk}/pictures/").status_code == 405


@pytest.mark.parametrize("content", [PDF, TEXT, b"\x89PNG\r\n\x1a\n broken"])
def test_picture_must_be_a_real_image(peepl, album, content):
    response = peepl.post(
        "pictures/", {"album": album.pk, "file": upload(content, "fake.png", "image/png")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": ["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]
    }
    assert not Picture.objects.exists() and stored_files() == []


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000)])
def test_decompression_bomb_is_refused(peepl, album, size):
    bomb = bomb_png(*size)
    assert len(bomb) < 200
    response = peepl.post(
        "pictures/", {"album": album.pk, "file": upload(bomb, "bomb.png")}, format="multipart"
    )
    assert 400 <= response.status_code < 500
    assert "too many pixels" in response.json()["file"][0]
    assert not Picture.objects.exists() and stored_files() == []


def test_picture_errors(peepl, album):
    assert peepl.post("pictures/", {"file": upload(png_bytes(), "x.png")}, format="multipart").json() == {
        "album": ["This field is required."]
    }
    assert peepl.post("pictures/", {"album": 999, "file": b64(png_bytes())}, format="json").status_code == 400
    assert peepl.post("pictures/", {"album": album.pk}, format="json").json() == {
        "file": ["No file was submitted."]
    }
    assert not Picture.objects.exists()


def test_picture_list_filter_and_delete(peepl, album, django_capture_on_commit_callbacks):
    other = services.create_album(None, name="Other")
    with django_capture_on_commit_callbacks(execute=True):
        a = services.add_picture(None, album, upload(png_bytes(), "a.png"))
        b = services.add_picture(None, other, upload(png_bytes(), "b.png"))
    assert [p["id"] for p in peepl.get("pictures/").json()] == [a.pk, b.pk]
    assert [p["id"] for p in peepl.get(f"pictures/?album={other.pk}").json()] == [b.pk]
    names = [a.file.name, *Thumbnail.objects.filter(picture=a).values_list("file", flat=True)]
    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"pictures/{a.pk}/").status_code == 200
    assert not any(default_storage.exists(n) for n in names)
    assert default_storage.exists(b.file.name)
    assert peepl.get(f"pictures/{a.pk}/").status_code == 404
    assert peepl.put(f"pictures/{b.pk}/", {}).status_code == 405
