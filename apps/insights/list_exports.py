"""Exports of back-office lists (`ListExport`), with the insight exports' machinery
(apps.insights.exports): the rows streamed from the database in chunks into a temporary file
(CSV, or XLSX through openpyxl's write-only workbook), progress recorded on the export, the file
stored under the export's fixed name; a retried run takes the export over under a new run id and
replaces the file. Constant memory whatever the row count.

The rows are the list as filtered on screen: the admin's own changelist query, rebuilt from the
saved query string as the requesting user (so its filters, search and permissions apply), or the
rows picked by hand. The columns are the model's own fields (relations as their ids)."""

import logging
import uuid

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from .exports import CHUNK_SIZE, PROGRESS_EVERY, CsvWriter, Superseded, _converters
from .models import ListExport
from .sources import same

logger = logging.getLogger(__name__)
State = ListExport.State


class XlsxWriter:
    """openpyxl's write-only workbook: rows go to a temporary file as they come."""

    def __init__(self, binary, headers, title=""):
        from openpyxl import Workbook

        self.binary = binary
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title=(title or "Export")[:31])
        self.sheet.append(headers)

    def row(self, values):
        self.sheet.append(values)

    def close(self):
        self.book.save(self.binary)


WRITERS = {ListExport.Format.CSV: CsvWriter, ListExport.Format.XLSX: XlsxWriter}


def columns(model) -> list[tuple[str, str]]:
    """(header, values() path) of the model's own fields, relations as their ids; derived columns
    (match keys, search documents: `changelog_exclude`) are left out."""
    out = []
    derived = getattr(model, "changelog_exclude", ())
    for field in model._meta.concrete_fields:
        if field.name in derived:
            continue
        name = field.attname
        out.append((name, name))
    return out


def rows_of(export: ListExport):
    """The export's rows as the list shows them (its order), for its requesting user."""
    model = apps.get_model(export.model)
    if export.ids is not None:
        return model._default_manager.filter(pk__in=export.ids).order_by("pk")
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/", QueryDict(export.query))
    request.user = export.requested_by or get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    changelist = model_admin.get_changelist_instance(request)
    return changelist.get_queryset(request)


def _progress(export_pk, run, **values):
    if not ListExport.objects.filter(pk=export_pk, run=run).update(**values, updated=timezone.now()):
        raise Superseded


def run_list_export(export_id: int) -> dict | None:
    export = ListExport.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None:
        return None
    if export.state == State.COMPLETED and export.file and default_storage.exists(export.file.name):
        return {"state": export.state, "rows": export.rows_done, "file": export.file.name}
    run = uuid.uuid4()
    rows = rows_of(export)
    total = rows.count()
    ListExport.objects.filter(pk=export.pk).update(
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
    import tempfile

    try:
        with tempfile.TemporaryFile() as spool:
            done = _write(export, run, rows, spool)
            spool.seek(0)
            return _finish(export, run, spool, done)
    except Superseded:
        return {"state": "superseded"}
    except Exception as exc:
        ListExport.objects.filter(pk=export.pk, run=run).update(
            state=State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        raise


def _write(export, run, rows, spool) -> int:
    model = apps.get_model(export.model)
    cols = columns(model)
    writer = WRITERS[export.format](spool, [h for h, _ in cols], title=str(model._meta.verbose_name_plural))
    converters = _converters([same] * len(cols))
    done = 0
    for record in rows.values_list(*[path for _, path in cols]).iterator(chunk_size=CHUNK_SIZE):
        writer.row([convert(value) for convert, value in zip(converters, record, strict=True)])
        done += 1
        if done % PROGRESS_EVERY == 0:
            _progress(export.pk, run, rows_done=done)
    writer.close()
    return done


def _finish(export, run, spool, done) -> dict:
    with transaction.atomic():
        locked = ListExport.objects.select_for_update().get(pk=export.pk)
        if locked.run != run:
            raise Superseded
        name = locked.file_name
        default_storage.delete(name)
        stored = default_storage.save(name, File(spool, name=name))
        size = default_storage.size(stored)
        ListExport.objects.filter(pk=export.pk).update(
            state=State.COMPLETED,
            file=stored,
            size=size,
            rows_done=done,
            finished_at=timezone.now(),
            updated=timezone.now(),
        )
    return {"state": State.COMPLETED, "rows": done, "file": stored, "size": size}
