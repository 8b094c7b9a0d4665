"""Indicators 31 and 32 in the demo: a complaints register, an action plan, an evidence note."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from surveys.demo.organisation import FINANCERS
from surveys.models import Complaint, EvidenceNote, ImprovementAction

DEMO_COMPLAINTS = (
    # (days ago, kind, theme, summary, days to acknowledge, to answer, to close)
    (300, "incident", "technical_support", "Identifiants refusés sur la plateforme", 1, 2, 3),
    (240, "incident", "technical_support", "Plateforme inaccessible pendant deux jours", 0, 1, 2),
    (150, "complaint", "technical_support", "Aucune réponse de l'assistance technique", 3, 9, 12),
    (95, "incident", "virtual_classroom", "Son coupé pendant la classe virtuelle", 1, 1, 2),
    (
        40,
        "complaint",
        "technical_support",
        "Bug bloquant non résolu depuis une semaine",
        2,
        6,
        None,
    ),
    (
        6,
        "difficulty",
        "accessibility",
        "Vidéos sans sous-titres pour une apprenante sourde",
        None,
        None,
        None,
    ),
)
DEMO_ACTIONS = (
    # (title, theme, origin, status, due in days, done days ago)
    (
        "Mettre à jour le guide de connexion et réinitialiser les identifiants à l'entrée",
        "lms_ergonomics",
        "réclamation",
        "done",
        -200,
        210,
    ),
    (
        "Créer un centre d'aide et une hotline joignable de 9 h à 18 h",
        "technical_support",
        "suggestion",
        "in_progress",
        30,
        None,
    ),
    (
        "Former les formateurs à l'outil de classe virtuelle (salles de sous-groupes, partage)",
        "trainer_digital_mastery",
        "suggestion",
        "planned",
        -10,
        None,
    ),
)


def _status(ack: int | None, answer: int | None, close: int | None) -> str:
    if close is not None:
        return "closed"
    if answer is not None:
        return "answered"
    return "acknowledged" if ack is not None else "received"


def _complaints(session: Session, now: datetime, learners: list[int], sessions: list[int]) -> None:
    for index, (ago, kind, theme, summary, ack, answer, close) in enumerate(DEMO_COMPLAINTS):
        received = now - timedelta(days=ago)

        def after(days: int | None, start: datetime = received) -> datetime | None:
            return None if days is None else start + timedelta(days=days, hours=3)

        session.add(
            Complaint(
                kind=kind,
                source="email" if index % 2 else "survey",
                stakeholder_type="learner",
                person_id=learners[index * 37],
                session_id=sessions[index],
                theme=theme,
                summary=summary,
                received_on=received.date(),
                status=_status(ack, answer, close),
                acknowledged_at=after(ack),
                answered_at=after(answer),
                closed_at=after(close),
                answer="Réponse envoyée et solution proposée." if answer is not None else "",
                created_by="qualite@formasud.example.org",
                created_at=received,
            )
        )


def _actions(session: Session, now: datetime) -> None:
    for title, theme, origin, status, due, done in DEMO_ACTIONS:
        session.add(
            ImprovementAction(
                title=title,
                theme=theme,
                origin=origin,
                status=status,
                owner="Quentin Qualité",
                due_on=(now + timedelta(days=due)).date(),
                done_on=(now - timedelta(days=done)).date() if done else None,
                created_at=now - timedelta(days=240),
            )
        )


def _evidence_note(session: Session, now: datetime, financer_id: int) -> None:
    session.add(
        EvidenceNote(
            stakeholder_type="financer",
            person_id=financer_id,
            organisation=FINANCERS[0],
            kind="webinar",
            occurred_on=(now - timedelta(days=60)).date(),
            summary="Webinaire de l'OPCO sur la qualité des formations à distance : nos résultats "
            "de satisfaction y ont été présentés et discutés.",
            created_by="demo",
        )
    )


def improvement_loop(
    session: Session,
    *,
    now: datetime,
    learners: list[int],
    financers: list[int],
    sessions: list[int],
) -> None:
    """A register, a plan and evidence notes, so indicators 31 and 32 have something to show."""
    _complaints(session, now, learners, sessions)
    _actions(session, now)
    _evidence_note(session, now, financers[0])
    session.flush()
