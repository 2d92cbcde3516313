"""File processing on a real Celery worker (PostgreSQL + Redis: .ci/run's second pass). The API
answers at once; the worker makes the thumbnails; a worker killed halfway through a task leaves
nothing recorded, and running the task again leaves one correct result."""

import hashlib
import time

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from apps.content import services
from apps.content.models import Picture, Thumbnail
from apps.content.tasks import process_picture
from tests.api.peepl.conftest import PeeplClient
from tests.content.helpers import jpeg_bytes, png_bytes, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def thumbnails_stored(picture) -> list[str]:
    folder = f"thumbnails/{picture.uuid.hex}"
    if not default_storage.exists(folder):
        return []
    return sorted(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])


@pytest.fixture
def peepl(api_key):
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
    return client


def test_an_uploaded_picture_gets_its_thumbnails_through_the_worker(celery_worker, peepl):
    album = services.create_album(None, name="Worker")
    data = {"album": album.pk, "file": upload(png_bytes(1200, 800), "w.png")}
    response = peepl.post("pictures/", data, format="multipart")
    assert response.status_code == 201
    assert response.json()["thumbnail_url"] is None  # answered before the worker ran

    picture_id = response.json()["id"]

    def thumbnail_url():
        return peepl.get(f"pictures/{picture_id}/").json()["thumbnail_url"]

    url = wait_for(thumbnail_url)
    picture = Picture.objects.get(pk=picture_id)
    small = picture.thumbnails.get(size="small")
    # A signed link to the download view, which serves the worker's thumbnail.
    assert "/files/" in url and url.endswith("/" + small.file.name.rsplit("/", 1)[-1])
    download = Client().get(url.removeprefix("http://testserver"))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"
    assert picture.status == "ready" and picture.content_type == "image/png"
    assert picture.sha256 == hashlib.sha256(png_bytes(1200, 800)).hexdigest()
    thumbs = list(picture.thumbnails.order_by("size"))
    assert [(t.size, t.width, t.height) for t in thumbs] == [("large", 1024, 683), ("small", 256, 171)]
    assert thumbnails_stored(picture) == sorted(t.file.name for t in thumbs)


def test_a_task_killed_halfway_and_run_again_leaves_one_correct_result(celery_worker):
    album = services.create_album(None, name="Killed")
    celery_worker.env["CONTENT_TASK_TEST_PAUSE"] = "60"  # the task pauses after its first thumbnail
    celery_worker.restart()
    try:
        picture = services.add_picture(None, album, upload(jpeg_bytes(1600, 1200), "k.jpg"))  # enqueued
        leftovers = wait_for(lambda: thumbnails_stored(picture))
        celery_worker.kill()
    finally:
        celery_worker.env.pop("CONTENT_TASK_TEST_PAUSE")
        celery_worker.start()

    # The killed run recorded nothing; it left one stored thumbnail behind.
    picture.refresh_from_db()
    assert picture.status == "pending" and picture.sha256 == ""
    assert not Thumbnail.objects.filter(picture=picture).exists()
    assert len(leftovers) == 1

    # Run again (what a redelivery does): one correct result, no duplicate thumbnails.
    for _ in range(2):
        result = process_picture.delay(picture.pk).get(timeout=60)
        assert result["status"] == "ready"
        picture.refresh_from_db()
        thumbs = list(picture.thumbnails.order_by("size"))
        assert [(t.size, t.width, t.height) for t in thumbs] == [("large", 1024, 768), ("small", 256, 192)]
        assert thumbnails_stored(picture) == sorted(t.file.name for t in thumbs)
        assert leftovers[0] in [t.file.name for t in thumbs]
    assert picture.sha256 == hashlib.sha256(jpeg_bytes(1600, 1200)).hexdigest()
    assert (picture.width, picture.height, picture.status) == (1600, 1200, "ready")
