"""A live server of the respondent routes (uvicorn in a thread, the same Starlette routes as
the real server) for the browser tests, and one Chromium per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette

from surveys.respondent.routes import respondent_routes
from surveys.runtime import AppContext
from surveys.staff.routes import staff_routes
from tests.support.browser import chromium
from tests.support.ports import free_port
from tests.support.server import LiveServer, serve_in_thread


@pytest.fixture
def live_server(sqlite_context: AppContext) -> Iterator[LiveServer]:
    """The staff and respondent routes served on a free loopback port, no access log."""
    app = Starlette(routes=[*staff_routes(sqlite_context), *respondent_routes(sqlite_context)])
    with serve_in_thread(app, free_port()) as base_url:
        yield LiveServer(base_url, sqlite_context)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched
