"""Factories for test rows, built through the domain functions where they exist.

The one home of the rows the test packages share: staff, programmes, sessions, people and
enrolments; published survey versions (`published_version`: a template as shipped;
`respondent_version`: the learner_hot template plus an extra section with a yes/no and a
multi-choice question, so one survey holds every question type of the banks); campaigns and
invited people with their tokens; the hot-survey world of the reminders tests (`hot_session`);
the indicator 31/32 records (complaints and improvement actions) through their domain functions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session

from question_banks.loader import get_template
from surveys.builder.composition import create_survey_from_template, publish_survey
from surveys.builder.custom_questions import full_catalog
from surveys.campaigns import invitation_token, new_invitation
from surveys.db import write_session
from surveys.improvement.actions import ActionInput, create_action, set_action_status
from surveys.improvement.complaints import ComplaintInput, record_complaint
from surveys.models import (
    Answer,
    Campaign,
    Complaint,
    Enrolment,
    ImprovementAction,
    OrganisationSettings,
    OutboundMessage,
    Person,
    Programme,
    Response,
    StaffUser,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
    utc_now,
)
from surveys.respondent.form import EDIT_AFTER_SUBMIT_KEY, SurveyForm
from surveys.runtime import AppContext
from surveys.staff.accounts import create_user

_numbers = count(1)
PASSWORD = "correct horse battery"
SESSION_END = date(2026, 6, 30)
EXTRA_SECTION = {
    "id": "devices",
    "title": {"fr": "Vos équipements", "en": "Your equipment"},
    "questions": [{"id": "reco-would-recommend"}, {"id": "access-devices-used"}],
}


def staff(session: Session, role: str = "quality", **fields: Any) -> StaffUser:
    number = next(_numbers)
    return create_user(
        session=session,
        email=fields.pop("email", f"staff{number}@example.org"),
        role=role,
        password=fields.pop("password", PASSWORD),
        **fields,
    )


def _saved(session: Session, item: Any) -> Any:
    session.add(item)
    session.flush()
    return item


def organisation(session: Session, **fields: Any) -> None:
    """Name the organisation row (Formasud, with a support address) or set `fields` on it."""
    item = session.get(OrganisationSettings, 1)
    for key, value in {
        "name": "Formasud",
        "support_email": "aide@formasud.example.org",
        **fields,
    }.items():
        setattr(item, key, value)
    _saved(session, item)


def programme(session: Session, **fields: Any) -> Programme:
    number = next(_numbers)
    return _saved(
        session,
        Programme(
            code=fields.pop("code", f"PRG-{number}"),
            name=fields.pop("name", f"Formation {number}"),
            **fields,
        ),
    )


def training_session(
    session: Session, programme_id: int | None = None, **fields: Any
) -> TrainingSession:
    number = next(_numbers)
    if programme_id is None:
        programme_id = programme(session).id
    end = fields.pop("end_date", SESSION_END)
    item = TrainingSession(
        code=fields.pop("code", f"SES-{number}"),
        programme_id=programme_id,
        start_date=fields.pop("start_date", end - timedelta(days=10)),
        end_date=end,
        **fields,
    )
    return _saved(session, item)


def person(session: Session, stakeholder_type: str = "learner", **fields: Any) -> Person:
    number = next(_numbers)
    item = Person(
        email=fields.pop("email", f"person{number}@example.org"),
        first_name=fields.pop("first_name", "Camille"),
        last_name=fields.pop("last_name", f"Martin{number}"),
        stakeholder_type=stakeholder_type,
        **fields,
    )
    return _saved(session, item)


def enrol(session: Session, person_id: int, session_id: int, role: str = "learner") -> Enrolment:
    return _saved(session, Enrolment(person_id=person_id, session_id=session_id, role=role))


def enrolled(
    session: Session, training_id: int, how_many: int, role: str = "learner", **fields: Any
) -> list[Person]:
    """`how_many` new people of type `role`, enrolled in the session `training_id`."""
    people = [person(session, role, **fields) for _ in range(how_many)]
    session.add_all(Enrolment(person_id=p.id, session_id=training_id, role=role) for p in people)
    session.flush()
    return people


def _survey_from_template(session: Session, template_id: str) -> tuple[Any, Any]:
    catalog = full_catalog(session=session)
    template = get_template(template_id, catalog=catalog)
    survey = create_survey_from_template(session=session, template=template, actor="test")
    return survey, catalog


def published_version(session: Session, template_id: str = "learner_hot") -> SurveyVersion:
    """A survey created from a ready-made template and published (version 1)."""
    survey, catalog = _survey_from_template(session, template_id)
    return publish_survey(session=session, survey=survey, catalog=catalog, actor="test")


def respondent_version(
    session: Session,
    *,
    anonymous: bool = False,
    allow_edit: bool = False,
    every_type: bool = True,
    template_id: str = "learner_hot",
) -> SurveyVersion:
    """A published template with the respondent options set; `every_type` adds EXTRA_SECTION."""
    survey, catalog = _survey_from_template(session, template_id)
    draft = copy.deepcopy(survey.draft)
    if every_type:
        draft["sections"].insert(-1, copy.deepcopy(EXTRA_SECTION))
    draft[EDIT_AFTER_SUBMIT_KEY] = allow_edit
    survey.draft = draft
    survey.anonymous = anonymous
    _saved(session, survey)
    return publish_survey(session=session, survey=survey, catalog=catalog, actor="test")


def plan(session: Session, version: SurveyVersion, programme_id: int | None, **fields: Any):
    item = SurveyPlan(
        programme_id=programme_id,
        survey_id=version.survey_id,
        audience=fields.pop("audience", "learner"),
        timing=fields.pop("timing", "hot"),
        **fields,
    )
    return _saved(session, item)


def hot_and_dropout_plans(
    session: Session, programme_id: int
) -> tuple[SurveyVersion, SurveyVersion]:
    """The programme's hot learner plan and its dropout plan (who dropped out, 3 days after,
    one reminder 3 days later), each template published: returns both versions."""
    hot, dropout = published_version(session), published_version(session, "learner_dropout")
    plan(session, hot, programme_id)
    scope = {"enrolment_scope": "dropped_out", "offset_days": 3, "reminder_offsets_days": [3]}
    plan(session, dropout, programme_id, **scope)
    return hot, dropout


def hot_plan(session: Session) -> TrainingSession:
    """The named organisation, a session ending SESSION_END and the hot learner plan of its
    programme (learner_hot published): what the planner needs to invite its learners."""
    organisation(session)
    version = published_version(session)
    training = training_session(session, end_date=SESSION_END)
    plan(session, version, training.programme_id)
    return training


def hot_session(context: AppContext, learners: int = 3, **person_fields: Any) -> list[Person]:
    """`hot_plan` committed, with `learners` people enrolled (detached rows, safe to read)."""
    with write_session(context.engine) as session:
        training = hot_plan(session)
        people = enrolled(session, training.id, learners, **person_fields)
        for item in people:
            session.expunge(item)
        return people


def campaign(session: Session, version: SurveyVersion | None = None, **fields: Any) -> Campaign:
    """A learner hot campaign scheduled now (or `scheduled_at`), closing 30 days later."""
    version = version or published_version(session)
    number = next(_numbers)
    scheduled = fields.pop("scheduled_at", utc_now())
    item = Campaign(
        key=fields.pop("key", f"test:{number}"),
        survey_version_id=version.id,
        audience=fields.pop("audience", "learner"),
        timing=fields.pop("timing", "hot"),
        scheduled_at=scheduled,
        closes_at=fields.pop("closes_at", scheduled + timedelta(days=30)),
        **fields,
    )
    return _saved(session, item)


def open_campaign(
    session: Session,
    version: SurveyVersion,
    *,
    now: datetime | None = None,
    status: str = "open",
    closes_in_days: int = 30,
) -> Campaign:
    """A labelled campaign that started a day before `now` and closes `closes_in_days` after."""
    now = now or utc_now()
    return campaign(
        session,
        version,
        key=f"test:{version.id}:{next(_numbers)}",
        label="Test campaign",
        scheduled_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=closes_in_days),
        status=status,
    )


def answered(session: Session, question_id: str, number: float | None = 4, text: str | None = None):
    """A submitted response holding one answer to `question_id`."""
    item = campaign(session)
    response = _saved(
        session,
        Response(
            campaign_id=item.id,
            survey_version_id=item.survey_version_id,
            submitted_on=utc_now().date(),
        ),
    )
    _saved(
        session, Answer(response_id=response.id, question_id=question_id, number=number, text=text)
    )
    return response


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
    """A new person invited to `campaign_row` (sent), with a pending reminder in three days."""
    invitee = person(session, language=language)
    invitation = new_invitation(campaign_id=campaign_row.id, person=invitee, session_secret=secret)
    invitation.status = "sent"
    _saved(session, invitation)
    if with_reminder:
        reminder = OutboundMessage(
            invitation_id=invitation.id,
            kind="reminder",
            sequence=1,
            status="pending",
            due_at=utc_now() + timedelta(days=3),
        )
        _saved(session, reminder)
    return Invited(
        token=invitation_token(invitation, session_secret=secret),
        invitation_id=invitation.id,
        person_id=invitee.id,
        campaign_id=campaign_row.id,
        version_id=campaign_row.survey_version_id,
    )


def make_invited(
    context: AppContext,
    *,
    language: str = "fr",
    now: datetime | None = None,
    **version_options: Any,
) -> Invited:
    """A `respondent_version`, an open campaign around `now` and one invited person, committed."""
    with write_session(context.engine) as session:
        version = respondent_version(session, **version_options)
        campaign_row = open_campaign(session, version, now=now)
        return invite(
            session, campaign_row, secret=context.settings.session_secret, language=language
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


def complaint_input(**fields: Any) -> ComplaintInput:
    """A learner's incident about technical support, by phone, received at SESSION_END
    (`fields` change any of it)."""
    defaults = {
        "kind": "incident",
        "source": "phone",
        "stakeholder_type": "learner",
        "theme": "technical_support",
        "summary": "Hotline injoignable",
        "received_on": SESSION_END,
    }
    return ComplaintInput(**{**defaults, **fields})


def complaint(session: Session, *, now: datetime, actor: str = "q", **fields: Any) -> Complaint:
    """`complaint_input(**fields)`, received on `now`'s day unless said, recorded at `now`."""
    fields.setdefault("received_on", now.date())
    return record_complaint(session=session, item=complaint_input(**fields), actor=actor, now=now)


def action_input(**fields: Any) -> ActionInput:
    """An improvement action on technical support, owned by Quentin, due at SESSION_END."""
    defaults = {
        "title": "Créer une hotline",
        "owner": "Quentin Qualité",
        "due_on": SESSION_END,
        "theme": "technical_support",
    }
    return ActionInput(**{**defaults, **fields})


def action(session: Session, *, now: datetime, **fields: Any) -> ImprovementAction:
    """`action_input(**fields)` put in the improvement plan at `now` (by "q")."""
    return create_action(session=session, item=action_input(**fields), actor="q", now=now)


def action_status(
    session: Session, item: ImprovementAction, status: str, today: date, **fields: Any
) -> ImprovementAction:
    """`item` moved to `status` on `today` (by "q"); `fields`: done_on."""
    return set_action_status(
        session=session, action_id=item.id, status=status, actor="q", today=today, **fields
    )
