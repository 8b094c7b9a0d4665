"""The database side of answering, on SQLite and PostgreSQL: link states, drafts that resume,
one response per invitation (also under concurrent submits), anonymity, opt-out."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from surveys.campaigns import new_invitation
from surveys.db import read_session, write_session
from surveys.models import (
    Answer,
    AuditLog,
    Campaign,
    Invitation,
    NamedResponse,
    OutboundMessage,
    Person,
    Response,
    ResponseDraft,
    utc_now,
)
from surveys.respondent.service import (
    LinkState,
    SubmitOutcome,
    day_start,
    opt_out,
    resolve_link,
    save_section,
    submit_response,
)
from surveys.runtime import AppContext
from tests import factories

NOW = utc_now()


def make_invited(context: AppContext, **version_options) -> factories.Invited:
    return factories.make_invited(context, now=NOW, **version_options)


def save_draft(
    context: AppContext,
    token: str,
    index: int,
    next_section: int | None,
    answers: dict[str, Any] | None = None,
    **options: str,
) -> int:
    """Save section `index` (`answers`, or a complete answer to every question) and go on to
    `next_section` (the last section when None); returns how many sections the form has."""
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=token, now=NOW, lock=True)
        sections = len(link.form.sections)
        save_section(
            session=session,
            link=link,
            section_index=index,
            section_answers=factories.complete_answers(link.form) if answers is None else answers,
            next_section=sections - 1 if next_section is None else next_section,
            now=NOW,
            **options,
        )
    return sections


def save_all(context: AppContext, token: str) -> None:
    """Save every section of the form, as the respondent's pages would."""
    sections = save_draft(context, token, 0, None)
    for index in range(1, sections):
        save_draft(context, token, index, index)


def submit(context: AppContext, token: str, *, now=NOW) -> SubmitOutcome:
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=token, now=now, lock=True)
        return submit_response(session=session, link=link, now=now)


def count(context: AppContext, model) -> int:
    with read_session(context.engine) as session:
        return session.exec(select(sa.func.count()).select_from(model)).one()


def set_fields(context: AppContext, model, row_id: int, **values) -> None:
    with write_session(context.engine) as session:
        session.execute(sa.update(model).where(model.id == row_id).values(**values))


def state_of(context: AppContext, token: str, now=NOW) -> LinkState:
    with read_session(context.engine) as session:
        return resolve_link(session=session, token=token, now=now).state


# ---- link states -----------------------------------------------------------------------------


def test_a_fresh_link_is_open_in_the_invitations_language(context: AppContext) -> None:
    invited = make_invited(context)
    with read_session(context.engine) as session:
        link = resolve_link(session=session, token=invited.token, now=NOW)
    assert link.state is LinkState.OPEN and link.language == "fr"
    assert link.current_section == 0 and link.answers == {} and not link.open_recorded
    assert len(link.form.sections) == 5


def test_unknown_and_tampered_tokens_are_unknown(context: AppContext) -> None:
    invited = make_invited(context)
    tampered = invited.token[:-1] + ("A" if invited.token[-1] != "A" else "B")
    for token in (tampered, "x" * 43, "short", invited.token + "x", "../../etc/passwd"):
        assert state_of(context, token) is LinkState.UNKNOWN


def test_a_campaign_past_its_close_date_or_closed_is_no_longer_answerable(
    context: AppContext,
) -> None:
    invited = make_invited(context)
    assert state_of(context, invited.token, NOW + timedelta(days=31)) is LinkState.EXPIRED
    set_fields(context, Campaign, invited.campaign_id, status="closed")
    assert state_of(context, invited.token) is LinkState.CLOSED


def test_an_opted_out_or_erased_persons_link_is_not_answerable(context: AppContext) -> None:
    invited = make_invited(context)
    set_fields(context, Invitation, invited.invitation_id, status="opted_out")
    assert state_of(context, invited.token) is LinkState.OPTED_OUT
    set_fields(context, Person, invited.person_id, erased_at=NOW)
    assert state_of(context, invited.token) is LinkState.UNKNOWN


# ---- never lose an answer --------------------------------------------------------------------


def test_a_saved_section_resumes_later_from_another_connection(context: AppContext) -> None:
    invited = make_invited(context)
    save_draft(context, invited.token, 0, 1, {"overall-satisfaction": 4}, language="en")
    context.engine.dispose()  # another device: nothing kept in this process's connections
    with read_session(context.engine) as session:
        link = resolve_link(session=session, token=invited.token, now=NOW)
    assert link.answers == {"overall-satisfaction": 4}
    assert link.current_section == 1 and link.has_draft and link.language == "en"


def test_an_incomplete_draft_is_not_submitted_and_says_where_to_go(context: AppContext) -> None:
    invited = make_invited(context)
    save_draft(context, invited.token, 0, 1, {"overall-satisfaction": 4})
    outcome = submit(context, invited.token)
    assert outcome.status == "incomplete" and outcome.section_index == 0
    assert "overall-objectives-met" in [error.question_id for error in outcome.errors]
    assert count(context, Response) == 0


# ---- one response per invitation -------------------------------------------------------------


def test_the_final_submit_creates_one_named_response_and_stops_reminders(
    context: AppContext,
) -> None:
    invited = make_invited(context)
    save_all(context, invited.token)
    assert submit(context, invited.token).status == "created"
    assert submit(context, invited.token).status == "already_completed"
    with read_session(context.engine) as session:
        [response] = session.exec(select(Response)).all()
        link = session.exec(select(NamedResponse)).one()
        invitation = session.get(Invitation, invited.invitation_id)
        answers = session.exec(select(Answer).where(Answer.response_id == response.id)).all()
        reminder = session.exec(select(OutboundMessage)).one()
        drafts = session.exec(select(ResponseDraft)).all()
    assert link.response_id == response.id and link.invitation_id == invited.invitation_id
    assert link.person_id == invited.person_id and link.submitted_at == NOW
    assert invitation.status == "completed" and invitation.completed_at == NOW
    assert response.anonymous is False and response.survey_version_id == invited.version_id
    assert {a.question_id for a in answers} >= {"reco-nps", "access-devices-used"}
    assert reminder.status == "cancelled" and drafts == []


def test_an_anonymous_response_keeps_no_link_and_only_the_day(context: AppContext) -> None:
    invited = make_invited(context, anonymous=True)
    save_all(context, invited.token)
    assert submit(context, invited.token).status == "created"
    with read_session(context.engine) as session:
        response = session.exec(select(Response)).one()
        invitation = session.get(Invitation, invited.invitation_id)
        audit = session.exec(select(AuditLog)).all()
    assert response.anonymous is True
    assert count(context, NamedResponse) == 0 and count(context, ResponseDraft) == 0
    assert invitation.status == "completed" and invitation.completed_at == day_start(NOW)
    assert all(response.id not in str(entry.details) + entry.target for entry in audit)


def test_an_anonymous_response_does_not_keep_the_respondents_language(
    context: AppContext,
) -> None:
    """A lone English speaker in a campaign must not be recognisable by the response's language."""
    invited = factories.make_invited(context, language="en", anonymous=True)
    save_all(context, invited.token)
    assert submit(context, invited.token).status == "created"
    with read_session(context.engine) as session:
        response = session.exec(select(Response)).one()
    assert response.language == "fr"


def test_the_response_table_has_no_column_pointing_to_a_person_or_invitation(
    context: AppContext,
) -> None:
    inspector = sa.inspect(context.engine)
    columns = {column["name"] for column in inspector.get_columns("response")}
    assert not {name for name in columns if "person" in name or "invitation" in name}
    referred = {key["referred_table"] for key in inspector.get_foreign_keys("response")}
    assert referred == {"campaign", "survey_version"}
    assert columns == {
        "id",
        "campaign_id",
        "survey_version_id",
        "anonymous",
        "language",
        "submitted_on",
    }


@pytest.mark.parametrize("stale_link", [False, True])
def test_two_concurrent_final_submits_create_one_response(
    context: AppContext, stale_link: bool
) -> None:
    """Two submits start together. With `stale_link`, both read the link as open before either
    writes and submit without the row lock: only the conditional UPDATE tells them apart."""
    invited = make_invited(context)
    save_all(context, invited.token)
    start, both_read = threading.Barrier(2), threading.Barrier(2)
    outcomes: list[str] = []

    def submit_in_thread() -> None:
        start.wait(timeout=10)
        if stale_link:
            with read_session(context.engine) as session:
                link = resolve_link(session=session, token=invited.token, now=NOW)
            both_read.wait(timeout=10)
            with write_session(context.engine) as session:
                outcomes.append(submit_response(session=session, link=link, now=NOW).status)
            return
        with write_session(context.engine) as session:
            link = resolve_link(session=session, token=invited.token, now=NOW, lock=True)
            outcomes.append(submit_response(session=session, link=link, now=NOW).status)

    threads = [threading.Thread(target=submit_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already_completed", "created"]
    assert count(context, Response) == 1 and count(context, NamedResponse) == 1


# ---- changing answers after submitting -------------------------------------------------------


def test_answers_can_be_changed_until_close_when_the_survey_allows_it(
    context: AppContext,
) -> None:
    invited = make_invited(context, allow_edit=True)
    save_all(context, invited.token)
    submit(context, invited.token)
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=invited.token, now=NOW, lock=True)
        assert link.state is LinkState.COMPLETED and link.editable and not link.editing
        assert link.answers["overall-satisfaction"] == 5  # seeded from the response
        save_section(
            session=session,
            link=link,
            section_index=0,
            section_answers={**link.answers, "overall-satisfaction": 2},
            next_section=0,
            now=NOW,
        )
    assert submit(context, invited.token).status == "replaced"
    with read_session(context.engine) as session:
        number = session.exec(
            select(Answer.number).where(Answer.question_id == "overall-satisfaction")
        ).one()
    assert number == 2 and count(context, Response) == 1
    late = NOW + timedelta(days=31)
    with read_session(context.engine) as session:
        assert not resolve_link(session=session, token=invited.token, now=late).editable


@pytest.mark.parametrize(
    "options", [{"allow_edit": False}, {"allow_edit": True, "anonymous": True}]
)
def test_answers_cannot_be_changed_when_not_allowed_or_anonymous(
    context: AppContext, options: dict
) -> None:
    invited = make_invited(context, **options)
    save_all(context, invited.token)
    submit(context, invited.token)
    with read_session(context.engine) as session:
        link = resolve_link(session=session, token=invited.token, now=NOW)
    assert link.state is LinkState.COMPLETED and not link.editable and not link.answerable


# ---- opt-out ---------------------------------------------------------------------------------


def test_opting_out_stops_every_pending_email_of_the_person(context: AppContext) -> None:
    invited = make_invited(context)
    with write_session(context.engine) as session:
        version = factories.respondent_version(session, every_type=False)
        other_campaign = factories.open_campaign(session, version, now=NOW)
        person = session.get(Person, invited.person_id)
        other = new_invitation(
            campaign_id=other_campaign.id,
            person=person,
            session_secret=context.settings.session_secret,
        )
        session.add(other)
        session.flush()
        session.add_all(
            [
                OutboundMessage(
                    invitation_id=other.id, kind="invitation", status="retry", due_at=NOW
                ),
                OutboundMessage(
                    invitation_id=invited.invitation_id,
                    kind="invitation",
                    status="sent",
                    due_at=NOW,
                ),
            ]
        )
    for _ in range(2):  # idempotent
        with write_session(context.engine) as session:
            assert opt_out(session=session, token=invited.token, now=NOW) is not None
    with read_session(context.engine) as session:
        person = session.get(Person, invited.person_id)
        invitation = session.get(Invitation, invited.invitation_id)
        statuses = sorted(m.status for m in session.exec(select(OutboundMessage)).all())
    assert person.opted_out_at == NOW and invitation.status == "opted_out"
    assert statuses == ["cancelled", "cancelled", "sent"]


def test_opting_out_after_answering_keeps_the_invitation_completed(context: AppContext) -> None:
    invited = make_invited(context)
    save_all(context, invited.token)
    submit(context, invited.token)
    with write_session(context.engine) as session:
        assert opt_out(session=session, token=invited.token, now=NOW).status == "completed"
        assert opt_out(session=session, token="x" * 43, now=NOW) is None
