"""The sales demo data: `seed_demo` fills every sales model (so a demo install exercises every
pipeline operation) and adds nothing on a second run."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.sales.models import Challenge, Lead, Opportunity

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for label in ("sales", "catalogue")
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy
    }


def test_seed_demo_fills_every_sales_model_once():
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    assert not [label for label, n in first.items() if n == 0], first
    assert Lead.objects.filter(opportunity__isnull=False).exists()  # a converted lead
    assert (
        Opportunity.objects.filter(status__won=True).exists()
        and Opportunity.objects.filter(status__lost=True).exists()
    )
    assert (
        Challenge.objects.filter(active=True).count() == 2
        and Challenge.objects.filter(winner__isnull=False).exists()
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
