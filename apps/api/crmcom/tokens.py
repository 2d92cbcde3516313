"""The JWTs of the Back-Office v2 API: issued for a user by its login operation, HS256-signed with
settings.CRMCOM_JWT_SECRET, short-lived (settings.CRMCOM_JWT_LIFETIME). A token also carries a
fingerprint of the user's password hash, so changing the password ends every token issued before."""

import time
import uuid

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac

ISSUER = "crm-backoffice"
AUDIENCE = "crmcom-backoffice-v2"
ALGORITHM = "HS256"


def _fingerprint(user) -> str:
    return salted_hmac("crmcom-jwt", user.password, secret=settings.CRMCOM_JWT_SECRET).hexdigest()[:32]


def issue_token(user) -> tuple[str, int]:
    """(token, expiry as epoch seconds)."""
    now = int(time.time())
    expires = now + settings.CRMCOM_JWT_LIFETIME
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user.pk),
        "iat": now,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "pwd": _fingerprint(user),
    }
    return jwt.encode(claims, settings.CRMCOM_JWT_SECRET, algorithm=ALGORITHM), expires


def user_for_token(token: str):
    """(user, claims) for a valid, unexpired token of an active user; (None, None) otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.CRMCOM_JWT_SECRET,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError:
        return None, None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.isdigit() or len(subject) > 18:
        return None, None
    user = get_user_model().objects.filter(pk=int(subject), is_active=True).first()
    if user is None or not constant_time_compare(str(claims.get("pwd", "")), _fingerprint(user)):
        return None, None
    return user, claims
