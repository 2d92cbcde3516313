"""Hostile input is a 4xx in each API's own format, never a 500 (issue 16): JSON nested 100,000
deep, NUL characters and lone surrogates in bodies, query strings, headers, XML and Basic user
names (PostgreSQL refuses NUL in text: run on the PostgreSQL pass too), and chunked bodies
without a Content-Length (tests/api/common/test_chunked.py, through real servers)."""

import base64
import json

import pytest
from django.test import Client

from apps.api.common import hostile
from apps.core.api_keys import issue_api_key
from tests.api.common.test_mounts import APIS
from tests.api.crmcom_ri.conftest import reference_data  # noqa: F401  (R's login needs them)

pytestmark = pytest.mark.django_db
API = {api.name: api for api in APIS}
DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DEEP_OBJECT = ('{"a":' * 100_000 + "1" + "}" * 100_000).encode()
BAD_TEXTS = ["a\u0000b", "a\ud800b"]

# (api, path of a JSON write) for each JSON API, the unauthenticated logins first.
JSON_WRITES = [
    ("crmcom", "users/authenticate", False),
    ("crmcom-ri", "authentication/token", False),
    ("crmcom", "activities", True),
    ("crmcom-ri", "contact_information/create", True),
    ("peepl", "contacts/", True),
    ("cirrus", "accounts", True),
    ("peepl", "folders/", True),
]
QUERIES = [
    ("peepl", "contacts/", "search"),
    ("cirrus", "accounts", "name"),
    ("crmcom", "activities", "search_value"),
    ("crmcom-ri", "contact_information/list", "name"),
    ("incwo", "1/contacts.xml", "page"),
]


@pytest.fixture
def key(admin_user):
    return issue_api_key(admin_user, "hostile")[1]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def post_json(client, api, path, body: bytes, key, authenticated):
    extra = api.credentials(key) if authenticated else {}
    if api.name == "crmcom-ri" and authenticated:
        document = json.loads(body) if len(body) < 1000 else None
        if isinstance(document, dict):
            body = json.dumps({**document, "token": key}).encode()
        extra = {}
    return client.generic("POST", api.mount + path, body, content_type="application/json", **extra)


@pytest.mark.parametrize(("name", "path", "authenticated"), JSON_WRITES)
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
def test_json_nested_100000_deep_is_a_400(client, key, name, path, authenticated, body):
    api = API[name]
    response = post_json(client, api, path, body, key, authenticated)
    api.error(response, 400)


@pytest.mark.parametrize(("name", "path", "authenticated"), JSON_WRITES)
@pytest.mark.parametrize("text", BAD_TEXTS, ids=["nul", "surrogate"])
def test_nul_and_lone_surrogates_in_a_json_body_are_a_400(client, key, name, path, authenticated, text):
    api = API[name]
    for document in (
        {"name": text, "username": text, "password": text, "organisation": "CRMDEMO"},
        {text: "x", "name": "x"},
        {"permissions": [text], "name": "x", "first_name": "x", "last_name": "x"},
    ):
        body = json.dumps(document).encode()  # ASCII: \u0000 and \ud800 escapes
        api.error(post_json(client, api, path, body, key, authenticated), 400)


@pytest.mark.parametrize(("name", "path", "param"), QUERIES)
@pytest.mark.parametrize("text", BAD_TEXTS, ids=["nul", "surrogate"])
def test_nul_in_a_query_string_is_a_400(client, key, name, path, param, text):
    api = API[name]
    credentials = api.credentials(key)
    query = credentials.pop("QUERY_STRING", "")
    query += ("&" if query else "") + f"{param}=a%00b&types=%00"
    response = client.get(api.mount + path, QUERY_STRING=query, **credentials)
    api.error(response, 400)


def test_a_lone_surrogate_never_reaches_a_query_string():
    """Percent-encoded UTF-8 of a surrogate does not decode to one (Django replaces it): only
    NUL can arrive that way; the check covers both."""
    assert hostile.forbidden_text("\ud800") and hostile.forbidden_text("\x00")
    assert not hostile.forbidden_text("plain é ☃ 𝄞")


@pytest.mark.parametrize("api", [a for a in APIS if a.name != "crmcom-ri-download"], ids=lambda a: a.name)
def test_nul_in_a_header_or_path_is_a_400(client, key, api):
    api.error(client.get(api.mount + "x", HTTP_X_ANYTHING="a\x00b"), 400)
    api.error(client.get(api.mount + "contacts/a%00b/"), 400)


def test_tokens_holding_nul_in_every_place_are_refused(client, key):
    api = API["crmcom-ri"]
    response = client.get(api.mount + "contact_information/list", {"token": key + "\x00"})
    api.error(response, 400)
    assert client.get("/cirrus/accounts", HTTP_X_TOKEN=key + "\x00").status_code == 400
    assert client.get("/peepl/v1/admin/contacts/", HTTP_AUTHORIZATION=f"Token {key}\x00").status_code == 400
    form = {"token": key + "\x00", "contact_information_identifier": "id=1"}
    response = client.post(api.mount + "contact_information/profile_photo/add", form)
    api.error(response, 400)


@pytest.mark.parametrize("user", ["ad\x00min", "ad\ud800min"], ids=["nul", "surrogate"])
def test_incwo_basic_user_names_with_nul_or_surrogates_are_a_401(client, admin_user, user):
    api = API["incwo"]
    raw = base64.b64encode(user.encode("utf-8", "surrogatepass") + b":pw-not-used-123").decode()
    response = client.get(api.mount + "1/contacts.xml", HTTP_AUTHORIZATION=f"Basic {raw}")
    api.error(response, 401)


@pytest.mark.parametrize(
    "body",
    [
        b"<contact><first_name>a&#0;b</first_name></contact>",
        b"<contact><first_name>a&#xD800;b</first_name></contact>",
        b"<contact><first_name>a\x00b</first_name></contact>",
        b'<contact><first_name a="&#0;">a</first_name></contact>',
        b"<contact>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</contact>",
    ],
    ids=["nul-reference", "surrogate-reference", "raw-nul", "attribute", "deep"],
)
def test_hostile_xml_is_incwos_400(client, admin_user, body):
    api = API["incwo"]
    response = client.post(
        api.mount + "1/contacts.xml", body, content_type="application/xml", **api.credentials("")
    )
    api.error(response, 400)


def test_json_depth_ignores_brackets_inside_strings(settings):
    settings.API_MAX_JSON_DEPTH = 3
    assert hostile.loads(b'{"a": "[[[[[[{{{{{{", "b": [1, [2]]}') == {"a": "[[[[[[{{{{{{", "b": [1, [2]]}
    assert hostile.json_depth(b'[[["\\"[[[["]]]') == 3
    with pytest.raises(hostile.exceptions.ParseError):
        hostile.loads(b"[[[[1]]]]")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_api_answers_are_never_stored_by_a_cache(client, key, api):
    tail, _view = api.failing
    response = client.get(api.mount + tail, **api.credentials(key))
    assert response.status_code < 500
    assert response["Cache-Control"] == "no-store"
    assert client.get(api.mount + "nosuch")["Cache-Control"] == "no-store"
