"""Streamlit pieces shared by the reminders pages (not a page itself)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reminders.dispatcher import dispatch_due
from reminders.operations import resolve_unknown
from reminders.rendering import EmailSource, EmailTemplateError, render_email, sample_facts
from reminders.reporting import CampaignCounts, unknown_messages
from reminders.transport import build_sender
from surveys.db import read_session, write_session
from surveys.formatting import day, percent
from surveys.i18n import TranslatableError
from surveys.models import utc_now
from surveys.pages.common import choose, context, done, lang, plain, show_table, tr


def show_refusal(error: TranslatableError) -> None:
    st.error(error.message(lang()))


def send_with_progress(campaign_id: int) -> None:
    """Send the campaign's due messages now, with a progress bar, then say what happened."""
    settings = context().settings
    bar = st.progress(0.0, text=tr("reminders.progress.starting"))

    def progress(done: int, total: int) -> None:
        bar.progress(
            min(done / total, 1.0), text=tr("reminders.progress.running", done=done, total=total)
        )

    summary = dispatch_due(
        engine=context().engine,
        sender=build_sender(settings),
        now=utc_now(),
        settings=settings,
        campaign_id=campaign_id,
        on_progress=progress,
    )
    bar.progress(1.0, text=tr("reminders.progress.done"))
    st.success(
        tr(
            "reminders.progress.summary",
            sent=summary.sent,
            retry=summary.retry,
            failed=summary.failed,
            cancelled=summary.cancelled,
        )
    )
    if summary.more:
        st.info(tr("reminders.progress.rate_limited"))
    if not settings.smtp_configured:
        st.caption(tr("reminders.mailbox.local_notice_short"))


def campaign_rows(campaigns: list[CampaignCounts]) -> list[dict[str, Any]]:
    """The campaigns table, with translated headings and words."""

    def rate(value: float | None) -> str:
        return "—" if value is None else percent(value, lang())

    counted = (
        "invited",
        "sent",
        "reminded",
        "answered",
        "opted_out",
        "bounced",
        "failed",
        "unknown",
    )
    # the table fits the page: the label names the audience ("… de vos collaborateurs"), and a
    # problem count that is zero for every campaign is left out, so is "sent" when it is
    # "invited" for every campaign
    problems = ("opted_out", "bounced", "failed", "unknown")
    counted = tuple(
        name
        for name in counted
        if name not in problems or any(getattr(item, name) for item in campaigns)
    )
    if all(item.sent == item.invited for item in campaigns):  # nothing waits to be sent
        counted = tuple(name for name in counted if name != "sent")
    return [
        {
            tr("reminders.columns.campaign"): item.label,
            tr("reminders.columns.status"): tr(f"reminders.campaign_status.{item.status}"),
            tr("reminders.columns.start"): day(item.scheduled_at, lang()),
            **{tr(f"reminders.columns.{name}"): getattr(item, name) for name in counted},
            tr("reminders.columns.response_rate"): rate(item.response_rate),
        }
        for item in campaigns
    ]


def unknown_messages_section(*, actor: str) -> None:
    """Messages a crashed dispatcher may have handed over: staff decide, nothing automatic."""
    with read_session(context().engine) as session:
        unknown = unknown_messages(session=session)
    if not unknown:
        return
    st.subheader(tr("reminders.unknown.title"))
    st.warning(tr("reminders.unknown.explain"))
    show_table(unknown, "campaigns_unknown_table", "reminders")
    by_id = {row["id"]: row for row in unknown}
    chosen = choose(
        st,
        tr("reminders.unknown.choose"),
        list(by_id),
        "campaigns_unknown",
        lambda key: (
            f"{by_id[key]['email']} — {by_id[key]['campaign']} ({by_id[key]['message_id']})"
        ),
    )
    columns = st.columns(2)
    for column, decision in zip(columns, ("sent", "resend"), strict=True):
        if column.button(tr(f"reminders.unknown.{decision}"), key=f"campaigns_unknown_{decision}"):
            with write_session(context().engine) as session:
                resolve_unknown(
                    session=session,
                    message_id=chosen,
                    decision=decision,
                    actor=actor,
                    now=utc_now(),
                )
            done(tr(f"reminders.unknown.done_{decision}"))


def email_preview(source: EmailSource, language: str, organisation_name: str) -> None:
    """The email as a person would see it (invented name and link), or why it cannot be."""
    st.subheader(tr("reminders.emails.preview"))
    facts = sample_facts(language, organisation_name=organisation_name or "—")
    try:
        preview = render_email(source, facts)
    except EmailTemplateError as error:
        st.error(tr("reminders.errors.template", detail=str(error)))
        return
    st.markdown(f"**{tr('reminders.columns.subject')}** : {plain(preview.subject)}")
    st.html(preview.html)
