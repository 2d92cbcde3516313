"""The account types an install ships with (the first is the default). The data migration
installs them; `install` can run again (demo data, tests after a flush).

The four address types of an account (visiting, delivery, invoice, postal) are ordinary address
types: services_accounts creates one the first time an account address of that kind is written,
unless staff (or another API) made it first."""

# name, default tab, customer, prospect
ACCOUNT_TYPES = [
    ("Customer", "overview", True, False),
    ("Prospect", "overview", False, True),
    ("Partner", "overview", False, False),
    ("Supplier", "overview", False, False),
]


def install(apps):
    """Create the shipped account types unless some exist (idempotent). `apps`: a migration's
    historical apps or django.apps.apps."""
    AccountType = apps.get_model("parties", "AccountType")
    if AccountType.objects.exists():
        return
    for order, (name, tab, customer, prospect) in enumerate(ACCOUNT_TYPES, start=1):
        AccountType.objects.create(
            name=name,
            default_tab=tab,
            sort_order=order,
            is_default=order == 1,
            is_customer=customer,
            is_prospect=prospect,
        )
