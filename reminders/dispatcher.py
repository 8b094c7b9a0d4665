"""The outbox dispatcher: claim due messages, render, send, record, so that no message is ever
sent twice and none is lost.

States of an outbox row: pending -> sending -> sent, or retry (4xx, connection trouble: tried
again after an exponential back-off, failed after a number of days), failed (5xx, with the
server's reply), cancelled (the person answered, opted out, bounced, or the campaign closed),
unknown (we crashed between handing the message to the server and recording the outcome).

How a batch goes, and why it is safe:
1. Claim: due rows get a lease (claimed_by, claimed_at) in one short transaction, with
   `FOR UPDATE SKIP LOCKED` on PostgreSQL, under SQLite's single writer lock (BEGIN IMMEDIATE)
   otherwise. Their status does not change: a crashed worker's leases simply expire and
   another worker takes the rows, which were never handed to any server.
2. For each message, one transaction re-checks that it may go (answered? opted out?...) and
   marks it `sending` (only if the lease is still ours), and in the same commit records the
   outcome of the previous message. So at any moment a worker has at most one row in
   `sending`, and it is the only message whose fate a crash can leave uncertain.
3. A later pass turns rows left in `sending` past the lease into `unknown`: they are never
   resent automatically; staff decide.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from reminders import policy
from reminders.composer import MessageComposer
from reminders.planner import plan_due
from reminders.rendering import EmailTemplateError, new_message_id
from reminders.transport import DeliveryError, Sender, build_sender
from surveys.config import Settings
from surveys.db import write_session
from surveys.models import Campaign, Invitation, OutboundMessage, Person
from surveys.runtime import AppContext

log = logging.getLogger("reminders.dispatcher")

OUTBOX = OutboundMessage.__table__  # type: ignore[attr-defined]
INVITATIONS = Invitation.__table__  # type: ignore[attr-defined]
PEOPLE = Person.__table__  # type: ignore[attr-defined]
CAMPAIGNS = Campaign.__table__  # type: ignore[attr-defined]
DEFAULT_BATCH_SIZE = 100
CLAIMABLE = ("pending", "retry")

# The statements run once per message are built once (building a SQLAlchemy statement costs
# more than executing it on SQLite); parameters are bound by name at execution.
_MINE = sa.and_(
    OUTBOX.c.id == sa.bindparam("b_id"),
    OUTBOX.c.claimed_by == sa.bindparam("b_worker"),
    sa.or_(*(OUTBOX.c.status == status for status in CLAIMABLE)),  # no IN list to expand
)
RECIPIENT_FACTS = (
    sa.select(
        PEOPLE.c.email,
        PEOPLE.c.erased_at,
        PEOPLE.c.opted_out_at,
        PEOPLE.c.bounced_at,
        INVITATIONS.c.status,
        CAMPAIGNS.c.status,
        CAMPAIGNS.c.closes_at,
    )
    .join(PEOPLE, PEOPLE.c.id == INVITATIONS.c.person_id)
    .join(CAMPAIGNS, CAMPAIGNS.c.id == INVITATIONS.c.campaign_id)
    .where(INVITATIONS.c.id == sa.bindparam("b_invitation"))
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


@dataclass(frozen=True)
class DispatchOptions:
    """Knobs of the dispatcher. `lease_seconds` must exceed the longest SMTP exchange."""

    lease_seconds: float = 600.0
    retry_give_up_days: float = policy.DEFAULT_RETRY_GIVE_UP_DAYS
    max_pass_seconds: float = 300.0


def dispatch_options(settings: Settings, **overrides: Any) -> DispatchOptions:
    """Options from the settings (MAIL_RETRY_DAYS, DISPATCH_LEASE_SECONDS when declared)."""

    def read(attribute: str, env: str, default: float) -> float:
        value = getattr(settings, attribute, None) or settings.extra.get(env)
        return float(value) if value not in (None, "") else default

    values = {
        "lease_seconds": read("dispatch_lease_seconds", "DISPATCH_LEASE_SECONDS", 600.0),
        "retry_give_up_days": read(
            "mail_retry_days", "MAIL_RETRY_DAYS", policy.DEFAULT_RETRY_GIVE_UP_DAYS
        ),
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return DispatchOptions(**values)


@dataclass
class DispatchSummary:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    unknown: int = 0
    cancelled: int = 0
    more: bool = False  # the pass stopped early (time or rate limit) with messages still due

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retry": self.retry,
            "failed": self.failed,
            "unknown": self.unknown,
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


@dataclass
class _Outcome:
    message: ClaimedMessage
    status: str  # sent | retry | failed
    message_id: str
    error: DeliveryError | None = None


@dataclass
class _Pass:
    """Everything one dispatch pass shares: where to write, what to say, what happened."""

    engine: sa.Engine
    sender: Sender
    settings: Settings
    now: datetime
    worker: str
    options: DispatchOptions
    composer: MessageComposer
    summary: DispatchSummary = field(default_factory=DispatchSummary)
    cache: dict[Any, Any] = field(default_factory=dict)
    should_stop: Callable[[], bool] = lambda: False
    on_progress: Callable[[int, int], None] | None = None
    total: int = 0
    done: int = 0

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        bind = self.cache.get("bind")
        if bind is None:
            sqlite = self.engine.dialect.name == "sqlite"
            bind = self.engine.execution_options(sqlite_immediate=True) if sqlite else self.engine
            self.cache["bind"] = bind
        with bind.begin() as connection:
            yield connection


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dispatch_due(
    *,
    engine: sa.Engine,
    sender: Sender,
    now: datetime,
    settings: Settings,
    batch_size: int = DEFAULT_BATCH_SIZE,
    options: DispatchOptions | None = None,
    campaign_id: int | None = None,
    worker_id: str | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> DispatchSummary:
    """Send every message due at `now` (within the rate limits), batch by batch, one
    connection per batch. `campaign_id` limits the pass to one campaign (send-now button)."""
    work = _Pass(
        engine=engine,
        sender=sender,
        settings=settings,
        now=now,
        worker=worker_id or new_worker_id(),
        options=options or dispatch_options(settings),
        composer=MessageComposer(engine=engine, settings=settings),
        should_stop=should_stop or (lambda: False),
        on_progress=on_progress,
    )
    work.summary.unknown += mark_stale_as_unknown(
        engine=engine, now=now, lease_seconds=work.options.lease_seconds
    )
    if on_progress is not None:
        work.total = count_due(engine=engine, now=now, campaign_id=campaign_id)
    started = time.monotonic()
    while not work.should_stop():
        allowance = _rate_allowance(work, batch_size)
        if allowance == 0:
            work.summary.more = True
            break
        with work.transaction() as connection:
            batch = claim_batch(
                connection,
                now=now,
                worker=work.worker,
                limit=allowance,
                lease_seconds=work.options.lease_seconds,
                campaign_id=campaign_id,
            )
        if not batch:
            break
        connected = _send_batch(work, batch)
        if not connected or time.monotonic() - started > work.options.max_pass_seconds:
            work.summary.more = connected
            break
    return work.summary


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
) -> list[ClaimedMessage]:
    """Lease up to `limit` due rows to `worker` (skipping rows another worker holds)."""
    query = (
        _claimable(now, lease_seconds, campaign_id)
        .order_by(OUTBOX.c.due_at, OUTBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OUTBOX)
    )
    ids = list(connection.execute(query).scalars())
    if not ids:
        return []
    connection.execute(
        sa.update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(claimed_by=worker, claimed_at=now)
    )
    rows = connection.execute(
        sa.select(
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
        .join(INVITATIONS, INVITATIONS.c.id == OUTBOX.c.invitation_id)
        .join(PEOPLE, PEOPLE.c.id == INVITATIONS.c.person_id)
        .join(CAMPAIGNS, CAMPAIGNS.c.id == INVITATIONS.c.campaign_id)
        .where(OUTBOX.c.id.in_(ids))
        .order_by(OUTBOX.c.due_at, OUTBOX.c.id)
    ).all()
    return [ClaimedMessage(*row) for row in rows]


def mark_stale_as_unknown(*, engine: sa.Engine, now: datetime, lease_seconds: float) -> int:
    """Rows left in `sending` by a worker that died: the server may or may not have them."""
    stale = now - timedelta(seconds=lease_seconds)
    bind = (
        engine.execution_options(sqlite_immediate=True)
        if engine.dialect.name == "sqlite"
        else engine
    )
    with bind.begin() as connection:
        result = connection.execute(
            sa.update(OUTBOX)
            .where(OUTBOX.c.status == "sending", OUTBOX.c.claimed_at < stale)
            .values(status="unknown", last_error="dispatcher stopped while sending")
        )
    if result.rowcount:
        log.warning("%s message(s) left in 'sending' are now 'unknown'", result.rowcount)
    return result.rowcount


def _rate_allowance(work: _Pass, wanted: int) -> int:
    minute, day = work.now - timedelta(minutes=1), work.now - timedelta(days=1)
    recent = sa.select(sa.func.count().filter(OUTBOX.c.sent_at > minute), sa.func.count()).where(
        OUTBOX.c.status == "sent", OUTBOX.c.sent_at > day
    )
    with work.engine.connect() as connection:
        last_minute, last_day = connection.execute(recent).one()
    return policy.rate_allowance(
        sent_last_minute=last_minute,
        sent_last_day=last_day,
        per_minute=work.settings.mail_rate_per_minute,
        per_day=work.settings.mail_rate_per_day,
        wanted=wanted,
    )


def _send_batch(work: _Pass, batch: list[ClaimedMessage]) -> bool:
    """Send a claimed batch on one connection; False when the server could not be reached."""
    previous: _Outcome | None = None
    try:
        with work.sender.connect() as connection:
            for message in batch:
                if work.should_stop():
                    break
                message_id = new_message_id(work.settings.mail_from)
                with work.transaction() as db:
                    if previous is not None:
                        _record(db, work, previous)
                        previous = None
                    address = _begin_sending(db, work, message, message_id)
                if address is None:
                    continue
                previous = _deliver(work, connection, message, address, message_id)
                _progress(work)
                if previous.error is not None and previous.error.connection_lost:
                    break
    except DeliveryError as error:  # could not connect: the whole batch waits
        with work.transaction() as db:
            for message in batch:
                _record_unreachable(db, work, message, error)
        return False
    finally:
        with work.transaction() as db:
            if previous is not None:
                _record(db, work, previous)
            _release_leases(db, work.worker)
    return True


def _progress(work: _Pass) -> None:
    work.done += 1
    if work.on_progress is not None:
        work.on_progress(work.done, max(work.total, work.done))


def _begin_sending(
    db: sa.Connection, work: _Pass, message: ClaimedMessage, message_id: str
) -> str | None:
    """Re-check the message may go and mark it `sending`; the recipient's address, or None."""
    facts = db.execute(RECIPIENT_FACTS, {"b_invitation": message.invitation_id}).one()
    email, erased, opted_out, bounced, invitation_status, campaign_status, closes = facts
    mine = {"b_id": message.id, "b_worker": work.worker}
    if campaign_status == "paused":
        db.execute(RELEASE_ONE, mine)
        return None
    reason = policy.refusal_reason(
        policy.Recipient(
            has_email=bool(email),
            erased=erased is not None,
            opted_out=opted_out is not None,
            bounced=bounced is not None,
            invitation_status=invitation_status,
            campaign_status=campaign_status,
            campaign_closes_at=closes,
        ),
        work.now,
    )
    if reason is not None:
        cancelled = db.execute(CANCEL_ONE, {**mine, "b_reason": reason})
        work.summary.cancelled += cancelled.rowcount
        return None
    marked = db.execute(
        MARK_SENDING,
        {
            "b_id": message.id,
            "b_worker": work.worker,
            "b_now": work.now,
            "b_message_id": message_id,
        },
    )
    return email if marked.rowcount == 1 else None


def _deliver(
    work: _Pass, connection: Any, message: ClaimedMessage, address: str, message_id: str
) -> _Outcome:
    try:
        email = work.composer.compose(message, address=address, message_id=message_id, now=work.now)
        connection.send(email, envelope_from=work.settings.mail_from)
    except DeliveryError as error:
        return _Outcome(message, "failed" if error.permanent else "retry", message_id, error)
    except (ValueError, TypeError, EmailTemplateError) as error:  # unusable address or text
        failure = DeliveryError(f"message not composed: {error}"[:1000], permanent=True)
        return _Outcome(message, "failed", message_id, failure)
    return _Outcome(message, "sent", message_id)


def _record(db: sa.Connection, work: _Pass, outcome: _Outcome) -> None:
    message, now = outcome.message, work.now
    row = OUTBOX.c.id == message.id
    if outcome.status == "sent":
        db.execute(RECORD_SENT, {"b_id": message.id, "b_now": now})
        _record_sent_invitation(db, message, now)
        work.summary.sent += 1
        return
    error = outcome.error or DeliveryError("unknown error")
    attempts = message.attempts + 1
    if outcome.status == "retry" and not policy.retry_gives_up(
        attempts, work.options.retry_give_up_days
    ):
        db.execute(
            sa.update(OUTBOX)
            .where(row)
            .values(
                status="retry",
                due_at=now + policy.retry_delay(attempts),
                claimed_by=None,
                last_error=error.reply,
            )
        )
        work.summary.retry += 1
        return
    reply = error.reply if outcome.status == "failed" else f"gave up: {error.reply}"
    db.execute(sa.update(OUTBOX).where(row).values(status="failed", last_error=reply[:2000]))
    _record_failed_invitation(db, message, error, now)
    work.summary.failed += 1


def _record_sent_invitation(db: sa.Connection, message: ClaimedMessage, now: datetime) -> None:
    statement = INVITATION_REMINDED if message.kind == "reminder" else INVITATION_SENT
    db.execute(statement, {"b_invitation": message.invitation_id, "b_now": now})


def _record_failed_invitation(
    db: sa.Connection, message: ClaimedMessage, error: DeliveryError, now: datetime
) -> None:
    invitation = INVITATIONS.c.id == message.invitation_id
    if error.recipient_refused:  # a hard bounce: never write to this address again
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


def _record_unreachable(
    db: sa.Connection, work: _Pass, message: ClaimedMessage, error: DeliveryError
) -> None:
    """The server could not be reached: count an attempt and wait (the row was never sent)."""
    mine = sa.and_(
        OUTBOX.c.id == message.id,
        OUTBOX.c.claimed_by == work.worker,
        OUTBOX.c.status.in_(CLAIMABLE),
    )
    updated = db.execute(sa.update(OUTBOX).where(mine).values(attempts=OUTBOX.c.attempts + 1))
    if updated.rowcount:
        _record(db, work, _Outcome(message, "retry", "", error))


def _release_leases(db: sa.Connection, worker: str) -> None:
    db.execute(
        sa.update(OUTBOX)
        .where(OUTBOX.c.claimed_by == worker, OUTBOX.c.status.in_(CLAIMABLE))
        .values(claimed_by=None)
    )


def run_pass(
    *,
    context: AppContext,
    now: datetime,
    sender: Sender | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    options: DispatchOptions | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, DispatchSummary]:
    """Plan what is due at `now`, then send it: (messages planned, what the sending did)."""
    with write_session(context.engine) as session:
        planned = plan_due(session=session, now=now, settings=context.settings)
    summary = dispatch_due(
        engine=context.engine,
        sender=sender or build_sender(context.settings),
        now=now,
        settings=context.settings,
        batch_size=batch_size,
        options=options,
        should_stop=should_stop,
    )
    return planned, summary


def tick(
    *,
    context: AppContext,
    now: datetime,
    sender: Sender | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    options: DispatchOptions | None = None,
) -> dict[str, int]:
    """One pass at `now`; returns the CLI's JSON summary
    {"planned", "sent", "retry", "failed", "unknown"}."""
    planned, summary = run_pass(
        context=context, now=now, sender=sender, batch_size=batch_size, options=options
    )
    return {"planned": planned, **summary.as_dict()}
