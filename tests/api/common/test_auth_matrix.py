"""The permission layer of every API, generated from the URLconf: every route under an API's mount
and every method its view offers is called without credentials, with a garbage key and with the
valid key of a user who has no permissions. Each call must be refused with the API's own 401 or
403, in its own error format: never a 2xx, never a 500, never an HTML page. A route added later
is covered by itself; the only exceptions are listed below (logins, and what any signed-in user
may do about himself), each with the reason."""

import base64
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from apps.api.common import mounts
from apps.core.api_keys import issue_api_key

pytestmark = pytest.mark.django_db

PASSWORD = "pw-not-used-123"
METHODS = ("get", "post", "put", "patch", "delete")
# A path parameter's value: an id no record has (permissions are checked before any lookup).
# By converter, and by parameter name where the API needs a real one (a converter added later needs
# a sample here: the test says so).
SAMPLES = {
    "int": "987654",
    "str": "987654",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "peepl_yyyymmdd": "20200101",
}
PARAMETERS = {"business_file_id": str(settings.INCWO_BUSINESS_FILE_ID)}  # the install's one

# Logins: they take no credentials (a wrong password is their own 4xx, tested by each API's tests).
PUBLIC = {
    ("POST", "/crmapi/rest/v2/authentication/token"),
    ("POST", "/crmapi/rest/v2/authentication/web_api_key/token"),
    ("POST", "/backoffice/v2/users/authenticate"),
    ("POST", "/backoffice/v2/users/authenticate/"),
    ("POST", "/backoffice/v2/users/refresh"),
    ("POST", "/backoffice/v2/users/refresh/"),
}
# What any signed-in user may do whatever his permissions: about himself, or his own session.
SELF_SERVICE = {
    ("POST", "/crmapi/rest/v2/authentication/token/release"),
    ("POST", "/backoffice/v2/users/{user_id}/sign_out"),
    ("POST", "/backoffice/v2/users/{user_id}/sign_out/"),
    ("GET", "/cirrus/users/me"),
    ("PUT", "/cirrus/users/me"),
}


def walk(patterns, prefix="/"):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def view_methods(callback) -> list[str]:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return []
    initkwargs = getattr(callback, "view_initkwargs", {}) or {}
    allowed = initkwargs.get("http_method_names", view_class.http_method_names)
    return [m.upper() for m in METHODS if m in allowed and hasattr(view_class, m)]


def operations() -> list[tuple[str, str, str]]:
    """(method, route, mount prefix) of every operation under an API mount."""
    get_resolver().url_patterns  # noqa: B018  (loading the URLconf registers the mounts)
    found = []
    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("/^"):  # a mount's catch-all for unknown paths (tested in test_mounts)
            continue
        mount = mounts.mount_for(route.split("<")[0])
        if mount is None:
            continue
        found += [(method, route, mount.prefix) for method in view_methods(callback)]
    return found


OPERATIONS = operations()


def concrete(route: str) -> str:
    def sample(match):
        converter, name = match.group(1) or "str", match.group(2)
        assert converter in SAMPLES or name in PARAMETERS, f"no sample value for <{converter}:{name}>"
        return PARAMETERS.get(name) or SAMPLES[converter]

    return re.sub(r"<(?:(\w+):)?(\w+)>", sample, route)


def template(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


class Api:
    """How an API's credentials travel, and what its refusals look like."""

    def __init__(self, prefix):
        self.prefix = prefix

    @property
    def name(self):
        return {
            "/peepl/v1/admin/": "peepl",
            "/crmapi/rest/v2/": "crmcom-ri",
            "/crm/": "crmcom-ri",
            "/backoffice/v2/": "crmcom",
            "/incwo/": "incwo",
            "/cirrus/": "cirrus",
        }[self.prefix]

    def request(self, client, method, path, credential):
        """`credential`: None, or ("key", raw key) / ("basic", (user, password))."""
        headers, data = {}, {}
        kind, value = credential or (None, None)
        if self.name == "peepl" and kind == "key":
            headers["HTTP_AUTHORIZATION"] = f"Token {value}"
        elif self.name == "crmcom" and kind == "key":
            headers["HTTP_API_KEY"] = value
        elif self.name == "cirrus" and kind == "key":
            headers["HTTP_X_TOKEN"] = value
        elif self.name == "crmcom-ri" and kind == "key":
            data["token"] = value
        elif self.name == "incwo" and kind == "basic":
            headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(":".join(value).encode()).decode()
        if method == "GET":
            return client.get(path, data, **headers)
        if self.name == "incwo":
            return client.generic(method, path, b"<contact></contact>", "application/xml", **headers)
        return client.generic(method, path, json.dumps(data), "application/json", **headers)

    def assert_refused(self, response, statuses):
        where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
        assert response.status_code in statuses, (where, response.status_code, response.content[:300])
        content_type = response.headers.get("Content-Type", "")
        if self.name == "incwo":
            assert content_type.startswith("application/xml"), (where, content_type)
            root = ET.fromstring(response.content)
            assert root.tag == "errors" and root.find("error").text, (where, response.content)
            return
        assert content_type.startswith("application/json"), (where, content_type)
        body = response.json()
        if self.name == "peepl":
            assert isinstance(body.get("detail"), str), (where, body)
        elif self.name == "cirrus":
            assert isinstance(body.get("message"), str), (where, body)
        elif self.name == "crmcom":
            assert body["status"] == response.status_code and body["error"] and body["message"], (where, body)
        elif self.name == "crmcom-ri":
            assert body["data"] is None and body["status"]["code"] not in ("", "OK"), (where, body)


@pytest.fixture
def nobody(django_user_model):
    """An active user without any permission, with an API key and a password."""
    user = django_user_model.objects.create_user("nobody", "nobody@example.com", PASSWORD)
    _, raw = issue_api_key(user, "no permissions")
    return user, raw


def test_every_api_mount_has_operations():
    prefixes = {prefix for _, _, prefix in OPERATIONS}
    assert prefixes == {
        "/peepl/v1/admin/",
        "/crmapi/rest/v2/",
        "/crm/",
        "/backoffice/v2/",
        "/incwo/",
        "/cirrus/",
    }
    assert len(OPERATIONS) > 250


@pytest.mark.parametrize(
    ("method", "route", "prefix"), OPERATIONS, ids=[f"{m} {r}" for m, r, _ in OPERATIONS]
)
def test_operation_refuses_callers_without_the_right(client, nobody, method, route, prefix):
    api = Api(prefix)
    path = concrete(route)
    operation = (method, template(route))
    if operation in PUBLIC:
        pytest.skip("a login: public by design")
    user, key = nobody
    if api.name == "incwo":
        garbage, valid = ("basic", ("nobody", "not-the-password")), ("basic", ("nobody", PASSWORD))
    else:
        garbage, valid = ("key", "garbage-key-0123"), ("key", key)

    api.assert_refused(api.request(client, method, path, None), {401})
    api.assert_refused(api.request(client, method, path, garbage), {401})
    response = api.request(client, method, path, valid)
    if operation in SELF_SERVICE:
        assert response.status_code < 500, (operation, response.status_code, response.content[:300])
        assert "html" not in response.headers.get("Content-Type", ""), operation
    else:
        api.assert_refused(response, {403})
