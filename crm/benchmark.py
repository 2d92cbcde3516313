"""Only for `benchmarks/load.py` (mounted when the BENCHMARK_VIEWS setting is on, never by
default): a bare Django view answering a JSON page of the size of an API's list page, the stack's
ceiling on the same server; and a middleware telling each response's SQL queries and time."""

import time

from django.db import connections
from django.http import JsonResponse

BARE_PAGE = [
    {
        "id": 1000 + i,
        "first_name": "Anna",
        "last_name": "Peeters",
        "email": f"anna.{i}@example.com",
        "phone": "+32 493 51 13 38",
        "address": {"street": "Kerkstraat", "number": "12", "postal_code": "9000", "city": "Gent"},
        "created": "2026-12-07T21:00:00Z",
        "updated": "2026-12-07T21:00:00Z",
    }
    for i in range(10)
]


def bare_page(request):
    return JsonResponse({"count": 900000, "next": None, "previous": None, "results": BARE_PAGE})


class SqlStatsMiddleware:
    """`X-SQL-Queries` and `X-SQL-Time` (ms) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"queries": 0, "seconds": 0.0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["queries"] += 1
                stats["seconds"] += time.perf_counter() - started

        with connections["default"].execute_wrapper(timed):
            response = self.get_response(request)
        response["X-SQL-Queries"] = str(stats["queries"])
        response["X-SQL-Time"] = f"{stats['seconds'] * 1000:.2f}"
        return response
