"""Peepl wire shapes for news posts, folders, files, picture albums, pictures and attachments
(operations #70-#72, #81-#106). Serializers validate and render; the views call the content
services. Uploads come as multipart (`file`) or as JSON with base64 content (Q12)."""

import base64
import binascii
import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.content import downloads
from apps.content.models import File, Folder, NewsPost, Picture, PictureAlbum


class PeeplDateTimeField(serializers.DateTimeField):
    """An ISO-8601 date-time, or a plain `YYYY-MM-DD` date (midnight, account time zone), in; out,
    an RFC 3339 date-time in the account time zone (spec: ISO-8601 timestamps, Q20 Brussels).
    A moment whose offset there is not whole minutes (Brussels's local mean time, +00:17:30,
    before 1892) is given in UTC instead: no RFC 3339 offset has seconds."""

    def to_representation(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            offset = self.enforce_timezone(value).utcoffset()
            if offset is not None and offset.total_seconds() % 60:
                return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        return super().to_internal_value(value)


def permissions_field(**kwargs):
    """Q5: a JSON array (of ids or objects), stored and returned as sent."""
    return serializers.ListField(child=serializers.JSONField(), allow_empty=True, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "format": "binary",
        "description": "The file: a multipart upload, or its content in base64 in a JSON body.",
    }
)
class UploadField(serializers.Field):
    """A multipart file, or base64 content in a JSON body (optionally a `data:...;base64,` URL).
    What the content is, is the content service's question (inspect_upload)."""

    default_error_messages = {
        "required": "No file was submitted.",
        "null": "No file was submitted.",
        "invalid": "The submitted data was not a file. Check the encoding type on the form.",
        "base64": "The file content is not valid base64.",
        "too_large": "The file is too large (at most {limit} bytes are allowed).",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            text = "".join(data.split())
            if text.startswith("data:") and ";base64," in text[:200]:
                text = text.split(",", 1)[1]
            limit = settings.FILE_UPLOAD_MAX_SIZE
            if len(text) > (limit // 3 + 1) * 4:
                self.fail("too_large", limit=limit)
            try:
                raw = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                self.fail("base64")
            return ContentFile(raw, name="")
        if hasattr(data, "read") and hasattr(data, "size"):
            return data
        self.fail("invalid")

    def to_representation(self, value):
        return None


def file_url(serializer, stored) -> str | None:
    """A URL that works in production too (apps.content.downloads), for the caller."""
    request = serializer.context.get("request")
    return downloads.file_url(stored, getattr(request, "user", None), request)


class UploadSerializer(serializers.Serializer):
    """What an upload brings: the file and an optional display name (default: the file's name)."""

    file = UploadField(write_only=True)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)


# --- Attachments (activities and news posts) ------------------------------------------------


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    url = serializers.SerializerMethodField()
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    created = PeeplDateTimeField(read_only=True)
    file = UploadField(write_only=True)

    def get_url(self, obj) -> str | None:
        return file_url(self, obj.file)


# --- News posts (#81-#88) -------------------------------------------------------------------


class NewsPostSerializer(serializers.ModelSerializer):
    publish_date = PeeplDateTimeField(required=False)
    permissions = permissions_field(required=False)
    modified = PeeplDateTimeField(source="updated", read_only=True)

    class Meta:
        model = NewsPost
        fields = ["id", "title", "content", "publish_date", "is_public", "permissions", "created", "modified"]
        extra_kwargs = {"is_public": {"required": False}}


class NewsPostDetailSerializer(NewsPostSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(NewsPostSerializer.Meta):
        fields = [*NewsPostSerializer.Meta.fields, "attachments"]


# --- Folders and files (#89-#97) ------------------------------------------------------------


class FileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = File
        fields = ["id", "folder", "name", "url", "content_type", "size", "created"]
        read_only_fields = fields

    def get_url(self, obj) -> str | None:
        return file_url(self, obj.file)


class FileUploadSerializer(UploadSerializer):
    """POST /files/: the folder comes in the body."""

    folder = serializers.PrimaryKeyRelatedField(queryset=Folder.objects.all(), write_only=True)


class FolderSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Folder.objects.all(), required=False, allow_null=True
    )
    permissions = permissions_field(required=False)

    class Meta:
        model = Folder
        fields = ["id", "name", "parent", "is_public", "permissions", "created"]
        extra_kwargs = {"is_public": {"required": False}, "name": {"validators": []}}


class SubfolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Folder
        fields = ["id", "name"]


class FolderDetailSerializer(FolderSerializer):
    subfolders = SubfolderSerializer(many=True, read_only=True)
    files = FileSerializer(many=True, read_only=True)

    class Meta(FolderSerializer.Meta):
        fields = [*FolderSerializer.Meta.fields, "subfolders", "files"]


# --- Albums and pictures (#98-#106) ---------------------------------------------------------


class PictureSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Picture
        fields = ["id", "album", "name", "description", "url", "thumbnail_url", "width", "height", "created"]
        read_only_fields = fields

    def get_url(self, obj) -> str | None:
        return file_url(self, obj.file)

    def get_thumbnail_url(self, obj) -> str | None:
        thumb = obj.thumbnail("small")
        return file_url(self, thumb.file) if thumb else None


class PictureUploadSerializer(UploadSerializer):
    """POST /pictures/ (album in the body) and /picture_albums/{id}/pictures/ (album in the path)."""

    album = serializers.PrimaryKeyRelatedField(queryset=PictureAlbum.objects.all(), write_only=True)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True, write_only=True)


class AlbumSerializer(serializers.ModelSerializer):
    permissions = permissions_field(required=False)
    picture_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PictureAlbum
        fields = ["id", "name", "description", "date", "is_public", "permissions", "picture_count"]
        extra_kwargs = {
            "is_public": {"required": False},
            "description": {"required": False, "allow_null": True, "allow_blank": True},
            "date": {"required": False, "allow_null": True},
        }


class AlbumDetailSerializer(AlbumSerializer):
    pictures = PictureSerializer(many=True, read_only=True)

    class Meta(AlbumSerializer.Meta):
        fields = [*AlbumSerializer.Meta.fields, "pictures"]
