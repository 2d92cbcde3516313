"""Cirrus's company-wide resources: settings (§2.12, one object), add-ons (§2.13, read-only, kept
in the admin) and sort groups (§2.17, core.SortGroup: headings that order the rows of orders and
quotes). Writes go through apps.core.services_staff."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status

from apps.core import services_staff as staff
from apps.core.models import Addon, AddonParameter, SortGroup, TenantSettings

from ..toolkit.views import CirrusView
from .filters import AddonFilter, SortGroupFilter
from .serializers import (
    AddonSerializer,
    SettingsBody,
    SettingsSerializer,
    SortGroupBody,
    SortGroupSerializer,
    sort_group_fields,
)

# --- Settings ------------------------------------------------------------------------------------


class SettingsView(CirrusView):
    """P2-082 GET /settings, P2-081 PUT /settings (objects merged key by key, lists replaced)."""

    permission_model = TenantSettings
    serializer_class = SettingsSerializer

    @extend_schema(summary="Returns the settings (P2-082)")
    def get(self, request):
        return self.respond(TenantSettings.load())

    @extend_schema(summary="Updates the settings (P2-081)", request=SettingsBody)
    def put(self, request):
        data = self.body(SettingsBody, partial=True)
        changes = dict(data)
        if "currency" in changes:
            changes["currency"] = changes["currency"] or None
        return self.respond(staff.update_settings(request.user, changes))


# --- Add-ons -------------------------------------------------------------------------------------


class AddonViewBase(CirrusView):
    permission_model = Addon
    serializer_class = AddonSerializer
    filterset_class = AddonFilter

    def get_queryset(self):
        return Addon.objects.prefetch_related(
            Prefetch("parameters", queryset=AddonParameter.objects.order_by("id"))
        )


class AddonListView(AddonViewBase):
    """P2-083 GET /addons."""

    @extend_schema(summary="Returns a paginated list of addons (P2-083)")
    def get(self, request):
        return self.list_response()


class AddonDetailView(AddonViewBase):
    """P2-084 GET /addons/{id}."""

    @extend_schema(summary="Returns an addon with its parameters (P2-084)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(self.get_queryset(), id, "Addon"))


# --- Sort groups ---------------------------------------------------------------------------------


class SortGroupViewBase(CirrusView):
    permission_model = SortGroup
    serializer_class = SortGroupSerializer
    filterset_class = SortGroupFilter
    error_field_map = {"external_key": "externalkey"}

    def get_queryset(self):
        return SortGroup.objects.all()


class SortGroupListView(SortGroupViewBase):
    """P2-102 POST /sortgroups, P2-103 GET /sortgroups."""

    @extend_schema(summary="Returns a paginated list of sort groups (P2-103)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new sort group (P2-102)",
        request=SortGroupBody,
        responses={201: SortGroupSerializer},
    )
    def post(self, request):
        data = self.body(SortGroupBody)
        group = staff.create_sort_group(request.user, **sort_group_fields(data))
        return self.respond(group, status.HTTP_201_CREATED)


class SortGroupDetailView(SortGroupViewBase):
    """P2-104 PUT /sortgroups/{id}, P2-105 GET /sortgroups/{id}."""

    @extend_schema(summary="Returns a sort group (P2-105)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(self.get_queryset(), id, "Sort group"))

    @extend_schema(summary="Updates a sort group (P2-104)", request=SortGroupBody)
    def put(self, request, id):
        group = self.get_object_or_404(self.get_queryset(), id, "Sort group")
        data = self.body(SortGroupBody, partial=True)
        if data.get("sort", 0) is None:
            data.pop("sort")
        return self.respond(staff.update_sort_group(request.user, group, **sort_group_fields(data)))
