"""incwo conventions: XML in and out (`application/xml; charset=utf-8`, snake_case elements),
HTTP Basic with a Django user's login and password, one business file per install
(`/incwo/<business_file_id>/`; another id answers 404), Rails-style errors:
`<errors><error>message</error>...</errors>` with 422 for validation, 404, 400 for bad XML."""

from xml.etree import ElementTree as ET  # noqa: S405 - generation only; parsing uses defusedxml

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions, parsers, renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.common import hostile
from apps.api.common.authentication import CachedBasicAuthentication
from apps.api.common.parsers import RequestTooLarge, check_body_size
from apps.api.common.permissions import ModelPermissions
from apps.api.common.schema import ErrorDocs, error_responses_hook
from apps.core import login_limits

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class MalformedXML(exceptions.ParseError):
    default_detail = "Malformed XML."


class Unprocessable(exceptions.APIException):
    """Validation failures: 422 with one <error> per message."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class XMLParser(parsers.BaseParser):
    """An XML body of at most API_MAX_BODY_SIZE bytes, parsed without DTDs, entities or external
    references (defusedxml). Returns the root element."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        data = check_body_size(stream, settings.API_MAX_BODY_SIZE)
        if not data.strip():
            raise MalformedXML("Empty body.")
        try:
            root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except (ET.ParseError, DefusedXmlException, ValueError) as exc:
            raise MalformedXML(f"Malformed XML: {exc}") from None
        check_element(root)
        return root


def check_element(root) -> None:
    """No NUL or lone surrogate in any text, tail, tag or attribute, and no nesting deeper than
    API_MAX_JSON_DEPTH (walked without recursion)."""
    limit = settings.API_MAX_JSON_DEPTH
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            raise MalformedXML(f"XML nested deeper than {limit} levels.")
        texts = [element.tag, element.text, element.tail, *element.attrib.keys(), *element.attrib.values()]
        if any(hostile.forbidden_text(text) for text in texts):
            raise MalformedXML(hostile.FORBIDDEN_MESSAGE)
        stack.extend((child, depth + 1) for child in element)


class TextXMLParser(XMLParser):
    media_type = "text/xml"


class XMLRenderer(renderers.BaseRenderer):
    """Renders an Element (or nothing) as a UTF-8 XML document."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return XML_DECLARATION + ET.tostring(data, encoding="utf-8", xml_declaration=False)


def errors_element(messages) -> ET.Element:
    root = ET.Element("errors")
    for message in messages:
        ET.SubElement(root, "error").text = message
    return root


def incwo_exception_handler(exc, context):
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, Unprocessable):
        return Response(errors_element(exc.messages), status=422)
    if isinstance(exc, DjangoValidationError):  # a domain rule refused the write
        return Response(errors_element(exc.messages), status=422)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(errors_element([str(getattr(exc, "detail", "")) or "Contact not found"]), status=404)
    if isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            status_code = 401
        return Response(errors_element([str(exc.detail)]), status=status_code, headers=headers)
    if isinstance(exc, RequestTooLarge):
        return Response(errors_element(["Request body too large."]), status=413)
    return None


class IncwoBasicAuthentication(CachedBasicAuthentication):
    www_authenticate_realm = "incwo"

    def authenticate_credentials(self, userid, password, request=None):
        if hostile.forbidden_text(userid) or hostile.forbidden_text(password):
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if wait := login_limits.locked_out_for(request):
                raise exceptions.Throttled(wait, detail="Too many failed log-ins.") from None
            raise


class IncwoView(APIView):
    """Base of the incwo views: the business file check comes first (404), then HTTP Basic and
    the caller's Django model permissions on parties."""

    authentication_classes = [IncwoBasicAuthentication]
    permission_classes = [ModelPermissions]
    parser_classes = [XMLParser, TextXMLParser]
    renderer_classes = [XMLRenderer]
    metadata_class = None  # no OPTIONS (DRF's JSON description has no XML form): a 405

    def get_exception_handler(self):
        return incwo_exception_handler

    def initial(self, request, *args, **kwargs):
        if kwargs.get("business_file_id") != settings.INCWO_BUSINESS_FILE_ID:
            raise exceptions.NotFound("Business file not found")
        super().initial(request, *args, **kwargs)


ERROR_MESSAGES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    411: "Length required",
    500: "Internal server error",
}


def mount_error(request, status_code: int) -> HttpResponse:
    """`<errors>` for an error outside the views, e.g. the 404 of a path under the mount that
    names nothing (see apps.api.common.mounts)."""
    element = errors_element([ERROR_MESSAGES.get(status_code, "Error")])
    body = XML_DECLARATION + ET.tostring(element, encoding="utf-8")
    return HttpResponse(body, status=status_code, content_type="application/xml; charset=utf-8")


# OpenAPI: every operation documents incwo's error statuses with its `<errors>` body.
ERROR_DOCS = ErrorDocs(
    component="IncwoErrors",
    schema={
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "array", "items": {"type": "string"}}},
        "xml": {"name": "errors"},
    },
    media_type="application/xml",
)
schema_hook = error_responses_hook(ERROR_DOCS)
