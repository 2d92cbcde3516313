"""Shared test factories (factory_boy). Parties are created through the services, so every
factory-made party holds the invariants a real one does (the default correspondence address)."""

import datetime
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.core.models import AppliesTo, CustomField, CustomFieldCategory, Tag
from apps.parties import services
from apps.parties.models import AddressType, Combination, Function, Group, Membership, Party, Segment
from apps.sales.models import Activity, ActivityType


@functools.cache
def _password_hash():
    """The hash of "pw-not-used-123", computed once: hashing per user made user-heavy tests slow."""
    return make_password("pw-not-used-123")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.LazyFunction(_password_hash)


class PersonFactory(factory.Factory):
    """A person made by services.create_person (`actor` defaults to None)."""

    class Meta:
        model = Party

    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.create_person(actor, **kwargs)


class OrganisationFactory(factory.Factory):
    """An organisation made by services.create_organisation (`actor` defaults to None)."""

    class Meta:
        model = Party

    name = factory.Sequence(lambda n: f"Organisation {n}")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.create_organisation(actor, **kwargs)


class AddressTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddressType

    description = factory.Sequence(lambda n: f"Type {n}")
    max_amount = 1


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class CustomFieldCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomFieldCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    applies_to = AppliesTo.PERSON


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomField

    key = factory.Sequence(lambda n: f"field_{n}")
    name = factory.Sequence(lambda n: f"Field {n}")
    applies_to = AppliesTo.PERSON
    field_type = CustomField.FieldType.TEXT


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n}")


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function

    name = factory.Sequence(lambda n: f"Function {n}")


class CombinationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Combination

    group = factory.SubFactory(GroupFactory)
    function = factory.SubFactory(FunctionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    party = factory.SubFactory(PersonFactory)
    combination = factory.SubFactory(CombinationFactory)
    start_date = datetime.date(2020, 1, 1)
    end_date = None


class SegmentFactory(factory.django.DjangoModelFactory):
    """A segment of persons by default; `members=[...]` lists static members."""

    class Meta:
        model = Segment
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Segment {n}")
    applies_to = Party.Kind.PERSON

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.static_members.set(extracted)


def activities(count: int) -> None:
    """`count` CRM activities, fast (bulk inserts)."""
    contact = services.create_person(None, first_name="Bulk", last_name="Contact")
    call, _ = ActivityType.objects.get_or_create(code="call", defaults={"name": "Call", "colour": "876FD5"})
    start = timezone.now() - datetime.timedelta(days=1)
    states = ["pending", "completed", "cancelled"]
    batch = 10_000
    for offset in range(0, count, batch):
        Activity.objects.bulk_create(
            [
                Activity(
                    kind=Activity.Kind.TASK,
                    name=f"Task {n}",
                    description="Bulk",
                    activity_type=call,
                    contact=contact,
                    start=start,
                    state=states[n % 3],
                )
                for n in range(offset, min(offset + batch, count))
            ],
            batch_size=batch,
        )
