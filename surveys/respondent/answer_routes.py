"""`GET /r/{token}`: the current page of the survey (or thank-you, or a friendly invalid
page); `?lang=en` switches the language, `?edit=1` reopens a submitted response when allowed.
`POST /r/{token}`: save a section (`action` = next / back / submit); redirect on success."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import Response

from surveys.campaigns import answer_url
from surveys.config import paris_day
from surveys.http.bodies import read_body
from surveys.http.responses import client_address, request_language
from surveys.i18n import t
from surveys.respondent.drafts import save_section
from surveys.respondent.form import (
    FieldError,
    MalformedPost,
    SectionInput,
    SurveyForm,
    first_incomplete_section,
    merge_section,
    missing_answers,
    parse_section,
    parse_urlencoded,
)
from surveys.respondent.links import Link, LinkState, OrganisationInfo, resolve_link
from surveys.respondent.rendering import render_thanks_page
from surveys.respondent.route_base import Render, RouteBase, field_value, html, redirect
from surveys.respondent.security import guard_is_valid
from surveys.respondent.submit import submit_response

MAX_FORM_BYTES = 256 * 1024  # 4+ texts of 5,000 characters, even fully percent-encoded
ACTIONS = ("next", "back", "submit")


def last_day(closes_at: datetime) -> date:
    """The last Paris day on which a campaign closing at `closes_at` can still be answered."""
    return paris_day(closes_at - timedelta(seconds=1))


@dataclass(frozen=True)
class PostedSection:
    """A section post, parsed: which page, what action, which language, what fields."""

    index: int
    action: str
    language: str
    fields: list[tuple[str, str]] = field(default_factory=list)


def next_section(
    form: SurveyForm, posted: PostedSection, merged: Mapping[str, Any]
) -> tuple[int, Sequence[FieldError]]:
    """Where the respondent goes after a post, and the answers still missing that keep them."""
    last = len(form.sections) - 1
    missing = missing_answers(form.sections[posted.index].questions, merged)
    incomplete = first_incomplete_section(form, merged)
    if posted.action == "back":
        return max(posted.index - 1, 0), missing
    if missing:
        return posted.index, missing
    if posted.action == "submit" and posted.index == last and incomplete:
        return incomplete[0], incomplete[1]
    return min(posted.index + 1, last), missing


class AnswerRoutes(RouteBase):
    def read_link(self, token: str, now: datetime) -> Link:
        with self.context.engine.connect() as connection:
            return resolve_link(session=connection, token=token, now=now)

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
                edit_url=answer_url(token) + "?edit=1" if link.editable else "",
                editable_until=until,
                replaced=request.query_params.get("changed") == "1",
                language_urls=urls,
            )
            return html(body)
        return self.current_page(token, link, organisation, language=language, language_urls=urls)

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
                return partial(redirect, answer_url(token))
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
        notice = t(key, language, **params)
        return partial(
            self.current_page,
            token,
            link,
            organisation,
            language=language,
            notice=notice,
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

    def _read_post(
        self,
        token: str,
        link: Link,
        organisation: OrganisationInfo,
        body: bytes | None,
        content_type: str,
    ) -> tuple[PostedSection, SectionInput] | Render:
        """The posted section, parsed and checked, or how to refuse it."""
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
            return posted, parse_section(form, posted.index, posted.fields)
        except MalformedPost as error:
            return self._refuse(token, link, organisation, error.key, 400, language)

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
        form = link.form
        assert form is not None
        read = self._read_post(token, link, organisation, body, content_type)
        if not isinstance(read, tuple):
            return read
        posted, parsed = read
        language = posted.language
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
        target, missing = next_section(form, posted, merged)
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
        if posted.action == "submit" and posted.index == len(form.sections) - 1:
            saved = replace(link, answers=merged, has_draft=True, language=language)
            outcome = submit_response(session=session, link=saved, now=now, answers=merged)
            suffix = "?changed=1" if outcome.status == "replaced" else ""
            return partial(redirect, answer_url(token) + suffix)
        return partial(redirect, answer_url(token))
