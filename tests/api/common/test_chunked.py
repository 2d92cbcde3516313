"""A chunked request body without Content-Length (WSGI cannot tell where it ends; Django read it
as empty, so the Back-Office answered "name: This field is required.") is a 411 in the API's own
format, through both real servers (tests/servers.py)."""

import json
import socket

import pytest

from tests import servers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=[servers.runserver, servers.gunicorn], ids=["runserver", "gunicorn"])
def server(request, admin_user, tmp_path):
    env = {"DATABASE_URL": servers.shared_database_url(tmp_path), "MEDIA_ROOT": str(tmp_path / "media")}
    process = request.param(env, tmp_path / "server.log").start()
    yield process
    process.stop()


def chunked(server, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    """POST `body` as one chunk, without Content-Length, over a raw socket."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    payload = head.encode() + b"\r\n" + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(payload)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_a_chunked_body_without_length_is_a_411_in_each_apis_format(server, api_key):
    name = json.dumps({"name": "Chunked"}).encode()
    json_type = {"Content-Type": "application/json"}
    cases = [
        ("/backoffice/v2/activities", {"api_key": api_key, **json_type}, b'"status": 411'),
        ("/cirrus/accounts", {"X-Token": api_key, **json_type}, b'"message"'),
        ("/peepl/v1/admin/folders/", {"Authorization": f"Token {api_key}"}, b'"detail"'),
        ("/crmapi/rest/v2/authentication/token", {"Content-Type": "application/json"}, b'"status"'),
        ("/incwo/1/contacts.xml", {"Content-Type": "application/xml"}, b"<errors>"),
    ]
    for path, headers, marker in cases:
        status, body = chunked(server, path, name, headers)
        assert status == 411, (path, body)
        assert marker in body, (path, body)
    # The same body with its length is read.
    headers = [("api_key", api_key), ("Content-Type", "application/json")]
    response = server.request("POST", "/backoffice/v2/activities", headers, name)
    assert response.status != 411
