"""List actions on the selected persons or organisations (apps.parties.bulk): each asks for its
values on a page of its own, then runs here for a small selection or as a background job (with
progress on the jobs screen) for a large one."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from unfold.widgets import INPUT_CLASSES, SELECT_CLASSES

from apps.core import jobs
from apps.core.models import Tag
from apps.parties import bulk
from apps.parties.models import Combination, Segment


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select | forms.DateInput | forms.TextInput):
            classes = SELECT_CLASSES if isinstance(field.widget, forms.Select) else INPUT_CLASSES
            field.widget.attrs["class"] = " ".join(classes)
    return form


class TagForm(forms.Form):
    tag = forms.ModelChoiceField(queryset=Tag.objects.order_by("name"))

    def params(self):
        return {"tag": self.cleaned_data["tag"].pk}


class GroupForm(forms.Form):
    combination = forms.ModelChoiceField(
        queryset=Combination.objects.select_related("group", "function").order_by(
            "group__name", "function__name"
        ),
        label="Group / function",
    )
    start_date = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))

    def params(self):
        return {
            "combination": self.cleaned_data["combination"].pk,
            "start_date": self.cleaned_data["start_date"].isoformat(),
        }


class SegmentForm(forms.Form):
    segment = forms.ModelChoiceField(queryset=Segment.objects.order_by("name"), label="Static segment")

    def params(self):
        return {"segment": self.cleaned_data["segment"].pk}


class ResponsibleForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username"),
        required=False,
        label="Responsible user",
        empty_label="(nobody)",
    )

    def params(self):
        user = self.cleaned_data["user"]
        return {"user": user.pk if user else None}


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        choices=[
            ("direct_marketing_consent", "Direct marketing"),
            ("affiliate_marketing_consent", "Affiliate marketing"),
        ]
    )
    value = forms.TypedChoiceField(choices=[("1", "Given"), ("0", "Withdrawn")], coerce=lambda v: v == "1")

    def params(self):
        return {"consent": self.cleaned_data["consent"], "value": self.cleaned_data["value"]}


FORMS = {
    "tag": TagForm,
    "untag": TagForm,
    "add_to_group": GroupForm,
    "segment_add": SegmentForm,
    "segment_remove": SegmentForm,
    "assign_responsible": ResponsibleForm,
    "set_consent": ConsentForm,
}


def start(model_admin, request, queryset, operation: str):
    """The action: the form first; on "apply", run now or as a job; None back to the list."""
    form = _styled(FORMS[operation](request.POST if "apply" in request.POST else None))
    if "apply" in request.POST and form.is_valid():
        ids = list(queryset.values_list("pk", flat=True))
        title = bulk.OPERATIONS[operation]
        if len(ids) > bulk.INLINE_LIMIT:
            from apps.parties.tasks import bulk_parties_task

            job = jobs.enqueue(bulk_parties_task, operation, ids, form.params(), request.user.pk)
            url = reverse("admin:core_job_change", args=[job.pk])
            model_admin.message_user(
                request,
                format_html(
                    '{}: {} parties, running in the background — <a href="{}">follow its progress</a>.',
                    title,
                    len(ids),
                    url,
                ),
                messages.INFO,
            )
            return None
        try:
            result = bulk.run(request.user, operation, ids, form.params())
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        level = messages.WARNING if result["failed"] else messages.SUCCESS
        text = f"{title}: {result['changed']} of {result['total']} changed"
        if result["failed"]:
            text += f", {result['failed']} refused ({'; '.join(result['errors'][:3])})"
        model_admin.message_user(request, text + ".", level)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{bulk.OPERATIONS[operation]}: {queryset.count()} {model_admin.opts.verbose_name_plural}",
        "form": form,
        "sample": queryset[:20],
        "count": queryset.count(),
        "opts": model_admin.opts,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/parties/bulk_action.html", context)


def _action(operation: str):
    def action(model_admin, request, queryset):
        return start(model_admin, request, queryset, operation)

    action.__name__ = f"bulk_{operation}"
    return admin.action(description=f"{bulk.OPERATIONS[operation]}…", permissions=["change"])(action)


BULK_ACTIONS = [_action(operation) for operation in bulk.OPERATIONS]
