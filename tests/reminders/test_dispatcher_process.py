"""The web server's dispatcher process (DISPATCHER=on): `python -m reminders run` as a child,
at a lower priority, started again when it dies, gone when the server is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from reminders.worker import DISPATCHER_NICENESS, DispatcherProcess
from surveys.runtime import AppContext
from tests.reminders.processes import ROOT, dispatcher_children, dispatcher_env, process_facts


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def dispatcher(
    sqlite_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DispatcherProcess]:
    for name, value in dispatcher_env(sqlite_context).items():
        monkeypatch.setenv(name, value)
    process = DispatcherProcess(restart_delay=0.2, extra_args=("--interval", "0.2")).start()
    yield process
    process.stop(timeout=20)


def test_it_runs_below_the_web_server_and_stops_on_request(dispatcher: DispatcherProcess):
    assert dispatcher.process is not None
    pid = dispatcher.process.pid
    assert wait_until(lambda: (process_facts(pid) or (0, 0, ""))[1] == DISPATCHER_NICENESS)
    assert dispatcher_children() == [pid]

    dispatcher.stop(timeout=20)

    assert dispatcher.process.returncode == 0  # SIGTERM: the loop ended between two messages
    assert dispatcher_children() == []


def test_a_dispatcher_that_died_is_started_again(dispatcher: DispatcherProcess):
    assert dispatcher.process is not None
    first = dispatcher.process.pid
    os.kill(first, signal.SIGKILL)

    assert wait_until(lambda: dispatcher_children() not in ([], [first]))
    assert dispatcher.alive()
    assert dispatcher.process.pid != first


def test_the_dispatcher_ends_when_its_server_is_killed(sqlite_context: AppContext):
    server = subprocess.Popen(  # stands for a web server killed without its lifespan's end
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time; "
            "import os; subprocess.Popen([sys.executable, '-m', 'reminders', 'run', "
            "'--parent', str(os.getpid())]); "
            "time.sleep(600)",
        ],
        cwd=ROOT,
        env=dispatcher_env(sqlite_context),
    )
    try:
        assert wait_until(lambda: len(dispatcher_children(server.pid)) == 1)
        (child,) = dispatcher_children(server.pid)
        server.kill()
        server.wait()

        assert wait_until(lambda: process_facts(child) is None, seconds=20), process_facts(child)
    finally:
        if server.poll() is None:
            server.kill()
