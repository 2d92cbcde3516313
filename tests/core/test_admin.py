"""The core admin: tags and custom fields (change-logged), API keys (raw key shown once, never
stored), and the change log (read-only, filterable)."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.core.api_keys import authenticate_api_key, issue_api_key
from apps.core.models import ApiKey, CustomField, Job, ObjectChange, Tag
from apps.core.services import set_custom_field_value
from tests.factories import CustomFieldFactory, PersonFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages name static files; the test run has no collected manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Tags and custom fields -----------------------------------------------------------------


def test_tag_add_change_delete_write_the_change_log(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:core_tag_add"), {"name": "VIP", "colour": "#ff0000", "description": ""}
    )
    assert response.status_code == 302
    tag = Tag.objects.get(name="VIP")
    response = admin_client.post(
        reverse("admin:core_tag_change", args=[tag.pk]),
        {"name": "VVIP", "colour": "#ff0000", "description": ""},
    )
    assert response.status_code == 302
    response = admin_client.post(reverse("admin:core_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert response.status_code == 302
    entries = ObjectChange.objects.filter(content_type__model="tag", object_id=tag.pk, user=admin_user)
    assert sorted(entries.values_list("action", flat=True)) == ["create", "delete", "update"]
    assert entries.get(action="update").before["name"] == "VIP"


def _field_data(**values):
    data = {
        "key": "level",
        "name": "Level",
        "category": "",
        "applies_to": "person",
        "field_type": "choice",
        "required": "",
        "order": "0",
        "help_text": "",
        "choices_text": "gold\nsilver\n\ngold\n bronze ",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_custom_field_choices_are_edited_one_per_line(admin_client):
    response = admin_client.post(reverse("admin:core_customfield_add"), _field_data())
    assert response.status_code == 302
    field = CustomField.objects.get(key="level")
    assert field.choices == ["gold", "silver", "bronze"]
    assert ObjectChange.objects.filter(content_type__model="customfield", action="create").exists()

    page = admin_client.get(reverse("admin:core_customfield_change", args=[field.pk]))
    assert page.context["adminform"].form["choices_text"].value() == "gold\nsilver\nbronze"


def test_custom_field_choice_rules(admin_client):
    add = reverse("admin:core_customfield_add")
    response = admin_client.post(add, _field_data(choices_text=""))
    assert "A choice field needs at least one choice." in str(response.context["adminform"].form.errors)
    response = admin_client.post(add, _field_data(field_type="text"))
    assert "Only choice fields have choices." in str(response.context["adminform"].form.errors)

    field = CustomFieldFactory(key="level", field_type="choice", choices=["gold", "silver"])
    set_custom_field_value(None, PersonFactory(), field, "gold")
    change = reverse("admin:core_customfield_change", args=[field.pk])
    data = _field_data(choices_text="silver")
    data.pop("key")
    response = admin_client.post(change, data)
    assert "Still in use, cannot be removed: gold." in str(response.context["adminform"].form.errors)
    response = admin_client.post(change, {**data, "field_type": "text", "choices_text": ""})
    assert "its type cannot change" in str(response.context["adminform"].form.errors)
    response = admin_client.post(change, {**data, "choices_text": "gold\nsilver\nplatinum"})
    assert response.status_code == 302
    field.refresh_from_db()
    assert field.choices == ["gold", "silver", "platinum"] and field.key == "level"


# --- API keys -------------------------------------------------------------------------------


def test_adding_an_api_key_shows_the_raw_key_once_and_it_authenticates(admin_client, admin_user):
    owner = UserFactory(username="integration")
    response = admin_client.post(
        reverse("admin:core_apikey_add"), {"name": "ERP sync", "user": owner.pk, "expires": ""}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="ERP sync")
    shown = [m for m in messages_of(response) if "The new API key is" in m]
    assert len(shown) == 1
    raw = shown[0].split("<code>")[1].split("</code>")[0]
    assert raw.startswith(f"{key.prefix}.")
    assert raw in response.content.decode()
    assert authenticate_api_key(raw) == key and key.user == owner
    assert key.hashed_secret not in raw  # only the hash is stored

    again = admin_client.get(reverse("admin:core_apikey_change", args=[key.pk]))
    assert raw.split(".")[1] not in again.content.decode()
    assert key.hashed_secret not in again.content.decode()
    listing = admin_client.get(reverse("admin:core_apikey_changelist"))
    assert raw.split(".")[1] not in listing.content.decode() and key.prefix in listing.content.decode()


def test_revoke_action_revokes_the_selected_keys(admin_client, admin_user):
    key, raw = issue_api_key(admin_user, "to revoke")
    other, other_raw = issue_api_key(admin_user, "to keep")
    response = admin_client.post(
        reverse("admin:core_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    assert "Revoked 1 API key." in messages_of(response)
    assert authenticate_api_key(raw) is None
    assert authenticate_api_key(other_raw) == other


def test_api_key_change_page_edits_name_and_expiry_only(admin_client, admin_user):
    key, _raw = issue_api_key(admin_user, "old name")
    url = reverse("admin:core_apikey_change", args=[key.pk])
    page = admin_client.get(url)
    assert set(page.context["adminform"].form.fields) == {"name", "expires", "revoked"}
    response = admin_client.post(
        url,
        {
            "name": "new name",
            "expires_0": "2030-06-01",
            "expires_1": "12:00:00",
            "revoked_0": "",
            "revoked_1": "",
        },
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.name == "new name" and key.expires.year == 2030


# --- The change log -------------------------------------------------------------------------


def test_change_log_is_read_only_and_filterable(admin_client, admin_user):
    tag = TagFactory(name="Press")
    admin_client.post(
        reverse("admin:core_tag_change", args=[tag.pk]), {"name": "Media", "colour": "", "description": ""}
    )
    PersonFactory(first_name="Sys", last_name="Tem")  # logged without a user
    entry = ObjectChange.objects.get(content_type__model="tag", action="update")
    url = reverse("admin:core_objectchange_changelist")

    def listed(query):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, query
        return {e.pk for e in response.context["cl"].result_list}

    assert listed("action__exact=update") == {entry.pk}
    assert listed(f"content_type__id__exact={entry.content_type_id}") == {entry.pk}
    assert listed(f"user__id__exact={admin_user.pk}") == {entry.pk}
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    assert entry.pk in listed(urlencode({"time__gte": str(midnight), "time__lt": str(midnight + day)}))
    long_ago = midnight.replace(year=2000)
    assert listed(urlencode({"time__gte": str(long_ago), "time__lt": str(long_ago + day)})) == set()
    assert entry.pk in listed("q=Media")

    detail = admin_client.get(reverse("admin:core_objectchange_change", args=[entry.pk]))
    assert detail.status_code == 200 and "Press → Media" in detail.content.decode()
    assert admin_client.get(reverse("admin:core_objectchange_add")).status_code == 403
    response = admin_client.post(reverse("admin:core_objectchange_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ObjectChange.objects.filter(pk=entry.pk).exists()


# --- Jobs -----------------------------------------------------------------------------------


def test_the_admin_lists_jobs_read_only(admin_client):
    job = Job.objects.create(
        task="apps.content.tasks.process_file", args=[1], state="failed", error="The stored file is missing."
    )
    listing = admin_client.get(reverse("admin:core_job_changelist") + "?state__exact=failed")
    assert listing.status_code == 200 and "apps.content.tasks.process_file" in listing.content.decode()
    detail = admin_client.get(reverse("admin:core_job_change", args=[job.pk]))
    assert detail.status_code == 200 and "The stored file is missing." in detail.content.decode()
    assert admin_client.get(reverse("admin:core_job_add")).status_code == 403
