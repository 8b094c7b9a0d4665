"""The session link's routes (`st.App(routes=...)`), next to the answer routes.

- `GET /s/{token}`: a named survey asks for the learner's email; an anonymous one gives this
  device a seat (a cookie holding the seat's answer link) and sends it to `/r/...`.
- `POST /s/{token}`: the email; the learner's own link goes to their mailbox at once.
- `GET /p/{token}` (+ `/count.json`, `/qr.png`): the trainer's projection page, no names.

Limits: a valid link always opens, like answer links. Invalid session links count in a scope
of their own (a room mistyping its short URL never spends the answer links' allowance);
emails typed are limited per address (`EMAILS_PER_ADDRESS`, generous for a room behind one
NAT) and per person (`EMAILS_PER_PERSON`); seats are capped by the number of learners.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from surveys.db import read_session, write_session
from surveys.http.bodies import read_body
from surveys.http.limits import SlidingLimit
from surveys.http.public_url import PublicUrlUnknown, public_base_url
from surveys.http.responses import client_address
from surveys.i18n import LANGUAGE_NAMES, t
from surveys.models import utc_now
from surveys.rendering import render_html
from surveys.respondent.form import parse_urlencoded
from surveys.respondent.rendering import render_invalid_link_page, render_message_page
from surveys.respondent.route_base import RESPONDENT_HEADERS, html
from surveys.respondent.security import form_guard, guard_is_valid
from surveys.respondent.service import organisation_info
from surveys.room import service
from surveys.room.links import room_token, room_url
from surveys.room.printable import qr_png
from surveys.runtime import AppContext

logger = logging.getLogger(__name__)

INVALID_ROOM_LINKS = SlidingLimit("invalid_session_link", 60, 600)
SEAT_COOKIE = "qs_seat_{link_id}"
MAX_EMAIL_BODY = 4096
REFRESH_SECONDS = 5
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _language(request: Request, room: service.Room, form_value: str = "") -> str:
    chosen = form_value or request.query_params.get("lang", "")
    return chosen if chosen in room.languages else room.languages[0]


def _language_links(room: service.Room, language: str) -> list[dict[str, str]]:
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "url": f"?lang={code}"}
        for code in room.languages
        if code != language and code in LANGUAGE_NAMES
    ]


def _is_https(base_url: str) -> bool:
    return base_url.startswith("https://")


class RoomRoutes:
    def __init__(self, context: AppContext, clock: Callable[[], datetime] = utc_now) -> None:
        self.context, self.clock = context, clock

    @property
    def secret(self) -> str:
        return self.context.settings.session_secret

    def _base(self, request: Request) -> str:
        """The public base of links (the request's own when none is known yet)."""
        try:
            return public_base_url(self.context.engine, self.context.settings)
        except PublicUrlUnknown:
            return str(request.base_url).rstrip("/")

    def _message(self, session: Session, key: str, language: str, status: int) -> Response:
        body = render_message_page(
            title=t(f"room.{key}_title", language),
            message=t(f"room.{key}", language),
            language=language,
            organisation=organisation_info(session),
        )
        return html(body, status)

    def _invalid(self, request: Request, reason: str = "unknown") -> Response:
        """An unknown (counted per address) or closed session link."""
        now, address = self.clock(), client_address(request, self.context.settings)
        with write_session(self.context.engine) as session:
            if reason == "unknown":
                wait = INVALID_ROOM_LINKS.check_and_record(session.connection(), address, now)
                if wait:
                    response = self._message(session, "too_many", "fr", 429)
                    response.headers["Retry-After"] = str(wait)
                    return response
            body = render_invalid_link_page(
                reason, language="fr", organisation=organisation_info(session)
            )
        return html(body, 404 if reason == "unknown" else 410)

    # ---- learners ------------------------------------------------------------------------
    def room_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        with read_session(self.context.engine) as session:
            room = service.find_room(session, token)
            if room is not None and not room.closed and self.clock() < room.closes_at:
                if room.anonymous:
                    return self._anonymous(request, session, room)
                return self._identify(request, session, room)
        return self._invalid(request, "unknown" if room is None else "closed")

    def _identify(
        self, request: Request, session: Session, room: service.Room, error: str = ""
    ) -> Response:
        language = _language(request, room)
        token = room_token(salt=room.salt, session_secret=self.secret)
        template = "room/check_mail.html" if request.query_params.get("sent") else None
        body = render_html(
            template or "room/identify.html",
            lang=language,
            page_title=t("room.check_mail_title" if template else "room.email_label", language),
            organisation_name=organisation_info(session).name,
            language_links=_language_links(room, language),
            survey=room.survey_title(language),
            action_url=f"/s/{token}",
            again_url=f"/s/{token}?lang={language}",
            guard=form_guard(session_secret=self.secret, token=token, purpose="room_email"),
            error=error,
            email="",
        )
        return html(body, 422 if error else 200)

    def _anonymous(self, request: Request, session: Session, room: service.Room) -> Response:
        cookie = SEAT_COOKIE.format(link_id=room.link_id)
        held = request.cookies.get(cookie, "")
        if held and service.seat_token(session, room, held):
            return RedirectResponse(f"/r/{held}", 303, headers=RESPONDENT_HEADERS)
        with write_session(self.context.engine) as writer:
            seat = service.open_seat(writer, room, session_secret=self.secret)
        if seat is None:
            return self._message(session, "full", room.languages[0], 409)
        response = RedirectResponse(f"/r/{seat}", 303, headers=RESPONDENT_HEADERS)
        max_age = max(60, int((room.closes_at - self.clock()).total_seconds()))
        secure = _is_https(self._base(request))
        response.set_cookie(
            cookie, seat, max_age=max_age, path="/s/", httponly=True, samesite="lax", secure=secure
        )
        return response

    async def room_submit(self, request: Request) -> Response:
        body = await read_body(request, MAX_EMAIL_BODY)
        fields = parse_urlencoded(body or b"", request.headers.get("content-type", ""))
        return await run_in_threadpool(self._email_posted, request, dict(fields))

    def _email_posted(self, request: Request, fields: dict[str, str]) -> Response:
        token, now = request.path_params["token"], self.clock()
        with read_session(self.context.engine) as session:
            room = service.find_room(session, token)
        if room is None or room.anonymous or room.closed or now >= room.closes_at:
            return self._invalid(request, "unknown" if room is None else "closed")
        with write_session(self.context.engine) as session:
            canonical = room_token(salt=room.salt, session_secret=self.secret)
            language = _language(request, room, fields.get("lang", ""))
            email = fields.get("email", "").strip()
            guard_ok = guard_is_valid(
                fields.get("guard", ""),
                session_secret=self.secret,
                token=canonical,
                purpose="room_email",
            )
            if not guard_ok or not _EMAIL.match(email) or len(email) > 254:
                return self._identify(request, session, room, t("room.email_invalid", language))
            address = client_address(request, self.context.settings)
            wait = service.EMAILS_PER_ADDRESS.check_and_record(session.connection(), address, now)
            if wait:
                response = self._message(session, "too_many", language, 429)
                response.headers["Retry-After"] = str(wait)
                return response
            service.request_personal_link(session, room, email, now=now, session_secret=self.secret)
        return RedirectResponse(f"/s/{canonical}?sent=1&lang={language}", 303)

    # ---- the trainer's projection ----------------------------------------------------------
    def _projection_room(self, request: Request) -> tuple[service.Room | None, int, int]:
        with read_session(self.context.engine) as session:
            room = service.find_projection(session, request.path_params["token"])
            if room is None:
                return None, 0, 0
            return (
                room,
                service.answered_count(session, room),
                service.expected_count(session, room),
            )

    def projection_page(self, request: Request) -> Response:
        room, answered, expected = self._projection_room(request)
        if room is None:
            return self._invalid(request)
        language = _language(request, room)
        url = room_url(self._base(request), room_token(salt=room.salt, session_secret=self.secret))
        body = render_html(
            "room/projection.html",
            lang=language,
            survey=room.survey_title(language),
            session_code=room.session_code,
            answered=answered,
            expected=expected,
            url=url,
            qr_url=f"/p/{request.path_params['token']}/qr.png",
            refresh_seconds=REFRESH_SECONDS,
        )
        return html(body)

    def projection_count(self, request: Request) -> Response:
        room, answered, expected = self._projection_room(request)
        if room is None:
            return self._invalid(request)
        return JSONResponse(
            {"answered": answered, "expected": expected}, headers=RESPONDENT_HEADERS
        )

    def projection_qr(self, request: Request) -> Response:
        room, _answered, _expected = self._projection_room(request)
        if room is None:
            return self._invalid(request)
        token = room_token(salt=room.salt, session_secret=self.secret)
        png = qr_png(room_url(self._base(request), token))
        return Response(png, media_type="image/png", headers=RESPONDENT_HEADERS)


def room_routes(context: AppContext, *, clock: Callable[[], datetime] = utc_now) -> list[BaseRoute]:
    routes = RoomRoutes(context, clock)
    return [
        Route("/s/{token}", routes.room_page, methods=["GET"]),
        Route("/s/{token}", routes.room_submit, methods=["POST"]),
        Route("/p/{token}", routes.projection_page, methods=["GET"]),
        Route("/p/{token}/count.json", routes.projection_count, methods=["GET"]),
        Route("/p/{token}/qr.png", routes.projection_qr, methods=["GET"]),
    ]
