"""Every public API publishes its OpenAPI schema and a docs page, each describing its own mount."""

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
