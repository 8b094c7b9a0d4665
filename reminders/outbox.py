"""The outbox in SQL: claiming due rows, marking them, recording what happened. No decisions
here (they are in `reminders.policy` and `reminders.dispatcher`), only statements, each built
once: building a SQLAlchemy statement costs more than running it on SQLite."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from reminders.policy import Recipient
from surveys.db import write_connection
from surveys.models import Campaign, Invitation, OutboundMessage, Person

log = logging.getLogger("reminders.outbox")

OUTBOX = OutboundMessage.__table__  # type: ignore[attr-defined]
INVITATIONS = Invitation.__table__  # type: ignore[attr-defined]
PEOPLE = Person.__table__  # type: ignore[attr-defined]
CAMPAIGNS = Campaign.__table__  # type: ignore[attr-defined]
CLAIMABLE = ("pending", "retry")

# Parameters are bound by name at execution.
_MINE = sa.and_(
    OUTBOX.c.id == sa.bindparam("b_id"),
    OUTBOX.c.claimed_by == sa.bindparam("b_worker"),
    sa.or_(*(OUTBOX.c.status == status for status in CLAIMABLE)),  # no IN list to expand
)
MARK_SENDING = (
    sa.update(OUTBOX)
    .where(_MINE)
    .values(
        status="sending",
        attempts=OUTBOX.c.attempts + 1,
        claimed_at=sa.bindparam("b_now"),
        message_id=sa.bindparam("b_message_id"),
    )
)
RELEASE_ONE = sa.update(OUTBOX).where(_MINE).values(claimed_by=None)
COUNT_ATTEMPT = sa.update(OUTBOX).where(_MINE).values(attempts=OUTBOX.c.attempts + 1)
CANCEL_ONE = (
    sa.update(OUTBOX).where(_MINE).values(status="cancelled", last_error=sa.bindparam("b_reason"))
)
RECORD_SENT = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == sa.bindparam("b_id"))
    .values(status="sent", sent_at=sa.bindparam("b_now"), last_error=None)
)
INVITATION_SENT = (
    sa.update(INVITATIONS)
    .where(INVITATIONS.c.id == sa.bindparam("b_invitation"))
    .values(
        sent_at=sa.func.coalesce(INVITATIONS.c.sent_at, sa.bindparam("b_now")),
        status=sa.case(
            (INVITATIONS.c.status.in_(("pending", "failed")), "sent"), else_=INVITATIONS.c.status
        ),
    )
)
INVITATION_REMINDED = (
    sa.update(INVITATIONS)
    .where(INVITATIONS.c.id == sa.bindparam("b_invitation"))
    .values(reminder_count=INVITATIONS.c.reminder_count + 1, last_reminded_at=sa.bindparam("b_now"))
)


# PostgreSQL: the previous message's `sent` and this one's `sending` in ONE statement (two
# data-modifying CTEs and the main UPDATE), so one round trip per message in autocommit.
_PREVIOUS_SENT = (
    sa.update(OUTBOX)
    .where(OUTBOX.c.id == sa.bindparam("p_id"))
    .values(status="sent", sent_at=sa.bindparam("p_now"), last_error=None)
    .cte("previous_sent")
)


MARK_SENDING_AFTER_SENT = {
    kind: MARK_SENDING.returning(OUTBOX.c.id)
    .add_cte(_PREVIOUS_SENT)
    .add_cte(
        sa.update(INVITATIONS)
        .where(INVITATIONS.c.id == sa.bindparam("p_invitation"))
        .values(**values)
        .cte("previous_invitation")
    )
    for kind, values in {
        "invitation": {
            "sent_at": sa.func.coalesce(INVITATIONS.c.sent_at, sa.bindparam("p_now")),
            "status": sa.case(
                (
                    sa.or_(INVITATIONS.c.status == "pending", INVITATIONS.c.status == "failed"),
                    "sent",
                ),
                else_=INVITATIONS.c.status,
            ),
        },
        "reminder": {
            "reminder_count": INVITATIONS.c.reminder_count + 1,
            "last_reminded_at": sa.bindparam("p_now"),
        },
    }.items()
}
MARK_SENDING_ALONE = MARK_SENDING.returning(OUTBOX.c.id)


class _Prepared:
    """A PostgreSQL statement compiled once, then run on the driver's own connection as a
    prepared statement. The dispatcher runs one per message, in a thread beside the SMTP
    exchange: through SQLAlchemy's execution it cost 0.21 ms of interpreter time (held from
    the sending thread), here 0.07 ms, and 0.44 ms -> 0.24 ms of wall time (measured on
    this machine, 3,000 statements). Its parameters have no expanding IN list."""

    def __init__(self, statement: sa.UpdateBase) -> None:
        self.statement = statement
        self.compiled: sa.sql.compiler.Compiled | None = None

    def returns_a_row(self, db: sa.Connection, parameters: dict[str, Any]) -> bool:
        if self.compiled is None:
            self.compiled = self.statement.compile(dialect=db.dialect)
        driver = db.connection.driver_connection  # in autocommit, as `db` is
        values = self.compiled.construct_params(parameters)
        return driver.execute(self.compiled.string, values, prepare=True).fetchone() is not None


PREPARED_SENDING_ALONE = _Prepared(MARK_SENDING_ALONE)
PREPARED_SENDING_AFTER_SENT = {
    kind: _Prepared(statement) for kind, statement in MARK_SENDING_AFTER_SENT.items()
}


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    kind: str
    sequence: int
    attempts: int
    invitation_id: int
    token_salt: str
    language: str
    first_name: str
    last_name: str
    closes_at: datetime
    plan_id: int | None
    survey_version_id: int


@dataclass(frozen=True)
class RecipientFacts:
    """What the refusal rules need (`reminders.policy`), read when the message is claimed."""

    email: str | None
    erased_at: datetime | None
    opted_out_at: datetime | None
    bounced_at: datetime | None
    invitation_status: str
    campaign_status: str
    campaign_closes_at: datetime

    def recipient(self) -> Recipient:
        return Recipient(
            has_email=bool(self.email),
            erased=self.erased_at is not None,
            opted_out=self.opted_out_at is not None,
            bounced=self.bounced_at is not None,
            invitation_status=self.invitation_status,
            campaign_status=self.campaign_status,
            campaign_closes_at=self.campaign_closes_at,
        )


Claim = tuple[ClaimedMessage, RecipientFacts]
CLAIMED_MESSAGE_COLUMNS = (
    OUTBOX.c.id,
    OUTBOX.c.kind,
    OUTBOX.c.sequence,
    OUTBOX.c.attempts,
    INVITATIONS.c.id,
    INVITATIONS.c.token_salt,
    INVITATIONS.c.language,
    PEOPLE.c.first_name,
    PEOPLE.c.last_name,
    CAMPAIGNS.c.closes_at,
    CAMPAIGNS.c.plan_id,
    CAMPAIGNS.c.survey_version_id,
)
RECIPIENT_FACT_COLUMNS = (
    PEOPLE.c.email,
    PEOPLE.c.erased_at,
    PEOPLE.c.opted_out_at,
    PEOPLE.c.bounced_at,
    INVITATIONS.c.status,
    CAMPAIGNS.c.status,
    CAMPAIGNS.c.closes_at,
)
CLAIMED = (
    sa.select(*CLAIMED_MESSAGE_COLUMNS, *RECIPIENT_FACT_COLUMNS)
    .join(INVITATIONS, INVITATIONS.c.id == OUTBOX.c.invitation_id)
    .join(PEOPLE, PEOPLE.c.id == INVITATIONS.c.person_id)
    .join(CAMPAIGNS, CAMPAIGNS.c.id == INVITATIONS.c.campaign_id)
)


write_transaction = write_connection  # kept name: a short Core write transaction


def _claimable(now: datetime, lease_seconds: float, campaign_id: int | None) -> sa.Select:
    expired = now - timedelta(seconds=lease_seconds)
    query = (
        sa.select(OUTBOX.c.id)
        .join(INVITATIONS, INVITATIONS.c.id == OUTBOX.c.invitation_id)
        .join(CAMPAIGNS, CAMPAIGNS.c.id == INVITATIONS.c.campaign_id)
        .where(
            OUTBOX.c.status.in_(CLAIMABLE),
            OUTBOX.c.due_at <= now,
            sa.or_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.claimed_at < expired),
            CAMPAIGNS.c.status != "paused",
        )
    )
    return query if campaign_id is None else query.where(CAMPAIGNS.c.id == campaign_id)


def count_due(*, engine: sa.Engine, now: datetime, campaign_id: int | None = None) -> int:
    due = _claimable(now, 0, campaign_id).subquery()
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(due)).scalar_one()


def claim_batch(
    connection: sa.Connection,
    *,
    now: datetime,
    worker: str,
    limit: int,
    lease_seconds: float,
    campaign_id: int | None = None,
) -> list[Claim]:
    """Lease up to `limit` due rows to `worker` in one statement (skipping rows another
    worker holds), then read what sending them needs and their recipients' facts in one
    query. The rows keep their status: a crashed worker's leases simply expire."""
    due = (
        _claimable(now, lease_seconds, campaign_id)
        .order_by(OUTBOX.c.due_at, OUTBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OUTBOX)
    )
    claim = (
        sa.update(OUTBOX)
        .where(OUTBOX.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker, claimed_at=now)
        .returning(OUTBOX.c.id)
    )
    ids = list(connection.execute(claim).scalars())
    if not ids:
        return []
    rows = connection.execute(
        CLAIMED.where(OUTBOX.c.id.in_(ids)).order_by(OUTBOX.c.due_at, OUTBOX.c.id)
    ).all()
    width = len(CLAIMED_MESSAGE_COLUMNS)
    return [(ClaimedMessage(*row[:width]), RecipientFacts(*row[width:])) for row in rows]


def mark_stale_as_unknown(*, engine: sa.Engine, now: datetime, lease_seconds: float) -> int:
    """Rows left in `sending` by a worker that died: the server may or may not have them."""
    stale = now - timedelta(seconds=lease_seconds)
    with write_connection(engine) as connection:
        result = connection.execute(
            sa.update(OUTBOX)
            .where(OUTBOX.c.status == "sending", OUTBOX.c.claimed_at < stale)
            .values(status="unknown", last_error="dispatcher stopped while sending")
        )
    if result.rowcount:
        log.warning("%s message(s) left in 'sending' are now 'unknown'", result.rowcount)
    return result.rowcount


def sent_recently(engine: sa.Engine, now: datetime) -> tuple[int, int]:
    """Messages sent in the minute and in the day before `now` (for the rate limits)."""
    minute, day = now - timedelta(minutes=1), now - timedelta(days=1)
    recent = sa.select(sa.func.count().filter(OUTBOX.c.sent_at > minute), sa.func.count()).where(
        OUTBOX.c.status == "sent", OUTBOX.c.sent_at > day
    )
    with engine.connect() as connection:
        last_minute, last_day = connection.execute(recent).one()
    return last_minute, last_day


def mark_sending(
    db: sa.Connection, message_id: int, worker: str, now: datetime, smtp_message_id: str
) -> bool:
    """`sending`, one more attempt, with its Message-ID; False when the lease was lost."""
    parameters = {
        "b_id": message_id,
        "b_worker": worker,
        "b_now": now,
        "b_message_id": smtp_message_id,
    }
    return db.execute(MARK_SENDING, parameters).rowcount == 1


def mark_sending_after_sent(
    db: sa.Connection,
    message_id: int,
    worker: str,
    now: datetime,
    smtp_message_id: str,
    previous: ClaimedMessage | None,
) -> bool:
    """PostgreSQL, in autocommit: `previous` recorded `sent` (its invitation updated) and
    this message marked `sending`, in one statement (one commit, one round trip)."""
    parameters = {
        "b_id": message_id,
        "b_worker": worker,
        "b_now": now,
        "b_message_id": smtp_message_id,
    }
    if previous is None:
        return PREPARED_SENDING_ALONE.returns_a_row(db, parameters)
    kind = "reminder" if previous.kind == "reminder" else "invitation"
    parameters |= {"p_id": previous.id, "p_invitation": previous.invitation_id, "p_now": now}
    return PREPARED_SENDING_AFTER_SENT[kind].returns_a_row(db, parameters)


def release_many(db: sa.Connection, message_ids: list[int], worker: str) -> None:
    if message_ids:
        db.execute(RELEASE_ONE, [{"b_id": id_, "b_worker": worker} for id_ in message_ids])


def cancel_many(db: sa.Connection, reasons: dict[int, str], worker: str) -> None:
    if reasons:
        parameters = [
            {"b_id": id_, "b_worker": worker, "b_reason": reason} for id_, reason in reasons.items()
        ]
        db.execute(CANCEL_ONE, parameters)


def record_sent(db: sa.Connection, message: ClaimedMessage, now: datetime) -> None:
    db.execute(RECORD_SENT, {"b_id": message.id, "b_now": now})
    statement = INVITATION_REMINDED if message.kind == "reminder" else INVITATION_SENT
    db.execute(statement, {"b_invitation": message.invitation_id, "b_now": now})


def record_retry(db: sa.Connection, message_id: int, due_at: datetime, reply: str) -> None:
    db.execute(
        sa.update(OUTBOX)
        .where(OUTBOX.c.id == message_id)
        .values(status="retry", due_at=due_at, claimed_by=None, last_error=reply[:2000])
    )


def record_unknown(db: sa.Connection, message_id: int, reply: str) -> None:
    """The server may have accepted it (no reply after the content): staff decide."""
    db.execute(
        sa.update(OUTBOX)
        .where(OUTBOX.c.id == message_id)
        .values(status="unknown", claimed_by=None, last_error=reply[:2000])
    )


def record_failed(
    db: sa.Connection,
    message: ClaimedMessage,
    reply: str,
    *,
    recipient_refused: bool,
    now: datetime,
) -> None:
    db.execute(
        sa.update(OUTBOX)
        .where(OUTBOX.c.id == message.id)
        .values(status="failed", last_error=reply[:2000])
    )
    invitation = INVITATIONS.c.id == message.invitation_id
    if recipient_refused:  # a hard bounce: never write to this address again
        person = sa.select(INVITATIONS.c.person_id).where(invitation).scalar_subquery()
        db.execute(
            sa.update(PEOPLE)
            .where(PEOPLE.c.id == person, PEOPLE.c.bounced_at.is_(None))
            .values(bounced_at=now)
        )
        db.execute(
            sa.update(INVITATIONS)
            .where(invitation, INVITATIONS.c.status.in_(("pending", "sent", "failed")))
            .values(status="bounced")
        )
    elif message.kind == "invitation":
        db.execute(
            sa.update(INVITATIONS)
            .where(invitation, INVITATIONS.c.status == "pending")
            .values(status="failed")
        )


def count_attempt(db: sa.Connection, message_id: int, worker: str) -> bool:
    """One more attempt on a leased row that never reached a server; False if not ours."""
    mine = {"b_id": message_id, "b_worker": worker}
    return db.execute(COUNT_ATTEMPT, mine).rowcount == 1


def release_leases(db: sa.Connection, worker: str) -> None:
    db.execute(
        sa.update(OUTBOX)
        .where(OUTBOX.c.claimed_by == worker, OUTBOX.c.status.in_(CLAIMABLE))
        .values(claimed_by=None)
    )
