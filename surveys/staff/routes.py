"""Staff login and logout routes (plain HTTP, outside Streamlit).

Streamlit's XSRF protection does not cover these routes, so each form carries its own
double-submit token. Failed logins count per client address across accounts (in the
database, `surveys.http.limits`): past LOGIN_ADDRESS_MAX_FAILURES within LOGIN_LOCK_MINUTES,
that address is answered 429 without any password being checked, so it can neither go on
guessing nor add failures to anyone's account.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from surveys.config import Settings
from surveys.db import write_session
from surveys.http.bodies import read_small_form
from surveys.http.limits import SlidingLimit
from surveys.http.responses import (
    SECURITY_HEADERS,
    client_address,
    organisation_name,
    request_language,
    secure_html,
    too_large,
)
from surveys.http.system import system_routes
from surveys.i18n import t
from surveys.models import utc_now
from surveys.rendering import render_html
from surveys.runtime import AppContext
from surveys.staff.auth import (
    SESSION_COOKIE,
    authenticate,
    identity_from_cookie,
    make_session_cookie,
    revoke_sessions,
)

CSRF_COOKIE = "qs_csrf"


def _cookie_secure(context: AppContext) -> bool:
    return context.settings.public_base_url.startswith("https://")


def login_address_limit(settings: Settings) -> SlidingLimit:
    return SlidingLimit(
        "login_failure", settings.login_address_max_failures, settings.login_lock_minutes * 60
    )


def _with_csrf_cookie(response: HTMLResponse, context: AppContext, csrf: str) -> HTMLResponse:
    """The form's anti-forgery value, also in a cookie only /auth reads (double submit)."""
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=_cookie_secure(context),
        path="/auth",
    )
    return response


def _login_page(
    context: AppContext,
    *,
    lang: str,
    csrf: str,
    status_code: int = 200,
    error: str = "",
    message: str = "",
    email: str = "",
) -> HTMLResponse:
    body = render_html(
        "login.html",
        lang=lang,
        csrf=csrf,
        error=error,
        message=message,
        email=email,
        page_title=t("login.title", lang),
        organisation_name=organisation_name(context),
    )
    return _with_csrf_cookie(secure_html(body, status_code=status_code), context, csrf)


def login_form(context: AppContext) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        lang = request_language(request)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        message = t("login.logged_out", lang) if request.query_params.get("bye") else ""
        return _login_page(context, lang=lang, csrf=csrf, message=message)

    return endpoint


def login_submit(context: AppContext) -> Callable[[Request], Response]:
    settings = context.settings
    address_limit = login_address_limit(settings)

    async def endpoint(request: Request) -> Response:
        form = await read_small_form(request)
        if form is None:
            return too_large(request)
        lang = request_language(request, form.get("lang", ""))
        cookie_token = request.cookies.get(CSRF_COOKIE, "")
        fresh = secrets.token_urlsafe(32)
        if not cookie_token or not hmac.compare_digest(cookie_token, form.get("csrf", "")):
            error = t("login.expired_form", lang)
            return _login_page(context, lang=lang, csrf=fresh, status_code=400, error=error)
        email = form.get("email", "")[:254]
        address, now = client_address(request, settings), utc_now()
        with write_session(context.engine) as session:
            wait = address_limit.retry_after(session.connection(), address, now)
            user = None
            if not wait:
                user = authenticate(
                    session=session,
                    email=email,
                    password=form.get("password", "")[:1024],
                    now=now,
                    max_failures=settings.login_max_failures,
                    lock_minutes=settings.login_lock_minutes,
                )
                if user is None:
                    address_limit.record(session.connection(), address, now)
            cookie = make_session_cookie(user, secret=settings.session_secret) if user else None
        if cookie is None:
            return _login_refused(context, lang=lang, csrf=fresh, email=email, wait=wait)
        return _logged_in(context, cookie)

    return endpoint


def _login_refused(context: AppContext, *, lang: str, csrf: str, email: str, wait: int):
    if wait:
        minutes = max(1, (wait + 59) // 60)
        error = t("login.too_many", lang, minutes=minutes)
        page = _login_page(context, lang=lang, csrf=csrf, status_code=429, error=error)
        page.headers["Retry-After"] = str(wait)
        return page
    error = t("login.failed", lang)
    return _login_page(context, lang=lang, csrf=csrf, status_code=401, error=error, email=email)


def _logged_in(context: AppContext, cookie: str) -> Response:
    settings = context.settings
    response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=_cookie_secure(context),
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/auth")
    return response


def logout_form(context: AppContext) -> Callable[[Request], Response]:
    """A confirmation page: logging out is a POST, so no other site can do it for you."""

    def endpoint(request: Request) -> Response:
        lang = request_language(request)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        body = render_html(
            "logout.html",
            lang=lang,
            csrf=csrf,
            page_title=t("logout.title", lang),
            organisation_name=organisation_name(context),
        )
        return _with_csrf_cookie(secure_html(body), context, csrf)

    return endpoint


def logout(context: AppContext) -> Callable[[Request], Response]:
    async def endpoint(request: Request) -> Response:
        form = await read_small_form(request)
        if form is None:
            return too_large(request)
        cookie_token = request.cookies.get(CSRF_COOKIE, "")
        if not cookie_token or not hmac.compare_digest(cookie_token, form.get("csrf", "")):
            return RedirectResponse("/auth/logout", status_code=303, headers=SECURITY_HEADERS)
        with write_session(context.engine) as session:
            identity = identity_from_cookie(
                session=session,
                cookie=request.cookies.get(SESSION_COOKIE),
                secret=context.settings.session_secret,
                max_age_hours=context.settings.session_hours,
            )
            if identity is not None:
                revoke_sessions(session=session, user_id=identity.user_id)
        response = RedirectResponse("/auth/login?bye=1", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return endpoint


def staff_routes(context: AppContext) -> list[BaseRoute]:
    """Login and logout, with the server's own routes (health, stylesheet) beside them."""
    return [
        Route("/auth/login", login_form(context), methods=["GET"]),
        Route("/auth/login", login_submit(context), methods=["POST"]),
        Route("/auth/logout", logout_form(context), methods=["GET"]),
        Route("/auth/logout", logout(context), methods=["POST"]),
        *system_routes(context),
    ]
