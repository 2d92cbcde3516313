"""Challenges (spec part 1 §3.8, O76-O82): sales gamification between two users. Writes go
through apps.sales.services_challenges with the caller as the challenger or the one answering;
scores and stats are counted by apps.sales.selectors. The list reads a fixed number of queries
(the participants and their scores in one) whatever the page size and mask."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from rest_framework.response import Response

from apps.sales import selectors, services_challenges
from apps.sales.models import Challenge, ChallengeType

from .. import fragments as f
from ..toolkit.views import CirrusView, ItemView, ListCreateView, LookupView
from . import serializers as s
from .filters import ChallengeFilter

User = get_user_model()


def challenges():
    """Challenges with their type, winner, and participants with their users and scores."""
    participants = selectors.participants_with_scores().select_related(*f.user_paths("user"))
    return Challenge.objects.select_related("challenge_type", *f.user_paths("winner")).prefetch_related(
        Prefetch("participants", queryset=participants)
    )


class ChallengeList(ListCreateView):
    records = staticmethod(challenges)
    serializer_class = s.ChallengeSerializer
    error_field_map = {"challenge_type": "type", "start": "startdate"}
    filterset_class = ChallengeFilter
    create_body = s.ChallengeIn
    summaries = {
        "get": "Returns a paginated list of challenges (O77); `status` is relative to the caller",
        "post": "Creates a new challenge (O76): the caller challenges another user",
    }

    def create(self, data):
        kind = data.get("type") or ChallengeType.objects.order_by("sort_order", "name", "id").first()
        return services_challenges.create_challenge(
            self.request.user, challenged=data["challenged"], challenge_type=kind, start=data["startdate"]
        )


class ChallengeDetail(ItemView, ChallengeList):
    http_method_names = ["get", "head", "options"]
    summaries = {"get": "Returns a challenge (O80)"}


class ChallengeAnswer(ChallengeDetail):
    """O81/O82: PUT `.../accept` or `.../decline` (no body), by the challenged user: `{id, status}`."""

    http_method_names = ["put"]
    serializer_class = s.ChallengeAnswerSerializer
    answer = "accepted"
    services = {
        "accepted": services_challenges.accept_challenge,
        "declined": services_challenges.decline_challenge,
    }

    def put(self, request, id):
        challenge = self.get_object_or_404(Challenge.objects.all(), id, self.what)
        self.services[self.answer](request.user, challenge)
        return Response({"id": challenge.pk, "status": self.answer})


class ChallengeStats(CirrusView):
    """O79: the gamification stats of a user (OQ-9: the path id is a User id)."""

    permission_model = Challenge
    serializer_class = s.StatsSerializer
    summaries = {"get": "Returns a user's gamification stats (O79)"}

    def get(self, request, id):
        user = self.get_object_or_404(User.objects.all(), id, "User")
        return self.respond(selectors.user_stats(user))


type_list = LookupView.as_view(
    permission_model=ChallengeType,
    serializer_class=f.IdNameSerializer,
    queryset=ChallengeType.objects.all(),
    summaries={"get": "Returns a list of challengetypes (O78)"},
)
