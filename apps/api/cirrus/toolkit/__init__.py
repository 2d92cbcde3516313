"""The Cirrus 2 API's conventions, built once and reused by every operation:

- auth.py: `X-Token: <key>` or `Authorization: Bearer <key>` against our API keys.
- masks.py: the `X-Fields` mask (Flask-RESTPlus syntax), with the list envelope rule.
- pagination.py: `{page, pages, per_page, total, items}`, per_page at most 50.
- filters.py: `%` wildcards, active 0/1/2, comma-separated ids, sorting enums, fulltext,
  dynamic field pairs and nearto/distance, as django-filter filters.
- geo.py: great-circle distances in SQL and in Python.
- fields.py: strict request fields and the base request serializer (§1.6 write rules).
- presenters.py: response fields (nullable strings, 0/1 flags, UTC date-times).
- errors.py: `{"message"}` and `{"message", "errors"}` bodies for every exception.
- views.py: CirrusView, the base of every view, tying the above together.
"""
