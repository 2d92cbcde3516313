"""What a fresh install ships for the lookups no API writes: KPI definitions (one per calculator
of apps.core.kpis), the add-ons an install has (disabled until configured), the settings row."""

from django.db import migrations

KPIS = [
    ("Activities", "Planned this month", "number", "activities_this_month", 10, True),
    ("Completed activities", "Completed this month", "number", "completed_this_month", 20, True),
    ("Open activities", "Not yet completed", "number", "open_activities", 30, True),
    ("Overdue activities", "Open and past their start", "number", "overdue_activities", 40, False),
    ("Budget", "Sales budget this month", "currency", "budget_this_month", 50, True),
    ("Pipeline", "Pipeline this month", "currency", "pipeline_this_month", 60, False),
    ("Pipeline coverage", "Pipeline against budget", "percent", "pipeline_coverage", 70, True),
]
ADDONS = [
    ("ERP integration", "erp", 10, [("url", ""), ("api_key", "")]),
    ("E-mail (SMTP)", "email", 20, [("server", ""), ("port", "587")]),
    ("BankID signing", "bankid", 30, [("environment", "test")]),
    ("Field sales", "fieldsales", 40, []),
]


def forwards(apps, schema_editor):
    KpiDefinition = apps.get_model("core", "KpiDefinition")
    Addon = apps.get_model("core", "Addon")
    AddonParameter = apps.get_model("core", "AddonParameter")
    TenantSettings = apps.get_model("core", "TenantSettings")
    for title, subtitle, display_type, calculator, sort, on_dashboard in KPIS:
        KpiDefinition.objects.get_or_create(
            calculator=calculator,
            defaults={
                "title": title,
                "subtitle": subtitle,
                "display_type": display_type,
                "sort": sort,
                "on_dashboard": on_dashboard,
            },
        )
    for title, internal_name, sort, parameters in ADDONS:
        addon, _ = Addon.objects.get_or_create(
            internal_name=internal_name, defaults={"title": title, "sort": sort, "enabled": False}
        )
        for name, value in parameters:
            AddonParameter.objects.get_or_create(addon=addon, name=name, defaults={"value": value})
    TenantSettings.objects.get_or_create(pk=1, defaults={"currency": "EUR"})


class Migration(migrations.Migration):
    dependencies = [("core", "0004_staff")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
