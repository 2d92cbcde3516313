"""The admin has a Content-Security-Policy (django-csp, settings-driven) that it still works
under: a real browser signs in and opens pages, and any CSP violation (a console error) fails the
test. The APIs' answers carry none (they are JSON and XML)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = [
    "/admin/",
    "/admin/parties/person/",
    "/admin/parties/person/add/",
    "/admin/core/apikey/add/",
    "/admin/sales/activity/add/",
    "/admin/auth/user/",
]


def test_the_admin_sends_its_policy_and_the_apis_do_not(admin_client, api_key):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert (
        "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    response = admin_client.get("/cirrus/accounts", HTTP_X_TOKEN=api_key)
    assert "Content-Security-Policy" not in response


def test_the_admin_works_under_its_policy(live_server, browser_page, admin_user):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-not-used-123")
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
