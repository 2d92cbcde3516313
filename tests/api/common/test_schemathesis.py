"""schemathesis against the five published OpenAPI schemas: every operation, called through the
WSGI application with a superuser's credentials, must answer without a server error, with a status
code its schema documents and a body that conforms to the documented response schema.

Runs on the PostgreSQL pass (.ci/run's second); on SQLite it is skipped. Generated strings may hold
NUL bytes: the edge filter (apps.api.common.hostile) answers them with each API's documented 400."""

import base64
import os

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS as CHECK_REGISTRY

from apps.core.api_keys import issue_api_key
from apps.parties.data.reference import install
from apps.parties.models import Country

pytestmark = pytest.mark.django_db

PASSWORD = "pw-not-used-123"
# Examples per operation: ~290 operations; the whole run stays within a few minutes on 2 cores.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
CHECKS = ["not_a_server_error", "status_code_conformance", "response_schema_conformance"]


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


needs_postgres = pytest.mark.skipif(
    not on_postgres() and not os.environ.get("SCHEMATHESIS_ANY_DATABASE"),
    reason="schemathesis runs on the PostgreSQL pass (DATABASE_URL=postgres://...)",
)


@pytest.fixture
def superuser_key(db, django_user_model, settings):
    settings.ALLOWED_HOSTS = ["*"]
    if not Country.objects.exists():
        install(apps)
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    _, raw = issue_api_key(user, "schemathesis")
    return raw


def credentials(api: str, key: str) -> tuple[dict, dict]:
    """(headers, query parameters) that authenticate a superuser on `api`."""
    if api == "peepl":
        return {"Authorization": f"Token {key}"}, {}
    if api == "crmcom-ri":
        return {}, {"token": key}
    if api == "crmcom":
        return {"api_key": key}, {}
    if api == "incwo":
        return {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}, {}
    return {"X-Token": key}, {}


def load(api: str):
    # The application answers in the test's thread, inside the test's transaction: as Django's test
    # client does, do not close the connection when a request starts or ends.
    schema = schemathesis.openapi.from_wsgi(f"/api/schema/{api}/", get_wsgi_application())
    schema.config.generation.update(
        modes=["positive"],
        max_examples=MAX_EXAMPLES,
        no_shrink=True,
        deterministic=True,
        allow_x00=True,
        with_security_parameters=False,
    )
    return schema


def schema_fixture(api):
    @pytest.fixture
    def fixture(superuser_key):
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        yield load(api)
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)

    return fixture


peepl_schema = schema_fixture("peepl")
crmcom_ri_schema = schema_fixture("crmcom-ri")
crmcom_schema = schema_fixture("crmcom")
incwo_schema = schema_fixture("incwo")
cirrus_schema = schema_fixture("cirrus")

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def call_and_validate(api, case, key):
    headers, query = credentials(api, key)
    if query:
        case.query = {**(case.query or {}), **query}
    case.call_and_validate(headers=headers, checks=CHECK_REGISTRY.get_by_names(CHECKS))


@needs_postgres
@schemathesis.pytest.from_fixture("peepl_schema").parametrize()
@HYPOTHESIS
def test_peepl(case, superuser_key):
    call_and_validate("peepl", case, superuser_key)


@needs_postgres
@schemathesis.pytest.from_fixture("crmcom_ri_schema").parametrize()
@HYPOTHESIS
def test_crmcom_ri(case, superuser_key):
    call_and_validate("crmcom-ri", case, superuser_key)


@needs_postgres
@schemathesis.pytest.from_fixture("crmcom_schema").parametrize()
@HYPOTHESIS
def test_crmcom(case, superuser_key):
    call_and_validate("crmcom", case, superuser_key)


@needs_postgres
@schemathesis.pytest.from_fixture("incwo_schema").parametrize()
@HYPOTHESIS
def test_incwo(case, superuser_key):
    call_and_validate("incwo", case, superuser_key)


@needs_postgres
@schemathesis.pytest.from_fixture("cirrus_schema").parametrize()
@HYPOTHESIS
def test_cirrus(case, superuser_key):
    call_and_validate("cirrus", case, superuser_key)
