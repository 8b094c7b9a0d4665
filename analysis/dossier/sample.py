"""An auditor's sample: N sessions drawn at random (seeded) among those ending in a period,
their dossiers written into one zip with the seed, so the draw can be replayed."""

from __future__ import annotations

import random
import secrets
import zipfile
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from analysis.dossier.document import build_dossier, dossier_pdf, dossier_stem
from surveys.config import Settings
from surveys.db import read_session
from surveys.models import TrainingSession


def sessions_ending(engine: sa.Engine, start: date, end: date) -> list[str]:
    """The codes of the sessions whose last day falls in [start, end], in code order."""
    with read_session(engine) as session:
        statement = (
            select(TrainingSession.code)
            .where(TrainingSession.end_date >= start, TrainingSession.end_date <= end)
            .order_by(TrainingSession.code)
        )
        return list(session.exec(statement))


def first_session_code(engine: sa.Engine) -> str:
    """The first session (by code) that has a campaign: the benchmark's dossier."""
    from surveys.models import Campaign

    with read_session(engine) as session:
        statement = (
            select(TrainingSession.code)
            .join(Campaign, Campaign.session_id == TrainingSession.id)
            .order_by(TrainingSession.code)
        )
        return str(session.exec(statement).first())


def new_seed() -> int:
    return secrets.randbelow(10**6)


def draw(codes: list[str], count: int, seed: int) -> list[str]:
    """`count` codes (all of them when fewer), the same for the same seed and codes."""
    chosen = random.Random(seed).sample(sorted(codes), min(count, len(codes)))
    return sorted(chosen)


def write_sample(
    *,
    engine: sa.Engine,
    settings: Settings,
    codes: list[str],
    seed: int,
    out_dir: Path,
    language: str = "fr",
    generated: date | None = None,
) -> Path:
    """One zip holding each drawn session's dossier (PDF and HTML) and seed.txt."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = "echantillon" if language == "fr" else "sample"
    path = out_dir / f"{name}-{seed}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("seed.txt", f"{seed}\n" + "\n".join(codes) + "\n")
        for code in codes:
            document = build_dossier(
                engine=engine,
                settings=settings,
                code=code,
                language=language,
                generated=generated,
            )
            stem = dossier_stem(code, language)
            archive.writestr(f"{stem}.html", document.html)
            archive.writestr(f"{stem}.pdf", dossier_pdf(document))
    return path
