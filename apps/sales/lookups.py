"""The pipeline's reference data an install ships with: the lookups no API operation writes
(activity priorities, progression states, sources, lead activity types, opportunity types with
their statuses, estimates, win and lost reasons, opportunity states, challenge types, a few
activity type questions) and starting lead statuses. The data migration installs them; `install`
can run again (demo data, tests after a flush): a lookup that has rows is left alone, and the
standard activity types (migration 0003's) come back when there are none."""

import uuid

# code, name, colour (as migration 0003 installs them)
ACTIVITY_TYPES = [
    ("call", "Call", "876FD5"),
    ("meeting", "Meeting", "0000FF"),
    ("email", "E-mail", "2E86C1"),
    ("task", "Task", "F39C12"),
]

PRIORITIES = ["Low", "Normal", "High"]
ACTIVITY_PROGRESSION = ["Planned", "In progress", "Done"]
OPPORTUNITY_PROGRESSION = ["Qualification", "Needs analysis", "Proposal", "Negotiation"]
# name, default
SOURCES = [("Website", True), ("Referral", False), ("Trade fair", False), ("Cold call", False)]
LEAD_STATUSES = ["New", "Contacted", "Qualified", "Unqualified"]
LEAD_ACTIVITY_TYPES = ["Call", "E-mail", "Meeting", "Note"]
# type name, default, statuses: (name, colour, won, lost)
OPPORTUNITY_TYPES = [
    (
        "New business",
        True,
        [
            ("Prospecting", "#5DADE2", False, False),
            ("Proposal sent", "#F5B041", False, False),
            ("Negotiation", "#AF7AC5", False, False),
            ("Won", "#2E8B57", True, False),
            ("Lost", "#C0392B", False, True),
        ],
    ),
    (
        "Additional sale",
        False,
        [
            ("Open", "#5DADE2", False, False),
            ("Offer", "#F5B041", False, False),
            ("Won", "#2E8B57", True, False),
            ("Lost", "#C0392B", False, True),
        ],
    ),
]
ESTIMATES = [("Unlikely", 10), ("Possible", 25), ("Even", 50), ("Likely", 75), ("Almost certain", 90)]
WIN_REASONS = ["Price", "Product fit", "Relationship"]
LOST_REASONS = ["Price", "Competitor", "No budget", "No decision"]
OPPORTUNITY_STATES = ["Open", "Quoted", "Negotiating", "Closed"]
# name, metric, days
CHALLENGE_TYPES = [
    ("Most activities", "activities", 7),
    ("Most leads", "leads", 7),
    ("Most deals won", "won", 30),
    ("Highest won value", "won_value", 30),
]
# activity type code, questions
QUESTIONS = {
    "call": ["Did you reach the decision maker?"],
    "meeting": ["Was a next step agreed?", "Who else should be involved?"],
}


def _fill(model, rows):
    """Create rows (dicts) unless the model has some; a fresh uuid each (historical models do not
    call the field's default per row in bulk_create)."""
    if model.objects.exists():
        return
    model.objects.bulk_create([model(uuid=uuid.uuid4(), sort_order=order, **row) for order, row in rows])


def install(apps):
    """`apps`: a migration's historical apps or django.apps.apps."""

    def model(name):
        return apps.get_model("sales", name)

    _fill(
        model("ActivityType"), enumerate([{"code": c, "name": n, "colour": h} for c, n, h in ACTIVITY_TYPES])
    )
    _fill(model("ActivityPriority"), enumerate([{"name": n} for n in PRIORITIES]))
    progression = model("ProgressionState")
    if not progression.objects.exists():
        rows = [{"name": n, "applies_to": "activity"} for n in ACTIVITY_PROGRESSION]
        rows += [{"name": n, "applies_to": "opportunity"} for n in OPPORTUNITY_PROGRESSION]
        progression.objects.bulk_create(
            [progression(uuid=uuid.uuid4(), sort_order=order, **row) for order, row in enumerate(rows)]
        )
    _fill(model("Source"), enumerate([{"name": n, "is_default": d} for n, d in SOURCES]))
    _fill(model("LeadStatus"), enumerate([{"name": n} for n in LEAD_STATUSES], start=1))
    _fill(model("LeadActivityType"), enumerate([{"name": n} for n in LEAD_ACTIVITY_TYPES]))
    types, statuses = model("OpportunityType"), model("OpportunityStatus")
    if not types.objects.exists():
        for order, (name, default, steps) in enumerate(OPPORTUNITY_TYPES):
            kind = types.objects.create(uuid=uuid.uuid4(), name=name, is_default=default, sort_order=order)
            _fill_statuses(statuses, kind, steps)
    _fill(
        model("OpportunityEstimate"),
        enumerate([{"name": f"{name} ({p} %)", "probability": p} for name, p in ESTIMATES]),
    )
    reasons = [{"name": n, "kind": "won"} for n in WIN_REASONS] + [
        {"name": n, "kind": "lost"} for n in LOST_REASONS
    ]
    _fill(model("OpportunityReason"), enumerate(reasons))
    _fill(model("OpportunityState"), enumerate([{"name": n} for n in OPPORTUNITY_STATES]))
    _fill(
        model("ChallengeType"),
        enumerate([{"name": n, "metric": m, "duration_days": d} for n, m, d in CHALLENGE_TYPES]),
    )
    questions = model("ActivityTypeQuestion")
    if not questions.objects.exists():
        for activity_type in model("ActivityType").objects.filter(code__in=QUESTIONS):
            for order, text in enumerate(QUESTIONS[activity_type.code]):
                questions.objects.create(
                    uuid=uuid.uuid4(), activity_type=activity_type, question=text, sort_order=order
                )


def _fill_statuses(statuses, kind, steps):
    for order, (name, colour, won, lost) in enumerate(steps):
        statuses.objects.create(
            uuid=uuid.uuid4(),
            opportunity_type=kind,
            name=name,
            colour=colour,
            won=won,
            lost=lost,
            sort_order=order,
            sort_order_plug=order,
        )
