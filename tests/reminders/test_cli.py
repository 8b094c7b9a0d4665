"""The commands: `python -m reminders tick [--now]` prints one JSON line; `run` loops until
SIGTERM and stops cleanly; the server's dispatcher process starts and stops with it."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import pytest

from reminders.mailbox import count_mailbox
from reminders.worker import start_background_dispatcher
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.reminders.processes import dispatcher_children, dispatcher_env, start_dispatcher
from tests.support.smtp import HOT_SEND_TIME


def test_tick_prints_one_json_line_and_a_second_tick_sends_nothing(
    sqlite_context: AppContext,
) -> None:
    hot_session(sqlite_context, learners=2)
    lines = []
    for _ in range(2):
        process = start_dispatcher(sqlite_context, "tick", "--now", "2026-06-30T17:00:00+02:00")
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        lines.append(out.strip().splitlines())
    assert [len(output) for output in lines] == [1, 1]
    assert json.loads(lines[0][0]) == {
        "planned": 2,
        "sent": 2,
        "retry": 0,
        "failed": 0,
        "unknown": 0,
    }
    assert json.loads(lines[1][0]) == {
        "planned": 0,
        "sent": 0,
        "retry": 0,
        "failed": 0,
        "unknown": 0,
    }
    assert count_mailbox(sqlite_context.settings.mailbox_dir) == 2


def test_tick_refuses_a_date_it_cannot_read(sqlite_context: AppContext) -> None:
    process = start_dispatcher(sqlite_context, "tick", "--now", "demain")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "date-heure ISO" in err


@pytest.mark.slow
def test_run_loops_and_stops_cleanly_on_sigterm(sqlite_context: AppContext) -> None:
    process = start_dispatcher(sqlite_context, "run", "--interval", "0.2")
    try:
        first_line = process.stdout.readline()
        assert set(json.loads(first_line)) == {
            *("planned", "sent", "retry", "failed", "unknown"),
            *("webhooks_delivered", "webhooks_retry", "webhooks_failed", "webhooks_unknown"),
        }
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0


def test_the_background_dispatcher_sends_and_stops_between_messages(
    sqlite_context: AppContext,
) -> None:
    hot_session(sqlite_context, learners=3)
    dispatcher = start_background_dispatcher(
        sqlite_context, interval_seconds=0.1, clock=lambda: HOT_SEND_TIME
    )
    deadline = time.monotonic() + 30
    while count_mailbox(sqlite_context.settings.mailbox_dir) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    dispatcher.stop(timeout=10)
    assert count_mailbox(sqlite_context.settings.mailbox_dir) == 3
    assert not dispatcher.thread.is_alive()


def test_the_server_lifespan_starts_the_dispatcher_only_when_asked(
    sqlite_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit_app
    from surveys import runtime

    for name, value in dispatcher_env(sqlite_context).items():
        monkeypatch.setenv(name, value)

    def dispatchers_during_lifespan(dispatcher: str) -> tuple[list[int], list[int]]:
        monkeypatch.setenv("DISPATCHER", dispatcher)
        runtime.app_context.cache_clear()

        async def run() -> list[int]:
            async with streamlit_app.lifespan(None):
                return dispatcher_children()

        during = asyncio.run(run())
        return during, dispatcher_children()

    try:
        during, after = dispatchers_during_lifespan("on")
        assert len(during) == 1 and after == []  # one child while serving, none after
        assert dispatchers_during_lifespan("off") == ([], [])
    finally:
        runtime.app_context.cache_clear()
