"""The filters and sort orders of the contact list (O53). A contact's account is the organisation
of its primary company position; conditions on it and on child rows are EXISTS subqueries."""

import django_filters
from django.db.models import Exists, F, OuterRef, Subquery

from apps.core.models import AppliesTo
from apps.parties import matchkeys, search
from apps.parties.models import Address, CompanyPosition, EmailAddress, Party, Phone

from ..accounts.filters import email_like, party_like, phone_like
from ..toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)


def positions():
    """The outer person's primary position."""
    return CompanyPosition.objects.filter(person=OuterRef("pk"), is_primary=True)


def is_primary_contact():
    """The outer person is its account's primary contact."""
    return Exists(positions().filter(organisation__primary_contact=OuterRef("pk")))


def default_address():
    return Address.objects.filter(party=OuterRef("pk"), is_default=True)


def fulltext(term):
    """O53's fulltext columns (name, surname, email, officephone, cellphone, title, idnumber,
    street, city, zip) on the match keys: one UNION of per-table index searches."""
    matches = [
        search.document_contains(term),  # first and last name, id number
        search.email_contains(term, is_primary=True),
        search.title_contains(term, is_primary=True),
        search.address_contains(term, is_default=True),
    ]
    if matchkeys.looks_like_phone(term):
        matches.append(search.phone_contains(term, kind__in=[Phone.Kind.LANDLINE, Phone.Kind.MOBILE]))
    return search.any_of(*matches)


def email_order(queryset, descending):
    primary = EmailAddress.objects.filter(party=OuterRef("pk"), is_primary=True).values("email")[:1]
    queryset = queryset.annotate(primary_email_address=Subquery(primary))
    column = F("primary_email_address")
    return queryset.order_by(
        column.desc(nulls_last=True) if descending else column.asc(nulls_last=True), "id"
    )


def primary_contact_order(queryset, descending):
    queryset = queryset.annotate(is_primary_contact=is_primary_contact())
    return queryset.order_by("-is_primary_contact" if descending else "is_primary_contact", "id")


class ContactFilter(CirrusFilterSet):
    dynamic_field_targets = {AppliesTo.PERSON, AppliesTo.PARTY}

    accountid = IntFilter(method="at_account", help_text="The contact's account (an Account id).")
    accounttypeids = CsvIdsFilter(method="account_types", help_text="Comma-separated account type ids.")
    accountuserids = CsvIdsFilter(
        method="account_users", help_text="Comma-separated ids of the accounts' users."
    )
    active = ActiveFilter(help_text="0 inactive, 1 active, 2 both; no default.")
    cellphone = WildcardFilter(method=phone_like(Phone.Kind.MOBILE))
    city = WildcardFilter(method="city_like")
    email = WildcardFilter(method=email_like)
    externalkey = django_filters.CharFilter(field_name="external_key", help_text="Exact.")
    followedby = IntFilter(method="followed_by", help_text="Contacts this user follows.")
    fulltext = FulltextFilter(condition=fulltext)
    name = WildcardFilter(method=party_like("first_name_key"))
    officephone = WildcardFilter(method=phone_like(Phone.Kind.LANDLINE))
    surname = WildcardFilter(method=party_like("last_name_key"))
    title = WildcardFilter(method="title_like")
    primarycontact = FlagFilter(method="primary_contact")
    sorting = SortingFilter(
        keys={
            "name": ["first_name"],
            "surname": ["last_name"],
            "email": email_order,
            "primarycontact": primary_contact_order,
        },
        default="name_asc",
    )

    class Meta:
        model = Party
        fields = []

    def at_account(self, queryset, name, value):
        return queryset.filter(Exists(positions().filter(organisation_id=value)))

    def account_types(self, queryset, name, value):
        return queryset.filter(Exists(positions().filter(organisation__account_type_id__in=value)))

    def account_users(self, queryset, name, value):
        return queryset.filter(Exists(positions().filter(organisation__responsible_user_id__in=value)))

    def city_like(self, queryset, name, value):
        return queryset.filter(search.like(Address, "city_key", value, is_default=True).q())

    def title_like(self, queryset, name, value):
        match = search.like(CompanyPosition, "title_key", value, party_column="person_id", is_primary=True)
        return queryset.filter(match.q())

    def followed_by(self, queryset, name, value):
        return queryset.filter(
            Exists(Party.followers.through.objects.filter(party=OuterRef("pk"), user_id=value))
        )

    def primary_contact(self, queryset, name, value):
        return queryset.filter(is_primary_contact() if value else ~is_primary_contact())
