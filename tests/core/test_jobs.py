"""Jobs (apps.core.jobs), eagerly: recorded with the write that needs them, run after commit,
claimed by one run at a time, and swept. The same machinery on a real worker, killed, paused and
with Redis stopped, is tested in tests/faults."""

import datetime

import pytest
from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from apps.core import jobs
from apps.core.jobs import JobTask
from apps.core.models import Job
from crm.celery import app as celery_app

pytestmark = pytest.mark.django_db
RUNS = []


@shared_task(base=JobTask, name="tests.core.test_jobs.note")
def note(value):
    RUNS.append(value)
    return {"noted": value}


@shared_task(base=JobTask, name="tests.core.test_jobs.refuse")
def refuse():
    raise ValidationError("Not this one.")


@shared_task(
    base=JobTask,
    name="tests.core.test_jobs.flaky",
    autoretry_for=(OperationalError,),
    max_retries=1,
    default_retry_delay=0,
)
def flaky(value):
    RUNS.append(value)
    if len(RUNS) == 1:
        raise OperationalError("the database blinked")
    return len(RUNS)


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_a_job_commits_with_its_write_and_runs_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = jobs.enqueue(note, "a")
        assert RUNS == []  # not before the write is committed
    assert RUNS == ["a"]
    job.refresh_from_db()
    assert (job.state, job.result, job.attempts, job.task) == ("done", {"noted": "a"}, 1, note.name)
    assert job.published and job.started and job.finished


def test_a_rolled_back_write_leaves_no_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue(note, "b")
        raise RuntimeError("the write failed")
    assert not Job.objects.exists() and RUNS == []


def test_a_job_delivered_again_after_it_completed_does_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(note, "c")
    assert jobs.publish(job)  # a second delivery (the broker redelivering, the sweep)
    assert RUNS == ["c"]
    job.refresh_from_db()
    assert job.attempts == 1 and job.state == "done"


def test_a_running_job_is_left_to_its_run_while_it_beats_and_taken_over_when_it_stops(settings):
    settings.JOBS_STALE_AFTER = 60
    run = "6f1c1f4e-0000-4000-8000-000000000000"
    job = Job.objects.create(
        task=note.name, args=["d"], state="running", run=run, attempts=1, heartbeat=ago(5)
    )
    jobs.publish(job)
    job.refresh_from_db()
    assert RUNS == [] and str(job.run) == run  # alive: this delivery does nothing

    Job.objects.filter(pk=job.pk).update(heartbeat=ago(61))  # its worker died
    jobs.publish(job)
    job.refresh_from_db()
    assert RUNS == ["d"] and job.state == "done" and job.attempts == 2 and str(job.run) != run


def test_a_refused_job_fails_with_the_reason(django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(refuse)
    job = Job.objects.get()
    assert (job.state, job.error) == ("failed", "Not this one.")
    assert job.finished is not None


def test_a_retried_job_is_handed_to_its_retry(django_capture_on_commit_callbacks, monkeypatch):
    # Eager Celery raises a retry instead of running it, unless errors are not propagated.
    monkeypatch.setattr(celery_app.conf, "task_eager_propagates", False)
    monkeypatch.setattr(celery_app.conf, "CELERY_TASK_EAGER_PROPAGATES", False)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(flaky, "e")
    job.refresh_from_db()
    assert RUNS == ["e", "e"] and (job.state, job.result, job.attempts) == ("done", 2, 2)


def test_the_sweep_publishes_what_needs_it(settings):
    settings.JOBS_STALE_AFTER = 60
    settings.JOBS_REPUBLISH_AFTER = 600
    settings.JOBS_RETENTION_DAYS = 7
    unpublished = Job.objects.create(task=note.name, args=["never published"])
    lost = Job.objects.create(task=note.name, args=["lost by the broker"], published=ago(601))
    queued = Job.objects.create(task=note.name, args=["queued"], published=ago(10))
    running = {"task": note.name, "state": "running", "attempts": 1, "published": ago(900)}
    dead = Job.objects.create(args=["dead worker"], heartbeat=ago(61), **running)
    alive = Job.objects.create(args=["alive"], heartbeat=ago(1), **running)
    old = Job.objects.create(task=note.name, state="done", finished=ago(8 * 24 * 3600))
    recent = Job.objects.create(task=note.name, state="done", finished=ago(60))

    assert jobs.sweep() == {"published": 3, "given_up": 0, "deleted": 1}

    assert sorted(RUNS) == ["dead worker", "lost by the broker", "never published"]
    for job in (unpublished, lost, dead):
        job.refresh_from_db()
        assert job.state == "done"
    assert Job.objects.get(pk=queued.pk).state == "pending"
    assert Job.objects.get(pk=alive.pk).state == "running"
    assert not Job.objects.filter(pk=old.pk).exists() and Job.objects.filter(pk=recent.pk).exists()
    assert jobs.sweep() == {"published": 0, "given_up": 0, "deleted": 0}  # nothing twice


def test_a_job_whose_runs_keep_dying_is_given_up(settings):
    settings.JOBS_STALE_AFTER = 60
    settings.JOBS_MAX_ATTEMPTS = 3
    job = Job.objects.create(
        task=note.name, args=["poison"], state="running", attempts=3, published=ago(900), heartbeat=ago(61)
    )
    assert jobs.sweep()["given_up"] == 1
    job.refresh_from_db()
    assert job.state == "failed" and "Given up after 3 attempts" in job.error
    assert RUNS == []


def test_a_task_called_directly_runs_without_a_job():
    assert note.delay("f").get() == {"noted": "f"}
    assert RUNS == ["f"] and not Job.objects.exists()
