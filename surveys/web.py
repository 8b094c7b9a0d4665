"""Plain HTTP routes of the server: staff login and logout, health, static assets.

They run on Starlette inside the Streamlit server (`st.App(routes=...)`). Streamlit's XSRF
protection does not cover them, so the login form carries its own double-submit token.
Bodies are read through `read_body`, which stops at a limit (chunked bodies included) and
never keeps more than that limit in memory. Failed logins count per client address across
accounts (in the database, `surveys.limits`): past LOGIN_ADDRESS_MAX_FAILURES within
LOGIN_LOCK_MINUTES, that address is answered 429 without any password being checked, so it
can neither go on guessing nor add failures to anyone's account.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from urllib.parse import parse_qsl

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from surveys.config import Settings
from surveys.db import read_session, write_session
from surveys.i18n import normalise_language, t
from surveys.limits import SlidingLimit, client_subject
from surveys.models import OrganisationSettings, utc_now
from surveys.rendering import ASSETS_DIR, render_html
from surveys.runtime import AppContext
from surveys.staff.auth import (
    SESSION_COOKIE,
    authenticate,
    identity_from_cookie,
    make_session_cookie,
    revoke_sessions,
)

CSRF_COOKIE = "qs_csrf"
MAX_LOGIN_FORM_BYTES = 4096
DRAIN_LIMIT_BYTES = 8 * 1024 * 1024
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'self'; form-action 'self'",
    "Cache-Control": "no-store",
}


def secure_html(body: str, *, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)


def organisation_name(context: AppContext) -> str:
    with read_session(context.engine) as session:
        organisation = session.get(OrganisationSettings, 1)
        return organisation.name if organisation else ""


def client_address(request: Request, settings: Settings) -> str:
    """The address limits count for: `X-Forwarded-For` is read only from TRUSTED_PROXIES."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for", "")
    return client_subject(peer, forwarded, settings.trusted_proxies)


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it exceeds `limit` bytes (never kept in memory).

    An oversized body is still read and thrown away up to `DRAIN_LIMIT_BYTES`, so that the
    browser finishes sending and shows our message instead of a reset connection.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAIN_LIMIT_BYTES:
            break
        if size <= limit:
            chunks.append(chunk)
    return b"".join(chunks) if size <= limit else None


async def read_small_form(request: Request) -> dict[str, str] | None:
    """The fields of a small urlencoded form (login, logout); None when it is too large."""
    body = await read_body(request, MAX_LOGIN_FORM_BYTES)
    if body is None:
        return None
    pairs = parse_qsl(body.decode("utf-8", "replace"), max_num_fields=20)
    return dict(pairs)


def login_address_limit(settings: Settings) -> SlidingLimit:
    return SlidingLimit(
        "login_failure", settings.login_address_max_failures, settings.login_lock_minutes * 60
    )


def request_language(request: Request, form_value: str | None = None) -> str:
    chosen = form_value or request.query_params.get("lang")
    if chosen:
        return normalise_language(chosen)
    accept = request.headers.get("accept-language", "")
    return normalise_language(accept.split(",")[0] if accept else None)


def _cookie_secure(context: AppContext) -> bool:
    return context.settings.public_base_url.startswith("https://")


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
    response = secure_html(body, status_code=status_code)
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=_cookie_secure(context),
        path="/auth",
    )
    return response


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


def too_large(request: Request) -> Response:
    lang = request_language(request)
    return Response(
        t("errors.request_too_large", lang),
        status_code=413,
        headers=SECURITY_HEADERS,
        media_type="text/plain",
    )


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
        response = secure_html(body)
        response.set_cookie(
            CSRF_COOKIE,
            csrf,
            httponly=True,
            samesite="strict",
            secure=_cookie_secure(context),
            path="/auth",
        )
        return response

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


def health(context: AppContext) -> Callable[[Request], Response]:
    def endpoint(_request: Request) -> Response:
        try:
            with context.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return endpoint


def stylesheet(_request: Request) -> Response:
    return FileResponse(
        ASSETS_DIR / "site.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def staff_routes(context: AppContext) -> list[BaseRoute]:
    return [
        Route("/auth/login", login_form(context), methods=["GET"]),
        Route("/auth/login", login_submit(context), methods=["POST"]),
        Route("/auth/logout", logout_form(context), methods=["GET"]),
        Route("/auth/logout", logout(context), methods=["POST"]),
        Route("/healthz", health(context), methods=["GET"]),
        Route("/assets/site.css", stylesheet, methods=["GET"]),
    ]
