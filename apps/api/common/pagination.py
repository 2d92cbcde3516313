"""Pagination shared by the APIs: deep pages by a deferred join and unfiltered totals from the
row counters (apps.core.paging), whatever the API's envelope."""

from rest_framework.pagination import LimitOffsetPagination

from apps.core.paging import exact_count, page_rows


class FastLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset pagination (same parameters, same envelope) over `exact_count` and
    `page_rows`: one cheap COUNT and one SELECT of the page's rows at any offset."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        self.count = exact_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        return page_rows(queryset, self.offset, self.offset + self.limit, self.count)
