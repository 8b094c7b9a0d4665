"""session links (surveys answered in the room) and the anonymous seats they open; whom of
a session's enrolments a plan reaches (survey_plan.enrolment_scope)

Revision ID: 0005_session_links
Revises: 0001_initial
Create Date: 2026-12-01 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_session_links"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0002_abuse_limits"  # widens abuse_event's scopes
OLD_SCOPES = "scope IN ('invalid_link', 'login_failure')"
NEW_SCOPES = (
    "scope IN ('invalid_link', 'login_failure', 'invalid_session_link', 'room_email',"
    " 'room_email_person')"
)


def _scopes(condition: str) -> None:
    with op.batch_alter_table("abuse_event", schema=None) as batch_op:
        batch_op.drop_constraint("ck_abuse_event_scope", type_="check")
        batch_op.create_check_constraint("ck_abuse_event_scope", condition)


def upgrade() -> None:
    op.create_table(
        "session_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("token_salt", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("projection_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["survey_plan.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["training_session.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "session_id", name="uq_session_link"),
    )
    with op.batch_alter_table("session_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_link_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_session_link_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_session_link_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_session_link_projection_hash"), ["projection_hash"], unique=True
        )
    op.create_table(
        "room_seat",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["invitation_id"], ["invitation.id"]),
        sa.PrimaryKeyConstraint("invitation_id"),
    )
    with op.batch_alter_table("room_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_seat_campaign_id"), ["campaign_id"], unique=False)

    _scopes(NEW_SCOPES)
    with op.batch_alter_table("survey_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "enrolment_scope",
                sa.String(length=20),
                server_default="completed",
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            "ck_survey_plan_enrolment_scope",
            "enrolment_scope IN ('completed', 'all', 'dropped_out')",
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_plan", schema=None) as batch_op:
        batch_op.drop_constraint("ck_survey_plan_enrolment_scope", type_="check")
        batch_op.drop_column("enrolment_scope")
    op.execute(sa.text(f"DELETE FROM abuse_event WHERE NOT ({OLD_SCOPES})"))
    _scopes(OLD_SCOPES)
    op.drop_table("room_seat")
    op.drop_table("session_link")
