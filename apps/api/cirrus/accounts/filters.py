"""The filters and sort orders of the account lists (O2 accounts, O3 account coordinates, O5
account groups). Conditions on child rows (addresses, phones, e-mails, activities) are EXISTS
subqueries, so a list is one query whatever it filters on."""

import django_filters
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Mod, NullIf

from apps.core.models import AppliesTo
from apps.parties import matchkeys, search
from apps.parties.addresses import CIRRUS_MAIN
from apps.parties.models import AccountGroup, Address, Party, Phone
from apps.sales.models import Activity

from .. import fragments as f
from ..toolkit import geo
from ..toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    DistanceFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    PointFilter,
    SortingFilter,
    WildcardFilter,
)


class LeadingInteger(Func):
    """The whole number a text starts with (`12B` -> 12); null when it starts with no digit."""

    output_field = IntegerField()
    template = "NULLIF(CAST(SUBSTR(%(expressions)s, 1, 9) AS INTEGER), 0)"  # SQLite: leading digits

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(NULLIF(SUBSTRING(%(expressions)s FROM '^[0-9]{1,9}'), '') AS integer)",
            **extra,
        )


def addresses_of(code: str):
    """The outer party's account address of one kind (postal: its main address)."""
    rows = Address.objects.filter(party=OuterRef("pk"))
    return rows.filter(is_default=True) if code == CIRRUS_MAIN else rows.filter(address_type__code=code)


def address_kind(code: str) -> dict:
    """The condition on an address of one of an account's kinds (postal: its main address)."""
    return {"is_default": True} if code == CIRRUS_MAIN else {"address_type__code": code}


def address_like(code: str, column: str):
    """A `%` filter on an address column of one kind, on its match key (`city_key`, `street_key`)."""

    def condition(queryset, name, value):
        return queryset.filter(search.like(Address, f"{column}_key", value, **address_kind(code)).q())

    return condition


def party_like(column: str):
    """A `%` filter on a party's name key (`name_key`, `first_name_key`, `last_name_key`)."""

    def condition(queryset, name, value):
        return queryset.filter(search.like(Party, column, value, party_column="id").q())

    return condition


def phone_like(kind: str):
    """A phone of a kind, whatever way it is written (search.phone_like)."""

    def condition(queryset, name, value):
        return queryset.filter(search.phone_like(value, kind=kind).q())

    return condition


def email_like(queryset, name, value):
    return queryset.filter(search.email_like(value, is_primary=True).q())


# --- Fulltext: the doc's columns --------------------------------------------------------------

# The address kinds O2's fulltext searches (postal: street, zip, city; the others also their
# care-of or addressee name, which their search document holds).
FULLTEXT_ADDRESS_KINDS = ["visiting", "delivery", "invoice"]


def account_fulltext(term):
    """name, alt_name, number, vatno (the party's search document), phone, cellphone, the
    primary e-mail and the account addresses: one UNION of per-table index searches."""
    addresses = Q(is_default=True) | Q(address_type__code__in=FULLTEXT_ADDRESS_KINDS)
    matches = [
        search.document_contains(term),
        search.email_contains(term, is_primary=True),
        search.Match(Address, search.address_contains(term).condition & addresses),
    ]
    if matchkeys.looks_like_phone(term):
        matches.append(search.phone_contains(term, kind__in=[Phone.Kind.LANDLINE, Phone.Kind.MOBILE]))
    return search.any_of(*matches)


# --- Sorting ----------------------------------------------------------------------------------


def postal_address_order(parity: str | None):
    """By postal street, then the numeric street number; `odd`/`even` put those numbers first."""

    def order(queryset, descending):
        postal = addresses_of("postal").order_by("id")
        queryset = queryset.annotate(
            postal_street=NullIf(Subquery(postal.values("street")[:1]), Value("")),  # empty: last
            postal_number=LeadingInteger(Subquery(postal.values("number")[:1])),
        )

        def way(expression):
            return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

        columns = []
        if parity == "odd":
            columns.append(Mod(F("postal_number"), 2).desc(nulls_last=True))
        elif parity == "even":
            columns.append(Mod(F("postal_number"), 2).asc(nulls_last=True))
        columns += [way(F("postal_street")), way(F("postal_number"))]
        return queryset.order_by(*columns, "id")

    return order


ACCOUNT_SORTING = {
    "name": ["name"],
    "number": ["account_number"],
    "userid": ["responsible_user_id"],
}


# --- The filter sets --------------------------------------------------------------------------


class AccountCoordinateFilter(CirrusFilterSet):
    """O3's filters (also O2's, which adds more)."""

    userid = IntFilter(field_name="responsible_user_id", help_text="The responsible user.")
    userids = CsvIdsFilter(field_name="responsible_user_id", help_text="Comma-separated user ids.")
    accountnumber = WildcardFilter(field_name="account_number", help_text="The account number (% wildcard).")
    typeid = IntFilter(field_name="account_type_id")
    typeids = CsvIdsFilter(field_name="account_type_id", help_text="Comma-separated account type ids.")
    active = ActiveFilter(default=1, help_text="0 inactive, 1 active (default), 2 both.")
    name = WildcardFilter(method=party_like("name_key"), help_text="% as a wildcard.")
    nearto = PointFilter(help_text="latitude,longitude: accounts with an address near it.")
    distance = DistanceFilter(help_text="Kilometres from nearto.")
    postal_city = WildcardFilter(method=address_like("postal", "city"))
    visitingaddress_city = WildcardFilter(method=address_like("visiting", "city"))
    deliveryaddress_city = WildcardFilter(method=address_like("delivery", "city"))
    invoiceaddress_city = WildcardFilter(method=address_like("invoice", "city"))
    phone = WildcardFilter(method=phone_like(Phone.Kind.LANDLINE))
    cellphone = WildcardFilter(method=phone_like(Phone.Kind.MOBILE))
    vatno = WildcardFilter(method="vat_like")
    externalkey = django_filters.CharFilter(field_name="external_key", help_text="Exact.")
    followedby = IntFilter(method="followed_by", help_text="Accounts this user follows.")
    fulltext = FulltextFilter(condition=account_fulltext)
    sorting = SortingFilter(keys=ACCOUNT_SORTING, default="name_asc")

    class Meta:
        model = Party
        fields = []

    def followed_by(self, queryset, name, value):
        follows = Party.followers.through.objects.filter(party=OuterRef("pk"), user_id=value)
        return queryset.filter(Exists(follows))

    def vat_like(self, queryset, name, value):
        match = search.like(Party, "vat_key", value, party_column="id", key=matchkeys.id_key)
        return queryset.filter(match.q())

    def near(self, queryset, point, km):
        """Accounts with an account address within `km` of the point (no threshold: all)."""
        if km is None:
            return queryset
        rows = (
            Address.objects.filter(f.account_addresses_condition(), party=OuterRef("pk"))
            .filter(geo.bounding_box(point, km))
            .annotate(km=geo.distance_expression(point))
            .filter(km__lte=km)
        )
        return queryset.filter(Exists(rows))


class AccountFilter(AccountCoordinateFilter):
    """O2."""

    dynamic_field_targets = {AppliesTo.ORGANISATION, AppliesTo.PARTY}

    postal_street = WildcardFilter(method=address_like("postal", "street"))
    missionid = IntFilter(method="connected_to_mission", help_text="Missions are not served yet: no account.")
    missionresult = FlagFilter(method="ignore", help_text="With missionid: the connection's result.")
    activity = FlagFilter(method="with_activity", help_text="1: accounts with an activity (see activity_*).")
    activity_user = IntFilter(method="ignore", help_text="With activity=1: the activity's owner.")
    activity_closed = FlagFilter(method="ignore", help_text="With activity=1: a closed (1) or open (0) one.")
    activity_type = IntFilter(method="ignore", help_text="With activity=1: its activity type.")
    sorting = SortingFilter(
        keys={
            **ACCOUNT_SORTING,
            "postaladdress_number": postal_address_order(None),
            "postaladdress_odd": postal_address_order("odd"),
            "postaladdress_even": postal_address_order("even"),
        },
        default="name_asc",
    )

    def ignore(self, queryset, name, value):
        return queryset  # read by another filter

    def connected_to_mission(self, queryset, name, value):
        # Missions (spec part 2) are not part of this install: no account is connected to one.
        return queryset.none()

    def with_activity(self, queryset, name, value):
        if not value:
            return queryset
        data = self.form.cleaned_data
        activities = Activity.objects.filter(account=OuterRef("pk"))
        if data.get("activity_user") is not None:
            activities = activities.filter(owner_id=data["activity_user"])
        if data.get("activity_closed") is not None:
            pending = Q(state=Activity.State.PENDING)
            activities = activities.filter(~pending if data["activity_closed"] else pending)
        if data.get("activity_type") is not None:
            activities = activities.filter(activity_type_id=data["activity_type"])
        return queryset.filter(Exists(activities))


class AccountGroupFilter(CirrusFilterSet):
    accountid = IntFilter(method="of_account", help_text="Only the groups this account is in.")
    fulltext = FulltextFilter(columns=["name"])
    sorting = SortingFilter(keys={"name": ["name"]}, default="name_asc")

    class Meta:
        model = AccountGroup
        fields = []

    def of_account(self, queryset, name, value):
        links = Party.account_groups.through.objects.filter(accountgroup=OuterRef("pk"), party_id=value)
        return queryset.filter(Exists(links))
