"""Accounts (A1-A5) and contact/organisation analytics (N1, N2).
Views validate with the serializers, find records through `refs` and call the domain services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts import services
from apps.accounts.models import Account
from apps.insights import analytics
from apps.parties.models import Party

from . import refs
from . import serializers as s
from .conventions import CrmcomView, bad_request, created_id
from .params import Listing, boolean, enum_list, listing_parameters

ACCOUNT_TAG = ["Accounts"]
ERRORS = {400: s.V2Error, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error}
ACCOUNT_FIELD_MAP = {
    "currency": "currency_code",
    "classification": "classification_id",
    "billing_address": "billing_address_id",
    "payment_terms": "payment_terms_id",
    "account": "account_id",
}
ACCOUNT_SORTS = {"CREATED_DATE": "created", "UPDATED_DATE": "updated", "NAME": "name", "SCHEDULED_DATE": None}


def account_queryset():
    return Account.objects.select_related("classification", "payment_terms", "billing_address")


class AccountMixin:
    permission_model = Account
    error_field_map = ACCOUNT_FIELD_MAP

    def references(self, data) -> dict:
        """Body ids -> records (404 for an unknown one); a null id clears."""
        found = {}
        for key, field, resolve in (
            ("classification_id", "classification", refs.classification),
            ("billing_address_id", "billing_address", refs.address),
            ("payment_terms_id", "payment_terms", refs.payment_terms),
        ):
            if key in data:
                found[field] = resolve(data[key]) if data[key] is not None else None
        return found


class AccountDetail(AccountMixin, CrmcomView):
    @extend_schema(tags=ACCOUNT_TAG, summary="Get an account", responses={200: s.V2Account, **ERRORS})
    def get(self, request, account_id):
        return Response(s.V2Account(refs.account(account_id, account_queryset())).data)

    @extend_schema(
        tags=ACCOUNT_TAG,
        summary="Update an account",
        description="Only the attributes given change (at least one). `is_primary: true` makes it the "
        "contact's primary account; `false` changes nothing. `null` clears an attribute.",
        request=s.V2AccountUpdateInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def put(self, request, account_id):
        account = refs.account(account_id)
        data = self.validated(s.V2AccountUpdateInput)
        fields = self.references(data)
        if (
            fields.get("billing_address") is not None
            and fields["billing_address"].party_id != account.party_id
        ):
            raise bad_request(
                "billing_address_id: the address belongs to another contact.", "billing_address_id"
            )
        if "credit_limit" in data:
            fields["credit_limit"] = data["credit_limit"]
        services.update_account(request.user, account, is_primary=data.get("is_primary"), **fields)
        return created_id(account)


class ContactAccounts(AccountMixin, CrmcomView):
    @extend_schema(
        tags=ACCOUNT_TAG,
        summary="List a contact's accounts",
        parameters=[
            *listing_parameters(ACCOUNT_SORTS),
            OpenApiParameter("is_primary", bool, description="true: only the primary account."),
            OpenApiParameter("state", str, description="Comma-separated: ACTIVE, SUSPENDED, TERMINATED."),
        ],
        responses={200: s.V2AccountList, **ERRORS},
    )
    def get(self, request, contact_id):
        party = refs.contact(contact_id)
        params = request.query_params
        listing = Listing(params, ACCOUNT_SORTS)
        queryset = Account.objects.filter(party=party).select_related("classification")
        if boolean(params, "is_primary"):
            queryset = queryset.filter(is_primary=True)
        states = enum_list(params, "state", s.ACCOUNT_STATES)
        if states is not None:
            queryset = queryset.filter(state__in=[s.ACCOUNT_STATE_MAP[v] for v in states])
        rows, paging = listing.page_of(queryset)
        return Response({"content": s.V2AccountListItem(rows, many=True).data, "paging": paging})

    @extend_schema(
        tags=ACCOUNT_TAG,
        summary="Add an account for a contact",
        description="One account per currency; the contact's first account is its primary one. "
        "The name defaults to `<number> <contact name>`, the classification to the default one.",
        request=s.V2AccountCreateInput,
        responses={201: s.V2Id, **ERRORS},
    )
    def post(self, request, contact_id):
        party = refs.contact(contact_id)
        data = self.validated(s.V2AccountCreateInput)
        fields = self.references(data)
        address = fields.get("billing_address")
        if address is not None and address.party_id != party.pk:
            raise bad_request(
                "billing_address_id: the address belongs to another contact.", "billing_address_id"
            )
        account = services.create_account(
            request.user,
            party,
            currency=data["currency_code"],
            is_primary=data.get("is_primary"),
            name=data.get("name"),
            classification=fields.get("classification"),
            billing_address=address,
        )
        return created_id(account, status.HTTP_201_CREATED)


class AccountActions(AccountMixin, CrmcomView):
    @extend_schema(
        tags=ACCOUNT_TAG,
        summary="Change an account's state (activate, suspend, terminate)",
        description="ACTIVE and SUSPENDED switch both ways; TERMINATED is final. On termination the "
        "balance moves to `account_id` (same currency, not terminated) or, without it, is lost. "
        "Asking for the current state changes nothing.",
        request=s.V2AccountActionInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request, account_id):
        account = refs.account(account_id)
        data = self.validated(s.V2AccountActionInput)
        state = s.ACCOUNT_STATE_MAP[data["state"]]
        target = None
        if state == Account.State.TERMINATED and data.get("account_id") is not None:
            target = refs.account(data["account_id"])
        services.change_state(request.user, account, state, transfer_to=target)
        return created_id(account)


# --- Analytics -------------------------------------------------------------------------------------

ANALYTICS_PERMISSIONS = ("accounts.view_account", "sales.view_activity")


class ContactAnalytics(CrmcomView):
    permission_model = Party
    extra_permissions = ANALYTICS_PERMISSIONS

    @extend_schema(
        tags=["Analytics"],
        summary="A contact's analytics",
        description="Its accounts by state, balances per currency and activities by state.",
        responses={200: s.V2ContactAnalytics, **ERRORS},
    )
    def get(self, request, contact_id):
        party = refs.contact(contact_id)
        data = {"contact_id": str(party.uuid), **analytics.contact_analytics(party)}
        return Response(s.V2ContactAnalytics(data).data)


class OrganisationAnalytics(CrmcomView):
    permission_model = Party
    extra_permissions = ANALYTICS_PERMISSIONS

    @extend_schema(
        tags=["Analytics"],
        summary="An organisation's analytics",
        description="The figures of the organisation and the persons it employs, and how many those are.",
        responses={200: s.V2OrganisationAnalytics, **ERRORS},
    )
    def get(self, request, organisation_id):
        party = refs.organisation(organisation_id)
        data = {"organisation_id": str(party.uuid), **analytics.organisation_analytics(party)}
        return Response(s.V2OrganisationAnalytics(data).data)
