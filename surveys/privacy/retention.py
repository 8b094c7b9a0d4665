"""The retention rule and the daily purge.

The rule, stated the same way in the README and the respondents' notice: a person's details
and the link between them and their answers are kept for the organisation's retention period
(`retention_years`, 3 by default) after the end of their last training with the organisation,
or after the last time they were asked for their opinion when that is later; then the person
is anonymised. Anonymous answers and aggregated results are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.audit import record
from surveys.config import paris_day
from surveys.models import Enrolment, Invitation, OrganisationSettings, Person, TrainingSession
from surveys.privacy.common import journal_erasures
from surveys.privacy.erasure import anonymise

DEFAULT_RETENTION_YEARS = 3


@dataclass(frozen=True)
class PurgeReport:
    cutoff: date
    people: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff.isoformat(), "people": len(self.people)}


def retention_years(session: Session) -> int:
    organisation = session.get(OrganisationSettings, 1)
    return organisation.retention_years if organisation else DEFAULT_RETENTION_YEARS


def retention_cutoff(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def people_past_retention(*, session: Session, now: datetime) -> tuple[date, list[int]]:
    """People whose last training ended (or, without training, who were last invited or
    created) more than the retention period ago."""
    cutoff = retention_cutoff(paris_day(now), retention_years(session))
    last_session = (
        select(sa.func.max(TrainingSession.end_date))
        .join(Enrolment, Enrolment.session_id == TrainingSession.id)
        .where(Enrolment.person_id == Person.id)
        .scalar_subquery()
    )
    last_invited = (
        select(sa.func.max(Invitation.created_at))
        .where(Invitation.person_id == Person.id)
        .scalar_subquery()
    )
    people = session.exec(
        select(Person.id, last_session, last_invited, Person.created_at).where(
            Person.erased_at.is_(None)
        )
    ).all()
    due = []
    for person_id, ended, invited, created in people:
        latest = ended or (invited.date() if invited else created.date())
        if invited is not None and ended is not None:
            latest = max(ended, invited.date())
        if latest < cutoff:
            due.append(person_id)
    return cutoff, sorted(due)


def purge_expired(
    *,
    session: Session,
    now: datetime,
    dry_run: bool = False,
    mailbox_dir: Path | None = None,
) -> PurgeReport:
    """Anonymise everyone past the retention period (the daily job and `surveys purge`)."""
    cutoff, due = people_past_retention(session=session, now=now)
    if dry_run:
        return PurgeReport(cutoff, due)
    for person_id in due:
        anonymise(session, session.get(Person, person_id), now=now, mailbox_dir=mailbox_dir)
    journal_erasures(session, due, "retention", now)
    record(
        session,
        actor="system",
        action="retention.purge",
        at=now,
        details={"cutoff": cutoff.isoformat(), "people": len(due)},
    )
    return PurgeReport(cutoff, due)
