"""What the respondent's routes share: responses with the respondent's headers, the
database plumbing, the refusal and error pages, the form page.

Database work: each POST is one write transaction, and its HTML is rendered after the commit.
On SQLite, reads run inline (sub-millisecond, in-process) and writes go through one writer
thread in arrival order; on PostgreSQL both go to the thread pool. See `RouteBase.read`
and `RouteBase.write`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from surveys.campaigns import answer_url
from surveys.db import is_sqlite, write_bind, write_session
from surveys.http.limits import SlidingLimit
from surveys.http.responses import SECURITY_HEADERS, request_language
from surveys.i18n import t
from surveys.models import utc_now
from surveys.respondent.drafts import mark_opened
from surveys.respondent.form import FieldError
from surveys.respondent.links import Link, LinkState, OrganisationInfo
from surveys.respondent.rendering import (
    render_form_page,
    render_invalid_link_page,
    render_message_page,
)
from surveys.respondent.security import form_guard
from surveys.runtime import AppContext

logger = logging.getLogger("surveys.respondent.routes")

RESPONDENT_HEADERS = {**SECURITY_HEADERS, "X-Robots-Tag": "noindex, nofollow"}
INVALID_STATUS = {
    LinkState.UNKNOWN: 404,
    LinkState.EXPIRED: 410,
    LinkState.CLOSED: 410,
    LinkState.OPTED_OUT: 410,
}

Render = Callable[[], Response]
T = TypeVar("T")


def html(body: str, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return HTMLResponse(
        body, status_code=status_code, headers={**RESPONDENT_HEADERS, **(headers or {})}
    )


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=RESPONDENT_HEADERS)


def field_value(fields: Sequence[tuple[str, str]], name: str) -> str:
    return next((value for key, value in fields if key == name), "")


@dataclass
class RouteBase:
    context: AppContext
    throttle: SlidingLimit
    clock: Callable[[], datetime] = utc_now
    # Set from the database kind (see `read`, `write` and `writing`):
    write_lock: AbstractContextManager[Any] = field(init=False, default_factory=nullcontext)
    inline_reads: bool = field(init=False, default=False)
    write_engine: sa.Engine = field(init=False)
    writer: ThreadPoolExecutor | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        engine = self.context.engine
        self.write_engine = engine
        if is_sqlite(str(engine.url)):
            self.write_lock = threading.Lock()
            self.inline_reads = True
            self.write_engine = write_bind(engine)
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers-writer")

    @property
    def secret(self) -> str:
        return self.context.settings.session_secret

    async def read(self, function: Callable[[], Link]) -> Link:
        """Run a read. SQLite reads are in-process calls of a fraction of a millisecond, less
        than a hop to the thread pool costs, so they run inline; PostgreSQL reads wait on the
        network, so they go to the thread pool and the event loop never waits."""
        if self.inline_reads:
            return function()
        return await run_in_threadpool(function)

    async def write(self, function: Callable[[], T]) -> T:
        """Run a write transaction off the event loop. On SQLite all of them go through one
        writer thread, in arrival order: the database takes one writer at a time anyway, and
        a queue is fairer and cheaper than threads contending for its lock."""
        if self.writer is not None:
            return await asyncio.get_running_loop().run_in_executor(self.writer, function)
        return await run_in_threadpool(function)

    def mark_opened(self, link: Link, now: datetime) -> None:
        with self.writing() as session:
            mark_opened(session=session, link=link, now=now)

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """A write transaction. On SQLite, writers of this process queue on a lock first: the
        database takes one writer at a time anyway, and a thread waiting on the lock wakes as
        soon as it is free, where SQLite's busy handler polls with sleeps of up to 100 ms
        (the tail latency of concurrent saves)."""
        with self.write_lock, self.write_engine.begin() as connection:
            yield connection

    @contextmanager
    def writing_session(self) -> Iterator[Session]:
        """The same, as an ORM session (for the opt-out, which writes the audit log)."""
        with self.write_lock, write_session(self.context.engine) as session:
            yield session

    def guard(self, token: str, section: int) -> str:
        return form_guard(
            session_secret=self.secret, token=token, purpose="section", section=section
        )

    def count_invalid(self, connection: sa.Connection, address: str, now: datetime) -> int:
        """One more invalid token from `address`: the wait when it is over the limit."""
        return self.throttle.check_and_record(connection, address, now)

    def record_invalid(self, address: str, now: datetime) -> int:
        with self.writing() as connection:
            return self.count_invalid(connection, address, now)

    def refuse_invalid(
        self, wait: int, link: Link, language: str, organisation: OrganisationInfo
    ) -> Response:
        """An unknown token: 404, or 429 once its address has sent too many."""
        if wait:
            return self.too_many(language, wait, organisation)
        return self.invalid(link, language, organisation)

    def too_many(
        self, language: str, wait_seconds: int, organisation: OrganisationInfo
    ) -> Response:
        body = render_message_page(
            title=t("respondent.invalid.too_many_title", language),
            message=t(
                "respondent.invalid.too_many", language, minutes=max(1, (wait_seconds + 59) // 60)
            ),
            language=language,
            organisation=organisation,
            is_error=True,
        )
        return html(body, 429, {"Retry-After": str(wait_seconds)})

    def invalid(self, link: Link, language: str, organisation: OrganisationInfo) -> Response:
        body = render_invalid_link_page(
            link.state.value, language=language, organisation=organisation
        )
        return html(body, INVALID_STATUS[link.state])

    def current_page(
        self, token: str, link: Link, organisation: OrganisationInfo, **options: Any
    ) -> Response:
        """The form page where the link stands (its current section, its saved answers)."""
        return self.form_page(
            token,
            link,
            organisation,
            section=link.current_section,
            answers=link.answers,
            **options,
        )

    def form_page(
        self,
        token: str,
        link: Link,
        organisation: OrganisationInfo,
        *,
        language: str,
        section: int,
        answers: Mapping[str, Any],
        errors: Sequence[FieldError] = (),
        notice: str = "",
        status_code: int = 200,
        language_urls: Mapping[str, str] | None = None,
    ) -> Response:
        assert link.form is not None
        body = render_form_page(
            link.form,
            language=language,
            section_index=section,
            answers=answers,
            errors=errors,
            organisation=organisation,
            action_url=answer_url(token),
            guard=self.guard(token, section),
            language_urls=language_urls,
            notice=notice,
            editing=link.state is LinkState.COMPLETED,
        )
        return html(body, status_code)

    def failure_page(self, request: Request, route: str, error: Exception) -> Response:
        # Where it failed, but not the exception's message: database errors quote their
        # parameters, which may be a person's answers. Never the URL (it holds the token).
        frames = "".join(traceback.format_tb(error.__traceback__))
        logger.error("respondent route %s failed with %s\n%s", route, type(error).__name__, frames)
        language = request_language(request)
        body = render_message_page(
            title=t("respondent.invalid.server_error_title", language),
            message=t("respondent.invalid.server_error", language),
            language=language,
            organisation=OrganisationInfo(),
            is_error=True,
        )
        return html(body, 500)
