"""The outbox dispatcher: claim due messages, render, send, record, so that no message is ever
sent twice and none is lost.

States of an outbox row: pending -> sending -> sent, or retry (4xx, connection trouble: tried
again after an exponential back-off, failed after a number of days), failed (5xx, with the
server's reply), cancelled (the person answered, opted out, bounced, or the campaign closed),
unknown (we crashed between handing the message to the server and recording the outcome, or
the connection dropped after the whole message went out and before the server's reply).

How a batch goes, and why it is safe:
1. Claim: due rows get a lease (claimed_by, claimed_at) in one statement (`UPDATE ... WHERE id
   IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) RETURNING id` on PostgreSQL, under SQLite's
   single writer lock, BEGIN IMMEDIATE, otherwise), then one query reads what sending them
   needs and their recipients' facts. Their status does not change: a crashed worker's leases
   simply expire and another worker takes the rows, which were never handed to any server.
   In the same transaction, the refusal rules (`reminders.policy`, answered? opted out?...)
   cancel the refused messages and release those of a paused campaign.
2. For each message, one commit marks it `sending` (only if the lease is still ours) and
   records the outcome of the previous message: on PostgreSQL one statement in autocommit,
   run in a thread while the message is composed and its envelope (MAIL, RCPT) sent; the
   content goes out only once that commit is done. So at any moment a worker has at most one
   row in `sending`, and it is the only message whose fate a crash can leave uncertain.
3. A later pass turns rows left in `sending` past the lease into `unknown`: they are never
   resent automatically; staff decide.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from reminders import outbox, policy
from reminders.committer import Commit, committer
from reminders.composer import MessageComposer
from reminders.outbox import ClaimedMessage
from reminders.planner import plan_due
from reminders.rendering import EmailTemplateError, new_message_id
from reminders.transport import DeliveryError, Sender, Withdrawn, build_sender
from surveys.config import Settings
from surveys.db import write_session
from surveys.http.public_url import public_base_url
from surveys.runtime import AppContext

log = logging.getLogger("reminders.dispatcher")

DEFAULT_BATCH_SIZE = 100


@dataclass(frozen=True)
class DispatchOptions:
    """Knobs of the dispatcher. `lease_seconds` must exceed the longest SMTP exchange."""

    lease_seconds: float = 600.0
    retry_give_up_days: float = policy.DEFAULT_RETRY_GIVE_UP_DAYS
    max_pass_seconds: float = 300.0


def dispatch_options(settings: Settings, **overrides: Any) -> DispatchOptions:
    """Options from the settings (MAIL_RETRY_DAYS, DISPATCH_LEASE_SECONDS), then overrides."""
    values = {
        "lease_seconds": settings.dispatch_lease_seconds,
        "retry_give_up_days": settings.mail_retry_days,
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


@dataclass
class _Outcome:
    message: ClaimedMessage
    status: str  # sent | retry | failed | unknown
    message_id: str
    error: DeliveryError | None = None
    again_now: bool = False  # retry on a new connection in this pass, without a back-off


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
    should_stop: Callable[[], bool] = lambda: False
    on_progress: Callable[[int, int], None] | None = None
    total: int = 0
    done: int = 0


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
    """Send every message due at `now` (within the rate limits), batch by batch, on one SMTP
    connection for the pass. `campaign_id` limits the pass to one campaign (send-now button).
    Raises `PublicUrlUnknown` before claiming anything when no link base is known."""
    work = _Pass(
        engine=engine,
        sender=sender,
        settings=settings,
        now=now,
        worker=worker_id or new_worker_id(),
        options=options or dispatch_options(settings),
        composer=MessageComposer(
            engine=engine, settings=settings, base_url=public_base_url(engine, settings)
        ),
        should_stop=should_stop or (lambda: False),
        on_progress=on_progress,
    )
    work.summary.unknown += outbox.mark_stale_as_unknown(
        engine=engine, now=now, lease_seconds=work.options.lease_seconds
    )
    if on_progress is not None:
        work.total = outbox.count_due(engine=engine, now=now, campaign_id=campaign_id)
    started = time.monotonic()
    with _Line(work) as line:
        _send_due(work, line, batch_size, campaign_id, started)
    return work.summary


def _send_due(
    work: _Pass, line: _Line, batch_size: int, campaign_id: int | None, started: float
) -> None:
    """Claim and send batch after batch until nothing is due, the rate limits or the time
    allowed stop the pass, or the server cannot be reached."""
    while not work.should_stop():
        allowance = _rate_allowance(work, batch_size)
        if allowance == 0:
            work.summary.more = True
            break
        with outbox.write_transaction(work.engine) as connection:
            claims = outbox.claim_batch(
                connection,
                now=work.now,
                worker=work.worker,
                limit=allowance,
                lease_seconds=work.options.lease_seconds,
                campaign_id=campaign_id,
            )
            batch = _admit(connection, work, claims)
        if not claims:
            break
        connected = _send_batch(work, line, batch) if batch else True
        if not connected or time.monotonic() - started > work.options.max_pass_seconds:
            work.summary.more = connected
            break


def _rate_allowance(work: _Pass, wanted: int) -> int:
    last_minute, last_day = outbox.sent_recently(work.engine, work.now)
    return policy.rate_allowance(
        sent_last_minute=last_minute,
        sent_last_day=last_day,
        per_minute=work.settings.mail_rate_per_minute,
        per_day=work.settings.mail_rate_per_day,
        wanted=wanted,
    )


def _admit(
    db: sa.Connection, work: _Pass, claims: list[outbox.Claim]
) -> list[tuple[ClaimedMessage, str]]:
    """Re-check, in the claiming transaction, that each message may go (the rules are in
    `reminders.policy`): cancel the refused, release the paused; (message, address) of the rest."""
    admitted: list[tuple[ClaimedMessage, str]] = []
    paused: list[int] = []
    refused: dict[int, str] = {}
    for message, facts in claims:
        if facts.campaign_status == "paused":  # not refused: it waits for the campaign
            paused.append(message.id)
            continue
        reason = policy.refusal_reason(facts.recipient(), work.now)
        if reason is not None:
            refused[message.id] = reason
        else:
            admitted.append((message, facts.email or ""))
    outbox.release_many(db, paused, work.worker)
    outbox.cancel_many(db, refused, work.worker)
    work.summary.cancelled += len(refused)  # leased in this very transaction: ours
    return admitted


class _Line:
    """The pass's SMTP connection and committer, opened at the first batch that has something
    to send and kept for the next ones (as a bare loop keeps its one connection: a connection
    per batch costs a greeting, a login and, with TLS, a handshake); opened again after the
    server dropped it. Closed at the end of the pass."""

    def __init__(self, work: _Pass) -> None:
        self.work = work
        self.stack: ExitStack | None = None
        self.connection: Any = None
        self.commit: Commit | None = None
        self.carried = 0  # messages the open connection delivered

    def open(self) -> tuple[Any, Commit]:
        """The open connection and committer; raises DeliveryError when the server cannot
        be reached."""
        if self.stack is None:
            with ExitStack() as stack:
                self.connection = stack.enter_context(self.work.sender.connect())
                self.commit = stack.enter_context(committer(self.work.engine))
                self.stack = stack.pop_all()
            self.carried = 0
        return self.connection, self.commit

    def close(self) -> None:
        stack, self.stack, self.connection, self.commit = self.stack, None, None, None
        if stack is not None:
            stack.close()

    def __enter__(self) -> _Line:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _send_batch(work: _Pass, line: _Line, batch: list[tuple[ClaimedMessage, str]]) -> bool:
    """Send an admitted batch on the pass's connection; False when the server could not be
    reached. Each message is marked `sending` in the commit that records the previous one's
    outcome; that commit runs while the message is composed and its envelope sent, and the
    content goes out only once it is done (`may_hand_over`)."""
    previous: _Outcome | None = None
    try:
        connection, commit = line.open()
        for message, address in batch:
            if work.should_stop():
                break
            message_id = new_message_id(work.settings.mail_from)
            marked = commit(_begin_sending, work, previous, message, message_id)
            previous = _deliver(work, connection, message, address, message_id, marked)
            if previous is None:
                continue
            _progress(work)
            line.carried += previous.status == "sent"
            if previous.error is not None and previous.error.connection_lost:
                # A server that ends a connection after so many messages (421 at MAIL) took
                # nothing of this one: it goes again at once, on the next batch's connection.
                previous.again_now = line.carried > 0 and previous.status == "retry"
                line.close()
                break
    except DeliveryError as error:  # could not connect: the whole batch waits
        with outbox.write_transaction(work.engine) as db:
            for message, _address in batch:
                _record_unreachable(db, work, message, error)
        return False
    except BaseException:
        line.close()  # no commit of ours may still run when the outcome below is written
        raise
    finally:
        with outbox.write_transaction(work.engine) as db:
            if previous is not None:
                _record(db, work, previous)
            outbox.release_leases(db, work.worker)
    return True


def _begin_sending(
    quick: sa.Connection | None,
    work: _Pass,
    previous: _Outcome | None,
    message: ClaimedMessage,
    message_id: str,
) -> bool:
    """Record the previous outcome and mark this message `sending`, in one commit; False
    when the lease was lost. On PostgreSQL, after a `sent` (the usual case), one statement."""
    if quick is not None and (previous is None or previous.status == "sent"):
        done = previous.message if previous is not None else None
        marked = outbox.mark_sending_after_sent(
            quick, message.id, work.worker, work.now, message_id, done
        )
        work.summary.sent += done is not None
        return marked
    with outbox.write_transaction(work.engine) as db:
        if previous is not None:
            _record(db, work, previous)
        return outbox.mark_sending(db, message.id, work.worker, work.now, message_id)


def _progress(work: _Pass) -> None:
    work.done += 1
    if work.on_progress is not None:
        work.on_progress(work.done, max(work.total, work.done))


def _deliver(
    work: _Pass,
    connection: Any,
    message: ClaimedMessage,
    address: str,
    message_id: str,
    marked: Callable[[], bool],
) -> _Outcome | None:
    """Compose and send; None when the message was not ours to send (lease lost)."""
    try:
        email = work.composer.compose(message, address=address, message_id=message_id, now=work.now)
        connection.send(email, envelope_from=work.settings.mail_from, may_hand_over=marked)
    except Withdrawn:
        return None
    except DeliveryError as error:
        if not marked():  # refused before the content: it was never ours to record
            return None
        if error.in_doubt:  # the server may have it: never resent automatically
            return _Outcome(message, "unknown", message_id, error)
        return _Outcome(message, "failed" if error.permanent else "retry", message_id, error)
    except (ValueError, TypeError, EmailTemplateError) as error:  # unusable address or text
        if not marked():
            return None
        failure = DeliveryError(f"message not composed: {error}"[:1000], permanent=True)
        return _Outcome(message, "failed", message_id, failure)
    return _Outcome(message, "sent", message_id)


def _record(db: sa.Connection, work: _Pass, outcome: _Outcome) -> None:
    """Write what happened to a message: sent; unknown (in doubt); retry later (4xx,
    connection) unless the retries add up to the limit; or failed with the server's reply."""
    message, now = outcome.message, work.now
    if outcome.status == "sent":
        outbox.record_sent(db, message, now)
        work.summary.sent += 1
        return
    error = outcome.error or DeliveryError("unknown error")
    if outcome.status == "unknown":
        outbox.record_unknown(db, message.id, error.reply)
        work.summary.unknown += 1
        return
    attempts = message.attempts + 1
    gives_up = policy.retry_gives_up(attempts, work.options.retry_give_up_days)
    if outcome.status == "retry" and not gives_up:
        delay = timedelta(0) if outcome.again_now else policy.retry_delay(attempts)
        outbox.record_retry(db, message.id, now + delay, error.reply)
        work.summary.retry += not outcome.again_now
        return
    reply = error.reply if outcome.status == "failed" else f"gave up: {error.reply}"
    outbox.record_failed(db, message, reply, recipient_refused=error.recipient_refused, now=now)
    work.summary.failed += 1


def _record_unreachable(
    db: sa.Connection, work: _Pass, message: ClaimedMessage, error: DeliveryError
) -> None:
    """The server could not be reached: count an attempt and wait (the row was never sent)."""
    if outbox.count_attempt(db, message.id, work.worker):
        _record(db, work, _Outcome(message, "retry", "", error))


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
