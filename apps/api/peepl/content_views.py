"""Peepl admin API views for news posts, folders, files, picture albums and pictures (operations
#81-#106) and the attachment views activities share: translate between the wire format and the
content services. Lists are plain arrays at a fixed number of queries."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status

from apps.api.common.parsers import UploadJSONParser, UploadMultiPartParser
from apps.content import services
from apps.content.models import File, Folder, NewsPost, Picture, PictureAlbum, Thumbnail
from apps.content.uploads import inspect_upload

from . import content_serializers as s
from .conventions import DELETED, PeeplGenericView, deleted

# --- Upload parsing -------------------------------------------------------------------------


class BaseView(PeeplGenericView):
    """A Peepl view that may validate with a serializer other than its own."""

    def validate_with(self, serializer_class, data=None):
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer


class UploadViewMixin:
    """Views that take an upload on POST accept multipart and base64 JSON."""

    upload_parser_classes = [UploadJSONParser, UploadMultiPartParser]

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [parser() for parser in self.upload_parser_classes]
        return super().get_parsers()


def inspected(data, *, image=False):
    """inspect_upload's verdict on the validated upload (a 400 keyed `file` when refused)."""
    return inspect_upload(data["file"], image=image, name=data.get("name"))


# --- Attachments of an activity or news post (#70-#72, #86-#88) -----------------------------


def attachments_of(owner):
    field = "news_post" if isinstance(owner, NewsPost) else "activity"
    return File.objects.filter(**{field: owner}).order_by("id")


class AttachmentListBase(UploadViewMixin, BaseView):
    serializer_class = s.AttachmentSerializer
    permission_model = File

    def get_owner(self, pk):
        raise NotImplementedError

    def list_attachments(self, pk):
        return self.list_response(attachments_of(self.get_owner(pk)))

    def add_attachment(self, pk):
        owner = self.get_owner(pk)
        data = self.validated().validated_data
        upload = data["file"]
        attachment = services.add_attachment(
            self.request.user, owner, upload, name=data.get("name"), info=inspected(data)
        )
        return self.respond(File.objects.get(pk=attachment.pk), status.HTTP_201_CREATED)


class AttachmentDetailBase(BaseView):
    serializer_class = s.AttachmentSerializer
    permission_model = File

    def get_owner(self, pk):
        raise NotImplementedError

    def delete_attachment(self, pk, attachment_id):
        attachment = get_object_or_404(attachments_of(self.get_owner(pk)), pk=attachment_id)
        services.delete_file(self.request.user, attachment)
        return deleted()


# --- News posts (#81-#88) -------------------------------------------------------------------


class NewsPostMixin:
    def get_owner(self, pk) -> NewsPost:
        return get_object_or_404(NewsPost, pk=pk)


class NewsPostList(BaseView):
    serializer_class = s.NewsPostSerializer
    permission_model = NewsPost

    @extend_schema(responses=s.NewsPostSerializer(many=True))
    def get(self, request):
        """#81 List of all news posts, newest first (alias `newsposts/`)."""
        return self.list_response(NewsPost.objects.order_by("-publish_date", "-id"))

    @extend_schema(responses={201: s.NewsPostDetailSerializer})
    def post(self, request):
        """#82 Add a news post."""
        data = self.validated().validated_data
        post = services.create_news_post(request.user, **data)
        return self.respond(post, status.HTTP_201_CREATED, s.NewsPostDetailSerializer)


class NewsPostDetail(NewsPostMixin, BaseView):
    serializer_class = s.NewsPostDetailSerializer
    permission_model = NewsPost

    def get_post(self, pk):
        queryset = NewsPost.objects.prefetch_related(
            Prefetch("attachments", queryset=File.objects.order_by("id"))
        )
        return get_object_or_404(queryset, pk=pk)

    def get(self, request, pk):
        """#83 Details of a news post, with its attachments."""
        return self.respond(self.get_post(pk))

    @extend_schema(request=s.NewsPostSerializer)
    def put(self, request, pk):
        """#84 Edit a news post."""
        post = self.get_owner(pk)
        data = self.validate_with(s.NewsPostSerializer).validated_data
        services.update_news_post(request.user, post, **data)
        return self.respond(self.get_post(pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#85 Delete a news post and its attachments."""
        services.delete_news_post(request.user, self.get_owner(pk))
        return deleted()


class NewsPostAttachmentList(NewsPostMixin, AttachmentListBase):
    @extend_schema(responses=s.AttachmentSerializer(many=True))
    def get(self, request, pk):
        """#86 All attachments of a news post."""
        return self.list_attachments(pk)

    @extend_schema(responses={201: s.AttachmentSerializer})
    def post(self, request, pk):
        """#87 Add an attachment (multipart `file`, or JSON with `file` in base64; optional `name`)."""
        return self.add_attachment(pk)


class NewsPostAttachmentDetail(NewsPostMixin, AttachmentDetailBase):
    @extend_schema(responses=DELETED)
    def delete(self, request, pk, attachment_id):
        """#88 Delete an attachment."""
        return self.delete_attachment(pk, attachment_id)


# --- Folders (#89-#93) ----------------------------------------------------------------------


def folder_detail_queryset():
    return Folder.objects.prefetch_related(
        Prefetch("subfolders", queryset=Folder.objects.order_by("name", "id")),
        Prefetch("files", queryset=File.objects.order_by("id")),
    )


class FolderList(BaseView):
    serializer_class = s.FolderSerializer
    permission_model = Folder

    @extend_schema(responses=s.FolderSerializer(many=True))
    def get(self, request):
        """#89 List of all folders (flat, each with its parent)."""
        return self.list_response(Folder.objects.order_by("id"))

    @extend_schema(responses={201: s.FolderDetailSerializer})
    def post(self, request):
        """#90 Add a folder (sibling names are unique)."""
        data = self.validated().validated_data
        folder = services.create_folder(request.user, **data)
        return self.respond(
            get_object_or_404(folder_detail_queryset(), pk=folder.pk),
            status.HTTP_201_CREATED,
            s.FolderDetailSerializer,
        )


class FolderDetail(BaseView):
    serializer_class = s.FolderDetailSerializer
    permission_model = Folder

    def get(self, request, pk):
        """#91 Folder details, with its subfolders and files."""
        return self.respond(get_object_or_404(folder_detail_queryset(), pk=pk))

    @extend_schema(request=s.FolderSerializer)
    def put(self, request, pk):
        """#92 Edit a folder (a folder cannot become its own ancestor)."""
        folder = get_object_or_404(Folder, pk=pk)
        data = self.validate_with(s.FolderSerializer).validated_data
        services.update_folder(request.user, folder, **data)
        return self.respond(get_object_or_404(folder_detail_queryset(), pk=pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#93 Delete a folder with its subfolders and files."""
        services.delete_folder(request.user, get_object_or_404(Folder, pk=pk))
        return deleted()


# --- Files (#94-#97) ------------------------------------------------------------------------


def _int_param(request, name):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: ["A valid integer is required."]}) from None


def folder_files():
    """Peepl's files: those that live in a folder (attachments are not files here)."""
    return File.objects.filter(folder__isnull=False).order_by("id")


class FileUploadMixin(UploadViewMixin):
    def store(self, folder, data):
        upload = data["file"]
        file = services.add_file(
            self.request.user, upload, name=data.get("name"), folder=folder, info=inspected(data)
        )
        return self.respond(File.objects.get(pk=file.pk), status.HTTP_201_CREATED, s.FileSerializer)


class FileList(FileUploadMixin, BaseView):
    serializer_class = s.FileSerializer
    permission_model = File

    @extend_schema(
        parameters=[OpenApiParameter("folder", int, description="Only the files of this folder.")],
        responses=s.FileSerializer(many=True),
    )
    def get(self, request):
        """#94 List of all files (optionally of one `folder`)."""
        files = folder_files()
        folder = _int_param(request, "folder")
        if folder is not None:
            files = files.filter(folder_id=folder)
        return self.list_response(files)

    @extend_schema(request=s.FileUploadSerializer, responses={201: s.FileSerializer})
    def post(self, request):
        """#97 (alias) Add a file to the folder named in the body."""
        data = self.validate_with(s.FileUploadSerializer).validated_data
        return self.store(data["folder"], data)


class FolderFileUpload(FileUploadMixin, BaseView):
    serializer_class = s.UploadSerializer
    permission_model = File

    @extend_schema(request=s.UploadSerializer, responses={201: s.FileSerializer})
    def post(self, request, pk):
        """#97 Add a file to a folder (multipart `file`, or JSON with `file` in base64; optional `name`)."""
        folder = get_object_or_404(Folder, pk=pk)
        return self.store(folder, self.validated().validated_data)


class FileDetail(BaseView):
    serializer_class = s.FileSerializer
    permission_model = File

    def get(self, request, pk):
        """#95 Details of a file."""
        return self.respond(get_object_or_404(folder_files(), pk=pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#96 Delete a file."""
        services.delete_file(request.user, get_object_or_404(folder_files(), pk=pk))
        return deleted()


# --- Albums and pictures (#98-#106) ---------------------------------------------------------


def pictures():
    return Picture.objects.prefetch_related(
        Prefetch("thumbnails", queryset=Thumbnail.objects.order_by("size"))
    ).order_by("id")


def albums():
    return PictureAlbum.objects.annotate(picture_count=Count("pictures")).order_by("id")


def album_detail(pk):
    return get_object_or_404(albums().prefetch_related(Prefetch("pictures", queryset=pictures())), pk=pk)


class AlbumList(BaseView):
    serializer_class = s.AlbumSerializer
    permission_model = PictureAlbum

    @extend_schema(responses=s.AlbumSerializer(many=True))
    def get(self, request):
        """#98 List of all picture albums (aliases `picturealbums/`, `albums/`)."""
        return self.list_response(albums())

    @extend_schema(responses={201: s.AlbumDetailSerializer})
    def post(self, request):
        """#99 Create an album."""
        data = self.validated().validated_data
        album = services.create_album(request.user, **data)
        return self.respond(album_detail(album.pk), status.HTTP_201_CREATED, s.AlbumDetailSerializer)


class AlbumDetail(BaseView):
    serializer_class = s.AlbumDetailSerializer
    permission_model = PictureAlbum

    def get(self, request, pk):
        """#100 Album details, with its pictures."""
        return self.respond(album_detail(pk))

    @extend_schema(request=s.AlbumSerializer)
    def put(self, request, pk):
        """#101 Edit an album."""
        album = get_object_or_404(PictureAlbum, pk=pk)
        data = self.validate_with(s.AlbumSerializer).validated_data
        services.update_album(request.user, album, **data)
        return self.respond(album_detail(pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#102 Delete an album and its pictures."""
        services.delete_album(request.user, get_object_or_404(PictureAlbum, pk=pk))
        return deleted()


class PictureUploadMixin(UploadViewMixin):
    def store(self, album, data):
        upload = data["file"]
        picture = services.add_picture(
            self.request.user,
            album,
            upload,
            name=data.get("name"),
            description=data.get("description"),
            info=inspected(data, image=True),
        )
        # Eagerly processed (the embedded default), the answer already shows the thumbnails.
        return self.respond(pictures().get(pk=picture.pk), status.HTTP_201_CREATED, s.PictureSerializer)


class PictureList(PictureUploadMixin, BaseView):
    serializer_class = s.PictureSerializer
    permission_model = Picture

    @extend_schema(
        parameters=[OpenApiParameter("album", int, description="Only the pictures of this album.")],
        responses=s.PictureSerializer(many=True),
    )
    def get(self, request):
        """#103 Get all pictures (optionally of one `album`)."""
        result = pictures()
        album = _int_param(request, "album")
        if album is not None:
            result = result.filter(album_id=album)
        return self.list_response(result)

    @extend_schema(request=s.PictureUploadSerializer, responses={201: s.PictureSerializer})
    def post(self, request):
        """#106 Upload a picture (a real image; thumbnails follow when processed)."""
        data = self.validate_with(s.PictureUploadSerializer).validated_data
        return self.store(data["album"], data)


class AlbumPictureUpload(PictureUploadMixin, BaseView):
    serializer_class = s.PictureUploadSerializer
    permission_model = Picture

    @extend_schema(request=s.PictureUploadSerializer, responses={201: s.PictureSerializer})
    def post(self, request, pk):
        """#106 (alias) Upload a picture to this album."""
        album = get_object_or_404(PictureAlbum, pk=pk)
        data = dict(request.data.items())
        data["album"] = album.pk
        data = self.validated(data=data).validated_data
        return self.store(album, data)


class PictureDetail(BaseView):
    serializer_class = s.PictureSerializer
    permission_model = Picture

    def get(self, request, pk):
        """#104 Details of a picture."""
        return self.respond(get_object_or_404(pictures(), pk=pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#105 Delete a picture."""
        services.delete_picture(request.user, get_object_or_404(Picture, pk=pk))
        return deleted()
