"""abuse limits kept in the database (throttles, login limits) and facts shared by the server

Revision ID: 0002_abuse_limits
Revises: 0001_initial
Create Date: 2026-12-01 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_abuse_limits"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "abuse_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scope IN ('invalid_link', 'login_failure')", name="ck_abuse_event_scope"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("abuse_event", schema=None) as batch_op:
        batch_op.create_index("ix_abuse_event_subject", ["scope", "subject", "at"], unique=False)
        batch_op.create_index("ix_abuse_event_scope_at", ["scope", "at"], unique=False)
    op.create_table(
        "server_fact",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("server_fact")
    with op.batch_alter_table("abuse_event", schema=None) as batch_op:
        batch_op.drop_index("ix_abuse_event_scope_at")
        batch_op.drop_index("ix_abuse_event_subject")
    op.drop_table("abuse_event")
