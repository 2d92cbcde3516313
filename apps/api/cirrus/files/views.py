"""Files and folders (spec part 1 §3.7, O70-O75) through the content services: a file's content
comes base64-encoded, is sniffed and size-checked by the content domain, stored through Django's
storage and processed by its Celery task; the content is never echoed back."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status

from apps.api.common.parsers import UploadJSONParser
from apps.content import services as content_services
from apps.content.models import File, Folder
from apps.content.uploads import inspect_upload
from apps.parties.models import Party

from .. import fragments as f
from ..toolkit.errors import invalid
from ..toolkit.views import CirrusView
from . import serializers as s
from .filters import FileFilter, FolderFilter

FILE_ERRORS = {"file": "content", "description": "info", "folder": "folderid", "parties": "connectedaccounts"}


def files():
    """Files with what a File shows, prefetched (a fixed number of queries)."""
    parties = Party.objects.order_by("id").prefetch_related(
        *f.listed_account_prefetches(), f.primary_positions_prefetch()
    )
    return File.objects.select_related(
        "folder",
        "activity",
        "activity__activity_type",
        "activity__account",
        *f.user_paths("activity__owner"),
    ).prefetch_related(
        Prefetch("parties", queryset=parties),
        *f.listed_account_prefetches("activity__account__"),
    )


def folders():
    return Folder.objects.select_related("party").prefetch_related(
        Prefetch("files", queryset=File.objects.only("id", "name", "folder_id").order_by("id")),
        Prefetch(
            "subfolders", queryset=Folder.objects.only("id", "name", "parent_id").order_by("name", "id")
        ),
        *f.listed_account_prefetches("party__"),
    )


class FileMixin:
    permission_model = File
    # The content comes in base64: the body may carry a file up to FILE_UPLOAD_MAX_SIZE.
    parser_classes = [UploadJSONParser]
    serializer_class = s.FileSerializer
    error_field_map = FILE_ERRORS

    def respond_file(self, pk, status_code=200):
        return self.respond(files().get(pk=pk), status_code)

    def inspected(self, upload):
        """The content domain's check of the upload (type sniffed, size): a 400 on `content`."""
        try:
            return inspect_upload(upload)
        except ValidationError as exc:
            raise invalid({"content": exc.messages[0]}) from None


class FileList(FileMixin, CirrusView):
    filterset_class = FileFilter

    def get_queryset(self):
        return files()

    @extend_schema(summary="Returns a paginated list of files (O71), newest first")
    def get(self, request):
        return self.list_response()

    @extend_schema(summary="Creates a new file (O70)", request=s.FileIn, responses={201: s.FileSerializer})
    def post(self, request):
        changes = s.file_changes(self.body(s.FileIn))
        upload = changes.pop("upload")
        file = content_services.add_file(request.user, upload, info=self.inspected(upload), **changes)
        return self.respond_file(file.pk, status.HTTP_201_CREATED)


class FileDetail(FileMixin, CirrusView):
    @extend_schema(summary="Returns a file object (O75): its metadata")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(files(), id, "File"))

    @extend_schema(summary="Updates a file (O74): `name` and `content` are required", request=s.FileIn)
    def put(self, request, id):
        file = self.get_object_or_404(File.objects.all(), id, "File")
        changes = s.file_changes(self.body(s.FileIn, partial=True), file)
        upload = changes.pop("upload")
        activity = changes.pop("activity", file.activity)
        if (activity.pk if activity else None) != file.activity_id:
            raise invalid({"connectedactivities": "A file's activity cannot be changed."})
        info = self.inspected(upload)
        parties = changes.pop("parties", None)
        content_services.update_file(request.user, file, **changes)
        if parties is not None:
            content_services.set_file_parties(request.user, file, parties)
        content_services.replace_file_content(request.user, file, upload, info=info)
        return self.respond_file(file.pk)


class FolderList(CirrusView):
    permission_model = Folder
    serializer_class = s.FolderSerializer
    filterset_class = FolderFilter

    def get_queryset(self):
        return folders()

    @extend_schema(summary="Returns a paginated list of folders (O72)")
    def get(self, request):
        return self.list_response()


class FolderDetail(CirrusView):
    permission_model = Folder
    serializer_class = s.FolderSerializer

    @extend_schema(summary="Returns a folder (O73)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(folders(), id, "Folder"))
