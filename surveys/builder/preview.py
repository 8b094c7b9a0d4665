"""The builder's preview: the answer page's own renderer, in preview mode, and its route.

Staff see exactly the HTML respondents get because it comes from the same function
(`surveys.respondent.rendering.render_form_page`) fed with the same frozen definition and the
same organisation details. Only what a preview cannot have differs: no token and no
anti-forgery value, a banner saying nothing is saved, and a form that pages through sections
by GET on the preview route instead of saving them.

`builder_routes(context)` serves the preview on the server's own origin, for staff only
(admin and quality, checked from the signed session cookie):

- `GET /preview/survey/{id}`: the current draft, frozen on the fly as publishing would;
- `GET /preview/version/{id}`: a published version;

each with `?lang=fr|en&section=N` and the form's own `action=next|back|submit`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from surveys.builder.custom_questions import full_catalog
from surveys.builder.versions import preview_definition
from surveys.db import read_session
from surveys.frozen import FrozenSurvey
from surveys.http.responses import secure_html
from surveys.i18n import TranslatableError, normalise_language, t
from surveys.models import Survey, SurveyVersion
from surveys.respondent.form import build_form
from surveys.respondent.rendering import render_form_page, render_message_page, render_thanks_page
from surveys.respondent.service import organisation_info
from surveys.runtime import AppContext
from surveys.staff.auth import SESSION_COOKIE, identity_from_cookie

PREVIEW_ROLES = ("admin", "quality")
STEPS = {"next": 1, "back": -1}


def draft_preview_url(survey_id: int) -> str:
    return f"/preview/survey/{survey_id}"


def version_preview_url(version_id: int) -> str:
    return f"/preview/version/{version_id}"


def _language_urls(
    definition: Mapping[str, Any], preview_url: str, section_index: int
) -> dict[str, str] | None:
    if not preview_url:
        return None
    return {
        code: f"{preview_url}?{urlencode({'lang': code, 'section': section_index})}"
        for code in definition.get("languages") or ("fr",)
    }


def render_preview(
    *,
    session: Session,
    definition: Mapping[str, Any],
    language: str,
    section_index: int,
    preview_url: str = "",
) -> str:
    """One section of a survey as its respondents will see it, in preview mode."""
    return render_form_page(
        definition,
        language=language,
        section_index=section_index,
        answers={},
        errors=(),
        organisation=organisation_info(session),
        preview=True,
        action_url=preview_url,
        language_urls=_language_urls(definition, preview_url, section_index),
    )


def _message(session: Session, key: str, language: str, status_code: int) -> Response:
    body = render_message_page(
        title=t(f"builder.preview_route.{key}_title", language),
        message=t(f"builder.preview_route.{key}", language),
        language=language,
        organisation=organisation_info(session),
        is_error=True,
    )
    return secure_html(body, status_code=status_code)


def _definition(session: Session, kind: str, item_id: int) -> Mapping[str, Any] | None:
    if kind == "version":
        version = session.get(SurveyVersion, item_id)
        return version.definition if version is not None else None
    survey = session.get(Survey, item_id)
    if survey is None:
        return None
    return preview_definition(survey, catalog=full_catalog(session=session))


def _section(request: Request, definition: Mapping[str, Any]) -> int:
    """The section to show: the one asked for, moved by the form's next/back button."""
    try:
        current = int(request.query_params.get("section", "0"))
    except ValueError:
        current = 0
    last = len(FrozenSurvey(definition).sections()) - 1
    return min(max(current + STEPS.get(request.query_params.get("action", ""), 0), 0), last)


def preview_page(context: AppContext, kind: str) -> Callable[[Request], Response]:
    settings = context.settings

    def endpoint(request: Request) -> Response:
        language = normalise_language(request.query_params.get("lang"))
        item_id = int(request.path_params["item_id"])
        preview_url = (version_preview_url if kind == "version" else draft_preview_url)(item_id)
        with read_session(context.engine) as session:
            staff = identity_from_cookie(
                session=session,
                cookie=request.cookies.get(SESSION_COOKIE),
                secret=settings.session_secret,
                max_age_hours=settings.session_hours,
            )
            if staff is None or staff.role not in PREVIEW_ROLES:
                return _message(session, "forbidden", language, 403)
            try:
                definition = _definition(session, kind, item_id)
            except TranslatableError:  # e.g. a draft without questions: nothing to show yet
                return _message(session, "not_ready", language, 409)
            if definition is None:
                return _message(session, "missing", language, 404)
            if request.query_params.get("action") == "submit":
                body = render_thanks_page(
                    build_form(definition),
                    language=language,
                    organisation=organisation_info(session),
                    language_urls=_language_urls(definition, preview_url, 0),
                )
            else:
                body = render_preview(
                    session=session,
                    definition=definition,
                    language=language,
                    section_index=_section(request, definition),
                    preview_url=preview_url,
                )
        return secure_html(body)

    return endpoint


def builder_routes(context: AppContext) -> list[BaseRoute]:
    """The staff-only preview routes (mounted by `streamlit_app.py`)."""
    return [
        Route("/preview/survey/{item_id:int}", preview_page(context, "survey"), methods=["GET"]),
        Route("/preview/version/{item_id:int}", preview_page(context, "version"), methods=["GET"]),
    ]
