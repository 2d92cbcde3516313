"""API keys: issued with a random secret shown once, stored as a SHA-256 hash, looked up by prefix.

A key is `<prefix>.<secret>`; the prefix is public and indexed, the secret is 256 random bits, so a
plain (unsalted, fast) hash is safe: there is nothing to brute-force."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ApiKey

LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_api_key(user, name: str, expires=None) -> tuple[ApiKey, str]:
    """Create a key for the user and return it with its raw value (the only time it exists)."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name, prefix=prefix, hashed_secret=_hash(secret), expires=expires
    )
    return key, f"{prefix}.{secret}"


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The usable key matching `raw`, or None. Records when the key was last used (at most once
    a minute, so authenticating is not a write on every request)."""
    raw = (raw or "").strip()
    prefix, sep, secret = raw.partition(".")
    # A NUL or a lone surrogate never reaches the database (PostgreSQL refuses NUL in text).
    if not sep or not prefix or not secret or not raw.isprintable():
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash(secret)) or not key.is_usable:
        return None
    now = timezone.now()
    if key.last_used is None or now - key.last_used > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used=now)
        key.last_used = now
    return key


def revoke_api_key(key: ApiKey) -> None:
    if key.revoked is None:
        key.revoked = timezone.now()
        key.save(update_fields=["revoked"])
