"""The filters and sort orders of the contact list (O53). A contact's account is the organisation
of its primary company position; conditions on it and on child rows are EXISTS subqueries."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q, Subquery

from apps.core.models import AppliesTo
from apps.parties.models import Address, CompanyPosition, EmailAddress, Party, Phone

from ..accounts.filters import email_like, phone_like
from ..toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
    wildcard,
)


def positions():
    """The outer person's primary position."""
    return CompanyPosition.objects.filter(person=OuterRef("pk"), is_primary=True)


def is_primary_contact():
    """The outer person is its account's primary contact."""
    return Exists(positions().filter(organisation__primary_contact=OuterRef("pk")))


def default_address():
    return Address.objects.filter(party=OuterRef("pk"), is_default=True)


def _in_job(term):
    return Q(Exists(positions().filter(title__icontains=term)))


def _in_address(term):
    found = Q(street__icontains=term) | Q(city__icontains=term) | Q(postal_code__icontains=term)
    return Q(Exists(default_address().filter(found)))


def _in_email(term):
    return Q(
        Exists(EmailAddress.objects.filter(party=OuterRef("pk"), is_primary=True, email__icontains=term))
    )


def _in_phones(term):
    phones = Phone.objects.filter(party=OuterRef("pk"), kind__in=[Phone.Kind.LANDLINE, Phone.Kind.MOBILE])
    return Q(Exists(phones.filter(number__icontains=term)))


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
    fulltext = FulltextFilter(
        columns=["first_name", "last_name", _in_email, _in_phones, _in_job, "id_number", _in_address]
    )
    name = WildcardFilter(field_name="first_name")
    officephone = WildcardFilter(method=phone_like(Phone.Kind.LANDLINE))
    surname = WildcardFilter(field_name="last_name")
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
        return queryset.filter(Exists(default_address().filter(wildcard("city", value))))

    def title_like(self, queryset, name, value):
        return queryset.filter(Exists(positions().filter(wildcard("title", value))))

    def followed_by(self, queryset, name, value):
        return queryset.filter(
            Exists(Party.followers.through.objects.filter(party=OuterRef("pk"), user_id=value))
        )

    def primary_contact(self, queryset, name, value):
        return queryset.filter(is_primary_contact() if value else ~is_primary_contact())
