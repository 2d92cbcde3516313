"""The request-body parsers every API shares: bodies of a bounded size, JSON of a bounded depth,
and no NUL or lone surrogate in any text (apps.api.common.hostile)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions, parsers, status

from . import hostile


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


def check_body_size(stream, limit: int) -> bytes:
    """Read at most `limit` bytes of a body; a larger one raises RequestTooLarge, whatever its
    declared length (so a lying Content-Length cannot get more through)."""
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise RequestTooLarge()
    return data


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def check_form(data, files=None) -> None:
    """Form fields (a QueryDict) and uploaded file names: no NUL or lone surrogate (a 400)."""
    for key, values in data.lists():
        hostile.check_text(key, "field")
        for value in values:
            hostile.check_text(value, key)
    for _key, uploads in files.lists() if files is not None else ():
        for upload in uploads:
            hostile.check_text(getattr(upload, "name", ""), "file name")


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies up to body_limit() bytes (settings.API_MAX_BODY_SIZE), nested at most
    settings.API_MAX_JSON_DEPTH deep, with no NUL or lone surrogate in any string."""

    def body_limit(self) -> int:
        return settings.API_MAX_BODY_SIZE

    def parse(self, stream, media_type=None, parser_context=None):
        limit = self.body_limit()
        request = (parser_context or {}).get("request")
        if request is not None and declared_length(request) > limit:
            raise RequestTooLarge()  # refused before a byte of it is read
        return hostile.loads(check_body_size(stream, limit))


def upload_body_limit() -> int:
    """The largest upload request: the largest file plus the form fields."""
    return settings.FILE_UPLOAD_MAX_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class UploadJSONParser(LimitedJSONParser):
    """JSON carrying a file in base64 (4/3 of its size): up to FILE_UPLOAD_MAX_SIZE of file."""

    def body_limit(self) -> int:
        return upload_body_limit() * 4 // 3 + 1024


class CheckedFormParser(parsers.FormParser):
    """Form-encoded bodies without NUL or lone surrogates."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class CheckedMultiPartParser(parsers.MultiPartParser):
    """Multipart bodies whose fields and file names hold no NUL or lone surrogate."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        check_form(result.data, result.files)
        return result


class _UploadSizeLimit(FileUploadHandler):
    """Stops a multipart body that streams more than the limit (whatever Content-Length said)."""

    def __init__(self, limit, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None


class _BeforeFirstFile(FileUploadHandler):
    """Calls `check(fields read so far)` when the first file part starts, before a byte of it is
    stored: e.g. authentication from a form field sent ahead of the file."""

    def __init__(self, check, request=None):
        super().__init__(request)
        self.check = check
        self.multipart = None
        self.checked = False

    def new_file(self, *args, **kwargs):
        if not self.checked:
            self.check(self.multipart._post)
            self.checked = True

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadMultiPartParser(parsers.MultiPartParser):
    """Multipart uploads: 413 above the upload limit, refused on Content-Length before a byte is
    read and stopped while streaming otherwise; fields and file names are checked for hostile
    text. `before_first_file(request, fields)` runs before any file is stored."""

    def before_first_file(self, request, fields) -> None:
        """Hook: raise to refuse the upload before its files are read."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        limit = upload_body_limit()
        if declared_length(request) > limit:
            raise RequestTooLarge()
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        first_file = _BeforeFirstFile(lambda fields: self.before_first_file(request, fields), request)
        handlers = [_UploadSizeLimit(limit, request), first_file, *request.upload_handlers]
        try:
            multipart = DjangoMultiPartParser(meta, stream, handlers, parser_context.get("encoding"))
            first_file.multipart = multipart
            data, files = multipart.parse()
        except MultiPartParserError as exc:
            raise exceptions.ParseError(f"Multipart form parse error - {exc}") from None
        check_form(data, files)
        return parsers.DataAndFiles(data, files)
