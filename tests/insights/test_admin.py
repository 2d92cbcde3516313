"""The insights admin: pages load, insights save through the service (definitions checked), the
export actions queue exports, a running export shows a progress bar and a finished one a
download link that serves the file; exports run again from the admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.insights import exports, services
from apps.insights.models import Insight, InsightExport
from apps.parties import services as party_services
from apps.sales import services_crm
from apps.sales.models import ActivityType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def insight():
    made = services.create_insight(None, name="Calls")
    services.set_event(None, made, event="ACTIVITIES")
    person = party_services.create_person(None, first_name="A", last_name="B")
    services_crm.create_crm_activity(
        None,
        name="T",
        activity_type=ActivityType.objects.get(code="call"),
        start=timezone.now(),
        contact=person,
    )
    return made


def url(name, *args):
    return reverse(f"admin:insights_{name}", args=args)


def inline_management(prefix="exports"):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def test_pages_load_with_progress_and_download(staff, insight):
    done = services.request_export(None, insight)
    exports.run_export(done.pk)
    running = InsightExport.objects.create(insight=insight, state="running", rows_total=200, rows_done=50)
    for path in (
        url("insight_changelist"),
        url("insight_add"),
        url("insight_change", insight.pk),
        url("insight_history", insight.pk),
        url("insightexport_changelist"),
        url("insightexport_change", done.pk),
        url("insightexport_change", running.pk),
    ):
        assert staff.get(path).status_code == 200, path
    page = staff.get(url("insightexport_changelist")).content.decode()
    assert '<progress value="25" max="100"></progress> 25% (50 of 200 rows)' in page
    download = url("insightexport_download", done.pk)
    assert download in page and download in staff.get(url("insight_change", insight.pk)).content.decode()
    response = staff.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"id,name")
    assert staff.get(url("insightexport_download", running.pk)).status_code == 404


def test_save_through_the_service(staff):
    data = {
        "name": "Pending",
        "description": "",
        "event": "ACTIVITIES",
        "measurement": "COUNT",
        "filters": '[{"field": "state", "op": "eq", "value": "PENDING"}]',
        "breakdowns": '["type"]',
        **inline_management(),
    }
    assert staff.post(url("insight_add"), data).status_code == 302
    insight = Insight.objects.get()
    assert insight.filters[0]["value"] == "PENDING" and insight.created_by is not None
    bad = {**data, "name": "Bad", "filters": '[{"field": "planet", "op": "eq", "value": 1}]'}
    response = staff.post(url("insight_add"), bad)
    assert response.status_code == 200 and "Unknown field" in response.content.decode()
    assert Insight.objects.count() == 1


def test_export_actions_and_run_again(staff, insight, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("insight_changelist"), {"action": "export_csv", "_selected_action": [insight.pk]})
    export = InsightExport.objects.get()
    assert export.state == "completed" and export.format == "CSV"
    failed = InsightExport.objects.create(insight=insight, state="failed", error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("insightexport_changelist"), {"action": "run_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.state == "completed" and failed.rows_done == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("insight_changelist"), {"action": "export_pdf", "_selected_action": [insight.pk]})
    assert InsightExport.objects.filter(format="PDF", state="completed").exists()


def test_delete_an_insight_with_its_exports(staff, insight):
    exports.run_export(services.request_export(None, insight).pk)
    response = staff.post(url("insight_delete", insight.pk), {"post": "yes"})
    assert response.status_code == 302 and not Insight.objects.exists() and not InsightExport.objects.exists()
