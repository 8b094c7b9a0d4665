"""Dispatch benchmark: the full outbox path against a bare yagmail loop, same SMTP sink.

    .venv/bin/python benchmarks/dispatch_bench.py [--messages 10000] [--batch-size 100]
                                                 [--database-url URL]

Both send the same number of messages to the same local SMTP sink (aiosmtpd in its own
process, so the server does not share our interpreter):
- full path: `reminders.dispatcher.dispatch_due` over due outbox rows — claim, re-check,
  render the Jinja2 templates (text + HTML), compose with make_msgid and List-Unsubscribe,
  send on one yagmail connection per batch, record the outcome in the database;
- bare loop: one yagmail connection, `prepare_send` + `smtp.sendmail` per message. Its
  content is our rendered text (`--bare-content text`, the default: yagmail adds its own
  HTML part, and its messages are smaller than ours) or our rendered HTML
  (`--bare-content html`: yagmail copies it into both parts, and its messages are larger).
The work is split in rounds that alternate the two (this machine is shared: a burst of load
then falls on both alike). It prints both rates, their ratio (target: full path >= 0.8 x
bare loop, on SQLite and on PostgreSQL) and the average message sizes.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yagmail  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks.bench_rows import hot_plan_over_sessions, require_empty  # noqa: E402
from reminders.dispatcher import dispatch_due  # noqa: E402
from reminders.planner import plan_due  # noqa: E402
from reminders.rendering import default_source, render_email, sample_facts  # noqa: E402
from reminders.transport import build_sender  # noqa: E402
from surveys.config import load_settings  # noqa: E402
from surveys.db import create_db_engine, upgrade_to_head, write_session  # noqa: E402
from surveys.i18n import t  # noqa: E402
from surveys.models import Campaign, Enrolment, OrganisationSettings, Person  # noqa: E402

MAIL_FROM = "qualite@bench.example.org"
SESSION_END = date(2026, 6, 30)
SEND_AT = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)  # 17:00 Paris


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's Sink handler (accepts and discards) in a separate process."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the SMTP sink did not start")


def prepare_database(settings, messages: int, rounds: int):  # type: ignore[no-untyped-def]
    """`rounds` sessions sharing `messages` learners, a hot plan, the planner's due rows."""
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    require_empty(engine)
    with write_session(engine) as session:
        session.add(
            OrganisationSettings(
                id=1,
                name="Organisme du banc d'essai",
                contact_email=MAIL_FROM,
                support_email="aide@bench.example.org",
            )
        )
        trainings = hot_plan_over_sessions(session, sessions=rounds, session_end=SESSION_END)
        people = [
            Person(
                email=f"learner{index:05d}@bench.example.org",
                first_name="Camille",
                last_name=f"Martin {index}",
                stakeholder_type="learner",
                language="en" if index % 10 == 0 else "fr",
            )
            for index in range(messages)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            Enrolment(person_id=person.id, session_id=trainings[index % rounds].id, role="learner")
            for index, person in enumerate(people)
        )
        session.flush()
        planned = plan_due(session=session, now=SEND_AT, settings=settings)
    assert planned == messages, planned
    with engine.connect() as connection:
        campaigns = list(connection.execute(select(Campaign.id).order_by(Campaign.id)).scalars())
    return engine, campaigns


class Sizes:
    """Counts the bytes each path hands to the SMTP connection."""

    def __init__(self) -> None:
        self.full = self.bare = 0


def full_path(
    settings, engine, campaign_id: int, batch_size: int, sizes: Sizes
) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    summary = dispatch_due(
        engine=engine,
        sender=MeasuredSender(build_sender(settings), sizes),
        now=SEND_AT,
        settings=settings,
        batch_size=batch_size,
        campaign_id=campaign_id,
    )
    elapsed = time.perf_counter() - started
    assert summary.failed == summary.retry == 0, summary
    return summary.sent, elapsed


class MeasuredSender:
    """The real SMTP sender; only adds up message sizes (outside the timed SMTP exchange)."""

    def __init__(self, sender, sizes: Sizes) -> None:  # type: ignore[no-untyped-def]
        self.sender, self.sizes, self.local = sender, sizes, False

    @contextmanager
    def connect(self):  # type: ignore[no-untyped-def]
        with self.sender.connect() as connection:
            original = connection.send

            def send(message, **kwargs):  # type: ignore[no-untyped-def]
                self.sizes.full += len(message.data)
                original(message, **kwargs)

            connection.send = send
            yield connection


def sample_content(kind: str) -> str:
    """One of our rendered invitations, as text or HTML, for the bare loop to send."""
    facts = sample_facts(
        "fr",
        organisation_name="Organisme du banc d'essai",
        answer_url="http://localhost:8501/r/" + "x" * 43,
        unsubscribe_url="http://localhost:8501/u/" + "x" * 43,
    )
    rendered = render_email(default_source("invitation", "fr"), facts)
    return rendered.html if kind == "html" else rendered.text


def bare_loop(port: int, first: int, count: int, content: str, sizes: Sizes) -> tuple[int, float]:
    client = yagmail.SMTP(
        user=MAIL_FROM,
        password="",
        host="127.0.0.1",
        port=port,
        smtp_ssl=False,
        smtp_starttls=False,
        smtp_skip_login=True,
        soft_email_validation=False,
    )
    started = time.perf_counter()
    client.login()
    for index in range(first, first + count):
        recipients, text = client.prepare_send(
            to=f"learner{index:05d}@bench.example.org",
            subject="Votre avis sur la formation",
            contents=content,
            message_id=make_msgid(domain="bench.example.org"),
            prettify_html=False,
        )
        client.smtp.sendmail(MAIL_FROM, recipients, text)
        sizes.bare += len(text)
    client.close()
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two paths")
    parser.add_argument(
        "--bare-content",
        choices=("text", "html"),
        default="text",
        help="what the bare loop sends: our rendered text or our HTML",
    )
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args()
    port = free_port()
    sink = start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{folder}/bench.db"
            settings = load_settings(
                {
                    "DATA_DIR": folder,
                    "DATABASE_URL": url,
                    "SESSION_SECRET": "b" * 48,
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": str(port),
                    "SMTP_SECURITY": "none",
                    "MAIL_FROM": MAIL_FROM,
                    "MAIL_RATE_PER_MINUTE": "100000000",
                    "MAIL_RATE_PER_DAY": "100000000",
                    "DISPATCHER": "off",
                    "PUBLIC_BASE_URL": "http://localhost:8501",
                }
            )
            setup = time.perf_counter()
            t("reminders.email.greeting")  # the catalogs load once per process, not per pass
            engine, campaigns = prepare_database(settings, args.messages, args.rounds)
            print(
                f"setup: {args.messages} due messages planned in "
                f"{time.perf_counter() - setup:.1f} s ({engine.dialect.name}), "
                f"{args.rounds} rounds"
            )
            content, sizes = sample_content(args.bare_content), Sizes()
            totals = {"bare": [0, 0.0], "full": [0, 0.0]}
            share = args.messages // args.rounds
            for round_number, campaign_id in enumerate(campaigns):
                order = ("bare", "full") if round_number % 2 == 0 else ("full", "bare")
                for name in order:
                    if name == "bare":
                        sent, seconds = bare_loop(port, totals["bare"][0], share, content, sizes)
                    else:
                        sent, seconds = full_path(
                            settings, engine, campaign_id, args.batch_size, sizes
                        )
                    totals[name][0] += sent
                    totals[name][1] += seconds
            engine.dispose()
    finally:
        sink.terminate()
        sink.wait(10)
    bare = totals["bare"][0] / totals["bare"][1]
    full = totals["full"][0] / totals["full"][1]
    print(
        f"bare yagmail loop (one connection, {args.bare_content} content): "
        f"{totals['bare'][0]} messages, {bare:7.1f} msg/s, "
        f"{sizes.bare / totals['bare'][0]:.0f} bytes/message"
    )
    print(
        f"full path (claim, render, send, record; batch {args.batch_size}): "
        f"{totals['full'][0]} messages, {full:7.1f} msg/s, "
        f"{sizes.full / totals['full'][0]:.0f} bytes/message"
    )
    ratio = full / bare
    print(
        f"ratio full / bare: {ratio:.2f} (target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
