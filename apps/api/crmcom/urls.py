"""CRM.COM Back-Office v2, mounted at /backoffice/v2/. Every route answers with and without a
trailing slash (no redirect; the schema shows the form without). Anything else under the mount
is a 404 in CRM.COM's error envelope."""

from django.urls import path

from . import schema  # noqa: F401  (registers the OpenAPI security schemes)
from . import views_accounts as accounts
from . import views_activities as activities
from . import views_insights as insights
from . import views_users as users

app_name = "crmcom"


def route(pattern: str, view, name: str):
    """The route, and the same route with a trailing slash (left out of the schema)."""
    slashed = type(f"{view.__name__}WithSlash", (view,), {"schema": None})
    return [path(pattern, view.as_view(), name=name), path(f"{pattern}/", slashed.as_view())]


urlpatterns = [
    *route("users/authenticate", users.Login, "login"),
    *route("users/refresh", users.Refresh, "refresh"),
    *route("users/<str:user_id>/sign_out", users.SignOut, "sign-out"),
    *route("accounts/<str:account_id>", accounts.AccountDetail, "account"),
    *route("accounts/<str:account_id>/actions", accounts.AccountActions, "account-actions"),
    *route("contacts/<str:contact_id>/accounts", accounts.ContactAccounts, "contact-accounts"),
    *route("contacts/<str:contact_id>/analytics", accounts.ContactAnalytics, "contact-analytics"),
    *route(
        "organisations/<str:organisation_id>/analytics",
        accounts.OrganisationAnalytics,
        "organisation-analytics",
    ),
    *route("activities", activities.ActivityCollection, "activities"),
    *route("activities/<str:activity_id>", activities.ActivityDetail, "activity"),
    *route("activities/<str:activity_id>/tags", activities.ActivityTags, "activity-tags"),
    *route("insights", insights.InsightCollection, "insights"),
    *route("insights/<str:insight_id>", insights.InsightDetail, "insight"),
    *route("insights/<str:insight_id>/events", insights.InsightEvents, "insight-events"),
    *route("insights/<str:insight_id>/filters", insights.InsightFilters, "insight-filters"),
    *route("insights/<str:insight_id>/breakdowns", insights.InsightBreakdowns, "insight-breakdowns"),
    *route("insights/<str:insight_id>/results", insights.InsightResults, "insight-results"),
    *route("insights/<str:insight_id>/preview", insights.InsightPreview, "insight-preview"),
    *route("insights/<str:insight_id>/exports", insights.InsightExports, "insight-exports"),
    *route("insights/<str:insight_id>/exports/<str:export_id>", insights.ExportDetail, "insight-export"),
    *route(
        "insights/<str:insight_id>/exports/<str:export_id>/file", insights.ExportFile, "insight-export-file"
    ),
]
