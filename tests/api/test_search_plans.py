"""On PostgreSQL, every documented party search is answered from indexes: the SQL each API runs
for it (captured from a real request) is explained with sequential scans disabled, and no party,
e-mail, phone, address or position table may still be read by a sequential scan (the planner
falls back to one only when no index can serve the condition). A regression fails CI's
PostgreSQL pass; on SQLite these tests skip."""

import importlib
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.parties.demo.parties import seed_parties_bulk

from .crmcom_ri.conftest import CrmClient, login
from .test_search_on_keys import key, parties  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")

TABLES = (
    "parties_party",
    "parties_emailaddress",
    "parties_phone",
    "parties_address",
    "parties_companyposition",
)
KEY_COLUMNS = re.compile(r"(?<!session)_key\b|search_document")
INDEXES = importlib.import_module("apps.parties.migrations.0009_match_keys").INDEXES
KEY_INDEXES = [name for name, *_rest in INDEXES]


def searched_queries(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    found = [
        q["sql"] for q in queries.captured_queries if KEY_COLUMNS.search(q["sql"].partition(" WHERE ")[2])
    ]
    assert found, "no query read the match keys"
    return found


def assert_indexed(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    scans = [t for t in TABLES if re.search(rf"Seq Scan on {t}\b", plan)]
    assert not scans, f"sequential scan of {scans}:\n{sql}\n{plan}"
    assert any(name in plan for name in KEY_INDEXES), f"no match key index used:\n{sql}\n{plan}"
    return plan


PHONE = "0493 51 13 38"

PEEPL = [
    {"operator": "AND", "first_name": "elodie"},
    {"operator": "AND", "last_name": "lumiere"},
    {"operator": "AND", "city": "liège-sur-mer"},  # a selective term (the bulk rows have every demo city)
    {"operator": "AND", "email": "lumiere@example"},
    {"operator": "OR", "last_name": "lumiere", "email": "bob@", "city": "liege", "first_name": "bob"},
    {"operator": "AND", "last_name": "lumiere", "email": "elodie"},
]
CIRRUS = [
    "contacts?fulltext=lumiere",
    f"contacts?fulltext={PHONE}",
    "contacts?name=elodie",
    "contacts?name=elo%25",
    "contacts?surname=%25miere",
    "contacts?city=liege-sur-mer",
    # (title: the bulk rows have no positions, so the planner rightly reads the tiny table)
    "contacts?email=%25lumiere%25",
    f"contacts?cellphone={PHONE}",
    f"contacts?officephone={PHONE}",
    "accounts?fulltext=cafe noel",
    "accounts?fulltext=02 555 01 02",
    "accounts?name=%25noel%25",
    "accounts?vatno=be0123456789",
    "accounts?phone=025550102",
    "accounts?cellphone=0493%25",
    "accounts?postal_city=bruxelles",
    "accounts?postal_street=grand%25",
    "accounts?visitingaddress_city=%25xel%25",
]
CRMCOM_RI = [
    {"email_address": "elodie.lumiere@example.com"},
    {"phone_number": PHONE},
    {"phone_number": "+32493511338"},
    {"id_number": "85073003361"},
    {"vat_registration_number": "BE0123456789"},
]
ADMIN = ["lumiere", "elodie lumiere", "elodie.lumiere@example", PHONE]


def test_every_party_search_uses_the_key_indexes(parties, key, admin_user, admin_client):  # noqa: F811
    """One test, one seed: 5,000 bulk parties (so the planner has a table worth an index), then
    every search of every API; all the plans that fail are reported together."""
    seed_parties_bulk(5000, io.StringIO())  # with keys and ANALYZE (keystore.refresh_all)
    with connection.cursor() as cursor:  # the rows in the indexes proper, as after a bulk load's index build
        for name, _table, _columns, kind in INDEXES:
            if kind == "trgm":
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE")
    peepl = APIClient()
    peepl.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    cirrus = APIClient()
    cirrus.credentials(HTTP_X_TOKEN=key)
    crm = CrmClient()
    crm.token = login(crm)
    calls = [
        *[(c, lambda c=c: peepl.post("/peepl/v1/admin/contacts/search/", c, format="json")) for c in PEEPL],
        *[(p, lambda p=p: cirrus.get(f"/cirrus/{p}")) for p in CIRRUS],
        *[(p, lambda p=p: crm.query("contact_information/list", p)) for p in CRMCOM_RI],
        *[(t, lambda t=t: admin_client.get("/admin/parties/person/", {"q": t})) for t in ADMIN],
    ]
    failures = []
    for label, call in calls:
        for sql in searched_queries(call):
            try:
                assert_indexed(sql)
            except AssertionError as error:
                failures.append(f"{label}: {error}")
    assert not failures, "\n\n".join(failures)
