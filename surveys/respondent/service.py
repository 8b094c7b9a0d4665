"""The database side of answering: resolve a link, save a section, submit once, opt out.

Every write locks the invitation row first (`FOR UPDATE` on PostgreSQL; on SQLite the write
transaction starts with `BEGIN IMMEDIATE` and so already holds the database's write lock, see
`surveys.db`), then re-reads the link's state, so two tabs or a double click are serialised.
The final submit claims the invitation with a conditional UPDATE (`... WHERE status IN
answerable`): only the transaction that changes the row creates a response, whatever the
timing.

Functions take `session`: an ORM session or a plain connection (the answer routes use a
connection: less overhead on their hot path). Statements are SQLAlchemy Core.

Anonymous surveys: the response row has no link to the person or the invitation and carries
its campaign's first day, not its own; the draft is sealed with a key derived from the link
and deleted on submit; the invitation keeps only that it was answered (and the day, for the
response rate), which no response can be matched with. See `surveys.respondent.anonymity`.

Opening a link writes nothing: a GET never waits for the write lock. The first opening is
stamped by the link's first write (a saved section or the submit).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from threading import Lock
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.audit import record
from surveys.config import DISPLAY_TIMEZONE
from surveys.db import checkpoint_after_commit
from surveys.models import (
    Answer,
    Campaign,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    OutboundMessage,
    Person,
    Response,
    ResponseDraft,
    SurveyVersion,
    new_uuid,
)
from surveys.respondent.anonymity import (
    campaign_day,
    draft_key,
    seal,
    store_anonymous_response,
    unseal,
)
from surveys.respondent.form import (
    Answers,
    FieldError,
    SurveyForm,
    answer_rows,
    answers_from_rows,
    build_form,
    clean_answers,
    first_incomplete_section,
    merge_section,
)
from surveys.tokens import hash_token, looks_like_token
from surveys.webhook_events import emit_response_submitted

PARIS = DISPLAY_TIMEZONE
ANSWERABLE_STATUSES = ("pending", "sent", "bounced", "failed")
CANCELLABLE_MESSAGE_STATUSES = ("pending", "retry")
FORM_CACHE_SIZE = 256


class LinkState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    CLOSED = "closed"
    OPTED_OUT = "opted_out"


@dataclass(frozen=True)
class OrganisationInfo:
    """What the respondent's pages say about the organisation (contact, data notice)."""

    name: str = ""
    contact_email: str = ""
    support_email: str = ""
    support_phone: str = ""
    privacy_contact: str = ""
    address: str = ""
    retention_years: int = 3
    small_group_min: int = 5  # the results pages' small-group threshold (data notice)

    @property
    def privacy_email(self) -> str:
        return self.privacy_contact or self.contact_email


_INVITATION = Invitation.__table__  # type: ignore[attr-defined]
_CAMPAIGN = Campaign.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]
_DRAFT = ResponseDraft.__table__  # type: ignore[attr-defined]
_ORGANISATION = OrganisationSettings.__table__  # type: ignore[attr-defined]
_ORGANISATION_COLUMNS = (
    _ORGANISATION.c.name,
    _ORGANISATION.c.contact_email,
    _ORGANISATION.c.support_email,
    _ORGANISATION.c.support_phone,
    _ORGANISATION.c.privacy_contact,
    _ORGANISATION.c.address,
    _ORGANISATION.c.retention_years,
    _ORGANISATION.c.small_group_min,
)


def _organisation_from(row: Any) -> OrganisationInfo:
    if row is None or row.name is None:
        return OrganisationInfo()
    return OrganisationInfo(
        name=row.name,
        contact_email=row.contact_email,
        support_email=row.support_email,
        support_phone=row.support_phone,
        privacy_contact=row.privacy_contact,
        address=row.address,
        retention_years=row.retention_years,
        small_group_min=row.small_group_min,
    )


Database = Session | sa.Connection  # read functions take either (routes read on a connection)


def _connection(database: Database) -> sa.Connection:
    return database.connection() if isinstance(database, Session) else database


def organisation_info(session: Database) -> OrganisationInfo:
    statement = sa.select(*_ORGANISATION_COLUMNS).where(_ORGANISATION.c.id == 1)
    return _organisation_from(_connection(session).execute(statement).first())


@dataclass(frozen=True)
class Link:
    """What an answer link leads to, as read in one transaction."""

    state: LinkState
    invitation_id: int | None = None
    campaign_id: int | None = None
    version_id: int | None = None
    person_id: int | None = None
    language: str = "fr"
    form: SurveyForm | None = None
    answers: Answers = field(default_factory=dict)
    current_section: int = 0
    has_draft: bool = False
    opened: bool = True  # always: a GET has nothing to write (see `open_recorded`)
    open_recorded: bool = True  # the first opening is stamped by the link's first write
    campaign_day: date | None = None
    draft_key: bytes | None = field(default=None, repr=False)  # anonymous surveys only
    editable: bool = False  # completed, named, the survey allows changes, campaign still open
    closes_at: datetime | None = None
    organisation: OrganisationInfo = field(default_factory=OrganisationInfo)

    @property
    def editing(self) -> bool:
        """A submitted response is being changed (a draft exists again)."""
        return self.state is LinkState.COMPLETED and self.editable and self.has_draft

    @property
    def answerable(self) -> bool:
        return self.state is LinkState.OPEN or (self.state is LinkState.COMPLETED and self.editable)


_forms: OrderedDict[tuple[Any, int], SurveyForm] = OrderedDict()
_forms_lock = Lock()


def version_form(session: Database, version_id: int) -> SurveyForm:
    """The form of a version; versions are frozen, so it is built once per database (the
    engine's connection pool identifies the database)."""
    connection = _connection(session)
    key = (connection.engine.pool, version_id)
    with _forms_lock:
        if key in _forms:
            _forms.move_to_end(key)
            return _forms[key]
    version = connection.execute(
        sa.select(SurveyVersion.definition, SurveyVersion.anonymous).where(
            SurveyVersion.id == version_id
        )
    ).first()
    if version is None:
        raise LookupError(f"survey version {version_id} does not exist")
    form = build_form(version.definition, anonymous=version.anonymous)
    with _forms_lock:
        _forms[key] = form
        while len(_forms) > FORM_CACHE_SIZE:
            _forms.popitem(last=False)
    return form


def _link_statement(*, lock: bool) -> sa.Select:
    """Everything a link's page needs, in one query (the answer page's hot path)."""
    statement = (
        sa.select(
            _INVITATION.c.id,
            _INVITATION.c.status,
            _INVITATION.c.language,
            _INVITATION.c.person_id,
            _INVITATION.c.opened_at,
            _CAMPAIGN.c.id.label("campaign_id"),
            _CAMPAIGN.c.status.label("campaign_status"),
            _CAMPAIGN.c.closes_at,
            _CAMPAIGN.c.scheduled_at,
            _CAMPAIGN.c.survey_version_id,
            _PERSON.c.erased_at,
            _DRAFT.c.id.label("draft_id"),
            _DRAFT.c.answers,
            _DRAFT.c.current_section,
            *_ORGANISATION_COLUMNS,
        )
        .select_from(
            _INVITATION.join(_CAMPAIGN, _CAMPAIGN.c.id == _INVITATION.c.campaign_id)
            .outerjoin(_PERSON, _PERSON.c.id == _INVITATION.c.person_id)
            .outerjoin(_DRAFT, _DRAFT.c.invitation_id == _INVITATION.c.id)
            .outerjoin(_ORGANISATION, _ORGANISATION.c.id == 1)
        )
        .where(_INVITATION.c.token_hash == sa.bindparam("token_hash"))
    )
    return statement.with_for_update(of=_INVITATION) if lock else statement


_READ_LINK = _link_statement(lock=False)
_LOCK_LINK = _link_statement(lock=True)


def _state(row: Any, now: datetime) -> LinkState:
    if row.status == "opted_out":
        return LinkState.OPTED_OUT
    if row.status == "completed":
        return LinkState.COMPLETED
    if row.campaign_status == "closed":
        return LinkState.CLOSED
    if now >= row.closes_at:
        return LinkState.EXPIRED
    return LinkState.OPEN


def _find(session: Database, token: str, *, lock: bool) -> Any:
    if not looks_like_token(token):
        return None
    statement = _LOCK_LINK if lock else _READ_LINK
    return _connection(session).execute(statement, {"token_hash": hash_token(token)}).first()


def submitted_answers(session: Database, invitation_id: int, form: SurveyForm) -> Answers:
    """The answers of a named invitation's submitted response (empty when there is none)."""
    rows = (
        _connection(session)
        .execute(
            sa.select(Answer.question_id, Answer.number, Answer.text)
            .join(NamedResponse, NamedResponse.response_id == Answer.response_id)
            .where(NamedResponse.invitation_id == invitation_id)
            .order_by(Answer.id)
        )
        .all()
    )
    return answers_from_rows(form, [tuple(row) for row in rows])


def resolve_link(*, session: Database, token: str, now: datetime, lock: bool = False) -> Link:
    """The state of the link holding `token`, with the organisation's details; `lock=True`
    inside a write transaction (locks the invitation row)."""
    row = _find(session, token, lock=lock)
    if row is None or row.erased_at is not None:
        return Link(LinkState.UNKNOWN, organisation=organisation_info(session))
    state = _state(row, now)
    base = Link(
        state,
        invitation_id=row.id,
        campaign_id=row.campaign_id,
        version_id=row.survey_version_id,
        person_id=row.person_id,
        language=row.language,
        closes_at=row.closes_at,
        campaign_day=campaign_day(row.scheduled_at),
        organisation=_organisation_from(row),
    )
    if state not in (LinkState.OPEN, LinkState.COMPLETED):
        return base
    form = version_form(session, row.survey_version_id)
    campaign_open = row.campaign_status != "closed" and now < row.closes_at
    editable = (
        state is LinkState.COMPLETED
        and form.allow_edit_after_submit
        and not form.anonymous
        and campaign_open
    )
    if state is LinkState.COMPLETED and not editable:
        return replace(base, form=form)
    has_draft = row.draft_id is not None
    key = draft_key(token) if form.anonymous else None
    if has_draft:
        answers, section = clean_answers(form, unseal(row.answers, key)), row.current_section
    elif editable:
        answers, section = submitted_answers(session, row.id, form), 0
    else:
        answers, section = {}, 0
    return replace(
        base,
        form=form,
        answers=answers,
        has_draft=has_draft,
        current_section=min(max(section, 0), len(form.sections) - 1),
        open_recorded=row.opened_at is not None,
        editable=editable,
        draft_key=key,
        language=form.language_or_default(row.language),
    )


def day_start(now: datetime) -> datetime:
    """Midnight (Paris) of `now`'s day, in UTC: a time that says only which day."""
    local_day = now.astimezone(PARIS).date()
    return datetime.combine(local_day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


def paris_date(now: datetime) -> date:
    return now.astimezone(PARIS).date()


_RESPONSE = Response.__table__  # type: ignore[attr-defined]
_NAMED_RESPONSE = NamedResponse.__table__  # type: ignore[attr-defined]
_ANSWER = Answer.__table__  # type: ignore[attr-defined]
_OUTBOX = OutboundMessage.__table__  # type: ignore[attr-defined]
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


def _open_stamp(link: Link, now: datetime) -> datetime:
    return day_start(now) if link.form is not None and link.form.anonymous else now


def mark_opened(*, session: Database, link: Link, now: datetime) -> None:
    """Record the first opening (to the day only for anonymous surveys), inside a write."""
    if link.open_recorded or link.invitation_id is None or link.form is None:
        return
    _connection(session).execute(
        sa.update(_INVITATION)
        .where(_INVITATION.c.id == link.invitation_id, _INVITATION.c.opened_at.is_(None))
        .values(opened_at=_open_stamp(link, now))
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
    form, connection = link.form, _connection(session)
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


def _cancel_messages(connection: sa.Connection, invitation_ids: sa.ColumnElement[bool]) -> int:
    result = connection.execute(
        sa.update(_OUTBOX)
        .where(invitation_ids, _OUTBOX.c.status.in_(CANCELLABLE_MESSAGE_STATUSES))
        .values(status="cancelled")
    )
    return result.rowcount or 0


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
    form, connection = link.form, _connection(session)
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
            opened_at=sa.func.coalesce(_INVITATION.c.opened_at, _open_stamp(link, now)),
        )
    )
    if claimed.rowcount != 1:  # another submit got there first
        return SubmitOutcome("already_completed")
    if form.anonymous:
        response_id = _store_anonymous(connection, link, form, answers)
    else:
        response_id = _store_named(connection, link, form, answers, now)
    _delete_draft(connection, link.invitation_id)
    _cancel_messages(connection, _OUTBOX.c.invitation_id == link.invitation_id)
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
            submitted_on=paris_date(now),
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


def _invitation_for_update(session: Session, token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    return session.exec(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def opt_out(
    *,
    session: Session,
    now: datetime,
    token: str | None = None,
    invitation: Invitation | None = None,
) -> Invitation | None:
    """Stop every survey email to the link's person: person opted out, this invitation marked
    opted out (unless already answered), pending emails of all their invitations cancelled.

    Returns the invitation, or None for an unknown token. Idempotent.
    """
    if invitation is None:
        invitation = _invitation_for_update(session, token or "")
    if invitation is None:
        return None
    person = session.get(Person, invitation.person_id) if invitation.person_id else None
    if person is not None and person.erased_at is not None:
        return None
    if person is not None and person.opted_out_at is None:
        person.opted_out_at = now
        session.add(person)
        record(
            session,
            actor="respondent",
            action="person.opt_out",
            target=f"person:{person.id}",
            at=now,
        )
    if invitation.status not in ("completed", "opted_out"):
        invitation.status = "opted_out"
        session.add(invitation)
    scope = (
        OutboundMessage.invitation_id.in_(
            select(Invitation.id).where(Invitation.person_id == person.id)
        )
        if person is not None
        else OutboundMessage.invitation_id == invitation.id
    )
    _cancel_messages(session.connection(), scope)
    session.flush()
    return invitation


def unsubscribe_status(*, session: Database, token: str) -> tuple[bool, str] | None:
    """For the unsubscribe page: None for an unknown link, else (opted out?, language)."""
    row = _find(session, token, lock=False)
    if row is None or row.erased_at is not None:
        return None
    opted_out = (
        row.status == "opted_out"
        or session.exec(select(Person.opted_out_at).where(Person.id == row.person_id)).first()
        is not None
    )
    return opted_out, row.language
