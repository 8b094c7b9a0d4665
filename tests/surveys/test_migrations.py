"""The migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from surveys import models  # noqa: F401
from surveys.db import create_db_engine, current_revision, upgrade_to_head


def test_empty_database_upgraded_to_head_matches_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    assert current_revision(engine) is None
    upgrade_to_head(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
    assert current_revision(engine) is not None
    engine.dispose()


def test_upgrading_twice_is_harmless(database_url: str) -> None:
    engine = create_db_engine(database_url)
    upgrade_to_head(engine)
    first = current_revision(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == first
    engine.dispose()
