"""A worker killed with `kill -9` (its main process and its pool: the whole process group) in the
middle of a job, then a new worker: the job completes, once, within seconds (the deadlines of
tests/faults/conftest.py; production's are in the README). The jobs are asked for through the
APIs on a gunicorn server; Celery beat runs the sweep. And a worker that was only paused, and
comes back after another finished its job, changes nothing.

What brings the job back: its run stops beating when the worker dies; after JOBS_STALE_AFTER the
sweep publishes it again and a new run claims it. Redis also hands the killed run's message on
after the visibility timeout; that delivery finds the job done, or taken, and does nothing.
"""

import signal
import threading
import time

import pytest
import redis
from django.apps import apps

from apps.core.models import Job, MergeRecord
from apps.insights import services
from apps.insights.models import InsightExport
from apps.insights.tasks import export_insight
from apps.parties import services_accounts
from apps.parties.data.accounts import install as install_account_types
from apps.parties.models import AccountType, CompanyPosition, Party
from apps.parties.tasks import merge_parties_task
from tests.factories import activities
from tests.processes import live_group_members, row_locked, wait_for

from .conftest import Http

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROWS = 12_000  # the export reports progress (and its test pause comes) every 5,000 rows
RECOVERY = 60  # seconds: the most a test waits for a job to come back


def request_export(stack, staff) -> InsightExport:
    insight = services.set_event(
        None, services.create_insight(None, name="Every activity"), event="ACTIVITIES"
    )
    backoffice = Http(stack.base_url, **{"api-key": staff.raw_key})
    response = backoffice.post(f"/backoffice/v2/insights/{insight.uuid}/exports", json={"format": "CSV"})
    assert response.status_code == 200, response.text
    return InsightExport.objects.get(uuid=response.json()["id"])


def running(export) -> bool:
    return InsightExport.objects.filter(pk=export.pk, state="running", rows_done__gt=0).exists()


def completed(export) -> InsightExport | None:
    return InsightExport.objects.filter(pk=export.pk, state="completed").first()


def stored_exports(stack) -> list[str]:
    folder = stack.media / "exports" / "insights"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_one_complete_file(stack, export):
    assert stored_exports(stack) == [export.file.name.rsplit("/", 1)[1]]
    with open(stack.media / export.file.name, encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == ROWS + 1  # the header and every row, once


def kill_whole(worker, pool):
    members = live_group_members(worker.process.pid)
    assert len(members) == (3 if pool == "prefork" else 1), (
        members
    )  # prefork: the main process and 2 children
    worker.kill()
    wait_for(
        lambda: not live_group_members(worker.process.pid), 10, what="every process of the worker to die"
    )
    return time.monotonic()


def broker_settled(stack) -> bool:
    """Nothing queued and nothing delivered unacknowledged: every message, the killed run's too,
    was delivered again and acknowledged."""
    broker = redis.Redis.from_url(stack.redis.url(1))
    return not broker.llen("celery") and not broker.hlen("unacked")


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_worker_killed_mid_export_is_replaced_and_the_export_completes_once(stack, staff, pool):
    activities(ROWS)
    stack.server()
    stack.beat()
    first = stack.worker("first", pool, INSIGHTS_EXPORT_TEST_PAUSE="60")
    export = request_export(stack, staff)
    wait_for(lambda: running(export), RECOVERY, what="the export to start")

    killed = kill_whole(first, pool)
    export.refresh_from_db()
    assert export.state == "running" and 0 < export.rows_done < ROWS and not export.file

    stack.worker("second", pool)
    export = wait_for(
        lambda: completed(export), RECOVERY, what=f"the export to complete\n{stack.logs_text()}"
    )
    print(f"\n{pool}: the export completed {time.monotonic() - killed:.1f} s after the kill")
    job = Job.objects.get(task=export_insight.name)
    assert (job.state, job.attempts, export.attempts) == ("done", 2, 2)  # the killed run and one more
    assert job.result["rows"] == export.rows_done == ROWS
    assert_one_complete_file(stack, export)

    wait_for(lambda: broker_settled(stack), RECOVERY, what="the killed run's message to be delivered again")
    time.sleep(1)
    job.refresh_from_db()
    export.refresh_from_db()
    assert (job.state, job.attempts, export.attempts, export.state) == ("done", 2, 2, "completed")
    assert_one_complete_file(stack, export)


def test_a_worker_killed_mid_merge_is_replaced_and_the_merge_answers_and_completes_once(stack, staff):
    install_account_types(apps)
    kind = AccountType.objects.first()
    target = services_accounts.create_account(None, name="Target AB", account_type=kind)
    source = services_accounts.create_account(
        None, name="Source AB", account_type=kind, website="https://s.example"
    )
    contact = services_accounts.create_contact(None, organisation=source, first_name="Eva", last_name="Ek")
    stack.server()
    stack.beat()
    first = stack.worker("first", "prefork", PARTIES_MERGE_TEST_PAUSE="60")
    cirrus = Http(stack.base_url, **{"X-Token": staff.raw_key})
    answer = {}
    request = threading.Thread(
        target=lambda: answer.update(response=cirrus.post(f"/cirrus/accounts/{target.pk}/merge/{source.pk}"))
    )
    request.start()
    wait_for(lambda: row_locked(Party, source.pk), RECOVERY, what="the merge to be under way")

    killed = kill_whole(first, "prefork")
    assert Party.objects.filter(pk=source.pk).exists() and not MergeRecord.objects.exists()  # rolled back

    stack.worker("second", "prefork")
    request.join(RECOVERY)
    print(f"\nthe merge answered {time.monotonic() - killed:.1f} s after the kill")
    response = answer["response"]  # the request waited for the job, which the second worker did
    assert response.status_code == 200, response.text
    assert response.json()["url"] == "https://s.example" and [
        c["id"] for c in response.json()["contacts"]
    ] == [contact.pk]
    assert not Party.objects.filter(pk=source.pk).exists()
    assert CompanyPosition.objects.get(person=contact).organisation_id == target.pk
    job = Job.objects.get(task=merge_parties_task.name)
    assert (job.state, job.attempts, job.result["repeated"]) == ("done", 2, False)

    wait_for(lambda: broker_settled(stack), RECOVERY, what="the killed run's message to be delivered again")
    time.sleep(1)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)
    assert MergeRecord.objects.get().source_id == source.pk


def test_a_paused_worker_that_comes_back_after_its_export_was_finished_changes_nothing(stack, staff):
    activities(ROWS)
    stack.server()
    stack.beat()
    first = stack.worker("first", "prefork", INSIGHTS_EXPORT_TEST_PAUSE="4")
    export = request_export(stack, staff)
    wait_for(lambda: running(export), RECOVERY, what="the export to start")
    first.signal_group(signal.SIGSTOP)  # frozen, as a worker on a stalled host: it stops beating

    stack.worker("second", "prefork")
    export = wait_for(
        lambda: completed(export), RECOVERY, what=f"the export to complete\n{stack.logs_text()}"
    )
    finished = (export.run, export.finished_at, export.file.name)

    first.signal_group(signal.SIGCONT)  # it wakes up mid-export, holding a run that was taken over
    wait_for(
        lambda: "this run's result is not recorded" in first.log.read_text(),
        RECOVERY,
        what=f"the first run to end\n{stack.logs_text()}",
    )
    export.refresh_from_db()
    assert (export.run, export.finished_at, export.file.name) == finished
    assert export.state == "completed" and export.attempts == 2
    job = Job.objects.get(task=export_insight.name)
    assert (job.state, job.attempts) == ("done", 2)
    assert_one_complete_file(stack, export)
