"""Every request under an API's mount is answered by that API in its own format (apps.api.common.
mounts): unknown paths for every method, wrong methods on existing paths, doubled slashes, and
errors raised outside the views. The client enforces CSRF checks, as a real server does."""

import json
from dataclasses import dataclass
from importlib import import_module
from xml.etree import ElementTree as ET

import pytest
from django.test import Client, RequestFactory

from apps.api.common import mounts
from apps.core.api_keys import issue_api_key
from tests.api.crmcom_ri.conftest import reference_data  # noqa: F401  (R's login needs them)

pytestmark = pytest.mark.django_db
METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]


@dataclass
class Api:
    name: str
    mount: str
    wrong_method: tuple[str, str]  # (method, existing path that does not offer it)
    failing: tuple[str, str]  # (a GET path, the view class there) for the 500 check

    def credentials(self, key: str) -> dict:
        return {
            "peepl": {"HTTP_AUTHORIZATION": f"Token {key}"},
            "cirrus": {"HTTP_X_TOKEN": key},
            "crmcom": {"HTTP_API_KEY": key},
            "crmcom-ri": {"QUERY_STRING": f"token={key}"},
            "crmcom-ri-download": {"QUERY_STRING": f"token={key}"},
            "incwo": {"HTTP_AUTHORIZATION": "Basic YWRtaW46cHctbm90LXVzZWQtMTIz"},  # admin:pw-not-used-123
        }[self.name]

    def error(self, response, status: int) -> str:
        """Assert the response is this API's error body with `status`; return its code/message."""
        assert response.status_code == status, response.content
        if response.request["REQUEST_METHOD"] == "HEAD":
            return ""
        if self.name == "incwo":
            assert response["Content-Type"].startswith("application/xml")
            root = ET.fromstring(response.content)
            assert root.tag == "errors" and [child.tag for child in root] == ["error"]
            return root[0].text
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        if self.name == "peepl":
            assert list(body) == ["detail"]
            return body["detail"]
        if self.name == "cirrus":
            assert list(body) == ["message"]
            return body["message"]
        if self.name == "crmcom":
            assert set(body) == {"status", "message", "error", "parameters"} and body["status"] == status
            return body["error"]
        assert set(body) == {"status", "data"} and body["data"] is None  # CRM.COM R's envelope
        assert body["status"]["code"] != "OK"
        return body["status"]["code"]


APIS = [
    Api(
        "peepl",
        "/peepl/v1/admin/",
        ("patch", "contacts/"),
        ("contacts/", "apps.api.peepl.party_views.ContactList"),
    ),
    Api(
        "cirrus",
        "/cirrus/",
        ("patch", "accounts"),
        ("accounts", "apps.api.cirrus.accounts.views.AccountList"),
    ),
    Api(
        "crmcom",
        "/backoffice/v2/",
        ("delete", "accounts/4dc0809f-ed91-4b68-b912-5bd6064d901e"),
        ("insights", "apps.api.crmcom.views_insights.InsightCollection"),
    ),
    Api(
        "crmcom-ri",
        "/crmapi/rest/v2/",
        ("put", "contact_information/show"),
        ("contact_information/show", "apps.api.crmcom_ri.views.Show"),
    ),
    Api(
        "crmcom-ri-download",
        "/crm/",
        ("post", "ImageDownloadServlet"),
        ("ImageDownloadServlet", "apps.api.crmcom_ri.photos.ImageDownload"),
    ),
    Api(
        "incwo",
        "/incwo/",
        ("patch", "1/contacts.xml"),
        ("1/contacts.xml", "apps.api.incwo.views.ContactList"),
    ),
]
NOT_FOUND = {
    "peepl": "Not found.",
    "cirrus": "The requested URL was not found on the server.",
    "crmcom": "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION",
    "crmcom-ri": "NOT_FOUND",
    "crmcom-ri-download": "NOT_FOUND",
    "incwo": "Not found",
}
UNKNOWN_PATHS = {
    "peepl": ["contacts", "contacts/15", "nosuch/", "contacts/15/nosuch/"],
    "cirrus": ["nosuch", "accounts/1/nosuch", "accounts/x"],
    "crmcom": ["contacts/4dc0809f-ed91-4b68-b912-5bd6064d901e", "nosuch", "users"],
    "crmcom-ri": ["nosuch", "contact_information/nosuch", "authentication/token/x"],
    "crmcom-ri-download": ["nosuch", "ImageDownloadServlet/x"],
    "incwo": ["1/nosuch.xml", "1/contacts", "nosuch"],
}


@pytest.fixture
def key(admin_user):
    return issue_api_key(admin_user, "mounts")[1]


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def call(client, method, path, **extra):
    return client.generic(method.upper(), path, **extra)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_an_unknown_path_is_the_apis_own_404_whatever_the_method(client, key, api, method):
    for tail in UNKNOWN_PATHS[api.name]:
        anonymous = call(client, method, api.mount + tail)
        assert api.error(anonymous, 404) in ("", NOT_FOUND[api.name])
        authenticated = call(client, method, api.mount + tail, **api.credentials(key))
        assert api.error(authenticated, 404) in ("", NOT_FOUND[api.name])


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_the_mount_itself_without_its_slash_is_the_apis_404(client, api):
    assert api.error(client.post(api.mount.rstrip("/")), 404) == NOT_FOUND[api.name]


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_a_wrong_method_on_an_existing_path_is_the_apis_405(client, key, api):
    method, tail = api.wrong_method
    response = call(client, method, api.mount + tail, **api.credentials(key))
    api.error(response, 405)
    assert method.upper() not in response["Allow"]


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_options_on_an_existing_path_answers_in_the_apis_format(client, key, api):
    """DRF describes a view on OPTIONS (JSON); incwo, whose format is XML, has no OPTIONS: 405."""
    tail, _view = api.failing
    response = call(client, "options", api.mount + tail, **api.credentials(key))
    if api.name == "incwo":
        api.error(response, 405)
    else:
        assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_the_issues_examples_no_longer_get_the_csrf_page(client):
    """Issue 9, part 1: each answered 403 text/html 'CSRF verification failed'."""
    examples = [
        ("post", "/peepl/v1/admin/contacts", "detail"),
        ("put", "/peepl/v1/admin/contacts/15", "detail"),
        ("post", "/cirrus/nosuch", "message"),
        ("put", "/backoffice/v2/contacts/4dc0809f-ed91-4b68-b912-5bd6064d901e", "error"),
    ]
    for method, path, key in examples:
        response = call(client, method, path, data=b"{}", content_type="application/json")
        assert response.status_code == 404 and key in response.json()
    response = client.post("/incwo/1/nosuch.xml", b"<contact/>", content_type="application/xml")
    assert response.status_code == 404 and ET.fromstring(response.content).tag == "errors"


def test_a_doubled_slash_reaches_the_operation(client, admin_user, key):
    """A public CRM.COM R client posts to `/crmapi/rest/v2//authentication/token`."""
    login = {"username": "admin", "password": "pw-not-used-123", "organisation": "CRMDEMO"}
    response = client.post("/crmapi/rest/v2//authentication/token", login, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"]["code"] == "OK"
    token = response.json()["data"]["token"]
    response = client.get("/crmapi/rest/v2/contact_information//list", {"token": token, "name": "x"})
    assert response.json()["status"]["code"] in ("OK", "INVALID_IDENTIFIER")
    assert client.get("/peepl/v1/admin//contacts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get("/backoffice/v2///insights", HTTP_API_KEY=key).status_code == 200
    assert client.get("/cirrus//accounts", HTTP_X_TOKEN=key).status_code == 200


def test_slashes_outside_the_mounts_are_left_alone(client):
    assert client.get("/api//docs/peepl/").status_code == 404


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_an_unhandled_error_in_a_view_is_the_apis_500(key, api, monkeypatch):
    """Peepl and incwo leave non-API exceptions to Django's handler500, the others catch them;
    either way the client gets the API's body, not Django's HTML page."""

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    tail, dotted = api.failing
    module_name, class_name = dotted.rsplit(".", 1)
    monkeypatch.setattr(getattr(import_module(module_name), class_name), "initial", fail)
    client = Client(raise_request_exception=False)
    api.error(client.get(api.mount + tail, **api.credentials(key)), 500)


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_a_disallowed_host_is_the_apis_400(client, api):
    response = client.post(api.mount + "x", HTTP_HOST="evil.example")
    api.error(response, 400)


def test_django_pages_stay_outside_the_mounts(client):
    response = client.post("/nosuch", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert client.get("/nosuch/").status_code == 404


def test_a_csrf_failure_under_a_mount_is_the_apis_403():
    request = RequestFactory().post("/peepl/v1/admin/contacts/")
    response = mounts.csrf_failure(request, "no cookie")
    assert response.status_code == 403 and json.loads(response.content) == {
        "detail": "You do not have permission to perform this action."
    }
    elsewhere = mounts.csrf_failure(RequestFactory().post("/admin/login/"), "no cookie")
    assert elsewhere.status_code == 403 and b"CSRF" in elsewhere.content
