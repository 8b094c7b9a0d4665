"""Revision 0004_unlinkable: anonymous responses of an older database keep every answer, lose
their own day (they carry their campaign's first day) and their order; named ones are
untouched."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from surveys.db import alembic_config, create_db_engine, upgrade_to_head

SCHEDULED = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Paris
NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _table(connection: sa.Connection, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=connection)


def _insert(connection: sa.Connection, name: str, **values) -> int | None:
    result = connection.execute(sa.insert(_table(connection, name)).values(**values))
    return result.inserted_primary_key[0] if result.inserted_primary_key else None


def _old_database(database_url: str) -> sa.Engine:
    engine = create_db_engine(database_url)
    config = alembic_config(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
        campaigns = {}
        for anonymous in (True, False):
            survey = _insert(
                connection, "survey", title="S", audience="learner", timing="hot",
                anonymous=anonymous, draft={}, status="active", created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            version = _insert(
                connection, "survey_version", survey_id=survey, number=1, definition={},
                anonymous=anonymous, published_at=NOW, published_by="",
            )  # fmt: skip
            campaigns[anonymous] = _insert(
                connection, "campaign", key=f"k{anonymous}", survey_version_id=version,
                audience="learner", timing="hot", label="", scheduled_at=SCHEDULED,
                closes_at=NOW, reminder_offsets_days=[], status="open", created_at=NOW,
            )  # fmt: skip
            for number in range(3):
                response_id = f"{int(anonymous)}{number:031d}"
                _insert(
                    connection, "response", id=response_id, campaign_id=campaigns[anonymous],
                    survey_version_id=version, anonymous=anonymous, language="fr",
                    submitted_on=date(2026, 3, 3 + number),
                )  # fmt: skip
                for question in ("q1", "q2"):
                    _insert(
                        connection, "answer", response_id=response_id, question_id=question,
                        number=float(number), text=f"texte {anonymous} {number} {question}",
                    )  # fmt: skip
    return engine


def _answers(connection: sa.Connection) -> Counter:
    rows = connection.execute(
        sa.text("SELECT response_id, question_id, number, text FROM answer")
    ).all()
    return Counter(tuple(row) for row in rows)


def test_existing_rows_survive_and_anonymous_ones_lose_their_day(database_url: str) -> None:
    engine = _old_database(database_url)
    with engine.connect() as connection:
        before = _answers(connection)
        named_before = connection.execute(
            sa.text("SELECT id, submitted_on FROM response WHERE NOT anonymous ORDER BY id")
        ).all()
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert _answers(connection) == before
        anonymous_days = connection.execute(
            sa.text("SELECT submitted_on FROM response WHERE anonymous")
        ).scalars()
        assert [str(day)[:10] for day in anonymous_days] == ["2026-03-02"] * 3
        named_after = connection.execute(
            sa.text("SELECT id, submitted_on FROM response WHERE NOT anonymous ORDER BY id")
        ).all()
        assert named_after == named_before
    engine.dispose()
