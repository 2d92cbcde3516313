"""Back-Office v2 conventions over HTTP: api_key or Bearer JWT on every call (example 1), the
login that issues JWTs, permissions, the error envelope, 425 for early data (example 15), trailing
slashes without redirects, unknown routes, and the schema and docs pages."""

import time
from datetime import timedelta

import jwt
import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from apps.api.crmcom import tokens
from apps.core import login_sessions
from apps.core.api_keys import issue_api_key, revoke_api_key
from tests.api.crmcom.conftest import NOT_A_RECORD, BackOfficeClient, assert_error, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
UNAUTHORIZED = "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION"
FORBIDDEN = "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"


def login(client, username="admin", password="pw-not-used-123"):
    return client.post("users/authenticate", {"username": username, "password": password})


def test_example_1_no_credential_is_401_in_the_envelope(anonymous):
    response = anonymous.get(f"accounts/{NOT_A_RECORD}")
    body = assert_error(response, 401, UNAUTHORIZED, [])
    assert body["message"] == "Unauthorized."
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["accounts/x", "activities", "insights", "contacts/x/analytics"])
def test_every_operation_needs_a_credential(anonymous, path):
    assert_error(anonymous.get(path), 401, UNAUTHORIZED)
    assert_error(anonymous.post(path, {}), 401, UNAUTHORIZED)


def test_bad_revoked_and_expired_keys_are_401(admin_user):
    client = BackOfficeClient()
    client.credentials(HTTP_API_KEY="nope.nope")
    assert_error(client.get("insights"), 401, UNAUTHORIZED)
    key, raw = issue_api_key(admin_user, "revoked")
    revoke_api_key(key)
    client.credentials(HTTP_API_KEY=raw)
    assert_error(client.get("insights"), 401, UNAUTHORIZED)


def test_an_api_key_works(bo):
    assert bo.get("insights").status_code == 200


def test_login_issues_a_jwt_that_authenticates(admin_user, anonymous):
    response = login(anonymous)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    assert abs(body["expiration_date"] - (time.time() + 15 * 60)) < 5
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(admin_user.pk) and claims["aud"] == tokens.AUDIENCE
    client = BackOfficeClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert client.get("insights").status_code == 200
    bare = BackOfficeClient()  # the Update Account example sends the token without "Bearer"
    bare.credentials(HTTP_AUTHORIZATION=body["access_token"])
    assert bare.get("insights").status_code == 200


def test_login_with_bad_credentials_is_401(admin_user, anonymous):
    assert_error(login(anonymous, password="wrong"), 401, UNAUTHORIZED)
    assert_error(login(anonymous, username="nobody"), 401, UNAUTHORIZED)
    assert_error(anonymous.post("users/authenticate", {"username": "admin"}), 400, parameters=["password"])
    admin_user.is_active = False
    admin_user.save()
    assert_error(login(anonymous), 401, UNAUTHORIZED)


@override_settings(CRMCOM_LOGIN_THROTTLE_RATE="3/min")
def test_login_attempts_are_limited(admin_user, anonymous):
    for _ in range(3):
        assert login(anonymous, password="wrong").status_code == 401
    response = login(anonymous)
    assert_error(response, 429, "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION")
    assert "Retry-After" in response


def bearer(token):
    client = BackOfficeClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_bad_expired_and_foreign_jwts_are_401(admin_user, settings):
    assert_error(bearer("not.a.jwt").get("insights"), 401, UNAUTHORIZED)
    now = int(time.time())
    session, _ = login_sessions.start_session(admin_user, timedelta(hours=1))
    someone_else, _ = login_sessions.start_session(UserFactory(), timedelta(hours=1))
    base = {
        "iss": tokens.ISSUER,
        "aud": tokens.AUDIENCE,
        "sub": str(admin_user.pk),
        "sid": session.pk,
        "iat": now,
        "exp": now + 60,
    }
    fingerprint = tokens._fingerprint(admin_user)
    good = jwt.encode({**base, "pwd": fingerprint}, settings.CRMCOM_JWT_SECRET, algorithm="HS256")
    assert bearer(good).get("insights").status_code == 200
    expired = jwt.encode(
        {**base, "exp": now - 1, "pwd": fingerprint}, settings.CRMCOM_JWT_SECRET, algorithm="HS256"
    )
    forged = jwt.encode(
        {**base, "pwd": fingerprint}, "another secret, long enough for HS256 keys", algorithm="HS256"
    )
    unsigned = jwt.encode({**base, "pwd": fingerprint}, None, algorithm="none")
    other_audience = jwt.encode(
        {**base, "aud": "someone-else", "pwd": fingerprint}, settings.CRMCOM_JWT_SECRET, algorithm="HS256"
    )
    without_session = jwt.encode(
        {key: value for key, value in base.items() if key != "sid"} | {"pwd": fingerprint},
        settings.CRMCOM_JWT_SECRET,
        algorithm="HS256",
    )
    foreign_session = jwt.encode(
        {**base, "sid": someone_else.pk, "pwd": fingerprint}, settings.CRMCOM_JWT_SECRET, algorithm="HS256"
    )
    for token in (expired, forged, unsigned, other_audience, without_session, foreign_session):
        assert_error(bearer(token).get("insights"), 401, UNAUTHORIZED)


def test_a_password_change_ends_earlier_jwts(admin_user, anonymous):
    token = login(anonymous).json()["access_token"]
    admin_user.set_password("a-new-password-456")
    admin_user.save()
    assert_error(bearer(token).get("insights"), 401, UNAUTHORIZED)


def test_an_invalid_api_key_is_401_even_with_a_valid_jwt(admin_user, anonymous):
    token = login(anonymous).json()["access_token"]
    client = bearer(token)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_API_KEY="nope.nope")
    assert_error(client.get("insights"), 401, UNAUTHORIZED)


def test_permissions_are_checked_before_records(db):
    user = UserFactory()
    client = client_for(user)
    assert_error(client.get(f"accounts/{NOT_A_RECORD}"), 403, FORBIDDEN, [])
    user.user_permissions.add(Permission.objects.get(codename="view_account"))
    assert_error(client_for(user).get(f"accounts/{NOT_A_RECORD}"), 404)
    assert_error(client_for(user).put(f"accounts/{NOT_A_RECORD}", {"credit_limit": 1}), 403, FORBIDDEN)


def test_analytics_need_the_figures_permissions(db):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_party"))
    assert_error(client_for(user).get(f"contacts/{NOT_A_RECORD}/analytics"), 403, FORBIDDEN)


def test_example_15_early_data_is_425_on_unsafe_methods(bo):
    response = bo.post("activities", {"name": "x"}, HTTP_EARLY_DATA="1")
    assert_error(response, 425, "CRM.EXCEPTIONS.TOOEARLYEXCEPTION")
    assert bo.get("insights", HTTP_EARLY_DATA="1").status_code == 200


def test_trailing_slash_is_served_without_redirect(bo):
    assert bo.get("insights/").status_code == 200
    assert bo.get("insights").status_code == 200
    assert_error(bo.get(f"accounts/{NOT_A_RECORD}/"), 404, parameters=["account", NOT_A_RECORD])


def test_unknown_routes_and_methods_answer_in_the_envelope(bo):
    assert_error(bo.get("nothing/here"), 404, "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION")
    assert_error(bo.delete("insights"), 405, "CRM.EXCEPTIONS.METHODNOTALLOWEDEXCEPTION")


def test_bad_bodies_are_400(bo):
    response = bo.post("insights", "{not json", content_type="application/json")
    assert_error(response, 400, "CRM.EXCEPTIONS.BADREQUESTEXCEPTION")
    assert_error(bo.post("insights", [1, 2]), 400)
    assert_error(bo.post("insights", "x", content_type="text/plain"), 415)


def test_too_large_bodies_are_413(bo, settings):
    settings.API_MAX_BODY_SIZE = 100
    assert_error(bo.post("insights", {"name": "x" * 200}), 413)


def test_schema_and_docs(client):
    response = client.get("/api/schema/crmcom/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/accounts/{account_id}:",
        "/accounts/{account_id}/actions:",
        "/contacts/{contact_id}/accounts:",
        "/activities:",
        "/activities/{activity_id}/tags:",
        "/organisations/{organisation_id}/analytics:",
        "/insights/{insight_id}/exports:",
        "/users/authenticate:",
        "/users/refresh:",
        "/users/{user_id}/sign_out:",
    ):
        assert path in text
    assert "name: api_key" in text and "bearerFormat: JWT" in text
    assert client.get("/api/docs/crmcom/").status_code == 200
