"""Concurrent writers of one unique row, through the APIs, on PostgreSQL (.ci/run's second pass):
eight requests at once, each in a thread with its own database connection. A create of a name
taken meanwhile is a clean 400 in the API's format; an upsert is an upsert (one row, every
request 200), never a 500 or a wrong 400."""

import pytest
from django.db import connection

from apps.content.models import SIBLING_NAME_TAKEN, Folder
from apps.core.api_keys import issue_api_key
from apps.core.models import AppliesTo, CustomField, CustomFieldValue, ObjectChange, UserBudget
from apps.parties import services as party_services
from tests.api.cirrus.support import CirrusClient
from tests.api.peepl.conftest import PeeplClient
from tests.processes import run_together

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 8


@pytest.fixture(autouse=True)
def _server_database():
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need a server database (PostgreSQL): run by .ci/run")


def at_once(request) -> list:
    """`request(n)` from WRITERS threads at the same moment; their responses, in thread order."""
    responses = [None] * WRITERS

    def writer(n):
        return lambda: responses.__setitem__(n, request(n))

    assert run_together(*[writer(n) for n in range(WRITERS)]) == [None] * WRITERS
    return responses


def test_one_folder_name_created_at_once_is_one_folder_and_clean_400s(api_key):
    def create(n):
        client = PeeplClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
        return client.post("folders/", {"name": "Contracts"}, format="json")

    responses = at_once(create)
    assert sorted(r.status_code for r in responses) == [201] + [400] * (WRITERS - 1)
    assert all(r.json() == {"name": [SIBLING_NAME_TAKEN]} for r in responses if r.status_code == 400)
    assert Folder.objects.get().name == "Contracts"


def test_a_user_budget_set_at_once_is_one_row(admin_user, django_user_model):
    seller = django_user_model.objects.create_user("seller")
    token = issue_api_key(admin_user, "cirrus")[1]

    def put(n):
        client = CirrusClient()
        client.credentials(HTTP_X_TOKEN=token)
        return client.call("put", f"users/{seller.pk}/budget/2025/3", {"budget": 1000 + n})

    responses = at_once(put)
    assert [r.status_code for r in responses] == [200] * WRITERS, [r.content for r in responses]
    row = UserBudget.objects.get(user=seller, year=2025, month=3)
    assert row.budget in range(1000, 1000 + WRITERS)
    assert {r.json()["budget"] for r in responses} <= set(range(1000, 1000 + WRITERS))
    logged = ObjectChange.objects.filter(object_id=row.pk, content_type__model="userbudget")
    assert sorted(logged.values_list("action", flat=True)) == ["create"] + ["update"] * (WRITERS - 1)


def test_a_dynamic_value_set_at_once_is_one_row(admin_user):
    field = CustomField.objects.create(key="note", name="Note", applies_to=AppliesTo.ORGANISATION)
    acme = party_services.create_organisation(None, name="Acme")
    token = issue_api_key(admin_user, "cirrus")[1]

    def put(n):
        client = CirrusClient()
        client.credentials(HTTP_X_TOKEN=token)
        return client.call("put", f"dynamicdata/{field.pk}/{acme.pk}", {"value": f"note {n}"})

    responses = at_once(put)
    assert [r.status_code for r in responses] == [200] * WRITERS, [r.content for r in responses]
    value = CustomFieldValue.objects.get(field=field, object_id=acme.pk)
    assert value.text_value in {f"note {n}" for n in range(WRITERS)}
