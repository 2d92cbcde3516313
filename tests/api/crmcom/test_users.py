"""Back-Office v2 log-in sessions over HTTP: the login answers what CRM.COM's login carries as
public clients read it (dmcken/crm5_bo: `provider: EMAIL`, the `api_key` header, access and refresh
tokens, mode, lockout date, password expiry), refresh tokens trade once for new tokens, and
signing out (`POST /users/{id}/sign_out`, as that client calls it) ends them all."""

import hashlib
from datetime import timedelta

import jwt
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.core.models import LoginSession
from tests.api.crmcom.conftest import BackOfficeClient, assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
UNAUTHORIZED = "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION"
PASSWORD = "pw-not-used-123"
LOGIN_FIELDS = {
    "access_token",
    "refresh_token",
    "token_type",
    "expires_in",
    "expiration_date",
    "mode",
    "lockout_date",
    "password_expired",
}


def crm5_bo_login(client, api_key, username="admin@example.com", password=PASSWORD):
    """dmcken/crm5_bo's login() request: JSON body with provider EMAIL, the public key header."""
    body = {"provider": "EMAIL", "username": username, "password": password}
    return client.post("users/authenticate", body, format="json", HTTP_API_KEY=api_key)


def crm5_bo_client(access_token, secret_key):
    """The headers crm5_bo sends on every call after logging in: the bare token and a key."""
    client = BackOfficeClient()
    client.credentials(HTTP_AUTHORIZATION=access_token, HTTP_API_KEY=secret_key)
    return client


def bearer(token):
    client = BackOfficeClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def refresh(client, refresh_token):
    return client.post("users/refresh", {"refresh_token": refresh_token}, format="json")


def test_the_login_answers_what_public_clients_read(admin_user, api_key, anonymous):
    response = crm5_bo_login(anonymous, api_key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == LOGIN_FIELDS
    assert body["mode"] == "LIVE" and body["lockout_date"] is None and body["password_expired"] is False
    assert isinstance(body["expiration_date"], int) and body["token_type"] == "Bearer"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(admin_user.pk)  # crm5_bo's logout() reads the user id from `sub`
    assert crm5_bo_client(body["access_token"], api_key).get("insights").status_code == 200
    assert bearer(body["access_token"]).get("insights").status_code == 200


def test_the_refresh_token_is_stored_only_as_a_hash(admin_user, api_key, anonymous):
    raw = crm5_bo_login(anonymous, api_key).json()["refresh_token"]
    session = LoginSession.objects.get(user=admin_user)
    assert session.hashed_refresh_token == hashlib.sha256(raw.encode()).hexdigest()
    assert not LoginSession.objects.filter(hashed_refresh_token=raw).exists()


def test_provider_email_logs_in_by_name_or_e_mail(admin_user, anonymous):
    assert crm5_bo_login(anonymous, "", username="admin").status_code == 200
    assert crm5_bo_login(anonymous, "", username="ADMIN@example.com").status_code == 200
    assert_error(crm5_bo_login(anonymous, "", password="wrong"), 401, UNAUTHORIZED)
    plain = anonymous.post("users/authenticate", {"username": "admin", "password": PASSWORD}, format="json")
    assert plain.status_code == 200  # the provider is optional
    by_mail_without_provider = {"username": "admin@example.com", "password": PASSWORD}
    assert_error(anonymous.post("users/authenticate", by_mail_without_provider), 401, UNAUTHORIZED)
    phone = {"provider": "PHONE", "username": "admin", "password": PASSWORD}
    assert_error(anonymous.post("users/authenticate", phone, format="json"), 400, parameters=["provider"])


def test_an_e_mail_two_users_share_logs_nobody_in(admin_user, anonymous):
    twin = UserFactory(email="admin@example.com")
    twin.set_password(PASSWORD)
    twin.save()
    assert_error(crm5_bo_login(anonymous, ""), 401, UNAUTHORIZED)


def test_a_refresh_token_trades_once_for_new_tokens(admin_user, api_key, anonymous):
    first = crm5_bo_login(anonymous, api_key).json()
    response = refresh(anonymous, first["refresh_token"])
    assert response.status_code == 200, response.content
    second = response.json()
    assert set(second) == LOGIN_FIELDS
    assert second["refresh_token"] != first["refresh_token"]
    assert bearer(second["access_token"]).get("insights").status_code == 200
    assert bearer(first["access_token"]).get("insights").status_code == 200  # same session, not expired
    assert_error(refresh(anonymous, first["refresh_token"]), 401, UNAUTHORIZED)  # used
    assert refresh(anonymous, second["refresh_token"]).status_code == 200


def test_bad_refresh_tokens(admin_user, anonymous):
    assert_error(refresh(anonymous, "not-a-token"), 401, UNAUTHORIZED)
    assert_error(anonymous.post("users/refresh", {}, format="json"), 400, parameters=["refresh_token"])
    token = crm5_bo_login(anonymous, "").json()["refresh_token"]
    LoginSession.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert_error(refresh(anonymous, token), 401, UNAUTHORIZED)
    token = crm5_bo_login(anonymous, "").json()["refresh_token"]
    admin_user.is_active = False
    admin_user.save()
    assert_error(refresh(anonymous, token), 401, UNAUTHORIZED)


def test_an_expired_session_is_dropped_at_the_next_login(admin_user, anonymous):
    crm5_bo_login(anonymous, "")
    LoginSession.objects.update(expires=timezone.now() - timedelta(seconds=1))
    crm5_bo_login(anonymous, "")
    assert LoginSession.objects.filter(user=admin_user).count() == 1


def test_sign_out_ends_the_access_and_refresh_tokens(admin_user, api_key, anonymous):
    """crm5_bo's logout(): POST /users/{sub}/sign_out with its usual headers, no body."""
    tokens = crm5_bo_login(anonymous, api_key).json()
    other = crm5_bo_login(anonymous, api_key).json()  # another session of the same user
    response = bearer(tokens["access_token"]).post(f"users/{admin_user.pk}/sign_out")
    assert response.status_code == 200 and response.json() == {"id": str(admin_user.pk)}
    for access_token in (tokens["access_token"], other["access_token"]):
        assert_error(bearer(access_token).get("insights"), 401, UNAUTHORIZED)
    for refresh_token in (tokens["refresh_token"], other["refresh_token"]):
        assert_error(refresh(anonymous, refresh_token), 401, UNAUTHORIZED)
    fresh = crm5_bo_login(anonymous, api_key).json()
    assert bearer(fresh["access_token"]).get("insights").status_code == 200
    with_key = crm5_bo_client(fresh["access_token"], api_key).post(f"users/{admin_user.pk}/sign_out")
    assert with_key.status_code == 200
    assert_error(bearer(fresh["access_token"]).get("insights"), 401, UNAUTHORIZED)


def test_signing_out_someone_else_needs_the_permission(admin_user, anonymous):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    tokens = crm5_bo_login(anonymous, "", username=user.username).json()
    assert_error(bearer(tokens["access_token"]).post(f"users/{admin_user.pk}/sign_out"), 403)
    admin_tokens = crm5_bo_login(anonymous, "").json()
    assert bearer(admin_tokens["access_token"]).get("insights").status_code == 200
    user.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert bearer(tokens["access_token"]).post(f"users/{admin_user.pk}/sign_out").status_code == 200
    assert_error(bearer(admin_tokens["access_token"]).get("insights"), 401, UNAUTHORIZED)
    assert_error(
        bearer(tokens["access_token"]).post("users/999999/sign_out"), 404, parameters=["user", "999999"]
    )
    assert_error(anonymous.post(f"users/{user.pk}/sign_out"), 401, UNAUTHORIZED)
