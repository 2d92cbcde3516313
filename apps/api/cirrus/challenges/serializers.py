"""Challenges (spec part 1 §3.8, §4.9): the request body, and the Challenge, ChallengeUser and
ChallengeStats shapes. A challenge's two ChallengeUsers are its participants (the challenger is the
`owner`); their `score` is counted from the pipeline (apps.sales.selectors), never stored."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from apps.sales.models import ChallengeType

from .. import fragments as f
from ..toolkit.fields import CirrusSerializer, DateTimeIn, RefObjectField
from ..toolkit.presenters import flag, utc

User = get_user_model()

# --- Requests ---------------------------------------------------------------------------------


class ChallengeIn(CirrusSerializer):
    """O76: the challenged user (NewCahllengeUser, only `id` read), the start and the type (the
    first type when none is given)."""

    challenged = RefObjectField(
        User.objects.filter(is_active=True), what="active user", required=True, allow_null=False
    )
    startdate = DateTimeIn(required=True, allow_null=False)
    type = RefObjectField(ChallengeType.objects.all(), what="challenge type", allow_null=False)


# --- Responses --------------------------------------------------------------------------------


class ChallengeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    accepted = f.nullable(help_text="When the user accepted, ISO 8601 UTC; null before.")
    challengeid = serializers.IntegerField()
    owner = serializers.BooleanField(help_text="true for the challenger.")
    score = serializers.IntegerField(help_text="Counted from the pipeline over the challenge's period.")
    user = f.ListedUserSerializer()


def challenge_user(row) -> dict:
    return {
        "id": row.pk,
        "accepted": utc(row.accepted),
        "challengeid": row.challenge_id,
        "owner": row.is_owner,
        "score": row.score,
        "user": f.listed_user(row.user),
    }


class ChallengeSerializer(serializers.Serializer):
    """Challenge (§4.9)."""

    id = serializers.IntegerField()
    active = serializers.IntegerField()
    challenged = ChallengeUserSerializer()
    challenger = ChallengeUserSerializer()
    created = f.nullable(help_text="ISO 8601, UTC.")
    startdate = f.nullable(help_text="ISO 8601, UTC.")
    stopdate = f.nullable(help_text="ISO 8601, UTC: the start plus the type's days.")
    daysremaining = serializers.IntegerField(help_text="Days from today to the stop date, at least 0.")
    type = f.IdNameSerializer()
    winner = f.ListedUserSerializer(allow_null=True)

    def to_representation(self, challenge):
        rows = {row.is_owner: row for row in challenge.participants.all()}
        remaining = (timezone.localdate(challenge.stop) - timezone.localdate()).days
        return {
            "id": challenge.pk,
            "active": flag(challenge.active),
            "challenged": challenge_user(rows[False]),
            "challenger": challenge_user(rows[True]),
            "created": utc(challenge.created),
            "startdate": utc(challenge.start),
            "stopdate": utc(challenge.stop),
            "daysremaining": max(remaining, 0),
            "type": f.id_name(challenge.challenge_type),
            "winner": f.listed_user(challenge.winner),
        }


class ChallengeAnswerSerializer(serializers.Serializer):
    """O81/O82's answer."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["accepted", "declined"])


class AchievementsSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    week = serializers.IntegerField()
    month = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    """ChallengeStats (O79): a user's events (completed activities, new leads, won opportunities)
    today, this week and month, points, level, category, and events of the last seven days."""

    achievements = AchievementsSerializer()
    category = serializers.CharField()
    heartbeat = serializers.IntegerField()
    level = serializers.IntegerField()
    score = serializers.IntegerField()

    def to_representation(self, stats):
        return stats
