"""The demo's past campaigns: invitations sent, reminders sent, some people answering."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from surveys.campaigns import yearly_campaign_key
from surveys.config import DISPLAY_TIMEZONE
from surveys.demo.answers import FINANCER_ANSWER_RATE, answer_rows
from surveys.demo.builder import Builder
from surveys.demo.plans import DemoPlan
from surveys.models import Campaign, Invitation, NamedResponse, OutboundMessage, Response
from surveys.tokens import hash_token, make_token

ANSWER_DAYS = (0, 1, 2, 4, 6, 9)  # days after the invitation people answer, when they do


@dataclass(frozen=True)
class Context:
    """What the answers of one campaign depend on."""

    programme: str
    weak_trainer: bool


@dataclass
class _Sent:
    """The rows one campaign produces, gathered for bulk inserts."""

    messages: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    links: list[dict[str, Any]]
    finished: list[tuple[int, datetime | None, int]]


def paris(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=DISPLAY_TIMEZONE).astimezone(UTC)


def campaign_row(
    key: str, plan: DemoPlan, *, label: str, scheduled: datetime, session_id: int | None
) -> dict[str, Any]:
    return {
        "key": key,
        "plan_id": plan.plan_id,
        "survey_version_id": plan.version_id,
        "session_id": session_id,
        "audience": plan.audience,
        "timing": plan.timing,
        "label": label,
        "scheduled_at": scheduled,
        "closes_at": scheduled + timedelta(days=30),
        "reminder_offsets_days": [3, 7],
        "created_at": scheduled,
    }


def _invitation_row(
    builder: Builder, campaign_id: int, person_id: int, language: str, created_at: datetime
) -> dict[str, Any]:
    salt = f"{builder.rng.getrandbits(128):032x}"
    token = make_token(salt=salt, session_secret=builder.secret)
    return {
        "campaign_id": campaign_id,
        "person_id": person_id,
        "token_salt": salt,
        "token_hash": hash_token(token),
        "language": language,
        "status": "sent",
        "created_at": created_at,
    }


def _message(invitation_id: int, kind: str, sequence: int, at: datetime, created: datetime) -> dict:
    return {
        "invitation_id": invitation_id,
        "kind": kind,
        "sequence": sequence,
        "status": "sent",
        "due_at": at,
        "sent_at": at,
        "attempts": 1,
        "created_at": created,
    }


def _outcome(rng: random.Random, rate: float, age_days: int) -> tuple[bool, int, list[int]]:
    """Whether the person answers, on which day, and the reminders sent before that."""
    answered = rng.random() < rate and age_days >= 1
    answer_day = min(rng.choice(ANSWER_DAYS), max(age_days - 1, 0))
    reminders = [
        offset for offset in (3, 7) if offset <= age_days and (not answered or offset < answer_day)
    ]
    return answered, answer_day, reminders


def _answer(
    builder: Builder,
    sent: _Sent,
    plan: DemoPlan,
    person: tuple[int, int, str],
    *,
    campaign_id: int,
    submitted: datetime,
    context: Context,
) -> None:
    invitation_id, person_id, language = person
    response_id = f"{builder.rng.getrandbits(128):032x}"
    sent.responses.append(
        {
            "id": response_id,
            "campaign_id": campaign_id,
            "survey_version_id": plan.version_id,
            "anonymous": plan.anonymous,
            "language": language,
            "submitted_on": submitted.date(),
        }
    )
    if not plan.anonymous:
        sent.links.append(
            {
                "response_id": response_id,
                "invitation_id": invitation_id,
                "person_id": person_id,
                "submitted_at": submitted,
            }
        )
    for row in answer_rows(
        builder.rng,
        plan.questions,
        timing=plan.timing,
        programme=context.programme,
        weak_trainer=context.weak_trainer,
    ):
        builder.pending_answers.append({"response_id": response_id, **row})


def run_campaign(
    builder: Builder,
    campaign_id: int,
    plan: DemoPlan,
    people: list[tuple[int, str]],
    *,
    scheduled: datetime,
    rate: float,
    context: Context,
) -> None:
    """Invite `people`, send their emails and reminders, and let some of them answer."""
    rng = builder.rng
    age_days = (builder.now - scheduled).days
    invitation_ids = builder.add(
        Invitation,
        [
            _invitation_row(builder, campaign_id, person_id, language, scheduled)
            for person_id, language in people
        ],
    )
    sent = _Sent([], [], [], [])
    for invitation_id, (person_id, language) in zip(invitation_ids, people, strict=True):
        sent.messages.append(_message(invitation_id, "invitation", 0, scheduled, scheduled))
        answered, answer_day, reminders = _outcome(rng, rate, age_days)
        for sequence, offset in enumerate(reminders, start=1):
            at = scheduled + timedelta(days=offset)
            sent.messages.append(_message(invitation_id, "reminder", sequence, at, scheduled))
        if answered:
            submitted = scheduled + timedelta(days=answer_day, hours=rng.randint(1, 20))
            person = (invitation_id, person_id, language)
            _answer(
                builder,
                sent,
                plan,
                person,
                campaign_id=campaign_id,
                submitted=submitted,
                context=context,
            )
            sent.finished.append((invitation_id, submitted, len(reminders)))
        elif reminders:
            sent.finished.append((invitation_id, None, len(reminders)))
    builder.add(OutboundMessage, sent.messages)
    builder.add_without_ids(Response, sent.responses, counted=True)
    builder.add_without_ids(NamedResponse, sent.links, counted=False)
    _update_invitations(builder, sent.finished, scheduled)


def _update_invitations(
    builder: Builder, finished: list[tuple[int, datetime | None, int]], scheduled: datetime
) -> None:
    table = Invitation.__table__  # type: ignore[attr-defined]
    for invitation_id, submitted, reminder_count in finished:
        values: dict[str, Any] = {"sent_at": scheduled, "reminder_count": reminder_count}
        if submitted is not None:
            values.update(status="completed", completed_at=submitted, opened_at=submitted)
        builder.session.execute(sa.update(table).where(table.c.id == invitation_id).values(values))
    builder.session.execute(
        sa.update(table).where(table.c.sent_at.is_(None)).values(sent_at=scheduled)
    )


def financer_campaign(
    builder: Builder,
    plan: DemoPlan,
    person_ids: dict[str, list[int]],
    languages: dict[str, list[str]],
    today: date,
) -> None:
    """Last year's yearly financer survey went to all but two financers (a coverage gap)."""
    year = today.year - 1
    scheduled = paris(date(year, 11, 15), 10)
    row = campaign_row(
        yearly_campaign_key(plan.plan_id, year),
        plan,
        label=f"financer_annual {year}",
        scheduled=scheduled,
        session_id=None,
    )
    campaign_id = builder.add(Campaign, [row])[0]
    invited = list(zip(person_ids["financer"][:-2], languages["financer"][:-2], strict=True))
    context = Context(programme="", weak_trainer=False)
    run_campaign(
        builder,
        campaign_id,
        plan,
        invited,
        scheduled=scheduled,
        rate=FINANCER_ANSWER_RATE,
        context=context,
    )
