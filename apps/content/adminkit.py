"""Admin plumbing so that every admin save and delete goes through a domain service: forms check
the service's rules (their errors show on the fields), model admins and inlines name the service
functions that save and delete, uploads are inspected and stored by the content services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from apps.core.admin_base import ModelAdmin, TabularInline

from . import downloads, services
from .models import File
from .uploads import inspect_upload


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (on the field when the form has it)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceCheckedForm(forms.ModelForm):
    """A model form that also runs the service's rule check (`service_check`) on the instance."""

    service_check = None  # a function (instance) -> None that raises ValidationError

    def _post_clean(self):
        super()._post_clean()
        check = type(self).service_check
        if check is None or self.errors:
            return
        try:
            check(self.instance)
        except ValidationError as exc:
            add_service_errors(self, exc)


class UploadForm(ServiceCheckedForm):
    """A form for a stored-file model: `upload` replaces the file field; it is inspected (size,
    sniffed type, image) on validation and stored by the service on save. `name` defaults to
    the upload's name."""

    upload = forms.FileField(required=False, help_text="The size, type and checksum are read from the file.")
    image = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "name" in self.fields:
            self.fields["name"].required = False

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        self.upload_info = None
        if upload is None:
            if not self.instance.pk:
                raise ValidationError("Choose a file to upload.")
            return None
        try:
            self.upload_info = inspect_upload(upload, image=self.image)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("file", exc.messages)) from None
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if "name" in self.fields and not (data.get("name") or "").strip():
            if upload is not None:
                data["name"] = upload.name[:255]
            elif self.instance.pk:
                self.add_error("name", "This field is required.")
        return data


class ServiceInlineMixin:
    """An inline whose rows are saved and deleted by services: `save_via(request, obj, form)` and
    `delete_via(request, obj)`."""

    def save_via(self, request, obj, form):
        raise NotImplementedError

    def delete_via(self, request, obj):
        raise NotImplementedError


class ServiceAdmin(ModelAdmin):
    """A model admin whose saves and deletes are service calls: subclasses implement
    `service_save(request, obj, form, change)` and `service_delete(request, obj)`; inlines are
    ServiceInlineMixin inlines."""

    def service_save(self, request, obj, form, change):
        raise NotImplementedError

    def service_delete(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj, form, change)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def save_related(self, request, form, formsets, change):
        self.save_m2m(request, form, change)
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_m2m(self, request, form, change):
        """Many-to-many fields of the form, through a service (none by default)."""

    def _inline_for(self, request, formset):
        for inline in self.get_inline_instances(request, formset.instance):
            if inline.model is formset.model and getattr(inline, "fk_name", None) in (None, formset.fk.name):
                return inline
        raise LookupError(f"No inline for {formset.model.__name__}")

    def save_formset(self, request, form, formset, change):
        inline = self._inline_for(request, formset)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.deleted_forms:
            if row.instance.pk:
                inline.delete_via(request, row.instance)
                formset.deleted_objects.append(row.instance)
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            is_new = row.instance.pk is None
            obj = row.save(commit=False)
            setattr(obj, formset.fk.name, formset.instance)
            saved = inline.save_via(request, obj, row) or obj
            if is_new:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, row.changed_data))


def stored_file_save(request, obj, form, **owner):
    """Save a File from an UploadForm: a new upload is stored by the service (a new row, or new
    content for an existing one); other changes are a plain update."""
    upload = form.cleaned_data.get("upload")
    info = getattr(form, "upload_info", None)
    if obj.pk is None:
        return services.add_file(
            request.user,
            upload,
            name=obj.name,
            description=obj.description,
            folder=obj.folder,
            activity=obj.activity,
            news_post=obj.news_post,
            info=info,
        )
    services.update_file(request.user, obj)
    if upload is not None:
        services.replace_file_content(request.user, obj, upload, info)
    return obj


def picture_save(request, obj, form):
    upload = form.cleaned_data.get("upload")
    info = getattr(form, "upload_info", None)
    if obj.pk is None:
        return services.add_picture(
            request.user, obj.album, upload, name=obj.name, description=obj.description, info=info
        )
    services.update_picture(request.user, obj)
    if upload is not None:
        services.replace_picture_content(request.user, obj, upload, info)
    return obj


def file_link(obj) -> str:
    if not obj.pk or not obj.file.name:
        return "-"
    url = downloads.file_url(obj.file)
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.file.name)


def thumbnail_tag(picture, height=60) -> str:
    thumb = picture.thumbnail("small") if picture.pk else None
    if thumb is None:
        return "(being processed)" if picture.pk else "-"
    url = downloads.file_url(thumb.file)
    return format_html('<img src="{}" alt="{}" style="height:{}px">', url, picture.name, height)


class FileInlineForm(UploadForm):
    class Meta:
        model = File
        fields = ["name"]


class FileInline(ServiceInlineMixin, TabularInline):
    """Files of a folder, activity or news post, uploaded through the content service."""

    model = File
    form = FileInlineForm
    fields = ["name", "upload", "stored", "content_type", "size", "status"]
    readonly_fields = ["stored", "content_type", "size", "status"]
    extra = 1

    @admin.display(description="stored file")
    def stored(self, obj):
        return file_link(obj)

    def save_via(self, request, obj, form):
        return stored_file_save(request, obj, form)

    def delete_via(self, request, obj):
        services.delete_file(request.user, obj)
