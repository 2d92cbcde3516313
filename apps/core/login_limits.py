"""Password guessing is limited at the one place every password check goes through: the
authentication backend (`authenticate()`), which the admin login, the Back-Office and CRM.COM R
logins and incwo's HTTP Basic all call. Failures are counted in the shared cache (Redis in
production, so the count holds across processes and servers) per account and per client address,
over a window of LOGIN_LOCKOUT_SECONDS:

- LOGIN_FAILURES_PER_ACCOUNT failures for one user name lock that name (from every address);
- LOGIN_FAILURES_PER_ADDRESS failures from one address lock that address (for every name).

While locked, the password is not even checked (a right guess cannot be told from a wrong one) and
the request is marked (`locked_out_for(request)`), so each API answers its own 429. A success
clears the account's count. The client address is REMOTE_ADDR, or — only when REMOTE_ADDR is one
of TRUSTED_PROXIES — the nearest untrusted address in X-Forwarded-For: a client-sent header is
never believed on its own.

Why this and not django-axes or DRF throttles: a DRF throttle sees only DRF views (not the admin,
not a password checked inside an authentication class), and axes' lockout answers are its own
(HTML or JSON), not each API's envelope; a backend covers every check with one counter and lets
each caller answer in its format.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

logger = logging.getLogger(__name__)
LOCKED_ATTRIBUTE = "login_locked_out_for"


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for entry in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the rightmost address of
    X-Forwarded-For that is not a trusted proxy."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            return address
    return remote


def _key(kind: str, value: str) -> str:
    return f"login-failures:{kind}:{hashlib.sha256(value.encode('utf-8', 'replace')).hexdigest()}"


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    keys = []
    if username:
        keys.append((_key("account", username.strip().lower()[:150]), settings.LOGIN_FAILURES_PER_ACCOUNT))
    if address:
        keys.append((_key("address", address), settings.LOGIN_FAILURES_PER_ADDRESS))
    return keys


def is_locked(username: str, address: str) -> bool:
    counts = cache.get_many([key for key, _limit in _keys(username, address)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key, _limit in _keys(username, address):
        if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def record_success(username: str) -> None:
    cache.delete_many([key for key, _limit in _keys(username, "")])


def _mark(request) -> None:
    for target in (request, getattr(request, "_request", None)):
        if target is not None:
            setattr(target, LOCKED_ATTRIBUTE, settings.LOGIN_LOCKOUT_SECONDS)


def locked_out_for(request) -> int | None:
    """Seconds to wait when the last password check of this request was refused as locked."""
    return getattr(request, LOCKED_ATTRIBUTE, None) or getattr(
        getattr(request, "_request", None), LOCKED_ATTRIBUTE, None
    )


class LimitedModelBackend(ModelBackend):
    """Django's user name and password check, refused while the account or address is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field(), "")
        address = client_address(request) if request is not None else ""
        name = str(username or "")
        if is_locked(name, address):
            logger.warning("Login refused: too many failures for %r or from %s", name[:150], address)
            if request is not None:
                _mark(request)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(name, address)
        else:
            record_success(name)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


def admin_login_form():
    """The admin's login form: a locked account or address is told so (not "wrong password")."""
    from django import forms
    from django.contrib.admin.forms import AdminAuthenticationForm

    class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
        def clean(self):
            try:
                return super().clean()
            except forms.ValidationError:
                if wait := locked_out_for(self.request):
                    raise forms.ValidationError(
                        "Too many failed log-ins: try again in %(minutes)d minutes.",
                        code="locked_out",
                        params={"minutes": max(1, wait // 60)},
                    ) from None
                raise

    return LimitedAdminAuthenticationForm
