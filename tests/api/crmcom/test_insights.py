"""Back-Office v2 insights and analytics over HTTP: I1-I11 (example 15), exports with their
progress and download, N1/N2, their rules and errors, and constant queries per list."""

import csv
import io
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from apps.accounts import services as account_services
from apps.insights.models import Insight, InsightExport
from apps.parties import services as party_services
from apps.sales import services_crm
from apps.sales.models import ActivityType
from tests.api.crmcom.conftest import NOT_A_RECORD, assert_error

pytestmark = pytest.mark.django_db
NOT_FOUND = "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"


def create(bo, name="Marketing customers", **extra) -> Insight:
    response = bo.post("insights", {"name": name, **extra})
    assert response.status_code == 200, response.content  # 200, as documented
    assert set(response.json()) == {"id"}
    return Insight.objects.get(uuid=response.json()["id"])


def task(contact, code="call", state=None):
    activity = services_crm.create_crm_activity(
        None,
        name="T",
        activity_type=ActivityType.objects.get(code=code),
        start=timezone.now(),
        contact=contact,
    )
    if state:
        services_crm.update_crm_activity(None, activity, state=state)
    return activity


def test_example_15_create(bo):
    insight = create(bo, description=None)
    assert insight.name == "Marketing customers" and insight.description is None
    assert_error(bo.post("insights", {}), 400, parameters=["name"])
    assert_error(bo.post("insights", {"name": " "}), 400, parameters=["name"])


def test_get_update_and_delete(bo):
    insight = create(bo, description="d")
    body = bo.get(f"insights/{insight.uuid}").json()
    assert body["id"] == str(insight.uuid) and body["name"] == "Marketing customers"
    assert body["event"] is None and body["filters"] == [] and body["breakdowns"] == []
    assert isinstance(body["created_on"], int) and isinstance(body["updated_on"], int)
    assert bo.put(f"insights/{insight.uuid}", {"description": None}).json() == {"id": str(insight.uuid)}
    assert bo.get(f"insights/{insight.uuid}").json()["description"] is None
    assert_error(bo.put(f"insights/{insight.uuid}", {}), 400)
    assert_error(bo.put(f"insights/{insight.uuid}", {"name": None}), 400, parameters=["name"])
    response = bo.delete(f"insights/{insight.uuid}/")  # the spec's path has a trailing slash
    assert response.status_code == 204 and response.content == b""
    assert_error(bo.delete(f"insights/{insight.uuid}/"), 404, NOT_FOUND, ["insight"])
    assert_error(bo.get(f"insights/{insight.uuid}"), 404, NOT_FOUND, ["insight", str(insight.uuid)])


def test_list(bo, count_queries, django_assert_max_num_queries):
    for name in ("Bravo", "Alpha", "Charlie"):
        create(bo, name)
    body = bo.get("insights").json()
    assert [i["name"] for i in body["content"]] == ["Charlie", "Alpha", "Bravo"]
    assert body["paging"] == {"page": 1, "size": 10, "total": 3, "has_more": False}
    assert set(body["content"][0]) == {"id", "name", "description", "event", "created_on"}
    assert [i["name"] for i in bo.get("insights?sort=NAME&order=ASC&size=2").json()["content"]] == [
        "Alpha",
        "Bravo",
    ]
    assert [i["name"] for i in bo.get("insights?search_value=LPH").json()["content"]] == ["Alpha"]
    assert_error(bo.get("insights?order=sideways"), 400, parameters=["order"])
    one = count_queries(bo, "insights")
    for n in range(5):
        create(bo, f"More {n}")
    with django_assert_max_num_queries(one):
        assert len(bo.get("insights").json()["content"]) == 8


def test_events_filters_and_breakdowns(bo):
    insight = create(bo)
    path = f"insights/{insight.uuid}"
    assert bo.post(f"{path}/events", {"type": "ACTIVITIES", "measurement": "COUNT"}).json() == {
        "id": str(insight.uuid)
    }
    filters = [
        {"attribute": "state", "operator": "IN", "value": ["PENDING", "COMPLETED"]},
        {"attribute": "contact.city", "operator": "EQUALS", "value": "Gent"},
        {"attribute": "created_on", "operator": "GTE", "value": 1592809457},
    ]
    assert bo.post(f"{path}/filters", {"filters": filters}).status_code == 200
    assert (
        bo.post(
            f"{path}/breakdowns", {"breakdowns": [{"attribute": "state"}, {"attribute": "type"}]}
        ).status_code
        == 200
    )
    body = bo.get(path).json()
    assert body["event"] == {"type": "ACTIVITIES", "measurement": "COUNT"}
    assert body["filters"] == filters and body["breakdowns"] == [
        {"attribute": "state"},
        {"attribute": "type"},
    ]
    insight.refresh_from_db()
    assert insight.filters[0] == {"field": "state", "op": "in", "value": ["PENDING", "COMPLETED"]}


@pytest.mark.parametrize(
    "endpoint,body,parameter",
    [
        ("events", {}, "type"),
        ("events", {"type": "HUGS"}, "type"),
        ("events", {"type": "ACTIVITIES", "measurement": "AMOUNT"}, "measurement"),
        ("filters", {}, "filters"),
        (
            "filters",
            {"filters": [{"attribute": "state", "operator": "LIKE", "value": "x"}]},
            "filters.operator",
        ),
        ("filters", {"filters": [{"attribute": "planet", "operator": "EQUALS", "value": "x"}]}, "filters"),
        ("filters", {"filters": [{"attribute": "created_on", "operator": "GT", "value": "x"}]}, "filters"),
        ("breakdowns", {"breakdowns": [{"attribute": "planet"}]}, "breakdowns"),
        ("breakdowns", {"breakdowns": "state"}, "breakdowns"),
    ],
)
def test_definition_errors(bo, endpoint, body, parameter):
    insight = create(bo)
    bo.post(f"insights/{insight.uuid}/events", {"type": "ACTIVITIES"})
    assert parameter in assert_error(bo.post(f"insights/{insight.uuid}/{endpoint}", body), 400)["parameters"]


def test_unknown_insight_is_404_for_every_operation(bo):
    for method, suffix in (
        ("get", ""),
        ("put", ""),
        ("delete", ""),
        ("post", "/events"),
        ("post", "/filters"),
        ("post", "/breakdowns"),
        ("get", "/results"),
        ("post", "/preview"),
        ("post", "/exports"),
    ):
        response = getattr(bo, method)(f"insights/{NOT_A_RECORD}{suffix}", {})
        assert_error(response, 404, NOT_FOUND, ["insight", NOT_A_RECORD])


def test_results_and_preview(bo, contact):
    task(contact, "call")
    task(contact, "call", "COMPLETED".lower())
    task(contact, "meeting")
    insight = create(bo)
    path = f"insights/{insight.uuid}"
    assert_error(bo.get(f"{path}/results"), 400, parameters=["event"])
    bo.post(f"{path}/events", {"type": "ACTIVITIES"})
    bo.post(f"{path}/breakdowns", {"breakdowns": [{"attribute": "type"}]})
    now = int(timezone.now().timestamp())
    body = bo.get(f"{path}/results?from_date={now - 86400}&to_date={now + 60}").json()
    assert set(body) == {"content"}
    counted = {}
    for point in body["content"]:
        assert set(point) == {"date", "breakdown", "value"} and isinstance(point["date"], int)
        counted[point["breakdown"]["type"]] = counted.get(point["breakdown"]["type"], 0) + point["value"]
    assert counted == {"Call": 2, "Meeting": 1}
    weekly = bo.get(f"{path}/results?interval=week").json()["content"]  # default range: 30 days
    assert 4 <= len({p["date"] for p in weekly}) <= 6
    assert_error(bo.get(f"{path}/results?interval=YEAR"), 400, parameters=["interval"])
    assert_error(bo.get(f"{path}/results?from_date=yesterday"), 400, parameters=["from_date"])
    assert_error(bo.get(f"{path}/results?from_date={now}&to_date={now - 86400}"), 400, parameters=["to_date"])
    preview = {
        "event": {"type": "ACTIVITIES"},
        "filters": [{"attribute": "state", "operator": "EQUALS", "value": "COMPLETED"}],
        "from_date": now - 86400,
        "to_date": now + 60,
    }
    response = bo.post(f"{path}/preview", preview)
    assert response.status_code == 200
    assert sum(p["value"] for p in response.json()["content"]) == 1
    insight.refresh_from_db()
    assert insight.filters == [] and insight.breakdowns == ["type"]  # nothing saved
    zero = bo.post(f"{path}/preview", {"event": {"type": "AWARDS"}, "from_date": now - 86400, "to_date": now})
    assert [p["value"] for p in zero.json()["content"]] == [0, 0]
    assert_error(bo.post(f"{path}/preview", {}), 400, parameters=["event"])


def test_amounts(bo, contact):
    account = account_services.create_account(None, contact, currency="EUR")
    account_services.post_entry(None, account, kind="invoice", amount="99.99")
    account_services.post_entry(None, account, kind="payment", amount="40.5")
    insight = create(bo)
    assert (
        bo.post(f"insights/{insight.uuid}/events", {"type": "PAYMENTS", "measurement": "AMOUNT"}).status_code
        == 200
    )
    content = bo.get(f"insights/{insight.uuid}/results").json()["content"]
    assert sum(p["value"] for p in content) == 40.5


def test_exports_with_progress_and_download(bo, contact, django_capture_on_commit_callbacks):
    for _ in range(3):
        task(contact)
    insight = create(bo)
    bo.post(f"insights/{insight.uuid}/events", {"type": "ACTIVITIES"})
    with django_capture_on_commit_callbacks(execute=True):
        response = bo.post(f"insights/{insight.uuid}/exports", {"format": "CSV"})
    assert response.status_code == 200 and set(response.json()) == {"id"}
    export_id = response.json()["id"]
    body = bo.get(f"insights/{insight.uuid}/exports/{export_id}").json()
    assert body["state"] == "COMPLETED" and body["rows_done"] == 3 and body["rows_total"] == 3
    assert body["progress"] == 100 and body["download"].endswith(f"/exports/{export_id}/file")
    assert body["download"].startswith("http://testserver/backoffice/v2/")
    download = bo.get(urlsplit(body["download"]).path)
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 4 and rows[0][0] == "id"
    with django_capture_on_commit_callbacks(execute=True):
        pdf = bo.post(f"insights/{insight.uuid}/exports", {"format": "pdf"}).json()["id"]
    file = bo.get(f"insights/{insight.uuid}/exports/{pdf}/file")
    assert file["Content-Type"] == "application/pdf" and b"".join(file.streaming_content).startswith(b"%PDF")


def test_export_errors(bo):
    insight = create(bo)
    assert_error(bo.post(f"insights/{insight.uuid}/exports", {"format": "CSV"}), 400, parameters=["event"])
    bo.post(f"insights/{insight.uuid}/events", {"type": "ACTIVITIES"})
    assert_error(bo.post(f"insights/{insight.uuid}/exports", {"format": "XLSX"}), 400, parameters=["format"])
    export = InsightExport.objects.create(insight=insight)  # queued, not run
    path = f"insights/{insight.uuid}/exports/{export.uuid}"
    body = bo.get(path).json()
    assert body["state"] == "PENDING" and body["download"] is None and body["progress"] == 0
    assert_error(bo.get(f"{path}/file"), 400, parameters=["export"])
    assert_error(bo.get(f"insights/{insight.uuid}/exports/{NOT_A_RECORD}"), 404, NOT_FOUND, ["export"])


def test_exports_are_readable_by_their_owner_unless_one_may_see_all(
    bo, contact, admin_client, django_capture_on_commit_callbacks
):
    """Issue 16: any user with the view permission read every export. An export holds what its
    requester could see: others read it only with insights.view_all_exports."""
    from django.contrib.auth.models import Permission

    from tests.api.crmcom.conftest import client_for
    from tests.factories import UserFactory

    def analyst(*codenames):
        user = UserFactory()
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return user

    viewing = ("view_insight", "add_insightexport", "view_insightexport")
    alice, bob = analyst(*viewing), analyst(*viewing)
    auditor = analyst(*viewing, "view_all_exports")
    task(contact)
    insight = create(bo)
    bo.post(f"insights/{insight.uuid}/events", {"type": "ACTIVITIES"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(f"insights/{insight.uuid}/exports", {"format": "CSV"})
    assert response.status_code == 200, response.content
    path = f"insights/{insight.uuid}/exports/{response.json()['id']}"
    assert client_for(alice).get(path).status_code == 200
    assert client_for(alice).get(f"{path}/file").status_code == 200
    assert_error(client_for(bob).get(path), 404, NOT_FOUND, ["export"])
    assert_error(client_for(bob).get(f"{path}/file"), 404, NOT_FOUND, ["export"])
    assert client_for(auditor).get(f"{path}/file").status_code == 200
    assert bo.get(path).status_code == 200  # a superuser may see all
    export = InsightExport.objects.get()
    admin_client.force_login(bob)
    bob.is_staff = True
    bob.save()
    assert admin_client.get(f"/admin/insights/insightexport/{export.pk}/download/").status_code == 404
    assert admin_client.get("/admin/insights/insightexport/").context["cl"].result_count == 0
    admin_client.force_login(alice)
    alice.is_staff = True
    alice.save()
    assert admin_client.get(f"/admin/insights/insightexport/{export.pk}/download/").status_code == 200


# --- Analytics (N1, N2) ------------------------------------------------------------------------


def test_contact_analytics(bo, contact):
    account = account_services.create_account(None, contact, currency="EUR")
    account_services.post_entry(None, account, kind="invoice", amount="10")
    task(contact)
    task(contact, state="completed")
    response = bo.get(f"contacts/{contact.uuid}/analytics")
    assert response.status_code == 200
    body = response.json()
    assert body["contact_id"] == str(contact.uuid)
    assert body["accounts"] == {"total": 1, "active": 1, "suspended": 0, "terminated": 0}
    assert body["financials"] == [{"currency_code": "EUR", "balance": 10.0, "overdue_amount": 0.0}]
    activities = body["activities"]
    assert (activities["total"], activities["pending"], activities["completed"]) == (2, 1, 1)
    assert isinstance(activities["last_created_on"], int)
    assert bo.get(f"contacts/{contact.pk}/analytics").json()["contact_id"] == str(contact.uuid)  # by code
    assert_error(bo.get(f"contacts/{NOT_A_RECORD}/analytics"), 404, NOT_FOUND, ["contact", NOT_A_RECORD])


def test_organisation_analytics(bo, contact):
    acme = party_services.create_organisation(None, name="ACME")
    party_services.set_employer(None, contact, acme)
    task(contact)
    response = bo.get(f"organisations/{acme.uuid}/analytics")
    assert response.status_code == 200
    body = response.json()
    assert body["organisation_id"] == str(acme.uuid) and body["contacts"] == {"total": 1}
    assert body["activities"]["total"] == 1 and body["financials"] == []
    assert body["activities"]["last_created_on"] is not None
    assert_error(bo.get(f"organisations/{contact.uuid}/analytics"), 404, NOT_FOUND, ["organisation"])
