"""Activities (V1-V5) and activity tags (T1, T2): CRM.COM's view of the shared sales.Activity
(CRM activities, kind `task`). Views validate with the serializers, find records through `refs`
and call the sales services; lists run a fixed number of queries whatever the page size."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.models import AppliesTo, CustomField, CustomFieldValue, Tag
from apps.core.services import clean_custom_value
from apps.sales import services, services_crm
from apps.sales.models import Activity, ActivityStateChange

from . import refs
from . import serializers as s
from .conventions import CrmcomView, bad_request, created_id
from .params import Listing, boolean, enum_list, epoch_parameters, epoch_range, id_list, listing_parameters

TAG = ["Activities"]
ERRORS = {400: s.V2Error, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error}
NO_CONTENT = {204: None, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error}
ACTIVITY_SORTS = {
    "CREATED_DATE": "created",
    "UPDATED_DATE": "updated",
    "NAME": "name",
    "SCHEDULED_DATE": "start",
}
ACTIVITY_FIELD_MAP = {
    "start": "scheduled_on.from_date",
    "end": "scheduled_on.to_date",
    "activity_type": "type_id",
    "owner": "assign_to.user_id",
    "team": "assign_to.team_id",
    "contact": "linked_to",
}
LINK_FIELDS = {"LEAD": "lead", "ORDER": "order", "SERVICE_REQUEST": "service_request"}


def activity_queryset():
    return refs.crm_activities().select_related(
        "activity_type", "contact", "lead", "order", "service_request", "owner", "team"
    )


def custom_field_prefetch():
    return Prefetch("custom_field_values", queryset=CustomFieldValue.objects.select_related("field"))


def custom_values(items) -> dict | None:
    """custom_fields [{key, value}] -> {key: value}; a key given twice is a 400."""
    if items is None:
        return None
    values = {}
    for item in items:
        if item["key"] in values:
            raise bad_request(f'custom_fields: "{item["key"]}" is given twice.', "custom_fields")
        values[item["key"]] = item["value"]
    return values


def assignment(data) -> dict:
    """assign_to -> {owner, team}: it replaces the assignment; null clears it."""
    given = data.get("assign_to") or {}
    user_id, team_id = given.get("user_id"), given.get("team_id")
    return {
        "owner": refs.user(user_id) if user_id is not None else None,
        "team": refs.team(team_id) if team_id is not None else None,
    }


class ActivityMixin:
    permission_model = Activity
    error_field_map = ACTIVITY_FIELD_MAP


class ActivityCollection(ActivityMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="Create an activity",
        description="Link a CONTACT and at most one LEAD, ORDER or SERVICE_REQUEST (when no contact is "
        "linked, the linked record's contact is used). The address is `address_id`'s, or with "
        "`use_entity_address` the linked order's or service request's, else the contact's; not both. "
        "The activity starts PENDING. Also served at `/activities/`.",
        request=s.V2ActivityCreateInput,
        responses={201: s.V2Id, **ERRORS},
    )
    def post(self, request):
        data = self.validated(s.V2ActivityCreateInput)
        activity_type = refs.activity_type(data["type_id"])
        links = data["links"]
        contact = refs.contact(links["CONTACT"]) if "CONTACT" in links else None
        linked = {}
        for kind, field in LINK_FIELDS.items():
            if kind in links:
                linked[field] = refs.linked(kind, links[kind])
        if contact is None:
            record = next(iter(linked.values()), None)
            contact = record.contact if record is not None else None
            if contact is None:
                raise bad_request("linked_to: a contact must be linked.", "linked_to")
        if data.get("address_id") is not None:
            address = services_crm.address_copy(refs.address(data["address_id"]))
        elif data.get("use_entity_address"):
            address = services_crm.address_copy(services_crm.entity_address(contact=contact, **linked))
        else:
            address = None
        schedule = data["scheduled_on"]
        activity = services_crm.create_crm_activity(
            request.user,
            name=data["name"],
            description=data.get("description") or "",
            activity_type=activity_type,
            start=schedule["from_date"],
            end=schedule.get("to_date"),
            contact=contact,
            address=address,
            custom_values=custom_values(data.get("custom_fields")),
            **linked,
            **assignment(data),
        )
        return created_id(activity, status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAG,
        summary="List activities",
        description="Filters combine with AND. Also served at `/activities/` (as the spec writes it).",
        parameters=[
            *listing_parameters(ACTIVITY_SORTS),
            OpenApiParameter("search_value", str, description="In the name or description (any case)."),
            OpenApiParameter("types", str, description="Comma-separated activity type ids or codes."),
            OpenApiParameter("contact_id", str, description="The contact's id or code."),
            OpenApiParameter("lead_id", str),
            OpenApiParameter("order_id", str),
            OpenApiParameter("service_request_id", str),
            OpenApiParameter("states", str, description="Comma-separated: PENDING, COMPLETED, CANCELLED."),
            OpenApiParameter(
                "tag_ids", str, description="Comma-separated: activities with any of these tags."
            ),
            OpenApiParameter("include_tags", bool, description="Add `tags` to each activity."),
            *epoch_parameters("created_on", "Created"),
            *epoch_parameters("completed_on", "Completed"),
            OpenApiParameter("assign_to_user_id", str),
            OpenApiParameter("assign_to_team_id", str),
            OpenApiParameter(
                "custom_fields", str, description="`key;value`: that custom field has that value."
            ),
            OpenApiParameter(
                "include_custom_fields", bool, description="Add `custom_fields` to each activity."
            ),
        ],
        responses={200: s.V2ActivityList, **ERRORS},
    )
    def get(self, request):
        params = request.query_params
        listing = Listing(params, ACTIVITY_SORTS)
        include_tags = boolean(params, "include_tags")
        include_custom = boolean(params, "include_custom_fields")
        queryset = activity_queryset().filter(self.conditions(params))
        queryset = queryset.filter(epoch_range(params, "created_on", "created"))
        queryset = queryset.filter(epoch_range(params, "completed_on", "completed_at"))
        rows, paging = listing.page_of(queryset)
        if include_tags or include_custom:
            lookups = (["tags"] if include_tags else []) + (
                [custom_field_prefetch()] if include_custom else []
            )
            prefetch_related_objects(rows, *lookups)
        context = {"include_tags": include_tags, "include_custom_fields": include_custom}
        return Response(
            {"content": s.V2ActivityListItem(rows, many=True, context=context).data, "paging": paging}
        )

    def conditions(self, params) -> Q:
        q = Q()
        if search := (params.get("search_value") or "").strip():
            q &= Q(name__icontains=search) | Q(description__icontains=search)
        if (types := id_list(params, "types")) is not None:
            ids = [key for key in map(refs.parse_uuid, types) if key]
            q &= Q(activity_type__uuid__in=ids) | Q(activity_type__code__in=types)
        if contact := params.get("contact_id"):
            key, code = refs.parse_uuid(contact), refs.parse_int(contact)
            q &= Q(contact__uuid=key) if key else (Q(contact_id=code) if code else Q(pk__in=[]))
        for name, path in (
            ("lead_id", "lead__uuid"),
            ("order_id", "order__uuid"),
            ("service_request_id", "service_request__uuid"),
            ("assign_to_team_id", "team__uuid"),
        ):
            if raw := params.get(name):
                key = refs.parse_uuid(raw)
                q &= Q(**{path: key}) if key else Q(pk__in=[])
        if raw := params.get("assign_to_user_id"):
            key = refs.parse_int(raw)
            q &= Q(owner_id=key) if key else Q(pk__in=[])
        if (states := enum_list(params, "states", s.ACTIVITY_STATES)) is not None:
            q &= Q(state__in=[s.ACTIVITY_STATE_MAP[v] for v in states])
        if (tags := id_list(params, "tag_ids")) is not None:
            ids = [key for key in map(refs.parse_uuid, tags) if key]
            q &= Exists(Activity.tags.through.objects.filter(activity=OuterRef("pk"), tag__uuid__in=ids))
        if (raw := params.get("custom_fields")) is not None:
            q &= self.custom_field_condition(raw)
        return q

    def custom_field_condition(self, raw: str) -> Q:
        key, sep, value = raw.partition(";")
        if not sep or not key.strip():
            raise bad_request("custom_fields: `key;value` is required.", "custom_fields")
        field = CustomField.objects.filter(key=key.strip(), applies_to=AppliesTo.ACTIVITY).first()
        if field is None:
            return Q(pk__in=[])
        try:
            typed = clean_custom_value(field, value)
        except ValidationError:  # a value the field's type cannot hold matches nothing
            return Q(pk__in=[])
        rows = CustomFieldValue.objects.filter(
            field=field,
            content_type=ContentType.objects.get_for_model(Activity),
            object_id=OuterRef("pk"),
            **{field.value_column: typed},
        )
        return Q(Exists(rows))


class ActivityDetail(ActivityMixin, CrmcomView):
    @extend_schema(tags=TAG, summary="Get an activity", responses={200: s.V2Activity, **ERRORS})
    def get(self, request, activity_id):
        queryset = activity_queryset().prefetch_related(
            Prefetch("state_changes", queryset=ActivityStateChange.objects.order_by("time", "id")),
            custom_field_prefetch(),
        )
        return Response(s.V2Activity(refs.activity(activity_id, queryset)).data)

    @extend_schema(
        tags=TAG,
        summary="Update an activity",
        description="Only what is given changes. A new `state` is added to the activity's states "
        "(COMPLETED stamps the completion). `linked_to` replaces the lead, order or service request; "
        "the contact cannot change. `assign_to` and `custom_fields` replace the whole assignment or set.",
        request=s.V2ActivityUpdateInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def put(self, request, activity_id):
        activity = refs.activity(activity_id)
        data = self.validated(s.V2ActivityUpdateInput)
        fields = {}
        if data.get("name") is not None:
            fields["name"] = data["name"]
        if "description" in data:
            fields["description"] = data["description"] or ""
        if "scheduled_on" in data:
            fields["start"] = data["scheduled_on"]["from_date"]
            fields["end"] = data["scheduled_on"].get("to_date")
        if "address_id" in data:
            address = refs.address(data["address_id"]) if data["address_id"] is not None else None
            fields["address"] = services_crm.address_copy(address)
        if "links" in data:
            for kind, field in LINK_FIELDS.items():
                fields[field] = refs.linked(kind, data["links"][kind]) if kind in data["links"] else None
        if "assign_to" in data:
            fields.update(assignment(data))
        state = s.ACTIVITY_STATE_MAP[data["state"]] if data.get("state") else None
        values = custom_values(data["custom_fields"] or []) if "custom_fields" in data else None
        services_crm.update_crm_activity(request.user, activity, state=state, custom_values=values, **fields)
        return created_id(activity)

    @extend_schema(
        tags=TAG,
        summary="Delete an activity",
        description="With its tags and custom fields. Also served at `/activities/{id}/`.",
        responses=NO_CONTENT,
    )
    def delete(self, request, activity_id):
        services.delete_activity(request.user, refs.activity(activity_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityTags(ActivityMixin, CrmcomView):
    @extend_schema(
        tags=["Activity tags"], summary="Get an activity's tags", responses={200: s.V2TagList, **ERRORS}
    )
    def get(self, request, activity_id):
        activity = refs.activity(activity_id)
        return Response({"content": s.V2Tag(Tag.objects.filter(activities=activity), many=True).data})

    @extend_schema(
        tags=["Activity tags"],
        summary="Replace an activity's tags",
        description="`tags` is the new set of tag ids (`[]` removes them all).",
        request=s.V2TagsInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def put(self, request, activity_id):
        activity = refs.activity(activity_id)
        data = self.validated(s.V2TagsInput)
        services.set_activity_tags(request.user, activity, refs.tags(data["tags"]))
        return created_id(activity)
