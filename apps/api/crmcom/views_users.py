"""Users: log in (`POST /users/authenticate`, as public clients call it), trade the refresh token for
a new access token (`POST /users/refresh`, our name: neither the seed nor a public client shows
CRM.COM's), and sign out (`POST /users/{id}/sign_out`, as dmcken/crm5_bo calls it). The session
behind the tokens is apps.core.login_sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response

from apps.core import login_limits, login_sessions

from . import serializers as s
from .conventions import FORBIDDEN, UNAUTHORIZED, CrmcomError, CrmcomView, LoginThrottle, not_found
from .tokens import issue_token

TAG = ["Users"]


def refresh_lifetime() -> timedelta:
    return timedelta(seconds=settings.CRMCOM_REFRESH_TOKEN_LIFETIME)


def log_in(request, username: str, password: str, provider: str | None):
    """The active user with these credentials, or None. With provider `EMAIL` the name may be the
    user's e-mail address (when exactly one user has it)."""
    user = authenticate(request, username=username, password=password)
    if user is None and provider == "EMAIL":
        matches = list(get_user_model().objects.filter(email__iexact=username)[:2])
        if len(matches) == 1:
            user = authenticate(request, username=matches[0].get_username(), password=password)
    return user if user is not None and user.is_active else None


def tokens_response(session, refresh_token: str) -> Response:
    """What the login and refresh operations answer: the fields CRM.COM's login carries as public
    clients read them, plus the OAuth-style `token_type` and `expires_in`."""
    access_token, expires = issue_token(session)
    return Response(
        {
            "access_token": access_token,
            "refresh_token": refresh_token,
            "token_type": "Bearer",
            "expires_in": settings.CRMCOM_JWT_LIFETIME,
            "expiration_date": expires,
            "mode": "LIVE",
            "lockout_date": None,
            "password_expired": False,
        }
    )


class Login(CrmcomView):
    """Start a session: an access token (JWT) and a refresh token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        tags=TAG,
        summary="Log in: an access token (JWT) and a refresh token",
        description="Send the access token as `authorization: Bearer <token>` until it expires "
        "(`expires_in` seconds), then trade the refresh token for a new one (`POST /users/refresh`). "
        "Attempts are rate-limited per user name.",
        request=s.V2LoginInput,
        responses={200: s.V2LoginOutput, 400: s.V2Error, 401: s.V2Error, 429: s.V2Error},
        auth=[],
    )
    def post(self, request):
        data = self.validated(s.V2LoginInput)
        user = log_in(request, data["username"], data["password"], data.get("provider"))
        if user is None and (wait := login_limits.locked_out_for(request)):
            raise exceptions.Throttled(wait)  # 429 TOOMANYREQUESTS: too many failed log-ins
        if user is None:
            raise CrmcomError(401, UNAUTHORIZED, "Invalid user name or password.")
        session, refresh_token = login_sessions.start_session(user, refresh_lifetime())
        return tokens_response(session, refresh_token)


class Refresh(CrmcomView):
    """Trade a refresh token for a new access token and the next refresh token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=TAG,
        summary="A new access token for a refresh token",
        description="Each refresh token works once: the answer carries the next one. A refresh "
        "token that is unknown, used, expired or signed out is 401.",
        request=s.V2RefreshInput,
        responses={200: s.V2LoginOutput, 400: s.V2Error, 401: s.V2Error},
        auth=[],
    )
    def post(self, request):
        data = self.validated(s.V2RefreshInput)
        refreshed = login_sessions.refresh_session(data["refresh_token"], refresh_lifetime())
        if refreshed is None:
            raise CrmcomError(401, UNAUTHORIZED, "Invalid refresh token.")
        return tokens_response(*refreshed)


class SignOut(CrmcomView):
    """End every session of a user: their access and refresh tokens stop working."""

    @extend_schema(
        tags=TAG,
        summary="Sign a user out",
        description="The id is the access token's `sub` claim. A user may sign themselves out; "
        "signing out someone else needs the permission to change users.",
        parameters=[OpenApiParameter("user_id", str, OpenApiParameter.PATH)],
        request=None,
        responses={200: s.V2Id, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error},
    )
    def post(self, request, user_id):
        known = user_id.isdigit() and len(user_id) <= 18
        user = get_user_model().objects.filter(pk=int(user_id)).first() if known else None
        if user is None:
            raise not_found("user", user_id)
        if user.pk != request.user.pk and not request.user.has_perm("auth.change_user"):
            raise CrmcomError(403, FORBIDDEN, "Forbidden.")
        login_sessions.end_sessions(user)
        return Response({"id": str(user.pk)})
