"""Test rows for the respondent side, built through the domain functions.

`published_version` makes a real survey from the learner_hot template (likert, NPS, single
choice, text) plus an extra section with a yes/no and a multi-choice question, so one survey
holds every question type of the banks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session

from question_banks.loader import get_template, load_catalog
from surveys.builder.composition import create_survey_from_template, publish_survey
from surveys.campaigns import invitation_token, new_invitation
from surveys.db import write_session
from surveys.models import Campaign, OutboundMessage, SurveyVersion, utc_now
from surveys.respondent.form import EDIT_AFTER_SUBMIT_KEY, SurveyForm
from surveys.runtime import AppContext
from tests import factories

_campaign_numbers = count(1)
EXTRA_SECTION = {
    "id": "devices",
    "title": {"fr": "Vos équipements", "en": "Your equipment"},
    "questions": [{"id": "reco-would-recommend"}, {"id": "access-devices-used"}],
}


def published_version(
    session: Session,
    *,
    anonymous: bool = False,
    allow_edit: bool = False,
    every_type: bool = True,
    template_id: str = "learner_hot",
) -> SurveyVersion:
    template = get_template(template_id)
    survey = create_survey_from_template(session=session, template=template, actor="test")
    draft = copy.deepcopy(survey.draft)
    if every_type:
        draft["sections"].insert(-1, copy.deepcopy(EXTRA_SECTION))
    draft[EDIT_AFTER_SUBMIT_KEY] = allow_edit
    survey.draft = draft
    survey.anonymous = anonymous
    session.add(survey)
    session.flush()
    return publish_survey(session=session, survey=survey, catalog=load_catalog(), actor="test")


def campaign(
    session: Session,
    version: SurveyVersion,
    *,
    now: datetime | None = None,
    status: str = "open",
    closes_in_days: int = 30,
) -> Campaign:
    now = now or utc_now()
    item = Campaign(
        key=f"test:{version.id}:{next(_campaign_numbers)}",
        survey_version_id=version.id,
        audience="learner",
        timing="hot",
        label="Test campaign",
        scheduled_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=closes_in_days),
        status=status,
    )
    session.add(item)
    session.flush()
    return item


@dataclass(frozen=True)
class Invited:
    token: str
    invitation_id: int
    person_id: int
    campaign_id: int
    version_id: int


def invite(
    session: Session,
    campaign_row: Campaign,
    *,
    secret: str,
    language: str = "fr",
    with_reminder: bool = True,
) -> Invited:
    person = factories.person(session, language=language)
    invitation = new_invitation(campaign_id=campaign_row.id, person=person, session_secret=secret)
    invitation.status = "sent"
    session.add(invitation)
    session.flush()
    if with_reminder:
        session.add(
            OutboundMessage(
                invitation_id=invitation.id,
                kind="reminder",
                sequence=1,
                status="pending",
                due_at=utc_now() + timedelta(days=3),
            )
        )
        session.flush()
    return Invited(
        token=invitation_token(invitation, session_secret=secret),
        invitation_id=invitation.id,
        person_id=person.id,
        campaign_id=campaign_row.id,
        version_id=campaign_row.survey_version_id,
    )


def complete_answers(form: SurveyForm) -> dict[str, Any]:
    """A valid answer to every question of the form (best score, first option, short text)."""
    answers: dict[str, Any] = {}
    for question in form.questions:
        if question.type == "text":
            answers[question.id] = "Très bien."
        elif question.type == "multi_choice":
            answers[question.id] = [question.choice_values[0]]
        elif question.type in ("likert5", "nps"):
            answers[question.id] = int(question.choice_values[-1])
        else:
            answers[question.id] = question.choice_values[0]
    return answers


def section_fields(form: SurveyForm, index: int, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The form fields a browser posts for `answers` on section `index`."""
    fields = []
    for question in form.sections[index].questions:
        value = answers.get(question.id)
        values = value if isinstance(value, list) else [] if value is None else [value]
        fields += [(question.field_name, str(item)) for item in values]
    return fields


def make_invited(context: AppContext, *, language: str = "fr", **version_options: Any) -> Invited:
    """A published survey, an open campaign and one invited person, committed."""
    with write_session(context.engine) as session:
        version = published_version(session, **version_options)
        campaign_row = campaign(session, version)
        return invite(
            session, campaign_row, secret=context.settings.session_secret, language=language
        )
