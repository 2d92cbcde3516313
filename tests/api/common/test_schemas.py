"""Every public API publishes its OpenAPI schema and a docs page, each describing its own mount."""

import json
import re

import pytest
import yaml

pytestmark = pytest.mark.django_db

APIS = {
    "peepl": ("/peepl/v1/admin", "/contacts/"),
    "crmcom-ri": ("/crmapi/rest/v2", "/contact_information/show"),
    "crmcom": ("/backoffice/v2", "/accounts"),
    "incwo": ("/incwo", "/contacts.xml"),
    "cirrus": ("/cirrus", "/accounts"),
}


@pytest.mark.parametrize("name", APIS)
def test_schema_and_docs_are_published(client, name):
    server, some_path = APIS[name]

    schema = client.get(f"/api/schema/{name}/")
    docs = client.get(f"/api/docs/{name}/")

    assert schema.status_code == 200
    document = yaml.safe_load(schema.content)
    assert document["servers"] == [{"url": server}]
    assert any(some_path in path for path in document["paths"]), sorted(document["paths"])[:10]
    assert docs.status_code == 200 and f"/api/schema/{name}/".encode() in docs.content


def schema_of(client, name) -> dict:
    response = client.get(f"/api/schema/{name}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def operations_of(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


ERROR_COMPONENTS = {
    "peepl": ("PeeplError", "application/json"),
    "crmcom-ri": ("CrmErrorEnvelope", "application/json"),
    "crmcom": ("V2Error", "application/json"),
    "incwo": ("IncwoErrors", "application/xml"),
    "cirrus": ("CirrusError", "application/json"),
}


@pytest.mark.parametrize("name", APIS)
def test_every_operation_documents_the_api_errors(client, name):
    document = schema_of(client, name)
    component, media_type = ERROR_COMPONENTS[name]
    assert component in document["components"]["schemas"]
    for path, method, operation in operations_of(document):
        for status in ("400", "401", "403", "404"):
            response = operation["responses"].get(status)
            assert response, (method, path, status)
            assert response["content"][media_type]["schema"] == {
                "$ref": f"#/components/schemas/{component}"
            }, (method, path, status)


@pytest.mark.parametrize("name", APIS)
def test_every_reference_resolves(client, name):
    document = schema_of(client, name)
    references = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert references - set(document["components"]["schemas"]) == set()


def test_cirrus_lists_are_documented_as_the_page_envelope_with_their_filters(client):
    document = schema_of(client, "cirrus")
    components = document["components"]["schemas"]

    for path in ("/accounts", "/contacts", "/users", "/roles", "/activities", "/leads"):
        operation = document["paths"][path]["get"]
        reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        envelope = components[reference.rsplit("/", 1)[1]]
        assert set(envelope["properties"]) == {"page", "pages", "per_page", "total", "items"}, path
        assert envelope["properties"]["items"]["type"] == "array", path
        parameters = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"page", "per_page"} <= parameters, path
    accounts = {p["name"] for p in document["paths"]["/accounts"]["get"]["parameters"]}
    assert {"name", "fulltext", "sorting", "accountnumber"} <= accounts
    lookup = document["paths"]["/accounts/types"]["get"]["responses"]["200"]["content"]["application/json"]
    assert lookup["schema"]["type"] == "array"
    # A single record stays a single record.
    item = document["paths"]["/accounts/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert item["schema"] == {"$ref": "#/components/schemas/CirrusAccount"}


def test_incwo_contact_lists_reference_their_element_components(client):
    document = schema_of(client, "incwo")
    contact = document["components"]["schemas"]["IncwoContact"]["properties"]
    assert contact["contact_addresses"]["items"] == {"$ref": "#/components/schemas/IncwoContactAddress"}
    assert contact["contact_addresses"]["xml"] == {"wrapped": True, "name": "contact_addresses"}
    assert contact["contact_items"]["items"] == {"$ref": "#/components/schemas/IncwoContactItem"}


def test_peepl_contact_fields_a_response_may_leave_null_are_nullable(client):
    """A contact made through another API may have no birth date or e-mail: a response shows null,
    while a create still requires both (spec 4.1)."""
    components = schema_of(client, "peepl")["components"]["schemas"]
    for name in ("Contact", "ContactDetail"):
        for field in ("birth_date", "email", "phone", "mobile"):
            assert components[name]["properties"][field].get("nullable") is True, (name, field)
    create = components["ContactRequest"]
    assert not create["properties"]["birth_date"].get("nullable")
    assert {"birth_date", "email"} <= set(create["required"])


@pytest.mark.parametrize("name", APIS)
def test_integer_path_parameters_are_non_negative(client, name):
    """Django's `int` converter takes digits only: `/dynamicdata/-1/2` is another route's 405."""
    for path, method, operation in operations_of(schema_of(client, name)):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                assert parameter["schema"]["minimum"] == 0, (method, path, parameter["name"])
