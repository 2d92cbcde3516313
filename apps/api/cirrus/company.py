"""Cirrus's company-wide resources: settings (§2.12, one object), add-ons (§2.13, read-only, kept
in the admin) and sort groups (§2.17, core.SortGroup: headings that order the rows of orders and
quotes). Writes go through apps.core.services_staff."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status

from apps.core import services_staff as staff
from apps.core.models import Addon, AddonParameter, SortGroup, TenantSettings

from .toolkit.fields import CirrusSerializer, Int, Str
from .toolkit.filters import CirrusFilterSet, IntFilter, SortingFilter, WildcardFilter
from .toolkit.presenters import text, utc
from .toolkit.views import CirrusView

# --- Settings ------------------------------------------------------------------------------------


class SettingsSerializer(serializers.Serializer):
    """Settings (§3.14): every documented key, null when unset."""

    currency = serializers.CharField(allow_null=True)
    portal = serializers.JSONField(
        help_text="name, street, zip, city, country, phone, fax, email, plusgiro, "
        "bankgiro, vatnumber, vatregnumber, url, iban, swift, seat."
    )
    sales = serializers.JSONField(help_text="defaultinterest.")
    fieldsales = serializers.JSONField(
        help_text="activitytypes{assigned, knock, note, return, notavailable, rejected, erpaccepted, "
        "erpdeclined}, numberporting{group, name, number, phone}, filter, headlines[{title, body}], erpurl, "
        "signaturefields[], terms."
    )
    consent = serializers.JSONField(
        help_text="logofileid, email{fromemail, fromname, user, port, server, body, password, auth, userid, "
        "type}."
    )

    def to_representation(self, row):
        return staff.settings_values(row)


class SettingsBody(CirrusSerializer):
    """Every group is optional; services_staff checks each key's type and merges it."""

    currency = Str(allow_null=True, max_length=3)
    portal = serializers.JSONField(required=False, allow_null=True)
    sales = serializers.JSONField(required=False, allow_null=True)
    fieldsales = serializers.JSONField(required=False, allow_null=True)
    consent = serializers.JSONField(required=False, allow_null=True)


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


class AddonParameterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


class AddonSerializer(serializers.Serializer):
    """Addon (§3.15)."""

    id = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    internalname = serializers.CharField(allow_null=True)
    sort = serializers.IntegerField()
    enabled = serializers.BooleanField()
    parameters = AddonParameterSerializer(many=True)

    def to_representation(self, addon):
        return {
            "id": addon.pk,
            "title": text(addon.title),
            "url": text(addon.url),
            "internalname": text(addon.internal_name),
            "sort": addon.sort,
            "enabled": addon.enabled,
            "parameters": [
                {
                    "id": p.pk,
                    "name": text(p.name),
                    "value": text(p.value),
                    "created": utc(p.created),
                    "updated": utc(p.updated),
                }
                for p in addon.parameters.all()
            ],
        }


class AddonFilter(CirrusFilterSet):
    internalname = WildcardFilter(field_name="internal_name")
    sorting = SortingFilter(
        keys={"sort": ["sort"], "title": ["title"], "internalname": ["internal_name"], "number": ["id"]},
        default="sort_asc",
    )


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


class SortGroupSerializer(serializers.Serializer):
    """SortGroup (§3.21)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    sort = serializers.IntegerField()
    externalkey = serializers.CharField(allow_null=True)

    def to_representation(self, group):
        return {
            "id": group.pk,
            "name": group.name,
            "sort": group.sort,
            "externalkey": text(group.external_key),
        }


class SortGroupBody(CirrusSerializer):
    name = Str(required=True, allow_blank=False, max_length=100)
    sort = Int(required=True, allow_null=False, min_value=-(2**31), max_value=2**31 - 1)
    externalkey = Str(max_length=100)


def sort_group_fields(data: dict) -> dict:
    fields = {key: data[key] for key in ("name", "sort") if key in data}
    if "externalkey" in data:
        fields["external_key"] = data["externalkey"] or ""
    return fields


class SortGroupFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    sort = IntFilter(field_name="sort")
    sorting = SortingFilter(keys={"sort": ["sort"], "name": ["name"]}, default="sort_asc")


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
