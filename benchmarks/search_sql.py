"""Time the SQL of every documented party search on a seeded PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_big .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_demo --parties 1000000
    DATABASE_URL=... .venv/bin/python benchmarks/search_sql.py [--runs 5]

Each search is the queryset the API builds (the same functions of apps/parties/search.py and the
API filter sets), run with EXPLAIN (ANALYZE, BUFFERS) `--runs` times after a warm-up; it prints the
median execution time in ms per search, and the top plan node, so a search that stopped using its
indexes shows. Terms are taken from the seeded rows (a name, an e-mail, a phone, a city).
Target (issue 10): under 20 ms of SQL per search at 1M parties.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from apps.api.cirrus.accounts.filters import AccountFilter  # noqa: E402
from apps.api.cirrus.contacts.filters import ContactFilter  # noqa: E402
from apps.parties import search  # noqa: E402
from apps.parties.models import Party, Phone  # noqa: E402


def sample_terms() -> dict:
    person = Party.objects.filter(kind="person").exclude(last_name="").order_by("-id").first()
    organisation = Party.objects.filter(kind="organisation").order_by("-id").first()
    email = person.email_addresses.first()
    phone = Phone.objects.filter(party=person).first() or Phone.objects.order_by("-id").first()
    address = person.addresses.filter(is_default=True).first()
    return {
        "first": person.first_name,
        "last": person.last_name,
        "email": email.email if email else "nobody@example.com",
        "email_part": (email.email.split("@")[0] if email else "nobody"),
        "phone": phone.number if phone else "0493 51 13 38",
        "city": address.city if address and address.city else "Gent",
        "org": organisation.name if organisation else "Acme",
    }


def cirrus(filterset, query: str, kind: str):
    data = QueryDict(query)
    return filterset(data, queryset=Party.objects.filter(kind=kind)).qs


def searches(t: dict) -> dict:
    persons = Party.objects.filter(kind="person")
    limit = slice(0, 10)
    digits = "".join(ch for ch in t["phone"] if ch.isdigit())
    return {
        # Peepl POST contacts/search/ (page of 10, ordered by id)
        "peepl first_name": persons.filter(search.all_of(search.name_contains(t["first"], "first_name_key"))),
        "peepl last_name": persons.filter(search.all_of(search.name_contains(t["last"], "last_name_key"))),
        "peepl email": persons.filter(search.all_of(search.email_contains(t["email"]))),
        "peepl city+last AND": persons.filter(
            search.all_of(search.city_contains(t["city"]), search.name_contains(t["last"], "last_name_key"))
        ),
        "peepl last OR email": persons.filter(
            search.any_of(search.name_contains(t["last"], "last_name_key"), search.email_contains(t["email"]))
        ),
        # Cirrus contacts / accounts
        "cirrus contacts fulltext name": cirrus(ContactFilter, f"fulltext={t['last']}", "person"),
        "cirrus contacts fulltext email": cirrus(ContactFilter, f"fulltext={t['email_part']}", "person"),
        "cirrus contacts fulltext phone": cirrus(ContactFilter, f"fulltext={t['phone']}", "person"),
        "cirrus contacts email exact": cirrus(ContactFilter, f"email={t['email']}", "person"),
        "cirrus contacts surname": cirrus(ContactFilter, f"surname={t['last']}", "person"),
        "cirrus contacts cellphone": cirrus(ContactFilter, f"cellphone={digits}", "person"),
        "cirrus accounts fulltext": cirrus(AccountFilter, f"fulltext={t['org']}", "organisation"),
        "cirrus accounts name %": cirrus(AccountFilter, f"name={t['org'][:5]}%25", "organisation"),
        # CRM.COM R contact_information/list
        "crmcom list email": Party.objects.filter(search.all_of(search.email_is(t["email"]))),
        "crmcom list phone": Party.objects.filter(search.all_of(search.phone_is(t["phone"]))),
        # Admin search box
        "admin person search": search.admin_search(persons, f"{t['first']} {t['last']}"),
        "admin phone search": search.admin_search(persons, t["phone"]),
    }, limit


def explain(queryset, runs: int) -> tuple[float, str]:
    sql, params = queryset.query.sql_with_params()
    times, top = [], ""
    with connection.cursor() as cursor:
        for attempt in range(runs + 1):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]
            if attempt:  # the first run warms the cache
                times.append(plan["Execution Time"] + plan["Planning Time"])
            top = plan["Plan"]["Node Type"]
    return statistics.median(times), top


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://...).")
    total = Party.objects.count()
    print(f"{total} parties; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    terms = sample_terms()
    print("terms:", terms)
    queries, page = searches(terms)
    print(f"{'search':34} {'ms (planning + execution, median)':>34}  rows  top node")
    for name, queryset in queries.items():
        queryset = queryset.order_by("id")[page]
        ms, top = explain(queryset, args.runs)
        rows = len(list(queryset))
        flag = "" if ms < 20 else "  <-- over 20 ms"
        print(f"{name:34} {ms:34.2f}  {rows:4}  {top}{flag}")


if __name__ == "__main__":
    main()
