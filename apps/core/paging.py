"""Pages and totals of long lists, shared by every API's pagination.

`page_rows(queryset, start, stop)` is `list(queryset[start:stop])`, but a deep page is a deferred
join: the page's ids come from the filtered, sorted queryset reduced to its primary key (an
index-only scan on an index that matches the sort, e.g. `(kind, first_name, id)`), and only those
rows are read, with the queryset's joins and prefetches — one SQL statement, as before:

    SELECT ... FROM parties_party WHERE kind = 'person' AND id IN (
        SELECT id FROM parties_party WHERE kind = 'person' ORDER BY first_name, id
        LIMIT 10 OFFSET 500000) ORDER BY first_name, id

`exact_count(queryset)` is `queryset.count()`, but an unfiltered list of a counted model (see
`apps.core.counters`) is summed from counters kept by the database in the writing transaction.
"""

from django.db import connections

from apps.core import counters

# Below this offset a plain LIMIT/OFFSET reads as few rows as the deferred join.
DEFERRED_JOIN_FROM = 200


def page_rows(queryset, start: int, stop: int, total: int | None = None) -> list:
    """`queryset[start:stop]`. Given `total` (the queryset's exact count), a page in the second
    half is found from the end, in the reversed order: no page skips more than half the rows."""
    if total is not None:
        stop = min(stop, total)
    if stop <= start:
        return []
    query = queryset.query
    if start < DEFERRED_JOIN_FROM or query.combinator or query.distinct or query.is_sliced:
        return list(queryset[start:stop])
    if total is not None and start > total - stop and queryset.ordered and query.order_by:
        ids = queryset.reverse().values("pk")[total - stop : total - start]
    else:
        ids = queryset.values("pk")[start:stop]
    return list(queryset.filter(pk__in=ids))


def exact_count(queryset) -> int:
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        key = counters.key_for(queryset)
        if key is not None:
            return counters.total(key, using=queryset.db)
    return queryset.count()
