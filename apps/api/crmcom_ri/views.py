"""CRM.COM R-series methods: the login methods and contact_information show/list/create/update.
Views read parameters, call the parties domain's services and render the ContactInformation view."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import get_authorization_header

from apps.core import login_limits
from apps.core.api_keys import authenticate_api_key, issue_api_key, revoke_api_key
from apps.core.paging import page_rows
from apps.parties import search, services_profile
from apps.parties.models import BusinessUnit, Party

from . import codes, docs
from .conventions import (
    INVALID_CREDENTIALS,
    INVALID_IDENTIFIER,
    INVALID_PARAMETER_VALUE,
    TOO_MANY_REQUESTS,
    CrmError,
    CrmResponse,
    CrmView,
    PublicCrmView,
)
from .inputs import CONTACT_IDENTIFIER, ContactInput, contact_identifier
from .params import Params, parse_uuid
from .present import ContactPresenter, contact_queryset, parse_fields_set, select_fields

TAG = ["contact_information"]
AUTH_TAG = ["authentication"]


# Every token the login methods issue is named so (and expires): release ends only those.
LOGIN_TOKEN_NAME = "CRM.COM R session"


def is_login_token(key) -> bool:
    return key.expires is not None and key.name.startswith(LOGIN_TOKEN_NAME)


def issue_token(user, name: str) -> str:
    expires = timezone.now() + timedelta(seconds=settings.CRMCOM_TOKEN_LIFETIME)
    _, raw = issue_api_key(user, name, expires=expires)
    return raw


def check_unit(user, unit_id):
    """The optional login `unit` must be a unit the user works in (any user may use the default
    unit when they belong to none)."""
    if unit_id in (None, ""):
        return
    units = BusinessUnit.objects.filter(users=user)
    if not units.exists():
        units = BusinessUnit.objects.filter(is_default=True)
    wanted = parse_uuid(str(unit_id))
    if wanted is None or not units.filter(uuid=wanted).exists():
        raise CrmError(INVALID_CREDENTIALS, "Invalid unit for this user", "unit")


class Login(PublicCrmView):
    @extend_schema(
        tags=AUTH_TAG,
        summary="Log in and get a token",
        request=docs.CrmLoginRequest,
        responses={
            200: docs.envelope_of(docs.CrmTokenData),
            401: docs.ErrorEnvelope,
            400: docs.ErrorEnvelope,
        },
    )
    def post(self, request):
        p = Params(self.params())
        username = p.string("username", required=True)
        password = p.string("password", required=True)
        organisation = p.string("organisation", required=True)
        if organisation.strip().upper() != settings.CRMCOM_ORGANISATION.upper():
            raise CrmError(INVALID_CREDENTIALS, "Invalid credentials", "organisation")
        user = authenticate(request, username=username, password=password)
        if user is None and (wait := login_limits.locked_out_for(request)):
            raise CrmError(TOO_MANY_REQUESTS, "Too many failed log-ins", f"Try again in {wait} seconds")
        if user is None or not user.is_active:
            raise CrmError(INVALID_CREDENTIALS, "Invalid credentials")
        check_unit(user, p.raw("unit", None))
        return CrmResponse({"token": issue_token(user, LOGIN_TOKEN_NAME)})


class WebApiKeyLogin(PublicCrmView):
    @extend_schema(
        tags=AUTH_TAG,
        summary="Get a token for a Web API key",
        description="Send the API key as the HTTP Basic user name with an empty password.",
        request=docs.CrmUnitRequest,
        responses={200: docs.envelope_of(docs.CrmTokenData), 401: docs.ErrorEnvelope},
    )
    def post(self, request):
        import base64
        import binascii

        header = get_authorization_header(request).split()
        key = None
        if len(header) == 2 and header[0].lower() == b"basic":
            try:
                username = base64.b64decode(header[1]).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                username = ""
            key = authenticate_api_key(username)
        if key is None:
            raise CrmError(INVALID_CREDENTIALS, "Invalid Web API key")
        check_unit(key.user, Params(self.params()).raw("unit", None))
        return CrmResponse({"token": issue_token(key.user, f"{LOGIN_TOKEN_NAME} (key {key.prefix})")})


class Release(CrmView):
    @extend_schema(
        tags=AUTH_TAG,
        summary="Release a token",
        request=docs.CrmTokenRequest,
        responses={200: docs.NullEnvelope, 400: docs.ErrorEnvelope, 401: docs.ErrorEnvelope},
    )
    def post(self, request):
        # An API key (long-lived, shared by all five APIs) is not this method's to end: only the
        # tokens the login methods issued are released.
        if not is_login_token(request.auth):
            raise CrmError(
                INVALID_PARAMETER_VALUE,
                "Only a token from authentication/token can be released",
                "token is an API key: revoke it in the back office",
            )
        revoke_api_key(request.auth)
        return CrmResponse(None)


def render_one(party, fields_set, *, creating=False):
    party = contact_queryset().get(pk=party.pk)
    return select_fields(ContactPresenter([party]).render(party, creating=creating), fields_set)


class Show(CrmView):
    required_permission = "parties.view_party"

    @extend_schema(
        tags=TAG,
        summary="Show one contact information",
        parameters=docs.SHOW_PARAMETERS,
        responses={
            200: docs.envelope_of(docs.ContactInformation),
            400: docs.ErrorEnvelope,
            401: docs.ErrorEnvelope,
            404: docs.ErrorEnvelope,
        },
    )
    def get(self, request):
        p = Params(self.params())
        party = contact_identifier(p)
        return CrmResponse(render_one(party, parse_fields_set(p.raw("fields_set", None))))


LIST_FILTERS = ("id_number", "passport_number", "social_security_number", "vat_registration_number")
LIST_KEYS = {"id_number": "id_number_key", "vat_registration_number": "vat_key"}


class List(CrmView):
    required_permission = "parties.view_party"

    @extend_schema(
        tags=TAG,
        summary="List contact information by id numbers, e-mail or phone",
        parameters=docs.LIST_PARAMETERS,
        responses={200: docs.envelope_of(docs.ContactInformation, many=True), 400: docs.ErrorEnvelope},
    )
    def get(self, request):
        p = Params(self.params())
        matches = []
        for key in LIST_FILTERS:
            value = p.string(key, max_length=50)
            if isinstance(value, str) and value:
                if key in LIST_KEYS:  # the same number however it is punctuated
                    matches.append(search.id_is(LIST_KEYS[key], value))
                else:
                    matches.append(search.Match(Party, Q(**{CONTACT_IDENTIFIER[key]: value}), "id"))
        email = p.string("email_address", max_length=254)
        if isinstance(email, str) and email:
            matches.append(search.email_is(email))  # any case
        phone = p.string("phone_number", max_length=60)
        if isinstance(phone, str) and phone:
            matches.append(search.phone_is(phone))  # any written form, `00` + area code + number too
        conditions = search.all_of(*matches)
        if not matches:
            raise CrmError(INVALID_IDENTIFIER, "At least one search parameter is required")
        limit = p.integer("number_of_results", minimum=1)
        offset = p.integer("offset", minimum=0)
        queryset = contact_queryset().filter(conditions).order_by("created", "id")
        start = offset if isinstance(offset, int) else 0
        if isinstance(limit, int):
            parties = page_rows(queryset, start, start + limit)
        else:
            parties = list(queryset[start:])
        presenter = ContactPresenter(parties)
        fields_set = parse_fields_set(p.raw("fields_set", None))
        return CrmResponse([select_fields(presenter.render(party), fields_set) for party in parties])


class Create(CrmView):
    required_permission = "parties.add_party"

    @extend_schema(
        tags=TAG,
        summary="Create a contact information",
        request=docs.CreateRequest,
        responses={
            200: docs.envelope_of(docs.ContactInformation),
            400: docs.ErrorEnvelope,
            404: docs.ErrorEnvelope,
        },
    )
    def post(self, request):
        p = Params(self.params())
        kind = p.enum("type", codes.TYPES, required=True)
        given = ContactInput(p, kind).read()
        party = services_profile.create_party_profile(
            request.user, kind, fields=given.fields, custom_values=given.custom_values, items=given.items
        )
        fields_set = parse_fields_set(p.raw("fields_set", None))
        return CrmResponse(render_one(party, fields_set, creating=True))


class Update(CrmView):
    required_permission = "parties.change_party"

    @extend_schema(
        tags=TAG,
        summary="Update a contact information",
        request=docs.UpdateRequest,
        responses={
            200: docs.envelope_of(docs.ContactInformation),
            400: docs.ErrorEnvelope,
            404: docs.ErrorEnvelope,
        },
    )
    def post(self, request):
        p = Params(self.params())
        party = contact_identifier(p)
        given = ContactInput(p, party.kind, party=party).read()
        services_profile.update_party_profile(
            request.user, party, fields=given.fields, custom_values=given.custom_values, items=given.items
        )
        return CrmResponse(render_one(party, parse_fields_set(p.raw("fields_set", None))))
