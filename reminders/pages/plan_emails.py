import streamlit as st

from reminders.operations import CampaignActionError, reset_plan_email, save_plan_email
from reminders.pages.widgets import email_preview, show_refusal
from reminders.rendering import (
    EMAIL_TEMPLATE_NAMES,
    PLACEHOLDERS,
    EmailSource,
    plan_source,
)
from reminders.reporting import plan_choices
from surveys.db import read_session, write_session
from surveys.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from surveys.models import OrganisationSettings, SurveyPlan
from surveys.pages.common import choose, context, lang, staff_page, stop_page, tr

who = staff_page("reminders.emails.title", "reminders.emails.intro")
with read_session(context().engine) as session:
    plans = dict(plan_choices(session=session, language=lang()))
    organisation = session.get(OrganisationSettings, 1)
    organisation_name = organisation.name if organisation else ""
if not plans:
    stop_page(tr("reminders.emails.no_plan"))

columns = st.columns(3)
plan_id = choose(columns[0], tr("reminders.emails.plan"), list(plans), "emails_plan", plans.get)
language = choose(
    columns[1],
    tr("reminders.emails.language"),
    SUPPORTED_LANGUAGES,
    "emails_language",
    LANGUAGE_NAMES.get,
)
template = choose(
    columns[2],
    tr("reminders.emails.kind"),
    EMAIL_TEMPLATE_NAMES,
    "emails_kind",
    "reminders.emails.kinds",
)
with read_session(context().engine) as session:
    source = plan_source(session.get(SurveyPlan, plan_id).email_overrides, template, language)
suffix = f"{plan_id}_{language}_{template}"
subject = st.text_input(
    tr("reminders.emails.subject"), value=source.subject, key=f"emails_subject_{suffix}"
)
body = st.text_area(
    tr("reminders.emails.body"), value=source.body, height=260, key=f"emails_body_{suffix}"
)
st.caption(
    tr("reminders.emails.placeholders", names=", ".join(f"{{{{ {n} }}}}" for n in PLACEHOLDERS))
)

email_preview(EmailSource(subject=subject, body=body), language, organisation_name)

save, reset = st.columns(2)
which = {"plan_id": plan_id, "language": language, "template_name": template, "actor": who.email}
try:
    if save.button(tr("reminders.emails.save"), key="emails_save", type="primary"):
        with write_session(context().engine) as session:
            save_plan_email(session=session, subject=subject, body=body, **which)
        st.success(tr("common.saved"))
    if reset.button(tr("reminders.emails.reset"), key="emails_reset"):
        with write_session(context().engine) as session:
            reset_plan_email(session=session, **which)
        st.session_state.pop(f"emails_subject_{suffix}", None)
        st.session_state.pop(f"emails_body_{suffix}", None)
        st.rerun()
except CampaignActionError as error:
    show_refusal(error)
