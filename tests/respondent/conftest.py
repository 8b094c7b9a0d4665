"""A live server of the respondent routes (uvicorn in a thread, the same Starlette routes as
the real server) for the browser tests, and one Chromium per module."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from surveys.respondent.routes import respondent_routes
from surveys.runtime import AppContext
from surveys.staff.routes import staff_routes
from tests.support.browser import chromium
from tests.support.ports import free_port


@dataclass
class LiveServer:
    base_url: str
    context: AppContext


@pytest.fixture
def live_server(sqlite_context: AppContext) -> Iterator[LiveServer]:
    """The staff and respondent routes served on a free loopback port, no access log."""
    app = Starlette(routes=[*staff_routes(sqlite_context), *respondent_routes(sqlite_context)])
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", sqlite_context)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
