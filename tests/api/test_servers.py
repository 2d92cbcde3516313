"""Through real server processes: the embedded default's `runserver` (what `make run` serves) and
gunicorn with the shipped gunicorn.conf.py (what the Dockerfile serves), started on a free port
against the test database. Requests go over a raw socket with their headers exactly as written, so
a server that drops the `api_key` header (Django's and gunicorn's default) fails these tests.
A server takes seconds to start, so each one is started once and runs every check in turn."""

import json

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests import servers

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-not-used-123"
JSON = ("Content-Type", "application/json")


@pytest.fixture(params=[servers.runserver, servers.gunicorn], ids=["runserver", "gunicorn"])
def server(request, admin_user, api_key, tmp_path):
    # The tests hash passwords with MD5 for speed; a server process uses the real hashers.
    hasher = PBKDF2PasswordHasher()
    admin_user.password = hasher.encode(PASSWORD, hasher.salt())
    admin_user.save()
    env = {"DATABASE_URL": servers.shared_database_url(tmp_path), "MEDIA_ROOT": str(tmp_path / "media")}
    process = request.param(env, tmp_path / "server.log").start()
    yield process
    process.stop()


def body(response) -> dict:
    return json.loads(response.body)


def check_the_api_key_header_reaches_back_office(server, api_key):
    response = server.request("GET", "/backoffice/v2/insights", [("api_key", api_key)])
    assert response.status == 200, response.body
    assert set(body(response)) == {"content", "paging"} and "has_more" in body(response)["paging"]
    assert server.request("GET", "/backoffice/v2/insights", [("Api_Key", api_key)]).status == 200
    assert server.request("GET", "/backoffice/v2/insights", [("api-key", api_key)]).status == 200
    # The header is read, not ignored: a wrong key and no key are both refused.
    wrong = server.request("GET", "/backoffice/v2/insights", [("api_key", "nope.nope")])
    assert wrong.status == 401 and body(wrong)["error"] == "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION"
    assert server.request("GET", "/backoffice/v2/insights").status == 401


def check_no_other_underscore_header_gets_through(server, api_key):
    """Only `api_key` is kept: `X_Token` (Cirrus reads `X-Token`) is still dropped."""
    assert server.request("GET", "/cirrus/accounts", [("X-Token", api_key)]).status == 200
    assert server.request("GET", "/cirrus/accounts", [("X_Token", api_key)]).status == 401


def check_a_public_clients_session_end_to_end(server, admin_user, api_key):
    """dmcken/crm5_bo: log in with `provider: EMAIL` and the `api_key` header, call with the bare
    token plus a key, refresh, sign out."""
    login = {"provider": "EMAIL", "username": "admin@example.com", "password": PASSWORD}
    response = server.request(
        "POST", "/backoffice/v2/users/authenticate", [("api_key", api_key), JSON], json.dumps(login).encode()
    )
    assert response.status == 200, response.body
    tokens = body(response)
    assert tokens["mode"] == "LIVE" and tokens["password_expired"] is False and tokens["lockout_date"] is None
    calls = [("authorization", tokens["access_token"]), ("api_key", api_key)]
    assert server.request("GET", "/backoffice/v2/activities/", calls).status == 200
    refreshed = server.request(
        "POST",
        "/backoffice/v2/users/refresh",
        [JSON],
        json.dumps({"refresh_token": tokens["refresh_token"]}).encode(),
    )
    assert refreshed.status == 200, refreshed.body
    access_token = body(refreshed)["access_token"]
    bearer = [("authorization", f"Bearer {access_token}")]
    assert server.request("GET", "/backoffice/v2/insights", bearer).status == 200
    signed_out = server.request("POST", f"/backoffice/v2/users/{admin_user.pk}/sign_out", bearer)
    assert signed_out.status == 200 and body(signed_out) == {"id": str(admin_user.pk)}
    assert server.request("GET", "/backoffice/v2/insights", bearer).status == 401


def check_writes_to_unknown_paths_get_the_apis_404_not_the_csrf_page(server, api_key):
    for path, key in (
        ("/peepl/v1/admin/contacts", "detail"),
        ("/cirrus/nosuch", "message"),
        ("/backoffice/v2/contacts/4dc0809f-ed91-4b68-b912-5bd6064d901e", "error"),
        ("/crmapi/rest/v2/nosuch", "status"),
    ):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = server.request(method, path, [JSON], b"{}")
            assert response.status == 404, (method, path, response.body)
            assert response.getheader("Content-Type") == "application/json" and key in body(response)
    response = server.request(
        "POST", "/incwo/1/nosuch.xml", [("Content-Type", "application/xml")], b"<contact/>"
    )
    assert response.status == 404 and response.body.endswith(b"<errors><error>Not found</error></errors>")


def check_a_doubled_slash_reaches_the_operation(server):
    login = {"username": "admin", "password": PASSWORD, "organisation": "CRMDEMO"}
    response = server.request(
        "POST", "/crmapi/rest/v2//authentication/token", [JSON], json.dumps(login).encode()
    )
    assert response.status == 200, response.body
    assert body(response)["status"]["code"] == "OK" and body(response)["data"]["token"]


def test_a_real_server_serves_the_apis_as_documented(server, admin_user, api_key):
    check_the_api_key_header_reaches_back_office(server, api_key)
    check_no_other_underscore_header_gets_through(server, api_key)
    check_writes_to_unknown_paths_get_the_apis_404_not_the_csrf_page(server, api_key)
    check_a_doubled_slash_reaches_the_operation(server)
    check_a_public_clients_session_end_to_end(server, admin_user, api_key)  # last: it signs out
