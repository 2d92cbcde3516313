"""Redis stopped under a running stack (gunicorn, a prefork worker, beat), then started again
(empty: it kept nothing). While it is down, every API still answers (no 5xx): throttles count in
each process's memory, logins and reads work, and the writes that need background work are
committed with their jobs, unpublished. Once Redis is back, the sweep publishes those jobs and the
worker processes every record: nothing is left pending."""

import base64
import time

import pytest
from django.apps import apps

from apps.content import services as content_services
from apps.content.models import File, Picture
from apps.core.models import Job
from apps.insights import services as insight_services
from apps.insights.models import InsightExport
from apps.parties import services as party_services
from apps.parties import services_accounts
from apps.parties.data.accounts import install as install_account_types
from apps.parties.data.reference import install as install_reference
from apps.parties.models import AccountType, Party
from tests.content.helpers import jpeg_bytes, png_bytes
from tests.factories import activities
from tests.processes import wait_for

from .conftest import PASSWORD, Http

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
RECOVERY = 60  # seconds


def test_with_redis_down_the_apis_answer_and_every_record_is_processed_once_it_is_back(stack, staff):
    install_account_types(apps)
    install_reference(apps)
    activities(50)
    album = content_services.create_album(None, name="Outage")
    insight = insight_services.set_event(
        None, insight_services.create_insight(None, name="Every activity"), event="ACTIVITIES"
    )
    kind = AccountType.objects.first()
    target = services_accounts.create_account(None, name="Target AB", account_type=kind)
    source = services_accounts.create_account(
        None, name="Source AB", account_type=kind, website="https://s.example"
    )
    person = party_services.create_person(None, first_name="Lena", last_name="Photo")
    stack.server()
    stack.worker("worker", "prefork")
    stack.beat()
    base = stack.base_url
    peepl = Http(base + "/peepl/v1/admin/", Authorization=f"Token {staff.raw_key}")
    backoffice = Http(base + "/backoffice/v2/", **{"api-key": staff.raw_key})
    cirrus = Http(base + "/cirrus/", **{"X-Token": staff.raw_key})
    crm = Http(base + "/crmapi/rest/v2/")
    incwo = Http(base + "/incwo/1/")
    incwo.auth = ("staff", PASSWORD)
    assert peepl.get("contacts/").status_code == 200  # the stack works

    stack.redis.stop()
    answers = {
        "peepl read": peepl.get("contacts/"),
        "peepl upload": peepl.post(
            "pictures/",
            data={"album": album.pk},
            files={"file": ("beach.png", png_bytes(800, 600), "image/png")},
        ),
        "back-office login": backoffice.post(
            "users/authenticate", json={"username": "staff", "password": PASSWORD}
        ),
        "back-office bad login": backoffice.post(
            "users/authenticate", json={"username": "staff", "password": "no"}
        ),
        "back-office read": backoffice.get("insights"),
        "back-office export": backoffice.post(f"insights/{insight.uuid}/exports", json={"format": "CSV"}),
        "cirrus read": cirrus.get("accounts"),
        "cirrus upload": cirrus.post(
            "files", json={"name": "offer.txt", "content": base64.b64encode(b"An offer.\n").decode()}
        ),
        "cirrus merge": cirrus.post(f"accounts/{target.pk}/merge/{source.pk}"),
        "incwo read": incwo.get("contacts.xml"),
    }
    login = crm.post(
        "authentication/token", json={"username": "staff", "password": PASSWORD, "organisation": "CRMDEMO"}
    )
    answers["crm.com login"] = login
    token = login.json()["data"]["token"]
    identifier = f"id={person.uuid.hex.upper()}"
    answers["crm.com read"] = crm.get(
        "contact_information/show", params={"token": token, "contact_information_identifier": identifier}
    )
    answers["crm.com photo"] = crm.post(
        "contact_information/profile_photo/add",
        data={"token": token, "contact_information_identifier": identifier},
        files={"file": ("me.jpg", jpeg_bytes(), "image/jpeg")},
    )
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {
        "peepl read": 200,
        "peepl upload": 201,
        "back-office login": 200,
        "back-office bad login": 401,
        "back-office read": 200,
        "back-office export": 200,
        "cirrus read": 200,
        "cirrus upload": 201,
        "cirrus merge": 202,  # queued: it runs when the broker is back
        "incwo read": 200,
        "crm.com login": 200,
        "crm.com read": 200,
        "crm.com photo": 200,
    }, {name: r.text[:300] for name, r in answers.items() if r.status_code >= 500}

    picture = Picture.objects.get(pk=answers["peepl upload"].json()["id"])
    export = InsightExport.objects.get(uuid=answers["back-office export"].json()["id"])
    cirrus_file = File.objects.get(pk=answers["cirrus upload"].json()["id"])
    photo = Party.objects.get(pk=person.pk).profile_photo
    records = [picture, cirrus_file, photo]
    assert [r.status for r in records] == ["pending"] * 3 and export.state == "pending"
    jobs = Job.objects.order_by("pk")
    assert jobs.count() == 5 and not jobs.exclude(state="pending").exists()
    assert not jobs.filter(published__isnull=False).exists()  # the broker was down: kept for the sweep

    stack.redis.start()
    back = time.monotonic()

    def processed():
        for record in records:
            record.refresh_from_db()
        export.refresh_from_db()
        return (
            all(r.status == "ready" for r in records)
            and export.state == "completed"
            and not Party.objects.filter(pk=source.pk).exists()
        )

    wait_for(processed, RECOVERY, interval=0.5, what=f"every record to be processed\n{stack.logs_text()}")
    print(f"\nevery record processed {time.monotonic() - back:.1f} s after Redis was back")
    assert picture.thumbnails.count() == 2 and len(cirrus_file.sha256) == 64 and len(photo.sha256) == 64
    assert export.rows_done == 50 and (stack.media / export.file.name).exists()
    assert [(job.state, job.attempts) for job in Job.objects.order_by("pk")] == [("done", 1)] * 5
    assert peepl.get("contacts/").status_code == 200
