"""The back office as a person uses it, in Debian's chromium (headless, Playwright): log in, the
dashboard's cards and a drawn chart, search a person, the person's timeline, bulk-tag three
persons, merge two from the list with the preview. Every page: no horizontal overflow at
1366 px and no console error (the `browser_page` fixture fails the test on any). A screenshot of
each step is kept in the test's tmp folder."""

import csv
import datetime

import pytest
from django.utils import timezone

from apps.core.models import Tag
from apps.parties import services
from apps.parties.models import Party
from apps.sales.models import Activity

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "browser-pass-123"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)


@pytest.fixture
def crm(staff):
    persons = [
        services.create_person(staff, first_name=first, last_name=last, email=f"{first.lower()}@example.com")
        for first, last in [("Jan", "Peeters"), ("An", "Janssens"), ("Piet", "Maes"), ("Jan", "Peters")]
    ]
    services.create_organisation(staff, name="Acme NV")
    Activity.objects.create(
        kind="task",
        name="Call about the renewal",
        start=timezone.now() - datetime.timedelta(hours=2),
        contact=persons[0],
    )
    Tag.objects.create(name="VIP")
    return persons


class Steps:
    def __init__(self, page, base, folder):
        self.page, self.base, self.folder, self.n = page, base, folder, 0
        page.set_viewport_size({"width": 1366, "height": 900})

    def goto(self, path):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")

    def check(self, name):
        """No horizontal overflow at 1366 px; a screenshot of the step."""
        self.page.wait_for_load_state("networkidle")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{name}: the page is {width} px wide"
        self.n += 1
        self.page.screenshot(path=str(self.folder / f"{self.n:02d}-{name}.png"), full_page=True)


def test_a_staff_member_works_through_the_back_office(live_server, browser_page, crm, tmp_path):
    page = browser_page
    shots = tmp_path / "screenshots"
    shots.mkdir()
    steps = Steps(page, live_server.url, shots)

    # Log in: the dashboard.
    steps.goto("/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    steps.check("login-dashboard")
    assert page.locator(".kpi-card").count() == 8
    assert "Persons" in page.locator("[data-testid=kpi-cards]").inner_text()
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas.chart'))"
        ".filter(c => window.Chart && Chart.getChart(c)).length"
    )
    assert drawn >= 3

    # Search a person.
    steps.goto("/admin/parties/person/")
    page.fill("input[name=q]", "Peeters")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    steps.check("search")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "Jan Peeters" in rows.first.inner_text()

    # The person's page and the timeline.
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    steps.check("person")
    page.click("#tabs-wrapper a[href='#dataset-timeline']")
    timeline = page.locator("[data-testid=timeline]")
    timeline.wait_for(state="visible")
    assert "Call about the renewal" in timeline.inner_text()
    steps.check("timeline")

    # Bulk-tag three persons.
    steps.goto("/admin/parties/person/")
    boxes = page.locator("#result_list tbody input.action-select")
    for index in range(3):
        boxes.nth(index).check()
    page.select_option("select[name=action]", "bulk_tag")
    with page.expect_navigation():
        page.click("button[name=index]")
    steps.check("bulk-tag-form")
    page.select_option("select[name=tag]", label="VIP")
    with page.expect_navigation():
        page.click("button[name=apply]")
    steps.check("bulk-tag-done")
    assert "Tag: 3 of 3 changed." in page.content()
    assert Tag.objects.get(name="VIP").parties.count() == 3

    # Export a filtered list and download it.
    steps.goto("/admin/parties/person/?q=Jan")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_navigation():
        page.click("button[name=index]")
    steps.check("export-requested")
    with page.expect_navigation():
        page.click("text=follow the export and download it")
    steps.check("export")
    with page.expect_download() as download_info:
        page.click("[data-testid=download]")
    saved = tmp_path / "persons.csv"
    download_info.value.save_as(saved)
    rows = list(csv.reader(saved.read_text().splitlines(keepends=True)))
    assert len(rows) == 1 + 3 and "first_name" in rows[0]  # Jan Peeters, An Janssens, Jan Peters
    assert "search_document" not in rows[0]  # derived match keys are not exported

    # Merge two persons from the list, with the preview.
    steps.goto("/admin/parties/person/?q=Jan+Pe")
    boxes = page.locator("#result_list tbody input.action-select")
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.select_option("select[name=action]", "merge_into")
    with page.expect_navigation():
        page.click("button[name=index]")
    steps.check("merge-preview")
    assert "Merge into" in page.content()
    with page.expect_navigation():
        page.locator("form:has(input[name=confirm]) [type=submit]").click()
    steps.check("merged")
    assert Party.objects.filter(kind="person", last_name__in=["Peeters", "Peters"]).count() == 1

    # The other daily screens open without overflow or console errors.
    for path in (
        "/admin/parties/organisation/",
        "/admin/sales/activity/",
        "/admin/parties/group/",
        "/admin/parties/segment/",
        "/admin/core/objectchange/",
        "/admin/core/job/",
    ):
        steps.goto(path)
        steps.check(path.strip("/").replace("/", "-"))
    assert len(list(shots.iterdir())) == steps.n
