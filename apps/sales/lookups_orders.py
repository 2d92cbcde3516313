"""The order and quote lookups an install ships with: order types, order statuses (a workflow by
`step`), delivery terms and types, quote statuses (one of each metatype). Payment terms are
apps.accounts' (its migration 0002 ships them). Installed by a data migration; `install` can run
again: a table that has rows is left alone."""

import uuid

# name, default
ORDER_TYPES = [("Standard", True), ("Service", False), ("Subscription", False)]
# name, step, default
ORDER_STATUSES = [
    ("Registered", 1, True),
    ("Confirmed", 2, False),
    ("Delivered", 3, False),
    ("Invoiced", 4, False),
]
# name, external key, default
DELIVERY_TERMS = [
    ("Ex works", "EXW", True),
    ("Free carrier", "FCA", False),
    ("Delivered at place", "DAP", False),
]
DELIVERY_TYPES = [("Courier", True), ("Post", False), ("Pick-up", False)]
# name, metatype, default
QUOTE_STATUSES = [
    ("Open", "active", True),
    ("Expired", "expired", False),
    ("Declined", "denied", False),
    ("Accepted", "order", False),
]


def _fill(model, rows):
    if model.objects.exists():
        return
    model.objects.bulk_create([model(uuid=uuid.uuid4(), **row) for row in rows])


def install(apps):
    """`apps`: a migration's historical apps or django.apps.apps."""

    def model(name):
        return apps.get_model("sales", name)

    _fill(
        model("OrderType"),
        [{"name": n, "is_default": d, "sort_order": i} for i, (n, d) in enumerate(ORDER_TYPES)],
    )
    _fill(model("OrderStatus"), [{"name": n, "step": s, "is_default": d} for n, s, d in ORDER_STATUSES])
    _fill(
        model("DeliveryTerm"), [{"name": n, "external_key": k, "is_default": d} for n, k, d in DELIVERY_TERMS]
    )
    _fill(model("DeliveryType"), [{"name": n, "is_default": d} for n, d in DELIVERY_TYPES])
    _fill(
        model("QuoteStatus"),
        [
            {"name": n, "metatype": m, "is_default": d, "sort_order": i}
            for i, (n, m, d) in enumerate(QUOTE_STATUSES)
        ],
    )
