"""An S3 round trip through django-storages against a local S3-compatible server that the test
run starts (moto's server mode on a free loopback port): uploads through the API land in the
bucket under fresh names with the sniffed Content-Type, the processing task reads them back
(checksum, thumbnails in the bucket), and deletes remove the objects after commit."""

import hashlib
import socket

import boto3
import pytest
from django.core.files.storage import default_storage

from apps.content import services
from apps.content.models import File, Picture
from tests.api.peepl.conftest import PeeplClient
from tests.content.helpers import PDF, png_bytes, upload

pytestmark = pytest.mark.django_db

BUCKET = "crm-test-files"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint, monkeypatch):
    """The default storage is S3Storage on the local server, with a fresh bucket."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = CREDENTIALS["region_name"]
    settings.AWS_ACCESS_KEY_ID = CREDENTIALS["aws_access_key_id"]
    settings.AWS_SECRET_ACCESS_KEY = CREDENTIALS["aws_secret_access_key"]
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    client = boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def peepl(api_key):
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
    return client


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_s3_round_trip(bucket, peepl, django_capture_on_commit_callbacks):
    from storages.backends.s3 import S3Storage

    default_storage._setup()
    assert isinstance(default_storage._wrapped, S3Storage)

    # A picture through the API: stored in the bucket, processed from the bucket.
    album = services.create_album(None, name="S3")
    content = png_bytes(900, 600)
    with django_capture_on_commit_callbacks(execute=True):
        response = peepl.post(
            "pictures/",
            {"album": album.pk, "file": upload(content, "sea.png", "text/html")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    picture = Picture.objects.get()
    head = bucket.head_object(Bucket=BUCKET, Key=picture.file.name)
    assert head["ContentLength"] == len(content)
    assert head["ContentType"] == "image/png"  # the sniffed type, not the client's claim
    assert bucket.get_object(Bucket=BUCKET, Key=picture.file.name)["Body"].read() == content
    assert picture.status == "ready" and picture.sha256 == hashlib.sha256(content).hexdigest()
    thumbs = list(picture.thumbnails.order_by("size"))
    assert [(t.size, t.width, t.height) for t in thumbs] == [("large", 900, 600), ("small", 256, 171)]
    for thumb in thumbs:
        assert bucket.head_object(Bucket=BUCKET, Key=thumb.file.name)["ContentType"] == "image/jpeg"
    body = peepl.get(f"pictures/{picture.pk}/").json()
    assert body["url"].startswith("http://127.0.0.1:") and BUCKET in body["url"]
    assert "Signature=" in body["thumbnail_url"]  # a signed URL to the object

    # Two files of the same name: two objects, neither overwritten.
    folder = services.create_folder(None, name="Docs")
    with django_capture_on_commit_callbacks(execute=True):
        for version in (b"", b"% v2\n"):
            data = {"file": upload(PDF + version, "report.pdf")}
            assert peepl.post(f"folders/{folder.pk}/files/", data, format="multipart").status_code == 201
    one, two = File.objects.order_by("id")
    assert one.file.name != two.file.name
    assert bucket.get_object(Bucket=BUCKET, Key=one.file.name)["Body"].read() == PDF
    assert bucket.get_object(Bucket=BUCKET, Key=two.file.name)["Body"].read() == PDF + b"% v2\n"
    assert two.sha256 == hashlib.sha256(PDF + b"% v2\n").hexdigest()
    assert len(keys(bucket)) == 5

    # Deleting the album and the folder removes their objects from the bucket after commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"picture_albums/{album.pk}/").status_code == 200
        assert peepl.delete(f"folders/{folder.pk}/").status_code == 200
    assert keys(bucket) == []
