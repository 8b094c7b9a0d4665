"""`load_demo`: the whole demo organisation in an empty database, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from question_banks.loader import load_catalog
from surveys.audit import record
from surveys.campaigns import session_campaign_key
from surveys.config import paris_day
from surveys.demo.answers import WEAK_TRAINER_EMAIL
from surveys.demo.builder import Builder
from surveys.demo.campaigns import (
    Context,
    add_campaign,
    financer_campaign,
    run_campaign,
    session_start,
)
from surveys.demo.dropouts import Dropouts, choose_dropouts, record_completion
from surveys.demo.improvement import improvement_loop
from surveys.demo.organisation import create_staff, set_up_organisation
from surveys.demo.people import people_rows
from surveys.demo.plans import DemoPlan, PlanKey, publish_and_plan
from surveys.demo.scale import STANDARD, DemoScale, Programme, programmes
from surveys.demo.sessions import (
    Cast,
    casts,
    enrolment_rows,
    session_dates,
    session_rows,
    session_sizes,
)
from surveys.models import Enrolment, Person, TrainingSession
from surveys.models import Programme as ProgrammeRow

SESSION_TEMPLATES = ("learner_hot", "trainer_debrief", "learner_cold", "company_cold")
DROPOUT_TEMPLATE = "learner_dropout"
ALREADY_LOADED = (
    "La base contient déjà des données : la démonstration n'a pas été chargée une seconde "
    "fois (rien n'a été modifié). Utilisez une base vide pour la recharger."
)


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    staff_accounts: list[tuple[str, str, str]] = field(default_factory=list)


class DemoAlreadyLoaded(RuntimeError):
    """The database already holds data: the demo refuses to add a second organisation."""


@dataclass
class _Organisation:
    """The ids created so far, by kind, and what each session's campaigns need."""

    programmes: list[Programme]
    programme_ids: dict[str, int]
    person_ids: dict[str, list[int]]
    languages: dict[str, list[str]]
    plans: dict[PlanKey, DemoPlan]
    weak_trainer: int


def _programmes(builder: Builder, scale: DemoScale) -> tuple[list[Programme], dict[str, int]]:
    listed = programmes(scale)
    rows = [
        {"code": p.code, "name": p.name, "kind": p.kind, "created_at": builder.now} for p in listed
    ]
    ids = builder.add(ProgrammeRow, rows)
    return listed, dict(zip([p.code for p in listed], ids, strict=True))


def _organisation(builder: Builder, scale: DemoScale) -> _Organisation:
    set_up_organisation(builder.session)
    catalog = load_catalog()
    listed, programme_ids = _programmes(builder, scale)
    people = people_rows(builder.rng, builder.now, scale)
    trainers = people["trainer"]
    return _Organisation(
        programmes=listed,
        programme_ids=programme_ids,
        person_ids={kind: builder.add(Person, rows) for kind, rows in people.items()},
        languages={kind: [row["language"] for row in rows] for kind, rows in people.items()},
        plans=publish_and_plan(
            builder.session, catalog, programme_ids, anonymous=scale.anonymous_templates
        ),
        weak_trainer=next(
            i for i, row in enumerate(trainers) if row["email"] == WEAK_TRAINER_EMAIL
        ),
    )


def _template_for(template_id: str, programme: Programme) -> str:
    if template_id == "learner_cold" and programme.kind == "skills_assessment":
        return "learner_cold_skills_assessment"
    return template_id


def _session_campaign(
    builder: Builder,
    org: _Organisation,
    plan: DemoPlan,
    session: tuple[int, str, date],
    scheduled: datetime,
    members: list[int],
    context: Context,
) -> None:
    """One campaign of a session, invited to `members` (their places in the plan's audience)
    and run to today."""
    session_id, session_code, _ = session
    campaign_id = add_campaign(
        builder,
        session_campaign_key(plan.plan_id, session_id),
        plan,
        label=f"{plan.title} – {session_code}",
        scheduled=scheduled,
        session_id=session_id,
    )
    audience = plan.audience
    invited = [(org.person_ids[audience][i], org.languages[audience][i]) for i in members]
    run_campaign(builder, campaign_id, plan, invited, scheduled=scheduled, context=context)


def _dropout_campaign(
    builder: Builder,
    org: _Organisation,
    programme: Programme,
    session: tuple[int, str, date],
    dropouts: Dropouts,
) -> None:
    """The dropout survey of a session's dropouts, sent three days after they left."""
    if not dropouts.learners or dropouts.left_on is None:
        return
    plan = org.plans[(programme.code, DROPOUT_TEMPLATE)]  # a learner survey
    scheduled = session_start(plan, dropouts.left_on)
    if scheduled > builder.now:
        return
    context = Context(programme=programme.base, weak_trainer=False)
    _session_campaign(builder, org, plan, session, scheduled, list(dropouts.learners), context)


def _session_campaigns(
    builder: Builder,
    org: _Organisation,
    index: int,
    session: tuple[int, str, date],
    cast: Cast,
    dropouts: Dropouts,
) -> None:
    """The campaigns of one session whose time has come, each run to today (the learners who
    dropped out get the dropout survey instead of the hot and cold ones)."""
    end = session[2]
    programme = org.programmes[index % len(org.programmes)]
    stayed = [i for i in cast.learners if i not in dropouts.learners]
    audiences = {"learner": stayed, "trainer": cast.trainers, "company": [cast.company]}
    context = Context(programme=programme.base, weak_trainer=org.weak_trainer in cast.trainers)
    _dropout_campaign(builder, org, programme, session, dropouts)
    for generic in SESSION_TEMPLATES:
        template_id = _template_for(generic, programme)
        plan = org.plans[(programme.code, template_id)]
        scheduled = session_start(plan, end)
        if scheduled > builder.now:
            continue  # still to be sent: the dispatcher's work on a fresh install
        members = audiences[plan.audience]
        _session_campaign(builder, org, plan, session, scheduled, members, context)


def _sessions(
    builder: Builder, org: _Organisation, scale: DemoScale, today: date
) -> tuple[list[int], dict[int, list[tuple[int, date]]]]:
    """The sessions, their enrolments and campaigns; and who dropped out of each, when."""
    dates = session_dates(today, scale)
    rows = session_rows(dates, org.programmes, org.programme_ids, builder.now)
    session_ids = builder.add(TrainingSession, rows)
    enrolments, dropped = [], {}
    for index, cast in enumerate(casts(session_sizes(builder.rng, scale), scale)):
        session_id = session_ids[index]
        enrolments += enrolment_rows(cast, session_id, org.person_ids, builder.now)
        start, end = dates[index]
        dropouts = choose_dropouts(builder.rng, cast.learners, start, end, today)
        if dropouts.learners and dropouts.left_on is not None:
            dropped[session_id] = [
                (org.person_ids["learner"][i], dropouts.left_on) for i in dropouts.learners
            ]
        session = (session_id, rows[index]["code"], end)
        _session_campaigns(builder, org, index, session, cast, dropouts)
    builder.add_without_ids(Enrolment, enrolments, counted=True)
    return session_ids, dropped


def refuse_a_second_load(session: Session) -> None:
    if session.exec(select(ProgrammeRow.id).limit(1)).first() is not None:
        raise DemoAlreadyLoaded(ALREADY_LOADED)


def load_demo(
    *, session: Session, now: datetime, session_secret: str, scale: DemoScale = STANDARD
) -> DemoSummary:
    """Create the demo organisation in an empty database (refuses a non-empty one)."""
    refuse_a_second_load(session)
    builder = Builder(session, now=now, session_secret=session_secret)
    org = _organisation(builder, scale)
    today = paris_day(now)
    session_ids, dropped = _sessions(builder, org, scale, today)
    financer_campaign(
        builder, org.plans[(None, "financer_annual")], org.person_ids, org.languages, today
    )
    builder.flush_answers()
    record_completion(session, today=today, dropped=dropped)
    improvement_loop(
        session,
        now=now,
        learners=org.person_ids["learner"],
        financers=org.person_ids["financer"],
        sessions=session_ids,
    )
    staff = create_staff(session)
    record(
        session, actor="demo", action="demo.load", details={"scale": scale.name, **builder.counts}
    )
    return DemoSummary(counts=builder.counts, staff_accounts=staff)
