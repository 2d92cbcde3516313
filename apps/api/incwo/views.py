"""incwo contacts: list, show, create, update and delete persons as `<contact>` XML."""

from xml.etree import ElementTree as ET  # noqa: S405 - generation only

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.paging import page_rows
from apps.parties import services, services_profile
from apps.parties.models import Party

from . import docs
from .contacts import ContactReader, ContactWriter, contact_queryset
from .conventions import IncwoView, Unprocessable

TAG = ["contacts"]
XML = "application/xml"
ERRORS = OpenApiResponse(docs.IncwoErrors, description="`<errors><error>…</error></errors>`")


def domain_errors(exc) -> Unprocessable:
    """A domain rule violation as incwo's 422 messages."""
    if hasattr(exc, "error_dict"):
        return Unprocessable(
            f"{name.split('.')[-1].replace('_', ' ').capitalize()} {message[0].lower()}{message[1:]}"
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    return Unprocessable(exc.messages)


MAX_OFFSET = 2**63 - 1


def page_number(raw) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) >= 1 else 1


class ContactList(IncwoView):
    permission_model = Party

    @extend_schema(
        tags=TAG,
        summary="List contacts, page by page",
        parameters=[OpenApiParameter("page", int, description="1-based page number (default 1).")],
        responses={
            (200, XML): OpenApiResponse(docs.IncwoContacts, examples=[docs.LIST_EXAMPLE]),
            401: ERRORS,
        },
    )
    def get(self, request, business_file_id):
        size = settings.INCWO_PAGE_SIZE
        page = page_number(request.query_params.get("page"))
        # A page whose offset a database cannot hold (a bigint) is past the end: empty, as the spec
        # answers every page past the end, without asking the database.
        fits = page * size <= MAX_OFFSET
        parties = page_rows(contact_queryset(), (page - 1) * size, page * size) if fits else []
        writer = ContactWriter(parties)
        root = ET.Element("contacts")
        for party in parties:
            writer.contact(party, root)
        return Response(root)

    @extend_schema(
        tags=TAG,
        summary="Create a contact",
        request={XML: docs.IncwoContact},
        examples=[docs.CONTACT_EXAMPLE],
        responses={(201, XML): docs.IncwoContact, 400: ERRORS, 401: ERRORS, 422: ERRORS},
    )
    def post(self, request, business_file_id):
        given = ContactReader(request.data).read()
        try:
            person = services_profile.create_party_profile(
                request.user, Party.Kind.PERSON, fields=given.fields, job=given.job, items=given.items
            )
        except ValidationError as exc:
            raise domain_errors(exc) from None
        location = request.build_absolute_uri(f"/incwo/{business_file_id}/contacts/{person.pk}.xml")
        return Response(render(person), status=status.HTTP_201_CREATED, headers={"Location": location})


def render(party) -> ET.Element:
    party = contact_queryset().get(pk=party.pk)
    return ContactWriter([party]).contact(party)


class ContactDetail(IncwoView):
    permission_model = Party

    def get_person(self, pk) -> Party:
        if not pk.isdigit():
            raise Http404("Contact not found")
        party = Party.objects.filter(pk=int(pk), kind=Party.Kind.PERSON).first()
        if party is None:
            raise Http404("Contact not found")
        return party

    @extend_schema(tags=TAG, summary="Get a contact", responses={(200, XML): docs.IncwoContact, 404: ERRORS})
    def get(self, request, business_file_id, pk):
        return Response(render(self.get_person(pk)))

    @extend_schema(
        tags=TAG,
        summary="Update some fields of a contact",
        description="Only the elements sent change; an empty element clears the value. A "
        "`<contact_addresses>` or `<contact_items>` element replaces that whole collection.",
        request={XML: docs.IncwoContact},
        examples=[
            OpenApiExample("Change the job title", value="<contact><job_title>CEO</job_title></contact>")
        ],
        responses={(200, XML): docs.IncwoContact, 400: ERRORS, 404: ERRORS, 422: ERRORS},
    )
    def put(self, request, business_file_id, pk):
        person = self.get_person(pk)
        given = ContactReader(request.data, party=person).read()
        try:
            services_profile.update_party_profile(
                request.user, person, fields=given.fields, job=given.job, items=given.items
            )
        except ValidationError as exc:
            raise domain_errors(exc) from None
        return Response(render(person))

    @extend_schema(
        tags=TAG,
        summary="Delete a contact",
        responses={(200, XML): OpenApiResponse(description="Empty body."), 404: ERRORS},
    )
    def delete(self, request, business_file_id, pk):
        services.delete_party(request.user, self.get_person(pk))
        return Response(None, status=status.HTTP_200_OK)
