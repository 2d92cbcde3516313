"""The five API docs pages render their operations in a real browser (Debian's chromium, headless)
with no request leaving this machine: Redoc comes from our own static files, no web fonts."""

import pytest
from playwright.sync_api import expect

DOCS = [
    # (docs page, its <title>, an operation heading Redoc renders)
    ("peepl", "Peepl admin API", "contacts_get"),
    ("crmcom-ri", "CRM.COM R-series contact_information API", "Log in and get a token"),
    ("crmcom", "CRM.COM Back-Office API v2", "Log in: an access token (JWT) and a refresh token"),
    ("incwo", "incwo contacts API", "Create a contact"),
    ("cirrus", "Cirrus 2 RESTful API", "Creates a new accountgroup (O4)"),
]


@pytest.mark.parametrize("name, title, operation", DOCS, ids=[name for name, _, _ in DOCS])
def test_a_docs_page_renders_its_operations_offline(live_server, browser_page, name, title, operation):
    browser_page.goto(f"{live_server.url}/api/docs/{name}/")
    assert browser_page.title() == title
    heading = browser_page.locator("h2", has_text=operation).first
    expect(heading).to_be_visible(timeout=60_000)
    assert browser_page.locator("[id^='operation/']").count() > 3


def test_the_viewer_is_served_here_without_its_outside_image(client):
    response = client.get("/api/docs/redoc/bundles/redoc.standalone.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert b"Redoc" in response.content and b"cdn.redoc.ly" not in response.content
    page = client.get("/api/docs/incwo/").content.decode()
    assert (
        "/api/docs/redoc/bundles/redoc.standalone.js" in page and "<title>incwo contacts API</title>" in page
    )
    assert "fonts.googleapis.com" not in page and "cdn." not in page
