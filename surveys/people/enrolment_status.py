"""The completion status of an enrolment, from what people and tools write (pure).

Stored as stable English slugs (`surveys.models.ENROLMENT_STATUSES`); read from the usual
French and English words of training-management exports: "Terminé", "Achevé", "Abandon",
"Arrêt", "Absent", "Non présenté"... Case, accents and punctuation are ignored.
`change_status` is the one way a single enrolment's status is changed (the API and the staff
people page): dated and audit-logged, since the status drives who is surveyed (the dropout
survey goes N days after the day a dropout is recorded).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from surveys.audit import record
from surveys.config import paris_day
from surveys.models import ENROLMENT_STATUSES, Enrolment

_WORDS: dict[str, tuple[str, ...]] = {
    "enrolled": (
        "inscrit",
        "inscrite",
        "inscription",
        "a venir",
        "confirme",
        "confirmee",
        "enrolled",
        "registered",
        "enroled",
        "upcoming",
    ),
    "in_progress": (
        "en cours",
        "en formation",
        "commence",
        "in progress",
        "ongoing",
        "started",
        "active",
    ),
    "completed": (
        "termine",
        "terminee",
        "acheve",
        "achevee",
        "fini",
        "finie",
        "complet",
        "realise",
        "realisee",
        "complete",
        "completed",
        "finished",
        "done",
    ),
    "dropped_out": (
        "abandon",
        "abandonne",
        "abandonnee",
        "arret",
        "arrete",
        "arretee",
        "interrompu",
        "interrompue",
        "sortie anticipee",
        "rupture",
        "dropped out",
        "dropout",
        "drop out",
        "dropped",
        "withdrawn",
        "withdrew",
        "quit",
        "discontinued",
    ),
    "absent": (
        "absent",
        "absente",
        "non presente",
        "non presentee",
        "ne s est pas presente",
        "no show",
        "noshow",
        "did not attend",
        "not attended",
    ),
}


@lru_cache(maxsize=1024)  # an import folds the same few words on every row
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


_SYNONYMS = {_fold(word): slug for slug, words in _WORDS.items() for word in words}
_SYNONYMS.update({_fold(slug): slug for slug in ENROLMENT_STATUSES})


def parse_enrolment_status(text: str | None) -> str | None:
    """The status slug of `text`; None when empty; ValueError when it is not a status."""
    if not text:
        return None
    folded = _fold(text)
    if not folded:
        return None
    found = _SYNONYMS.get(folded)
    if found is None:
        raise ValueError(text)
    return found


NOT_ATTENDING = ("dropped_out", "absent")


def in_scope(status: Any, scope: str) -> Any:
    """The SQL condition on an enrolment's `status` for a plan's `enrolment_scope`:
    "completed" (the default) leaves out who dropped out or never came, "all" keeps every
    enrolment, "dropped_out" keeps only those who dropped out."""
    if scope == "dropped_out":
        return status == "dropped_out"
    if scope == "all":
        return sa.true()
    return status.not_in(NOT_ATTENDING)


def change_status(
    session: Session,
    enrolment: Enrolment,
    status: str,
    *,
    actor: str,
    now: datetime,
    day: date | None = None,
) -> bool:
    """Set `enrolment`'s status, dated `day` (else today in Paris), with an audit entry naming
    `actor`; False (and nothing written) when the status and its day are already these."""
    if status not in ENROLMENT_STATUSES:
        raise ValueError(status)
    day = day or paris_day(now)
    if enrolment.status == status and day == enrolment.status_changed_on:
        return False
    before = enrolment.status
    enrolment.status, enrolment.status_changed_on = status, day
    session.add(enrolment)
    record(
        session,
        actor=actor,
        action="enrolment.status",
        target=f"enrolment:{enrolment.id}",
        details={"from": before, "to": status, "on": day.isoformat()},
        at=now,
    )
    return True
