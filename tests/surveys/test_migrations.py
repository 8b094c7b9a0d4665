"""The migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from surveys import models  # noqa: F401
from surveys.db import create_db_engine, current_revision, upgrade_to_head
from tests.support.server import ROOT, run_cli


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


def test_init_command_upgrades_an_old_database_and_keeps_its_rows(database_url: str) -> None:
    import os

    import sqlalchemy as sa
    from alembic import command
    from alembic.script import ScriptDirectory

    from surveys.db import alembic_config

    engine = create_db_engine(database_url)
    config = alembic_config(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
        connection.execute(
            sa.text(
                "INSERT INTO programme (code, name, kind, description, archived, created_at) "
                "VALUES ('OLD', 'Ancienne formation', 'training', '', false, CURRENT_TIMESTAMP)"
            )
        )
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    result = run_cli(env, "surveys", "init", check=False)
    assert result.returncode == 0, result.stderr
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    # A head another head depends on (0005 widens 0002's table) is recorded through it.
    implied = {
        revision.revision
        for head in heads
        for revision in script.iterate_revisions(head, "base")
        if revision.revision != head
    }
    heads -= implied
    with engine.connect() as connection:
        versions = {
            row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        }
        assert versions == heads
        assert (
            connection.execute(sa.text("SELECT name FROM programme")).scalar()
            == "Ancienne formation"
        )
    engine.dispose()
