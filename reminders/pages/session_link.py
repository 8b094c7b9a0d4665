"""The campaign page's session link: the URL to type, the QR code, the A4 sheet, the
trainer's projection link (widgets of `reminders/pages/campaigns.py`)."""

from __future__ import annotations

import streamlit as st

from surveys.db import read_session, write_session
from surveys.http.public_url import PublicUrlUnknown, public_base_url
from surveys.models import Campaign
from surveys.pages.common import context, lang, tr
from surveys.room.sheets import SessionLinkError, SessionLinkKit, kit_for_campaign


def _show(kit: SessionLinkKit, key: str) -> None:
    left, right = st.columns([1, 2])
    left.image(kit.png(), width=220)
    right.markdown(f"**{tr('room.staff.link')}**")
    right.code(kit.url, language=None)
    right.markdown(f"**{tr('room.staff.projection')}**")
    right.code(kit.projection_url, language=None)
    stem = f"lien-session-{kit.session_code}"
    right.download_button(
        tr("room.staff.download_png"), kit.png(), f"{stem}.png", "image/png", key=f"{key}_png"
    )
    right.download_button(
        tr("room.staff.download_pdf"),
        kit.pdf(),
        f"{stem}.pdf",
        "application/pdf",
        key=f"{key}_pdf",
    )


def session_link_section(campaign_id: int) -> None:
    """The session link of a session's campaign, created on request."""
    st.subheader(tr("room.staff.title"))
    engine, settings = context().engine, context().settings
    try:
        base_url = public_base_url(engine, settings, lang())
    except PublicUrlUnknown as error:
        st.info(str(error))
        return
    with read_session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or campaign.session_id is None:
            st.caption(tr("room.staff.not_session"))
            return
        kit = kit_for_campaign(
            session,
            campaign,
            session_secret=settings.session_secret,
            base_url=base_url,
            create=False,
        )
    st.caption(tr("room.staff.intro"))
    if kit is None:
        if not st.button(tr("room.staff.create"), key="room_create"):
            return
        try:
            with write_session(engine) as session:
                campaign = session.get(Campaign, campaign_id)
                kit = kit_for_campaign(
                    session,
                    campaign,
                    session_secret=settings.session_secret,
                    base_url=base_url,
                    create=True,
                )
        except SessionLinkError as error:
            st.error(tr(error.key, **error.params))
            return
    _show(kit, f"room_{campaign_id}")
