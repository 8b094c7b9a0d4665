"""The respondent's HTTP routes, served by the one server (`st.App(routes=...)`): the answer
pages (`answer_routes`) and the unsubscribe pages (`unsubscribe_routes`) on a shared base
(`route_base`: headers, database plumbing, refusals).

Tokens never reach a log: the server keeps no access log, and nothing here logs a URL or a
token (failures are logged by route name). Every page sends `Referrer-Policy: no-referrer`,
a same-origin Content-Security-Policy and `Cache-Control: no-store`; pages load only
`/assets/site.css` from this server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from surveys.campaigns import answer_url, unsubscribe_url
from surveys.http.limits import SlidingLimit
from surveys.models import utc_now
from surveys.respondent.answer_routes import MAX_FORM_BYTES, AnswerRoutes
from surveys.respondent.security import invalid_link_limit
from surveys.respondent.unsubscribe_routes import UnsubscribeRoutes
from surveys.runtime import AppContext

__all__ = ["MAX_FORM_BYTES", "RespondentRoutes", "respondent_routes"]
ANSWER_ROUTE = answer_url("{token}")
UNSUBSCRIBE_ROUTE = unsubscribe_url("{token}")


class RespondentRoutes(AnswerRoutes, UnsubscribeRoutes):
    """Every respondent route's endpoint, on one set of database plumbing."""


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
            ANSWER_ROUTE, _guarded_async(routes, "answer_page", routes.answer_page), methods=["GET"]
        ),
        Route(
            ANSWER_ROUTE,
            _guarded_async(routes, "answer_submit", routes.answer_submit),
            methods=["POST"],
        ),
        Route(
            UNSUBSCRIBE_ROUTE,
            _guarded_sync(routes, "unsubscribe_page", routes.unsubscribe_page),
            methods=["GET"],
        ),
        Route(
            UNSUBSCRIBE_ROUTE,
            _guarded_async(routes, "unsubscribe_submit", routes.unsubscribe_submit),
            methods=["POST"],
        ),
    ]
