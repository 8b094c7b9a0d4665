"""Every operation of the API as data: method, path, scope, body and response models.

The routes (`api.routes`) and the OpenAPI document (`api.openapi`) are both built from this
one list, so a route cannot exist without being documented, nor the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import reads, schemas
from api.bulk import run_bulk
from api.enrolments import Enrolments
from api.incidents import Incidents
from api.upserts import (
    PROGRAMME_FIELD_NAMES,
    SESSION_FIELD_NAMES,
    People,
    Programmes,
    Sessions,
)
from surveys.runtime import AppContext

PREFIX = "/api/v1"
MAX_BULK_BODY_BYTES = 2 * 1024 * 1024  # 1,000 people of ~2 KB each, fully escaped
MAX_ID = 2**31 - 1


@dataclass
class Call:
    """One authorised call, as the operation sees it."""

    context: AppContext
    language: str
    now: datetime
    actor: str
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    session: Session | None = None  # the write transaction, for writes


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    scope: str
    response: type[BaseModel]
    run: Callable[[Call], BaseModel]
    body: type[BaseModel] | None = None
    path_params: tuple[tuple[str, str], ...] = ()  # (name, "integer" | "string")
    not_found: bool = False
    conflict: bool = False

    @property
    def writes(self) -> bool:
        return self.body is not None


Loader = Callable[[Call, Sequence[Any]], Callable[[Any], str]]


def _external_id(item: Any) -> str | None:
    return item.external_id


def _bulk(
    load: Loader,
    key_of: Callable[[Any], str | None] = _external_id,
    field_names: Mapping[str, str] | None = None,
) -> Callable[[Call], BaseModel]:
    """A bulk write: `load(call, items)` builds the function applied to each item (with fresh
    lookups); `key_of` names an item in the report, `field_names` its fields."""

    def run(call: Call) -> BaseModel:
        assert call.session is not None
        items = call.body.items
        return run_bulk(
            call.session,
            items,
            lambda: load(call, items),
            language=call.language,
            key_of=key_of,
            field_names=field_names,
        )

    return run


def _people(call: Call, items: Sequence[Any]) -> Callable[[Any], str]:
    externals, emails = [item.external_id for item in items], [item.email for item in items]
    return People(call.session).load(externals, emails).apply


_programmes = _bulk(
    lambda call, items: Programmes(call.session).load(items).apply,
    field_names=PROGRAMME_FIELD_NAMES,
)
_sessions = _bulk(
    lambda call, items: Sessions(call.session).load(items).apply, field_names=SESSION_FIELD_NAMES
)
_enrolments = _bulk(
    lambda call, items: Enrolments(call.session, actor=call.actor, now=call.now).load(items).apply,
    key_of=lambda item: f"{item.person_external_id}/{item.session_external_id}",
)
_complaints = _bulk(lambda call, _: Incidents(call.session, actor=call.actor, now=call.now).apply)


def _results(scope: str, param: str) -> Callable[[Call], BaseModel]:
    def run(call: Call) -> BaseModel:
        return reads.results(call.context, scope, str(call.params[param]), call.language)

    return run


CAMPAIGN = (("campaign_id", "integer"),)
READ, PEOPLE, COMPLAINTS = "results:read", "people:write", "complaints:write"

OPERATIONS: tuple[Operation, ...] = (
    Operation("PUT", f"{PREFIX}/programmes", "upsertProgrammes", "Create or update programmes",
              PEOPLE, schemas.BulkResult, _programmes, body=schemas.ProgrammesBody),
    Operation("PUT", f"{PREFIX}/sessions", "upsertSessions",
              "Create or update sessions (dates, modality, LMS, trainers)",
              PEOPLE, schemas.BulkResult, _sessions, body=schemas.SessionsBody),
    Operation("PUT", f"{PREFIX}/people", "upsertPeople", "Create or update people",
              PEOPLE, schemas.BulkResult, _bulk(_people), body=schemas.PeopleBody),
    Operation("PUT", f"{PREFIX}/enrolments", "upsertEnrolments",
              "Create or update enrolments and their completion status",
              PEOPLE, schemas.BulkResult, _enrolments, body=schemas.EnrolmentsBody),
    Operation("POST", f"{PREFIX}/complaints", "fileComplaints",
              "File complaints and incidents into the register (indicator 31)",
              COMPLAINTS, schemas.BulkResult, _complaints, body=schemas.ComplaintsBody),
    Operation("GET", f"{PREFIX}/campaigns", "listCampaigns", "Campaigns and their counts",
              READ, schemas.CampaignList, lambda call: reads.list_campaigns(call.context)),
    Operation("GET", f"{PREFIX}/campaigns/{{campaign_id}}/invitations", "listInvitations",
              "Who was invited and who answered (named surveys only)", READ,
              schemas.InvitationList,
              lambda call: reads.campaign_invitations(call.context, call.params["campaign_id"]),
              path_params=CAMPAIGN, not_found=True),
    Operation("GET", f"{PREFIX}/campaigns/{{campaign_id}}/responses", "listResponses",
              "Responses of a named survey's campaign", READ, schemas.ResponseList,
              lambda call: reads.campaign_responses(call.context, call.params["campaign_id"]),
              path_params=CAMPAIGN, not_found=True, conflict=True),
    Operation("GET", f"{PREFIX}/campaigns/{{campaign_id}}/results", "campaignResults",
              "Per-question results of a campaign (small groups protected)", READ,
              schemas.ResultsOut, _results("campaign", "campaign_id"),
              path_params=CAMPAIGN, not_found=True),
    Operation("GET", f"{PREFIX}/surveys/{{survey_id}}/results", "surveyResults",
              "Per-question results of a survey, all versions (small groups protected)", READ,
              schemas.ResultsOut, _results("survey", "survey_id"),
              path_params=(("survey_id", "integer"),), not_found=True),
    Operation("GET", f"{PREFIX}/sessions/{{external_id}}/results", "sessionResults",
              "Per-question results of a session, by its external id (small groups protected)",
              READ, schemas.ResultsOut, _results("session", "external_id"),
              path_params=(("external_id", "string"),), not_found=True),
    Operation("GET", f"{PREFIX}/coverage", "coverage",
              "Indicator 30: when each stakeholder type and financer was last solicited", READ,
              schemas.CoverageOut, lambda call: reads.coverage(call.context, call.now)),
)  # fmt: skip
