"""The demo's past campaigns: invitations sent, reminders sent, some people answering.

Rows are made from the product's own pieces: the campaign keys of `surveys.campaigns`, the
answer-link tokens of `surveys.tokens` (random salts, only the hash stored), and each plan's
schedule (send time, reminder offsets, closing delay) as the plan was adopted. Times follow
the planner's rule (`surveys.schedule`): Paris wall-clock time, stored as UTC; the campaign
row is `surveys.campaigns.campaign_fields`, as the planner builds it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from surveys.campaigns import campaign_fields, yearly_campaign_key
from surveys.demo.answers import answer_rate, answer_rows
from surveys.demo.builder import ANSWERS_PER_FLUSH, Builder
from surveys.demo.plans import DemoPlan
from surveys.models import Campaign, Invitation, NamedResponse, OutboundMessage, Response
from surveys.schedule import add_days_in_paris, paris_time
from surveys.tokens import hash_token, make_token, new_salt

ANSWER_DAYS = (0, 1, 2, 4, 6, 9)  # days after the invitation people answer, when they do
YEARLY_FINANCER_DAY = (11, 15)  # the yearly financer survey went out last 15 November


@dataclass(frozen=True)
class Context:
    """What the answers of one campaign depend on."""

    programme: str
    weak_trainer: bool


@dataclass
class _Outcome:
    """What happened to one invitation: the reminders it got, and the answer if any."""

    reminders: list[datetime]
    submitted: datetime | None = None
    response_id: str | None = None


@dataclass
class _Sent:
    """The rows one campaign produces, gathered for bulk inserts."""

    invitations: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[_Outcome] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)


def session_start(plan: DemoPlan, session_end: date) -> datetime:
    return paris_time(session_end + timedelta(days=plan.spec.offset_days), plan.spec.send_time)


def add_campaign(
    builder: Builder,
    key: str,
    plan: DemoPlan,
    *,
    label: str,
    scheduled: datetime,
    session_id: int | None,
) -> int:
    """Add the campaign row, in the state the planner leaves it at the builder's `now` (open
    once started, closed once past its closing time): its id."""
    now = builder.now
    fields = campaign_fields(
        key=key,
        plan_id=plan.plan_id,
        version_id=plan.version_id,
        session_id=session_id,
        audience=plan.audience,
        timing=plan.timing,
        label=label,
        start=scheduled,
        close_after_days=plan.spec.close_after_days,
        reminder_offsets_days=plan.spec.reminder_offsets_days,
    )
    status = "scheduled" if now < scheduled else "open" if now < fields["closes_at"] else "closed"
    return builder.add(Campaign, [{**fields, "created_at": scheduled, "status": status}])[0]


def _invitation_row(
    builder: Builder, campaign_id: int, person: tuple[int, str], scheduled: datetime
) -> dict[str, Any]:
    """The invitation `surveys.campaigns.new_invitation` makes, from the same token pieces, as a
    Core row: building the ORM object costs 0.2-0.5 ms, 20-50 s at the large scale."""
    person_id, language = person
    salt = new_salt()
    return {
        "campaign_id": campaign_id,
        "person_id": person_id,
        "token_salt": salt,
        "token_hash": hash_token(make_token(salt=salt, session_secret=builder.secret)),
        "language": language,
        "status": "sent",
        "sent_at": scheduled,
        "created_at": scheduled,
    }


def _finish(row: dict[str, Any], outcome: _Outcome) -> None:
    """The invitation as the dispatcher and the answer form leave it."""
    row["reminder_count"] = len(outcome.reminders)
    row["last_reminded_at"] = outcome.reminders[-1] if outcome.reminders else None
    row["completed_at"] = row["opened_at"] = outcome.submitted
    if outcome.submitted is not None:
        row["status"] = "completed"


def _outcome(
    rng: random.Random, plan: DemoPlan, rate: float, age_days: int, scheduled: datetime
) -> _Outcome:
    """Whether the person answers, when, and the reminders sent before that."""
    answered = rng.random() < rate and age_days >= 1
    answer_day = min(rng.choice(ANSWER_DAYS), max(age_days - 1, 0))
    offsets = [
        offset
        for offset in plan.spec.reminder_offsets_days
        if offset <= age_days and (not answered or offset < answer_day)
    ]
    outcome = _Outcome([add_days_in_paris(scheduled, offset) for offset in offsets])
    if answered:
        outcome.submitted = scheduled + timedelta(days=answer_day, hours=rng.randint(1, 20))
        outcome.response_id = f"{rng.getrandbits(128):032x}"
    return outcome


def _answer(
    builder: Builder,
    sent: _Sent,
    plan: DemoPlan,
    outcome: _Outcome,
    *,
    campaign_id: int,
    language: str,
    context: Context,
) -> None:
    submitted = outcome.submitted or builder.now
    sent.responses.append(
        {
            "id": outcome.response_id,
            "campaign_id": campaign_id,
            "survey_version_id": plan.version_id,
            "anonymous": plan.anonymous,
            "language": language,
            "submitted_on": submitted.date(),
        }
    )
    for row in answer_rows(
        builder.rng,
        plan.questions,
        timing=plan.timing,
        programme=context.programme,
        weak_trainer=context.weak_trainer,
    ):
        builder.pending_answers.append({"response_id": outcome.response_id, **row})


def _messages(invitation_id: int, scheduled: datetime, outcome: _Outcome) -> list[dict]:
    sent = [("invitation", 0, scheduled)]
    sent += [("reminder", n, at) for n, at in enumerate(outcome.reminders, start=1)]
    return [
        {
            "invitation_id": invitation_id,
            "kind": kind,
            "sequence": sequence,
            "status": "sent",
            "due_at": at,
            "sent_at": at,
            "attempts": 1,
            "created_at": scheduled,
        }
        for kind, sequence, at in sent
    ]


def _links(sent: _Sent, invitation_ids: list[int], people: list[tuple[int, str]]) -> list[dict]:
    """Named responses only: an anonymous survey keeps no link between answer and person."""
    return [
        {
            "response_id": outcome.response_id,
            "invitation_id": invitation_id,
            "person_id": person_id,
            "submitted_at": outcome.submitted,
        }
        for outcome, invitation_id, (person_id, _) in zip(
            sent.outcomes, invitation_ids, people, strict=True
        )
        if outcome.response_id is not None
    ]


def run_campaign(
    builder: Builder,
    campaign_id: int,
    plan: DemoPlan,
    people: list[tuple[int, str]],
    *,
    scheduled: datetime,
    context: Context,
) -> None:
    """Invite `people`, send their emails and reminders, and let some of them answer."""
    age_days = (builder.now - scheduled).days
    rate = answer_rate(plan.audience, plan.timing, plan.spec.enrolment_scope)
    sent = _Sent()
    for person in people:
        outcome = _outcome(builder.rng, plan, rate, age_days, scheduled)
        row = _invitation_row(builder, campaign_id, person, scheduled)
        _finish(row, outcome)
        sent.invitations.append(row)
        sent.outcomes.append(outcome)
        if outcome.submitted is not None:
            _answer(
                builder,
                sent,
                plan,
                outcome,
                campaign_id=campaign_id,
                language=person[1],
                context=context,
            )
    invitation_ids = builder.add(Invitation, sent.invitations)
    messages = [
        message
        for invitation_id, outcome in zip(invitation_ids, sent.outcomes, strict=True)
        for message in _messages(invitation_id, scheduled, outcome)
    ]
    builder.add_without_ids(OutboundMessage, messages, counted=True)
    builder.add_without_ids(Response, sent.responses, counted=True)
    if not plan.anonymous:
        builder.add_without_ids(NamedResponse, _links(sent, invitation_ids, people), counted=False)
    builder.flush_answers(at_least=ANSWERS_PER_FLUSH)


def financer_campaign(
    builder: Builder,
    plan: DemoPlan,
    person_ids: dict[str, list[int]],
    languages: dict[str, list[str]],
    today: date,
) -> None:
    """Last year's yearly financer survey went to all but two financers (a coverage gap)."""
    year = today.year - 1
    scheduled = paris_time(date(year, *YEARLY_FINANCER_DAY), plan.spec.send_time)
    campaign_id = add_campaign(
        builder,
        yearly_campaign_key(plan.plan_id, year),
        plan,
        label=f"{plan.title} {year}",
        scheduled=scheduled,
        session_id=None,
    )
    invited = list(zip(person_ids["financer"][:-2], languages["financer"][:-2], strict=True))
    context = Context(programme="", weak_trainer=False)
    run_campaign(builder, campaign_id, plan, invited, scheduled=scheduled, context=context)
