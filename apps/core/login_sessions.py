"""Log-in sessions (LoginSession): started by a log-in, kept alive by trading the refresh token
for a new one, ended by signing out. A refresh token is 256 random bits shown once and stored as
a plain SHA-256 hash (nothing to brute-force, as for API keys); each is good for one trade."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import LoginSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def start_session(user, lifetime: timedelta) -> tuple[LoginSession, str]:
    """A new session for the user and its raw refresh token (the only time it exists). The user's
    sessions whose refresh token has expired go, so they do not pile up."""
    now = timezone.now()
    LoginSession.objects.filter(user=user, expires__lte=now).delete()
    token = secrets.token_urlsafe(32)
    session = LoginSession.objects.create(
        user=user, hashed_refresh_token=_hash(token), expires=now + lifetime
    )
    return session, token


@transaction.atomic
def refresh_session(token: str, lifetime: timedelta) -> tuple[LoginSession, str] | None:
    """Trade a refresh token for a new one (the old one stops working), or None when it is
    unknown, used, expired, signed out or its user inactive. Concurrent trades of the same token
    are serialised by the row lock: only the first one wins."""
    session = (
        LoginSession.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(hashed_refresh_token=_hash(token or ""))
        .first()
    )
    now = timezone.now()
    if session is None or session.ended is not None or session.expires <= now or not session.user.is_active:
        return None
    new_token = secrets.token_urlsafe(32)
    session.hashed_refresh_token = _hash(new_token)
    session.expires = now + lifetime
    session.save(update_fields=["hashed_refresh_token", "expires"])
    return session, new_token


def live_session(session_id, user_id) -> LoginSession | None:
    """The session (with its user) if it has not ended and its user is active."""
    if not isinstance(session_id, int) or not isinstance(user_id, int):
        return None
    return (
        LoginSession.objects.select_related("user")
        .filter(pk=session_id, user_id=user_id, ended__isnull=True, user__is_active=True)
        .first()
    )


def end_sessions(user) -> int:
    """Sign the user out everywhere: every session ends, with its access and refresh tokens."""
    return LoginSession.objects.filter(user=user, ended__isnull=True).update(ended=timezone.now())
