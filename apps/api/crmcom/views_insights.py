"""Insights (I1-I11) and their exports: saved definitions evaluated by the insights domain (the
core rule engine over each event's records), previews, and exports written by a Celery task whose
progress the export shows. Filters travel as `{attribute, operator, value}` and are stored as rule
engine conditions `{field, op, value}`."""

import datetime

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.insights import services
from apps.insights.models import Insight, InsightExport

from . import refs
from . import serializers as s
from .conventions import CrmcomView, bad_request, created_id
from .params import Listing, epoch_value, listing_parameters

TAG = ["Insights"]
ERRORS = {400: s.V2Error, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error}
INSIGHT_SORTS = {"CREATED_DATE": "created", "UPDATED_DATE": "updated", "NAME": "name", "SCHEDULED_DATE": None}
DEFAULT_RANGE = datetime.timedelta(days=30)
INSIGHT_FIELD_MAP = {"event": "event", "measurement": "measurement", "to_date": "to_date"}
RANGE_PARAMETERS = [
    OpenApiParameter(
        "from_date", OpenApiTypes.INT, description="Epoch seconds (default: 30 days before to_date)."
    ),
    OpenApiParameter("to_date", OpenApiTypes.INT, description="Epoch seconds (default: now)."),
    OpenApiParameter("interval", str, enum=s.INTERVALS, description="Default DAY."),
]


def conditions(filters) -> list[dict]:
    """The API's filters -> rule engine conditions."""
    return [{"field": f["attribute"], "op": s.OPERATORS[f["operator"]], "value": f["value"]} for f in filters]


def date_range(start, end):
    end = end or timezone.now()
    return start or end - DEFAULT_RANGE, end


class InsightMixin:
    permission_model = Insight
    error_field_map = INSIGHT_FIELD_MAP


class InsightCollection(InsightMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="Create an insight",
        description="Answers 200 (not 201), as CRM.COM documents it. Then set its event, filters "
        "and breakdowns.",
        request=s.V2InsightInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request):
        data = self.validated(s.V2InsightInput)
        insight = services.create_insight(
            request.user, name=data["name"], description=data.get("description")
        )
        return created_id(insight)

    @extend_schema(
        tags=TAG,
        summary="List insights",
        parameters=[
            *listing_parameters(INSIGHT_SORTS),
            OpenApiParameter("search_value", str, description="In the name."),
        ],
        responses={200: s.V2InsightList, **ERRORS},
    )
    def get(self, request):
        params = request.query_params
        listing = Listing(params, INSIGHT_SORTS)
        queryset = Insight.objects.all()
        if search := (params.get("search_value") or "").strip():
            queryset = queryset.filter(Q(name__icontains=search))
        rows, paging = listing.page_of(queryset)
        return Response({"content": s.V2InsightListItem(rows, many=True).data, "paging": paging})


class InsightDetail(InsightMixin, CrmcomView):
    @extend_schema(tags=TAG, summary="Get an insight", responses={200: s.V2Insight, **ERRORS})
    def get(self, request, insight_id):
        return Response(s.V2Insight(refs.insight(insight_id)).data)

    @extend_schema(
        tags=TAG,
        summary="Update an insight",
        description="`name` and/or `description` (null clears the description).",
        request=s.V2InsightUpdateInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def put(self, request, insight_id):
        insight = refs.insight(insight_id)
        data = self.validated(s.V2InsightUpdateInput)
        services.update_insight(request.user, insight, **data)
        return created_id(insight)

    @extend_schema(
        tags=TAG,
        summary="Delete an insight",
        description="With its exports. Also served at `/insights/{id}/` (as the spec writes it).",
        responses={204: None, 401: s.V2Error, 403: s.V2Error, 404: s.V2Error},
    )
    def delete(self, request, insight_id):
        services.delete_insight(request.user, refs.insight(insight_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InsightEvents(InsightMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="Set an insight's event",
        description="What it measures: a COUNT of the event's occurrences, or their total AMOUNT "
        "(monetary events only). Replaces the event.",
        request=s.V2Event,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request, insight_id):
        insight = refs.insight(insight_id)
        data = self.validated(s.V2Event)
        services.set_event(
            request.user, insight, event=data["type"], measurement=data.get("measurement") or "COUNT"
        )
        return created_id(insight)


class InsightFilters(InsightMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="Set an insight's filters",
        description="Conditions that must all hold, on the event's attributes (e.g. for ACTIVITIES: "
        "state, type, contact, tag, created_on, contact.city...). Replaces the filters.",
        request=s.V2FiltersInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request, insight_id):
        insight = refs.insight(insight_id)
        data = self.validated(s.V2FiltersInput)
        services.set_filters(request.user, insight, conditions(data["filters"]))
        return created_id(insight)


class InsightBreakdowns(InsightMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="Set an insight's breakdowns",
        description="Attributes the results are grouped by (e.g. for ACTIVITIES: state, type). "
        "Replaces them.",
        request=s.V2BreakdownsInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request, insight_id):
        insight = refs.insight(insight_id)
        data = self.validated(s.V2BreakdownsInput)
        services.set_breakdowns(request.user, insight, [b["attribute"] for b in data["breakdowns"]])
        return created_id(insight)


class InsightResults(InsightMixin, CrmcomView):
    @extend_schema(
        tags=TAG,
        summary="An insight's results",
        description="One value per interval (and breakdown combination) from `from_date` to `to_date`.",
        parameters=RANGE_PARAMETERS,
        responses={200: s.V2Results, **ERRORS},
    )
    def get(self, request, insight_id):
        insight = refs.insight(insight_id)
        params = request.query_params
        start = epoch_value(params["from_date"], "from_date") if params.get("from_date") else None
        end = epoch_value(params["to_date"], "to_date") if params.get("to_date") else None
        interval = str(params.get("interval") or "DAY").strip().upper()
        if interval not in s.INTERVALS:
            raise bad_request("interval: DAY, WEEK or MONTH.", "interval")
        if not insight.event:
            raise bad_request("event: the insight has no event yet.", "event")
        start, end = date_range(start, end)
        series = services.evaluate(services.Definition.of(insight), start, end, interval)
        return Response({"content": series})


class InsightPreview(InsightMixin, CrmcomView):
    permission_method = "GET"  # a preview writes nothing: viewing insights is enough

    @extend_schema(
        tags=TAG,
        summary="Preview results of an unsaved definition",
        description="The results a definition would give; nothing is saved.",
        request=s.V2PreviewInput,
        responses={200: s.V2Results, **ERRORS},
    )
    def post(self, request, insight_id):
        refs.insight(insight_id)
        data = self.validated(s.V2PreviewInput)
        definition = services.Definition(
            event=data["event"]["type"],
            measurement=data["event"].get("measurement") or "COUNT",
            filters=conditions(data.get("filters") or []),
            breakdowns=[b["attribute"] for b in data.get("breakdowns") or []],
        )
        start, end = date_range(data.get("from_date"), data.get("to_date"))
        series = services.evaluate(definition, start, end, data.get("interval") or "DAY")
        return Response({"content": series})


class InsightExports(InsightMixin, CrmcomView):
    permission_model = InsightExport

    @extend_schema(
        tags=TAG,
        summary="Export an insight's records",
        description="Queues an export of the records the insight measures (optionally within "
        "`from_date`..`to_date`) as a CSV or PDF file and answers its id at once; follow its "
        "progress at `/insights/{id}/exports/{export_id}`.",
        request=s.V2ExportInput,
        responses={200: s.V2Id, **ERRORS},
    )
    def post(self, request, insight_id):
        insight = refs.insight(insight_id)
        data = self.validated(s.V2ExportInput)
        export = services.request_export(
            request.user,
            insight,
            format=data.get("format") or "CSV",
            start=data.get("from_date"),
            end=data.get("to_date"),
        )
        return created_id(export)


class ExportDetail(InsightMixin, CrmcomView):
    permission_model = InsightExport

    @extend_schema(
        tags=TAG,
        summary="An export's progress",
        description="Its state, rows written of the total, and the download address once COMPLETED.",
        responses={200: s.V2Export, **ERRORS},
    )
    def get(self, request, insight_id, export_id):
        export = refs.export(refs.insight(insight_id), export_id, request.user)
        return Response(s.V2Export(export, context={"request": request}).data)


class ExportFile(InsightMixin, CrmcomView):
    permission_model = InsightExport

    @extend_schema(
        tags=TAG,
        summary="Download an export's file",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF file."),
            **ERRORS,
        },
    )
    def get(self, request, insight_id, export_id):
        insight = refs.insight(insight_id)
        export = refs.export(insight, export_id, request.user)
        if export.state != InsightExport.State.COMPLETED or not export.file:
            raise bad_request("export: the file is not ready yet.", "export")
        content_type = "text/csv" if export.format == InsightExport.Format.CSV else "application/pdf"
        return FileResponse(
            default_storage.open(export.file.name, "rb"),
            as_attachment=True,
            filename=f"insight-{insight.uuid}.{export.format.lower()}",
            content_type=content_type,
        )
