"""Peepl operations #81-#93 and #98-#102 over HTTP: news posts, folders and picture albums (the
uploads themselves are in test_files.py)."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.content import services
from apps.content.models import File, Folder, NewsPost, Picture, PictureAlbum, Thumbnail
from tests.content.helpers import PDF, png_bytes, upload

pytestmark = pytest.mark.django_db


def query_count(client, path) -> int:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- News posts (#81-#88) -------------------------------------------------------------------


def test_news_post_crud(peepl):
    response = peepl.post("news_posts/", {"title": "Hello", "content": "<p>Hi</p>"}, format="json")
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["is_public"] is False and post["permissions"] == [] and post["publish_date"]
    assert post["attachments"] == []

    older = peepl.post(
        "newsposts/", {"title": "Old", "content": "x", "publish_date": "2020-01-01", "is_public": True}
    ).json()
    assert [p["id"] for p in peepl.get("news_posts/").json()] == [post["id"], older["id"]]
    assert peepl.get("newsposts/").json() == peepl.get("news_posts/").json()

    detail = peepl.get(f"news_posts/{post['id']}/").json()
    assert detail["title"] == "Hello" and "attachments" in detail

    response = peepl.put(
        f"news_posts/{post['id']}/", {"title": "Hello!", "content": "y", "permissions": [{"group": 1}]}
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Hello!" and response.json()["permissions"] == [{"group": 1}]
    assert response.json()["publish_date"] == post["publish_date"]  # omitted: unchanged

    assert peepl.put(f"news_posts/{post['id']}/", {"title": "x"}, format="json").status_code == 400
    assert peepl.post("news_posts/", {"title": "x"}, format="json").json() == {
        "content": ["This field is required."]
    }
    assert peepl.post("news_posts/", {"title": "x", "content": "y", "permissions": "all"}).status_code == 400
    assert peepl.get("news_posts/999/").status_code == 404
    assert peepl.patch(f"news_posts/{post['id']}/", {}).status_code == 405


def test_news_post_delete_removes_attachments(peepl, django_capture_on_commit_callbacks):
    post = services.create_news_post(None, title="t", content="c")
    attachment = services.add_attachment(None, post, upload(PDF, "a.pdf"))
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"news_posts/{post.pk}/").status_code == 200
    assert not NewsPost.objects.exists() and not File.objects.exists()
    assert not default_storage.exists(name)
    assert peepl.delete(f"news_posts/{post.pk}/").status_code == 404


def test_news_list_queries_are_constant(peepl):
    for i in range(2):
        services.create_news_post(None, title=f"t{i}", content="c")
    few = query_count(peepl, "news_posts/")
    for i in range(8):
        services.create_news_post(None, title=f"u{i}", content="c")
    assert query_count(peepl, "news_posts/") == few


# --- Folders (#89-#93) ----------------------------------------------------------------------


def test_folder_tree(peepl):
    root = peepl.post("folders/", {"name": "Documents"}, format="json")
    assert root.status_code == 201, root.content
    root = root.json()
    assert root["parent"] is None and root["subfolders"] == [] and root["files"] == []
    child = peepl.post("folders/", {"name": "Minutes", "parent": root["id"]}, format="json").json()
    assert child["parent"] == root["id"]

    flat = peepl.get("folders/").json()
    assert [(f["id"], f["parent"]) for f in flat] == [(root["id"], None), (child["id"], root["id"])]
    detail = peepl.get(f"folders/{root['id']}/").json()
    assert detail["subfolders"] == [{"id": child["id"], "name": "Minutes"}]

    # Sibling names are unique (ignoring case), at the root too.
    response = peepl.post("folders/", {"name": "minutes", "parent": root["id"]}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    assert peepl.post("folders/", {"name": "DOCUMENTS"}, format="json").status_code == 400
    assert peepl.post("folders/", {"name": "Minutes"}, format="json").status_code == 201  # other parent

    response = peepl.post("folders/", {"name": "x", "parent": 99999}, format="json")
    assert response.status_code == 400 and response.json()["parent"][0].startswith("Invalid pk")

    # No cycles.
    response = peepl.put(f"folders/{root['id']}/", {"name": "Documents", "parent": child["id"]})
    assert response.status_code == 400 and "parent" in response.json()
    response = peepl.put(f"folders/{root['id']}/", {"name": "Documents", "parent": root["id"]})
    assert response.status_code == 400 and "parent" in response.json()
    assert Folder.objects.get(pk=root["id"]).parent_id is None

    response = peepl.put(f"folders/{child['id']}/", {"name": "Notes", "parent": None, "is_public": True})
    assert response.status_code == 200
    assert response.json()["parent"] is None and response.json()["is_public"] is True
    assert peepl.put("folders/999/", {"name": "x"}, format="json").status_code == 404


def test_folder_delete_cascades_with_files(peepl, django_capture_on_commit_callbacks):
    root = services.create_folder(None, name="Root")
    child = services.create_folder(None, name="Child", parent=root)
    grandchild = services.create_folder(None, name="Grandchild", parent=child)
    files = [
        services.add_file(None, upload(PDF, f"{i}.pdf"), folder=f) for i, f in enumerate([root, grandchild])
    ]
    other = services.add_file(
        None, upload(PDF, "keep.pdf"), folder=services.create_folder(None, name="Other")
    )
    names = [f.file.name for f in files]
    assert all(default_storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"folders/{root.pk}/").status_code == 200
    assert list(Folder.objects.values_list("name", flat=True)) == ["Other"]
    assert list(File.objects.all()) == [other]
    assert not any(default_storage.exists(n) for n in names)
    assert default_storage.exists(other.file.name)


def test_folder_queries_are_constant(peepl):
    root = services.create_folder(None, name="Root")
    services.add_file(None, upload(PDF, "a.pdf"), folder=root)
    services.create_folder(None, name="Sub0", parent=root)
    few = [query_count(peepl, "folders/"), query_count(peepl, f"folders/{root.pk}/")]
    for i in range(1, 6):
        services.create_folder(None, name=f"Sub{i}", parent=root)
        services.add_file(None, upload(PDF, f"{i}.pdf"), folder=root)
    assert [query_count(peepl, "folders/"), query_count(peepl, f"folders/{root.pk}/")] == few


# --- Albums (#98-#102) ----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["picture_albums", "picturealbums", "albums"])
def test_album_crud_and_aliases(peepl, prefix):
    response = peepl.post(f"{prefix}/", {"name": "Summer", "date": "2024-07-01"}, format="json")
    assert response.status_code == 201, response.content
    album = response.json()
    assert album["picture_count"] == 0 and album["pictures"] == [] and album["date"] == "2024-07-01"
    assert album["description"] is None and album["is_public"] is False

    listed = peepl.get(f"{prefix}/").json()
    assert [a["id"] for a in listed] == [album["id"]] and "pictures" not in listed[0]

    response = peepl.put(f"{prefix}/{album['id']}/", {"name": "Winter", "description": "Snow"})
    assert response.status_code == 200 and response.json()["name"] == "Winter"
    assert response.json()["date"] == "2024-07-01"
    assert peepl.put(f"{prefix}/{album['id']}/", {"description": "x"}).status_code == 400
    assert peepl.post(f"{prefix}/", {"name": "x", "date": "01/07/2024"}).status_code == 400
    assert peepl.get(f"{prefix}/999/").status_code == 404


def test_album_delete_removes_pictures_and_thumbnails(peepl, django_capture_on_commit_callbacks):
    album = services.create_album(None, name="A")
    with django_capture_on_commit_callbacks(execute=True):
        picture = services.add_picture(None, album, upload(png_bytes(), "p.png"))
    names = [picture.file.name, *Thumbnail.objects.values_list("file", flat=True)]
    assert len(names) == 3 and all(default_storage.exists(n) for n in names)
    assert peepl.get(f"picture_albums/{album.pk}/").json()["picture_count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"picture_albums/{album.pk}/").status_code == 200
    assert not (PictureAlbum.objects.exists() or Picture.objects.exists() or Thumbnail.objects.exists())
    assert not any(default_storage.exists(n) for n in names)


def test_album_queries_are_constant(peepl, django_capture_on_commit_callbacks):
    album = services.create_album(None, name="A")

    def add(n):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                services.add_picture(None, album, upload(png_bytes(20, 20), f"{i}.png"))
                services.create_album(None, name=f"B{i}")

    add(2)
    paths = ["picture_albums/", f"picture_albums/{album.pk}/", "pictures/"]
    few = [query_count(peepl, p) for p in paths]
    add(5)
    assert [query_count(peepl, p) for p in paths] == few
