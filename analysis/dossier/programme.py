"""The programme dossier: every session of one programme, read and laid out with the session
dossier's own parts (`collect` for the records, `document` for the results, the free comments
and the helpers, `dossier_parts.html` for the tables).

Sessions may be narrowed to those ending in a period (`start`, `end`), as an auditor asks for
the year under review.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from analysis.dossier.collect import (
    Facts,
    Solicitation,
    SubjectRecords,
    read_financer_years,
    read_part,
    read_plans,
    read_register,
    session_campaigns,
)
from analysis.dossier.document import (
    DossierDocument,
    DossierError,
    Subject,
    lay_out,
    solicitation_totals,
)
from analysis.evidence.render import environment
from surveys.config import Settings, paris_day
from surveys.i18n import t
from surveys.improvement.complaints import complaint_row
from surveys.models import (
    Programme,
    TrainingSession,
    utc_now,
)


@dataclass(frozen=True)
class SessionPart:
    facts: Facts
    solicitations: tuple[Solicitation, ...]

    @property
    def totals(self) -> dict[str, Any]:
        return solicitation_totals(self.solicitations)


@dataclass(frozen=True)
class ProgrammeData(SubjectRecords):
    code: str
    name: str
    sessions: tuple[SessionPart, ...]

    @property
    def solicitations(self) -> tuple[Solicitation, ...]:
        return tuple(s for part in self.sessions for s in part.solicitations)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({part.facts.end.year for part in self.sessions}))


def programme_sessions(
    session: Session, programme: Programme, start: date | None, end: date | None
) -> list[TrainingSession]:
    """The programme's sessions ending between `start` and `end` (either open), in date order."""
    statement = select(TrainingSession).where(TrainingSession.programme_id == programme.id)
    if start is not None:
        statement = statement.where(TrainingSession.end_date >= start)
    if end is not None:
        statement = statement.where(TrainingSession.end_date <= end)
    return list(session.exec(statement.order_by(TrainingSession.start_date, TrainingSession.code)))


def collect_programme(
    session: Session, programme: Programme, trainings: list[TrainingSession], language: str
) -> ProgrammeData:
    """What the dossier of `programme` shows over its sessions `trainings` (as
    `collect_dossier` reads one session)."""
    ids = [int(training.id) for training in trainings]
    campaigns = session_campaigns(session, ids)
    parts = tuple(
        SessionPart(*read_part(session, training, campaigns, language)) for training in trainings
    )
    complaints, actions = read_register(session, ids)
    years = tuple(sorted({training.end_date.year for training in trainings}))
    financer = read_financer_years(session, years, language) if years else ((), ())
    return ProgrammeData(
        code=programme.code,
        name=programme.name,
        sessions=parts,
        plans=read_plans(session, campaigns, language),
        complaints=complaints,
        actions=actions,
        financer_campaigns=financer[0],
        financer_notes=financer[1],
    )


def by_audience(solicitations: tuple[Solicitation, ...]) -> list[dict[str, Any]]:
    """The programme's solicitations summed per audience and timing, in the order met."""
    groups: dict[tuple[str, str], list[Solicitation]] = {}
    for item in solicitations:
        groups.setdefault((item.audience, item.timing), []).append(item)
    return [
        {"audience": audience, "timing": timing, "campaigns": len(items)}
        | solicitation_totals(items)
        for (audience, timing), items in groups.items()
    ]


def _statuses(data: ProgrammeData) -> Counter[str]:
    counts: Counter[str] = Counter()
    for part in data.sessions:
        counts.update(part.facts.statuses)
    return counts


def _heading(data: ProgrammeData, language: str) -> str:
    title = f"{data.name} ({data.code})" if data.name else data.code
    return t("analysis.dossier.programme_heading", language, title=title)


def render_programme_html(data: ProgrammeData, context: dict[str, Any]) -> str:
    parts = data.sessions
    return (
        environment()
        .get_template("programme_dossier.html")
        .render(
            data=data,
            heading=_heading(data, context["lang"]),
            first=min((part.facts.start for part in parts), default=None),
            last=max((part.facts.end for part in parts), default=None),
            learners=sum(part.facts.learners for part in parts),
            learner_statuses=_statuses(data),
            audiences=by_audience(data.solicitations),
            totals=solicitation_totals(data.solicitations),
            complaints=[complaint_row(item) for item in data.complaints],
            **context,
        )
    )


def build_programme_dossier(
    *,
    engine: sa.Engine,
    settings: Settings,
    code: str,
    language: str = "fr",
    generated: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> DossierDocument:
    """Read and lay out the dossier of the programme `code` (its sessions ending between
    `start` and `end` when given), or DossierError."""

    def read(session: Session) -> Subject:
        programme = session.exec(select(Programme).where(Programme.code == code)).first()
        if programme is None:
            raise DossierError(t("analysis.dossier.no_programme", language, code=code))
        trainings = programme_sessions(session, programme, start, end)
        data = collect_programme(session, programme, trainings, language)
        last = max((part.facts.end for part in data.sessions), default=None)
        day = generated or last or paris_day(utc_now())
        title = _heading(data, language)
        return Subject("programme", data, data.solicitations, title, day, render_programme_html)

    return lay_out(engine, settings, code, language, read)
