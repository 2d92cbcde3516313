"""The content admin screens load and save through the services; uploads from the admin are
inspected, stored and processed exactly as API uploads are."""

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from apps.content import services
from apps.content.models import File, Folder, NewsPost, Picture, PictureAlbum, Thumbnail
from tests.content.helpers import EXE, PDF, png_bytes, upload

pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def errors(response):
    context = response.context
    if context is None:
        return None
    return context["adminform"].form.errors, [f.errors for f in context.get("inline_admin_formsets", [])]


@pytest.fixture
def content(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        folder = services.create_folder(None, name="Docs")
        services.create_folder(None, name="Sub", parent=folder)
        file = services.add_file(None, upload(PDF, "a.pdf"), folder=folder)
        post = services.create_news_post(None, title="News", content="c")
        services.add_attachment(None, post, upload(PDF, "b.pdf"))
        album = services.create_album(None, name="Album")
        picture = services.add_picture(None, album, upload(png_bytes(), "p.png"))
    return {"folder": folder, "file": file, "newspost": post, "picturealbum": album, "picture": picture}


@pytest.mark.parametrize("model", ["folder", "file", "newspost", "picturealbum", "picture"])
def test_pages_load(admin_client, content, model):
    assert admin_client.get(reverse(f"admin:content_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:content_{model}_add")).status_code == 200
    response = admin_client.get(reverse(f"admin:content_{model}_change", args=[content[model].pk]))
    assert response.status_code == 200


def test_album_pages_show_thumbnails(admin_client, content):
    """Through the signed download URLs, which work with DEBUG=0 (apps.content.downloads)."""
    thumb = content["picture"].thumbnails.get(size="small")
    name = thumb.file.name.rsplit("/", 1)[-1]
    pages = [
        admin_client.get(reverse("admin:content_picture_changelist")),
        admin_client.get(reverse("admin:content_picturealbum_change", args=[content["picturealbum"].pk])),
    ]
    for page in pages:
        sources = re.findall(r'<img src="(/files/[^"]+)"', page.content.decode())
        assert sources and all(source.endswith("/" + name) for source in sources)
        assert Client().get(sources[0]).status_code == 200


def test_folder_form_checks_the_tree_rules(admin_client):
    root = services.create_folder(None, name="Root")
    child = services.create_folder(None, name="Child", parent=root)
    data = {"name": "Root", "parent": str(child.pk), "is_public": "", "permissions": "[]"}
    data.update(management("subfolders", total=1, initial=1))
    data.update({"subfolders-0-id": str(child.pk), "subfolders-0-parent": str(root.pk)})
    data.update(management("files"))
    response = admin_client.post(reverse("admin:content_folder_change", args=[root.pk]), data)
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    assert Folder.objects.get(pk=root.pk).parent is None

    data = {"name": "child", "parent": str(root.pk), "permissions": "[]", **management("subfolders")}
    data.update(management("files"))
    response = admin_client.post(reverse("admin:content_folder_add"), data)
    assert response.status_code == 200
    assert "A folder with this name already exists here." in str(response.context["adminform"].form.errors)


def test_folder_with_an_uploaded_file(admin_client, django_capture_on_commit_callbacks):
    data = {"name": "Minutes", "parent": "", "permissions": "[]", **management("subfolders")}
    data.update(management("files", total=1))
    data.update({"files-0-name": "", "files-0-upload": upload(PDF, "minutes.pdf")})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:content_folder_add"), data)
    assert response.status_code == 302, errors(response)
    file = File.objects.get()
    assert file.folder.name == "Minutes" and file.name == "minutes.pdf"
    assert file.status == "ready" and file.content_type == "application/pdf" and len(file.sha256) == 64


def test_file_admin_refuses_a_wrong_type_and_stores_nothing(admin_client, content):
    before = File.objects.count()
    data = {
        "name": "",
        "description": "",
        "folder": str(content["folder"].pk),
        "upload": upload(EXE, "x.pdf"),
    }
    response = admin_client.post(reverse("admin:content_file_add"), data)
    assert response.status_code == 200
    assert "upload" in response.context["adminform"].form.errors
    assert File.objects.count() == before


def test_file_admin_replaces_content(admin_client, content, django_capture_on_commit_callbacks):
    file = content["file"]
    old = file.file.name
    data = {"name": "renamed.pdf", "description": "", "folder": str(file.folder_id)}
    data["upload"] = upload(PDF + b"% v2\n", "v2.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:content_file_change", args=[file.pk]), data)
    assert response.status_code == 302, errors(response)
    file.refresh_from_db()
    assert file.name == "renamed.pdf" and file.file.name != old and file.size == len(PDF) + 5
    assert not default_storage.exists(old) and default_storage.exists(file.file.name)


def test_album_with_an_uploaded_picture(admin_client, django_capture_on_commit_callbacks):
    data = {"name": "Camp", "description": "", "permissions": "[]", **management("pictures", total=1)}
    data.update(
        {
            "pictures-0-name": "Beach",
            "pictures-0-description": "",
            "pictures-0-upload": upload(png_bytes(), "b.png"),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:content_picturealbum_add"), data)
    assert response.status_code == 302, errors(response)
    picture = Picture.objects.get()
    assert picture.album.name == "Camp" and picture.name == "Beach"
    assert picture.thumbnails.count() == 2 and picture.status == "ready"


def test_picture_admin_refuses_a_non_image(admin_client, content):
    data = {
        "album": str(content["picturealbum"].pk),
        "name": "x",
        "description": "",
        "upload": upload(PDF, "x.png"),
    }
    response = admin_client.post(reverse("admin:content_picture_add"), data)
    assert response.status_code == 200 and "upload" in response.context["adminform"].form.errors
    assert Picture.objects.count() == 1


def test_news_post_and_delete_through_services(admin_client, content, django_capture_on_commit_callbacks):
    data = {"title": "Hi", "content": "<p>x</p>", "publish_date_0": "2024-01-01", "publish_date_1": "10:00"}
    data.update({"permissions": "[]", **management("attachments")})
    assert admin_client.post(reverse("admin:content_newspost_add"), data).status_code == 302
    assert NewsPost.objects.filter(title="Hi").exists()

    names = [content["picture"].file.name, *Thumbnail.objects.values_list("file", flat=True)]
    url = reverse("admin:content_picturealbum_delete", args=[content["picturealbum"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not PictureAlbum.objects.exists() and not any(default_storage.exists(n) for n in names)
