"""The campaign page's list of who has answered and who has not, with a resend per person."""

from __future__ import annotations

import streamlit as st

from reminders.answered import campaign_invitations
from reminders.calendar import format_moment
from reminders.operations import CampaignActionError, resend_to_person
from reminders.pages.widgets import send_with_progress, show_refusal
from surveys.db import read_session, write_session
from surveys.models import utc_now
from surveys.pages.common import context, lang, tr
from surveys.spreadsheet import spreadsheet_safe

RESENDABLE = ("invited", "reminded", "opened", "planned")


def _state_text(state: str, reminders: int) -> str:
    if state == "reminded":
        return tr("reminders.who.state.reminded", count=reminders)
    return tr(f"reminders.who.state.{state}")


def who_answered_section(campaign_id: int, *, anonymous: bool, actor: str) -> None:
    st.subheader(tr("reminders.who.title"))
    st.caption(tr("reminders.who.anonymous_note" if anonymous else "reminders.who.named_note"))
    with read_session(context().engine) as session:
        people = campaign_invitations(session=session, campaign_id=campaign_id)
    if not people:
        st.caption(tr("reminders.who.empty"))
        return
    answered = sum(item.state == "answered" for item in people)
    st.markdown(tr("reminders.who.summary", answered=answered, total=len(people)))
    rows = [
        {
            tr("reminders.who.person"): item.name,
            tr("reminders.who.email"): item.email,
            tr("reminders.who.status"): _state_text(item.state, item.reminders),
            tr("reminders.who.last_activity"): (
                format_moment(item.last_activity, lang()) if item.last_activity else "—"
            ),
        }
        for item in people
    ]
    st.dataframe(spreadsheet_safe(rows), hide_index=True, key="who_answered_table")
    waiting = {item.invitation_id: item for item in people if item.state in RESENDABLE}
    if not waiting:
        return
    chosen = st.selectbox(
        tr("reminders.who.resend_choose"),
        list(waiting),
        key="who_resend_choice",
        format_func=lambda key: f"{waiting[key].name} <{waiting[key].email}>",
    )
    if st.button(tr("reminders.who.resend"), key="who_resend"):
        try:
            with write_session(context().engine) as session:
                resend_to_person(session=session, invitation_id=chosen, now=utc_now(), actor=actor)
        except CampaignActionError as error:
            show_refusal(error)
            return
        send_with_progress(campaign_id)
