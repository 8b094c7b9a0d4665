"""Helpers of the API tests: keys and webhook endpoints made through the domain functions,
invited people who submit their answers, calls over real HTTP."""

from __future__ import annotations

from collections.abc import Iterable

import httpx
from sqlmodel import select

from api.keys import create_key
from api.webhooks import create_endpoint
from surveys.db import read_session, write_session
from surveys.models import API_SCOPES, WebhookDelivery, utc_now
from surveys.respondent.service import resolve_link, submit_response
from surveys.runtime import AppContext
from tests.factories import Invited, complete_answers, invite, open_campaign, respondent_version


def new_key(context: AppContext, name: str, scopes: Iterable[str] = API_SCOPES) -> str:
    with write_session(context.engine) as session:
        _, key = create_key(
            session=session,
            name=name,
            scopes=list(scopes),
            actor="admin@example.org",
            now=utc_now(),
        )
    return key


def bearer(key: str, language: str = "fr") -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Accept-Language": language}


def client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=60)


def endpoint(context: AppContext, url: str) -> str:
    with write_session(context.engine) as session:
        _, secret = create_endpoint(
            session=session,
            name="TMS",
            url=url,
            events=["response.submitted"],
            actor="admin@example.org",
            now=utc_now(),
        )
    return secret


def invited(context: AppContext, people: int, *, anonymous: bool = False) -> list[Invited]:
    with write_session(context.engine) as session:
        version = respondent_version(session, anonymous=anonymous, every_type=False)
        row = open_campaign(session, version)
        secret = context.settings.session_secret
        return [invite(session, row, secret=secret, with_reminder=False) for _ in range(people)]


def submit(context: AppContext, person: Invited) -> str:
    now = utc_now()
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=person.token, now=now, lock=True)
        if link.form is None:
            return "gone"
        answers = complete_answers(link.form)
        return submit_response(session=session, link=link, now=now, answers=answers).status


def deliveries(context: AppContext) -> list[WebhookDelivery]:
    with read_session(context.engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))
