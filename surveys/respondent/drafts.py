"""Saving a section into the link's draft, so that no answer is ever lost before the submit.

`link` comes from `resolve_link(..., lock=True)` in the same write transaction. Anonymous
surveys keep their draft sealed (`surveys.respondent.anonymity`) and their times to the day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa

from surveys.config import DISPLAY_TIMEZONE, paris_day
from surveys.models import Invitation, ResponseDraft
from surveys.respondent.anonymity import seal
from surveys.respondent.form import Answers, merge_section
from surveys.respondent.links import Database, Link, connection_of

_INVITATION = Invitation.__table__  # type: ignore[attr-defined]
_DRAFT = ResponseDraft.__table__  # type: ignore[attr-defined]


def day_start(now: datetime) -> datetime:
    """Midnight (Paris) of `now`'s day, in UTC: a time that says only which day."""
    return datetime.combine(paris_day(now), time(0, 0), tzinfo=DISPLAY_TIMEZONE).astimezone(UTC)


# Built once: building a statement costs more than running it on SQLite (the save hot path).
_UPDATE_DRAFT = (
    sa.update(_DRAFT)
    .where(_DRAFT.c.invitation_id == sa.bindparam("draft_invitation"))
    .values(
        answers=sa.bindparam("draft_answers", type_=_DRAFT.c.answers.type),
        current_section=sa.bindparam("draft_section"),
        updated_at=sa.bindparam("draft_updated", type_=_DRAFT.c.updated_at.type),
    )
)

_INSERT_DRAFT = sa.insert(_DRAFT)


def open_stamp(link: Link, now: datetime) -> datetime:
    return day_start(now) if link.form is not None and link.form.anonymous else now


def mark_opened(*, session: Database, link: Link, now: datetime) -> None:
    """Record the first opening (to the day only for anonymous surveys), inside a write."""
    if link.open_recorded or link.invitation_id is None or link.form is None:
        return
    connection_of(session).execute(
        sa.update(_INVITATION)
        .where(_INVITATION.c.id == link.invitation_id, _INVITATION.c.opened_at.is_(None))
        .values(opened_at=open_stamp(link, now))
    )


def save_section(
    *,
    session: Database,
    link: Link,
    section_index: int,
    section_answers: Mapping[str, Any],
    next_section: int,
    now: datetime,
    language: str | None = None,
) -> Answers:
    """Merge one section's answers into the draft and move to `next_section`.

    `link` must come from `resolve_link(..., lock=True)` in the same transaction.
    """
    if link.form is None or link.invitation_id is None or not link.answerable:
        raise ValueError("this link cannot be answered")
    form, connection = link.form, connection_of(session)
    merged = merge_section(form, section_index, link.answers, section_answers)
    section = min(max(next_section, 0), len(form.sections) - 1)
    stored = seal(merged, link.draft_key) if link.draft_key else merged
    updated = day_start(now) if form.anonymous else now
    if link.has_draft:
        connection.execute(
            _UPDATE_DRAFT,
            {
                "draft_invitation": link.invitation_id,
                "draft_answers": stored,
                "draft_section": section,
                "draft_updated": updated,
            },
        )
    else:
        connection.execute(
            _INSERT_DRAFT,
            {
                "invitation_id": link.invitation_id,
                "answers": stored,
                "current_section": section,
                "updated_at": updated,
            },
        )
    mark_opened(session=connection, link=link, now=now)
    if language and language in form.languages and language != link.language:
        connection.execute(
            sa.update(_INVITATION)
            .where(_INVITATION.c.id == link.invitation_id)
            .values(language=language)
        )
    return merged
