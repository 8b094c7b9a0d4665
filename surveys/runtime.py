"""The process-wide context: settings and engine, built once, passed to domain functions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlmodel import select

from surveys.config import Settings, load_settings
from surveys.db import create_db_engine, read_session, upgrade_to_head, write_session
from surveys.models import OrganisationSettings, Programme


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: sa.Engine


def build_context(settings: Settings) -> AppContext:
    return AppContext(settings=settings, engine=create_db_engine(settings.database_url))


@cache
def app_context() -> AppContext:
    """The context of this process, read from the environment on first use."""
    return build_context(load_settings())


def ensure_organisation(context: AppContext) -> OrganisationSettings:
    """The organisation row, created with neutral defaults the first time."""
    with write_session(context.engine) as session:
        organisation = session.get(OrganisationSettings, 1)
        if organisation is None:
            organisation = OrganisationSettings(
                id=1,
                name="Mon organisme de formation",
                contact_email=context.settings.mail_from,
                small_group_min=context.settings.small_group_min,
            )
            session.add(organisation)
            session.flush()
        session.expunge(organisation)
        return organisation


def database_is_empty(context: AppContext) -> bool:
    with read_session(context.engine) as session:
        return session.exec(select(Programme.id).limit(1)).first() is None


def prepare_database(context: AppContext) -> None:
    """Upgrade to the latest schema and make sure the organisation row exists."""
    upgrade_to_head(context.engine)
    ensure_organisation(context)
