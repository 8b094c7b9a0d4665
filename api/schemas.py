"""Request and response bodies of the HTTP API (pydantic). The OpenAPI document is generated
from these models, so what the server checks and what it documents cannot drift apart.

Request items are deliberately loose (text where a person would type text): each item is
then checked by the CSV import's own rules (`surveys.people.record_checks`), so an item with a bad
email or an unknown modality gets the import's message in the caller's language, and the
other items of the call still go through.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

MAX_ITEMS = 1000
ExternalId = Annotated[str, Field(min_length=1, max_length=120, description="The caller's own id.")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------- writes


class ProgrammeItem(Strict):
    external_id: ExternalId
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=60)
    kind: Literal["training", "skills_assessment"] | None = None


class SessionItem(Strict):
    external_id: ExternalId
    code: str = Field(min_length=1, max_length=60)
    programme_external_id: ExternalId
    start_date: str = Field(max_length=20, description="dd/mm/yyyy or yyyy-mm-dd")
    end_date: str = Field(max_length=20, description="dd/mm/yyyy or yyyy-mm-dd")
    modality: str | None = Field(default=None, max_length=60, description="e.g. présentiel")
    lms: str | None = Field(default=None, max_length=120)
    location: str | None = Field(default=None, max_length=200)
    trainers: list[str] | None = Field(
        default=None,
        max_length=50,
        description="External ids of the trainers (people); replaces the session's trainers.",
    )


class PersonItem(Strict):
    external_id: ExternalId
    email: str = Field(max_length=254)
    stakeholder_type: str = Field(max_length=60, description="e.g. stagiaire, OPCO, formateur")
    first_name: str | None = Field(default=None, max_length=120)
    last_name: str | None = Field(default=None, max_length=120)
    organisation: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=20, description="fr or en")


class EnrolmentItem(Strict):
    person_external_id: ExternalId
    session_external_id: ExternalId
    role: str | None = Field(default=None, max_length=60, description="default: the person's type")
    status: str | None = Field(
        default=None, max_length=60, description="e.g. inscrit, en cours, terminé, abandon, absent"
    )
    status_changed_on: str | None = Field(default=None, max_length=20)


class ComplaintItem(Strict):
    external_id: ExternalId
    kind: Literal["complaint", "incident", "difficulty"] = "incident"
    theme: str = Field(
        max_length=60, description="connexion, bug, son/image, accès LMS, or a register theme"
    )
    summary: str = Field(max_length=300)
    details: str = Field(default="", max_length=5000)
    received_on: str = Field(max_length=20, description="dd/mm/yyyy or yyyy-mm-dd")
    source: Literal["email", "phone", "meeting", "ticket", "lms", "other"] = "ticket"
    stakeholder_type: Literal["learner", "financer", "trainer", "company"] = "learner"
    session_external_id: str | None = Field(default=None, max_length=120)
    person_external_id: str | None = Field(default=None, max_length=120)


def _bulk(item: type[BaseModel], name: str) -> type[BaseModel]:
    """A bulk body: `items`, 1 to MAX_ITEMS of them."""
    return create_model(
        name,
        __base__=Strict,
        items=(list[item], Field(min_length=1, max_length=MAX_ITEMS)),  # type: ignore[valid-type]
    )


ProgrammesBody = _bulk(ProgrammeItem, "ProgrammesBody")
SessionsBody = _bulk(SessionItem, "SessionsBody")
PeopleBody = _bulk(PersonItem, "PeopleBody")
EnrolmentsBody = _bulk(EnrolmentItem, "EnrolmentsBody")
ComplaintsBody = _bulk(ComplaintItem, "ComplaintsBody")


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the call, from 0.")
    external_id: str | None = None
    result: Literal["created", "updated", "unchanged", "error"]
    field: str | None = None
    message: str | None = Field(default=None, description="Why, in the caller's language.")


class ResultCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error: int = 0


class BulkResult(BaseModel):
    counts: ResultCounts
    results: list[ItemResult]


# ---------------------------------------------------------------------------- reads


class CampaignOut(BaseModel):
    id: int
    key: str
    label: str
    audience: str
    timing: str
    status: str
    anonymous: bool
    survey_id: int
    session_external_id: str | None
    session_code: str | None
    scheduled_at: datetime
    closes_at: datetime
    invited: int
    answered: int


class CampaignList(BaseModel):
    campaigns: list[CampaignOut]


class InvitationOut(BaseModel):
    person_id: int | None
    person_external_id: str | None
    status: str
    sent_at: datetime | None
    completed_at: datetime | None


class InvitationList(BaseModel):
    campaign_id: int
    anonymous: bool
    counts: dict[str, int]
    invitations: list[InvitationOut] = Field(
        description="One per person for named surveys; empty for anonymous ones."
    )


class QuestionResult(BaseModel):
    question_id: str
    theme: str
    question: str
    n: int
    respondents: int
    mean: float | None
    top2: float | None
    ci_low: float | None
    ci_high: float | None
    protected: bool = Field(description="Fewer respondents than the small-group threshold.")


class ResultsOut(BaseModel):
    scope: Literal["survey", "campaign", "session"]
    id: str
    small_group_min: int
    respondents: int
    questions: list[QuestionResult]


class AnswerOut(BaseModel):
    question_id: str
    number: float | None
    text: str | None


class ResponseOut(BaseModel):
    response_id: str
    person_id: int | None
    person_external_id: str | None
    submitted_on: date
    language: str
    answers: list[AnswerOut]


class ResponseList(BaseModel):
    campaign_id: int
    responses: list[ResponseOut]


class CoverageRow(BaseModel):
    stakeholder_type: str
    financer: str | None
    last_solicited: date | None
    last_answered: date | None
    solicited: int
    answered: int


class CoverageAlert(BaseModel):
    kind: str
    stakeholder_type: str
    financer: str | None
    last_solicited: date | None


class CoverageOut(BaseModel):
    rows: list[CoverageRow]
    alerts: list[CoverageAlert]


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[str] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorDetail
