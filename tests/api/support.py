"""Helpers of the API tests: keys made through the domain function, calls over real HTTP."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from api.keys import create_key
from surveys.db import write_session
from surveys.models import API_SCOPES, utc_now
from surveys.runtime import AppContext


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
