"""Insights: definitions checked against each event's RuleSet, results and previews computed by
the core rule engine (filters on activities, their contacts through PARTY_RULES, and the ledger),
breakdowns, zero-filled series, exports written in eager mode (CSV and PDF, progress, retries
leave one file), contact and organisation analytics."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from apps.accounts import services as account_services
from apps.core.models import Tag
from apps.insights import analytics, exports, services
from apps.insights.models import Insight, InsightExport
from apps.insights.services import Definition
from apps.parties import services as party_services
from apps.sales import services as sales_services
from apps.sales import services_crm
from apps.sales.models import Activity, ActivityType

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def gent():
    person = party_services.create_person(None, first_name="Jan", last_name="Gent")
    address = person.addresses.get()
    address.city = "Gent"
    address.save()
    return person


@pytest.fixture
def brugge():
    person = party_services.create_person(None, first_name="Piet", last_name="Brugge")
    address = person.addresses.get()
    address.city = "Brugge"
    address.save()
    return person


def task(contact, code="call", state="pending", **fields):
    activity = services_crm.create_crm_activity(
        None,
        name=fields.pop("name", "Task"),
        activity_type=ActivityType.objects.get(code=code),
        start=fields.pop("start", timezone.now()),
        contact=contact,
        **fields,
    )
    if state != "pending":
        services_crm.update_crm_activity(None, activity, state=state)
    return activity


def backdate(activity, days):
    Activity.objects.filter(pk=activity.pk).update(created=timezone.now() - days * DAY)


def series(definition, days=3, interval="DAY"):
    end = timezone.now()
    return services.evaluate(definition, end - days * DAY, end, interval)


# --- Definitions -------------------------------------------------------------------------------------


def test_create_update_and_set_the_definition():
    insight = services.create_insight(None, name=" Marketing customers ", description=None)
    assert insight.name == "Marketing customers" and insight.description is None
    services.update_insight(None, insight, description="Who buys")
    services.set_event(None, insight, event="ACTIVITIES", measurement="COUNT")
    services.set_filters(None, insight, [{"field": "state", "op": "eq", "value": "PENDING"}])
    services.set_breakdowns(None, insight, ["type"])
    insight.refresh_from_db()
    assert (insight.event, insight.measurement, insight.breakdowns) == ("ACTIVITIES", "COUNT", ["type"])
    assert insight.filters == [{"field": "state", "op": "eq", "value": "PENDING"}]
    with pytest.raises(ValidationError):
        services.update_insight(None, insight, name="")


@pytest.mark.parametrize(
    "event,measurement,field",
    [
        ("SHOPPING", "COUNT", "event"),
        ("ACTIVITIES", "SUM", "measurement"),
        ("ACTIVITIES", "AMOUNT", "measurement"),
    ],
)
def test_bad_events(event, measurement, field):
    insight = services.create_insight(None, name="x")
    with pytest.raises(ValidationError) as exc:
        services.set_event(None, insight, event=event, measurement=measurement)
    assert field in exc.value.message_dict


def test_amount_is_for_monetary_events():
    insight = services.create_insight(None, name="x")
    services.set_event(None, insight, event="PAYMENTS", measurement="AMOUNT")
    services.set_event(None, insight, event="DONATIONS", measurement="AMOUNT")  # not recorded here, but money


@pytest.mark.parametrize(
    "filters",
    [
        "state",
        [{"field": "state"}],
        [{"field": "state", "op": "like", "value": "x"}],
        [{"field": "planet", "op": "eq", "value": "x"}],
        [{"field": "created_on", "op": "gt", "value": "yesterday"}],
        [{"field": "created_on", "op": "gt", "value": 1.5}],
        [{"field": "contact", "op": "eq", "value": "not-a-guid"}],
        [{"field": "type", "op": "gt", "value": "call"}],
        [{"field": "contact.planet", "op": "eq", "value": "x"}],
        [{"field": "state", "op": "eq", "value": "x", "extra": 1}],
    ],
)
def test_bad_filters(filters):
    insight = services.create_insight(None, name="x")
    services.set_event(None, insight, event="ACTIVITIES")
    with pytest.raises(ValidationError) as exc:
        services.set_filters(None, insight, filters)
    assert "filters" in exc.value.message_dict


def test_bad_breakdowns():
    insight = services.create_insight(None, name="x")
    services.set_event(None, insight, event="ACTIVITIES")
    for breakdowns in (["planet"], ["state", "state"], "state", ["state", "type", "team", "assigned_user"]):
        with pytest.raises(ValidationError):
            services.set_breakdowns(None, insight, breakdowns)


def test_events_not_recorded_here_take_any_filter():
    insight = services.create_insight(None, name="x")
    services.set_event(None, insight, event="ACHIEVEMENTS")
    services.set_filters(None, insight, [{"field": "badge", "op": "eq", "value": "gold"}])


# --- Results --------------------------------------------------------------------------------------------


def test_counts_per_day_zero_filled(gent):
    task(gent)
    backdate(task(gent), 2)
    points = series(Definition("ACTIVITIES", "COUNT"), days=3)
    assert [p["value"] for p in points] == [0, 1, 0, 1]
    assert all(p["breakdown"] == {} for p in points)
    dates = [p["date"] for p in points]
    assert dates == sorted(dates) and all(
        timezone.localtime(datetime.datetime.fromtimestamp(d, tz=datetime.UTC)).time() == datetime.time(0)
        for d in dates
    )


def test_breakdowns_and_filters(gent, brugge):
    task(gent, "call", "completed")
    task(gent, "call")
    task(gent, "meeting")
    task(brugge, "call")
    definition = Definition("ACTIVITIES", "COUNT", breakdowns=["state", "type"])
    points = series(definition, days=1)
    assert {(p["breakdown"]["state"], p["breakdown"]["type"]): p["value"] for p in points if p["value"]} == {
        ("COMPLETED", "Call"): 1,
        ("PENDING", "Call"): 2,
        ("PENDING", "Meeting"): 1,
    }
    # a filter through PARTY_RULES on the activity's contact (the segment rule fields)
    in_gent = Definition(
        "ACTIVITIES", "COUNT", filters=[{"field": "contact.city", "op": "eq", "value": "Gent"}]
    )
    assert sum(p["value"] for p in series(in_gent)) == 3
    pending_calls = Definition(
        "ACTIVITIES",
        "COUNT",
        filters=[
            {"field": "state", "op": "eq", "value": "PENDING"},
            {"field": "type", "op": "in", "value": ["call"]},
        ],
    )
    assert sum(p["value"] for p in series(pending_calls)) == 2
    not_gent = Definition(
        "ACTIVITIES", "COUNT", filters=[{"field": "contact", "op": "ne", "value": str(gent.uuid)}]
    )
    assert sum(p["value"] for p in series(not_gent)) == 1


def test_filters_on_tags_and_epoch_dates(gent):
    vip = Tag.objects.create(name="VIP")
    tagged = task(gent)
    sales_services.set_activity_tags(None, tagged, [vip])
    old = task(gent)
    backdate(old, 5)
    old.refresh_from_db()
    by_tag = Definition("ACTIVITIES", "COUNT", filters=[{"field": "tag", "op": "eq", "value": str(vip.uuid)}])
    assert sum(p["value"] for p in series(by_tag)) == 1
    second = int(old.created.timestamp())
    exactly = Definition(
        "ACTIVITIES", "COUNT", filters=[{"field": "created_on", "op": "eq", "value": second}]
    )
    assert sum(p["value"] for p in series(exactly, days=10)) == 1
    after = Definition("ACTIVITIES", "COUNT", filters=[{"field": "created_on", "op": "gt", "value": second}])
    assert sum(p["value"] for p in series(after, days=10)) == 1
    up_to = Definition("ACTIVITIES", "COUNT", filters=[{"field": "created_on", "op": "lte", "value": second}])
    assert sum(p["value"] for p in series(up_to, days=10)) == 1


def test_weeks_and_months(gent):
    task(gent)
    weeks = series(Definition("ACTIVITIES", "COUNT"), days=21, interval="WEEK")
    assert len(weeks) in (4, 5) and sum(p["value"] for p in weeks) == 1
    months = series(Definition("ACTIVITIES", "COUNT"), days=65, interval="MONTH")
    assert len(months) in (3, 4) and sum(p["value"] for p in months) == 1
    first_days = [
        timezone.localtime(datetime.datetime.fromtimestamp(p["date"], tz=datetime.UTC)).day for p in months
    ]
    assert set(first_days) == {1}


def test_ledger_events_count_and_sum(gent, brugge):
    eur = account_services.create_account(None, gent, currency="EUR")
    usd = account_services.create_account(None, brugge, currency="USD")
    account_services.post_entry(None, eur, kind="invoice", amount="100")
    account_services.post_entry(None, eur, kind="payment", amount="30.25")
    account_services.post_entry(None, usd, kind="payment", amount="10")
    paid = series(Definition("PAYMENTS", "AMOUNT", breakdowns=["currency_code"]), days=1)
    assert {p["breakdown"]["currency_code"]: p["value"] for p in paid if p["value"]} == {
        "EUR": 30.25,
        "USD": 10.0,
    }
    assert sum(p["value"] for p in series(Definition("INVOICES", "COUNT"), days=1)) == 1
    big = Definition("PAYMENTS", "COUNT", filters=[{"field": "amount", "op": "gt", "value": 20}])
    assert sum(p["value"] for p in series(big, days=1)) == 1
    in_brugge = Definition(
        "PAYMENTS", "AMOUNT", filters=[{"field": "contact.city", "op": "eq", "value": "Brugge"}]
    )
    assert sum(p["value"] for p in series(in_brugge, days=1)) == 10.0


def test_events_not_recorded_give_zero_series(gent):
    points = series(Definition("AWARDS", "COUNT", breakdowns=["badge"]), days=2)
    assert [p["value"] for p in points] == [0, 0, 0]
    assert all(p["breakdown"] == {"badge": None} for p in points)


def test_ranges_are_checked():
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.evaluate(Definition("ACTIVITIES", "COUNT"), now, now - DAY)
    with pytest.raises(ValidationError):
        services.evaluate(Definition("ACTIVITIES", "COUNT"), now - 2000 * DAY, now)
    with pytest.raises(ValidationError):
        services.evaluate(Definition("ACTIVITIES", "COUNT"), now - DAY, now, "YEAR")


def test_evaluation_runs_one_query_whatever_the_rows(gent, django_assert_num_queries):
    for _ in range(5):
        task(gent)
    with django_assert_num_queries(1):
        series(Definition("ACTIVITIES", "COUNT", breakdowns=["state", "type"]), days=30)


# --- Exports (eager: the worker tests run the same code through Celery) -----------------------------------


def exported(insight, fmt="CSV", **kwargs) -> InsightExport:
    export = services.request_export(None, insight, format=fmt, **kwargs)
    exports.run_export(export.pk)
    export.refresh_from_db()
    return export


def read_csv(export) -> list[list[str]]:
    with default_storage.open(export.file.name) as handle:
        return list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))


@pytest.fixture
def insight():
    insight = services.create_insight(None, name="Calls")
    services.set_event(None, insight, event="ACTIVITIES")
    return insight


def test_a_csv_export(insight, gent, brugge):
    task(gent, name='First, "quoted"', description="x")
    task(brugge, name="Second", state="completed")
    services.set_filters(None, insight, [{"field": "contact.city", "op": "in", "value": ["Gent", "Brugge"]}])
    export = exported(insight)
    assert export.state == "completed" and export.rows_total == 2 and export.rows_done == 2
    assert (
        export.progress == 100
        and export.attempts == 1
        and export.size == default_storage.size(export.file.name)
    )
    assert export.file.name == export.file_name and export.peak_memory is None  # not measured by default
    rows = read_csv(export)
    assert rows[0][:4] == ["id", "name", "state", "type"]
    assert [r[1] for r in rows[1:]] == ['First, "quoted"', "Second"]
    assert rows[2][2] == "COMPLETED" and rows[1][4] == str(gent.uuid)


def test_the_peak_memory_is_recorded_when_measuring(insight, gent, settings):
    settings.INSIGHTS_EXPORT_TRACE_MEMORY = True
    task(gent)
    assert 0 < exported(insight).peak_memory < 10 * 1024 * 1024


def test_a_pdf_export(insight, gent):
    for n in range(130):
        task(gent, name=f"Task {n} (é)")
    export = exported(insight, "PDF")
    with default_storage.open(export.file.name) as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page ") == 3 and b"/Count 3" in data
    assert b"Task 0 \\(\xe9\\)" in data
    assert export.rows_done == 130


def test_exports_of_a_range_and_of_events_not_recorded(insight, gent):
    backdate(task(gent), 10)
    task(gent)
    assert exported(insight, start=timezone.now() - DAY).rows_done == 1
    services.set_event(None, insight, event="AWARDS")
    empty = exported(insight)
    assert empty.state == "completed" and empty.rows_total == 0 and read_csv(empty) == [["id"]]


def test_an_export_needs_an_event_and_a_format():
    bare = services.create_insight(None, name="x")
    with pytest.raises(ValidationError):
        services.request_export(None, bare)
    services.set_event(None, bare, event="ACTIVITIES")
    with pytest.raises(ValidationError):
        services.request_export(None, bare, format="XLS")


def test_running_an_export_again_leaves_one_file(insight, gent, django_capture_on_commit_callbacks):
    task(gent)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(None, insight)  # queued and run after commit (eager)
    export.refresh_from_db()
    assert export.state == "completed"
    # an interrupted earlier run left its file behind, the export still RUNNING
    InsightExport.objects.filter(pk=export.pk).update(state="running")
    first = export.file.name
    result = exports.run_export(export.pk)
    assert result["file"] == first
    assert default_storage.listdir("exports/insights")[1] == [first.rsplit("/", 1)[1]]
    # a completed export is not written again
    assert exports.run_export(export.pk)["file"] == first
    export.refresh_from_db()
    assert export.attempts == 2


def test_a_superseded_run_stops_without_touching_the_export(insight, gent, monkeypatch):
    task(gent)
    export = services.request_export(None, insight)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    real = exports._progress

    def taken_over(pk, run, **values):
        InsightExport.objects.filter(pk=pk).update(run=None)  # another run started
        real(pk, run, **values)

    monkeypatch.setattr(exports, "_progress", taken_over)
    assert exports.run_export(export.pk) == {"state": "superseded"}
    export.refresh_from_db()
    assert export.state == "running" and not export.file


def test_a_failing_export_is_marked_failed(insight, gent, monkeypatch):
    task(gent)
    export = services.request_export(None, insight)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports.default_storage, "save", broken)
    with pytest.raises(OSError):
        exports.run_export(export.pk)
    export.refresh_from_db()
    assert export.state == "failed" and "disk full" in export.error
    monkeypatch.undo()
    with pytest.raises(ValidationError):
        services.retry_export(None, exported(insight))  # a completed one is not retried
    services.retry_export(None, export)


def test_deleting_an_insight_removes_its_export_files(insight, gent, django_capture_on_commit_callbacks):
    task(gent)
    export = exported(insight)
    name = export.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_insight(None, insight)
    assert not default_storage.exists(name) and not InsightExport.objects.exists()


def test_a_deleted_export_is_a_no_op_for_the_task():
    assert exports.run_export(987654) is None


# --- Analytics ---------------------------------------------------------------------------------------


def test_contact_analytics(gent, brugge):
    eur = account_services.create_account(None, gent, currency="EUR")
    usd = account_services.create_account(None, gent, currency="USD")
    account_services.post_entry(None, eur, kind="invoice", amount="10")
    account_services.set_overdue_amount(None, eur, "2.5")
    account_services.change_state(None, usd, "terminated")
    task(gent, state="completed")
    task(gent)
    task(brugge)
    figures = analytics.contact_analytics(gent)
    assert figures["accounts"] == {"total": 2, "active": 1, "suspended": 0, "terminated": 1}
    assert figures["financials"] == [
        {"currency_code": "EUR", "balance": Decimal("10"), "overdue_amount": Decimal("2.5")},
        {"currency_code": "USD", "balance": Decimal("0"), "overdue_amount": Decimal("0")},
    ]
    activities = figures["activities"]
    assert (activities["total"], activities["pending"], activities["completed"], activities["cancelled"]) == (
        2,
        1,
        1,
        0,
    )
    assert activities["last_created"] is not None


def test_organisation_analytics(gent, brugge):
    acme = party_services.create_organisation(None, name="ACME")
    party_services.set_employer(None, gent, acme)
    party_services.set_employer(None, brugge, acme)
    for party, amount in ((acme, "5"), (gent, "10")):
        account = account_services.create_account(None, party, currency="EUR")
        account_services.post_entry(None, account, kind="invoice", amount=amount)
    task(brugge)
    figures = analytics.organisation_analytics(acme)
    assert figures["contacts"] == {"total": 2}
    assert figures["accounts"]["total"] == 2 and figures["financials"][0]["balance"] == Decimal("15")
    assert figures["activities"]["total"] == 1
    loner = party_services.create_organisation(None, name="Loner")
    empty = analytics.organisation_analytics(loner)
    assert (
        empty["contacts"] == {"total": 0} and empty["financials"] == [] and empty["activities"]["total"] == 0
    )


def test_analytics_run_fixed_queries(gent, django_assert_max_num_queries):
    for currency in ("EUR", "USD", "GBP"):
        account_services.create_account(None, gent, currency=currency)
    for _ in range(4):
        task(gent)
    with django_assert_max_num_queries(3):
        analytics.contact_analytics(gent)


def test_insight_model_str_and_progress(insight):
    export = InsightExport(insight=insight, rows_total=200, rows_done=50)
    assert export.progress == 25 and str(insight) == "Calls"
    assert InsightExport(insight=insight).progress == 0
    assert Insight.Event.ACTIVITIES not in services.MONETARY
