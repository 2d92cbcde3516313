"""The catalogue's reference data an install ships with (no API operation writes it): brands,
budget groups, discount groups, materials, service levels, volume groups, warehouses and warehouse
statuses, a few units and article groups, and the price groups of the unit "pcs". The data
migration installs them; `install` can run again (demo data, tests after a flush): a table that
has rows is left alone."""

import uuid

REFERENCE = {
    "Brand": ["Own brand", "Acme", "Nordic Tools"],
    "BudgetGroup": ["Hardware", "Software", "Services"],
    "DiscountGroup": ["Standard", "Reseller", "Campaign"],
    "Material": ["Steel", "Wood", "Plastic"],
    "ServiceLevel": ["Basic", "Standard", "Premium"],
    "VolumeGroup": ["Small", "Medium", "Large"],
    "Warehouse": ["Main warehouse", "Store"],
    "WarehouseStatus": ["In stock", "Ordered", "Out of stock"],
}
UNITS = [("pcs", "PCS"), ("h", "H"), ("m", "M"), ("kg", "KG")]
GROUPS = ["Products", "Services", "Spare parts"]
# name, min, max (unit "pcs")
PRICE_GROUPS = [("1-9 pcs", 1, 9), ("10-99 pcs", 10, 99), ("100+ pcs", 100, 999999)]


def _fill(model, rows):
    if model.objects.exists():
        return
    model.objects.bulk_create([model(uuid=uuid.uuid4(), **row) for row in rows])


def install(apps):
    """`apps`: a migration's historical apps or django.apps.apps."""

    def model(name):
        return apps.get_model("catalogue", name)

    for name, values in REFERENCE.items():
        _fill(model(name), [{"name": value, "sort_order": order} for order, value in enumerate(values)])
    _fill(model("ArticleUnit"), [{"name": name, "external_key": key} for name, key in UNITS])
    _fill(model("ArticleGroup"), [{"name": name, "sort_order": order} for order, name in enumerate(GROUPS)])
    unit = model("ArticleUnit").objects.filter(name="pcs").first()
    if unit is not None:
        _fill(
            model("PriceGroup"),
            [{"name": n, "unit": unit, "min_quantity": lo, "max_quantity": hi} for n, lo, hi in PRICE_GROUPS],
        )
