"""Tables of the session links (`surveys.room`).

`session_link`: one per (plan, session), i.e. per campaign of a session, created before the
campaign itself may exist (the hot survey is answered before its 17:00 email). Its two tokens
(the learners' short link and the trainer's projection link) are derived from a random salt
and SESSION_SECRET, like answer links; only their SHA-256 is stored.

`room_seat`: the invitations an anonymous session link opened, one per device. They have no
person; they exist so that the answer form, its sealed draft and its unlinkable submit are
the very ones of emailed links.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import utc_column, utc_now


class SessionLink(SQLModel, table=True):
    __tablename__ = "session_link"
    __table_args__ = (sa.UniqueConstraint("plan_id", "session_id", name="uq_session_link"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="survey_plan.id", index=True)
    session_id: int = Field(foreign_key="training_session.id", index=True)
    token_salt: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    projection_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = utc_column(default_factory=utc_now)


class RoomSeat(SQLModel, table=True):
    __tablename__ = "room_seat"
    invitation_id: int = Field(foreign_key="invitation.id", primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
