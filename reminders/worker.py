"""The dispatch loop: `python -m reminders run`, which the web server starts as its child
process when DISPATCHER=on (`DispatcherProcess`, from the `st.App` lifespan), or a thread
driven by a test's clock (`BackgroundDispatcher`)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from reminders.dispatcher import DEFAULT_BATCH_SIZE, DispatchOptions, run_pass
from reminders.transport import Sender
from reminders.webhooks import deliver_webhooks
from surveys.models import utc_now
from surveys.runtime import AppContext

log = logging.getLogger("reminders.worker")
DEFAULT_INTERVAL_SECONDS = 30.0
DISPATCHER_NICENESS = 10  # below the web server: respondents first


def run_loop(
    *,
    context: AppContext,
    stop: threading.Event,
    interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
    sender: Sender | None = None,
    clock: Callable[[], datetime] = utc_now,
    batch_size: int = DEFAULT_BATCH_SIZE,
    options: DispatchOptions | None = None,
    on_pass: Callable[[dict[str, int]], None] | None = None,
) -> None:
    """Plan and send until `stop` is set; a pass that ran out of time starts again at once.

    A failing pass (database down...) is logged and tried again after the interval: the
    loop must outlive a bad minute.
    """
    while not stop.is_set():
        more = False
        try:
            planned, summary = run_pass(
                context=context,
                now=clock(),
                sender=sender,
                batch_size=batch_size,
                options=options,
                should_stop=stop.is_set,
            )
            more = summary.more and summary.sent > 0
            hooks = deliver_webhooks(
                engine=context.engine,
                now=clock(),
                lease_seconds=context.settings.dispatch_lease_seconds,
            )
            if on_pass is not None:
                webhooks = {f"webhooks_{name}": count for name, count in hooks.items()}
                on_pass({"planned": planned, **summary.as_dict(), **webhooks})
        except Exception:
            log.exception("dispatch pass failed; trying again in %s s", interval_seconds)
        if not more:
            stop.wait(interval_seconds)


class BackgroundDispatcher:
    """The loop on a daemon thread, stopped cleanly (between two messages) by `stop()`. For
    tests and tools that drive the loop with their own clock; the web server runs the loop in
    a process of its own (`DispatcherProcess`)."""

    def __init__(
        self,
        context: AppContext,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run_loop,
            name="reminders-dispatcher",
            daemon=True,
            kwargs={
                "context": context,
                "stop": self.stop_event,
                "interval_seconds": interval_seconds,
                "clock": clock,
            },
        )

    def start(self) -> BackgroundDispatcher:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)


def start_background_dispatcher(
    context: AppContext,
    interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
    clock: Callable[[], datetime] = utc_now,
) -> BackgroundDispatcher:
    return BackgroundDispatcher(context, interval_seconds, clock).start()


class DispatcherProcess:
    """The web server's email dispatcher (DISPATCHER=on): `python -m reminders run` as its
    child process, with the server's environment, at a lower CPU priority.

    Why not a thread of the server: composing and sending mail holds the interpreter lock
    that the respondents' event loop needs. Measured with benchmarks/answer_bench.py (50
    respondents saving and loading pages while a 10,000-message backlog goes out): as a
    thread, the section page's p95 went 7.6x its quiet figure and 64 messages/s went out; as
    this child, 3.7-4.5x and 280-430 messages/s. The child restarts after `restart_delay`
    seconds if it dies; `stop()` sends SIGTERM, and the loop stops between two messages."""

    def __init__(
        self,
        *,
        niceness: int = DISPATCHER_NICENESS,
        restart_delay: float = 5.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.command = [
            sys.executable, "-m", "reminders", "run", "--nice", str(niceness),
            "--parent", str(os.getpid()), *extra_args,
        ]  # fmt: skip
        self.restart_delay = restart_delay
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # no new child once stop() has begun
        self.supervisor = threading.Thread(
            target=self._supervise, name="reminders-dispatcher", daemon=True
        )

    def start(self) -> DispatcherProcess:
        self.process = self._spawn()
        self.supervisor.start()
        log.info("email dispatcher started (process %s)", self.process.pid)
        return self

    def _spawn(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))
        return subprocess.Popen(self.command, cwd=root, env={**os.environ, "PYTHONPATH": path})

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            assert self.process is not None
            code = self.process.wait()
            if self.stopping.wait(self.restart_delay):
                return
            with self.lock:
                if self.stopping.is_set():
                    return
                log.error("email dispatcher exited with %s; starting it again", code)
                self.process = self._spawn()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.error("email dispatcher did not stop in %s s; killed", timeout)
                process.kill()
                process.wait()
        self.supervisor.join(timeout)


def start_dispatcher_process(**options: Any) -> DispatcherProcess:
    return DispatcherProcess(**options).start()
