"""The sales services' rules: activities (types, dates, sessions, state history, tags), attendance,
products and prices per group. Every rule holds whoever calls (admin, API, task)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.models import ObjectChange, Tag
from apps.parties import services as party_services
from apps.sales import services
from apps.sales.models import Activity, ActivityType, Attendance, Product, ProductPrice

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2024, 6, 1, 10))


def activity(kind="external", **fields):
    fields.setdefault("name", "A")
    fields.setdefault("start", NOW)
    if kind == "internal":
        fields.setdefault("default_price", Decimal("1"))
    return services.create_activity(None, kind=kind, **fields)


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_internal_needs_a_default_price():
    with pytest.raises(ValidationError) as exc:
        services.create_activity(None, kind="internal", name="x", start=NOW)
    assert "default_price" in errors(exc)
    internal = activity("internal")
    with pytest.raises(ValidationError):
        services.update_activity(None, internal, default_price=None)
    assert Activity.objects.get(pk=internal.pk).default_price == Decimal("1")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "  "}, "name"),
        ({"end": NOW - datetime.timedelta(hours=1)}, "end"),
        (
            {"registration_start": NOW, "registration_deadline": NOW - datetime.timedelta(days=1)},
            "registration_deadline",
        ),
        ({"permissions": {"a": 1}}, "permissions"),
        ({"default_price": Decimal("-1")}, "default_price"),
    ],
)
def test_activity_rules(fields, field):
    with pytest.raises(ValidationError) as exc:
        activity(**fields)
    assert field in errors(exc)
    assert not Activity.objects.exists()


def test_kind_cannot_change():
    a = activity()
    with pytest.raises(ValidationError) as exc:
        services.update_activity(None, a, kind="sale")
    assert "kind" in errors(exc)
    a.kind = "sale"
    with pytest.raises(ValidationError):
        services.save_activity(None, a)  # the admin's way in holds the same rule
    assert Activity.objects.get(pk=a.pk).kind == "external"


def test_sessions_belong_to_a_non_session_activity():
    parent = activity()
    with pytest.raises(ValidationError) as exc:
        activity("session")
    assert "parent" in errors(exc)
    session = activity("session", parent=parent)
    with pytest.raises(ValidationError):
        activity("session", parent=session)
    with pytest.raises(ValidationError):
        activity("external", parent=parent)
    assert list(parent.sessions.all()) == [session]


def test_database_constraints_back_the_rules():
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(kind="external", name="x", start=NOW, end=NOW - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(kind="session", name="x", start=NOW)


def test_state_history_and_completion():
    a = activity("task")
    assert list(a.state_changes.values_list("state", flat=True)) == ["pending"]
    assert not a.closed and a.completed_at is None
    services.set_activity_state(None, a, "completed")
    a.refresh_from_db()
    assert a.closed and a.completed_at is not None
    services.set_activity_state(None, a, "completed")  # no change: no new entry
    services.set_activity_state(None, a, "pending")
    a.refresh_from_db()
    assert a.completed_at is None
    assert list(a.state_changes.values_list("state", flat=True)) == ["pending", "completed", "pending"]
    with pytest.raises(ValidationError):
        services.set_activity_state(None, a, "closed")


def test_crm_fields_fit():
    call = services.save_lookup(None, ActivityType(name="Sales call", colour="876FD5"))
    org = party_services.create_organisation(None, name="ACME")
    person = party_services.create_person(None, first_name="Jan", last_name="Peeters")
    a = activity(
        "task",
        activity_type=call,
        account=org,
        contact=person,
        end=NOW + datetime.timedelta(minutes=45),
        result="ok",
    )
    assert a.duration == datetime.timedelta(minutes=45)
    tags = [Tag.objects.create(name="vip"), Tag.objects.create(name="follow-up")]
    services.set_activity_tags(None, a, tags)
    assert set(a.tags.values_list("name", flat=True)) == {"vip", "follow-up"}
    assert list(person.contact_activities.all()) == [a] and list(org.account_activities.all()) == [a]
    with pytest.raises(ValidationError):
        services.delete_lookup(None, call)  # in use
    assert ActivityType.objects.filter(pk=call.pk).exists()


def test_changes_are_logged():
    a = activity()
    pk = a.pk
    services.update_activity(None, a, name="B")
    services.delete_activity(None, a)
    changes = ObjectChange.objects.filter(content_type__model="activity", object_id=pk).order_by("id")
    actions = list(changes.values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_attendance_rules():
    a = activity()
    person = party_services.create_person(None, first_name="Jan", last_name="Peeters")
    row = services.register(None, a, person)
    assert row.status == "registered" and row.registered_at is not None
    with pytest.raises(ValidationError) as exc:
        services.register(None, a, person)
    assert "party" in errors(exc)
    services.check_in(None, row)
    row.refresh_from_db()
    assert row.status == "present" and row.checked_in_at is not None
    row.status = "absent"
    with pytest.raises(ValidationError):
        services.save_attendance(None, row)
    services.delete_attendance(None, Attendance.objects.get(pk=row.pk))
    assert not Attendance.objects.exists()


def test_product_and_price_rules():
    a = activity("sale")
    group = party_services.create_group(None, name="Members")
    product = services.create_product(None, a, name="Ticket", price=Decimal("10"))
    with pytest.raises(ValidationError):
        services.create_product(None, a, name="x", price=Decimal("-1"))
    with pytest.raises(ValidationError):
        services.create_product(None, a, name="x", price=Decimal("1"), max_quantity=0)
    price = services.create_product_price(None, product, group=group, price=Decimal("8"))
    with pytest.raises(ValidationError) as exc:
        services.create_product_price(None, product, group=group, price=Decimal("7"))
    assert errors(exc) == {"group": ["A price for this group already exists for this product."]}
    other = services.create_product(None, a, name="Meal", price=Decimal("5"))
    services.create_product_price(None, other, group=group, price=Decimal("4"))  # other product: fine
    services.update_product_price(None, price, price=Decimal("9"))
    assert ProductPrice.objects.get(pk=price.pk).price == Decimal("9")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductPrice.objects.create(product=product, group=group, price=Decimal("1"))
    services.delete_product(None, product)
    assert list(ProductPrice.objects.values_list("product", flat=True)) == [other.pk]


def test_deleting_an_activity_takes_its_children():
    parent = activity("sale")
    activity("session", parent=parent)
    product = services.create_product(None, parent, name="Ticket", price=Decimal("1"))
    services.create_product_price(None, product, group=party_services.create_group(None, name="G"), price=1)
    services.register(None, parent, party_services.create_person(None, first_name="A", last_name="B"))
    services.delete_activity(None, parent)
    assert not (Activity.objects.exists() or Product.objects.exists() or Attendance.objects.exists())
