"""The data model of the whole product (SQLModel tables), one module per family.

`from surveys.models import X` names every table and vocabulary; importing the package registers
every table on `SQLModel.metadata` (the migrations compare against it). Table modules import
`surveys.models.base` only.
"""

from __future__ import annotations

from surveys.models.base import (
    ENROLMENT_SCOPES,
    EXTERNAL_ID_MAX,
    LANGUAGES,
    STAKEHOLDER_TYPES,
    TIMINGS,
    UTCDateTime,
    check_in,
    json_column,
    new_uuid,
    utc_column,
    utc_now,
)
from surveys.models.campaigns import (
    CAMPAIGN_STATUSES,
    INVITATION_STATUSES,
    MESSAGE_KINDS,
    MESSAGE_STATUSES,
    Campaign,
    Invitation,
    OutboundMessage,
)
from surveys.models.improvement import (
    ACTION_STATUSES,
    COMPLAINT_KINDS,
    COMPLAINT_STATUSES,
    Complaint,
    EvidenceNote,
    ImprovementAction,
)
from surveys.models.integration import (
    API_SCOPES,
    DELIVERY_STATUSES,
    WEBHOOK_EVENTS,
    ApiKey,
    ApiRateWindow,
    WebhookDelivery,
    WebhookEndpoint,
)
from surveys.models.organisation import (
    ROLES,
    OrganisationSettings,
    StaffUser,
)
from surveys.models.people import (
    ENROLMENT_STATUSES,
    MODALITIES,
    PROGRAMME_KINDS,
    Enrolment,
    Person,
    Programme,
    TrainingSession,
)
from surveys.models.responses import (
    Answer,
    NamedResponse,
    Response,
    ResponseDraft,
)
from surveys.models.room import RoomSeat, SessionLink
from surveys.models.server import (
    AbuseEvent,
    AuditLog,
    ServerFact,
)
from surveys.models.survey import (
    SURVEY_STATUSES,
    CustomQuestion,
    Survey,
    SurveyPlan,
    SurveyVersion,
)

# The names of the single module this package replaced, for table modules written before.
_check = check_in
_json = json_column
_when = utc_column

__all__ = [
    "ACTION_STATUSES",
    "API_SCOPES",
    "CAMPAIGN_STATUSES",
    "COMPLAINT_KINDS",
    "COMPLAINT_STATUSES",
    "DELIVERY_STATUSES",
    "ENROLMENT_SCOPES",
    "ENROLMENT_STATUSES",
    "EXTERNAL_ID_MAX",
    "INVITATION_STATUSES",
    "LANGUAGES",
    "MESSAGE_KINDS",
    "MESSAGE_STATUSES",
    "MODALITIES",
    "PROGRAMME_KINDS",
    "ROLES",
    "STAKEHOLDER_TYPES",
    "SURVEY_STATUSES",
    "TIMINGS",
    "WEBHOOK_EVENTS",
    "AbuseEvent",
    "Answer",
    "ApiKey",
    "ApiRateWindow",
    "AuditLog",
    "Campaign",
    "Complaint",
    "CustomQuestion",
    "Enrolment",
    "EvidenceNote",
    "ImprovementAction",
    "Invitation",
    "NamedResponse",
    "OrganisationSettings",
    "OutboundMessage",
    "Person",
    "Programme",
    "Response",
    "ResponseDraft",
    "RoomSeat",
    "ServerFact",
    "SessionLink",
    "StaffUser",
    "Survey",
    "SurveyPlan",
    "SurveyVersion",
    "TrainingSession",
    "UTCDateTime",
    "WebhookDelivery",
    "WebhookEndpoint",
    "check_in",
    "json_column",
    "new_uuid",
    "utc_column",
    "utc_now",
]
