"""The dispatch loop: standalone (`python -m reminders run`) or as a thread inside the web
server (started from the `st.App` lifespan when DISPATCHER=on)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from reminders.dispatcher import DEFAULT_BATCH_SIZE, DispatchOptions, run_pass
from reminders.transport import Sender
from reminders.webhooks import deliver_webhooks
from surveys.models import utc_now
from surveys.runtime import AppContext

log = logging.getLogger("reminders.worker")
DEFAULT_INTERVAL_SECONDS = 30.0


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
    """The loop on a daemon thread, stopped cleanly (between two messages) by `stop()`."""

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
        log.info("in-process email dispatcher started")
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
