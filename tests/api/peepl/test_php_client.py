"""The public Peepl PHP client (bandagroep/peepl-php) works unchanged against us, every method.

One scenario (SCENARIO) calls each of the client's methods. It always runs as a replay of the
client's exact requests (CLIENT_REQUESTS, read from its source: method, path with the trailing
slash the client adds, query, `Content-Type: application/json` and `Authorization: Token` on every
call, a JSON body only when the array is not empty) through the test client, and checks each
answer the way the client's PHP does: a status below 400 and a body that `json_decode` turns into
an array (an empty body is `null`, which the client's `array` return types reject). With `php`
(and its curl extension) on the machine and PEEPL_PHP_CLIENT naming a checkout of the client, the
same scenario also runs through the client itself against a live server.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest

from apps.core.api_keys import issue_api_key
from apps.core.models import AppliesTo
from apps.parties import services
from apps.parties.models import Party
from tests.factories import (
    AddressTypeFactory,
    CombinationFactory,
    CustomFieldCategoryFactory,
    CustomFieldFactory,
    MembershipFactory,
    SegmentFactory,
)

BASE = "/peepl/v1/admin"
RUNNER = Path(__file__).parent / "php" / "run_client.php"

# What each client method sends: (HTTP method, path under the base URL, query, body). The
# signatures mirror the PHP ones, defaults included.
CLIENT_REQUESTS = {
    "contacts.list": lambda offset=0, limit=10: ("GET", "contacts", {"limit": limit, "offset": offset}, None),
    "contacts.get": lambda contact_id: ("GET", f"contacts/{contact_id}", None, None),
    "contacts.create": lambda data: ("POST", "contacts", None, data),
    "contacts.update": lambda contact_id, data: ("PUT", f"contacts/{contact_id}", None, data),
    "contacts.search": lambda criteria: ("POST", "contacts/search", None, criteria),
    "contacts.segment": lambda segment_id, offset=0: (
        "GET",
        f"contacts/segments/{segment_id}",
        {"offset": offset},
        None,
    ),
    "contacts.customFieldCategories": lambda: ("GET", "contacts/custom_field_categories", None, None),
    "contacts.customFields": lambda: ("GET", "contacts/custom_fields", None, None),
    "contacts.positions": lambda contact_id: ("GET", f"contacts/{contact_id}/positions", None, None),
    "organisations.list": lambda offset=0, limit=10: (
        "GET",
        "organisations",
        {"limit": limit, "offset": offset},
        None,
    ),
    "organisations.get": lambda organisation_id: ("GET", f"organisations/{organisation_id}", None, None),
    "organisations.segment": lambda segment_id, offset=0: (
        "GET",
        f"organisations/segments/{segment_id}",
        {"offset": offset},
        None,
    ),
    "organisations.customFieldCategories": lambda: (
        "GET",
        "organisations/custom_field_categories",
        None,
        None,
    ),
    "organisations.customFields": lambda: ("GET", "organisations/custom_fields", None, None),
    "organisations.positions": lambda organisation_id: (
        "GET",
        f"organisations/{organisation_id}/positions",
        None,
        None,
    ),
    "addressTypes.list": lambda: ("GET", "address_types", None, None),
    "addressTypes.create": lambda description, max_amount: (
        "POST",
        "address_types",
        None,
        {"description": description, "max_amount": max_amount},
    ),
    "addressTypes.update": lambda type_id, description, max_amount: (
        "PUT",
        f"address_types/{type_id}",
        None,
        {"description": description, "max_amount": max_amount},
    ),
    "addressTypes.delete": lambda type_id: ("DELETE", f"address_types/{type_id}", None, None),
    "activities.list": lambda: ("GET", "activities", None, None),
    "activities.createInternal": lambda data: (
        "POST",
        "activities/internal",
        None,
        {**data, "type": "internal"},
    ),
    "activities.createExternal": lambda data: (
        "POST",
        "activities/external",
        None,
        {**data, "type": "external"},
    ),
    "groups.list": lambda: ("GET", "groups", None, None),
    "functions.list": lambda: ("GET", "functions", None, None),
    "combinations.list": lambda: ("GET", "combinations", None, None),
    "combinations.byGroup": lambda group_id: ("GET", f"combinations/group/{group_id}", None, None),
    "combinations.byFunction": lambda function_id: (
        "GET",
        f"combinations/function/{function_id}",
        None,
        None,
    ),
}
# The same children (addresses, e-mail addresses, custom field values) under contacts and
# organisations; educations and company positions under contacts only.
for owner in ("contacts", "organisations"):
    for name, path in [("Address", "addresses"), ("EmailAddress", "emailaddresses")]:
        CLIENT_REQUESTS[f"{owner}.create{name}"] = lambda owner_id, data, o=owner, p=path: (
            "POST",
            f"{o}/{owner_id}/{p}",
            None,
            data,
        )
        CLIENT_REQUESTS[f"{owner}.update{name}"] = lambda owner_id, item_id, data, o=owner, p=path: (
            "PUT",
            f"{o}/{owner_id}/{p}/{item_id}",
            None,
            data,
        )
        CLIENT_REQUESTS[f"{owner}.delete{name}"] = lambda owner_id, item_id, o=owner, p=path: (
            "DELETE",
            f"{o}/{owner_id}/{p}/{item_id}",
            None,
            None,
        )
    CLIENT_REQUESTS[f"{owner}.listAddresses"] = lambda owner_id, o=owner: (
        "GET",
        f"{o}/{owner_id}/addresses",
        None,
        None,
    )
    CLIENT_REQUESTS[f"{owner}.createCustomFieldValue"] = lambda owner_id, data, o=owner: (
        "POST",
        f"{o}/{owner_id}/customfieldvalues",
        None,
        data,
    )
    CLIENT_REQUESTS[f"{owner}.updateCustomFieldValue"] = lambda owner_id, value_id, data, o=owner: (
        "PUT",
        f"{o}/{owner_id}/customfieldvalues/{value_id}",
        None,
        data,
    )
for name, path in [("Education", "educations"), ("CompanyPosition", "companypositions")]:
    CLIENT_REQUESTS[f"contacts.create{name}"] = lambda contact_id, data, p=path: (
        "POST",
        f"contacts/{contact_id}/{p}",
        None,
        data,
    )
    CLIENT_REQUESTS[f"contacts.update{name}"] = lambda contact_id, item_id, data, p=path: (
        "PUT",
        f"contacts/{contact_id}/{p}/{item_id}",
        None,
        data,
    )
    CLIENT_REQUESTS[f"contacts.delete{name}"] = lambda contact_id, item_id, p=path: (
        "DELETE",
        f"contacts/{contact_id}/{p}/{item_id}",
        None,
        None,
    )
for owner, segment in (("groups", "groups"), ("functions", "functions"), ("combinations", "combinations")):
    CLIENT_REQUESTS[f"{owner}.members"] = lambda owner_id, object_type, offset=0, s=segment: (
        "GET",
        f"{s}/{owner_id}/{object_type}",
        {"offset": offset},
        None,
    )
    CLIENT_REQUESTS[f"{owner}.membersOnDate"] = lambda owner_id, object_type, date, offset=0, s=segment: (
        "GET",
        f"{s}/{owner_id}/{object_type}/{date}",
        {"offset": offset},
        None,
    )

CONTACT = {
    "first_name": "Jan",
    "last_name": "De Smet",
    "birth_date": "1990-05-15",
    "birth_place": "Gent",
    "preferred_language": "nl",
    "gender": "M",
    "email": "jan@example.be",
}
ADDRESS = {"street": "Veldstraat", "number": "1", "postal_code": "9000", "city": "Gent", "country": "BE"}
ACTIVITY = {
    "name": "Rehearsal",
    "description": "Weekly rehearsal",
    "start_date": "2025-03-01T19:00:00+01:00",
    "is_public": True,
    "permissions": [],
}
# (save the result as, "resource.method", arguments); "$name.field" is a saved value.
SCENARIO = [
    ("contact", "contacts.create", [CONTACT]),
    (None, "contacts.get", ["$contact.id"]),
    (None, "contacts.update", ["$contact.id", {**CONTACT, "first_name": "Johan"}]),
    (None, "contacts.list", []),
    (None, "contacts.list", [0, 5]),
    (None, "contacts.search", [{"operator": "AND", "last_name": "De Smet"}]),
    (None, "contacts.segment", ["$person_segment.id"]),
    (None, "contacts.customFieldCategories", []),
    (None, "contacts.customFields", []),
    (None, "contacts.positions", ["$member.id"]),
    (None, "contacts.listAddresses", ["$contact.id"]),
    ("address", "contacts.createAddress", ["$contact.id", {"address_type": "$address_type.id", **ADDRESS}]),
    (
        None,
        "contacts.updateAddress",
        ["$contact.id", "$address.id", {"address_type": "$address_type.id", **ADDRESS, "number": "2"}],
    ),
    (None, "contacts.deleteAddress", ["$contact.id", "$address.id"]),
    (
        "email",
        "contacts.createEmailAddress",
        ["$contact.id", {"email": "jan@work.example", "description": "work"}],
    ),
    (None, "contacts.updateEmailAddress", ["$contact.id", "$email.id", {"email": "jan@job.example"}]),
    (None, "contacts.deleteEmailAddress", ["$contact.id", "$email.id"]),
    ("education", "contacts.createEducation", ["$contact.id", {"school": "UGent", "degree": "MSc"}]),
    (None, "contacts.updateEducation", ["$contact.id", "$education.id", {"school": "KU Leuven"}]),
    (None, "contacts.deleteEducation", ["$contact.id", "$education.id"]),
    (
        "position",
        "contacts.createCompanyPosition",
        ["$contact.id", {"organisation": "$organisation.id", "title": "Engineer"}],
    ),
    (
        None,
        "contacts.updateCompanyPosition",
        ["$contact.id", "$position.id", {"company_name": "Acme", "title": "CTO"}],
    ),
    (None, "contacts.deleteCompanyPosition", ["$contact.id", "$position.id"]),
    (
        "value",
        "contacts.createCustomFieldValue",
        ["$contact.id", {"custom_field": "$person_field.id", "text_value": "blue"}],
    ),
    (None, "contacts.updateCustomFieldValue", ["$contact.id", "$value.id", {"text_value": "green"}]),
    (None, "organisations.list", []),
    (None, "organisations.get", ["$organisation.id"]),
    (None, "organisations.segment", ["$organisation_segment.id"]),
    (None, "organisations.customFieldCategories", []),
    (None, "organisations.customFields", []),
    (None, "organisations.positions", ["$organisation.id"]),
    (None, "organisations.listAddresses", ["$organisation.id"]),
    (
        "organisation_address",
        "organisations.createAddress",
        ["$organisation.id", {"address_type": "$address_type.id", **ADDRESS}],
    ),
    (
        None,
        "organisations.updateAddress",
        [
            "$organisation.id",
            "$organisation_address.id",
            {"address_type": "$address_type.id", **ADDRESS, "box": "b"},
        ],
    ),
    (None, "organisations.deleteAddress", ["$organisation.id", "$organisation_address.id"]),
    (
        "organisation_email",
        "organisations.createEmailAddress",
        ["$organisation.id", {"email": "info@acme.example"}],
    ),
    (
        None,
        "organisations.updateEmailAddress",
        ["$organisation.id", "$organisation_email.id", {"email": "hi@acme.example"}],
    ),
    (None, "organisations.deleteEmailAddress", ["$organisation.id", "$organisation_email.id"]),
    (
        "organisation_value",
        "organisations.createCustomFieldValue",
        ["$organisation.id", {"custom_field": "$organisation_field.id", "text_value": "gold"}],
    ),
    (
        None,
        "organisations.updateCustomFieldValue",
        ["$organisation.id", "$organisation_value.id", {"text_value": "silver"}],
    ),
    (None, "addressTypes.list", []),
    ("new_type", "addressTypes.create", ["Holiday home", 2]),
    (None, "addressTypes.update", ["$new_type.id", "Second home", 3]),
    (None, "addressTypes.delete", ["$new_type.id"]),
    (None, "groups.list", []),
    (None, "groups.members", ["$combination.group", "contacts"]),
    (None, "groups.membersOnDate", ["$combination.group", "organisations", "20240131"]),
    (None, "functions.list", []),
    (None, "functions.members", ["$combination.function", "contacts"]),
    (None, "functions.membersOnDate", ["$combination.function", "contacts", "20240131", 0]),
    (None, "combinations.list", []),
    (None, "combinations.byGroup", ["$combination.group"]),
    (None, "combinations.byFunction", ["$combination.function"]),
    (None, "combinations.members", ["$combination.id", "contacts"]),
    (None, "combinations.membersOnDate", ["$combination.id", "contacts", "20240131"]),
    (None, "activities.list", []),
    ("internal", "activities.createInternal", [{**ACTIVITY, "default_price": "12.50"}]),
    ("external", "activities.createExternal", [{**ACTIVITY, "name": "Concert"}]),
]
PAGINATED = {
    "contacts.list",
    "contacts.search",
    "contacts.segment",
    "organisations.list",
    "organisations.segment",
}
PAGINATED |= {
    f"{owner}.{kind}"
    for owner in ("groups", "functions", "combinations")
    for kind in ("members", "membersOnDate")
}


def test_the_scenario_calls_every_client_method():
    assert {call for _, call, _ in SCENARIO} == set(CLIENT_REQUESTS)


@pytest.fixture
def saved():
    """What the scenario starts from: records made in the back-office (organisations, segments,
    custom fields, groups...), which the client cannot create."""
    organisation = services.create_organisation(None, name="Acme")
    member = services.create_person(None, first_name="Mia", last_name="Member")
    combination = CombinationFactory()
    MembershipFactory(party=member, combination=combination, start_date=datetime.date(2020, 1, 1))
    MembershipFactory(party=organisation, combination=combination, start_date=datetime.date(2020, 1, 1))
    CustomFieldCategoryFactory(applies_to=AppliesTo.PERSON)
    CustomFieldCategoryFactory(applies_to=AppliesTo.ORGANISATION)
    return {
        "organisation": {"id": organisation.pk},
        "member": {"id": member.pk},
        "combination": {
            "id": combination.pk,
            "group": combination.group_id,
            "function": combination.function_id,
        },
        "address_type": {"id": AddressTypeFactory(max_amount=2).pk},
        "person_field": {"id": CustomFieldFactory(applies_to=AppliesTo.PERSON).pk},
        "organisation_field": {"id": CustomFieldFactory(applies_to=AppliesTo.ORGANISATION).pk},
        "person_segment": {"id": SegmentFactory(members=[member]).pk},
        "organisation_segment": {
            "id": SegmentFactory(applies_to=Party.Kind.ORGANISATION, members=[organisation]).pk
        },
    }


def resolve(value, saved):
    if isinstance(value, str) and value.startswith("$"):
        for key in value[1:].split("."):
            saved = saved[key]
        return saved
    if isinstance(value, list):
        return [resolve(item, saved) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, saved) for key, item in value.items()}
    return value


def replay(client, token: str, call: str, args: list):
    """PeeplHttpClient::request(): the URL gets a trailing slash before its query; both headers go
    on every request; a body only for a non-empty array on POST/PUT/PATCH. Answers what the PHP
    would return, or raises where it would throw."""
    method, path, query, body = CLIENT_REQUESTS[call](*args)
    url = f"{BASE}/{path}/" + (f"?{urlencode(query)}" if query else "")
    data = json.dumps(body).encode() if body and method in ("POST", "PUT", "PATCH") else b""
    response = client.generic(
        method,
        url,
        data,
        content_type="application/json",
        CONTENT_TYPE="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code < 400, (call, response.status_code, response.content)
    decoded = json.loads(response.content) if response.content else None  # json_decode('') is null
    assert isinstance(decoded, dict | list), (call, "not an array for PHP", response.content)
    return decoded


def check_outcomes(outcomes: list):
    """Every step answered an array (a PeeplPaginatedResult for the paginated ones) and the
    created records came back with their ids."""
    for (save_as, call, _args), result in zip(SCENARIO, outcomes, strict=True):
        assert isinstance(result, dict | list), (call, result)
        if call in PAGINATED:
            assert isinstance(result["count"], int) and isinstance(result["results"], list), (call, result)
        if save_as is not None:
            assert isinstance(result["id"], int), (call, result)
    by_step = dict(zip([call for _, call, _ in SCENARIO], outcomes, strict=False))
    assert by_step["contacts.search"]["count"] == 1
    assert by_step["contacts.segment"]["count"] == 1 and by_step["organisations.segment"]["count"] == 1
    assert by_step["combinations.members"]["count"] == 1


@pytest.mark.django_db
def test_the_clients_requests_replayed(client, admin_user, saved):
    token = issue_api_key(admin_user, "peepl-php")[1]
    outcomes = []
    for save_as, call, args in SCENARIO:
        result = replay(client, token, call, resolve(args, saved))
        if save_as is not None:
            saved[save_as] = result
        outcomes.append(result)
    check_outcomes(outcomes)
    deleted = outcomes[[call for _, call, _ in SCENARIO].index("contacts.deleteAddress")]
    assert deleted == {}


def php_client() -> Path | None:
    checkout = os.environ.get("PEEPL_PHP_CLIENT")
    if not checkout or not shutil.which("php"):
        return None
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=True).stdout.split()
    return (
        Path(checkout)
        if "curl" in modules and (Path(checkout) / "src" / "PeeplClient.php").exists()
        else None
    )


@pytest.mark.skipif(
    php_client() is None, reason="needs php with curl and PEEPL_PHP_CLIENT (a checkout of peepl-php)"
)
@pytest.mark.django_db(transaction=True)
def test_the_php_client_itself_against_a_live_server(live_server, admin_user, saved, tmp_path):
    token = issue_api_key(admin_user, "peepl-php")[1]
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"saved": saved, "steps": SCENARIO}))
    run = subprocess.run(
        ["php", str(RUNNER), str(php_client()), f"{live_server.url}{BASE}", token, str(scenario)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    outcomes = json.loads(run.stdout)
    errors = [
        (call, outcome)
        for (_, call, _), outcome in zip(SCENARIO, outcomes, strict=True)
        if "error" in outcome
    ]
    assert not errors
    check_outcomes([outcome["result"] for outcome in outcomes])
