"""What a session's dossier shows, read from the database (pure reads, no layout).

One session's facts, the plans its campaigns applied, each campaign's solicitations (the
invitation, each reminder, opt-outs, bounces) with their dates, the response rate over the
people invited, the complaints and incidents linked to the session with the actions they fed,
and the financer's solicitation of the year (the yearly campaign or an evidence note).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.config import paris_day
from surveys.models import (
    Campaign,
    Complaint,
    Enrolment,
    EvidenceNote,
    ImprovementAction,
    Invitation,
    OutboundMessage,
    Person,
    Programme,
    Response,
    RoomSeat,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)
from surveys.plans.service import describe_plan


@dataclass(frozen=True)
class Facts:
    code: str
    programme: str
    start: date
    end: date
    modality: str
    lms: str
    location: str
    trainers: tuple[str, ...]
    learners: int
    statuses: dict[str, int]  # enrolment status -> learners


STEP_ORDER = ("invitation", "reminder", "resend", "room", "opted_out", "bounced")


@dataclass(frozen=True)
class Step:
    """One kind of solicitation of a campaign: how many, first and last day."""

    kind: str  # invitation, reminder, resend, room, opted_out, bounced
    sequence: int
    count: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Solicitation:
    campaign_id: int
    audience: str
    timing: str
    survey: str
    opens: date
    closes: date
    invited: int
    reminders: int
    responses: int
    steps: tuple[Step, ...]

    @property
    def rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None


@dataclass(frozen=True)
class SubjectRecords:
    """What a session's and a programme's dossier both show beside their own facts: the plans
    applied, the register entries with their actions, the financer's solicitation."""

    plans: tuple[str, ...]
    complaints: tuple[Complaint, ...]
    actions: tuple[ImprovementAction, ...]
    financer_campaigns: tuple[Solicitation, ...]
    financer_notes: tuple[EvidenceNote, ...]


@dataclass(frozen=True)
class DossierData(SubjectRecords):
    facts: Facts
    solicitations: tuple[Solicitation, ...]


def _title(definition: dict[str, Any] | None, language: str) -> str:
    title = (definition or {}).get("title") or {}
    return str(title.get(language) or title.get("fr") or "")


def read_facts(session: Session, training: TrainingSession) -> Facts:
    programme = session.get(Programme, training.programme_id)
    rows = session.exec(
        select(Enrolment.role, Enrolment.status, Person.first_name, Person.last_name)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.session_id == training.id)
    ).all()
    trainers = sorted(
        f"{first} {last}".strip() for role, _, first, last in rows if role == "trainer"
    )
    statuses = Counter(status for role, status, _, _ in rows if role == "learner")
    return Facts(
        code=training.code,
        programme=programme.name if programme else "",
        start=training.start_date,
        end=training.end_date,
        modality=training.modality,
        lms=training.lms,
        location=training.location,
        trainers=tuple(trainers),
        learners=sum(statuses.values()),
        statuses=dict(statuses),
    )


def _is_seat() -> sa.ColumnElement[bool]:
    """An invitation that is an anonymous seat of a session link (answered in the room)."""
    return sa.exists().where(RoomSeat.invitation_id == Invitation.id)


def _sent_steps(session: Session, campaign_id: int) -> list[Step]:
    """The invitation, each reminder and each link sent again, by the day they left."""
    # The status is tested here, not in SQL: with `status = 'sent'` in the query, SQLite
    # walks the outbox's (status, due_at) index over every message ever sent (0.4 s a
    # campaign at the large scale) instead of the campaign's few invitations.
    messages = session.exec(
        select(
            OutboundMessage.kind,
            OutboundMessage.sequence,
            OutboundMessage.sent_at,
            OutboundMessage.status,
        )
        .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
        .where(Invitation.campaign_id == campaign_id)
    ).all()
    moments: dict[tuple[str, int], list[datetime]] = {}
    for kind, sequence, at, status in messages:
        if status != "sent":
            continue
        key = (kind, sequence) if kind == "reminder" else (kind, 0)
        moments.setdefault(key, []).append(at)
    return [_step(kind, seq, at) for (kind, seq), at in sorted(moments.items())]


def _step(kind: str, sequence: int, moments: list[Any]) -> Step:
    known = [paris_day(at) for at in moments if at is not None]
    return Step(kind, sequence, len(moments), min(known, default=None), max(known, default=None))


def _room_step(session: Session, campaign_id: int) -> list[Step]:
    """Answers given through the session link (its short link, QR code or projection): the
    room's seats that were answered, by the day of the answer."""
    moments = session.exec(
        select(Invitation.completed_at).where(
            Invitation.campaign_id == campaign_id,
            Invitation.status == "completed",
            _is_seat(),
        )
    ).all()
    return [_step("room", 0, list(moments))] if moments else []


def _steps(session: Session, campaign_id: int) -> list[Step]:
    steps = _sent_steps(session, campaign_id) + _room_step(session, campaign_id)
    for status, stamp in (("opted_out", Person.opted_out_at), ("bounced", Person.bounced_at)):
        moments = session.exec(
            select(stamp)
            .select_from(Invitation)
            .outerjoin(Person, Person.id == Invitation.person_id)
            .where(Invitation.campaign_id == campaign_id, Invitation.status == status)
        ).all()
        if moments:
            steps.append(_step(status, 0, list(moments)))
    return sorted(steps, key=lambda step: (STEP_ORDER.index(step.kind), step.sequence))


def read_solicitation(session: Session, campaign: Campaign, language: str) -> Solicitation:
    count = sa.func.count()
    # the people asked: the campaign's own invitations, not the seats of its session link
    invited = session.exec(
        select(count)
        .select_from(Invitation)
        .where(Invitation.campaign_id == campaign.id, ~_is_seat())
    ).one()
    responses = session.exec(
        select(count).select_from(Response).where(Response.campaign_id == campaign.id)
    ).one()
    version = session.get(SurveyVersion, campaign.survey_version_id)
    steps = _steps(session, int(campaign.id))
    return Solicitation(
        campaign_id=int(campaign.id),
        audience=campaign.audience,
        timing=campaign.timing,
        survey=_title(version.definition if version else None, language),
        opens=paris_day(campaign.scheduled_at),
        closes=paris_day(campaign.closes_at),
        invited=int(invited),
        reminders=sum(step.count for step in steps if step.kind == "reminder"),
        responses=int(responses),
        steps=tuple(steps),
    )


def read_plans(session: Session, campaigns: list[Campaign], language: str) -> tuple[str, ...]:
    ids = sorted({campaign.plan_id for campaign in campaigns if campaign.plan_id is not None})
    plans = session.exec(select(SurveyPlan).where(SurveyPlan.id.in_(ids))).all() if ids else []
    sentences = []
    for plan in plans:
        survey = session.exec(
            select(SurveyVersion.definition)
            .where(SurveyVersion.survey_id == plan.survey_id)
            .order_by(SurveyVersion.number.desc())
        ).first()
        sentences.append(
            describe_plan(plan, survey_title=_title(survey, language), language=language)
        )
    return tuple(sentences)


def read_register(
    session: Session, training_ids: list[int]
) -> tuple[tuple[Complaint, ...], tuple[ImprovementAction, ...]]:
    """The complaints and incidents linked to the sessions, and the actions they fed."""
    complaints = session.exec(
        select(Complaint)
        .where(Complaint.session_id.in_(training_ids))
        .order_by(Complaint.received_on, Complaint.id)
    ).all()
    ids = [complaint.id for complaint in complaints]
    origins = [f"complaint:{complaint_id}" for complaint_id in ids]
    actions = (
        session.exec(
            select(ImprovementAction)
            .where(
                sa.or_(
                    ImprovementAction.complaint_id.in_(ids),
                    ImprovementAction.origin.in_(origins),
                )
            )
            .order_by(ImprovementAction.id)
        ).all()
        if ids
        else []
    )
    return tuple(complaints), tuple(actions)


def read_financer_years(
    session: Session, years: tuple[int, ...], language: str
) -> tuple[tuple[Solicitation, ...], tuple[EvidenceNote, ...]]:
    """The yearly financer campaigns scheduled in those years and the financer evidence notes."""
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    campaigns = [
        campaign
        for campaign in session.exec(
            select(Campaign).where(Campaign.audience == "financer", Campaign.timing == "annual")
        ).all()
        if first <= paris_day(campaign.scheduled_at) <= last
    ]
    notes = session.exec(
        select(EvidenceNote)
        .where(
            EvidenceNote.stakeholder_type == "financer",
            EvidenceNote.occurred_on >= first,
            EvidenceNote.occurred_on <= last,
        )
        .order_by(EvidenceNote.occurred_on)
    ).all()
    found = tuple(read_solicitation(session, campaign, language) for campaign in campaigns)
    return found, tuple(notes)


def session_campaigns(session: Session, training_ids: list[int]) -> list[Campaign]:
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.session_id.in_(training_ids))
            .order_by(Campaign.scheduled_at, Campaign.id)
        ).all()
    )


def read_part(
    session: Session, training: TrainingSession, campaigns: list[Campaign], language: str
) -> tuple[Facts, tuple[Solicitation, ...]]:
    """One session's facts and the solicitations of its campaigns (among `campaigns`)."""
    own = [campaign for campaign in campaigns if campaign.session_id == training.id]
    return read_facts(session, training), tuple(
        read_solicitation(session, campaign, language) for campaign in own
    )


def collect_dossier(session: Session, training: TrainingSession, language: str) -> DossierData:
    campaigns = session_campaigns(session, [int(training.id)])
    facts, solicitations = read_part(session, training, campaigns, language)
    complaints, actions = read_register(session, [int(training.id)])
    financer_campaigns, notes = read_financer_years(session, (training.end_date.year,), language)
    return DossierData(
        facts=facts,
        plans=read_plans(session, campaigns, language),
        solicitations=solicitations,
        complaints=complaints,
        actions=actions,
        financer_campaigns=financer_campaigns,
        financer_notes=notes,
    )
