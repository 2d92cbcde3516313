"""CRM.COM R login methods and the token every other method needs."""

import base64
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.core.api_keys import issue_api_key
from apps.core.models import ApiKey
from apps.parties.models import BusinessUnit
from tests.factories import UserFactory

from .conftest import BASE, CrmClient, login

pytestmark = pytest.mark.django_db


def status_code(response):
    return response.json()["status"]["code"]


def test_login_returns_a_token_in_the_envelope(admin_user):
    client = CrmClient()
    response = client.call(
        "authentication/token",
        {"username": "admin", "password": "pw-not-used-123", "organisation": "CRMDEMO"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == {"code": "OK", "message": "", "description": ""}
    assert isinstance(body["data"]["token"], str) and len(body["data"]["token"]) > 32
    key = ApiKey.objects.get(user=admin_user)
    assert key.expires is not None and key.expires > timezone.now() + timedelta(minutes=110)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "admin", "password": "wrong", "organisation": "CRMDEMO"},
        {"username": "nobody", "password": "pw-not-used-123", "organisation": "CRMDEMO"},
        {"username": "admin", "password": "pw-not-used-123", "organisation": "OTHER"},
        {"username": "admin", "password": "pw-not-used-123", "organisation": "CRMDEMO", "unit": "FFFF"},
    ],
)
def test_wrong_credentials(admin_user, body):
    response = CrmClient().call("authentication/token", body)
    assert response.status_code == 401
    assert response.json() == {
        "status": {
            "code": "INVALID_CREDENTIALS",
            "message": response.json()["status"]["message"],
            "description": response.json()["status"]["description"],
        },
        "data": None,
    }
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("missing", ["username", "password", "organisation"])
def test_login_mandatory_parameters(admin_user, missing):
    body = {"username": "admin", "password": "pw-not-used-123", "organisation": "CRMDEMO"}
    del body[missing]
    response = CrmClient().call("authentication/token", body)
    assert response.status_code == 400
    assert status_code(response) == "MANDATORY_PARAMETER_MISSING"
    assert response.json()["status"]["description"] == missing


def test_organisation_is_a_setting(admin_user, settings):
    settings.CRMCOM_ORGANISATION = "ACME"
    client = CrmClient()
    assert login(client, organisation="acme")


def test_login_with_a_unit_of_the_user(admin_user):
    unit = BusinessUnit.objects.get(is_default=True)
    client = CrmClient()
    body = {
        "username": "admin",
        "password": "pw-not-used-123",
        "organisation": "CRMDEMO",
        "unit": unit.uuid.hex,
    }
    assert client.call("authentication/token", body).status_code == 200


def test_no_token_is_invalid_token(admin_user):
    response = CrmClient().get(BASE + "contact_information/show?contact_information_identifier=id=ABC")
    assert response.status_code == 401
    assert status_code(response) == "INVALID_TOKEN"
    assert response.json()["data"] is None


def test_unknown_token_is_invalid_token(admin_user):
    client = CrmClient()
    client.token = "abcd.efgh"
    assert status_code(client.query("contact_information/list", {"id_number": "1"})) == "INVALID_TOKEN"
    assert client.call("contact_information/create", {"type": "PERSON"}).status_code == 401


def test_released_token_is_refused(crm):
    response = crm.call("authentication/token/release")
    assert response.status_code == 200
    assert response.json() == {"status": {"code": "OK", "message": "", "description": ""}, "data": None}
    response = crm.query("contact_information/list", {"id_number": "1"})
    assert response.status_code == 401 and status_code(response) == "INVALID_TOKEN"
    assert crm.call("authentication/token/release").status_code == 401


def test_release_never_revokes_a_long_lived_api_key(admin_user):
    """Issue 16: release with an API key revoked it for all five APIs. Release ends only the
    tokens the login methods issued; the key keeps working everywhere."""
    key, raw = issue_api_key(admin_user, "integration")
    client = CrmClient()
    client.token = raw
    response = client.call("authentication/token/release")
    assert response.status_code == 400 and status_code(response) == "INVALID_PARAMETER_VALUE"
    key.refresh_from_db()
    assert key.revoked is None
    assert client.query("contact_information/list", {"id_number": "1"}).status_code == 200
    assert client.get("/cirrus/accounts", HTTP_X_TOKEN=raw).status_code == 200
    # A token from the Web API key login is a login token: released, while the key lives on.
    basic = base64.b64encode(f"{raw}:".encode()).decode()
    issued = client.post(
        BASE + "authentication/web_api_key/token", {}, format="json", HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    client.token = issued.json()["data"]["token"]
    assert client.call("authentication/token/release").status_code == 200
    assert client.query("contact_information/list", {"id_number": "1"}).status_code == 401
    key.refresh_from_db()
    assert key.revoked is None


def test_expired_token_is_refused(crm):
    ApiKey.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert status_code(crm.query("contact_information/list", {"id_number": "1"})) == "INVALID_TOKEN"


def test_token_lifetime_is_a_setting(admin_user, settings):
    settings.CRMCOM_TOKEN_LIFETIME = 60
    login(CrmClient())
    assert ApiKey.objects.get().expires < timezone.now() + timedelta(seconds=61)


def test_web_api_key_token(admin_user):
    _, raw = issue_api_key(admin_user, "integration")
    client = CrmClient()
    credentials = base64.b64encode(f"{raw}:".encode()).decode()
    response = client.post(
        BASE + "authentication/web_api_key/token",
        {},
        format="json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert response.status_code == 200
    client.token = response.json()["data"]["token"]
    assert client.query("contact_information/list", {"id_number": "1"}).status_code == 200
    bad = base64.b64encode(b"nope.nope:").decode()
    response = client.post(
        BASE + "authentication/web_api_key/token", {}, format="json", HTTP_AUTHORIZATION=f"Basic {bad}"
    )
    assert response.status_code == 401 and status_code(response) == "INVALID_CREDENTIALS"
    assert client.post(BASE + "authentication/web_api_key/token", {}, format="json").status_code == 401


def test_every_method_needs_a_permission():
    UserFactory(username="clerk")
    client = CrmClient()
    client.token = login(client, username="clerk")
    for response in (
        client.query("contact_information/show", {"contact_information_identifier": "id=1"}),
        client.query("contact_information/list", {"id_number": "1"}),
        client.call("contact_information/create", {"type": "PERSON", "first_name": "A", "last_name": "B"}),
        client.call("contact_information/update", {"contact_information_identifier": {"id": "1"}}),
    ):
        assert response.status_code == 403
        assert status_code(response) == "PERMISSION_DENIED"
    clerk = UserFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_party"))
    assert client.query("contact_information/list", {"id_number": "1"}).status_code == 200
    assert client.call("contact_information/create", {"type": "PERSON"}).status_code == 403


def test_unknown_method_is_not_found_in_the_envelope(crm):
    response = crm.query("contact_information/delete")
    assert response.status_code == 404
    assert status_code(response) == "NOT_FOUND"


def test_malformed_json_is_invalid_parameter_value(crm):
    response = crm.post(BASE + "contact_information/create", b"{not json", content_type="application/json")
    assert response.status_code == 400 and status_code(response) == "INVALID_PARAMETER_VALUE"
    response = crm.post(BASE + "contact_information/create", [1, 2], format="json")
    assert response.status_code in (400, 401)


def test_wrong_verb(crm):
    response = crm.get(BASE + "contact_information/create", {"token": crm.token})
    assert response.status_code == 405
