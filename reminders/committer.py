"""How the dispatcher commits "this message is `sending`" while it composes the message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

Commit = Callable[..., Callable[[], bool]]


@contextmanager
def committer(engine: sa.Engine) -> Iterator[Commit]:
    """Runs `begin_sending(connection, *args)` and returns how to wait for its answer: on
    PostgreSQL in a thread of its own, on one autocommit connection (the round trip overlaps
    the composing and the envelope); on SQLite (in-process, nothing to overlap) at once, with
    connection None (it opens its own write transaction)."""
    if engine.dialect.name != "postgresql":

        def at_once(function: Callable[..., bool], *args: Any) -> Callable[[], bool]:
            done = function(None, *args)
            return lambda: done

        yield at_once
        return
    with engine.connect() as connection, ThreadPoolExecutor(1) as thread:
        quick = connection.execution_options(isolation_level="AUTOCOMMIT")

        def in_thread(function: Callable[..., bool], *args: Any) -> Callable[[], bool]:
            return thread.submit(function, quick, *args).result

        yield in_thread
