"""The back office's sidebar: the screens staff use daily first, grouped the way they think
(people and organisations, sales, money, content, insights), then every reference table and
lookup under Settings. Each item shows only to users who may view its model."""

from django.urls import reverse, reverse_lazy

# (title, material-symbols icon, "app_label.model_name")
DAILY = [
    (
        "People & organisations",
        [
            ("Persons", "person", "parties.person"),
            ("Organisations", "corporate_fare", "parties.organisation"),
            ("Groups", "account_tree", "parties.group"),
            ("Memberships", "group_add", "parties.membership"),
            ("Segments", "filter_alt", "parties.segment"),
            ("Merge records", "merge", "core.mergerecord"),
        ],
    ),
    (
        "Sales",
        [
            ("Activities", "event", "sales.activity"),
            ("Leads", "person_search", "sales.lead"),
            ("Opportunities", "trending_up", "sales.opportunity"),
            ("Quotes", "request_quote", "sales.quote"),
            ("Orders", "shopping_cart", "sales.order"),
            ("Service requests", "support_agent", "sales.servicerequest"),
            ("Challenges", "emoji_events", "sales.challenge"),
            ("Articles", "inventory", "catalogue.article"),
            ("Price lists", "price_change", "catalogue.pricelist"),
            ("Products", "inventory_2", "sales.product"),
        ],
    ),
    (
        "Money",
        [
            ("Financial accounts", "account_balance_wallet", "accounts.account"),
            ("Ledger entries", "receipt_long", "accounts.ledgerentry"),
            ("Monthly budgets", "savings", "parties.monthlybudget"),
            ("User budgets", "payments", "core.userbudget"),
        ],
    ),
    (
        "Content",
        [
            ("News posts", "newspaper", "content.newspost"),
            ("Folders", "folder", "content.folder"),
            ("Files", "description", "content.file"),
            ("Picture albums", "photo_library", "content.picturealbum"),
            ("Pictures", "image", "content.picture"),
        ],
    ),
    (
        "Insights",
        [
            ("Insights", "insights", "insights.insight"),
            ("Insight exports", "download", "insights.insightexport"),
            ("List exports", "table_view", "insights.listexport"),
            ("Background jobs", "pending_actions", "core.job"),
            ("Change log", "history", "core.objectchange"),
        ],
    ),
]

SETTINGS = [
    ("Users", "badge", "auth.user"),
    ("Permission groups", "admin_panel_settings", "auth.group"),
    ("Roles", "manage_accounts", "core.role"),
    ("Departments", "apartment", "core.department"),
    ("API keys", "key", "core.apikey"),
    ("Tenant settings", "tune", "core.tenantsettings"),
    ("Add-ons", "extension", "core.addon"),
    ("KPIs", "speed", "core.kpidefinition"),
    ("Sort groups", "sort", "core.sortgroup"),
    ("Tags", "sell", "core.tag"),
    ("Custom field categories", "category", "core.customfieldcategory"),
    ("Custom fields", "dynamic_form", "core.customfield"),
    ("Functions", "work", "parties.function"),
    ("Group/function combinations", "join", "parties.combination"),
    ("Address types", "home_pin", "parties.addresstype"),
    ("Countries", "public", "parties.country"),
    ("Party categories", "label", "parties.partycategory"),
    ("Privacy levels", "lock", "parties.privacylevel"),
    ("Industries", "factory", "parties.industry"),
    ("Industry sectors", "domain", "parties.industrysector"),
    ("Business groups", "hub", "parties.businessgroup"),
    ("Business units", "lan", "parties.businessunit"),
    ("Account types", "account_balance", "parties.accounttype"),
    ("Account groups", "folder_shared", "parties.accountgroup"),
    ("Classifications", "style", "accounts.classification"),
    ("Payment terms", "schedule", "accounts.paymentterm"),
    ("Activity types", "event_note", "sales.activitytype"),
    ("Activity priorities", "priority_high", "sales.activitypriority"),
    ("Lead statuses", "flag", "sales.leadstatus"),
    ("Lead activity types", "checklist", "sales.leadactivitytype"),
    ("Progression states", "stairs", "sales.progressionstate"),
    ("Opportunity types", "category", "sales.opportunitytype"),
    ("Opportunity statuses", "flag_circle", "sales.opportunitystatus"),
    ("Opportunity states", "toggle_on", "sales.opportunitystate"),
    ("Opportunity estimates", "percent", "sales.opportunityestimate"),
    ("Opportunity reasons", "help", "sales.opportunityreason"),
    ("Sources", "source", "sales.source"),
    ("Challenge types", "military_tech", "sales.challengetype"),
    ("Order types", "category", "sales.ordertype"),
    ("Order statuses", "flag", "sales.orderstatus"),
    ("Quote statuses", "flag", "sales.quotestatus"),
    ("Delivery terms", "local_shipping", "sales.deliveryterm"),
    ("Delivery types", "local_shipping", "sales.deliverytype"),
    ("Price groups", "sell", "catalogue.pricegroup"),
    ("Article groups", "folder", "catalogue.articlegroup"),
    ("Article units", "straighten", "catalogue.articleunit"),
    ("Brands", "verified", "catalogue.brand"),
    ("Budget groups", "savings", "catalogue.budgetgroup"),
    ("Discount groups", "percent", "catalogue.discountgroup"),
    ("Materials", "texture", "catalogue.material"),
    ("Service levels", "support", "catalogue.servicelevel"),
    ("Volume groups", "stacks", "catalogue.volumegroup"),
    ("Warehouses", "warehouse", "catalogue.warehouse"),
    ("Warehouse statuses", "toggle_on", "catalogue.warehousestatus"),
]


def _can_view(model: str):
    app_label, model_name = model.split(".")

    def check(request) -> bool:
        user = request.user
        return user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(
            f"{app_label}.change_{model_name}"
        )

    return check


def _item(title: str, icon: str, model: str) -> dict:
    app_label, model_name = model.split(".")
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app_label}_{model_name}_changelist"),
        "permission": _can_view(model),
    }


def navigation(request) -> list[dict]:
    groups = [
        {
            "title": None,
            "separator": False,
            "items": [{"title": "Dashboard", "icon": "dashboard", "link": reverse("admin:index")}],
        }
    ]
    for title, items in DAILY:
        groups.append({"title": title, "separator": True, "items": [_item(*item) for item in items]})
    groups.append(
        {
            "title": "Settings",
            "separator": True,
            "collapsible": True,
            "items": [_item(*item) for item in SETTINGS],
        }
    )
    return groups


def navigated_models() -> set[str]:
    """Every "app_label.model_name" the sidebar links to (a test checks none is forgotten)."""
    return {model for _, items in DAILY for *_, model in items} | {model for *_, model in SETTINGS}
