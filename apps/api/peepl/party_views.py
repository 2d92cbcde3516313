"""Peepl admin API views for operations #1-#53 and the contact search: translate between the wire
format and the parties domain. A view validates with a serializer and calls a service with the
caller as actor; it never writes a model itself. Every list reads a fixed number of queries."""

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status

from apps.api.common.permissions import ModelPermissions
from apps.core import services as core_services
from apps.core.models import CustomField, CustomFieldCategory, CustomFieldValue
from apps.parties import search, services
from apps.parties.models import (
    Address,
    AddressType,
    Combination,
    CompanyPosition,
    Education,
    EmailAddress,
    Function,
    Group,
    Membership,
    Party,
    Segment,
)
from apps.parties.selectors import members_on, segment_members, with_contact_details

from . import party_serializers as s
from .conventions import DELETED, PeeplGenericView, PeeplPagination, deleted


class BadRequest(exceptions.APIException):
    """400 `{"detail": ...}` for a request that is wrong as a whole (not one field)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Bad request."
    default_code = "bad_request"


class ReadPermissions(ModelPermissions):
    """For a POST that only reads (the contact search): it needs the view permission."""

    perms_map = {**ModelPermissions.perms_map, "POST": ModelPermissions.perms_map["GET"]}


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in the install's time zone (a range on `updated` uses its index)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def parse_day(raw: str) -> datetime.date:
    """A `yyyymmdd` path segment (the route admits 8 digits only) as a date."""
    try:
        return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise BadRequest("Invalid date.") from None


def with_party_details(queryset):
    """What a contact's or organisation's detail shows, prefetched."""
    return with_contact_details(queryset).prefetch_related(
        Prefetch(
            "email_addresses",
            queryset=EmailAddress.objects.filter(is_primary=False).order_by("id"),
            to_attr="secondary_emails",
        ),
        Prefetch("educations", queryset=Education.objects.order_by("start_date", "id")),
        Prefetch("company_positions", queryset=CompanyPosition.objects.order_by("id")),
        Prefetch(
            "custom_field_values",
            queryset=CustomFieldValue.objects.select_related("field").order_by("id"),
        ),
    )


class PartyKindMixin:
    """Views under /contacts/ or /organisations/: `kind` (set by the route) selects the party
    kind; a party of the other kind is not found there."""

    kind = Party.Kind.PERSON

    def parties(self):
        return Party.objects.filter(kind=self.kind)

    def get_party(self, pk) -> Party:
        return get_object_or_404(self.parties(), pk=pk)


# --- Address types (#39-#42) ----------------------------------------------------------------


class AddressTypeList(PeeplGenericView):
    queryset = AddressType.objects.order_by("id")
    serializer_class = s.AddressTypeSerializer

    @extend_schema(responses=s.AddressTypeSerializer(many=True))
    def get(self, request):
        """#39 List of all AddressTypes."""
        return self.list_response(self.get_queryset())

    @extend_schema(responses={201: s.AddressTypeSerializer})
    def post(self, request):
        """#40 Create an AddressType."""
        data = self.validated().validated_data
        address_type = services.create_address_type(request.user, **data)
        return self.respond(address_type, status.HTTP_201_CREATED)


class AddressTypeDetail(PeeplGenericView):
    queryset = AddressType.objects.all()
    serializer_class = s.AddressTypeSerializer

    def put(self, request, pk):
        """#41 Update an AddressType (`max_amount` cannot drop below what a party already holds)."""
        address_type = self.get_object()
        data = self.validated().validated_data
        return self.respond(services.update_address_type(request.user, address_type, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#42 Delete an AddressType; not the default one, nor one in use."""
        services.delete_address_type(request.user, self.get_object())
        return deleted()


# --- Contacts (#1-#4) and organisations (#24-#25) -------------------------------------------


class ContactList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.ContactSerializer
    pagination_class = PeeplPagination
    permission_model = Party

    @extend_schema(responses=s.ContactSerializer(many=True))
    def get(self, request):
        """#1 Paginated list of all Contacts."""
        return self.list_response(with_contact_details(self.parties().order_by("id")))

    @extend_schema(responses={201: s.ContactDetailSerializer})
    def post(self, request):
        """#2 Add a new Contact (with its default correspondence address)."""
        data = self.validated().validated_data
        person = services.create_person(request.user, **data)
        detail = with_party_details(self.parties()).get(pk=person.pk)
        return self.respond(detail, status.HTTP_201_CREATED, s.ContactDetailSerializer)


class ContactDetail(PartyKindMixin, PeeplGenericView):
    serializer_class = s.ContactDetailSerializer
    permission_model = Party

    def get(self, request, pk):
        """#3 Contact details."""
        return self.respond(get_object_or_404(with_party_details(self.parties()), pk=pk))

    @extend_schema(request=s.ContactUpdateSerializer)
    def put(self, request, pk):
        """#4 Update a Contact's basic information (the empty values a contact shows are accepted)."""
        person = self.get_party(pk)
        serializer = s.ContactUpdateSerializer(data=request.data)  # nested collections: read-only
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_party(request.user, person, **data)
        return self.respond(with_party_details(self.parties()).get(pk=pk))


class OrganisationList(PartyKindMixin, PeeplGenericView):
    kind = Party.Kind.ORGANISATION
    serializer_class = s.OrganisationSerializer
    pagination_class = PeeplPagination
    permission_model = Party

    @extend_schema(responses=s.OrganisationSerializer(many=True))
    def get(self, request):
        """#24 Paginated list of all Organisations."""
        return self.list_response(with_contact_details(self.parties().order_by("id")))


class OrganisationDetail(PartyKindMixin, PeeplGenericView):
    kind = Party.Kind.ORGANISATION
    serializer_class = s.OrganisationDetailSerializer
    permission_model = Party

    def get(self, request, pk):
        """#25 Organisation details."""
        return self.respond(get_object_or_404(with_party_details(self.parties()), pk=pk))


class ContactSearch(PartyKindMixin, PeeplGenericView):
    """POST /contacts/search/ (the PHP client's search): criteria combined with AND or OR."""

    serializer_class = s.ContactSerializer
    pagination_class = PeeplPagination
    permission_classes = [ReadPermissions]
    permission_model = Party

    CONDITIONS = {
        "first_name": lambda value: search.name_contains(value, "first_name_key"),
        "last_name": lambda value: search.name_contains(value, "last_name_key"),
        "city": search.city_contains,
        "email": search.email_contains,
        "last_modified": lambda value: search.Match(Party, Q(updated__gte=day_start(value)), "id"),
    }

    @extend_schema(
        request=s.ContactSearchSerializer,
        responses=s.ContactSerializer(many=True),
        parameters=[
            OpenApiParameter("limit", int, OpenApiParameter.QUERY),
            OpenApiParameter("offset", int, OpenApiParameter.QUERY),
        ],
    )
    def post(self, request):
        """Paginated Contacts matching the criteria (`operator` AND or OR, at least one criterion)."""
        criteria = s.ContactSearchSerializer(data=request.data)
        criteria.is_valid(raise_exception=True)
        given = {k: v for k, v in criteria.validated_data.items() if k in self.CONDITIONS}
        if not given:
            raise BadRequest("At least one search criterion is required.")
        combine = search.all_of if criteria.validated_data["operator"] == "AND" else search.any_of
        condition = combine(*(self.CONDITIONS[k](v) for k, v in given.items()))
        people = self.parties().filter(condition).order_by("id")
        return self.list_response(with_contact_details(people))


# --- Addresses of a contact or organisation (#5-#8, #26-#29) ---------------------------------


class AddressList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.AddressSerializer
    permission_model = Address

    @extend_schema(responses=s.AddressSerializer(many=True))
    def get(self, request, party_id):
        """#5/#26 List of all Addresses; there is always at least 1 correspondence address."""
        party = self.get_party(party_id)
        return self.list_response(party.addresses.order_by("-is_default", "id"))

    @extend_schema(responses={201: s.AddressSerializer})
    def post(self, request, party_id):
        """#6/#27 Create a new Address. Requires a valid AddressType."""
        party = self.get_party(party_id)
        data = self.validated().validated_data
        return self.respond(services.add_address(request.user, party, **data), status.HTTP_201_CREATED)


class AddressDetail(PartyKindMixin, PeeplGenericView):
    serializer_class = s.AddressSerializer
    permission_model = Address

    def get_address(self, party_id, pk) -> Address:
        party = self.get_party(party_id)
        return get_object_or_404(Address.objects.select_related("party"), pk=pk, party=party)

    def put(self, request, party_id, pk):
        """#7/#28 Update an Address."""
        address = self.get_address(party_id, pk)
        data = self.validated().validated_data
        return self.respond(services.update_address(request.user, address, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, party_id, pk):
        """#8/#29 Delete an Address. The default address cannot be deleted."""
        services.delete_address(request.user, self.get_address(party_id, pk))
        return deleted()


# --- Secondary e-mail addresses (#9-#11, #30-#32) -------------------------------------------


class EmailAddressList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.EmailAddressSerializer
    permission_model = EmailAddress

    @extend_schema(responses={201: s.EmailAddressSerializer})
    def post(self, request, party_id):
        """#9/#30 Add a secondary EmailAddress."""
        party = self.get_party(party_id)
        data = self.validated().validated_data
        row = services.add_email_address(request.user, party, **data)
        return self.respond(row, status.HTTP_201_CREATED)


class EmailAddressDetail(PartyKindMixin, PeeplGenericView):
    """Only secondary addresses live here: the primary one is the contact's `email` (404 here)."""

    serializer_class = s.EmailAddressSerializer
    permission_model = EmailAddress

    def get_row(self, party_id, pk) -> EmailAddress:
        party = self.get_party(party_id)
        row = get_object_or_404(EmailAddress, pk=pk, party=party, is_primary=False)
        row.party = party
        return row

    def put(self, request, party_id, pk):
        """#10/#31 Update a secondary EmailAddress."""
        row = self.get_row(party_id, pk)
        data = self.validated().validated_data
        return self.respond(services.update_email_address(request.user, row, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, party_id, pk):
        """#11/#32 Delete a secondary EmailAddress."""
        services.delete_email_address(request.user, self.get_row(party_id, pk))
        return deleted()


# --- Educations (#12-#14) and company positions (#15-#17) of a contact ----------------------


class EducationList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.EducationSerializer
    permission_model = Education

    @extend_schema(responses={201: s.EducationSerializer})
    def post(self, request, party_id):
        """#12 Add an Education to a Contact."""
        person = self.get_party(party_id)
        data = self.validated().validated_data
        return self.respond(services.add_education(request.user, person, **data), status.HTTP_201_CREATED)


class EducationDetail(PartyKindMixin, PeeplGenericView):
    serializer_class = s.EducationSerializer
    permission_model = Education

    def get_row(self, party_id, pk) -> Education:
        person = self.get_party(party_id)
        row = get_object_or_404(Education, pk=pk, person=person)
        row.person = person
        return row

    def put(self, request, party_id, pk):
        """#13 Update an Education."""
        row = self.get_row(party_id, pk)
        data = self.validated().validated_data
        return self.respond(services.update_education(request.user, row, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, party_id, pk):
        """#14 Delete an Education."""
        services.delete_education(request.user, self.get_row(party_id, pk))
        return deleted()


class CompanyPositionList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.CompanyPositionSerializer
    permission_model = CompanyPosition

    @extend_schema(responses={201: s.CompanyPositionSerializer})
    def post(self, request, party_id):
        """#15 Add a CompanyPosition to a Contact."""
        person = self.get_party(party_id)
        data = self.validated().validated_data
        position = services.add_company_position(request.user, person, **data)
        return self.respond(position, status.HTTP_201_CREATED)


class CompanyPositionDetail(PartyKindMixin, PeeplGenericView):
    serializer_class = s.CompanyPositionSerializer
    permission_model = CompanyPosition

    def get_row(self, party_id, pk) -> CompanyPosition:
        person = self.get_party(party_id)
        row = get_object_or_404(CompanyPosition, pk=pk, person=person)
        row.person = person
        return row

    def put(self, request, party_id, pk):
        """#16 Update a CompanyPosition."""
        row = self.get_row(party_id, pk)
        data = self.validated().validated_data
        return self.respond(services.update_company_position(request.user, row, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, party_id, pk):
        """#17 Delete a CompanyPosition."""
        services.delete_company_position(request.user, self.get_row(party_id, pk))
        return deleted()


# --- Custom field values (#18-#19, #33-#34) -------------------------------------------------


class CustomFieldValueMixin(PartyKindMixin):
    permission_model = CustomFieldValue

    def map_errors_for(self, field: CustomField):
        """The domain names the field `field` and the value `value`; Peepl names the value by
        the field's type."""
        self.error_field_map = {"field": "custom_field", "value": s.value_key(field)}


class CustomFieldValueList(CustomFieldValueMixin, PeeplGenericView):
    serializer_class = s.CustomFieldValueSerializer

    @extend_schema(responses={201: s.CustomFieldValueSerializer})
    def post(self, request, party_id):
        """#18/#33 Create a CustomField value: one per custom field, in the `*_value` key of the
        field's type."""
        party = self.get_party(party_id)
        data = self.validated().validated_data
        self.map_errors_for(data["field"])
        row = core_services.create_custom_field_value(request.user, party, data["field"], data["value"])
        return self.respond(row, status.HTTP_201_CREATED)


class CustomFieldValueDetail(CustomFieldValueMixin, PeeplGenericView):
    serializer_class = s.CustomFieldValueUpdateSerializer

    @extend_schema(responses=s.CustomFieldValueSerializer)
    def put(self, request, party_id, pk):
        """#19/#34 Update a CustomFieldValue."""
        party = self.get_party(party_id)
        row = get_object_or_404(
            CustomFieldValue.objects.select_related("field"),
            pk=pk,
            content_type=ContentType.objects.get_for_model(Party),
            object_id=party.pk,
        )
        data = self.validated(instance=row).validated_data
        self.map_errors_for(row.field)
        row = core_services.update_custom_field_value(request.user, row, data["value"])
        return self.respond(row, serializer_class=s.CustomFieldValueSerializer)


# --- Positions, custom field catalogue and segments (#20-#23, #35-#38) ----------------------


class PositionList(PartyKindMixin, PeeplGenericView):
    """A party's dated combination memberships, past ones included (spec Q1)."""

    serializer_class = s.PositionSerializer
    permission_model = Membership

    @extend_schema(responses=s.PositionSerializer(many=True))
    def get(self, request, party_id):
        """#20/#35 List of the positions (dated group/function memberships), past ones included."""
        party = self.get_party(party_id)
        positions = Membership.objects.filter(party=party).select_related(
            "combination__group", "combination__function"
        )
        return self.list_response(positions.order_by("start_date", "id"))


class CustomFieldCategoryList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.CustomFieldCategorySerializer
    permission_model = CustomFieldCategory

    @extend_schema(responses=s.CustomFieldCategorySerializer(many=True))
    def get(self, request):
        """#21/#36 List of all CustomFieldCategory objects of Contacts / Organisations."""
        targets = Party(kind=self.kind).custom_field_targets()
        return self.list_response(CustomFieldCategory.objects.filter(applies_to__in=targets))


class CustomFieldList(PartyKindMixin, PeeplGenericView):
    serializer_class = s.CustomFieldSerializer
    permission_model = CustomField

    @extend_schema(responses=s.CustomFieldSerializer(many=True))
    def get(self, request):
        """#22/#37 List of all CustomField objects of Contacts / Organisations."""
        targets = Party(kind=self.kind).custom_field_targets()
        return self.list_response(CustomField.objects.filter(applies_to__in=targets))


class SegmentMemberList(PartyKindMixin, PeeplGenericView):
    """The parties a segment selects; a segment of the other kind is not found here."""

    pagination_class = PeeplPagination
    permission_model = Party

    def get_serializer_class(self):
        return s.LIST_SERIALIZERS[self.kind]

    def get(self, request, pk):
        """#23/#38 Paginated list of all Contacts / Organisations in this Segment."""
        segment = get_object_or_404(Segment, pk=pk, applies_to=self.kind)
        return self.list_response(with_contact_details(segment_members(segment)))


@extend_schema_view(get=extend_schema(responses=s.ContactSerializer(many=True)))
class ContactSegmentMemberList(SegmentMemberList):
    kind = Party.Kind.PERSON


@extend_schema_view(get=extend_schema(responses=s.OrganisationSerializer(many=True)))
class OrganisationSegmentMemberList(SegmentMemberList):
    kind = Party.Kind.ORGANISATION


# --- Groups, functions, combinations and their members (#43-#53) ----------------------------


class GroupTree(PeeplGenericView):
    """All groups as a tree: the roots, each with its `subgroups`, read in one query."""

    queryset = Group.objects.order_by("id")
    serializer_class = s.GroupSerializer

    @extend_schema(responses=s.GroupSerializer(many=True))
    def get(self, request):
        """#43 Recursive list of all Groups and their subgroups."""
        groups = list(self.get_queryset())
        children = defaultdict(list)
        for group in groups:
            children[group.parent_id].append(group)
        for group in groups:
            group.subgroup_list = children[group.pk]
        return self.list_response(children[None])


class FunctionList(PeeplGenericView):
    queryset = Function.objects.order_by("id")
    serializer_class = s.FunctionSerializer

    @extend_schema(responses=s.FunctionSerializer(many=True))
    def get(self, request):
        """#46 List of all Functions."""
        return self.list_response(self.get_queryset())


class CombinationList(PeeplGenericView):
    """All combinations, or (with `owner` set by the route) those of one group or function."""

    queryset = Combination.objects.select_related("group", "function").order_by("id")
    serializer_class = s.CombinationSerializer
    owner = None  # Group or Function

    @extend_schema(responses=s.CombinationSerializer(many=True))
    def get(self, request, pk=None):
        """#49 List of all Combinations; #50/#51 those of a Group / Function."""
        combinations = self.get_queryset()
        if self.owner is not None:
            owner = get_object_or_404(self.owner, pk=pk)
            combinations = combinations.filter(**{self.owner._meta.model_name: owner})
        return self.list_response(combinations)


class MemberList(PeeplGenericView):
    """The parties of `kind` holding, today or on the day in the path, a position of the group,
    function or combination (`owner`, set by the route)."""

    pagination_class = PeeplPagination
    permission_model = Party
    owner = Group  # Group, Function or Combination
    kind = Party.Kind.PERSON

    def get_serializer_class(self):
        return s.LIST_SERIALIZERS[self.kind]

    def get(self, request, pk, day=None):
        """#44-#45, #47-#48, #52-#53 Paginated list of the Contacts / Organisations that currently
        (or on the `yyyymmdd` day) hold a position of this Group / Function / Combination."""
        owner = get_object_or_404(self.owner, pk=pk)
        on = parse_day(day) if day is not None else None
        members = members_on(self.kind, on, **{self.owner._meta.model_name: owner})
        return self.list_response(with_contact_details(members))


@extend_schema_view(get=extend_schema(responses=s.ContactSerializer(many=True)))
class ContactMemberList(MemberList):
    kind = Party.Kind.PERSON


@extend_schema_view(get=extend_schema(responses=s.OrganisationSerializer(many=True)))
class OrganisationMemberList(MemberList):
    kind = Party.Kind.ORGANISATION
