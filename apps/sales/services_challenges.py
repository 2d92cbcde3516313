"""Sales challenges: a user challenges another over a period of the challenge type's length; the
challenged user accepts or declines; when the period is over the one with the higher score wins
(scores are counted from the pipeline by selectors, never stored). `settle_finished_challenges`
runs hourly (Celery beat) and decides what has ended.

Each top-level function runs in one transaction and records the change log.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.changelog import log_create, log_save, snapshot

from . import selectors
from .models import Challenge, ChallengeParticipant, ChallengeType


@transaction.atomic
def create_challenge(
    actor, *, challenged, challenge_type: ChallengeType, start: datetime.datetime
) -> Challenge:
    """`actor` challenges `challenged` from `start` for the type's number of days."""
    if challenged.pk == actor.pk:
        raise ValidationError({"challenged": "You cannot challenge yourself."})
    if not challenged.is_active:
        raise ValidationError({"challenged": "This user is not active."})
    challenge = Challenge(
        challenge_type=challenge_type,
        start=start,
        stop=start + datetime.timedelta(days=challenge_type.duration_days),
    )
    challenge.full_clean(validate_unique=False, validate_constraints=False)
    challenge.save()
    log_create(actor, challenge)
    for user, owner in ((actor, True), (challenged, False)):
        row = ChallengeParticipant.objects.create(
            challenge=challenge, user=user, is_owner=owner, accepted=timezone.now() if owner else None
        )
        log_create(actor, row, parent=challenge)
    return challenge


def _answer(actor, challenge: Challenge) -> ChallengeParticipant:
    """The challenged user's row, locked; only they answer, and only once."""
    challenged = ChallengeParticipant.objects.select_for_update().get(challenge=challenge, is_owner=False)
    if challenged.user_id != actor.pk:
        raise PermissionDenied("Only the challenged user answers a challenge.")
    if challenged.accepted is not None or not challenge.active:
        raise ValidationError("The challenge was answered already.")
    return challenged


@transaction.atomic
def accept_challenge(actor, challenge: Challenge) -> Challenge:
    challenged = _answer(actor, challenge)
    before = snapshot(challenged)
    challenged.accepted = timezone.now()
    challenged.save(update_fields=["accepted"])
    log_save(actor, challenged, before, parent=challenge)
    return challenge


@transaction.atomic
def decline_challenge(actor, challenge: Challenge) -> Challenge:
    _answer(actor, challenge)
    before = snapshot(challenge)
    challenge.active = False
    challenge.save(update_fields=["active", "updated"])
    log_save(actor, challenge, before)
    return challenge


@transaction.atomic
def settle_challenge(actor, challenge: Challenge, now=None) -> Challenge:
    """Decide a challenge whose period is over: an accepted one goes to the higher score (none on
    a tie), an unanswered one lapses. A challenge still running, or decided, stays as it is."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.active or challenge.stop > (now or timezone.now()):
        return challenge
    before = snapshot(challenge)
    rows = list(selectors.participants_with_scores().filter(challenge=challenge))
    accepted = all(row.accepted is not None for row in rows)
    scores = sorted((row.score for row in rows), reverse=True)
    if accepted and len(scores) == 2 and scores[0] > scores[1]:
        challenge.winner = next(row.user for row in rows if row.score == scores[0])
    challenge.active = False
    challenge.save(update_fields=["active", "winner", "updated"])
    log_save(actor, challenge, before)
    return challenge


def settle_finished_challenges(now=None) -> int:
    """Decide every active challenge whose period is over; how many. Safe to run again."""
    now = now or timezone.now()
    due = list(Challenge.objects.filter(active=True, stop__lte=now).values_list("pk", flat=True))
    for pk in due:
        settle_challenge(None, Challenge(pk=pk), now)
    return len(due)
