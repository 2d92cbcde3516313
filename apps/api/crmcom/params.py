"""Query parameters of Back-Office v2 lists: page/size/sort/order, booleans, comma-separated
enumerations and epoch ranges (`created_on[gte]`...). A bad value is a 400 naming the parameter."""

import datetime

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from apps.core.paging import exact_count, page_rows

from .conventions import bad_request

DEFAULT_SIZE = 10
MAX_SIZE = 100
EPOCH_MIN, EPOCH_MAX = -62135596800, 253402300799  # 0001-01-01 .. 9999-12-31 (UTC)
RANGE_OPERATORS = ("gt", "gte", "lt", "lte")
ORDERS = {"ASC": "", "DESC": "-"}


def positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise bad_request(f"{name}: a positive integer is required.", name)
    if maximum is not None and int(text) > maximum:
        raise bad_request(f"{name}: at most {maximum}.", name)
    return int(text)


def boolean(params, name: str, default: bool = False) -> bool:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise bad_request(f"{name}: true or false.", name)


def enum_list(params, name: str, allowed) -> list[str] | None:
    """`A,B`: upper-case values, each one of `allowed`; None when absent."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    values = [v.strip().upper() for v in str(raw).split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise bad_request(
            f'{name}: "{unknown[0] if unknown else raw}" is not one of {", ".join(allowed)}.', name
        )
    return values


def id_list(params, name: str) -> list[str] | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    return [v.strip() for v in str(raw).split(",") if v.strip()]


def epoch_value(raw, name: str) -> datetime.datetime:
    text = str(raw).strip()
    body = text[1:] if text[:1] == "-" else text
    if not body.isdigit() or len(body) > 12 or not EPOCH_MIN <= int(text) <= EPOCH_MAX:
        raise bad_request(f"{name}: epoch seconds (an integer) are required.", name)
    return datetime.datetime.fromtimestamp(int(text), tz=datetime.UTC)


def epoch_range(params, name: str, path: str) -> Q:
    """`name[gt]`, `name[gte]`, `name[lt]`, `name[lte]` -> a condition on `path`, comparing whole
    seconds as the API shows them (`lte X` includes the whole second X, `gt X` starts after it)."""
    condition = Q()
    for operator in RANGE_OPERATORS:
        key = f"{name}[{operator}]"
        raw = params.get(key)
        if raw in (None, ""):
            continue
        moment = epoch_value(raw, key)
        if operator in ("gt", "lte"):
            moment += datetime.timedelta(seconds=1)
        condition &= Q(**{f"{path}__{'gte' if operator in ('gt', 'gte') else 'lt'}": moment})
    return condition


class Listing:
    """page (1-based), size, sort and order of a list; `sorts` maps the spec's sort names to
    fields (None: fall back to the creation date)."""

    def __init__(self, params, sorts: dict[str, str | None]):
        self.page = positive_int(params, "page", 1)
        self.size = positive_int(params, "size", DEFAULT_SIZE, MAX_SIZE)
        sort = str(params.get("sort") or "CREATED_DATE").strip().upper()
        if sort not in sorts:
            raise bad_request(f"sort: one of {', '.join(sorts)}.", "sort")
        order = str(params.get("order") or "DESC").strip().upper()
        if order not in ORDERS:
            raise bad_request("order: ASC or DESC.", "order")
        field = sorts[sort] or "created"
        self.ordering = [f"{ORDERS[order]}{field}", f"{ORDERS[order]}id"]

    def page_of(self, queryset) -> tuple[list, dict]:
        """(the page's rows, the paging object)."""
        total = exact_count(queryset)
        start = (self.page - 1) * self.size
        rows = page_rows(queryset.order_by(*self.ordering), start, start + self.size, total)
        paging = {"page": self.page, "size": self.size, "total": total, "has_more": start + self.size < total}
        return rows, paging


SORTS = {"CREATED_DATE": "created", "UPDATED_DATE": "updated", "NAME": "name", "SCHEDULED_DATE": None}


def listing_parameters(sorts=SORTS) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("sort", str, enum=list(sorts), description="Default CREATED_DATE."),
        OpenApiParameter("order", str, enum=list(ORDERS), description="Default DESC."),
        OpenApiParameter("page", int, description="1-based page number (default 1)."),
        OpenApiParameter(
            "size", int, description=f"Records per page (default {DEFAULT_SIZE}, at most {MAX_SIZE})."
        ),
    ]


def epoch_parameters(name: str, what: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(f"{name}[{op}]", OpenApiTypes.INT, description=f"{what} {label} (epoch seconds).")
        for op, label in (("gt", "after"), ("gte", "at or after"), ("lt", "before"), ("lte", "at or before"))
    ]
