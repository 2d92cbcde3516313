"""Password guessing is limited for every password check (apps.core.login_limits): the admin
login, the Back-Office and CRM.COM R logins and incwo's HTTP Basic; per account and per client
address, in the shared cache; the address from X-Forwarded-For only behind a trusted proxy; each
API answers its own 429 while locked, and even the right password is refused then."""

import base64
import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client, RequestFactory

from apps.core import login_limits
from tests.api.crmcom_ri.conftest import reference_data  # noqa: F401  (R's login needs them)

pytestmark = pytest.mark.django_db
PASSWORD = "pw-not-used-123"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = LIMIT
    settings.LOGIN_FAILURES_PER_ADDRESS = 3 * LIMIT
    settings.CRMCOM_LOGIN_THROTTLE_RATE = "1000/min"  # the per-name rate is not what is tested


def backoffice(client, password, username="admin", **extra):
    body = {"username": username, "password": password}
    return client.post("/backoffice/v2/users/authenticate", body, content_type="application/json", **extra)


def crm_r(client, password, username="admin", **extra):
    body = {"username": username, "password": password, "organisation": "CRMDEMO"}
    return client.post("/crmapi/rest/v2/authentication/token", body, content_type="application/json", **extra)


def incwo(client, password, username="admin", **extra):
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.get("/incwo/1/contacts.xml", HTTP_AUTHORIZATION=f"Basic {raw}", **extra)


def admin_login(client, password, username="admin", **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


def test_the_back_office_login_locks_whatever_x_forwarded_for_says(admin_user):
    client = Client()
    for n in range(LIMIT):
        assert backoffice(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code == 401
    response = backoffice(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"] == "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION"


def test_crm_r_login_locks_in_its_envelope(admin_user):
    client = Client()
    for _ in range(LIMIT):
        response = crm_r(client, "wrong")
        assert response.status_code == 401 and response.json()["status"]["code"] == "INVALID_CREDENTIALS"
    response = crm_r(client, PASSWORD)
    assert response.status_code == 429
    assert response.json()["status"]["code"] == "TOO_MANY_REQUESTS" and response.json()["data"] is None


def test_incwo_basic_locks_in_xml(admin_user):
    client = Client()
    assert incwo(client, PASSWORD).status_code == 200
    for _ in range(LIMIT):
        assert incwo(client, "wrong").status_code == 401
    response = incwo(client, PASSWORD)
    assert response.status_code == 429 and response["Content-Type"].startswith("application/xml")
    assert ET.fromstring(response.content).tag == "errors"


def test_thirty_wrong_admin_passwords_lock_the_admin_login(admin_user):
    """Issue 16: 30 wrong admin passwords were 30 × 200 (the form again, without a limit)."""
    client = Client()
    for _ in range(30):
        admin_login(client, "wrong")
    response = admin_login(client, PASSWORD)
    assert response.status_code == 200  # the form again, not the redirect of a success
    assert b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_one_count_for_every_password_check_of_an_account(admin_user):
    """Guesses spread over the APIs add up: the account is one."""
    client = Client()
    backoffice(client, "wrong")
    crm_r(client, "wrong")
    incwo(client, "wrong")
    assert json.loads(backoffice(client, PASSWORD).content)["status"] == 429
    assert admin_login(client, PASSWORD).status_code == 200


def test_a_success_clears_the_accounts_count(admin_user):
    client = Client()
    for _ in range(LIMIT - 1):
        backoffice(client, "wrong")
    assert backoffice(client, PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        backoffice(client, "wrong")
    assert backoffice(client, PASSWORD).status_code == 200


def test_an_address_guessing_many_names_is_locked(admin_user, django_user_model):
    client = Client()
    for n in range(3 * LIMIT):
        assert crm_r(client, "wrong", username=f"user{n}").status_code == 401
    assert crm_r(client, PASSWORD).status_code == 429  # this address, whatever the name
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert crm_r(other, PASSWORD).status_code == 200


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert login_limits.client_address(spoofed) == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxied = factory.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.5, 10.0.0.2")
    assert login_limits.client_address(proxied) == "198.51.100.5"  # the proxy's client, not a forged one
    assert login_limits.client_address(spoofed) == "203.0.113.9"
    only_proxies = factory.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert login_limits.client_address(only_proxies) == "10.1.2.3"


def test_behind_a_trusted_proxy_clients_are_counted_apart(admin_user, django_user_model, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client()
    for n in range(3 * LIMIT):
        crm_r(client, "wrong", username=f"user{n}", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert crm_r(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert crm_r(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
