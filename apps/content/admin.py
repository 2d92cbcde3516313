"""Admin screens for news posts, the folder tree with its files, files, albums and pictures. Every
save and delete goes through apps.content.services; uploads are inspected and processed exactly
as API uploads are (same service, same Celery task)."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count

from apps.core import jobs
from apps.core.admin_base import TabularInline

from . import services
from .adminkit import (
    FileInline,
    ServiceAdmin,
    ServiceCheckedForm,
    ServiceInlineMixin,
    UploadForm,
    file_link,
    picture_save,
    stored_file_save,
    thumbnail_tag,
)
from .models import File, Folder, NewsPost, Picture, PictureAlbum
from .tasks import process_file, process_picture

PROCESSING_FIELDS = ["content_type", "size", "sha256", "status", "processed_at", "processing_error"]


class NewsAttachmentInline(FileInline):
    fk_name = "news_post"
    verbose_name = "attachment"
    verbose_name_plural = "attachments"


@admin.register(NewsPost)
class NewsPostAdmin(ServiceAdmin):
    list_display = ["title", "publish_date", "is_public", "attachment_count"]
    list_filter = ["is_public"]
    search_fields = ["title", "content"]
    date_hierarchy = "publish_date"
    fields = ["title", "content", "publish_date", "is_public", "permissions"]
    inlines = [NewsAttachmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attachment_total=Count("attachments"))

    @admin.display(description="attachments", ordering="attachment_total")
    def attachment_count(self, obj):
        return obj.attachment_total

    def service_save(self, request, obj, form, change):
        return services.save_news_post(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_news_post(request.user, obj)


class FolderForm(ServiceCheckedForm):
    service_check = staticmethod(services.check_folder)

    class Meta:
        model = Folder
        fields = ["name", "parent", "party", "is_public", "permissions"]


class FolderFileInline(FileInline):
    fk_name = "folder"


class SubfolderInline(TabularInline):
    """The folder's subfolders, to browse the tree (edited on their own pages)."""

    model = Folder
    fk_name = "parent"
    fields = ["name", "is_public"]
    readonly_fields = ["name", "is_public"]
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = "subfolders"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Folder)
class FolderAdmin(ServiceAdmin):
    form = FolderForm
    list_display = ["path", "file_count", "is_public", "party"]
    list_filter = ["is_public"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "party"]
    inlines = [SubfolderInline, FolderFileInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent__parent", "party")
            .annotate(file_total=Count("files"))
        )

    @admin.display(description="folder", ordering="name")
    def path(self, obj):
        names, node = [], obj
        for _ in range(4):
            if node is None:
                break
            names.append(node.name)
            node = node.parent
        if node is not None:
            names.append("…")
        return " / ".join(reversed(names))

    @admin.display(description="files", ordering="file_total")
    def file_count(self, obj):
        return obj.file_total

    def service_save(self, request, obj, form, change):
        return services.save_folder(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_folder(request.user, obj)


class FileForm(UploadForm):
    class Meta:
        model = File
        fields = ["name", "description", "folder", "parties", "activity", "news_post"]


@admin.register(File)
class FileAdmin(ServiceAdmin):
    form = FileForm
    list_display = ["name", "folder", "content_type", "size", "status", "created"]
    list_filter = ["status", "content_type"]
    search_fields = ["name", "description", "sha256"]
    raw_id_fields = ["folder", "parties", "activity", "news_post"]
    readonly_fields = ["stored", *PROCESSING_FIELDS]
    actions = ["process_again"]

    def get_fields(self, request, obj=None):
        return ["name", "upload", "description", "folder", "parties", "activity", "news_post", "stored"] + (
            PROCESSING_FIELDS if obj else []
        )

    @admin.display(description="stored file")
    def stored(self, obj):
        return file_link(obj)

    @admin.action(description="Process the selected files again")
    def process_again(self, request, queryset):
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                jobs.enqueue(process_file, pk)
        messages.success(request, "Processing requested.")

    def service_save(self, request, obj, form, change):
        return stored_file_save(request, obj, form)

    def save_m2m(self, request, form, change):
        services.set_file_parties(request.user, form.instance, form.cleaned_data.get("parties") or [])

    def service_delete(self, request, obj):
        services.delete_file(request.user, obj)


class PictureForm(UploadForm):
    image = True

    class Meta:
        model = Picture
        fields = ["name", "description"]


class PictureInline(ServiceInlineMixin, TabularInline):
    model = Picture
    form = PictureForm
    fields = ["preview", "name", "description", "upload", "width", "height", "status"]
    readonly_fields = ["preview", "width", "height", "status"]
    extra = 1

    @admin.display(description="thumbnail")
    def preview(self, obj):
        return thumbnail_tag(obj)

    def save_via(self, request, obj, form):
        return picture_save(request, obj, form)

    def delete_via(self, request, obj):
        services.delete_picture(request.user, obj)


@admin.register(PictureAlbum)
class PictureAlbumAdmin(ServiceAdmin):
    list_display = ["name", "date", "picture_count", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "date", "is_public", "permissions"]
    inlines = [PictureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(picture_total=Count("pictures"))

    @admin.display(description="pictures", ordering="picture_total")
    def picture_count(self, obj):
        return obj.picture_total

    def service_save(self, request, obj, form, change):
        return services.save_album(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_album(request.user, obj)


class PictureAdminForm(UploadForm):
    image = True

    class Meta:
        model = Picture
        fields = ["album", "name", "description"]


@admin.register(Picture)
class PictureAdmin(ServiceAdmin):
    form = PictureAdminForm
    list_display = ["preview", "name", "album", "width", "height", "status", "created"]
    list_display_links = ["preview", "name"]
    list_filter = ["status", "album"]
    search_fields = ["name", "description"]
    readonly_fields = ["preview", "stored", "width", "height", *PROCESSING_FIELDS]
    actions = ["process_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("album").prefetch_related("thumbnails")

    def get_fields(self, request, obj=None):
        base = ["album", "name", "description", "upload"]
        return base + (["preview", "stored", "width", "height", *PROCESSING_FIELDS] if obj else [])

    @admin.display(description="thumbnail")
    def preview(self, obj):
        return thumbnail_tag(obj)

    @admin.display(description="stored file")
    def stored(self, obj):
        return file_link(obj)

    @admin.action(description="Process the selected pictures again")
    def process_again(self, request, queryset):
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                jobs.enqueue(process_picture, pk)
        messages.success(request, "Processing requested.")

    def service_save(self, request, obj, form, change):
        return picture_save(request, obj, form)

    def service_delete(self, request, obj):
        services.delete_picture(request.user, obj)
