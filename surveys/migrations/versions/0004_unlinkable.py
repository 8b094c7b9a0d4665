"""anonymous responses unlinkable: dated with their campaign's first day, rewritten in a
random order (no row order, id or clock of their own)

Revision ID: 0004_unlinkable
Revises: 0001_initial
Create Date: 2026-12-01 22:00:00

Data only (no schema change). Anonymous drafts saved before this revision stay readable by
the server until their next save, which seals them.
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0004_unlinkable"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARIS = ZoneInfo("Europe/Paris")
RESPONSE = sa.table(
    "response",
    sa.column("id", sa.String),
    sa.column("campaign_id", sa.Integer),
    sa.column("survey_version_id", sa.Integer),
    sa.column("anonymous", sa.Boolean),
    sa.column("language", sa.String),
    sa.column("submitted_on", sa.Date),
)
ANSWER = sa.table(
    "answer",
    sa.column("response_id", sa.String),
    sa.column("question_id", sa.String),
    sa.column("number", sa.Float),
    sa.column("text", sa.String),
)
CAMPAIGN = sa.table("campaign", sa.column("id", sa.Integer), sa.column("scheduled_at", sa.DateTime))


def _first_day(scheduled_at: datetime) -> object:
    aware = scheduled_at if scheduled_at.tzinfo else scheduled_at.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).date()


def _rewrite_campaign(connection: sa.Connection, campaign_id: int, day: object) -> None:
    ids = sa.select(RESPONSE.c.id).where(
        RESPONSE.c.campaign_id == campaign_id, RESPONSE.c.anonymous.is_(True)
    )
    responses = [
        {**row._mapping, "submitted_on": day}
        for row in connection.execute(sa.select(RESPONSE).where(RESPONSE.c.id.in_(ids)))
    ]
    answers = [
        dict(row._mapping)
        for row in connection.execute(sa.select(ANSWER).where(ANSWER.c.response_id.in_(ids)))
    ]
    connection.execute(sa.delete(ANSWER).where(ANSWER.c.response_id.in_(ids)))
    connection.execute(sa.delete(RESPONSE).where(RESPONSE.c.id.in_(ids)))
    shuffle = secrets.SystemRandom().shuffle
    shuffle(responses)
    shuffle(answers)
    connection.execute(sa.insert(RESPONSE), responses)
    if answers:
        connection.execute(sa.insert(ANSWER), answers)


def upgrade() -> None:
    connection = op.get_bind()
    campaigns = connection.execute(
        sa.select(CAMPAIGN.c.id, CAMPAIGN.c.scheduled_at)
        .where(
            CAMPAIGN.c.id.in_(
                sa.select(RESPONSE.c.campaign_id).where(RESPONSE.c.anonymous.is_(True))
            )
        )
        .order_by(CAMPAIGN.c.id)
    ).all()
    for campaign_id, scheduled_at in campaigns:
        _rewrite_campaign(connection, campaign_id, _first_day(scheduled_at))


def downgrade() -> None:
    """Nothing to undo: the submission days were coarsened on purpose and are not kept."""
