"""File URLs the APIs hand out work in production (DEBUG=0, local storage, nothing serving
/media/): a signed, expiring URL to the download view (apps.content.downloads); on S3 the
storage's own signed URL (tests/content/test_s3.py)."""

import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from apps.content import downloads, services
from apps.content.models import File
from tests.content.helpers import HTML, PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder():
    return services.create_folder(None, name="Docs")


def test_a_peepl_file_url_downloads_with_debug_off(
    peepl, folder, settings, django_capture_on_commit_callbacks
):
    assert not settings.DEBUG  # no /media/ route: only the download view serves files
    with django_capture_on_commit_callbacks(execute=True):
        response = peepl.post(
            f"folders/{folder.pk}/files/", {"file": upload(PDF, "Offer.pdf")}, format="multipart"
        )
    url = response.json()["url"]
    anonymous = Client()
    download = anonymous.get(urlsplit(url).path)
    assert download.status_code == 200, url
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert "sandbox" in download["Content-Security-Policy"]
    assert anonymous.get(File.objects.get().file.url).status_code == 404  # /media/ is not served


def test_a_url_stops_working_when_expired_tampered_or_its_user_leaves(admin_user, settings, monkeypatch):
    stored = SimpleNamespace(name=default_storage.save("files/page.html", ContentFile(HTML)))
    url = downloads.file_url(stored, admin_user)
    client = Client()
    response = client.get(url)
    assert (
        response.status_code == 200 and "attachment" in response["Content-Disposition"]
    )  # never inline HTML
    token = url.split("/")[2]
    assert client.get(url.replace(token, token[:-2] + "xx")).status_code == 404
    forged = signing.dumps({"n": "../secret", "u": None}, salt="another")
    assert client.get(f"/files/{forged}/x").status_code == 404
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + settings.FILE_URL_MAX_AGE + 5)
    assert client.get(url).status_code == 404
    monkeypatch.setattr(time, "time", real_time)
    admin_user.is_active = False
    admin_user.save()
    assert client.get(url).status_code == 404
