"""Dynamic fields and dynamic data (spec part 1 §3.6, O66-O69) over the core custom fields:
definitions are read-only here (staff manage them in the admin); values are written through
apps.core.services with the caller as actor."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from apps.core import services as core_services
from apps.core.models import AppliesTo, CustomField, CustomFieldValue
from apps.parties.models import Party
from apps.sales.models import Activity, Opportunity

from ..toolkit.errors import CirrusError, invalid
from ..toolkit.filters import IntegerField
from ..toolkit.views import CirrusView
from . import serializers as s
from .filters import DynamicDataFilter, DynamicFieldFilter

# Resource types with records here, and the records of each.
RECORDS = {
    "account": lambda: Party.objects.filter(kind=Party.Kind.ORGANISATION),
    "contact": lambda: Party.objects.filter(kind=Party.Kind.PERSON),
    "activity": lambda: Activity.objects.all(),
    "opportunity": lambda: Opportunity.objects.all(),
}
# The records a field applies to.
RECORDS_OF_FIELD = {
    AppliesTo.ORGANISATION: ("Account", RECORDS["account"]),
    AppliesTo.PERSON: ("Contact", RECORDS["contact"]),
    AppliesTo.PARTY: ("Account or contact", lambda: Party.objects.all()),
    AppliesTo.ACTIVITY: ("Activity", RECORDS["activity"]),
    AppliesTo.OPPORTUNITY: ("Opportunity", RECORDS["opportunity"]),
}


def fields_queryset():
    return CustomField.objects.select_related("category")


class DynamicFieldList(CirrusView):
    permission_model = CustomField
    serializer_class = s.DynamicFieldSerializer
    filterset_class = DynamicFieldFilter

    def get_queryset(self):
        return fields_queryset()

    @extend_schema(summary="Returns a paginated list of dynamic fields (O66)")
    def get(self, request):
        return self.list_response()


class DynamicFieldDetail(CirrusView):
    permission_model = CustomField
    serializer_class = s.DynamicFieldSerializer

    @extend_schema(summary="get_field_definition_item (O67)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(fields_queryset(), id, "Dynamic field"))


RESOURCE_PARAMETERS = [
    OpenApiParameter("resourcetype", str, enum=s.RESOURCE_TYPES, required=True),
    OpenApiParameter("resourceid", int, required=True),
]


class DynamicDataList(CirrusView):
    """O68: one item per field defined for the record's type, `value` null when unset."""

    permission_model = CustomFieldValue
    queryset = CustomField.objects.none()  # what the filters apply to (for the schema); see get()
    serializer_class = s.DynamicDataSerializer
    filterset_class = DynamicDataFilter

    def record(self, resourcetype, resourceid):
        errors = {}
        if resourcetype in (None, ""):
            errors["resourcetype"] = "'resourcetype' is a required property"
        elif resourcetype not in s.RESOURCE_TYPES:
            errors["resourcetype"] = f"The value '{resourcetype}' is not a valid choice for 'resourcetype'."
        try:
            resourceid = IntegerField(required=False).clean(resourceid)
        except forms.ValidationError as exc:
            errors["resourceid"] = exc.messages[0]
        if resourceid is None and "resourceid" not in errors:
            errors["resourceid"] = "'resourceid' is a required property"
        if errors:
            raise invalid(errors)
        records = RECORDS.get(resourcetype)
        obj = records().filter(pk=resourceid).first() if records and 0 < resourceid < 2**63 else None
        if obj is None:
            raise CirrusError(404, f"{resourcetype.capitalize()} {resourceid} not found")
        return obj

    @extend_schema(
        summary="Returns a paginated list of dynamic data for a given resource (O68)",
        parameters=RESOURCE_PARAMETERS,
    )
    def get(self, request, resourcetype=None, resourceid=None):
        if resourcetype is None:
            resourcetype = request.query_params.get("resourcetype")
            resourceid = request.query_params.get("resourceid")
        obj = self.record(resourcetype, resourceid)
        fields = fields_queryset().filter(applies_to__in=obj.custom_field_targets())
        page = self.paginate_queryset(self.filter_queryset(fields))
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        rows = CustomFieldValue.objects.filter(content_type=content_type, object_id=obj.pk, field__in=page)
        by_field = {row.field_id: row for row in rows}
        pairs = [(field, by_field.get(field.pk)) for field in page]
        for _, row in pairs:
            if row is not None:
                row.field = next(field for field in page if field.pk == row.field_id)
        return self.get_paginated_response(self.get_serializer(pairs, many=True).data)


class DynamicDataByType(DynamicDataList):
    """The alias `GET /dynamicdata/{resourcetype}/{resourceid}` (OQ-12)."""

    @extend_schema(summary="Dynamic data of a resource (O68, path form)", parameters=[])
    def get(self, request, resourcetype, resourceid):
        return super().get(request, resourcetype, resourceid)


class DynamicDataValue(CirrusView):
    """O69: set one field's value on one record."""

    permission_model = CustomFieldValue
    serializer_class = s.DynamicDataSerializer

    @extend_schema(exclude=True)
    def get(self, request, fieldid, resourceid):
        # `/dynamicdata/<number>/<id>` read as the list alias: a number is no resource type.
        return DynamicDataList.as_view()(request._request, resourcetype=str(fieldid), resourceid=resourceid)

    @extend_schema(
        summary="Updates the value(s) of a dynamic data object for a given resource (O69)",
        request=s.DynamicDataIn,
    )
    def put(self, request, fieldid, resourceid):
        field = self.get_object_or_404(fields_queryset(), fieldid, "Dynamic field")
        what, records = RECORDS_OF_FIELD.get(field.applies_to, ("Record", lambda: Party.objects.none()))
        obj = self.get_object_or_404(records(), resourceid, what)
        data = self.body(s.DynamicDataIn)
        if field.read_only:
            raise invalid({"value": "This field is read-only."})
        current = core_services.values_for(obj).filter(field=field).first()
        raw = self.new_value(field, current.value if current else None, data)
        try:
            core_services.set_custom_field_value(request.user, obj, field, raw)
        except ValidationError as exc:
            raise invalid({"value": exc.messages[0]}) from None
        row = core_services.values_for(obj).filter(field=field).first()
        return Response(self.get_serializer((field, row)).data)

    def option_labels(self, field, chosen, name) -> list[str]:
        choices = list(field.choices or [])
        labels = []
        for option in chosen or []:
            if option.get("fieldid") not in (None, field.pk) or not 1 <= option["id"] <= len(choices):
                raise invalid({name: f"Option {option['id']} is not an option of field {field.pk}."})
            labels.append(choices[option["id"] - 1])
        return labels

    def new_value(self, field, current, data):
        """The value to store: from `selected`/`unselected` for choice fields, else from `value`
        ("" or null clears it). Nothing sent: unchanged."""
        if field.field_type in s.OPTION_TYPES and ("selected" in data or "unselected" in data):
            selected = self.option_labels(field, data.get("selected"), "selected")
            unselected = self.option_labels(field, data.get("unselected"), "unselected")
            if field.field_type == s.FT.CHOICE:
                if len(selected) > 1:
                    raise invalid({"selected": "Only one option can be selected for this field."})
                if selected:
                    return selected[0]
                return None if current in unselected else current
            kept = [label for label in (current or []) if label not in unselected]
            return [*kept, *(label for label in selected if label not in kept)] or None
        if "value" not in data:
            return current
        value = data["value"]
        if value in (None, ""):
            return None
        if field.field_type == s.FT.MULTIPLE_CHOICE:
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
