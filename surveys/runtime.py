"""The process-wide context: settings and engine, built once, passed to domain functions.

The data folder (database, WAL, secret, mailbox, backups kept there) belongs to the service
account alone: the folder and its sub-folders are 0700, its files 0600, and a process that
builds its context from the environment (the server, the CLI, the workers) creates every
later file owner-only too (umask 077).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from surveys.config import Settings, load_settings
from surveys.db import (
    create_db_engine,
    make_private,
    private_folder,
    read_session,
    upgrade_to_head,
    write_session,
)
from surveys.models import OrganisationSettings, Programme


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: sa.Engine


PRIVATE_UMASK = 0o077


def secure_data_dir(data_dir: Path) -> None:
    """Make the data folder and everything in it owner-only (also an older installation's)."""
    private_folder(data_dir)
    for folder, subfolders, files in os.walk(data_dir):
        for name in [*subfolders, *files]:
            path = Path(folder) / name
            if not path.is_symlink() and path.stat().st_mode & 0o077:
                make_private(path)
    make_private(data_dir)


def build_context(settings: Settings) -> AppContext:
    secure_data_dir(settings.data_dir)
    return AppContext(settings=settings, engine=create_db_engine(settings.database_url))


@cache
def app_context() -> AppContext:
    """The context of this process, read from the environment on first use; from here on
    the process creates files for its own account only."""
    os.umask(PRIVATE_UMASK)
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
