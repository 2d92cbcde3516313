"""Insight exports on a real Celery worker (PostgreSQL + Redis: .ci/run's second pass).

- 100,000 rows go through the worker into one CSV file in storage; the export reports progress
  while it runs, and the peak Python memory the task allocated (tracemalloc, recorded by the task
  on the export) stays far below the file's size: the rows are streamed, never held.
- A worker killed mid-export leaves no file; running the export again (what a redelivery does)
  leaves exactly one complete file.
"""

import csv
import io
import logging
import time

import pytest
from django.core.files.storage import default_storage

from apps.insights import services
from apps.insights.models import InsightExport
from apps.insights.tasks import export_insight
from tests.factories import activities

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
logger = logging.getLogger(__name__)

ROWS = 100_000
MEMORY_BOUND = 4 * 1024 * 1024  # bytes; the CSV of 100,000 rows is over four times larger


def wait_for(condition, timeout=300.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def exported_files() -> list[str]:
    if not default_storage.exists("exports/insights"):
        return []
    return default_storage.listdir("exports/insights")[1]


@pytest.fixture(autouse=True)
def _no_earlier_exports(celery_worker):
    """The worker's storage outlives each test's database: start from an empty exports folder."""
    for name in exported_files():
        default_storage.delete(f"exports/insights/{name}")


def insight():
    made = services.create_insight(None, name="Every activity")
    return services.set_event(None, made, event="ACTIVITIES")


@pytest.fixture
def measuring_worker(celery_worker):
    """The worker with tracemalloc on: each export records its peak Python memory."""
    celery_worker.env["INSIGHTS_EXPORT_TRACE_MEMORY"] = "1"
    celery_worker.restart()
    yield celery_worker
    celery_worker.env.pop("INSIGHTS_EXPORT_TRACE_MEMORY")
    celery_worker.restart()


def test_an_export_of_100000_rows_streams_through_the_worker(measuring_worker):
    activities(ROWS)
    started = time.monotonic()
    export = services.request_export(None, insight())  # queued on commit (autocommit here)
    seen = set()

    def finished():
        row = InsightExport.objects.get(pk=export.pk)
        if row.state == "running" and row.rows_total:
            seen.add((row.rows_done, row.rows_total, row.progress))
        return row if row.state in ("completed", "failed") else None

    export = wait_for(finished)
    elapsed = time.monotonic() - started
    assert export.state == "completed", export.error
    assert (export.rows_total, export.rows_done, export.progress) == (ROWS, ROWS, 100)
    # progress was reported while it ran: rows done of the total, in between
    assert any(0 < done < total for done, total, _ in seen), seen
    assert all(0 <= percent < 100 for _, _, percent in seen)

    assert exported_files() == [export.file.name.rsplit("/", 1)[1]]
    size = default_storage.size(export.file.name)
    assert size == export.size and size > 4 * MEMORY_BOUND
    with default_storage.open(export.file.name) as handle:
        lines = sum(1 for _ in io.TextIOWrapper(handle, encoding="utf-8"))
    assert lines == ROWS + 1  # the header and one line per row
    with default_storage.open(export.file.name) as handle:
        first = list(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))[:2]
    assert first[0][:3] == ["id", "name", "state"] and first[1][1] == "Task 0"

    # bounded memory: what the task allocated at its peak, far below the file it wrote
    assert export.peak_memory is not None and export.peak_memory < MEMORY_BOUND
    assert export.peak_memory < size / 4
    print(
        f"\nexport of {ROWS} rows: {elapsed:.1f} s through the worker, file {size / 1e6:.1f} MB, "
        f"peak Python memory {export.peak_memory / 1e6:.2f} MB"
    )


def test_a_worker_killed_mid_export_and_run_again_leaves_one_file(celery_worker):
    rows = 20_000
    activities(rows)
    celery_worker.env["INSIGHTS_EXPORT_TEST_PAUSE"] = "60"  # the export pauses after 5,000 rows
    celery_worker.restart()
    try:
        export = services.request_export(None, insight())
        wait_for(
            lambda: InsightExport.objects.filter(pk=export.pk, state="running", rows_done__gt=0).exists()
        )
        celery_worker.kill()
    finally:
        celery_worker.env.pop("INSIGHTS_EXPORT_TEST_PAUSE")
        celery_worker.start()

    export.refresh_from_db()
    assert export.state == "running" and 0 < export.rows_done < rows and not export.file
    assert exported_files() == []

    # Run again (what a redelivery does), twice: one complete file, under the export's name.
    for _ in range(2):
        result = export_insight.delay(export.pk).get(timeout=300)
        assert result["state"] == "completed" and result["rows"] == rows
        export.refresh_from_db()
        assert export.state == "completed" and export.rows_done == rows
        assert exported_files() == [export.file_name.rsplit("/", 1)[1]]
    assert export.attempts == 2  # the second run found it complete and wrote nothing
    with default_storage.open(export.file.name) as handle:
        assert sum(1 for _ in io.TextIOWrapper(handle, encoding="utf-8")) == rows + 1
