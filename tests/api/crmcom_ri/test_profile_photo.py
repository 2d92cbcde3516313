"""CRM.COM R profile photo methods: view, add (multipart), remove, and the download URL."""

import io
from urllib.parse import urlencode

import pytest
from PIL import Image

from apps.content.models import File
from apps.core.models import ObjectChange
from apps.parties.models import Party

from .conftest import BASE

pytestmark = pytest.mark.django_db


def jpeg(name="me.jpg", colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def ok(response):
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "OK"
    return response.json()["data"]


def error(response, http, code):
    assert response.status_code == http, response.content
    assert response.json()["status"]["code"] == code
    assert response.json()["data"] is None


@pytest.fixture
def contact_id(crm):
    response = crm.call("contact_information/create", {"type": "PERSON", "first_name": "L", "last_name": "K"})
    return response.json()["data"]["id"]


def add(crm, contact_id, upload, **extra):
    data = {"token": crm.token, "contact_information_identifier": f"id={contact_id}", **extra}
    if upload is not None:
        data["file"] = upload
    return crm.post(BASE + "contact_information/profile_photo/add", data, format="multipart")


def view(crm, contact_id, **params):
    return crm.query(
        "contact_information/profile_photo/view",
        {"contact_information_identifier": f"id={contact_id}", **params},
    )


def test_add_view_download_remove(crm, contact_id):
    data = ok(add(crm, contact_id, jpeg()))
    assert data["file_mime_type"] == "image/jpeg"
    data = ok(view(crm, contact_id))
    assert data["file_mime_type"] == "image/jpeg" and data["file_name"] == "me.jpg"
    assert data["file_content_url"].startswith("/crm/ImageDownloadServlet?id=")
    photo = File.objects.get()
    assert photo.parties.get().uuid.hex.upper() == contact_id
    assert Party.objects.get().profile_photo == photo
    response = crm.get(f"{data['file_content_url']}&token={crm.token}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert crm.get(data["file_content_url"]).status_code == 401  # no token
    assert ok(view(crm, contact_id, fields_set="file_mime_type")) == {"file_mime_type": "image/jpeg"}

    response = crm.call(
        "contact_information/profile_photo/remove", {"contact_information_identifier": {"id": contact_id}}
    )
    assert ok(response) is None
    assert ok(view(crm, contact_id)) == {"file_name": None, "file_content_url": None, "file_mime_type": None}
    assert not File.objects.exists()
    assert crm.get(f"{data['file_content_url']}&token={crm.token}").status_code == 404
    # removing again is still OK
    assert (
        ok(
            crm.call(
                "contact_information/profile_photo/remove",
                {"contact_information_identifier": {"id": contact_id}},
            )
        )
        is None
    )
    assert ObjectChange.objects.filter(content_type__model="file").count() == 2


def test_add_replaces_the_photo(crm, contact_id):
    ok(add(crm, contact_id, jpeg("a.jpg")))
    ok(add(crm, contact_id, jpeg("b.jpg", "blue")))
    assert list(File.objects.values_list("name", flat=True)) == ["b.jpg"]
    assert ok(view(crm, contact_id))["file_name"] == "b.jpg"


def test_add_refusals(crm, contact_id):
    error(add(crm, contact_id, None), 400, "MANDATORY_PARAMETER_MISSING")
    text = io.BytesIO(b"just some text, not an image")
    text.name = "photo.jpg"
    error(add(crm, contact_id, text), 400, "INVALID_PARAMETER_VALUE")
    error(add(crm, "F" * 32, jpeg()), 404, "NOT_FOUND")
    response = crm.post(
        BASE + "contact_information/profile_photo/add",
        {"contact_information_identifier": f"id={contact_id}", "file": jpeg()},
        format="multipart",
    )
    error(response, 401, "INVALID_TOKEN")
    assert not File.objects.exists() and Party.objects.get().profile_photo is None


@pytest.mark.parametrize("body_format", ["form", "json"])
def test_add_without_a_file_in_a_plain_form_or_json_is_mandatory_parameter_missing(
    crm, contact_id, body_format
):
    """Issue 9: an urlencoded form without the file answered a media-type error."""
    data = {"token": crm.token, "contact_information_identifier": f"id={contact_id}"}
    path = BASE + "contact_information/profile_photo/add"
    if body_format == "form":
        response = crm.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")
    else:
        response = crm.post(path, data, format="json")
    error(response, 400, "MANDATORY_PARAMETER_MISSING")
    assert response.json()["status"]["description"] == "file"
    error(
        crm.post(
            path,
            urlencode({"contact_information_identifier": f"id={contact_id}"}),
            content_type="application/x-www-form-urlencoded",
        ),
        401,
        "INVALID_TOKEN",
    )


def test_photo_too_large_is_refused(crm, contact_id, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 10
    error(add(crm, contact_id, jpeg()), 400, "INVALID_PARAMETER_VALUE")
    assert not File.objects.exists()


def test_view_errors(crm, contact_id):
    error(crm.query("contact_information/profile_photo/view"), 400, "INVALID_IDENTIFIER")
    error(view(crm, "F" * 32), 404, "NOT_FOUND")
    error(crm.get(f"/crm/ImageDownloadServlet?id={'F' * 32}&token={crm.token}"), 404, "NOT_FOUND")


class CountingStream(io.BytesIO):
    """A request body that records how much of it the server read."""

    def read(self, size=-1):
        data = super().read(size)
        self.consumed = self.tell()
        return data


def test_an_unauthenticated_upload_is_refused_before_its_file_is_read(crm, contact_id, settings):
    """Issue 16: 300 MiB were spooled to /tmp before the 401. The token comes ahead of the file
    (query string or an earlier form field); without a valid one the file part is never read."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    big = io.BytesIO(b"\xff\xd8" + b"x" * (5 * 1024 * 1024))
    big.name = "big.jpg"
    for token in (None, "nope.nope", crm.token + "x"):
        fields = {"contact_information_identifier": f"id={contact_id}", "file": big}
        if token:
            fields = {"token": token, **fields}
        big.seek(0)
        body = encode_multipart(BOUNDARY, fields)
        stream = CountingStream(body)
        response = crm.generic(
            "POST",
            BASE + "contact_information/profile_photo/add",
            content_type=MULTIPART_CONTENT,
            **{"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))},
        )
        error(response, 401, "INVALID_TOKEN")
        assert stream.consumed < 1024 * 1024, stream.consumed  # the 5 MiB file was not read
    # A valid token sent after the file is too late: the caller is unknown when the file starts.
    late = {"contact_information_identifier": f"id={contact_id}", "file": jpeg(), "token": crm.token}
    response = crm.post(BASE + "contact_information/profile_photo/add", late, format="multipart")
    error(response, 401, "INVALID_TOKEN")
    # The token in the query string works whatever the form's order.
    response = crm.post(
        BASE + f"contact_information/profile_photo/add?token={crm.token}",
        {"contact_information_identifier": f"id={contact_id}", "file": jpeg()},
        format="multipart",
    )
    ok(response)


def test_an_upload_declaring_more_than_the_limit_is_a_413_before_reading(crm, contact_id, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    stream = CountingStream(b"x" * 10)
    response = crm.generic(
        "POST",
        BASE + f"contact_information/profile_photo/add?token={crm.token}",
        content_type="multipart/form-data; boundary=xyz",
        **{"wsgi.input": stream, "CONTENT_LENGTH": str(300 * 1024 * 1024)},
    )
    error(response, 413, "REQUEST_TOO_LARGE")
    assert getattr(stream, "consumed", 0) == 0
