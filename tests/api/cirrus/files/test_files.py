"""Cirrus files and folders over HTTP (O70-O75): base64 uploads through the content services,
connections to an account, a contact and an activity, the list filters, folders, masks and
errors; constant query counts."""

import base64
import datetime

import pytest
from django.utils import timezone

from apps.api.cirrus.files.serializers import FileSerializer, FolderSerializer
from apps.content import services as content_services
from apps.content.models import File, ProcessingStatus
from apps.parties import services as party_services
from apps.parties import services_accounts
from apps.sales.models import Activity, ActivityType

from ..support import *  # noqa: F403
from ..support import assert_shape, count_queries

pytestmark = pytest.mark.django_db

TEXT = b"Offer\n\nTwelve crates at the usual conditions.\n"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def acme():
    return services_accounts.create_account(None, name="Acme AB", phone="090-1")


@pytest.fixture
def eva(acme):
    return services_accounts.create_contact(
        None, organisation=acme, first_name="Eva", last_name="Ek", job={"title": "CEO"}
    )


@pytest.fixture
def activity(acme, admin_user):
    kind = ActivityType.objects.create(name="Visit")
    return Activity.objects.create(
        name="Visit Acme",
        description="Yearly visit",
        start=timezone.make_aware(datetime.datetime(2024, 5, 2, 10)),
        account=acme,
        owner=admin_user,
        activity_type=kind,
    )


@pytest.fixture
def folder(acme):
    root = content_services.create_folder(None, name="Accounts")
    return content_services.create_folder(None, name="Acme", parent=root, party=acme)


def upload(cirrus, **fields):
    response = cirrus.call("post", "files", {"name": "offer.txt", "content": b64(TEXT), **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_and_read_a_file(cirrus, acme, activity, folder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = upload(
            cirrus,
            info="The offer",
            folderid=folder.pk,
            connectedaccounts=[acme.pk],
            connectedactivities=[activity.pk],
        )
    assert_shape(body, FileSerializer)
    assert body["name"] == "offer.txt" and body["info"] == "The offer"
    assert body["folderid"] == folder.pk
    assert body["folder"] == {"id": folder.pk, "name": "Acme", "parentfolderid": folder.parent_id}
    assert body["templateid"] is None and body["template"] is None
    assert body["connectedaccounts"] == [acme.pk] and body["connectedcontacts"] == []
    assert body["connectedactivities"] == [activity.pk]
    assert body["accounts"][0]["id"] == acme.pk and body["accounts"][0]["phone"] == "090-1"
    assert body["activities"] == [
        {
            "id": activity.pk,
            "description": "Yearly visit",
            "date": "2024-05-02",
            "user": body["activities"][0]["user"],
            "type": {"id": activity.activity_type_id, "name": "Visit"},
            "account": body["accounts"][0],
        }
    ]
    assert body["activities"][0]["user"]["id"] == activity.owner_id
    assert body["opportunities"] == [] and body["connectedusers"] == []
    assert "content" not in body
    timestamp = datetime.datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert abs(timestamp - timezone.now()) < datetime.timedelta(minutes=1)
    # stored and processed by the content domain (eager Celery here)
    file = File.objects.get(pk=body["id"])
    assert file.file.read() == TEXT
    assert (
        file.status == ProcessingStatus.READY and file.content_type == "text/plain" and file.size == len(TEXT)
    )
    assert cirrus.call("get", f"files/{body['id']}").json() == body


def test_a_file_of_a_contact(cirrus, eva):
    body = upload(cirrus, connectedcontacts=[eva.pk])
    assert body["connectedcontacts"] == [eva.pk] and body["connectedaccounts"] == []
    assert body["contacts"] == [
        {
            "id": eva.pk,
            "name": "Eva",
            "surname": "Ek",
            "title": "CEO",
            "email": None,
            "officephone": None,
            "cellphone": None,
            "number": None,
        }
    ]
    assert [f["id"] for f in cirrus.call("get", f"contacts/{eva.pk}").json()["files"]] == [body["id"]]


def test_a_file_of_several_accounts_and_contacts(cirrus, acme, eva, admin_user):
    """connectedaccounts and connectedcontacts together, several of each: every one is kept, every
    reader sees the file, and a list sent replaces only its kind of connection."""
    other = services_accounts.create_account(None, name="Bygg AB")
    bo = services_accounts.create_contact(None, organisation=other, first_name="Bo", last_name="Berg")
    body = upload(cirrus, connectedaccounts=[acme.pk, other.pk], connectedcontacts=[eva.pk, bo.pk])
    assert body["connectedaccounts"] == [acme.pk, other.pk] and body["connectedcontacts"] == [eva.pk, bo.pk]
    assert [a["name"] for a in body["accounts"]] == ["Acme AB", "Bygg AB"]
    assert [c["surname"] for c in body["contacts"]] == ["Ek", "Berg"]
    for path in (f"accounts/{acme.pk}", f"accounts/{other.pk}", f"contacts/{eva.pk}", f"contacts/{bo.pk}"):
        assert [f["id"] for f in cirrus.call("get", path).json()["files"]] == [body["id"]]
    for query in (f"accountid={other.pk}", f"contactid={bo.pk}", f"accountid={acme.pk}&contactid={eva.pk}"):
        assert [f["id"] for f in cirrus.call("get", f"files?{query}").json()["items"]] == [body["id"]]
    # the accounts sent replace the accounts; the contacts stay
    put = {"name": "offer.txt", "content": b64(TEXT), "connectedaccounts": [other.pk]}
    updated = cirrus.call("put", f"files/{body['id']}", put).json()
    assert updated["connectedaccounts"] == [other.pk] and updated["connectedcontacts"] == [eva.pk, bo.pk]
    # a party's deletion drops its connection; the file stays while others hold it
    party_services.delete_party(None, bo)
    assert cirrus.call("get", f"files/{body['id']}").json()["connectedcontacts"] == [eva.pk]
    for party in (other, eva):
        party_services.delete_party(None, party)
    assert not File.objects.exists()


def test_a_data_url_is_accepted(cirrus):
    body = upload(cirrus, name="doc.pdf", content="data:application/pdf;base64," + b64(PDF))
    assert File.objects.get(pk=body["id"]).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"content": "not base64!"}, "content"),
        ({"content": ""}, "content"),
        ({"content": None}, "content"),
        ({"content": b64(b"")}, "content"),
        (
            {"content": b64(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)))},
            "content",
        ),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"folderid": 999999}, "folderid"),
        ({"connectedaccounts": [999999]}, "connectedaccounts"),
        ({"connectedaccounts": "1"}, "connectedaccounts"),
        ({"connectedcontacts": ["ACME"]}, "connectedcontacts"),
        ({"connectedactivities": [999999]}, "connectedactivities"),
        ({"connectedopportunities": [1]}, "connectedopportunities"),
        ({"connectedusers": [1]}, "connectedusers"),
        ({"connectedorders": ["x"]}, "connectedorders"),
    ],
)
def test_upload_validation(cirrus, acme, eva, fields, error):
    fields = {k: ([acme.pk] if v == ["ACME"] else [eva.pk] if v == ["EVA"] else v) for k, v in fields.items()}
    response = cirrus.call("post", "files", {"name": "offer.txt", "content": b64(TEXT), **fields})
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == {error}
    assert not File.objects.exists()


def test_empty_connection_lists_are_fine(cirrus):
    body = upload(cirrus, connectedopportunities=[], connectedusers=[], connectedaccounts=[])
    assert body["connectedaccounts"] == []


def test_update_replaces_content_and_connections(cirrus, acme, eva, folder):
    body = upload(cirrus, connectedaccounts=[acme.pk], info="v1")
    first_name = File.objects.get(pk=body["id"]).file.name
    response = cirrus.call(
        "put",
        f"files/{body['id']}",
        {
            "name": "offer-v2.pdf",
            "content": b64(PDF),
            "connectedcontacts": [eva.pk],
            "connectedaccounts": [],
            "folderid": folder.pk,
        },
    )
    assert response.status_code == 200, response.json()
    updated = response.json()
    assert updated["name"] == "offer-v2.pdf" and updated["info"] == "v1"
    assert updated["connectedaccounts"] == [] and updated["connectedcontacts"] == [eva.pk]
    assert updated["folderid"] == folder.pk
    file = File.objects.get(pk=body["id"])
    assert file.file.read() == PDF and file.file.name != first_name and file.content_type == "application/pdf"
    # connections not sent are kept
    kept = cirrus.call(
        "put", f"files/{body['id']}", {"name": "x.txt", "content": b64(TEXT), "info": "v3"}
    ).json()
    assert kept["connectedcontacts"] == [eva.pk] and kept["info"] == "v3"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "x"}, "content"),
        ({"content": "CONTENT"}, "name"),
        ({"name": "x", "content": "!!"}, "content"),
    ],
)
def test_update_requires_name_and_content(cirrus, fields, error):
    body = upload(cirrus)
    fields = {k: b64(TEXT) if v == "CONTENT" else v for k, v in fields.items()}
    response = cirrus.call("put", f"files/{body['id']}", fields)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {error}


def test_update_cannot_move_a_file_to_another_activity(cirrus, activity):
    body = upload(cirrus)
    response = cirrus.call(
        "put",
        f"files/{body['id']}",
        {"name": "x", "content": b64(TEXT), "connectedactivities": [activity.pk]},
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"connectedactivities"}
    same = cirrus.call(
        "put", f"files/{body['id']}", {"name": "x", "content": b64(TEXT), "connectedactivities": []}
    )
    assert same.status_code == 200


def test_unknown_file_is_404(cirrus):
    assert cirrus.call("get", "files/999999").status_code == 404
    assert cirrus.call("put", "files/999999", {"name": "x", "content": b64(TEXT)}).status_code == 404


def test_file_list_filters_and_order(cirrus, acme, eva, activity):
    account_file = upload(cirrus, connectedaccounts=[acme.pk])
    contact_file = upload(cirrus, connectedcontacts=[eva.pk])
    activity_file = upload(cirrus, connectedactivities=[activity.pk], connectedaccounts=[acme.pk])
    loose = upload(cirrus)

    def ids(query=""):
        response = cirrus.call("get", f"files{query}")
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [loose["id"], activity_file["id"], contact_file["id"], account_file["id"]]
    assert ids(f"?accountid={acme.pk}") == [activity_file["id"], account_file["id"]]
    assert ids(f"?contactid={eva.pk}") == [contact_file["id"]]
    assert ids(f"?accountid={eva.pk}") == []
    assert ids(f"?activityid={activity.pk}") == [activity_file["id"]]
    assert ids(f"?activityid={activity.pk}&accountid={acme.pk}") == [activity_file["id"]]
    for name in (
        "articleid",
        "opportunityid",
        "quoteid",
        "orderid",
        "leadid",
        "projectid",
        "objectid",
        "userid",
        "missionid",
    ):
        assert ids(f"?{name}=1") == [], name
    assert cirrus.call("get", "files?accountid=x").status_code == 400
    assert cirrus.call("get", "files?per_page=51").status_code == 400
    masked = cirrus.call("get", "files?per_page=1", HTTP_X_FIELDS="{id,name}").json()
    assert masked["items"] == [{"id": loose["id"], "name": "offer.txt"}] and masked["pages"] == 4


def test_file_list_constant_queries(cirrus, acme, eva, activity, folder):
    for _ in range(6):
        upload(cirrus, connectedaccounts=[acme.pk], connectedactivities=[activity.pk], folderid=folder.pk)
        upload(cirrus, connectedcontacts=[eva.pk])
    cirrus.call("get", "files")
    small, _ = count_queries(lambda: cirrus.call("get", "files?per_page=5"))
    large, _ = count_queries(lambda: cirrus.call("get", "files?per_page=50"))
    masked, _ = count_queries(lambda: cirrus.call("get", "files?per_page=50", HTTP_X_FIELDS="{items{id}}"))
    assert small == large == masked


# --- Folders --------------------------------------------------------------------------------


def test_folders(cirrus, acme, folder):
    child = content_services.create_folder(None, name="Offers", parent=folder)
    file = upload(cirrus, folderid=folder.pk)
    body = cirrus.call("get", f"folders/{folder.pk}").json()
    assert_shape(body, FolderSerializer)
    assert body == {
        "id": folder.pk,
        "name": "Acme",
        "parentfolderid": folder.parent_id,
        "accountid": acme.pk,
        "files": [{"id": file["id"], "name": "offer.txt"}],
        "account": body["account"],
        "folders": [{"id": child.pk, "name": "Offers"}],
    }
    assert body["account"]["id"] == acme.pk and body["account"]["name"] == "Acme AB"
    root = cirrus.call("get", f"folders/{folder.parent_id}").json()
    assert root["accountid"] is None and root["account"] is None and root["parentfolderid"] is None

    def ids(query=""):
        return [item["id"] for item in cirrus.call("get", f"folders{query}").json()["items"]]

    assert ids() == [folder.parent_id, folder.pk, child.pk]
    assert ids(f"?accountid={acme.pk}") == [folder.pk]
    assert ids(f"?parentfolderid={folder.pk}") == [child.pk]
    assert ids(f"?folderid={child.pk}") == [child.pk]
    assert cirrus.call("get", "folders/999999").status_code == 404
    assert cirrus.call("get", "folders?parentfolderid=x").status_code == 400
    assert cirrus.call("put", f"folders/{folder.pk}", {"name": "x"}).status_code == 405
    assert cirrus.call("get", "folders", HTTP_X_FIELDS="{total}").json() == {"total": 3}


def test_folder_list_constant_queries(cirrus, acme):
    root = content_services.create_folder(None, name="Root", party=acme)
    for i in range(8):
        sub = content_services.create_folder(None, name=f"Sub {i}", parent=root, party=acme)
        content_services.create_folder(None, name="Leaf", parent=sub)
    cirrus.call("get", "folders")
    small, _ = count_queries(lambda: cirrus.call("get", "folders?per_page=2"))
    large, _ = count_queries(lambda: cirrus.call("get", "folders?per_page=50"))
    assert small == large


def test_a_base64_upload_may_reach_the_file_size_limit(cirrus, settings):
    """Issue 16: the JSON body limit (API_MAX_BODY_SIZE) capped files near 1.5 MiB while
    FILE_UPLOAD_MAX_SIZE allows 20 MiB; uploads carry base64 (4/3 of the file)."""
    settings.API_MAX_BODY_SIZE = 64 * 1024
    settings.FILE_UPLOAD_MAX_SIZE = 512 * 1024
    text = (TEXT * (settings.FILE_UPLOAD_MAX_SIZE // len(TEXT) + 1))[: settings.FILE_UPLOAD_MAX_SIZE]
    body = upload(cirrus, name="big.txt", content=b64(text))
    assert File.objects.get(pk=body["id"]).size == settings.FILE_UPLOAD_MAX_SIZE
    over = cirrus.call("post", "files", {"name": "big.txt", "content": b64(text + b"x")})
    assert over.status_code == 400 and "content" in over.json()["errors"]  # the file limit
    too_big = cirrus.call("post", "files", {"name": "big.txt", "content": b64(text + b"x" * 4_000_000)})
    assert too_big.status_code == 413 and too_big.json() == {"message": "The request body is too large."}
    # Other Cirrus bodies keep the JSON limit.
    response = cirrus.call("post", "accounts", {"name": "x" * (70 * 1024)})
    assert response.status_code == 413
