"""Hostile input, refused once at the edge for every API.

PostgreSQL refuses NUL characters in text (and a lone UTF-16 surrogate cannot be encoded to UTF-8
at all), so a `\\u0000` or `\\ud800` that reached a query was a 500. And Python's JSON decoder
recurses once per nesting level, so a body nested 100,000 deep was a RecursionError. Here:

- `forbidden_text()` / `check_text()`: the one test for NUL and lone surrogates;
- `check_tree()`: walks parsed JSON (no recursion) refusing forbidden text and too deep nesting;
- `loads()`: JSON text -> value, its depth bounded *before* decoding (settings.API_MAX_JSON_DEPTH);
- `EdgeMiddleware`: the path, query string and headers of every request, and a chunked body
  without Content-Length (411), answered in the API's own format under a mount; and marks every
  API answer `Cache-Control: no-store`.

Bodies are checked by the shared parsers (apps.api.common.parsers, the incwo XML parser), after
authentication, so nothing is read before the caller is known.
"""

import json
import re

from django.conf import settings
from django.http import HttpResponse
from rest_framework import exceptions

from . import mounts

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# A JSON string literal (escapes included), and the brackets that nest.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")

FORBIDDEN_MESSAGE = "NUL characters and lone surrogates are not allowed."


class HostileInput(exceptions.ParseError):
    default_detail = FORBIDDEN_MESSAGE


def forbidden_text(value) -> bool:
    """True when `value` (a str) holds a NUL or a lone surrogate."""
    return isinstance(value, str) and _FORBIDDEN.search(value) is not None


def check_text(value, what: str = "value") -> None:
    if forbidden_text(value):
        raise HostileInput(f"{what}: {FORBIDDEN_MESSAGE}")


def max_depth() -> int:
    return settings.API_MAX_JSON_DEPTH


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not
    count), without decoding it. Cheap when the text has few brackets."""
    if data.count(b"[") + data.count(b"{") <= max_depth():
        return 0  # cannot be deeper than that
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_tree(value, limit: int | None = None) -> None:
    """Refuse forbidden text anywhere in parsed data (keys included) and nesting deeper than
    `limit` (default settings.API_MAX_JSON_DEPTH). Iterative: any depth is safe to walk."""
    limit = max_depth() if limit is None else limit
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict | list):
            if depth > limit:
                raise exceptions.ParseError(f"JSON nested deeper than {limit} levels.")
            if isinstance(item, dict):
                for key, child in item.items():
                    check_text(key, "key")
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def loads(data: bytes | str):
    """Decode a JSON document whose nesting is bounded and whose text holds no forbidden
    character; every failure is a ParseError (a 400)."""
    raw = data.encode() if isinstance(data, str) else data
    if json_depth(raw) > max_depth():
        raise exceptions.ParseError(f"JSON nested deeper than {max_depth()} levels.")
    try:
        text = raw.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:  # pragma: no cover - json_depth() bounds the nesting first
        raise exceptions.ParseError("JSON nested too deep.") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise exceptions.ParseError(f"JSON parse error - {exc}") from None
    check_tree(value)
    return value


def _query_and_path_problem(request) -> str | None:
    if forbidden_text(request.path_info):
        return "path"
    for key, values in request.GET.lists():
        if forbidden_text(key) or any(forbidden_text(v) for v in values):
            return "query string"
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and forbidden_text(value):
            return "header"
    return None


def _error(request, status_code: int, message: str) -> HttpResponse:
    mount = mounts.mount_for(request.path_info)
    if mount is not None:
        return mount.error_response(request, status_code)
    return HttpResponse(message, status=status_code, content_type="text/plain; charset=utf-8")


class EdgeMiddleware:
    """Before anything reads a request: a NUL or lone surrogate in its path, query string or
        headers is a 400; a chunked body without Content-Length is a 411 (WSGI cannot tell where such
        a body ends, and Django would read it as empty). Under an API's mount in its format; and every
    API answer carries `Cache-Control: no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and not meta.get("CONTENT_LENGTH"):
            return _error(request, 411, "A request body needs a Content-Length.")
        if problem := _query_and_path_problem(request):
            return _error(request, 400, f"{problem}: {FORBIDDEN_MESSAGE}")
        response = self.get_response(request)
        if "Cache-Control" not in response and mounts.mount_for(request.path_info) is not None:
            # An API answer is for its caller only (credentials, personal data): no cache keeps it.
            response["Cache-Control"] = "no-store"
        return response
