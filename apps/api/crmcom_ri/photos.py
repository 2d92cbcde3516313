"""CRM.COM R profile photo methods (R11): view, add (multipart) and remove, and the image download
URL the view hands out (`/crm/ImageDownloadServlet?id=..&token=..`). Photos are content files."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions
from rest_framework import serializers as s

from apps.api.common.parsers import CheckedFormParser, LimitedJSONParser, UploadMultiPartParser
from apps.content.models import File
from apps.core.api_keys import authenticate_api_key
from apps.parties import services_profile

from . import docs
from .conventions import MANDATORY_PARAMETER_MISSING, NOT_FOUND, CrmError, CrmResponse, CrmView
from .inputs import contact_identifier
from .params import Params, parse_uuid
from .present import parse_fields_set, select_fields

TAG = ["profile_photo"]
DOWNLOAD_PATH = "/crm/ImageDownloadServlet"

PhotoView = type(
    "CrmProfilePhoto",
    (s.Serializer,),
    {
        "file_name": s.CharField(allow_null=True),
        "file_content_url": s.CharField(
            allow_null=True,
            help_text="Append `&token=<token>` and GET it from the server to download the image.",
        ),
        "file_mime_type": s.CharField(allow_null=True),
    },
)


def photo_view(party) -> dict:
    photo = party.profile_photo
    if photo is None:
        return {"file_name": None, "file_content_url": None, "file_mime_type": None}
    return {
        "file_name": photo.name,
        "file_content_url": f"{DOWNLOAD_PATH}?id={photo.uuid.hex.upper()}",
        "file_mime_type": photo.content_type,
    }


def find_party(params: Params):
    party = contact_identifier(params)
    return type(party).objects.select_related("profile_photo").get(pk=party.pk)


class PhotoShow(CrmView):
    required_permission = "parties.view_party"

    @extend_schema(
        tags=TAG,
        summary="Profile photo of a contact information",
        parameters=docs.SHOW_PARAMETERS,
        responses={200: docs.envelope_of(PhotoView), 401: docs.ErrorEnvelope, 404: docs.ErrorEnvelope},
    )
    def get(self, request):
        p = Params(self.params())
        return CrmResponse(
            select_fields(photo_view(find_party(p)), parse_fields_set(p.raw("fields_set", None)))
        )


class TokenFirstMultiPartParser(UploadMultiPartParser):
    """The photo upload is authenticated before its file is read: the `token` comes in the query
    string or as a form field ahead of the file (an unknown caller's upload is never spooled), and
    a Content-Length above the upload limit is refused before reading."""

    def before_first_file(self, request, fields):
        raw = request.GET.get("token") or fields.get("token")
        if not raw or authenticate_api_key(str(raw)) is None:
            raise exceptions.AuthenticationFailed()


class PhotoAdd(CrmView):
    required_permission = "parties.change_party"
    # The file comes as multipart; a plain form or JSON (which cannot carry it) is read too, so
    # that a request without the file is MANDATORY_PARAMETER_MISSING, not an unreadable body.
    parser_classes = [TokenFirstMultiPartParser, CheckedFormParser, LimitedJSONParser]

    @extend_schema(
        tags=TAG,
        summary="Add (or replace) the profile photo",
        request={
            "multipart/form-data": inline_serializer(
                name="CrmProfilePhotoUpload",
                fields={
                    "token": s.CharField(),
                    "contact_information_identifier": s.CharField(help_text="`id=<32 hex digits>`"),
                    "file": s.FileField(help_text="An image (JPEG, PNG, GIF or WebP)."),
                    "fields_set": s.CharField(required=False),
                },
            )
        },
        responses={200: docs.envelope_of(PhotoView), 400: docs.ErrorEnvelope, 404: docs.ErrorEnvelope},
    )
    def post(self, request):
        p = Params(self.params())
        party = find_party(p)
        upload = request.FILES.get("file")
        if upload is None:
            raise CrmError(MANDATORY_PARAMETER_MISSING, "Mandatory parameter missing", "file")
        services_profile.set_profile_photo(request.user, party, upload)
        return CrmResponse(select_fields(photo_view(party), parse_fields_set(p.raw("fields_set", None))))


class PhotoRemove(CrmView):
    required_permission = "parties.change_party"

    @extend_schema(
        tags=TAG,
        summary="Remove the profile photo",
        request=inline_serializer(
            name="CrmProfilePhotoRemove",
            fields={"token": s.CharField(), "contact_information_identifier": docs.CrmContactIdentifier()},
        ),
        responses={200: docs.NullEnvelope, 404: docs.ErrorEnvelope},
    )
    def post(self, request):
        services_profile.remove_profile_photo(request.user, find_party(Params(self.params())))
        return CrmResponse(None)


class ImageDownload(CrmView):
    """The image bytes of a profile photo (`id` from file_content_url, plus the token)."""

    required_permission = "parties.view_party"

    @extend_schema(
        tags=TAG,
        summary="Download a profile photo",
        parameters=[docs.TOKEN, OpenApiParameter("id", OpenApiTypes.STR, required=True)],
        responses={(200, "image/*"): OpenApiTypes.BINARY, 401: docs.ErrorEnvelope, 404: docs.ErrorEnvelope},
    )
    def get(self, request):
        wanted = parse_uuid(request.query_params.get("id", ""))
        photo = File.objects.filter(uuid=wanted, profile_photo_of__isnull=False).first() if wanted else None
        if photo is None:
            raise CrmError(NOT_FOUND, "Not found", "id")
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
        response["Content-Disposition"] = "inline"
        return response
