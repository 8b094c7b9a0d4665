import streamlit as st
from sqlmodel import select

from reminders.calendar import format_moment
from reminders.operations import (
    CampaignActionError,
    pause_campaign,
    resume_campaign,
    send_campaign_now,
)
from reminders.pages.session_link import session_link_section
from reminders.pages.who_answered import who_answered_section
from reminders.pages.widgets import (
    campaign_rows,
    send_with_progress,
    show_refusal,
    unknown_messages_section,
)
from reminders.reporting import campaign_counts
from surveys.db import read_session, write_session
from surveys.models import Campaign, SurveyVersion, utc_now
from surveys.pages.common import choose, context, done, lang, show_table, staff_page, stop_page, tr

who = staff_page("reminders.campaigns.title", "reminders.campaigns.intro")
engine, settings = context().engine, context().settings
with read_session(engine) as session:
    campaigns = campaign_counts(session=session)
if not campaigns:
    stop_page(tr("reminders.campaigns.empty"))

show_table(campaign_rows(campaigns), "campaigns_table")

by_id = {item.id: item for item in campaigns}
chosen = by_id[
    choose(
        st,
        tr("reminders.campaigns.choose"),
        list(by_id),
        "campaigns_choice",
        lambda key: by_id[key].label,
    )
]
st.subheader(chosen.label)
st.caption(
    tr(
        "reminders.campaigns.status_line",
        status=tr(f"reminders.campaign_status.{chosen.status}"),
        start=format_moment(chosen.scheduled_at, lang()),
        closes=format_moment(chosen.closes_at, lang()),
    )
)
actions = st.columns(3)
try:
    if actions[0].button(
        tr("reminders.campaigns.send_now"),
        key="campaigns_send_now",
        disabled=chosen.status in ("closed", "paused"),
    ):
        with write_session(engine) as session:
            send_campaign_now(
                session=session,
                campaign_id=chosen.id,
                now=utc_now(),
                settings=settings,
                actor=who.email,
            )
        send_with_progress(chosen.id)
    if chosen.status == "paused":
        if actions[1].button(tr("reminders.campaigns.resume"), key="campaigns_resume"):
            with write_session(engine) as session:
                resume_campaign(
                    session=session, campaign_id=chosen.id, actor=who.email, now=utc_now()
                )
            done(tr("reminders.campaigns.resumed", campaign=chosen.label))
    elif actions[1].button(
        tr("reminders.campaigns.pause"), key="campaigns_pause", disabled=chosen.status == "closed"
    ):
        with write_session(engine) as session:
            pause_campaign(session=session, campaign_id=chosen.id, actor=who.email, now=utc_now())
        done(tr("reminders.campaigns.paused", campaign=chosen.label))
except CampaignActionError as error:
    show_refusal(error)

with read_session(engine) as session:
    anonymous = session.exec(
        select(SurveyVersion.anonymous)
        .join(Campaign, Campaign.survey_version_id == SurveyVersion.id)
        .where(Campaign.id == chosen.id)
    ).one()
who_answered_section(chosen.id, anonymous=anonymous, actor=who.email)
session_link_section(chosen.id)
unknown_messages_section(actor=who.email)
