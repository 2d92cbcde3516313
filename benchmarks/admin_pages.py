"""Time the back office's main pages on the database DATABASE_URL names (PostgreSQL, seeded with
`manage.py seed_demo --parties 1000000` for the 1M figure) and print the median of each.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/admin_pages.py [repeats]

Pages: the dashboard computed (cache bypassed with ?refresh=1) and from the cache, the persons
and organisations lists, a search, a person's page with its timeline, the change log. Uses
Django's test client in this process (no web server), logged in as a superuser it creates.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from apps.parties.models import Party

    # Plain HTTP and static URLs without a collected manifest, as the test suite runs.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(
        SECURE_SSL_REDIRECT=False, STORAGES={**settings.STORAGES, "staticfiles": static}
    ).enable()
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    person = Party.objects.filter(kind="person").order_by("-id").first()
    pages = {
        "dashboard (computed)": "/admin/?refresh=1",
        "dashboard (cached)": "/admin/",
        "persons list": "/admin/parties/person/",
        "organisations list": "/admin/parties/organisation/",
        "persons search": "/admin/parties/person/?q=peeters",
        "person page + timeline": f"/admin/parties/person/{person.pk}/change/" if person else None,
        "change log": "/admin/core/objectchange/",
    }
    print(f"{Party.objects.count():,} parties; {repeats} runs a page; median (min-max), queries")
    for name, url in pages.items():
        if url is None:
            continue
        client.get(url)  # warm
        times = []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name:26} {statistics.median(times):8.1f} ms ({min(times):.0f}-{max(times):.0f})"
            f"  {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
