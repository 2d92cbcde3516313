"""Dynamic fields and dynamic data (spec part 1 §3.6, §4.7) over the core custom fields.

- A dynamic field is a core.CustomField; its `group` is what it applies to (`account`: the
  organisations' and the parties' fields, `contact`: the persons' and the parties' fields,
  `activity`: the activities'); its `fieldgroup` is its custom field category; `sortorder` its
  order; `help` its help text; `size`, `inoverview`, `visible`, `readonly` its display flags.
- Options (FieldType): a choice field's allowed values, numbered from 1 in their order (`id`
  and `sortorder`), with `fieldid` the field's id. The field's `type` is a FieldType too, with
  a fixed id per data type (TYPE_IDS).
- Dynamic data is one field's value on one record, as a string (`value`), and for choice fields
  the chosen options (`selected`) and the others (`unselected`).
"""

import datetime
from decimal import Decimal

from rest_framework import serializers

from apps.core.models import AppliesTo, CustomField

from .. import fragments as f
from ..toolkit.fields import CirrusSerializer
from ..toolkit.presenters import text, utc

FT = CustomField.FieldType
TYPE_IDS = {
    FT.TEXT: 1,
    FT.LONG_TEXT: 2,
    FT.INTEGER: 3,
    FT.DECIMAL: 4,
    FT.BOOLEAN: 5,
    FT.DATE: 6,
    FT.CHOICE: 7,
    FT.MULTIPLE_CHOICE: 8,
}
TYPES_BY_ID = {number: kind for kind, number in TYPE_IDS.items()}
OPTION_TYPES = (FT.CHOICE, FT.MULTIPLE_CHOICE)

# Cirrus resource types -> the custom field `applies_to` keys whose data a record of it has.
GROUP_TARGETS = {
    "account": {AppliesTo.ORGANISATION, AppliesTo.PARTY},
    "contact": {AppliesTo.PERSON, AppliesTo.PARTY},
    "activity": {AppliesTo.ACTIVITY},
    "order": set(),
    "quote": set(),
    "opportunity": {AppliesTo.OPPORTUNITY},
    "article": set(),
}
RESOURCE_TYPES = ["account", "contact", "order", "quote", "opportunity", "activity", "article"]
# applies_to -> the group a field shows (a field of every party shows as an account field).
GROUP_OF = {
    AppliesTo.ORGANISATION: "account",
    AppliesTo.PARTY: "account",
    AppliesTo.PERSON: "contact",
    AppliesTo.ACTIVITY: "activity",
    AppliesTo.OPPORTUNITY: "opportunity",
}
# O66's `groups`: the documented ones, and activity (a group fields show).
FIELD_GROUPS = ["account", "contact", "order", "opportunity", "article", "activity"]
# A group -> the `applies_to` keys of the fields that show it.
FIELDS_OF_GROUP = {
    group: {applies_to for applies_to, shown in GROUP_OF.items() if shown == group} for group in FIELD_GROUPS
}


def group_of(field: CustomField) -> str | None:
    return GROUP_OF.get(field.applies_to)


# --- Shapes -----------------------------------------------------------------------------------


class FieldTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fieldid = serializers.IntegerField()
    label = serializers.CharField()
    sortorder = serializers.IntegerField()
    group = f.nullable()


def options(field: CustomField) -> list[dict]:
    if field.field_type not in OPTION_TYPES:
        return []
    group = group_of(field)
    return [
        {"id": number, "fieldid": field.pk, "label": str(label), "sortorder": number, "group": group}
        for number, label in enumerate(field.choices or [], start=1)
    ]


def field_type(field: CustomField) -> dict:
    number = TYPE_IDS[field.field_type]
    return {
        "id": number,
        "fieldid": field.pk,
        "label": field.get_field_type_display(),
        "sortorder": number,
        "group": group_of(field),
    }


class FieldGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


class DynamicFieldSerializer(serializers.Serializer):
    """DynamicField (§4.7): a custom field's definition."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    group = f.nullable()
    sortorder = serializers.IntegerField()
    size = serializers.IntegerField(allow_null=True)
    help = f.nullable()
    required = serializers.BooleanField()
    inoverview = serializers.BooleanField()
    visible = serializers.BooleanField()
    readonly = serializers.BooleanField()
    options = FieldTypeSerializer(many=True)
    type = FieldTypeSerializer()
    fieldgroup = FieldGroupSerializer(allow_null=True)
    selected = FieldTypeSerializer(many=True, help_text="Always empty on a definition.")
    unselected = FieldTypeSerializer(many=True, help_text="Every option, on a definition.")

    def to_representation(self, field):
        category = field.category
        every = options(field)
        return {
            "id": field.pk,
            "name": field.name,
            "group": group_of(field),
            "sortorder": field.order,
            "size": field.size,
            "help": text(field.help_text),
            "required": field.required,
            "inoverview": field.in_overview,
            "visible": field.visible,
            "readonly": field.read_only,
            "options": every,
            "type": field_type(field),
            "fieldgroup": category
            and {
                "id": category.pk,
                "name": category.name,
                "created": utc(category.created),
                "updated": utc(category.updated),
            },
            "selected": [],
            "unselected": every,
        }


def value_text(field: CustomField, value) -> str | None:
    """A stored value as the doc's string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def chosen_labels(field: CustomField, value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class DynamicDataSerializer(serializers.Serializer):
    """DynamicData (§4.7): one field's value on one record. Renders (field, value row or None)."""

    id = serializers.IntegerField(help_text="The field's id.")
    name = serializers.CharField()
    required = serializers.BooleanField()
    inoverview = serializers.BooleanField()
    visible = serializers.BooleanField()
    readonly = serializers.BooleanField()
    selected = FieldTypeSerializer(many=True)
    unselected = FieldTypeSerializer(many=True)
    type = FieldTypeSerializer()
    value = f.nullable()

    def to_representation(self, pair):
        field, row = pair
        value = row.value if row is not None else None
        chosen = set(chosen_labels(field, value)) if field.field_type in OPTION_TYPES else set()
        every = options(field)
        return {
            "id": field.pk,
            "name": field.name,
            "required": field.required,
            "inoverview": field.in_overview,
            "visible": field.visible,
            "readonly": field.read_only,
            "selected": [option for option in every if option["label"] in chosen],
            "unselected": [option for option in every if option["label"] not in chosen],
            "type": field_type(field),
            "value": value_text(field, value),
        }


# --- Requests ---------------------------------------------------------------------------------


class FieldTypeIn(serializers.Serializer):
    id = serializers.IntegerField()
    fieldid = serializers.IntegerField(required=False, allow_null=True)


class DynamicDataIn(CirrusSerializer):
    """O69's body: `selected`/`unselected` options for a choice field, `value` for the others."""

    selected = FieldTypeIn(many=True, required=False, allow_null=True)
    unselected = FieldTypeIn(many=True, required=False, allow_null=True)
    value = serializers.CharField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)

    def validate_value(self, value):
        if value is not None and not isinstance(self.initial_data.get("value"), str):
            raise serializers.ValidationError(f"{self.initial_data.get('value')!r} is not of type 'string'")
        return value
