import streamlit as st

from reminders.calendar import describe_send, plan_sentences, upcoming_sends
from reminders.operations import CampaignActionError, start_campaign_now
from reminders.pages.widgets import plain, send_with_progress, show_refusal
from surveys.db import read_session, write_session
from surveys.models import utc_now
from surveys.pages.common import choose, context, lang, staff_page, tr

who = staff_page("reminders.calendar.title", "reminders.calendar.intro")
days = st.slider(tr("reminders.calendar.days"), 7, 180, 60, step=1, key="calendar_days")
with read_session(context().engine) as session:
    items = upcoming_sends(session=session, now=utc_now(), days=days)
    sentences = plan_sentences(session=session, language=lang())

st.subheader(tr("reminders.calendar.upcoming"))
if items:
    st.markdown("\n".join(f"- {plain(describe_send(item, lang()))}" for item in items))
else:
    st.caption(tr("reminders.calendar.nothing"))

startable = [item for item in items if item.kind == "campaign" and item.plan_id]
if startable:
    st.subheader(tr("reminders.calendar.start_title"))
    index = choose(
        st,
        tr("reminders.calendar.start_choose"),
        range(len(startable)),
        "calendar_start_choice",
        lambda i: startable[i].label,
    )
    if st.button(tr("reminders.calendar.start_now"), key="calendar_start_now"):
        item = startable[index]
        try:
            with write_session(context().engine) as session:
                campaign = start_campaign_now(
                    session=session,
                    plan_id=item.plan_id,
                    session_id=item.session_id,
                    now=utc_now(),
                    settings=context().settings,
                    actor=who.email,
                )
                campaign_id = campaign.id
        except CampaignActionError as error:
            show_refusal(error)
        else:
            send_with_progress(campaign_id)

st.subheader(tr("reminders.calendar.plans"))
if sentences:
    st.markdown("\n".join(f"- {plain(sentence)}" for sentence in sentences))
else:
    st.caption(tr("reminders.calendar.no_plan"))
