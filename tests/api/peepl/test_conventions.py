"""The conventions every Peepl call shares: token auth, permissions, trailing slashes, verbs,
pagination, the rate limit, body parsing and the published schema (spec §1, examples 1-6, 18-19)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.peepl.conventions import PeeplThrottle
from apps.core.api_keys import issue_api_key, revoke_api_key
from apps.parties.models import Address, EmailAddress, Party
from tests.factories import PersonFactory, UserFactory

from .conftest import BASE, CONTACT, HOST, client_for

pytestmark = pytest.mark.django_db


# --- Authentication and permissions ---------------------------------------------------------


def test_no_token_is_401_with_www_authenticate():
    response = APIClient().get(BASE + "contacts/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_token_is_401_invalid_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = client.get(BASE + "contacts/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_key_is_401(admin_user):
    key, raw = issue_api_key(admin_user, "revoked")
    revoke_api_key(key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.get(BASE + "contacts/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_expired_key_is_401(admin_user):
    _, raw = issue_api_key(admin_user, "old", expires=timezone.now() - datetime.timedelta(minutes=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(BASE + "contacts/").status_code == 401


def test_key_of_user_without_view_permission_is_403():
    client = client_for(UserFactory())
    response = client.get("contacts/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_view_permission_allows_reads_but_not_writes():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_party"))
    client = client_for(user)
    assert client.get("contacts/").status_code == 200
    assert client.post("contacts/", CONTACT, format="json").status_code == 403
    assert not Party.objects.exists()


def test_search_is_a_read_needing_only_the_view_permission():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_party"))
    response = client_for(user).post(
        "contacts/search/", {"operator": "AND", "first_name": "x"}, format="json"
    )
    assert response.status_code == 200


# --- Routes and verbs -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["contacts", "contacts/1", "address_types", "groups/1/contacts"])
def test_missing_trailing_slash_is_json_404_not_a_redirect(peepl, path):
    PersonFactory()
    response = peepl.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "path",
    ["nothing/", "contacts/abc/", "organisations/1/educations/", "organisations/1/companypositions/"],
)
def test_unknown_route_is_json_404(peepl, path):
    response = peepl.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_id_is_normalised_404(peepl):
    response = peepl.get("contacts/99999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "contacts/{id}/"),
        ("patch", "contacts/{id}/"),
        ("post", "organisations/"),
        ("put", "organisations/{org}/"),
        ("put", "contacts/"),
        ("delete", "contacts/{id}/customfieldvalues/1/"),
        ("get", "contacts/{id}/emailaddresses/"),
        ("get", "contacts/search/"),
        ("post", "groups/"),
        ("patch", "address_types/{type}/"),
    ],
)
def test_verbs_not_offered_are_405(peepl, method, path):
    from tests.factories import AddressTypeFactory, OrganisationFactory

    person, organisation, address_type = PersonFactory(), OrganisationFactory(), AddressTypeFactory()
    path = path.format(id=person.pk, org=organisation.pk, type=address_type.pk)
    response = getattr(peepl, method)(path, {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert Party.objects.filter(pk=person.pk).exists()


# --- Pagination (examples 4-6) --------------------------------------------------------------


@pytest.fixture
def contacts_25():
    return [PersonFactory() for _ in range(25)]


def test_first_page_has_ten_and_absolute_next_link(peepl, contacts_25):
    body = peepl.get("contacts/").json()
    assert body["count"] == 25
    assert body["next"] == f"{HOST}{BASE}contacts/?limit=10&offset=10"
    assert body["previous"] is None
    assert [c["id"] for c in body["results"]] == [p.pk for p in contacts_25[:10]]


def test_limit_above_ten_is_clamped(peepl, contacts_25):
    body = peepl.get("contacts/?limit=50").json()
    assert len(body["results"]) == 10
    assert body["next"].endswith("/contacts/?limit=10&offset=10")


def test_previous_link_of_second_page_drops_the_offset(peepl, contacts_25):
    body = peepl.get("contacts/?limit=10&offset=10").json()
    assert body["previous"] == f"{HOST}{BASE}contacts/?limit=10"
    assert body["next"] == f"{HOST}{BASE}contacts/?limit=10&offset=20"


def test_last_page(peepl, contacts_25):
    body = peepl.get("contacts/?limit=5&offset=20").json()
    assert [c["id"] for c in body["results"]] == [p.pk for p in contacts_25[20:]]
    assert body["next"] is None
    assert body["previous"].endswith("/contacts/?limit=5&offset=15")


def test_offset_past_the_end_is_an_empty_page(peepl, contacts_25):
    body = peepl.get("contacts/?offset=100").json()
    assert body["count"] == 25
    assert body["results"] == []
    assert body["next"] is None


@pytest.mark.parametrize("query", ["limit=abc", "limit=-3", "limit=0", "offset=-5&limit=10", "offset=x"])
def test_invalid_limit_or_offset_falls_back_to_defaults(peepl, contacts_25, query):
    body = peepl.get(f"contacts/?{query}").json()
    assert [c["id"] for c in body["results"]] == [p.pk for p in contacts_25[:10]]


# --- Rate limit (example 19, with a lowered rate) -------------------------------------------


def test_rate_limit_per_key(peepl, settings, monkeypatch, admin_user):
    settings.PEEPL_THROTTLE_RATE = "5/min"
    clock = [1_000_000.0]
    monkeypatch.setattr(PeeplThrottle, "timer", staticmethod(lambda: clock[0]))

    assert [peepl.get("address_types/").status_code for _ in range(5)] == [200] * 5
    throttled = peepl.get("address_types/")
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Request was throttled.")
    assert int(throttled["Retry-After"]) > 0
    assert peepl.get("contacts/").status_code == 429  # every further call in the window

    # Another key has its own budget, and calls without a key are refused before throttling.
    assert client_for(admin_user).get("address_types/").status_code == 200
    assert APIClient().get(BASE + "address_types/").status_code == 401

    clock[0] += 61
    assert peepl.get("address_types/").status_code == 200


# --- Bodies ---------------------------------------------------------------------------------


def test_malformed_json_is_400_detail(peepl):
    response = peepl.post("contacts/", data='{"first_name": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Party.objects.exists()


def test_body_over_the_limit_is_413(peepl, settings):
    settings.API_MAX_BODY_SIZE = 1000
    body = {**CONTACT, "birth_place": "x" * 2000}
    response = peepl.post("contacts/", body, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}
    assert not Party.objects.exists()


def test_body_over_the_default_limit_is_413_not_500(peepl):
    response = peepl.post("contacts/", {**CONTACT, "birth_place": "x" * 3_000_000}, format="json")
    assert response.status_code == 413


def test_non_json_content_type_is_415(peepl):
    response = peepl.post(
        "contacts/", data="first_name=Jan", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "detail" in response.json()


def test_failed_create_leaves_nothing_half_written(peepl):
    response = peepl.post("contacts/", {**CONTACT, "gender": "Q"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"gender": ['"Q" is not a valid choice.']}
    assert not Party.objects.exists()
    assert not Address.objects.exists()
    assert not EmailAddress.objects.exists()


def test_failure_in_the_middle_of_a_create_rolls_it_all_back(peepl, monkeypatch):
    """A rule broken after the person row is written (here: the phone) leaves no person, address
    or e-mail behind."""
    from django.core.exceptions import ValidationError

    from apps.parties import services

    def refuse_phone(*args, **kwargs):
        raise ValidationError({"number": "Refused."})

    monkeypatch.setattr(services, "set_phone", refuse_phone)
    response = peepl.post("contacts/", {**CONTACT, "phone": "09 123 45 67"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"number": ["Refused."]}
    assert not Party.objects.exists()
    assert not Address.objects.exists()
    assert not EmailAddress.objects.exists()


# --- Published schema and docs --------------------------------------------------------------


def test_openapi_schema_lists_the_peepl_paths(client):
    response = client.get("/api/schema/peepl/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/contacts/",
        "/contacts/{id}/",
        "/contacts/search/",
        "/contacts/{party_id}/customfieldvalues/{id}/",
        "/organisations/segments/{id}/",
        "/address_types/{id}/",
        "/groups/",
        "/groups/{id}/contacts/{day}/",
        "/combinations/function/{id}/",
    ]:
        assert path in paths
    assert set(paths["/contacts/{id}/"]) == {"get", "put"}


def test_docs_page_renders(client):
    response = client.get("/api/docs/peepl/")
    assert response.status_code == 200
    assert b"redoc" in response.content.lower()


# --- Ids beyond any database integer --------------------------------------------------------

HUGE = 10**23


@pytest.mark.parametrize(
    "path",
    [
        f"contacts/{HUGE}/",
        f"groups/{HUGE}/contacts/",
        f"contacts/segments/{HUGE}/",
        f"combinations/group/{HUGE}/",
    ],
)
def test_huge_id_in_the_path_is_404(peepl, path):
    assert peepl.get(path).status_code == 404


def test_huge_id_in_the_body_is_a_field_error(peepl):
    person = PersonFactory()
    url = f"contacts/{person.pk}/"
    for child, body, field in [
        ("addresses/", {"address_type": HUGE}, "address_type"),
        ("companypositions/", {"organisation": HUGE, "title": "x"}, "organisation"),
        ("customfieldvalues/", {"custom_field": HUGE, "text_value": "x"}, "custom_field"),
    ]:
        response = peepl.post(url + child, body, format="json")
        assert response.status_code == 400
        assert list(response.json()) == [field]
