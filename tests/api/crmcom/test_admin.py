"""The admin screens behind the Back-Office v2 activities: leads, orders and service requests
save through services_crm (unique numbers, the contact's address), and an activity's CRM.COM
fields (team, lead, order, service request, address) show on its page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.sales import services_crm, services_pipeline
from apps.sales.models import ActivityType, Lead, Order, ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def url(name, *args):
    return reverse(f"admin:sales_{name}", args=args)


def test_pages_load(staff, contact):
    order = services_crm.save_reference(None, Order(number="SO-1", contact=contact))
    lead = services_pipeline.create_lead(None, title="Interest", contact=contact)
    activity = services_crm.create_crm_activity(
        None,
        name="Visit",
        activity_type=ActivityType.objects.get(code="meeting"),
        start=timezone.now(),
        contact=contact,
        order=order,
        lead=lead,
    )
    for path in (
        url("lead_changelist"),
        url("lead_change", lead.pk),
        url("order_changelist"),
        url("order_add"),
        url("order_change", order.pk),
        url("servicerequest_changelist"),
        url("servicerequest_add"),
    ):
        assert staff.get(path).status_code == 200, path
    page = staff.get(url("activity_change", activity.pk)).content.decode()
    assert 'name="order"' in page and 'name="team"' in page and 'name="address"' in page


def test_references_save_through_the_service(staff, contact, other_contact):
    data = {
        "number": " SR-1 ",
        "description": "",
        "contact": contact.pk,
        "address": contact.addresses.get().pk,
    }
    assert staff.post(url("servicerequest_add"), data).status_code == 302
    assert ServiceRequest.objects.get().number == "SR-1"
    foreign = {**data, "number": "SR-2", "address": other_contact.addresses.get().pk}
    response = staff.post(url("servicerequest_add"), foreign)
    assert response.status_code == 200 and "address of the contact" in response.content.decode()
    # the lead screen has its lead activities inline (the sales pipeline's admin)
    inline = {
        f"lead_activities-{key}": value for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }
    assert (
        staff.post(url("lead_add"), {"title": " ", "description": "", "contact": "", **inline}).status_code
        == 200
    )
    lead_form = {"title": "Lead", "description": "", "contact": "", **inline}
    assert staff.post(url("lead_add"), lead_form).status_code == 302
    lead = Lead.objects.get()
    assert staff.post(url("lead_delete", lead.pk), {"post": "yes"}).status_code == 302
    assert not Lead.objects.exists()
