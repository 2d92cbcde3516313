"""Background jobs: an outbox row per piece of work, so nothing is lost when the broker is down or
a worker dies.

- `enqueue(task, *args)` writes a Job row in the caller's transaction and publishes it to the
  broker after commit (`transaction.on_commit`). A broker that cannot be reached leaves the row
  unpublished (logged); the write that needed the work is committed all the same.
- The task (a `JobTask`) claims its row before running: one conditional UPDATE takes a pending
  job, or a running one whose run stopped beating, under a new run id. A delivery that finds the
  job done, or running and alive, does nothing; only the run holding the job may finish it. So a
  job completes once however many times its message is delivered, and a run that comes back
  after it was taken over (a worker paused, partitioned) cannot complete it again.
- While it runs, a thread records a heartbeat every `JOBS_STALE_AFTER / 6` seconds.
- `sweep()` (the `sweep_jobs` task, run by Celery beat every `JOBS_SWEEP_INTERVAL` seconds)
  publishes what never reached the broker, publishes again what the broker may have lost
  (pending for `JOBS_REPUBLISH_AFTER`), and publishes again the jobs whose run stopped beating
  for `JOBS_STALE_AFTER` (a killed worker), where a new run claims them. A job started
  `JOBS_MAX_ATTEMPTS` times is given up (failed). Finished jobs go after `JOBS_RETENTION_DAYS`.

A task run as a job must be idempotent: it may start again after a run died halfway (and the
broker may redeliver it too: `acks_late` and `reject_on_worker_lost`). Called directly
(`task.delay(...)`, no Job row), a JobTask runs as a plain Celery task.
"""

import logging
import threading
import time
import uuid
from datetime import timedelta

from celery import Task, current_app
from celery.exceptions import Retry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)
State = Job.State
SWEEP_BATCH = 1000


def enqueue(task, *args) -> Job:
    """Record a job running `task(*args)` (JSON arguments) in the current transaction; it is
    published to the broker once the transaction commits."""
    job = Job.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: publish(job))
    return job


def publish(job: Job) -> bool:
    """Send the job to the broker (eagerly: run it here). False when the broker cannot be reached:
    the job stays unpublished for the sweep. Its Celery task id is the job's uuid."""
    task = current_app.tasks[job.task]
    if task.app.conf.task_always_eager:
        Job.objects.filter(pk=job.pk).update(published=timezone.now())
        task.apply_async(job.args, task_id=str(job.uuid))  # a refusal propagates to the caller
        return True
    try:  # one quick try (the sweep retries); the job's row, not the result backend, keeps its result
        task.apply_async(job.args, task_id=str(job.uuid), retry=False, ignore_result=True)
    except Exception as exc:
        logger.warning("Job %s (%s) not published, the sweep will: %r", job.pk, job.task, exc)
        return False
    Job.objects.filter(pk=job.pk).update(published=timezone.now())
    return True


def wait(job: Job, timeout: float, interval: float = 0.2) -> Job:
    """The job as stored once it is finished, or after `timeout` seconds, or at once when it was
    not published (read from the database: no result backend needed)."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.state in (State.DONE, State.FAILED) or time.monotonic() >= deadline:
            return job
        if job.published is None:  # the broker did not take it: the sweep will, later
            return job
        time.sleep(interval)


def stale_before():
    return timezone.now() - timedelta(seconds=settings.JOBS_STALE_AFTER)


def claim(job_uuid) -> tuple[Job | None, uuid.UUID | None]:
    """Take the job for a new run: (job, run id), or (job, None) when it is not to run now (done,
    failed, or running and alive), or (None, None) when there is no such job."""
    run = uuid.uuid4()
    now = timezone.now()
    claimable = Q(state=State.PENDING) | Q(state=State.RUNNING, heartbeat__lt=stale_before())
    taken = Job.objects.filter(claimable, uuid=job_uuid, attempts__lt=settings.JOBS_MAX_ATTEMPTS).update(
        state=State.RUNNING, run=run, attempts=F("attempts") + 1, started=now, heartbeat=now, error=""
    )
    job = Job.objects.filter(uuid=job_uuid).first()
    if taken:
        return job, run
    if job is not None:
        give_up(Job.objects.filter(claimable, pk=job.pk))
    return job, None


def give_up(jobs) -> int:
    """Mark claimable jobs that have used up their attempts as failed."""
    return jobs.filter(attempts__gte=settings.JOBS_MAX_ATTEMPTS).update(
        state=State.FAILED,
        finished=timezone.now(),
        error=f"Given up after {settings.JOBS_MAX_ATTEMPTS} attempts: each run died before it finished.",
    )


def describe(exc: Exception) -> str:
    """What a failed job records: a refusal's messages, else the exception's type and text."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _held(job: Job, run):
    return Job.objects.filter(pk=job.pk, run=run)


class Heartbeat(threading.Thread):
    """Records that the run is alive, from its own thread (and database connection), until stopped."""

    def __init__(self, job: Job, run):
        super().__init__(name=f"job-{job.pk}-heartbeat", daemon=True)
        self.job, self.run_id = job, run
        self.stopped = threading.Event()

    def run(self):
        every = max(settings.JOBS_STALE_AFTER / 6, 0.1)
        try:
            while not self.stopped.wait(every):
                try:
                    if not _held(self.job, self.run_id).update(heartbeat=timezone.now()):
                        logger.warning("Job %s: another run took it over.", self.job.pk)
                        return
                except Exception:  # a database blip: try again at the next beat
                    logger.warning("Job %s: heartbeat not recorded.", self.job.pk, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join()


class JobTask(Task):
    """Base of the tasks enqueued as jobs. Each must be safe to run again (see the module)."""

    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, *args, **kwargs):
        job, run = claim(self.request.id) if self.request.id else (None, None)
        if job is None:  # called directly, not as a job
            return super().__call__(*args, **kwargs)
        if run is None:
            logger.info("Job %s is %s: this delivery does nothing.", job.pk, job.state)
            return job.result
        self.request.job_run = (job, run)
        beat = None if self.request.is_eager else Heartbeat(job, run)
        if beat:
            beat.start()
        try:
            result = super().__call__(*args, **kwargs)
        except Retry:  # the job was handed to the retry (see `retry`)
            raise
        except Exception as exc:
            _held(job, run).update(state=State.FAILED, finished=timezone.now(), error=describe(exc))
            raise
        finally:
            if beat:
                beat.stop()
        if not _held(job, run).update(state=State.DONE, result=result, finished=timezone.now()):
            logger.warning("Job %s: another run took it over; this run's result is not recorded.", job.pk)
        return result

    def retry(self, *args, **kwargs):
        """Hand the job back (pending) before Celery sends the retry, so the retry can claim it."""
        job_run = getattr(self.request, "job_run", None)
        if job_run:
            _held(*job_run).update(state=State.PENDING, run=None, published=timezone.now())
        return super().retry(*args, **kwargs)


def sweep() -> dict:
    """Publish the jobs that need it and forget old finished ones (the `sweep_jobs` task)."""
    now = timezone.now()
    stale = Q(state=State.RUNNING, heartbeat__lt=stale_before())
    given_up = give_up(Job.objects.filter(stale))
    due = Q(published__isnull=True) | Q(published__lt=now - timedelta(seconds=settings.JOBS_REPUBLISH_AFTER))
    published = 0
    for job in Job.objects.filter(due & (Q(state=State.PENDING) | stale)).order_by("pk")[:SWEEP_BATCH]:
        if not publish(job):
            break  # the broker is down: the next sweep tries again
        published += 1
    retention = now - timedelta(days=settings.JOBS_RETENTION_DAYS)
    deleted, _ = Job.objects.filter(finished__lt=retention, state__in=[State.DONE, State.FAILED]).delete()
    if published or given_up:
        logger.info("Job sweep: %s published, %s given up.", published, given_up)
    return {"published": published, "given_up": given_up, "deleted": deleted}
