"""Merging parties (apps.parties.merge, apps.core.merging): relations found from the registry
move in one transaction, conflicts follow the documented rule, a repeat is a no-op, a failure
anywhere leaves both parties as they were; the admin's "Merge into…" previews and merges; on a
real worker (PostgreSQL + Redis), a merge runs through Celery and a killed one reruns cleanly."""

import datetime
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models
from django.urls import reverse

from apps.content.models import File, Folder
from apps.core.changelog import history_for
from apps.core.merging import MergeError, relations_to
from apps.core.models import CustomFieldValue, Job, MergeRecord
from apps.core.services import set_custom_field_value
from apps.parties import keystore, services
from apps.parties import merge as merge_module
from apps.parties.merge import discovered_relations, merge_parties
from apps.parties.models import (
    Address,
    CompanyPosition,
    Education,
    EmailAddress,
    Membership,
    MessengerAccount,
    Party,
    PartyRelation,
    Phone,
)
from apps.parties.tasks import merge_parties_task
from apps.sales.models import Activity, Attendance
from tests.factories import (
    AddressTypeFactory,
    CombinationFactory,
    CustomFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)
from tests.processes import row_locked

NOW = datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)
HAS_ACCOUNTS = apps.is_installed("apps.accounts")


@pytest.fixture
def actor(db):
    return UserFactory(username="merger")


def activity(name="Visit", **kwargs):
    return Activity.objects.create(name=name, start=NOW, **kwargs)


def account(party, currency, **kwargs):
    from apps.accounts.models import Account

    return Account.objects.create(party=party, name=f"{party} {currency}", currency=currency, **kwargs)


def pointing_at(party) -> dict:
    """Every row of every discovered relation that points at the party, per relation label."""
    content_types = [ContentType.objects.get_for_model(Party).pk]
    return {
        r.label: sorted(r.rows(party, content_types).values_list("pk", flat=True))
        for r in relations_to(Party)
        if r.rows(party, content_types).exists()
    }


# --- Discovery -------------------------------------------------------------------------------


def test_discovery_lists_every_relation_the_registry_has():
    """A model added later that points at Party is merged without code changes: whatever
    `_meta.related_objects` (and the generic relations) show must be in the discovered list."""
    found = set(discovered_relations())
    expected = set()
    for rel in Party._meta.related_objects:
        if rel.many_to_many:
            through = rel.through if hasattr(rel, "through") else rel.field.remote_field.through
            column = next(
                f for f in through._meta.concrete_fields if f.is_relation and f.related_model is Party
            )
            expected.add(f"{through._meta.label}.{column.name}")
        else:
            expected.add(f"{rel.related_model._meta.label}.{rel.field.name}")
    for m2m in Party._meta.many_to_many:  # Party's own many-to-many fields (tags, ...)
        through = m2m.remote_field.through
        column = next(f for f in through._meta.concrete_fields if f.related_model is Party)
        expected.add(f"{through._meta.label}.{column.name}")
    for generic in Party._meta.private_fields:  # GenericRelations (custom field values)
        expected.add(f"{generic.related_model._meta.label}.{generic.object_id_field_name}")
    assert expected <= found, f"relations not merged: {sorted(expected - found)}"
    for label in (
        "parties.Address.party",
        "parties.Party_tags.party",
        "parties.Segment_static_members.party",
        "core.CustomFieldValue.object_id",
        "sales.Activity.contact",
        "sales.Attendance.party",
        "content.File_parties.party",
    ):
        assert label in found
    # Every model with a generic key is covered (any of them can point at a party).
    for model in apps.get_models():
        for private in model._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                assert f"{model._meta.label}.{private.fk_field}" in found


# --- Two persons -------------------------------------------------------------------------------


@pytest.fixture
def pair(actor):
    """Two persons with something in every related model, and conflicts on every rule."""
    target = PersonFactory(first_name="Ann", last_name="Smith", email="ann@example.com", phone="011 11 11 11")
    source = PersonFactory(
        first_name="Anne",
        last_name="Smith",
        email="anne@example.com",
        mobile="0475 12 34 56",
        birth_place="Ghent",
        gender="F",
    )
    services.update_party(actor, target, notes="")
    org = OrganisationFactory(name="Acme")
    other_org = OrganisationFactory(name="Globex")
    third = PersonFactory(first_name="Bob", last_name="Jones")
    visiting = AddressTypeFactory(description="Visiting", max_amount=2)
    # Addresses: each has its default correspondence address; the source has content in it.
    Address.objects.filter(party=source, is_default=True).update(
        street="Rue Neuve", number="1", city="Brussels"
    )
    keystore.refresh_keys([source.pk])  # an update() bypasses the match keys save() keeps
    services.add_address(actor, source, address_type=visiting, street="Main Street", city="Antwerp")
    services.add_address(actor, target, address_type=visiting, street="Kerkstraat", city="Leuven")
    # E-mails: the source's primary and a copy of the target's (another case).
    services.add_email_address(actor, source, email="ANN@example.com")
    services.add_phone(actor, source, kind=Phone.Kind.LANDLINE, number="011 11 11 11")
    MessengerAccount.objects.create(party=source, service="skype", handle="anne.s")
    Education.objects.create(person=source, school="KU Leuven")
    # Positions: both have a primary one.
    services.set_employer(actor, target, org)
    services.set_employer(actor, source, other_org)
    # Memberships, relations (one to a third person, one to the target itself).
    combination = CombinationFactory()
    MembershipFactory(party=source, combination=combination)  # the same as the target's
    MembershipFactory(party=target, combination=combination)
    MembershipFactory(party=source, combination=combination, start_date=datetime.date(2021, 1, 1))
    PartyRelation.objects.create(party=source, related_party=third, type="friend")
    PartyRelation.objects.create(party=third, related_party=source, type="friend")
    PartyRelation.objects.create(party=source, related_party=target, type="family_member")
    # Tags and segments: overlapping sets.
    shared, own = TagFactory(name="vip"), TagFactory(name="newsletter")
    services.set_tags(actor, target, [shared])
    services.set_tags(actor, source, [shared, own])
    both = SegmentFactory(members=[target, source])
    only_source = SegmentFactory(members=[source])
    # Custom fields: one value on both sides for the same field, one only on the source.
    colour, size = CustomFieldFactory(key="colour"), CustomFieldFactory(key="size")
    set_custom_field_value(actor, target, colour, "blue")
    set_custom_field_value(actor, source, colour, "red")
    set_custom_field_value(actor, source, size, "XL")
    # Activities and attendance (one activity both attend).
    meeting, call = activity("Meeting"), activity("Call", contact=source, account=org)
    Attendance.objects.create(activity=meeting, party=target, status="present")
    Attendance.objects.create(activity=meeting, party=source, status="absent", note="came late")
    Attendance.objects.create(activity=call, party=source)
    # Files and folders.
    folder = Folder.objects.create(name="Anne's", party=source)
    File.objects.create(
        name="cv.pdf", folder=folder, file=ContentFile(b"%PDF-1.4", name="cv.pdf")
    ).parties.add(source)
    # a file connected to both: one connection to the target afterwards
    File.objects.create(name="deal.pdf", file=ContentFile(b"%PDF-1.4", name="deal.pdf")).parties.add(
        source, target
    )
    # Followers (Cirrus) when the model has them.
    followers = []
    if hasattr(Party, "followers"):
        followers = [UserFactory(), UserFactory()]
        target.followers.add(followers[0])
        source.followers.add(*followers)
    # Financial accounts: both have a primary EUR account; the source also one in USD.
    accounts = {}
    if HAS_ACCOUNTS:
        accounts = {
            "target_eur": account(target, "EUR", is_primary=True),
            "source_usd": account(source, "USD", is_primary=True),
        }
    return {
        "target": target,
        "source": source,
        "third": third,
        "visiting": visiting,
        "tags": (shared, own),
        "segments": (both, only_source),
        "fields": (colour, size),
        "activities": (meeting, call),
        "folder": folder,
        "followers": followers,
        "accounts": accounts,
    }


def test_merging_two_persons_moves_everything_and_resolves_conflicts(actor, pair):
    target, source = pair["target"], pair["source"]
    before_source = pointing_at(source)
    before_target = pointing_at(target)
    source_id = source.pk

    record = merge_parties(actor, target, source)

    assert not Party.objects.filter(pk=source_id).exists()
    assert pointing_at(Party(pk=source_id)) == {}
    after = pointing_at(target)
    # Nothing is lost: every row that pointed at either party points at the target now, or was
    # dropped by the conflict rule and kept (with its values) in the merge record.
    dropped = {(e["relation"], e["id"]) for e in record.dropped}
    dropped_rows = {(e["model"], e["id"]) for e in record.dropped}
    for label, ids in before_source.items():
        for pk in ids:
            assert pk in after.get(label, []) or (label, pk) in dropped, (label, pk)
    for label, ids in before_target.items():
        for pk in ids:
            assert pk in after.get(label, []) or (label.rsplit(".", 1)[0], pk) in dropped_rows, (label, pk)
    moved = {e["relation"]: e["ids"] for e in record.moved}
    assert set(moved) | {label for label, _ in dropped} == set(before_source)

    # Addresses: the target keeps its default (blank, so it took the source's content); the
    # source's visiting address joins the target's (the type allows two).
    default = Address.objects.get(party=target, is_default=True)
    assert (default.street, default.number, default.city) == ("Rue Neuve", "1", "Brussels")
    assert sorted(
        Address.objects.filter(party=target, address_type=pair["visiting"]).values_list("city", flat=True)
    ) == [
        "Antwerp",
        "Leuven",
    ]
    # E-mails: the target's primary stays primary; the source's is secondary; the copy is gone.
    emails = {e.email: e.is_primary for e in EmailAddress.objects.filter(party=target)}
    assert emails == {"ann@example.com": True, "anne@example.com": False}
    # Phones: the duplicate landline went, the mobile moved.
    assert sorted(Phone.objects.filter(party=target).values_list("kind", "number")) == [
        ("landline", "011 11 11 11"),
        ("mobile", "0475 12 34 56"),
    ]
    # Positions: the target's primary employer stays; the source's position is secondary.
    positions = {p.organisation.name: p.is_primary for p in CompanyPosition.objects.filter(person=target)}
    assert positions == {"Acme": True, "Globex": False}
    # Relations: to and from the third person moved; the one to the target itself went.
    assert PartyRelation.objects.filter(party=target, related_party=pair["third"]).exists()
    assert PartyRelation.objects.filter(party=pair["third"], related_party=target).exists()
    assert not PartyRelation.objects.filter(party=target, related_party=target).exists()
    assert sorted(Membership.objects.filter(party=target).values_list("start_date", flat=True)) == [
        datetime.date(2020, 1, 1),
        datetime.date(2021, 1, 1),
    ]
    # Tags and segments: unions.
    assert set(target.tags.all()) == set(pair["tags"])
    both, only_source = pair["segments"]
    assert list(both.static_members.all()) == [target]
    assert list(only_source.static_members.all()) == [target]
    # Custom fields: the target's value wins; the source's other value moved.
    colour, size = pair["fields"]
    values = {v.field.key: v.text_value for v in CustomFieldValue.objects.filter(party=target)}
    assert values == {"colour": "blue", "size": "XL"}
    # Activities and attendance: the target's attendance wins; the source's other one moved.
    meeting, call = pair["activities"]
    call.refresh_from_db()
    assert call.contact == target
    assert Attendance.objects.get(activity=meeting).party == target
    assert Attendance.objects.get(activity=meeting).status == "present"
    assert Attendance.objects.get(activity=call).party == target
    # Files and folders.
    assert list(File.objects.get(name="cv.pdf").parties.all()) == [target]
    assert list(File.objects.get(name="deal.pdf").parties.all()) == [target]
    assert Folder.objects.get(pk=pair["folder"].pk).party == target
    if pair["followers"]:
        assert set(target.followers.all()) == set(pair["followers"])
    if pair["accounts"]:
        from apps.accounts.models import Account

        usd = Account.objects.get(currency="USD")
        assert usd.party == target and not usd.is_primary
        assert Account.objects.get(currency="EUR").is_primary

    # Scalars: the target's win, its blanks are filled.
    target.refresh_from_db()
    assert (target.first_name, target.birth_place, target.gender) == ("Ann", "Ghent", "F")

    # The record: who, what moved, what went (with values), the source as it was.
    record.refresh_from_db()
    assert record.user == actor and record.user_name == "merger"
    assert record.source_id == source_id and record.target_id == target.pk
    assert record.source["first_name"] == "Anne"
    assert record.filled == {"birth_place": "Ghent", "gender": "F"} | {
        "addresses": record.filled["addresses"]
    }
    reasons = {e["model"]: e["reason"] for e in record.dropped}
    assert "sales.Attendance" in reasons and "core.CustomFieldValue" in reasons
    dropped_values = next(e["row"] for e in record.dropped if e["model"] == "core.CustomFieldValue")
    assert dropped_values["text_value"] == "red"
    dropped_attendance = next(e["row"] for e in record.dropped if e["model"] == "sales.Attendance")
    assert dropped_attendance["note"] == "came late"
    demoted = {e["model"] for e in record.demoted}
    assert {"parties.EmailAddress", "parties.CompanyPosition"} <= demoted
    # The change log shows the merge on the target; the source's deletion is logged.
    assert any((entry.after or {}).get("merged") == source_id for entry in history_for(target))


def test_the_second_run_is_a_no_op_that_reports_the_earlier_merge(actor, pair):
    target, source = pair["target"], pair["source"]
    source_id = source.pk
    first = merge_parties(actor, target, source)
    state = pointing_at(target)

    again = merge_parties(actor, target.pk, source_id)

    assert again.pk == first.pk and again.repeated and not first.repeated
    assert pointing_at(target) == state
    assert MergeRecord.objects.count() == 1
    # Into another party it is refused: the source is gone (merged into the first target).
    with pytest.raises(MergeError, match="was merged into"):
        merge_parties(actor, pair["third"], source_id)


def test_a_failure_in_the_last_step_leaves_both_parties_as_they_were(actor, pair, monkeypatch):
    target, source = pair["target"], pair["source"]
    before = (pointing_at(target), pointing_at(source))
    changes = history_for(target).count()

    def boom(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(merge_module, "log_values", boom)  # the very last write of a merge
    with pytest.raises(RuntimeError):
        merge_parties(actor, target, source)

    assert Party.objects.filter(pk=source.pk).exists()
    assert (pointing_at(target), pointing_at(source)) == before
    assert not MergeRecord.objects.exists()
    assert history_for(target).count() == changes
    target.refresh_from_db()
    assert target.birth_place == ""


def test_two_organisations_merge_with_their_employees_activities_and_blanks(actor):
    target = OrganisationFactory(name="Acme", vat_number="BE0123")
    source = OrganisationFactory(name="ACME Ltd", vat_number="BE999", website="acme.example", notes="old")
    employee = PersonFactory()
    services.set_employer(actor, employee, source)
    visit = activity("Visit", account=source)
    result = merge_parties_task.delay(target.pk, source.pk, actor.pk).get()

    assert result["repeated"] is False and result["moved"] >= 2
    target.refresh_from_db()
    assert (target.name, target.vat_number, target.website, target.notes) == (
        "Acme",
        "BE0123",
        "acme.example",
        "old",
    )
    assert CompanyPosition.objects.get(person=employee).organisation == target
    visit.refresh_from_db()
    assert visit.account == target
    assert merge_parties_task.delay(target.pk, source.pk, actor.pk).get()["repeated"] is True


def test_a_parent_organisation_is_not_made_its_own_parent(actor):
    if not hasattr(Party, "parent_organisation"):
        pytest.skip("no parent organisations")
    source = OrganisationFactory(name="Holding")
    target = OrganisationFactory(name="Subsidiary")
    Party.objects.filter(pk=target.pk).update(parent_organisation=source)
    sister = OrganisationFactory(name="Sister")
    Party.objects.filter(pk=sister.pk).update(parent_organisation=source)

    merge_parties(actor, target, source)

    target.refresh_from_db()
    sister.refresh_from_db()
    assert target.parent_organisation_id is None
    assert sister.parent_organisation_id == target.pk


def test_mixing_kinds_merging_into_itself_and_unknown_parties_are_refused(actor):
    person, organisation = PersonFactory(), OrganisationFactory()
    with pytest.raises(MergeError, match="two persons or two organisations"):
        merge_parties(actor, person, organisation)
    with pytest.raises(MergeError, match="itself"):
        merge_parties(actor, person, person.pk)
    with pytest.raises(Party.DoesNotExist):
        merge_parties(actor, person, 10**9)
    with pytest.raises(Party.DoesNotExist):
        merge_parties(actor, 10**9, PersonFactory())
    assert Party.objects.count() == 3 and not MergeRecord.objects.exists()


def test_a_type_full_on_the_target_drops_the_sources_address_into_the_record(actor):
    postal = AddressTypeFactory(description="Postal", max_amount=1)
    target, source = PersonFactory(), PersonFactory()
    services.add_address(actor, target, address_type=postal, street="Target street")
    services.add_address(actor, source, address_type=postal, street="Source street")

    record = merge_parties(actor, target, source)

    assert list(Address.objects.filter(address_type=postal).values_list("street", flat=True)) == [
        "Target street"
    ]
    assert any(e["row"].get("street") == "Source street" for e in record.dropped)


@pytest.mark.skipif(not HAS_ACCOUNTS, reason="no financial accounts")
def test_financial_accounts_in_one_currency_keep_the_targets_and_money_is_never_dropped(actor):
    from apps.accounts.models import Account, LedgerEntry

    target, source = OrganisationFactory(), OrganisationFactory()
    account(target, "EUR", is_primary=True)
    unused = account(source, "EUR", is_primary=True)
    record = merge_parties(actor, target, source)
    assert Account.objects.filter(currency="EUR").count() == 1
    assert any(e["model"] == "accounts.Account" and e["id"] == unused.pk for e in record.dropped)

    # An account with ledger entries is never removed: the merge is refused, nothing changes.
    other = OrganisationFactory()
    used = account(other, "EUR", balance=Decimal("10"))
    LedgerEntry.objects.create(account=used, kind="invoice", amount=10, balance_after=10, created=NOW)
    with pytest.raises(MergeError, match="cannot be removed"):
        merge_parties(actor, target, other)
    assert Party.objects.filter(pk=other.pk).exists()
    assert Account.objects.get(pk=used.pk).party == other


def test_a_dry_run_shows_the_merge_and_changes_nothing(actor, pair):
    target, source = pair["target"], pair["source"]
    before = (pointing_at(target), pointing_at(source))
    preview = merge_parties(actor, target, source, dry_run=True)
    assert preview.pk is None and preview.dry_run
    assert preview.moved and preview.dropped and preview.demoted
    assert (pointing_at(target), pointing_at(source)) == before
    assert not MergeRecord.objects.exists()


# --- A model added later -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_model_added_later_is_merged_without_code_changes(actor):
    """A new model with a foreign key to Party under a unique rule, and one with a generic key:
    both are discovered and merged by the generic rules."""

    class Loyalty(models.Model):  # noqa: DJ008
        party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
        scheme = models.CharField(max_length=20)
        points = models.IntegerField(default=0)
        is_main = models.BooleanField(default=False)

        class Meta:
            app_label = "parties"
            constraints = [
                models.UniqueConstraint(fields=["party", "scheme"], name="test_one_card_per_scheme"),
                models.UniqueConstraint(
                    fields=["party"], condition=models.Q(is_main=True), name="test_one_main"
                ),
            ]

    class Note(models.Model):  # noqa: DJ008
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
        object_id = models.PositiveBigIntegerField()
        subject = GenericForeignKey()
        text = models.TextField()

        class Meta:
            app_label = "parties"

    class Shipment(models.Model):  # noqa: DJ008  (points at an address, loosely)
        address = models.ForeignKey(Address, null=True, on_delete=models.SET_NULL, related_name="+")

        class Meta:
            app_label = "parties"

    with connection.schema_editor() as editor:
        editor.create_model(Loyalty)
        editor.create_model(Note)
        editor.create_model(Shipment)
    try:
        assert {"parties.Loyalty.party", "parties.Note.object_id"} <= set(discovered_relations())
        target, source = PersonFactory(), PersonFactory()
        Loyalty.objects.create(party=target, scheme="air", points=5, is_main=True)
        clash = Loyalty.objects.create(party=source, scheme="air", points=7)
        main = Loyalty.objects.create(party=source, scheme="rail", points=9, is_main=True)
        Note.objects.create(subject=source, text="called")
        # The source's correspondence address goes (the target has its own, and the type holds
        # one); a shipment to it is repointed at the target's, not left without an address.
        services.update_address(actor, Address.objects.get(party=target, is_default=True), street="Kept 1")
        shipment = Shipment.objects.create(address=Address.objects.get(party=source, is_default=True))

        record = merge_parties(actor, target, source)

        assert sorted(Loyalty.objects.values_list("scheme", "points", "is_main")) == [
            ("air", 5, True),
            ("rail", 9, False),
        ]
        assert Loyalty.objects.get(pk=main.pk).party_id == target.pk
        assert Note.objects.get().object_id == target.pk
        assert [e["row"]["points"] for e in record.dropped if e["model"] == "parties.Loyalty"] == [7]
        assert clash.pk not in Loyalty.objects.values_list("pk", flat=True)
        shipment.refresh_from_db()
        assert shipment.address == Address.objects.get(party=target, is_default=True)
        dropped_address = next(e for e in record.dropped if e["model"] == "parties.Address")
        assert dropped_address["repointed"] == {"parties.Shipment.address": [shipment.pk]}
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Loyalty)
            editor.delete_model(Note)
            editor.delete_model(Shipment)
        for name in ("loyalty", "note", "shipment"):
            apps.all_models["parties"].pop(name, None)
        apps.clear_cache()
    assert "parties.Loyalty.party" not in discovered_relations()


# --- Admin ---------------------------------------------------------------------------------------


@pytest.fixture
def staff(client, admin_user, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.force_login(admin_user)
    return client


def test_admin_previews_a_merge_then_merges_it(staff, pair, django_capture_on_commit_callbacks):
    target, source = pair["target"], pair["source"]
    url = reverse("admin:parties_person_changelist")
    picked = {"action": "merge_into", "_selected_action": [target.pk, source.pk]}

    response = staff.post(url, picked)
    assert response.status_code == 200
    page = response.content.decode()
    assert "What moves" in page and "activities (contact)" in page and "attendance (party)" in page
    assert "dropped" in page and "demoted" in page
    assert Party.objects.filter(pk=source.pk).exists()  # a preview changes nothing

    swapped = staff.post(url, {**picked, "target": source.pk})
    assert f"Merge <strong>{target}</strong>" in swapped.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the merge job runs after commit
        response = staff.post(url, {**picked, "target": target.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert not Party.objects.filter(pk=source.pk).exists()
    assert Job.objects.get().state == Job.State.DONE
    record = MergeRecord.objects.get()
    assert record.target_id == target.pk and record.user_name == "admin"

    # The record's read-only screens.
    records = reverse("admin:core_mergerecord_changelist")
    assert staff.get(records).status_code == 200
    detail = staff.get(reverse("admin:core_mergerecord_change", args=[record.pk]))
    assert detail.status_code == 200 and "The source as it was" in detail.content.decode()

    # Undone from the record's list: the source is back; a second undo says nothing new.
    undo = {"action": "undo_merges", "_selected_action": [record.pk]}
    response = staff.post(records, undo, follow=True)
    assert f"Undone: {source}" in response.content.decode()
    assert Party.objects.filter(pk=source.pk).exists()
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by.username == "admin"
    assert "Undone:" not in staff.post(records, undo, follow=True).content.decode()


def test_admin_merge_needs_two_parties_of_one_kind(staff):
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    url = reverse("admin:parties_person_changelist")
    response = staff.post(url, {"action": "merge_into", "_selected_action": [a.pk, b.pk, c.pk]}, follow=True)
    assert "Select exactly two" in response.content.decode()
    org1, org2 = OrganisationFactory(), OrganisationFactory()
    url = reverse("admin:parties_organisation_changelist")
    response = staff.post(url, {"action": "merge_into", "_selected_action": [org1.pk, org2.pk]})
    assert response.status_code == 200 and "What moves" in response.content.decode()
    assert Party.objects.count() == 5


def test_admin_merge_needs_change_and_delete_permission(client, pair):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_person", "change_person"]))
    client.force_login(clerk)
    url = reverse("admin:parties_person_changelist")
    data = {"action": "merge_into", "_selected_action": [pair["target"].pk, pair["source"].pk]}
    assert client.post(url, data).status_code in (302, 403)
    assert Party.objects.filter(pk=pair["source"].pk).exists()


# --- A real worker (PostgreSQL + Redis) -------------------------------------------------------


def wait_for(condition, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("timed out waiting")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_merge_runs_through_redis_and_a_worker(celery_worker, actor):
    target, source = OrganisationFactory(name="Acme"), OrganisationFactory(name="Acme NV", website="acme.be")
    services.set_employer(actor, PersonFactory(), source)

    result = merge_parties_task.delay(target.pk, source.pk, actor.pk).get(timeout=60)

    assert result["repeated"] is False and result["moved"] >= 1
    assert not Party.objects.filter(pk=source.pk).exists()
    assert CompanyPosition.objects.get().organisation_id == target.pk
    target.refresh_from_db()
    assert target.website == "acme.be"
    assert merge_parties_task.delay(target.pk, source.pk, actor.pk).get(timeout=60)["repeated"] is True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_a_merge_leaves_both_parties_and_the_rerun_completes(celery_worker, actor):
    target, source = PersonFactory(), PersonFactory(birth_place="Ghent")
    services.add_email_address(actor, source, email="second@example.com")
    visit = activity("Visit", contact=source)
    before = (pointing_at(target), pointing_at(source))
    celery_worker.env["PARTIES_MERGE_TEST_PAUSE"] = "60"  # the merge pauses with every row moved
    celery_worker.restart()
    try:
        merge_parties_task.delay(target.pk, source.pk, actor.pk)
        wait_for(lambda: row_locked(Party, source.pk))  # the worker is inside the merge
        time.sleep(1)
        celery_worker.kill()
    finally:
        celery_worker.env.pop("PARTIES_MERGE_TEST_PAUSE")
        celery_worker.start()

    # The killed merge never committed: both parties as they were.
    assert Party.objects.filter(pk=source.pk).exists()
    assert (pointing_at(target), pointing_at(source)) == before
    assert not MergeRecord.objects.exists()

    # Run again (what a redelivery does): it completes, and a repeat is a no-op.
    for repeated in (False, True):
        result = merge_parties_task.delay(target.pk, source.pk, actor.pk).get(timeout=60)
        assert result["repeated"] is repeated
    visit.refresh_from_db()
    assert visit.contact_id == target.pk
    assert EmailAddress.objects.filter(party=target, email="second@example.com").exists()
    assert MergeRecord.objects.get().source_id == source.pk


# --- Undo ----------------------------------------------------------------------------------------


def rows(relation, party, ct):
    return relation.rows(party, ct).values()


def party_rows(party) -> dict:
    """Every row that points at the party, with the row's own values, per relation label."""
    ct = [ContentType.objects.get_for_model(Party).pk]
    return {
        r.label: sorted(str({k: v for k, v in row.items() if k != "updated"}) for row in rows(r, party, ct))
        for r in relations_to(Party)
        if r.rows(party, ct).exists()
    }


def fields_of(party_id) -> dict:
    from apps.core.changelog import snapshot

    return {k: v for k, v in snapshot(Party.objects.get(pk=party_id)).items() if k != "updated"}


def test_undo_restores_both_parties_exactly(actor, pair):
    from apps.parties.merge import undo_merge

    target, source = pair["target"], pair["source"]
    before = {"source": party_rows(source), "target": party_rows(target)}
    source_fields, target_fields = fields_of(source.pk), fields_of(target.pk)
    source_created = Party.objects.get(pk=source.pk).created
    record = merge_parties(actor, target, source)
    assert record.dropped and record.demoted and record.filled  # every kind of change to undo

    undone = undo_merge(actor, record.pk)

    assert undone.undone_at is not None and undone.undone_by == actor and not undone.repeated
    restored = Party.objects.get(pk=source.pk)
    assert fields_of(source.pk) == source_fields and restored.created == source_created
    assert fields_of(target.pk) == target_fields  # the blanks it took are blank again
    assert {"source": party_rows(source), "target": party_rows(target)} == before
    # Flags given back: each keeps its own primary e-mail and employer.
    assert EmailAddress.objects.get(party=source, email="anne@example.com").is_primary
    assert EmailAddress.objects.get(party=target, email="ann@example.com").is_primary
    positions = {p.organisation.name: p.is_primary for p in CompanyPosition.objects.filter(person=source)}
    assert positions == {"Globex": True}
    # The target's default address, which took the source's content, is blank again.
    default = Address.objects.get(party=target, is_default=True)
    assert (default.street, default.city) == ("", "")
    # Logged on both parties.
    assert any(e.after and e.after.get("unmerged") == source.pk for e in history_for(target))
    assert history_for(restored).filter(action="create").exists()

    # Safe to repeat; and the parties can be merged again afterwards.
    assert undo_merge(actor, record.pk).repeated
    again = merge_parties(actor, target, source)
    assert again.pk != record.pk and not Party.objects.filter(pk=source.pk).exists()


def test_undo_refuses_when_a_later_change_conflicts_and_changes_nothing(actor, pair):
    from apps.parties.merge import UndoRefused, undo_merge

    target, source = pair["target"], pair["source"]
    record = merge_parties(actor, target, source)
    moved_email = EmailAddress.objects.get(party=target, email="anne@example.com")
    moved_email.delete()  # a row that moved is gone
    services.update_party(actor, Party.objects.get(pk=target.pk), birth_place="Bruges")  # filled, edited
    after_merge = party_rows(target)

    with pytest.raises(UndoRefused) as refused:
        undo_merge(actor, record)
    assert isinstance(refused.value, ValidationError)  # what the admin and APIs catch

    text = " ".join(refused.value.messages)
    assert "no longer belong to the target" in text and "birth place" in text.lower()
    assert not Party.objects.filter(pk=source.pk).exists()
    assert party_rows(target) == after_merge
    record.refresh_from_db()
    assert record.undone_at is None


def test_undo_is_refused_after_the_retention_period(actor, pair, settings):
    from apps.parties.merge import UndoRefused, undo_merge

    settings.MERGE_UNDO_DAYS = 30
    record = merge_parties(actor, pair["target"], pair["source"])
    MergeRecord.objects.filter(pk=record.pk).update(time=record.time - datetime.timedelta(days=31))
    with pytest.raises(UndoRefused, match="30 days"):
        undo_merge(actor, record)
    assert not Party.objects.filter(pk=pair["source"].pk).exists()
