"""A session link as staff hand it out: its URLs, QR code and A4 sheet (for the campaign page
and `python -m surveys session-link`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from surveys.i18n import label
from surveys.models import Campaign, SessionLink, SurveyPlan, TrainingSession
from surveys.room.links import projection_token, projection_url, room_token, room_url
from surveys.room.printable import qr_png, sheet_pdf
from surveys.room.service import RoomError, ensure_session_link, find_room


class SessionLinkError(RoomError):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.params = params


@dataclass(frozen=True)
class SessionLinkKit:
    url: str
    projection_url: str
    survey: str
    session_code: str
    language: str

    def png(self) -> bytes:
        return qr_png(self.url)

    def pdf(self) -> bytes:
        return sheet_pdf(
            url=self.url, survey=self.survey, session_code=self.session_code, language=self.language
        )


def _kit(session: Session, link: SessionLink, *, session_secret: str, base_url: str):
    token = room_token(salt=link.token_salt, session_secret=session_secret)
    room = find_room(session, token)
    if room is None:
        raise SessionLinkError("room.errors.unpublished")
    language = room.languages[0]
    return SessionLinkKit(
        url=room_url(base_url, token),
        projection_url=projection_url(
            base_url, projection_token(salt=link.token_salt, session_secret=session_secret)
        ),
        survey=room.survey_title(language),
        session_code=room.session_code,
        language=language,
    )


def kit_for_session(
    session: Session, *, code: str, timing: str, session_secret: str, base_url: str
) -> SessionLinkKit:
    """The learners' session link of session `code`'s `timing` survey (created if needed)."""
    training = session.exec(select(TrainingSession).where(TrainingSession.code == code)).first()
    if training is None:
        raise SessionLinkError("room.errors.no_session", code=code)
    plan = session.exec(
        select(SurveyPlan)
        .where(
            SurveyPlan.programme_id == training.programme_id,
            SurveyPlan.audience == "learner",
            SurveyPlan.timing == timing,
            SurveyPlan.active.is_(True),
        )
        .order_by(SurveyPlan.id)
    ).first()
    if plan is None:
        raise SessionLinkError(
            "room.errors.no_plan", timing=label("timing", timing).lower(), code=code
        )
    link, _campaign = ensure_session_link(
        session, plan=plan, training=training, session_secret=session_secret
    )
    return _kit(session, link, session_secret=session_secret, base_url=base_url)


def kit_for_campaign(
    session: Session, campaign: Campaign, *, session_secret: str, base_url: str, create: bool
) -> SessionLinkKit | None:
    """The session link of a session's campaign; None when it has none (and `create` is
    false) or the campaign is not a session's."""
    if campaign.session_id is None or campaign.plan_id is None:
        return None
    link = session.exec(
        select(SessionLink).where(
            SessionLink.plan_id == campaign.plan_id, SessionLink.session_id == campaign.session_id
        )
    ).first()
    if link is None and not create:
        return None
    if link is None:
        plan = session.get(SurveyPlan, campaign.plan_id)
        training = session.get(TrainingSession, campaign.session_id)
        link, _ = ensure_session_link(
            session, plan=plan, training=training, session_secret=session_secret
        )
    return _kit(session, link, session_secret=session_secret, base_url=base_url)


def write_kit(kit: SessionLinkKit, directory: Path) -> str:
    """Write the PNG and the PDF into `directory`; the JSON line the command prints."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"lien-session-{kit.session_code}".replace("/", "-")
    png, pdf = directory / f"{stem}.png", directory / f"{stem}.pdf"
    png.write_bytes(kit.png())
    pdf.write_bytes(kit.pdf())
    return json.dumps(
        {
            "url": kit.url,
            "projection_url": kit.projection_url,
            "qr_png": str(png.resolve()),
            "qr_pdf": str(pdf.resolve()),
        },
        ensure_ascii=False,
    )
