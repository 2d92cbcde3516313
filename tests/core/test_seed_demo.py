"""`manage.py seed_demo`: realistic demo data for every core and parties model, idempotent, and
`--parties N` bulk parties that each hold the invariants a service-made party does."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q

from apps.core.models import CustomField, CustomFieldValue, ObjectChange
from apps.parties.models import Address, EmailAddress, Membership, Party, Phone

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    found = {}
    for label in ("core", "parties"):
        for model in apps.get_app_config(label).get_models():
            if not model._meta.proxy:
                found[model._meta.label] = model._base_manager.count()
    return found


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_covers_every_model_and_runs_twice_without_duplicates():
    seed()
    first = counts()
    derived = {"core.RowCounter"}  # kept by database triggers, on PostgreSQL only
    empty = sorted(label for label, n in first.items() if n == 0 and label not in derived)
    assert not empty, f"no demo rows for {empty}"
    assert Party.objects.filter(kind=Party.Kind.PERSON).count() >= 40
    assert Party.objects.filter(kind=Party.Kind.ORGANISATION).count() >= 12
    # every custom field type has values, and memberships lie in the past, now and the future
    typed = set(CustomFieldValue.objects.values_list("field__field_type", flat=True))
    assert typed >= set(CustomField.FieldType.values)
    assert Membership.objects.filter(end_date__isnull=False).exists()
    assert Membership.objects.filter(
        start_date__gt=Membership._meta.get_field("start_date").default()
    ).exists()
    assert set(Address.objects.values_list("address_type__code", flat=True)) >= {
        "correspondence",
        "visiting",
        "delivery",
        "invoice",
        "home",
    }  # Cirrus's postal address is the correspondence (main) address

    seed()
    second = counts()
    grown = {label: (first[label], n) for label, n in second.items() if n != first[label]}
    assert not grown, f"a second run added rows: {grown}"


def test_seed_demo_with_bulk_parties():
    seed()
    before = Party.objects.count()
    logged = ObjectChange.objects.count()

    output = seed("--parties", "500")

    assert Party.objects.count() == before + 500
    assert "Bulk-created 500 parties" in output
    bulk = Party.objects.order_by("-id")[:500]
    ids = list(bulk.values_list("id", flat=True))
    per_party = Party.objects.filter(id__in=ids).annotate(
        defaults=Count("addresses", filter=Q(addresses__is_default=True), distinct=True),
        primaries=Count("email_addresses", filter=Q(email_addresses__is_primary=True), distinct=True),
        phone_count=Count("phones", distinct=True),
    )
    assert {(p.defaults, p.primaries, p.phone_count) for p in per_party} == {(1, 1, 1)}
    assert Party.objects.filter(id__in=ids, kind=Party.Kind.PERSON).exclude(name="").count() == 450
    assert Membership.objects.filter(party_id__in=ids).exists()
    assert CustomFieldValue.objects.filter(object_id__in=ids).exists()
    assert EmailAddress.objects.filter(party_id__in=ids).values("email").distinct().count() == 500
    assert Phone.objects.filter(party_id__in=ids).count() == 500
    assert ObjectChange.objects.count() == logged  # bulk rows skip the change log

    # a second bulk run adds 500 more, with no clashes (uuids, e-mails)
    seed("--parties", "500")
    assert Party.objects.count() == before + 1000


def test_bulk_parties_keep_every_index_and_a_failed_load_changes_nothing(monkeypatch):
    """On SQLite the bulk load drops the secondary indexes and builds them again at the end."""
    from django.db import connection

    from apps.core.bulkload import BulkLoad
    from apps.parties.demo import parties as demo_parties

    def index_sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            return cursor.fetchall()

    if connection.vendor != "sqlite":
        pytest.skip("the indexes are deferred on SQLite only")
    indexes = index_sql()
    seed("--parties", "50")
    assert index_sql() == indexes
    parties = Party.objects.count()

    def dies_at_the_end(self):
        raise RuntimeError("the load dies at its end")  # the rows are in by now

    monkeypatch.setattr(BulkLoad, "_reset_sequences", dies_at_the_end)
    with pytest.raises(RuntimeError):
        demo_parties.seed_parties_bulk(50, io.StringIO())
    assert index_sql() == indexes
    assert Party.objects.count() == parties  # nothing of the failed load stays


def test_bulk_load_on_postgresql_builds_every_index_and_constraint_again(monkeypatch):
    """COPY into tables without their secondary indexes, unique and foreign-key constraints; all
    come back, the sequences move past the loaded ids, and a failed load leaves nothing."""
    from django.db import connection

    from apps.core import bulkload
    from apps.core.bulkload import BulkLoad
    from apps.parties.demo import parties as demo_parties

    if connection.vendor != "postgresql":
        pytest.skip("COPY and the dropped constraints are PostgreSQL's")
    tables = [model._meta.db_table for model in demo_parties.BULK_MODELS]

    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [tables]
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1",
                [tables],
            )
            return indexes, cursor.fetchall()

    before = schema()
    called = []
    hooks = [*bulkload.AFTER_LOAD_HOOKS, lambda _connection, loaded: called.append(loaded)]
    monkeypatch.setattr(bulkload, "AFTER_LOAD_HOOKS", hooks)
    seed("--parties", "30")
    assert schema() == before
    assert called and len(called[0][Party]) == 30
    newest = Party.objects.order_by("-id").first()
    person = Party.objects.create(kind=Party.Kind.PERSON, first_name="After", name="After")
    assert person.pk > newest.pk  # the sequence moved past the loaded ids

    parties = Party.objects.count()

    def dies_at_the_end(self):
        raise RuntimeError("the load dies at its end")

    monkeypatch.setattr(BulkLoad, "_reset_sequences", dies_at_the_end)
    with pytest.raises(RuntimeError):
        demo_parties.seed_parties_bulk(30, io.StringIO())
    assert schema() == before
    assert Party.objects.count() == parties
