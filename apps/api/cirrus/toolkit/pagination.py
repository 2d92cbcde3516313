"""Cirrus's paginated lists: `page` (from 1) and `per_page` (default 10, at most 50) in, one
`{page, pages, per_page, total, items}` object out. Out-of-range values are 400s, never clamped; a
page past the end is an empty `items`. A list costs one COUNT and one SELECT (plus the fixed
prefetches of its serializer), whatever the page size."""

import math

from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from apps.core.paging import exact_count, page_rows

from .errors import invalid

INT_MAX = 2**31 - 1


def _int_param(raw, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid({name: f"invalid literal for int() with base 10: '{raw}'"}) from None


class CirrusPagination(BasePagination):
    default_per_page = 10
    max_per_page = 50
    # The doc's reqparse help text; `{error_msg}` is filled with the reason.
    per_page_help = "Results per page {error_msg}, max pagesize is 50"

    def paginate_queryset(self, queryset, request, view=None):
        page = _int_param(request.query_params.get("page"), "page", 1)
        per_page = _int_param(request.query_params.get("per_page"), "per_page", self.default_per_page)
        if not 1 <= page <= INT_MAX:
            raise invalid({"page": f"Page number must be at least 1, not {page}"})
        if not 1 <= per_page <= self.max_per_page:
            reason = (
                f"Invalid argument: {per_page}. argument must be within the range 1 - {self.max_per_page}"
            )
            raise invalid({"per_page": self.per_page_help.format(error_msg=reason)})
        self.page, self.per_page = page, per_page
        self.total = exact_count(queryset)
        start = (page - 1) * per_page
        return page_rows(queryset, start, start + per_page, self.total) if start < self.total else []

    def envelope(self, items) -> dict:
        return {
            "page": self.page,
            "pages": math.ceil(self.total / self.per_page),
            "per_page": self.per_page,
            "total": self.total,
            "items": items,
        }

    def get_paginated_response(self, data):
        response = Response(self.envelope(data))
        response.cirrus_envelope = True  # the X-Fields mask treats it as a list envelope
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["page", "pages", "per_page", "total", "items"],
            "properties": {
                "page": {"type": "integer", "example": 1},
                "pages": {"type": "integer", "example": 3},
                "per_page": {"type": "integer", "example": 10},
                "total": {"type": "integer", "example": 27},
                "items": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number (from 1).",
                "schema": {"type": "integer", "default": 1, "minimum": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": f"Results per page, at most {self.max_per_page} (400 above).",
                "schema": {
                    "type": "integer",
                    "default": self.default_per_page,
                    "minimum": 1,
                    "maximum": self.max_per_page,
                },
            },
        ]


class MapPagination(CirrusPagination):
    """The coordinate lists (map views): the doc states no cap there, so up to 1000 a page."""

    max_per_page = 1000
    per_page_help = "Results per page {error_msg}"
