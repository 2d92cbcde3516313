"""Deep pages by a deferred join and exact totals from row counters (apps.core.paging,
apps.core.counters); on PostgreSQL, EXPLAIN shows every documented sort's deep page on an index."""

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from apps.core import counters, paging
from apps.parties import services
from apps.parties.merge import merge_parties
from apps.parties.models import Party
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="counters and plans are PostgreSQL's"
)


@pytest.fixture
def people(monkeypatch):
    monkeypatch.setattr(paging, "DEFERRED_JOIN_FROM", 0)  # every page takes the deferred join
    names = ["Anna", "Bert", "Anna", "Carl", "Bert", "Dora", "Anna", "Emil"]
    made = [PersonFactory(first_name=name, last_name=f"L{i % 3}") for i, name in enumerate(names)]
    OrganisationFactory(name="Firm")
    return made


@pytest.mark.parametrize(
    "ordering", [("id",), ("first_name", "id"), ("-first_name", "-id"), ("last_name", "-first_name", "id")]
)
def test_a_deep_page_is_the_same_rows_in_one_query(people, ordering):
    persons = Party.objects.filter(kind=Party.Kind.PERSON).order_by(*ordering)
    expected = list(persons)
    for start in range(0, 9, 3):
        with CaptureQueriesContext(connection) as queries:
            page = paging.page_rows(persons, start, start + 3)
        assert page == expected[start : start + 3]
        assert len(queries) == 1


@pytest.mark.parametrize("ordering", [("id",), ("-first_name", "id"), ("last_name", "-first_name", "-id")])
def test_a_page_in_the_second_half_is_read_from_the_end(people, ordering):
    persons = Party.objects.filter(kind=Party.Kind.PERSON).order_by(*ordering)
    expected = list(persons)
    for start in range(0, 10):
        with CaptureQueriesContext(connection) as queries:
            page = paging.page_rows(persons, start, start + 3, total=len(expected))
        assert page == expected[start : start + 3]
        assert len(queries) <= 1
    last = paging.page_rows(persons, 6, 9, total=8)
    with CaptureQueriesContext(connection) as queries:
        paging.page_rows(persons, 6, 8, total=8)
    assert "DESC" in queries[0]["sql"] or "ASC" in queries[0]["sql"]
    assert last == expected[6:8]


def test_a_page_of_a_filtered_annotated_queryset(people):
    from django.db.models import OuterRef, Subquery

    from apps.parties.models import EmailAddress

    primary = EmailAddress.objects.filter(party=OuterRef("pk")).values("email")[:1]
    persons = (
        Party.objects.filter(Q(first_name="Anna") | Q(first_name="Bert"))
        .annotate(mail=Subquery(primary))
        .order_by("-first_name", "mail", "id")
    )
    expected = list(persons)
    assert paging.page_rows(persons, 1, 4) == expected[1:4]
    assert paging.page_rows(persons, 4, 9) == expected[4:9]


def test_exact_count_is_the_count(people):
    persons = Party.objects.filter(kind=Party.Kind.PERSON)
    assert paging.exact_count(persons) == 8
    assert paging.exact_count(Party.objects.all()) == 9
    assert paging.exact_count(persons.filter(first_name="Anna")) == 3


def test_counter_keys_only_for_the_counted_shapes():
    assert counters.key_for(Party.objects.all()) == "parties.party"
    assert counters.key_for(Party.objects.order_by("name")) == "parties.party"
    assert counters.key_for(Party.objects.filter(kind="person")) == "parties.party:kind=person"
    assert counters.key_for(Party.objects.filter(kind="organisation").order_by("-id")) == (
        "parties.party:kind=organisation"
    )
    assert counters.key_for(Party.objects.filter(kind="person", first_name="A")) is None
    assert counters.key_for(Party.objects.filter(first_name="A")) is None
    assert counters.key_for(Party.objects.exclude(kind="person")) is None
    assert counters.key_for(Party.objects.filter(email_addresses__email="a@b.c")) is None
    assert counters.key_for(Party.objects.filter(kind="person").distinct()) is None


def totals():
    return {
        key: counters.total(key)
        for key in ("parties.party", "parties.party:kind=person", "parties.party:kind=organisation")
    }


def true_totals():
    return {
        "parties.party": Party.objects.count(),
        "parties.party:kind=person": Party.objects.filter(kind="person").count(),
        "parties.party:kind=organisation": Party.objects.filter(kind="organisation").count(),
    }


@postgres_only
def test_counters_are_exact_after_every_kind_of_write_in_the_same_transaction():
    assert totals() == true_totals()
    with transaction.atomic():
        anna = PersonFactory(first_name="Anna")
        bert = PersonFactory(first_name="Bert")
        firm = OrganisationFactory(name="Firm")
        assert totals() == true_totals()  # inside the writing transaction already
        merge_parties(None, anna, bert)
        assert totals() == true_totals()
        services.delete_party(None, firm)
        assert totals() == true_totals()
        Party.objects.filter(pk=anna.pk).update(kind=Party.Kind.ORGANISATION, name="Anna BV")
        assert totals() == true_totals()
        Party.objects.filter(pk=anna.pk).update(name="Anna NV")  # no kind change: no delta row
        assert totals() == true_totals()
    with transaction.atomic():
        PersonFactory(first_name="Gone")
        transaction.set_rollback(True)
    assert totals() == true_totals()


@postgres_only
def test_counters_are_exact_after_a_bulk_load_and_compaction():
    import io

    from apps.parties.demo.parties import seed_parties_bulk

    PersonFactory(first_name="Anna")
    seed_parties_bulk(25, io.StringIO())
    assert totals() == true_totals()
    assert counters.compact() > 0
    assert totals() == true_totals()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_rowcounter WHERE key = 'parties.party'")
        assert cursor.fetchone()[0] == 1
    PersonFactory(first_name="Bert")
    assert totals() == true_totals()


@postgres_only
def test_an_unfiltered_total_reads_the_counters_not_the_table(people):
    persons = Party.objects.filter(kind=Party.Kind.PERSON)
    with CaptureQueriesContext(connection) as queries:
        assert paging.exact_count(persons) == 8
    assert "core_rowcounter" in queries[0]["sql"]
    assert "parties_party" not in queries[0]["sql"]


# --- Plans ----------------------------------------------------------------------------------

DOCUMENTED_SORTS = {
    # Peepl contacts and organisations (#1, #24), incwo contacts: by id
    "peepl, incwo": (Q(kind="person"), ["id"]),
    # Cirrus contacts (O53): name (first name, the default), surname
    "cirrus contacts name": (Q(kind="person"), ["first_name", "id"]),
    "cirrus contacts name desc": (Q(kind="person"), ["-first_name", "-id"]),
    "cirrus contacts surname": (Q(kind="person"), ["last_name", "id"]),
    # Cirrus accounts (O2): active ones (the default) by name, number, user
    "cirrus accounts name": (Q(kind="organisation", is_active=True), ["name", "id"]),
    "cirrus accounts name desc": (Q(kind="organisation", is_active=True), ["-name", "-id"]),
    "cirrus accounts number": (Q(kind="organisation"), ["account_number", "id"]),
    "cirrus accounts user": (Q(kind="organisation"), ["responsible_user_id", "id"]),
}


@postgres_only
@pytest.mark.parametrize("label", DOCUMENTED_SORTS)
def test_every_documented_sort_pages_ids_by_index(label):
    PersonFactory(first_name="Anna")
    OrganisationFactory(name="Firm")
    condition, ordering = DOCUMENTED_SORTS[label]
    queryset = Party.objects.filter(condition).order_by(*ordering).values("pk")[5000:5010]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "Index Only Scan" in plan or "Index Scan" in plan, plan
    assert " Sort " not in plan and "Sort Key" not in plan, plan
