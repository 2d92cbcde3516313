from django.conf import settings
from rest_framework import exceptions, parsers, status


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


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies up to settings.API_MAX_BODY_SIZE."""

    def parse(self, stream, media_type=None, parser_context=None):
        import io

        data = check_body_size(stream, settings.API_MAX_BODY_SIZE)
        return super().parse(io.BytesIO(data), media_type, parser_context)
