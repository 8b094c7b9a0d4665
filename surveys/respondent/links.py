"""Resolving an answer link: one query reads the invitation, its campaign, the person, the
draft and the organisation (the answer page's hot path), then `resolve_link` says what the
link leads to. Opening a link writes nothing: a GET never waits for the write lock; the
first opening is stamped by the link's first write (`surveys.respondent.drafts`).

Functions take `session`: an ORM session or a plain connection (the answer routes use a
connection: less overhead on their hot path). Statements are SQLAlchemy Core.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from surveys.memo import Memo
from surveys.models import (
    Answer,
    Campaign,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    Person,
    ResponseDraft,
    SurveyVersion,
)
from surveys.respondent.anonymity import campaign_day, draft_key, unseal
from surveys.respondent.form import (
    Answers,
    SurveyForm,
    answers_from_rows,
    build_form,
    clean_answers,
)
from surveys.tokens import hash_token, looks_like_token

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

_ORGANISATION_FIELDS = tuple(item.name for item in fields(OrganisationInfo))

_ORGANISATION_COLUMNS = tuple(_ORGANISATION.c[name] for name in _ORGANISATION_FIELDS)


def _organisation_from(row: Any) -> OrganisationInfo:
    if row is None or row.name is None:
        return OrganisationInfo()
    return OrganisationInfo(**{name: getattr(row, name) for name in _ORGANISATION_FIELDS})


Database = Session | sa.Connection  # read functions take either (routes read on a connection)


def connection_of(database: Database) -> sa.Connection:
    return database.connection() if isinstance(database, Session) else database


def organisation_info(session: Database) -> OrganisationInfo:
    statement = sa.select(*_ORGANISATION_COLUMNS).where(_ORGANISATION.c.id == 1)
    return _organisation_from(connection_of(session).execute(statement).first())


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


_forms: Memo[SurveyForm] = Memo(FORM_CACHE_SIZE)


def version_form(session: Database, version_id: int) -> SurveyForm:
    """The form of a version; versions are frozen, so it is built once per database (the
    engine's connection pool identifies the database)."""
    connection = connection_of(session)

    def build() -> SurveyForm:
        version = connection.execute(
            sa.select(SurveyVersion.definition, SurveyVersion.anonymous).where(
                SurveyVersion.id == version_id
            )
        ).first()
        if version is None:
            raise LookupError(f"survey version {version_id} does not exist")
        return build_form(version.definition, anonymous=version.anonymous)

    return _forms.get((connection.engine.pool, version_id), build)


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


def find_link_row(session: Database, token: str, *, lock: bool) -> Any:
    if not looks_like_token(token):
        return None
    statement = _LOCK_LINK if lock else _READ_LINK
    return connection_of(session).execute(statement, {"token_hash": hash_token(token)}).first()


def submitted_answers(session: Database, invitation_id: int, form: SurveyForm) -> Answers:
    """The answers of a named invitation's submitted response (empty when there is none)."""
    rows = (
        connection_of(session)
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
    row = find_link_row(session, token, lock=lock)
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
