"""The respondent's HTTP routes, served by the one server (`st.App(routes=...)`).

- `GET /r/{token}`: the current page of the survey (or thank-you, or a friendly invalid page);
  `?lang=en` switches the language, `?edit=1` reopens a submitted response when allowed.
- `POST /r/{token}`: save a section (`action` = next / back / submit); redirect on success.
- `GET /u/{token}`: unsubscribe page; `POST /u/{token}`: unsubscribe, either from that page's
  form or by a mail client's one-click POST (RFC 8058, body `List-Unsubscribe=One-Click`).

Tokens never reach a log: the server keeps no access log, and nothing here logs a URL or a
token (failures are logged by route name). Every page sends `Referrer-Policy: no-referrer`,
a same-origin Content-Security-Policy and `Cache-Control: no-store`; pages load only
`/assets/site.css` from this server.

Database work: each POST is one write transaction, and its HTML is rendered after the commit.
On SQLite, reads run inline (sub-millisecond, in-process) and writes go through one writer
thread in arrival order; on PostgreSQL both go to the thread pool. See `RespondentRoutes.read`
and `RespondentRoutes.write`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial, wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from surveys.db import is_sqlite, read_session, write_bind, write_session
from surveys.http.bodies import read_body
from surveys.http.limits import SlidingLimit
from surveys.http.responses import SECURITY_HEADERS, client_address, request_language
from surveys.i18n import normalise_language, t
from surveys.models import utc_now
from surveys.respondent.form import (
    FieldError,
    MalformedPost,
    first_incomplete_section,
    merge_section,
    missing_answers,
    parse_section,
    parse_urlencoded,
)
from surveys.respondent.rendering import (
    render_form_page,
    render_invalid_link_page,
    render_message_page,
    render_thanks_page,
    render_unsubscribe_page,
)
from surveys.respondent.security import form_guard, guard_is_valid, invalid_link_limit
from surveys.respondent.service import (
    PARIS,
    Link,
    LinkState,
    OrganisationInfo,
    mark_opened,
    opt_out,
    organisation_info,
    resolve_link,
    save_section,
    submit_response,
    unsubscribe_status,
)
from surveys.runtime import AppContext

logger = logging.getLogger(__name__)

MAX_FORM_BYTES = 256 * 1024  # 4+ texts of 5,000 characters, even fully percent-encoded
MAX_UNSUBSCRIBE_BYTES = 4096
ONE_CLICK_BODY = b"List-Unsubscribe=One-Click"
RESPONDENT_HEADERS = {**SECURITY_HEADERS, "X-Robots-Tag": "noindex, nofollow"}
INVALID_STATUS = {
    LinkState.UNKNOWN: 404,
    LinkState.EXPIRED: 410,
    LinkState.CLOSED: 410,
    LinkState.OPTED_OUT: 410,
}
ACTIONS = ("next", "back", "submit")

Render = Callable[[], Response]
T = TypeVar("T")


def html(body: str, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return HTMLResponse(
        body, status_code=status_code, headers={**RESPONDENT_HEADERS, **(headers or {})}
    )


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=RESPONDENT_HEADERS)


def last_day(closes_at: datetime) -> date:
    """The last Paris day on which a campaign closing at `closes_at` can still be answered."""
    return (closes_at - timedelta(seconds=1)).astimezone(PARIS).date()


def field_value(fields: Sequence[tuple[str, str]], name: str) -> str:
    return next((value for key, value in fields if key == name), "")


@dataclass(frozen=True)
class PostedSection:
    """A section post, parsed: which page, what action, which language, what fields."""

    index: int
    action: str
    language: str
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RespondentRoutes:
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

    # ---- helpers -------------------------------------------------------------------------
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

    def read_link(self, token: str, now: datetime) -> Link:
        with self.context.engine.connect() as connection:
            return resolve_link(session=connection, token=token, now=now)

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
            action_url=f"/r/{token}",
            guard=self.guard(token, section),
            language_urls=language_urls,
            notice=notice,
            editing=link.state is LinkState.COMPLETED,
        )
        return html(body, status_code)

    # ---- GET /r/{token} ------------------------------------------------------------------
    async def answer_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        now = self.clock()
        link = await self.read(partial(self.read_link, token, now))  # valid links first
        organisation = link.organisation
        if link.state is LinkState.UNKNOWN:
            address = client_address(request, self.context.settings)
            wait = await self.write(partial(self.record_invalid, address, now))
            return self.refuse_invalid(wait, link, request_language(request), organisation)
        if link.form is None:
            return self.invalid(link, request_language(request), organisation)
        chosen = request.query_params.get("lang")
        language = link.form.language_or_default(chosen or link.language)
        urls = {
            code: "?" + urlencode({**request.query_params, "lang": code})
            for code in link.form.languages
        }
        if not link.opened:
            await self.write(partial(self.mark_opened, link, now))
        wants_edit = link.has_draft or request.query_params.get("edit") == "1"
        if link.state is LinkState.COMPLETED and not (link.editable and wants_edit):
            until = last_day(link.closes_at) if link.editable and link.closes_at else None
            body = render_thanks_page(
                link.form,
                language=language,
                organisation=organisation,
                edit_url=f"/r/{token}?edit=1" if link.editable else "",
                editable_until=until,
                replaced=request.query_params.get("changed") == "1",
                language_urls=urls,
            )
            return html(body)
        return self.form_page(
            token,
            link,
            organisation,
            language=language,
            section=link.current_section,
            answers=link.answers,
            language_urls=urls,
        )

    # ---- POST /r/{token} -----------------------------------------------------------------
    async def answer_submit(self, request: Request) -> Response:
        token = request.path_params["token"]
        address = client_address(request, self.context.settings)
        body = await read_body(request, MAX_FORM_BYTES)
        content_type = request.headers.get("content-type", "")
        render = await self.write(
            partial(
                self.save_posted_section,
                token,
                address,
                body,
                content_type,
                request_language(request),
            )
        )
        return render()

    def save_posted_section(
        self,
        token: str,
        address: str,
        body: bytes | None,
        content_type: str,
        fallback_language: str,
    ) -> Render:
        """One write transaction; returns how to answer, rendered after the commit."""
        now = self.clock()
        with self.writing() as session:
            link = resolve_link(session=session, token=token, now=now, lock=True)
            organisation = link.organisation
            if link.state is LinkState.UNKNOWN:
                wait = self.count_invalid(session, address, now)
                return partial(self.refuse_invalid, wait, link, fallback_language, organisation)
            if link.form is None:
                return partial(self.invalid, link, fallback_language, organisation)
            if not link.answerable:
                return partial(redirect, f"/r/{token}")
            return self._save(session, token, link, organisation, body, content_type, now)

    def _refuse(
        self,
        token: str,
        link: Link,
        organisation: OrganisationInfo,
        key: str,
        status: int,
        language: str,
        **params: Any,
    ) -> Render:
        return partial(
            self.form_page,
            token,
            link,
            organisation,
            language=language,
            section=link.current_section,
            answers=link.answers,
            notice=t(key, language, **params),
            status_code=status,
        )

    def _posted(self, link: Link, body: bytes, content_type: str) -> PostedSection:
        assert link.form is not None
        fields = parse_urlencoded(body, content_type)
        section = field_value(fields, "section")
        action = field_value(fields, "action") or "next"
        if not section.isdigit() or action not in ACTIONS:
            raise MalformedPost("respondent.errors.invalid_section")
        language = link.form.language_or_default(field_value(fields, "lang") or link.language)
        return PostedSection(int(section), action, language, fields)

    def _save(
        self,
        session: sa.Connection,
        token: str,
        link: Link,
        organisation: OrganisationInfo,
        body: bytes | None,
        content_type: str,
        now: datetime,
    ) -> Render:
        form, language = link.form, link.language
        assert form is not None
        if body is None:
            return self._refuse(
                token,
                link,
                organisation,
                "respondent.errors.too_large",
                413,
                language,
                limit=MAX_FORM_BYTES // 1024,
            )
        try:
            posted = self._posted(link, body, content_type)
            language = posted.language
            if not guard_is_valid(
                field_value(posted.fields, "guard"),
                session_secret=self.secret,
                token=token,
                purpose="section",
                section=posted.index,
            ):
                return self._refuse(
                    token, link, organisation, "respondent.errors.forged", 403, language
                )
            parsed = parse_section(form, posted.index, posted.fields)
        except MalformedPost as error:
            return self._refuse(token, link, organisation, error.key, 400, language)
        show = partial(self.form_page, token, link, organisation, language=language)
        if parsed.errors:  # a text over its limit: keep what was typed, save nothing
            return partial(
                show,
                section=posted.index,
                status_code=422,
                errors=parsed.errors,
                answers={**link.answers, **parsed.answers},
            )
        merged = merge_section(form, posted.index, link.answers, parsed.answers)
        last = len(form.sections) - 1
        missing = missing_answers(form.sections[posted.index].questions, merged)
        incomplete = first_incomplete_section(form, merged)
        if posted.action == "back":
            target = max(posted.index - 1, 0)
        elif missing:
            target = posted.index
        elif posted.action == "submit" and posted.index == last and incomplete:
            target, missing = incomplete[0], incomplete[1]
        else:
            target = min(posted.index + 1, last)
        merged = save_section(
            session=session,
            link=link,
            section_index=posted.index,
            section_answers=parsed.answers,
            next_section=target,
            now=now,
            language=language,
        )
        if posted.action != "back" and missing:
            return partial(show, section=target, answers=merged, errors=missing, status_code=422)
        if posted.action == "submit" and posted.index == last:
            saved = replace(link, answers=merged, has_draft=True, language=language)
            outcome = submit_response(session=session, link=saved, now=now, answers=merged)
            suffix = "?changed=1" if outcome.status == "replaced" else ""
            return partial(redirect, f"/r/{token}{suffix}")
        return partial(redirect, f"/r/{token}")

    # ---- /u/{token} ----------------------------------------------------------------------
    def unsubscribe_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        with read_session(self.context.engine) as session:
            status = unsubscribe_status(session=session, token=token)
            organisation = organisation_info(session)
        if status is None:
            address = client_address(request, self.context.settings)
            wait = self.record_invalid(address, self.clock())
            language = request_language(request)
            return self.refuse_invalid(wait, Link(LinkState.UNKNOWN), language, organisation)
        opted_out, language = status
        language = request_language(request) if request.query_params.get("lang") else language
        return self.unsubscribe_response(token, organisation, language, done=opted_out)

    def unsubscribe_response(
        self,
        token: str,
        organisation: OrganisationInfo,
        language: str,
        *,
        done: bool,
        status_code: int = 200,
    ) -> Response:
        guard = form_guard(session_secret=self.secret, token=token, purpose="unsubscribe")
        body = render_unsubscribe_page(
            language=language,
            organisation=organisation,
            done=done,
            guard=guard,
            action_url=f"/u/{token}",
            survey_url=f"/r/{token}",
        )
        return html(body, status_code)

    async def unsubscribe_submit(self, request: Request) -> Response:
        token = request.path_params["token"]
        address = client_address(request, self.context.settings)
        body = await read_body(request, MAX_UNSUBSCRIBE_BYTES) or b""
        content_type = request.headers.get("content-type", "")
        render = await self.write(
            partial(
                self.opt_out_posted, token, address, body, content_type, request_language(request)
            )
        )
        return render()

    def opt_out_posted(
        self, token: str, address: str, body: bytes, content_type: str, language: str
    ) -> Render:
        # RFC 8058: a mail client's one-click POST carries no form value but the token, which
        # is the proof; a post from our page carries its anti-forgery value.
        one_click = body.strip() == ONE_CLICK_BODY
        try:
            fields = [] if one_click else parse_urlencoded(body, content_type)
        except MalformedPost:
            fields = []
        language = normalise_language(field_value(fields, "lang") or language)
        guarded = guard_is_valid(
            field_value(fields, "guard"),
            session_secret=self.secret,
            token=token,
            purpose="unsubscribe",
        )
        with self.writing_session() as session:
            organisation = organisation_info(session)
            if unsubscribe_status(session=session, token=token) is None:
                wait = self.count_invalid(session.connection(), address, self.clock())
                unknown = Link(LinkState.UNKNOWN)
                return partial(self.refuse_invalid, wait, unknown, language, organisation)
            if not (one_click or guarded):
                return partial(
                    self.unsubscribe_response,
                    token,
                    organisation,
                    language,
                    done=False,
                    status_code=403,
                )
            opt_out(session=session, token=token, now=self.clock())
        return partial(self.unsubscribe_response, token, organisation, language, done=True)

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


def _guarded_sync(routes: RespondentRoutes, name: str, endpoint: Callable[[Request], Response]):
    @wraps(endpoint)
    def guarded(request: Request) -> Response:
        try:
            return endpoint(request)
        except Exception as error:
            return routes.failure_page(request, name, error)

    return guarded


def _guarded_async(
    routes: RespondentRoutes, name: str, endpoint: Callable[[Request], Awaitable[Response]]
):
    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as error:
            return routes.failure_page(request, name, error)

    return guarded


def respondent_routes(
    context: AppContext,
    *,
    throttle: SlidingLimit | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> list[BaseRoute]:
    """The answer and unsubscribe routes (`throttle` and `clock` are for tests)."""
    routes = RespondentRoutes(context, throttle or invalid_link_limit(), clock)
    return [
        Route(
            "/r/{token}", _guarded_async(routes, "answer_page", routes.answer_page), methods=["GET"]
        ),
        Route(
            "/r/{token}",
            _guarded_async(routes, "answer_submit", routes.answer_submit),
            methods=["POST"],
        ),
        Route(
            "/u/{token}",
            _guarded_sync(routes, "unsubscribe_page", routes.unsubscribe_page),
            methods=["GET"],
        ),
        Route(
            "/u/{token}",
            _guarded_async(routes, "unsubscribe_submit", routes.unsubscribe_submit),
            methods=["POST"],
        ),
    ]
