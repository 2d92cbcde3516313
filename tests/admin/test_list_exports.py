"""Exports of filtered back-office lists to CSV and XLSX, through the insights export machinery
(a job, streamed, progress, a fixed file name), with a link to the running export."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from apps.insights import list_exports
from apps.insights.models import ListExport
from apps.parties import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(admin_user):
    return [
        services.create_person(admin_user, first_name=first, last_name=last)
        for first, last in [("Jan", "Peeters"), ("An", "Peeters"), ("Piet", "Maes")]
    ]


def _export(client, url, action, data, capture):
    with capture(execute=True):
        response = client.post(url, {"action": action, **data}, follow=True)
    return response


def _download(client, export):
    response = client.get(reverse("admin:insights_listexport_download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_filtered_person_list_exports_to_csv(admin_client, persons, django_capture_on_commit_callbacks):
    url = reverse("admin:parties_person_changelist") + "?q=Peeters"
    selected = [p.pk for p in persons]  # "select all" sends the page's boxes and select_across=1
    response = _export(
        admin_client,
        url,
        "export_csv",
        {"select_across": "1", "_selected_action": selected},
        django_capture_on_commit_callbacks,
    )
    export = ListExport.objects.get()
    message = [str(m) for m in get_messages(response.wsgi_request)][0]
    assert reverse("admin:insights_listexport_change", args=[export.pk]) in message
    assert export.state == ListExport.State.COMPLETED and export.rows_total == 2 and export.rows_done == 2
    assert export.query == "q=Peeters" and export.ids is None
    rows = list(csv.DictReader(io.StringIO(_download(admin_client, export).decode())))
    assert sorted(row["first_name"] for row in rows) == ["An", "Jan"]
    page = admin_client.get(reverse("admin:insights_listexport_change", args=[export.pk]))
    assert "Download CSV" in page.content.decode()


def test_picked_organisations_export_to_xlsx(admin_client, admin_user, django_capture_on_commit_callbacks):
    organisations = [services.create_organisation(admin_user, name=f"Org {n}") for n in range(3)]
    url = reverse("admin:parties_organisation_changelist")
    _export(
        admin_client,
        url,
        "export_xlsx",
        {"_selected_action": [organisations[0].pk, organisations[2].pk]},
        django_capture_on_commit_callbacks,
    )
    export = ListExport.objects.get()
    assert export.ids == [organisations[0].pk, organisations[2].pk]
    book = load_workbook(io.BytesIO(_download(admin_client, export)), read_only=True)
    values = list(book.active.values)
    names = [row[values[0].index("name")] for row in values[1:]]
    assert names == ["Org 0", "Org 2"]


@pytest.mark.parametrize(
    "changelist",
    ["sales_activity", "accounts_account", "sales_order", "parties_membership"],
)
def test_other_lists_offer_the_exports(admin_client, changelist):
    response = admin_client.get(reverse(f"admin:{changelist}_changelist"))
    content = response.content.decode()
    assert 'value="export_csv"' in content and 'value="export_xlsx"' in content


def test_a_run_again_replaces_the_file(admin_client, persons):
    export = ListExport.objects.create(model="parties.person", query="", format="CSV")
    list_exports.run_list_export(export.pk)
    ListExport.objects.filter(pk=export.pk).update(state=ListExport.State.RUNNING)
    list_exports.run_list_export(export.pk)
    export.refresh_from_db()
    assert export.attempts == 2 and export.rows_done == 3 and export.file.name == export.file_name
