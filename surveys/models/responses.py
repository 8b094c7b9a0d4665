"""Answers: drafts saved before submit, submitted responses, their answers and the
link of a named response to its respondent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from surveys.models.base import json_column, new_uuid, utc_column, utc_now


class ResponseDraft(SQLModel, table=True):
    """Answers saved section by section before the final submit, so none is ever lost."""

    __tablename__ = "response_draft"
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    answers: dict[str, Any] = json_column(default_factory=dict)
    current_section: int = Field(default=0)
    updated_at: datetime = utc_column(default_factory=utc_now)


class Response(SQLModel, table=True):
    """A submitted response. It holds no column pointing to a person or an invitation:

    named responses are linked through `NamedResponse`; anonymous ones are not linked at all,
    their ids are random and their date is kept to the day.
    """

    __tablename__ = "response"
    id: str = Field(default_factory=new_uuid, primary_key=True, max_length=32)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    survey_version_id: int = Field(foreign_key="survey_version.id", index=True)
    anonymous: bool = Field(default=False)
    language: str = Field(default="fr", max_length=2)
    submitted_on: date = Field(index=True)


class NamedResponse(SQLModel, table=True):
    """The link between a named (non-anonymous) response and its respondent."""

    __tablename__ = "named_response"
    response_id: str = Field(foreign_key="response.id", primary_key=True, max_length=32)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    submitted_at: datetime = utc_column(default_factory=utc_now)


class Answer(SQLModel, table=True):
    """One answer to one question, keyed by the question's stable id.

    Scales store `number`; choices and text store `text`; a multi-choice answer is one row
    per selected option.
    """

    __tablename__ = "answer"
    id: int | None = Field(default=None, primary_key=True)
    response_id: str = Field(foreign_key="response.id", index=True, max_length=32)
    question_id: str = Field(max_length=80, index=True)
    number: float | None = Field(default=None)
    text: str | None = Field(default=None, max_length=5000)
