"""Every request under an API's mount is answered by that API, in its own format.

Each API is mounted by `crm.urls.api()`, which registers its path prefix here with the API's
`error_response(request, status)` (the API's own body for 400/403/404/500). From that:

- `unknown_path_view()` answers, for any method, a path under the mount that names no operation
  with the API's 404 (CSRF-exempt: an API has no CSRF cookie, so Django's CSRF page never shows);
- `CollapseSlashesMiddleware` routes `/crmapi/rest/v2//authentication/token` (a doubled slash, as
  a public CRM.COM R client sends) as the path with single slashes;
- `error_handler()` (Django's handler400/403/404/500) and `csrf_failure()` (CSRF_FAILURE_VIEW)
  answer in the API's format for paths under a mount, and as Django does everywhere else.

Wrong methods on existing paths are each API's own DRF views' 405.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt

ErrorResponse = Callable[[HttpRequest, int], HttpResponse]


@dataclass(frozen=True)
class Mount:
    prefix: str  # "/peepl/v1/admin/"
    error_response: ErrorResponse

    def covers(self, path: str) -> bool:
        return path.startswith(self.prefix) or path == self.prefix.rstrip("/")


_mounts: dict[str, Mount] = {}


def register(prefix: str, error_response: ErrorResponse) -> Mount:
    """Mount an API at `prefix` ("peepl/v1/admin/"); its errors are rendered by `error_response`."""
    mount = Mount("/" + prefix.strip("/") + "/", error_response)
    _mounts[mount.prefix] = mount
    return mount


def mount_for(path: str) -> Mount | None:
    """The API mounted at the path, if any."""
    return next((mount for mount in _mounts.values() if mount.covers(path)), None)


def unknown_path_view(error_response: ErrorResponse):
    """The view for every path under a mount that no route of the API matches."""

    @csrf_exempt
    def unknown_path(request, *args, **kwargs):
        return error_response(request, 404)

    return unknown_path


class CollapseSlashesMiddleware:
    """Repeated slashes in a path under an API's mount are collapsed before routing."""

    def __init__(self, get_response):
        self.get_response = get_response
        get_resolver().url_patterns  # noqa: B018  (loading the URLconf registers the mounts)

    def __call__(self, request):
        if "//" in request.path_info:
            collapsed = re.sub(r"//+", "/", request.path_info)
            if mount_for(collapsed):
                request.path_info = collapsed
                request.path = request.META.get("SCRIPT_NAME", "").rstrip("/") + collapsed
        return self.get_response(request)


_DJANGO_HANDLERS = {
    400: defaults.bad_request,
    403: defaults.permission_denied,
    404: defaults.page_not_found,
    500: defaults.server_error,
}


def error_handler(status_code: int):
    """Django's handler<status_code>: the API's error under a mount, Django's page elsewhere."""
    fallback = _DJANGO_HANDLERS[status_code]

    def handler(request, exception=None):
        mount = mount_for(request.path_info)
        if mount is not None:
            return mount.error_response(request, status_code)
        return fallback(request) if status_code == 500 else fallback(request, exception)

    handler.__name__ = f"handler{status_code}"
    return handler


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an API answers its own 403 (its views are CSRF-exempt, so this is a
    safety net); everything else gets Django's page."""
    mount = mount_for(request.path_info)
    if mount is not None:
        return mount.error_response(request, 403)
    return csrf.csrf_failure(request, reason)
