"""Routes of accounts, account coordinates, account types, follow/unfollow, budgets, merges and
account groups (O1-O16). Paths as spec part 1 §2 infers them, without a trailing slash; the
literal segments (`coordinates`, `types`, `follow`...) come before `accounts/<id>`."""

from django.urls import path

from apps.parties.models import Party

from . import views as v

ORGANISATION = Party.Kind.ORGANISATION

urlpatterns = [
    path("accounts", v.AccountList.as_view()),
    path("accounts/coordinates", v.AccountCoordinateList.as_view()),
    path("accounts/types", v.AccountTypeList.as_view()),
    *v.party_follow_routes(
        "accounts", ORGANISATION, "account", ("user follows account (O9)", "user unfollows account (O10)")
    ),
    path("accounts/<int:accountid>/budget/<int:year>/<int:month>", v.BudgetView.as_view()),
    path("accounts/<int:id>", v.AccountDetail.as_view()),
    path("accounts/<int:target>/merge/<int:source>", v.AccountMerge.as_view()),
    path("accountgroups", v.AccountGroupList.as_view()),
    path("accountgroups/<int:id>", v.AccountGroupDetail.as_view()),
]
