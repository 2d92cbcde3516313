"""The timeline tab of a person's and an organisation's page (apps.parties.timeline), with a
"log an activity" form right there, and the short quick-create forms for a person and an
organisation."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from unfold.widgets import INPUT_CLASSES, SELECT_CLASSES

from apps.core.admin import add_service_error
from apps.parties.models import Party
from apps.parties.timeline import timeline

TIMELINE_PAGE = "timeline"


def _classes(widget, classes):
    widget.attrs["class"] = " ".join(classes)
    return widget


class LogActivityForm(forms.Form):
    """A done (or planned) call, meeting, visit... with this party as its contact/account."""

    activity_type = forms.ModelChoiceField(queryset=None, required=False, empty_label="(no type)")
    name = forms.CharField(max_length=255, label="What")
    start = forms.DateTimeField(label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    state = forms.ChoiceField(choices=[("completed", "Done"), ("pending", "To do")], initial="completed")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ActivityType = apps.get_model("sales", "ActivityType")
        self.fields["activity_type"].queryset = ActivityType.objects.order_by("name")
        for name, field in self.fields.items():
            classes = SELECT_CLASSES if name in ("activity_type", "state") else INPUT_CLASSES
            _classes(field.widget, classes)
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


def log_activity(request, party: Party, data) -> tuple[bool, LogActivityForm]:
    """Create the activity through the sales services; (saved, the form with any errors)."""
    from apps.sales import services as sales_services
    from apps.sales.models import Activity

    if not request.user.has_perm("sales.add_activity"):
        raise PermissionDenied
    form = LogActivityForm(data)
    if not form.is_valid():
        return False, form
    activity = Activity(
        kind=Activity.Kind.TASK,
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
        activity_type=form.cleaned_data["activity_type"],
        start=form.cleaned_data["start"],
        state=form.cleaned_data["state"],
        owner=request.user,
    )
    if party.kind == Party.Kind.PERSON:
        activity.contact = party
    else:
        activity.account = party
    try:
        sales_services.save_activity(request.user, activity)
    except ValidationError as error:
        add_service_error(form, error)
        return False, form
    return True, form


class TimelineTab:
    """A tab of unfold's change form (it takes "datasets": objects with `tab`, `title`,
    `model_name` and rendered `contents`) showing the party's timeline."""

    model = Party
    tab = True
    title = "Timeline"
    model_name = "timeline"
    id = "timeline"

    def __init__(self, request, extra_context=None):
        self.request = request
        self.object_id = (extra_context or {}).get("object")

    @property
    def contents(self) -> str:
        if not self.object_id:
            return ""
        party = Party.objects.filter(pk=self.object_id).first()
        if party is None:
            return ""
        try:
            page = int(self.request.GET.get(TIMELINE_PAGE, 1))
        except ValueError:
            page = 1
        events, has_next = timeline(party, page)
        form = getattr(self.request, "_log_activity_form", None) or LogActivityForm()
        return render_to_string(
            "admin/parties/timeline.html",
            {
                "party": party,
                "events": events,
                "page": page,
                "has_next": has_next,
                "page_var": TIMELINE_PAGE,
                "form": form,
                "can_log": self.request.user.has_perm("sales.add_activity"),
                "log_url": reverse("admin:parties_party_log_activity", args=[party.pk]),
            },
            request=self.request,
        )


def log_activity_view(model_admin, request, object_id):
    """POST only: log an activity on the party, back to its timeline tab."""
    from .parties import party_change_url

    party = Party.objects.filter(pk=object_id).first()
    if party is None or request.method != "POST":
        return HttpResponseRedirect(reverse("admin:index"))
    saved, form = log_activity(request, party, request.POST)
    if saved:
        messages.success(request, f"Activity “{form.cleaned_data['name']}” logged.")
    else:
        errors = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        messages.error(request, f"The activity was not logged: {errors}")
    return HttpResponseRedirect(party_change_url(party) + "#dataset-timeline")
