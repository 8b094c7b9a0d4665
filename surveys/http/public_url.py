"""Where the links in emails point: one answer the web server and the workers agree on.

PUBLIC_BASE_URL, when set, is the answer everywhere. When it is left unset, the web server
serves on `http://localhost:<its port>` and records that base in the database at start
(`server_fact`); a worker started without PUBLIC_BASE_URL (`python -m reminders run` or `tick`)
reads it there, so its links reach the server whatever port it runs on. A worker that finds
neither refuses to send, with a message saying what to set: a link to the wrong port is never
written into an email.
"""

from __future__ import annotations

import sqlalchemy as sa

from surveys.config import Settings, SettingsError
from surveys.db import write_connection
from surveys.i18n import t
from surveys.models import ServerFact, utc_now

FACTS = ServerFact.__table__  # type: ignore[attr-defined]
BASE_URL_KEY = "public_base_url"


class PublicUrlUnknown(SettingsError):
    """PUBLIC_BASE_URL is unset and no web server has recorded its own."""


def server_base_url(settings: Settings, port: int) -> str:
    """The base the web server serves links under: PUBLIC_BASE_URL, or its own port."""
    if settings.public_base_url_set:
        return settings.public_base_url
    return f"http://localhost:{port}"


def record_public_base_url(engine: sa.Engine, url: str) -> None:
    """Written by the web server at start (several replicas write the same value)."""
    values = {"value": url, "updated_at": utc_now()}
    with write_connection(engine) as connection:
        updated = connection.execute(
            sa.update(FACTS).where(FACTS.c.key == BASE_URL_KEY).values(**values)
        )
        if updated.rowcount == 0:
            connection.execute(sa.insert(FACTS).values(key=BASE_URL_KEY, **values))


def public_base_url(engine: sa.Engine, settings: Settings, language: str = "fr") -> str:
    """The base of the links to write now (see the module's docstring)."""
    if settings.public_base_url_set:
        return settings.public_base_url
    with engine.connect() as connection:
        stored = connection.execute(
            sa.select(FACTS.c.value).where(FACTS.c.key == BASE_URL_KEY)
        ).scalar()
    if stored:
        return stored
    raise PublicUrlUnknown(t("errors.public_base_url_unknown", language))
