"""Readable history: change-log lines name the objects they refer to; the content-type filters
list only the models that have entries."""

import pytest
from django.urls import reverse

from apps.core.admin import change_rows
from apps.core.models import ObjectChange
from apps.parties import services
from tests.factories import PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_a_change_log_line_names_the_related_objects(admin_client, admin_user):
    person = PersonFactory()
    vip, gold = TagFactory(name="VIP"), TagFactory(name="Gold")
    services.set_tags(admin_user, person, [vip, gold])
    services.update_party(admin_user, person, responsible_user=admin_user)
    entries = ObjectChange.objects.filter(object_id=person.pk, action="update").order_by("id")
    tags_row = change_rows(entries[0])
    assert (
        tags_row == [("Tags", "—", f"VIP (#{vip.pk}), Gold (#{gold.pk})")] or tags_row[0][2].count("(#") == 2
    )
    responsible = dict((label, after) for label, _before, after in change_rows(entries[1]))
    assert responsible["Responsible user"] == f"admin (#{admin_user.pk})"

    history = admin_client.get(reverse("admin:parties_person_history", args=[person.pk]))
    content = history.content.decode()
    assert f"admin (#{admin_user.pk})" in content and "VIP (#" in content


def test_the_content_type_filters_list_only_models_with_entries(admin_client, admin_user):
    services.create_person(admin_user, first_name="Jan", last_name="Peeters")
    response = admin_client.get(reverse("admin:core_objectchange_changelist"))
    filters = {getattr(spec, "field_path", None): spec for spec in response.context["cl"].filter_specs}
    choices = [label for _pk, label in filters["content_type"].lookup_choices]
    assert "Party" in choices or "Person" in choices or "party" in [c.lower() for c in choices]
    assert not any(c.lower() in ("session", "permission") for c in choices)
    merges = admin_client.get(reverse("admin:core_mergerecord_changelist"))
    merge_filters = {getattr(s, "field_path", None): s for s in merges.context["cl"].filter_specs}
    # no merge yet: no content type to offer (a filter without choices is not shown)
    assert "content_type" not in merge_filters or merge_filters["content_type"].lookup_choices == []
