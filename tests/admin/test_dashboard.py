"""The back office's home and frame: the dashboard's cards and charts (SQL aggregates, cached,
pinned query counts), the sidebar, branding, favicon and "View site"."""

import json

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.admin_nav import navigated_models
from apps.insights import dashboard
from apps.parties.models import Party
from tests.factories import OrganisationFactory, PersonFactory, activities

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_kpis_and_charts_from_aggregates(admin_client):
    for _ in range(3):
        PersonFactory()
    OrganisationFactory()
    activities(4)  # a bulk contact (a person) and 4 call activities, started yesterday

    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    cards = {card["title"]: card["value"] for card in response.context["kpi_cards"]}
    assert cards["Persons"] == "4"
    assert cards["Organisations"] == "1"
    assert cards["New this month"] == "5"
    assert "Open leads" in cards and "Open opportunities" in cards and "Running exports" in cards
    assert cards["Overdue activities"] in {"1", "2"}  # pending ones among the 4, started yesterday
    new_parties = json.loads(response.context["chart_new_parties"])
    assert sum(new_parties["datasets"][0]["data"]) == 4
    assert sum(new_parties["datasets"][1]["data"]) == 1
    by_type = json.loads(response.context["chart_activity_types"])
    assert by_type["labels"] == ["Call"] and by_type["datasets"][0]["data"] == [4]
    content = response.content.decode()
    assert 'class="chart"' in content and "kpi-card" in content


def test_the_dashboard_costs_a_fixed_number_of_queries_and_is_cached(admin_client):
    PersonFactory()
    admin_client.get(reverse("admin:index"))  # warm the session and the content types

    dashboard.figures(refresh=False)
    from django.core.cache import cache

    cache.delete(dashboard.CACHE_KEY)
    with CaptureQueriesContext(connection) as computing:
        admin_client.get(reverse("admin:index"))
    for _ in range(20):
        PersonFactory()
    with CaptureQueriesContext(connection) as cached:
        response = admin_client.get(reverse("admin:index"))

    aggregates = [q for q in computing.captured_queries if q not in cached.captured_queries]
    assert len(computing) <= 14, [q["sql"] for q in computing.captured_queries]
    assert len(computing) - len(cached) == 9, aggregates  # the nine aggregate queries
    assert len(cached) <= 5  # session, user, and nothing per card
    # cached: the new persons show after the cache's minute (or on "refresh now")
    assert {c["title"]: c["value"] for c in response.context["kpi_cards"]}["Persons"] == "1"
    refreshed = admin_client.get(reverse("admin:index") + "?refresh=1")
    assert {c["title"]: c["value"] for c in refreshed.context["kpi_cards"]}["Persons"] == "21"


def test_the_sidebar_groups_every_screen_and_the_site_has_no_stock_wording(admin_client):
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry if m is not Party}
    assert registered - navigated_models() == set()
    assert navigated_models() - registered == set()

    response = admin_client.get(reverse("admin:index"))
    groups = [group["title"] for group in response.context["sidebar_navigation"]]
    assert groups == [None, "People & organisations", "Sales", "Money", "Content", "Insights", "Settings"]
    content = response.content.decode()
    assert "Django administration" not in content and "Django site admin" not in content
    assert "CRM back office" in content
    assert response.context["site_url"] == "/admin/"
    assert 'href="/admin/"' in content
    assert "core/favicon.svg" in content


def test_the_login_page_is_branded_and_lands_on_the_dashboard(client, admin_user):
    page = client.get(reverse("admin:login"))
    assert "Django" not in page.content.decode().replace("django", "")
    admin_user.set_password("secret-pass-123")
    admin_user.save()
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
