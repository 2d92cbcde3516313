"""The JWTs of the Back-Office v2 API: issued for a user's log-in session (apps.core.login_sessions)
by its login and refresh operations, HS256-signed with settings.CRMCOM_JWT_SECRET, short-lived
(settings.CRMCOM_JWT_LIFETIME). A token names its session (`sid`), so signing out ends it, and
carries a fingerprint of the user's password hash, so changing the password ends it too."""

import time
import uuid

import jwt
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from apps.core.login_sessions import live_session

ISSUER = "crm-backoffice"
AUDIENCE = "crmcom-backoffice-v2"
ALGORITHM = "HS256"


def _fingerprint(user) -> str:
    return salted_hmac("crmcom-jwt", user.password, secret=settings.CRMCOM_JWT_SECRET).hexdigest()[:32]


def issue_token(session) -> tuple[str, int]:
    """(token, expiry as epoch seconds) for the session's user."""
    user = session.user
    now = int(time.time())
    expires = now + settings.CRMCOM_JWT_LIFETIME
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user.pk),
        "sid": session.pk,
        "iat": now,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "pwd": _fingerprint(user),
    }
    return jwt.encode(claims, settings.CRMCOM_JWT_SECRET, algorithm=ALGORITHM), expires


def user_for_token(token: str):
    """(user, claims) for a valid, unexpired token of a live session of an active user; (None, None)
    otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.CRMCOM_JWT_SECRET,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "aud", "iss"]},
        )
    except jwt.PyJWTError:
        return None, None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.isdigit() or len(subject) > 18:
        return None, None
    session = live_session(claims["sid"], int(subject))
    if session is None or not constant_time_compare(str(claims.get("pwd", "")), _fingerprint(session.user)):
        return None, None
    return session.user, claims
