"""Contacts (spec part 1 §3.4, O52-O57). Views validate with the request serializers, call
apps.parties.services_accounts with the caller as actor, and answer with the Contact shape; the
list reads a fixed number of queries whatever the page size and mask."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status

from apps.content.models import File
from apps.parties import services_accounts
from apps.parties.models import Address, Party

from .. import fragments as f
from ..toolkit.views import CirrusView
from . import serializers as s
from .filters import ContactFilter


def contacts():
    """Persons with everything a Contact shows, prefetched (a fixed number of queries)."""
    queryset = Party.objects.filter(kind=Party.Kind.PERSON)
    if s.parties_have_photos():
        queryset = queryset.select_related("profile_photo")
    return queryset.prefetch_related(
        *f.contact_details_prefetches(),
        f.primary_positions_prefetch(with_reports_to=True),
        *f.listed_account_prefetches("primary_positions__organisation__"),
        *f.listed_contact_prefetches("primary_positions__reports_to__"),
        Prefetch("addresses", queryset=Address.objects.filter(is_default=True), to_attr="default_addresses"),
        Prefetch("files", queryset=File.objects.only("id", "name").order_by("id")),
        Prefetch("followers", queryset=f.users_queryset()),
        "tags",
    )


class ContactMixin:
    permission_model = Party
    serializer_class = s.ContactSerializer
    error_field_map = s.CONTACT_ERRORS

    def respond_contact(self, pk, status_code=200):
        return self.respond(contacts().get(pk=pk), status_code)


class ContactList(ContactMixin, CirrusView):
    filterset_class = ContactFilter

    def get_queryset(self):
        return contacts()

    @extend_schema(summary="Returns a paginated list of contacts (O53)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new contact (O52)", request=s.ContactIn, responses={201: s.ContactSerializer}
    )
    def post(self, request):
        data = self.body(s.ContactIn)
        person = services_accounts.create_contact(request.user, **s.contact_changes(data))
        return self.respond_contact(person.pk, status.HTTP_201_CREATED)


class ContactDetail(ContactMixin, CirrusView):
    @extend_schema(summary="Returns a contact (O57)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(contacts(), id, "Contact"))

    @extend_schema(summary="Updates a contact (O56): the fields sent change", request=s.ContactUpdateIn)
    def put(self, request, id):
        person = self.get_object_or_404(Party.objects.filter(kind=Party.Kind.PERSON), id, "Contact")
        data = self.body(s.ContactUpdateIn, partial=True)
        services_accounts.update_contact(request.user, person, **s.contact_changes(data))
        return self.respond_contact(person.pk)
