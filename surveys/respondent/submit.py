"""The final submit: one response per invitation, however many times it is called.

It claims the invitation with a conditional UPDATE (`... WHERE status IN answerable`): only
the transaction that changes the row creates a response, whatever the timing. Anonymous
surveys: the response row has no link to the person or the invitation and carries its
campaign's first day, not its own; the sealed draft is deleted; the invitation keeps only
that it was answered (and the day, for the response rate). See `surveys.respondent.anonymity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from surveys.config import paris_day
from surveys.db import checkpoint_after_commit
from surveys.integration.webhook_events import emit_response_submitted
from surveys.models import (
    Answer,
    Invitation,
    NamedResponse,
    OutboundMessage,
    Response,
    ResponseDraft,
    new_uuid,
)
from surveys.respondent.anonymity import store_anonymous_response
from surveys.respondent.drafts import day_start, open_stamp
from surveys.respondent.form import (
    Answers,
    FieldError,
    SurveyForm,
    answer_rows,
    clean_answers,
    first_incomplete_section,
)
from surveys.respondent.links import Database, Link, LinkState, connection_of
from surveys.respondent.opt_out import cancel_messages

ANSWERABLE_STATUSES = ("pending", "sent", "bounced", "failed")
_INVITATION = Invitation.__table__  # type: ignore[attr-defined]
_DRAFT = ResponseDraft.__table__  # type: ignore[attr-defined]


_RESPONSE = Response.__table__  # type: ignore[attr-defined]

_NAMED_RESPONSE = NamedResponse.__table__  # type: ignore[attr-defined]

_ANSWER = Answer.__table__  # type: ignore[attr-defined]

_OUTBOX = OutboundMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SubmitOutcome:
    status: Literal["created", "replaced", "already_completed", "incomplete"]
    section_index: int = 0
    errors: tuple[FieldError, ...] = ()


def _insert_answers(
    connection: sa.Connection, response_id: str, form: SurveyForm, answers: Answers
) -> None:
    rows = [{"response_id": response_id, **row} for row in answer_rows(form, answers)]
    if rows:
        connection.execute(sa.insert(_ANSWER), rows)


def _delete_draft(connection: sa.Connection, invitation_id: int) -> None:
    connection.execute(sa.delete(_DRAFT).where(_DRAFT.c.invitation_id == invitation_id))


def _replace_answers(connection: sa.Connection, link: Link, answers: Answers) -> SubmitOutcome:
    response_id = connection.execute(
        sa.select(_NAMED_RESPONSE.c.response_id).where(
            _NAMED_RESPONSE.c.invitation_id == link.invitation_id
        )
    ).scalar()
    if response_id is None or link.form is None or link.invitation_id is None:
        return SubmitOutcome("already_completed")
    connection.execute(sa.delete(_ANSWER).where(_ANSWER.c.response_id == response_id))
    _insert_answers(connection, response_id, link.form, answers)
    _delete_draft(connection, link.invitation_id)
    return SubmitOutcome("replaced")


def submit_response(
    *, session: Database, link: Link, now: datetime, answers: Answers | None = None
) -> SubmitOutcome:
    """The final submit: one response per invitation, however many times it is called.

    `link` must come from `resolve_link(..., lock=True)` in the same transaction; `answers`
    defaults to the saved draft.
    """
    form, connection = link.form, connection_of(session)
    if form is None or link.invitation_id is None or not link.answerable:
        return SubmitOutcome("already_completed")
    answers = clean_answers(form, link.answers if answers is None else answers)
    incomplete = first_incomplete_section(form, answers)
    if incomplete is not None:
        return SubmitOutcome("incomplete", incomplete[0], tuple(incomplete[1]))
    if link.state is LinkState.COMPLETED:
        return _replace_answers(connection, link, answers)
    claimed = connection.execute(
        sa.update(_INVITATION)
        .where(
            _INVITATION.c.id == link.invitation_id,
            _INVITATION.c.status.in_(ANSWERABLE_STATUSES),
        )
        .values(
            status="completed",
            completed_at=day_start(now) if form.anonymous else now,
            opened_at=sa.func.coalesce(_INVITATION.c.opened_at, open_stamp(link, now)),
        )
    )
    if claimed.rowcount != 1:  # another submit got there first
        return SubmitOutcome("already_completed")
    if form.anonymous:
        response_id = _store_anonymous(connection, link, form, answers)
    else:
        response_id = _store_named(connection, link, form, answers, now)
    _delete_draft(connection, link.invitation_id)
    cancel_messages(connection, _OUTBOX.c.invitation_id == link.invitation_id)
    emit_response_submitted(
        connection,
        campaign_id=link.campaign_id,
        response_id=response_id,
        person_id=link.person_id,
        anonymous=form.anonymous,
        now=now,
    )
    return SubmitOutcome("created")


def _store_named(
    connection: sa.Connection, link: Link, form: SurveyForm, answers: Answers, now: datetime
) -> str:
    response_id = new_uuid()  # random: says nothing about who or when
    connection.execute(
        sa.insert(_RESPONSE).values(
            id=response_id,
            campaign_id=link.campaign_id,
            survey_version_id=link.version_id,
            anonymous=False,
            language=link.language,
            submitted_on=paris_day(now),
        )
    )
    _insert_answers(connection, response_id, form, answers)
    connection.execute(
        sa.insert(_NAMED_RESPONSE).values(
            response_id=response_id,
            invitation_id=link.invitation_id,
            person_id=link.person_id,
            submitted_at=now,
        )
    )
    return response_id


def _store_anonymous(
    connection: sa.Connection, link: Link, form: SurveyForm, answers: Answers
) -> str:
    """No link, no time of its own, the survey's default language (a lone English speaker
    must not be recognisable by it); the sealed draft's old pages leave the WAL after the
    commit."""
    response_id = new_uuid()
    response = {
        "id": response_id,
        "campaign_id": link.campaign_id,
        "survey_version_id": link.version_id,
        "anonymous": True,
        "language": form.languages[0],
        "submitted_on": link.campaign_day,
    }
    rows = [{"response_id": response_id, **row} for row in answer_rows(form, answers)]
    store_anonymous_response(connection, response, rows)
    checkpoint_after_commit(connection)
    return response_id
