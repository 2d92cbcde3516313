import pytest
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.api.common.authentication import ApiKeyAuthentication
from apps.core.api_keys import issue_api_key, revoke_api_key
from tests.factories import UserFactory

factory = APIRequestFactory()


class XTokenAuthentication(ApiKeyAuthentication):
    """A bare key in its own header, as Cirrus's X-Token."""

    header = "HTTP_X_TOKEN"
    keyword = ""
    www_authenticate = "X-Token"
    invalid_message = "Bad key."


def drf_request(**headers):
    return Request(factory.get("/", **headers))


@pytest.fixture
def key(db):
    return issue_api_key(UserFactory(username="integration"), "tests")


def test_no_header_is_no_attempt():
    assert ApiKeyAuthentication().authenticate(drf_request()) is None
    assert ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION="")) is None


@pytest.mark.parametrize("value", ["Bearer abc.def", "Basic dXNlcjpwdw==", "Tokens abc.def", "abc.def"])
def test_another_scheme_is_left_to_other_authenticators(value):
    assert ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=value)) is None


@pytest.mark.parametrize("value", ["Token", "Token  ", "Token a b", "token abc.def extra"])
def test_a_malformed_header_fails(value):
    with pytest.raises(exceptions.AuthenticationFailed) as exc:
        ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=value))
    assert str(exc.value.detail) == "Invalid token header."


def test_a_good_key_authenticates_as_its_user(key):
    api_key, raw = key
    user, auth = ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=f"Token {raw}"))
    assert (user, auth) == (api_key.user, api_key)
    # the keyword is case-insensitive
    assert ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=f"token {raw}"))[1] == api_key


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["abc.def", "nodot", "deadbeef.secret"])
def test_an_unknown_key_fails(raw):
    with pytest.raises(exceptions.AuthenticationFailed) as exc:
        ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=f"Token {raw}"))
    assert str(exc.value.detail) == "Invalid token."


def test_a_revoked_key_fails(key):
    api_key, raw = key
    revoke_api_key(api_key)
    with pytest.raises(exceptions.AuthenticationFailed):
        ApiKeyAuthentication().authenticate(drf_request(HTTP_AUTHORIZATION=f"Token {raw}"))


def test_a_bare_key_in_its_own_header(key):
    api_key, raw = key
    auth = XTokenAuthentication()
    assert auth.authenticate(drf_request(HTTP_X_TOKEN=f"  {raw} "))[1] == api_key
    assert auth.authenticate(drf_request(HTTP_AUTHORIZATION=f"Token {raw}")) is None
    with pytest.raises(exceptions.AuthenticationFailed) as exc:
        auth.authenticate(drf_request(HTTP_X_TOKEN="wrong"))
    assert str(exc.value.detail) == "Bad key."


class Echo(APIView):
    authentication_classes = [ApiKeyAuthentication]

    def get(self, request):
        return Response({"user": request.user.get_username()})


class Open(Echo):
    permission_classes = [AllowAny]


def test_in_a_view_401_carries_the_scheme(key):
    _, raw = key
    missing = Echo.as_view()(factory.get("/"))
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == "Token"
    wrong = Echo.as_view()(factory.get("/", HTTP_AUTHORIZATION="Token nope.nope"))
    assert (wrong.status_code, wrong.data["detail"]) == (401, "Invalid token.")
    assert wrong["WWW-Authenticate"] == "Token"
    ok = Echo.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Token {raw}"))
    assert (ok.status_code, ok.data) == (200, {"user": "integration"})


def test_a_bad_key_fails_even_where_anonymous_calls_are_allowed(key):
    assert Open.as_view()(factory.get("/")).status_code == 200
    assert Open.as_view()(factory.get("/", HTTP_AUTHORIZATION="Token nope.nope")).status_code == 401
