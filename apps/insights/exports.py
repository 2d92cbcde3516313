"""Writing an insight export: the matching records, streamed from the database in chunks into a
temporary file, then stored under the export's fixed name through Django's storage API.

Constant memory whatever the row count: the rows come from `QuerySet.iterator(chunk_size=...)`
(a server-side cursor on PostgreSQL) and go straight to a file on disk; nothing holds more than a
chunk. Progress (rows done of the total) is written to the export as it goes, for the API and the
admin. Safe to retry: each run takes a new run id and only the latest run may finish the export;
the stored file is deleted and written again under the same name, so a retried export leaves one
file; a completed export is not written again.
"""

import csv
import datetime
import io
import logging
import tempfile
import time
import tracemalloc
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import InsightExport
from .services import Definition, matching
from .sources import same, source_for

logger = logging.getLogger(__name__)
State = InsightExport.State
CHUNK_SIZE = 2000
PROGRESS_EVERY = 5000


def _converters(shows) -> list:
    """One function per column turning a value into its text: None is empty, moments are ISO 8601
    in local time, decimals keep their digits. Built once per export (the row loop is the hot path)."""
    tz = timezone.get_current_timezone()

    def text(value) -> str:
        if value.__class__ is str:
            return value
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            return value.astimezone(tz).isoformat()
        if isinstance(value, Decimal):
            return format(value, "f")
        return str(value)

    def shown(show):
        return lambda value: text(show(value))

    return [text if show is same else shown(show) for show in shows]


class CsvWriter:
    def __init__(self, binary, headers, title=""):
        self.text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
        self.writer = csv.writer(self.text)
        self.writer.writerow(headers)

    def row(self, values):
        self.writer.writerow(values)

    def close(self):
        self.text.flush()
        self.text.detach()


class PdfWriter:
    """A plain PDF of text lines (Helvetica, A4 landscape), written page by page: only the byte
    offsets of the objects are kept, so memory grows by a few bytes a page, not with the rows."""

    WIDTH, HEIGHT, MARGIN, LEADING, SIZE = 842, 595, 36, 9, 7
    CHARS = 200

    def __init__(self, binary, headers, title=""):
        self.out = binary
        self.offsets = {}
        self.pages = []
        self.header = self._line(" | ".join(headers))
        self.title = self._line(title)
        self.lines = []
        self.per_page = (self.HEIGHT - 2 * self.MARGIN) // self.LEADING - 2
        self.position = 0
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._object(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        self.next_number = 4

    def _write(self, data: bytes):
        self.out.write(data)
        self.position += len(data)

    def _object(self, number: int, body: bytes):
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    @classmethod
    def _line(cls, text: str) -> bytes:
        text = text if len(text) <= cls.CHARS else text[: cls.CHARS - 1] + "…"
        data = text.encode("cp1252", errors="replace")
        return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b" ")

    def row(self, values):
        self.lines.append(self._line(" | ".join(values).replace("\n", " ")))
        if len(self.lines) >= self.per_page:
            self._page()

    def _page(self):
        top = self.HEIGHT - self.MARGIN
        parts = [b"BT /F1 %d Tf %d TL %d %d Td" % (self.SIZE, self.LEADING, self.MARGIN, top)]
        for line in [self.title, self.header, *self.lines]:
            parts.append(b"(" + line + b") '")
        parts.append(b"ET")
        stream = b"\n".join(parts)
        content, page = self.next_number, self.next_number + 1
        self.next_number += 2
        self._object(content, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        self._object(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (self.WIDTH, self.HEIGHT, content),
        )
        self.pages.append(page)
        self.lines = []

    def close(self):
        if self.lines or not self.pages:
            self._page()
        kids = b" ".join(b"%d 0 R" % page for page in self.pages)
        self._object(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(self.pages))
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        xref = self.position
        count = self.next_number
        entries = [b"0000000000 65535 f \n"]
        entries += [b"%010d 00000 n \n" % self.offsets.get(n, 0) for n in range(1, count)]
        self._write(b"xref\n0 %d\n" % count + b"".join(entries))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))


WRITERS = {InsightExport.Format.CSV: CsvWriter, InsightExport.Format.PDF: PdfWriter}


def _progress(export_pk, run, **values):
    """Record progress, unless another run has taken the export over (then stop this one)."""
    updated = InsightExport.objects.filter(pk=export_pk, run=run).update(**values, updated=timezone.now())
    if not updated:
        raise Superseded


class Superseded(Exception):
    """Another run of the same export started; this one stops without touching the file."""


def run_export(export_id: int) -> dict | None:
    """Write an export's file (the task's body). Returns a summary; None if the export is gone."""
    export = InsightExport.objects.select_related("insight").filter(pk=export_id).first()
    if export is None:
        return None
    if export.state == State.COMPLETED and export.file and default_storage.exists(export.file.name):
        return {"state": export.state, "rows": export.rows_done, "file": export.file.name}
    run = uuid.uuid4()
    definition = Definition.of(export.insight)
    source = source_for(definition.event)
    rows = matching(definition, export.from_date, export.to_date)
    total = rows.count() if rows is not None else 0
    InsightExport.objects.filter(pk=export.pk).update(
        state=State.RUNNING,
        run=run,
        attempts=F("attempts") + 1,
        rows_total=total,
        rows_done=0,
        error="",
        started_at=timezone.now(),
        finished_at=None,
        updated=timezone.now(),
    )
    trace = settings.INSIGHTS_EXPORT_TRACE_MEMORY and not tracemalloc.is_tracing()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    try:
        with tempfile.TemporaryFile() as spool:
            done = _write_rows(export, run, source, rows, spool)
            peak = tracemalloc.get_traced_memory()[1] if trace else None
            spool.seek(0)
            return _finish(export, run, spool, done, peak)
    except Superseded:
        logger.info("Export %s: a newer run took over; this run stops.", export.pk)
        return {"state": "superseded"}
    except Exception as exc:
        InsightExport.objects.filter(pk=export.pk, run=run).update(
            state=State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        if trace:
            tracemalloc.stop()


def _write_rows(export, run, source, rows, spool) -> int:
    columns = source.columns if source is not None else [("id", "pk", str)]
    title = f"{export.insight.name} ({export.insight.event})"
    writer = WRITERS[export.format](spool, [header for header, _path, _show in columns], title=title)
    done = 0
    pause = settings.INSIGHTS_EXPORT_TEST_PAUSE
    if rows is not None:
        paths = [path for _header, path, _show in columns]
        converters = _converters([show for _header, _path, show in columns])
        values = rows.order_by(source.date_field, "pk").values_list(*paths)
        for record in values.iterator(chunk_size=CHUNK_SIZE):
            writer.row([convert(value) for convert, value in zip(converters, record, strict=True)])
            done += 1
            if done % PROGRESS_EVERY == 0:
                _progress(export.pk, run, rows_done=done)
                if pause:  # test hook: a window in which a test kills the worker mid-export
                    time.sleep(pause)
                    pause = 0
    writer.close()
    return done


def _finish(export, run, spool, done, peak) -> dict:
    """Store the file under the export's fixed name and mark the export complete, unless a newer
    run took it over. The row lock makes two finishing runs take turns."""
    with transaction.atomic():
        locked = InsightExport.objects.select_for_update().get(pk=export.pk)
        if locked.run != run:
            raise Superseded
        name = locked.file_name
        default_storage.delete(name)  # a file an interrupted run stored before it could finish
        stored = default_storage.save(name, File(spool, name=name))
        size = default_storage.size(stored)
        InsightExport.objects.filter(pk=export.pk).update(
            state=State.COMPLETED,
            file=stored,
            size=size,
            rows_done=done,
            peak_memory=peak,
            finished_at=timezone.now(),
            updated=timezone.now(),
        )
    logger.info("Export %s: %s rows, %s bytes, peak %s bytes.", export.pk, done, size, peak)
    return {"state": State.COMPLETED, "rows": done, "file": stored, "size": size, "peak_memory": peak}
