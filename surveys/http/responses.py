"""Responses and request facts every plain HTTP route shares."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from surveys.config import Settings
from surveys.db import read_session
from surveys.http.limits import client_subject
from surveys.i18n import normalise_language, t
from surveys.models import OrganisationSettings
from surveys.runtime import AppContext

SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'self'; form-action 'self'",
    "Cache-Control": "no-store",
}


def secure_html(body: str, *, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)


def too_large(request: Request) -> Response:
    lang = request_language(request)
    return Response(
        t("errors.request_too_large", lang),
        status_code=413,
        headers=SECURITY_HEADERS,
        media_type="text/plain",
    )


def request_language(request: Request, form_value: str | None = None) -> str:
    chosen = form_value or request.query_params.get("lang")
    if chosen:
        return normalise_language(chosen)
    accept = request.headers.get("accept-language", "")
    return normalise_language(accept.split(",")[0] if accept else None)


def client_address(request: Request, settings: Settings) -> str:
    """The address limits count for: `X-Forwarded-For` is read only from TRUSTED_PROXIES."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for", "")
    return client_subject(peer, forwarded, settings.trusted_proxies)


def organisation_name(context: AppContext) -> str:
    with read_session(context.engine) as session:
        organisation = session.get(OrganisationSettings, 1)
        return organisation.name if organisation else ""
