"""Accounts, account coordinates, account groups, account types, follow/unfollow, monthly budgets
and merges (spec part 1 §3.1, O1-O16). Views validate with the request serializers, call
apps.parties.services_accounts with the caller as actor, and answer with the response shapes;
lists read a fixed number of queries whatever the page size and mask."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.api.common.permissions import ModelPermissions
from apps.content.models import File
from apps.core import jobs
from apps.core.models import Job, MergeRecord
from apps.parties import services_accounts
from apps.parties.merge import request_merge
from apps.parties.models import AccountGroup, AccountType, CompanyPosition, MonthlyBudget, Party

from .. import fragments as f
from ..coordinates import CoordinateList
from ..toolkit.errors import CirrusError, invalid
from ..toolkit.views import CirrusView, follow_routes
from . import serializers as s
from .filters import AccountCoordinateFilter, AccountFilter, AccountGroupFilter

User = get_user_model()
NO_CONTENT = {204: OpenApiResponse(description="Done; no body.")}


def accounts():
    """Organisations with everything an Account shows, prefetched (a fixed number of queries)."""
    contacts = CompanyPosition.objects.filter(is_primary=True, person__kind=Party.Kind.PERSON)
    return (
        Party.objects.filter(kind=Party.Kind.ORGANISATION)
        .select_related("account_type", "parent_organisation", *f.user_paths("responsible_user"))
        .select_related(*f.user_paths("alternate_user"))
        .prefetch_related(
            *f.listed_account_prefetches(),
            *f.listed_account_prefetches("parent_organisation__"),
            Prefetch("files", queryset=File.objects.only("id", "name").order_by("id")),
            Prefetch(
                "employee_positions",
                queryset=contacts.select_related("person").order_by(
                    "person__last_name", "person__first_name", "id"
                ),
                to_attr="account_contacts",
            ),
            *f.contact_details_prefetches("account_contacts__person__"),
            Prefetch("followers", queryset=f.users_queryset()),
            Prefetch("account_groups", queryset=AccountGroup.objects.order_by("name", "id")),
            "tags",
        )
    )


class AccountMixin:
    permission_model = Party
    serializer_class = s.AccountSerializer
    error_field_map = s.ACCOUNT_ERRORS

    def account(self, pk, *, detail=True) -> Party:
        queryset = accounts() if detail else Party.objects.filter(kind=Party.Kind.ORGANISATION)
        return self.get_object_or_404(queryset, pk, "Account")

    def respond_account(self, pk, status_code=200):
        return self.respond(accounts().get(pk=pk), status_code)


class AccountList(AccountMixin, CirrusView):
    filterset_class = AccountFilter

    def get_queryset(self):
        return accounts()

    @extend_schema(summary="Returns a paginated list of accounts (O2)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new account (O1)", request=s.AccountIn, responses={201: s.AccountSerializer}
    )
    def post(self, request):
        data = self.body(s.AccountIn)
        account = services_accounts.create_account(request.user, **s.account_changes(data))
        return self.respond_account(account.pk, status.HTTP_201_CREATED)


class AccountDetail(AccountMixin, CirrusView):
    @extend_schema(summary="Returns an account (O15)")
    def get(self, request, id):
        return self.respond(self.account(id))

    @extend_schema(
        summary="Updates an account (O14): the fields sent change, addresses merge per type",
        request=s.AccountIn,
    )
    def put(self, request, id):
        account = self.account(id, detail=False)
        data = self.body(s.AccountIn, partial=True)
        services_accounts.update_account(request.user, account, **s.account_changes(data))
        return self.respond_account(account.pk)


class AccountCoordinateList(CoordinateList):
    """O3: one item per (matching account, account address with coordinates)."""

    permission_model = Party
    serializer_class = s.AccountCoordinateSerializer
    filterset_class = AccountCoordinateFilter
    summaries = {"get": "Returns a paginated list of account coordinates (O3)"}

    def get_queryset(self):
        return Party.objects.filter(kind=Party.Kind.ORGANISATION)


class AccountTypeList(CirrusView):
    permission_model = AccountType
    queryset = AccountType.objects.none()  # for the schema; get() reads the rows
    serializer_class = s.AccountTypeSerializer
    pagination_class = None

    @extend_schema(summary="DEPRECATED, Returns a list of accounttypes (O8)", deprecated=True)
    def get(self, request):
        rows = AccountType.objects.order_by("sort_order", "name", "id")
        response = Response(self.get_serializer(rows, many=True).data)
        response["Deprecation"] = "true"
        return response


def party_follow_routes(collection: str, kind: str, what: str, summaries: tuple[str, str]) -> list:
    """Following (or no longer following) accounts (O9, O10) or contacts (O54, O55)."""
    return follow_routes(
        collection,
        permission_model=Party,
        records=lambda: Party.objects.filter(kind=kind),
        what=what,
        services=(services_accounts.follow, services_accounts.unfollow),
        summaries=summaries,
    )


class BudgetView(CirrusView):
    """O11-O13: an account's budget for one month."""

    permission_model = MonthlyBudget
    serializer_class = s.AccountBudgetSerializer
    error_field_map = {"amount": "budget"}

    def period(self, accountid, year, month):
        account = self.get_object_or_404(
            Party.objects.filter(kind=Party.Kind.ORGANISATION), accountid, "Account"
        )
        if not 1 <= month <= 12:
            raise invalid({"month": f"{month} is not a month (1-12)."})
        if not 1 <= year <= 9999:
            raise invalid({"year": f"{year} is not a year (1-9999)."})
        return account

    def budget(self, account, year, month) -> MonthlyBudget:
        budget = MonthlyBudget.objects.filter(party=account, year=year, month=month).first()
        if budget is None:
            raise CirrusError(404, f"No budget for account {account.pk} in {year}-{month:02d}")
        return budget

    @extend_schema(summary="get_budget_item (O13)")
    def get(self, request, accountid, year, month):
        account = self.period(accountid, year, month)
        return self.respond(self.budget(account, year, month))

    @extend_schema(
        summary="put_budget_item (O11): set the account's budget for the month", request=s.BudgetIn
    )
    def put(self, request, accountid, year, month):
        account = self.period(accountid, year, month)
        data = self.body(s.BudgetIn)
        budget = services_accounts.set_monthly_budget(
            request.user, account, year=year, month=month, amount=data.get("budget")
        )
        return self.respond(budget)

    @extend_schema(summary="delete_budget_item (O12)", responses=NO_CONTENT)
    def delete(self, request, accountid, year, month):
        account = self.period(accountid, year, month)
        services_accounts.delete_monthly_budget(request.user, self.budget(account, year, month))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountGroupList(CirrusView):
    permission_model = AccountGroup
    serializer_class = s.AccountGroupSerializer
    filterset_class = AccountGroupFilter

    def get_queryset(self):
        return AccountGroup.objects.all()

    @extend_schema(summary="Returns a paginated list of accountgroups (O5)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new accountgroup (O4)",
        request=s.AccountGroupIn,
        responses={201: s.AccountGroupSerializer},
    )
    def post(self, request):
        data = self.body(s.AccountGroupIn)
        group = services_accounts.create_account_group(request.user, name=data["name"])
        return self.respond(group, status.HTTP_201_CREATED)


class AccountGroupDetail(CirrusView):
    permission_model = AccountGroup
    serializer_class = s.AccountGroupSerializer

    def group(self, pk):
        return self.get_object_or_404(AccountGroup.objects.all(), pk, "Accountgroup")

    @extend_schema(summary="Returns an accountgroup (O7)")
    def get(self, request, id):
        return self.respond(self.group(id))

    @extend_schema(summary="Updates an accountgroup (O6)", request=s.AccountGroupIn)
    def put(self, request, id):
        group = self.group(id)
        data = self.body(s.AccountGroupIn, partial=True)
        return self.respond(services_accounts.update_account_group(request.user, group, name=data["name"]))


class MergePermissions(ModelPermissions):
    """Merging changes the target and deletes the source: both permissions on parties."""

    perms_map = {
        **ModelPermissions.perms_map,
        "POST": [*ModelPermissions.perms_map["PUT"], *ModelPermissions.perms_map["DELETE"]],
    }


class AccountMerge(AccountMixin, CirrusView):
    """O16: the source account is merged into the target by the parties domain's merge, queued as
    a job (apps.parties.merge.request_merge: in-process on the embedded default, on a worker in
    production; recorded first, so it runs even when the broker or a worker fails). The answer
    waits for it (up to MERGE_WAIT seconds) and is the target account; a merge still queued or
    running then is a 202. A merge already done answers the target again (safe to repeat)."""

    permission_classes = [MergePermissions]
    MERGE_WAIT = 30

    @extend_schema(
        summary="Merges two account (O16): the source moves into the target and is removed",
        request=None,
        responses={
            200: s.AccountSerializer,
            202: OpenApiResponse(description="The merge runs in the background."),
        },
    )
    def post(self, request, target, source):
        if target == source:
            raise invalid({"source": "An account cannot be merged into itself."})
        organisations = Party.objects.filter(kind=Party.Kind.ORGANISATION)
        self.get_object_or_404(organisations, target, "Account")
        if not organisations.filter(pk=source).exists():
            merges = MergeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Party))
            if merges.filter(source_id=source, target_id=target).exists():
                return self.respond_account(target)  # merged already: the same answer again
            raise CirrusError(404, f"Account {source} not found")
        try:
            job = request_merge(request.user, target, source)
        except ValidationError as exc:  # eager: the merge ran here and refused
            raise CirrusError(400, " ".join(exc.messages)) from None
        except Party.DoesNotExist:
            raise CirrusError(404, f"Account {source} not found") from None
        job = jobs.wait(job, timeout=self.MERGE_WAIT)
        if job.state == Job.State.FAILED:  # refused on a worker
            for pk in (source, target):
                if not organisations.filter(pk=pk).exists():
                    raise CirrusError(404, f"Account {pk} not found")
            raise CirrusError(400, job.error)
        if job.state != Job.State.DONE:
            message = f"Merging account {source} into account {target} in the background."
            return Response({"message": message, "task": str(job.uuid)}, status=status.HTTP_202_ACCEPTED)
        return self.respond_account(target)
