"""`GET /u/{token}`: the unsubscribe page; `POST /u/{token}`: unsubscribe, either from that
page's form or by a mail client's one-click POST (RFC 8058, body `List-Unsubscribe=One-Click`)."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response

from surveys.campaigns import answer_url, unsubscribe_url
from surveys.db import read_session
from surveys.http.bodies import read_body
from surveys.http.responses import client_address, request_language
from surveys.i18n import normalise_language
from surveys.respondent.form import MalformedPost, parse_urlencoded
from surveys.respondent.links import Link, LinkState, OrganisationInfo, organisation_info
from surveys.respondent.opt_out import opt_out, unsubscribe_status
from surveys.respondent.rendering import render_unsubscribe_page
from surveys.respondent.route_base import Render, RouteBase, field_value, html
from surveys.respondent.security import form_guard, guard_is_valid

MAX_UNSUBSCRIBE_BYTES = 4096
ONE_CLICK_BODY = b"List-Unsubscribe=One-Click"


class UnsubscribeRoutes(RouteBase):
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
            action_url=unsubscribe_url(token),
            survey_url=answer_url(token),
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
