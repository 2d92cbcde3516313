"""The parties admin: every screen loads, saves go through the services (rules and change log),
searches and filters narrow, rule violations show as errors, lists stay at constant queries."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.forms import CheckboxInput
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.models import CustomField, CustomFieldValue, ObjectChange
from apps.core.services import set_custom_field_value
from apps.parties import services
from apps.parties.models import (
    Address,
    AddressType,
    CompanyPosition,
    EmailAddress,
    Group,
    Membership,
    MessengerAccount,
    Party,
    PartyRelation,
    Phone,
    Segment,
)
from tests.factories import (
    AddressTypeFactory,
    CombinationFactory,
    CustomFieldFactory,
    GroupFactory,
    OrganisationFactory,
    PersonFactory,
    SegmentFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def today():
    """Read per use, not at import: a run may cross midnight (the filters read today too)."""
    return timezone.localdate()


PERSONS = "/admin/parties/person/"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages name static files; the test run has no collected manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Helpers --------------------------------------------------------------------------------


def _form_values(data, form):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif value is not None:
            data[key] = str(value)


def change_form_data(response, **values):
    """The POST data a browser would send back for an admin add/change page, then `values`
    (prefixed names: `addresses-0-city`; None removes a key)."""
    data = {}
    _form_values(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            _form_values(data, form)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def prefix_of(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model}")


def add_rows(data, prefix, *rows):
    """Append new inline rows (dicts of field values) to POST data."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{total + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def errors_of(response) -> str:
    if response.status_code != 200 or "errors" not in (response.context or {}):
        return ""
    parts = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        parts.append(str(inline.formset.non_form_errors()))
        parts += [str(form.errors) for form in inline.formset.forms]
    return " ".join(parts)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def person_url(person, view="change"):
    return reverse(f"admin:parties_person_{view}", args=[person.pk])


def found(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {obj.pk for obj in response.context["cl"].result_list}


# --- Every screen loads ---------------------------------------------------------------------


MY_ADMIN_MODULES = ("apps.core.admin", "apps.parties.admin.parties")


def test_every_admin_page_of_core_and_parties_loads(admin_client, admin_user, rf):
    from apps.core.models import Job
    from apps.parties.demo.parties import seed

    seed(None)
    Job.objects.create(task="apps.core.tasks.sweep_jobs")  # the demo queues no background work
    request = rf.get("/admin/")
    request.user = admin_user
    failures = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("core", "parties"):
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = [
            (reverse(f"{info}_changelist"), 200),
            (reverse(f"{info}_add"), 200 if model_admin.has_add_permission(request) else 403),
        ]
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            # the hidden party screen sends a party to its person or organisation page
            pages.append((reverse(f"{info}_change", args=[obj.pk]), 302 if model is Party else 200))
            pages.append((reverse(f"{info}_history", args=[obj.pk]), 200))
        elif type(model_admin).__module__ in MY_ADMIN_MODULES:
            failures.append(f"{model.__name__}: no demo rows to open")
        for url, expected in pages:
            status = admin_client.get(url).status_code
            if status != expected:
                failures.append(f"{url}: {status} (expected {expected})")
    assert not failures, failures


# --- Saving through the services ------------------------------------------------------------


def test_adding_a_person_with_inlines_goes_through_the_services(admin_client, admin_user):
    combination = CombinationFactory()
    level = CustomFieldFactory(
        key="level", field_type=CustomField.FieldType.CHOICE, choices=["gold", "silver"]
    )
    tag = TagFactory()
    page = admin_client.get(reverse("admin:parties_person_add"))
    assert page.status_code == 200
    data = change_form_data(page, first_name="Ann", last_name="Peeters", tags=[str(tag.pk)])
    addresses = prefix_of(page, Address)
    data[f"{addresses}-0-street"] = "Kouter"
    data[f"{addresses}-0-city"] = "Gent"
    add_rows(data, prefix_of(page, EmailAddress), {"email": "ann@example.com", "is_primary": "on"})
    add_rows(data, prefix_of(page, Phone), {"number": "0475 12 34 56", "kind": "mobile"})
    add_rows(
        data,
        prefix_of(page, Membership),
        {"combination": str(combination.pk), "start_date": "2024-01-01", "end_date": ""},
    )
    add_rows(data, prefix_of(page, CustomFieldValue), {"field": str(level.pk), "value": "gold"})

    response = admin_client.post(reverse("admin:parties_person_add"), data)
    assert response.status_code == 302, errors_of(response)

    person = Party.objects.get(last_name="Peeters")
    assert person.kind == Party.Kind.PERSON and person.name == "Ann Peeters"
    default = person.addresses.get()
    assert default.is_default and default.city == "Gent"  # the row filled the default address
    assert person.primary_email == "ann@example.com"
    assert person.phones.get().number == "0475 12 34 56"
    assert person.memberships.get().combination == combination
    assert CustomFieldValue.objects.get(object_id=person.pk, field=level).text_value == "gold"
    assert list(person.tags.all()) == [tag]
    logged = ObjectChange.objects.filter(user=admin_user)
    party_type = ContentType.objects.get_for_model(Party)
    assert logged.filter(action="create", content_type=party_type, object_id=person.pk).exists()
    child_types = {
        entry.content_type.model
        for entry in logged.filter(related_content_type=party_type, related_object_id=person.pk)
    }
    assert {"address", "emailaddress", "phone", "membership", "customfieldvalue"} <= child_types


def test_changing_a_person_logs_the_change_and_history_shows_it(admin_client, admin_user):
    person = PersonFactory(first_name="Jan", last_name="Maes", phone="09 123 45 67")
    page = admin_client.get(person_url(person))
    phones = prefix_of(page, Phone)
    data = change_form_data(page, last_name="Mertens", **{f"{phones}-0-number": "09 765 43 21"})

    response = admin_client.post(person_url(person), data)
    assert response.status_code == 302, errors_of(response)

    person.refresh_from_db()
    assert person.name == "Jan Mertens"
    update = ObjectChange.objects.get(action="update", content_type__model="party", object_id=person.pk)
    assert update.user == admin_user and update.before["last_name"] == "Maes"
    phone_update = ObjectChange.objects.get(action="update", content_type__model="phone")
    assert phone_update.after["number"] == "09 765 43 21"

    history = admin_client.get(person_url(person, "history"))
    assert history.status_code == 200
    text = history.content.decode()
    assert "admin" in text and "Maes → Mertens" in text and "09 123 45 67 → 09 765 43 21" in text


def test_editing_a_custom_field_value_uses_the_typed_widget(admin_client):
    person = PersonFactory()
    when = CustomFieldFactory(key="since", field_type=CustomField.FieldType.DATE)
    row = set_custom_field_value(None, person, when, "2020-05-01")
    page = admin_client.get(person_url(person))
    prefix = prefix_of(page, CustomFieldValue)
    formset = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.prefix == prefix)
    assert type(formset.forms[0].fields["value"]).__name__ == "DateField"

    response = admin_client.post(
        person_url(person), change_form_data(page, **{f"{prefix}-0-value": "not a date"})
    )
    assert response.status_code == 200 and "Enter a valid date" in errors_of(response)

    response = admin_client.post(
        person_url(person), change_form_data(page, **{f"{prefix}-0-value": "2021-02-03"})
    )
    assert response.status_code == 302, errors_of(response)
    row.refresh_from_db()
    assert row.date_value == datetime.date(2021, 2, 3)

    # emptying the value removes it
    response = admin_client.post(person_url(person), change_form_data(page, **{f"{prefix}-0-value": ""}))
    assert response.status_code == 302, errors_of(response)
    assert not CustomFieldValue.objects.filter(pk=row.pk).exists()


def test_deleting_a_person_goes_through_the_service(admin_client, admin_user):
    person = PersonFactory()
    response = admin_client.post(person_url(person, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Party.objects.filter(pk=person.pk).exists()
    assert ObjectChange.objects.filter(action="delete", object_id=person.pk, user=admin_user).exists()


# --- Rules shown as errors, never a 500 -----------------------------------------------------


def test_deleting_the_default_address_is_refused_with_a_message(admin_client):
    person = PersonFactory()
    page = admin_client.get(person_url(person))
    prefix = prefix_of(page, Address)
    response = admin_client.post(person_url(person), change_form_data(page, **{f"{prefix}-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "The default address cannot be deleted." in errors_of(response)
    assert person.addresses.filter(is_default=True).exists()


def test_too_many_addresses_of_a_type_are_refused_before_saving(admin_client):
    visiting = AddressTypeFactory(description="Visiting", code="visiting", max_amount=1)
    person = PersonFactory()
    page = admin_client.get(person_url(person))
    data = add_rows(
        change_form_data(page),
        prefix_of(page, Address),
        {"address_type": str(visiting.pk), "city": "Gent", "country": "BE"},
        {"address_type": str(visiting.pk), "city": "Brugge", "country": "BE"},
    )
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 200
    assert "At most 1 Visiting address per party." in errors_of(response)
    assert person.addresses.count() == 1


def test_membership_ending_before_it_starts_is_refused(admin_client):
    combination = CombinationFactory()
    person = PersonFactory()
    page = admin_client.get(person_url(person))
    data = add_rows(
        change_form_data(page),
        prefix_of(page, Membership),
        {"combination": str(combination.pk), "start_date": "2024-05-01", "end_date": "2024-01-01"},
    )
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 200
    assert "The end date must not be before the start date." in errors_of(response)
    assert not Membership.objects.exists()


def test_a_rule_only_the_service_knows_shows_on_the_form(admin_client):
    """A person without a name: the form allows it, services.update_party refuses it, and the
    refusal shows on the form (the save rolled back), not as a 500."""
    person = PersonFactory(first_name="Jan", last_name="Maes")
    page = admin_client.get(person_url(person))
    response = admin_client.post(person_url(person), change_form_data(page, first_name="", last_name=""))
    assert response.status_code == 200
    assert "A person needs a first or a last name." in errors_of(response)
    person.refresh_from_db()
    assert person.last_name == "Maes"


def test_two_primary_email_addresses_are_refused(admin_client):
    person = PersonFactory(email="a@example.com")
    page = admin_client.get(person_url(person))
    data = add_rows(
        change_form_data(page), prefix_of(page, EmailAddress), {"email": "b@example.com", "is_primary": "on"}
    )
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 200 and "can be primary" in errors_of(response)


def test_deleting_the_default_address_type_is_refused_with_a_message(admin_client):
    default = services.get_default_address_type()
    url = reverse("admin:parties_addresstype_delete", args=[default.pk])
    response = admin_client.get(url)
    assert response.status_code == 302
    assert "The default address type cannot be deleted." in messages_of(response)

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert AddressType.objects.filter(pk=default.pk).exists()


def test_bulk_delete_of_address_types_reports_what_a_rule_refused(admin_client):
    spare = AddressTypeFactory(description="Spare")
    in_use = AddressTypeFactory(description="Used", max_amount=2)
    services.add_address(None, PersonFactory(), address_type=in_use, city="Gent")
    default = services.get_default_address_type()
    response = admin_client.post(
        reverse("admin:parties_addresstype_changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk, in_use.pk, default.pk], "post": "yes"},
    )
    assert response.status_code == 302
    texts = messages_of(response)
    assert "Deleted 1 address type." in texts
    assert any("in use and cannot be deleted" in t for t in texts)
    assert any("default address type cannot be deleted" in t for t in texts)
    assert set(
        AddressType.objects.filter(pk__in=[spare.pk, in_use.pk, default.pk]).values_list("pk", flat=True)
    ) == {
        in_use.pk,
        default.pk,
    }


def test_a_group_cannot_move_under_its_own_subgroup(admin_client):
    top = GroupFactory(name="Top")
    child = GroupFactory(name="Child", parent=top)
    url = reverse("admin:parties_group_change", args=[top.pk])
    page = admin_client.get(url)
    choices = [value for value, _label in page.context["adminform"].form.fields["parent"].choices if value]
    assert {int(str(v)) for v in choices}.isdisjoint({top.pk, child.pk})

    response = admin_client.post(url, {"name": "Top", "description": "", "parent": str(child.pk)})
    assert response.status_code == 200
    top.refresh_from_db()
    assert top.parent is None

    changelist = admin_client.get(reverse("admin:parties_group_changelist"))
    names = [group.name for group in changelist.context["cl"].result_list]
    assert names.index("Child") == names.index("Top") + 1  # tree order


def test_segment_rule_is_validated_and_members_are_listed(admin_client):
    gent = PersonFactory(first_name="In", last_name="Gent")
    services.update_address(None, gent.addresses.get(), city="Gent")
    other = PersonFactory(first_name="Out", last_name="Side")
    listed = PersonFactory(first_name="By", last_name="Hand")
    add = reverse("admin:parties_segment_add")
    base = {"name": "Gent", "description": "", "applies_to": "person", "static_members": [str(listed.pk)]}

    response = admin_client.post(add, {**base, "rules": '{"conditions": [{"field": "nope", "op": "eq"}]}'})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rules"] == ['Unknown field "nope".']

    rule = '{"match": "all", "conditions": [{"field": "city", "op": "eq", "value": "Gent"}]}'
    response = admin_client.post(add, {**base, "rules": rule})
    assert response.status_code == 302
    segment = Segment.objects.get(name="Gent")
    assert list(segment.static_members.all()) == [listed]
    assert ObjectChange.objects.filter(action="create", content_type__model="segment").exists()

    members = admin_client.get(reverse("admin:parties_segment_members", args=[segment.pk]))
    assert members.status_code == 200
    listed_ids = {row["party"].pk for row in members.context["rows"]}
    assert listed_ids == {gent.pk, listed.pk} and other.pk not in listed_ids


def test_static_members_must_match_the_segment_kind(admin_client):
    organisation = OrganisationFactory()
    response = admin_client.post(
        reverse("admin:parties_segment_add"),
        {
            "name": "S",
            "description": "",
            "applies_to": "person",
            "rules": "",
            "static_members": [organisation.pk],
        },
    )
    assert response.status_code == 200
    assert "This segment selects persons" in str(response.context["adminform"].form.errors)


def test_company_position_organisation_picker_offers_organisations_only(admin_client):
    organisation = OrganisationFactory(name="Acme Corp")
    PersonFactory(first_name="Acme", last_name="Person")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "parties",
            "model_name": "companyposition",
            "field_name": "organisation",
            "term": "Acme",
        },
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(organisation.pk)]


def test_a_person_gets_a_company_position_through_the_inline(admin_client):
    organisation = OrganisationFactory(name="Acme")
    person = PersonFactory()
    page = admin_client.get(person_url(person))
    data = add_rows(
        change_form_data(page),
        prefix_of(page, CompanyPosition),
        {"organisation": str(organisation.pk), "title": "CEO", "is_primary": "on", "start_date": ""},
    )
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 302, errors_of(response)
    assert person.company_positions.get().organisation == organisation

    employees = admin_client.get(reverse("admin:parties_organisation_change", args=[organisation.pk]))
    assert "CEO" in employees.content.decode()


def test_relations_and_messenger_accounts_through_the_inlines(admin_client, admin_user):
    person, partner = PersonFactory(), PersonFactory()
    page = admin_client.get(person_url(person))
    data = change_form_data(page)
    add_rows(data, prefix_of(page, PartyRelation), {"type": "partner", "related_party": str(partner.pk)})
    add_rows(data, prefix_of(page, MessengerAccount), {"service": "skype", "handle": "live:jan"})
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 302, errors_of(response)
    assert person.relations.get().related_party == partner
    assert person.messenger_accounts.get().handle == "live:jan"
    logged = ObjectChange.objects.filter(user=admin_user, action="create", related_object_id=person.pk)
    assert {e.content_type.model for e in logged} == {"partyrelation", "messengeraccount"}

    page = admin_client.get(person_url(person))
    data = add_rows(
        change_form_data(page),
        prefix_of(page, PartyRelation),
        {"type": "friend", "related_party": str(person.pk)},
    )
    response = admin_client.post(person_url(person), data)
    assert response.status_code == 200 and "cannot be related to itself" in errors_of(response)


# --- Search and filters ---------------------------------------------------------------------


def test_search_finds_a_person_by_email_and_by_phone(admin_client):
    ann = PersonFactory(first_name="Ann", email="ann.peeters@example.com", mobile="0475 12 34 56")
    PersonFactory(first_name="Bob", email="bob@example.com", mobile="0499 99 99 99")
    assert found(admin_client, f"{PERSONS}?q=peeters@example") == {ann.pk}
    assert found(admin_client, f"{PERSONS}?q=0475 12 34") == {ann.pk}
    assert found(admin_client, f"{PERSONS}?q=0475123456") == {ann.pk}  # written without spaces


def test_list_filters_narrow_the_persons(admin_client):
    member, former, tagged, valued, plain = (PersonFactory() for _ in range(5))
    board = GroupFactory(name="Board")
    combination = CombinationFactory(group=board)
    services.add_membership(
        None, member, combination=combination, start_date=today() - datetime.timedelta(days=5)
    )
    services.add_membership(
        None,
        former,
        combination=combination,
        start_date=datetime.date(2020, 1, 1),
        end_date=today() - datetime.timedelta(days=1),
    )
    tag = TagFactory()
    services.set_tags(None, tagged, [tag])
    level = CustomFieldFactory(field_type=CustomField.FieldType.CHOICE, choices=["gold", "silver"])
    hobbies = CustomFieldFactory(field_type=CustomField.FieldType.MULTIPLE_CHOICE, choices=["golf", "chess"])
    news = CustomFieldFactory(field_type=CustomField.FieldType.BOOLEAN)
    set_custom_field_value(None, valued, level, "gold")
    set_custom_field_value(None, plain, level, "silver")
    set_custom_field_value(None, valued, hobbies, ["golf", "chess"])
    set_custom_field_value(None, plain, hobbies, ["chess"])
    set_custom_field_value(None, plain, news, True)
    segment = SegmentFactory(
        rules={"conditions": [{"field": "tag", "op": "eq", "value": tag.pk}]}, members=[member]
    )

    assert found(admin_client, f"{PERSONS}?group={board.pk}") == {member.pk}
    assert found(admin_client, f"{PERSONS}?function={combination.function_id}") == {member.pk}
    assert found(admin_client, f"{PERSONS}?tag={tag.pk}") == {tagged.pk}
    assert found(admin_client, f"{PERSONS}?segment={segment.pk}") == {tagged.pk, member.pk}
    assert found(admin_client, f"{PERSONS}?cf={level.pk}:gold") == {valued.pk}
    assert found(admin_client, f"{PERSONS}?cf={level.pk}:*") == {valued.pk, plain.pk}
    assert found(admin_client, f"{PERSONS}?cf={hobbies.pk}:golf") == {valued.pk}
    assert found(admin_client, f"{PERSONS}?cf={hobbies.pk}:chess") == {valued.pk, plain.pk}
    assert found(admin_client, f"{PERSONS}?cf={news.pk}:true") == {plain.pk}
    assert found(admin_client, f"{PERSONS}?cf={news.pk}:false") == set()
    assert len(found(admin_client, PERSONS)) == 5


def test_membership_status_filter(admin_client):
    combination = CombinationFactory()
    person = PersonFactory()
    day = datetime.timedelta(days=1)
    past = services.add_membership(
        None, person, combination=combination, start_date=today() - 10 * day, end_date=today() - day
    )
    current = services.add_membership(None, person, combination=combination, start_date=today())
    future = services.add_membership(None, person, combination=combination, start_date=today() + day)
    url = reverse("admin:parties_membership_changelist")
    assert found(admin_client, f"{url}?status=past") == {past.pk}
    assert found(admin_client, f"{url}?status=current") == {current.pk}
    assert found(admin_client, f"{url}?status=future") == {future.pk}


# --- Query counts ---------------------------------------------------------------------------


def _persons_with_details(count):
    tag = TagFactory()
    for n in range(count):
        person = PersonFactory(email=f"p{n}@example.com", phone=f"09 {n:03d} 00 00")
        services.update_address(None, person.addresses.get(), city="Gent")
        services.set_tags(None, person, [tag])


def test_person_changelist_queries_do_not_grow_with_the_page(admin_client, django_assert_max_num_queries):
    _persons_with_details(5)
    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(PERSONS)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 5
    assert "p4@example.com" in response.content.decode() and "Gent" in response.content.decode()

    _persons_with_details(45)
    with django_assert_max_num_queries(len(five)):
        response = admin_client.get(PERSONS)
    assert len(response.context["cl"].result_list) == 50


def test_organisation_and_membership_changelists_stay_constant(admin_client, django_assert_max_num_queries):
    combination = CombinationFactory()
    for _ in range(3):
        services.add_membership(None, OrganisationFactory(), combination=combination, start_date=today())
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/parties/organisation/")
        admin_client.get("/admin/parties/membership/")
    for _ in range(20):
        services.add_membership(None, OrganisationFactory(), combination=combination, start_date=today())
    with django_assert_max_num_queries(len(few)):
        admin_client.get("/admin/parties/organisation/")
        admin_client.get("/admin/parties/membership/")


def test_group_tree_indents_children(admin_client):
    top = GroupFactory(name="Alpha")
    GroupFactory(name="Beta", parent=top)
    page = admin_client.get(reverse("admin:parties_group_changelist"))
    assert 'padding-left:1.5em">Beta' in page.content.decode()
    assert Group.objects.count() == 2
