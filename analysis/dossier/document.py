"""The session dossier as HTML (Jinja2) and a tagged PDF (WeasyPrint, PDF/UA-1, /Lang set).

The results per question reuse `analysis.results` (small-group rule applied); free comments
are reproduced only for a survey that at least the small-group threshold of people answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from analysis.dossier.collect import DossierData, Solicitation, collect_dossier
from analysis.evidence.render import _helpers as pack_helpers
from analysis.evidence.render import environment, print_pdf
from analysis.frames import load_campaign_frames, small_group_min
from analysis.results import ResultsReport, report_from_frames, resolve_scope, scope_answers
from analysis.results.document import _helpers as results_helpers
from surveys.config import Settings
from surveys.db import read_session
from surveys.i18n import label, t
from surveys.improvement.complaints import complaint_row
from surveys.models import ENROLMENT_STATUSES, OrganisationSettings, TrainingSession


class DossierError(ValueError):
    """The asked session or programme does not exist (the message is for a person)."""


@dataclass(frozen=True)
class DossierDocument:
    html: str
    title: str
    author: str
    end: date
    language: str
    code: str
    kind: str = "session"  # or "programme"


@dataclass(frozen=True)
class Quote:
    day: date | None
    question: str
    text: str


def _quotes(report: ResultsReport, answers: pd.DataFrame, language: str) -> tuple[list, int]:
    """(the comments shown, how many were withheld by the small-group rule)."""
    texts = answers[(answers["type"] == "text") & answers["text"].notna()]
    texts = texts[texts["text"].astype(str).str.strip() != ""]
    if texts.empty:
        return [], 0
    sizes = answers.groupby("campaign_id", observed=True)["response_id"].nunique()
    small = texts["campaign_id"].map(sizes).fillna(0).to_numpy() < report.small_group_min
    shown = texts[~small].sort_values(["submitted_on", "question_id"], kind="stable")
    column = "question_en" if language == "en" else "question_fr"
    quotes = [
        Quote(
            day=row.submitted_on.date() if pd.notna(row.submitted_on) else None,
            question=str(getattr(row, column) or ""),
            text=" ".join(str(row.text).split()),
        )
        for row in shown.itertuples(index=False)
    ]
    return quotes, int(small.sum())


def solicitation_totals(solicitations: Iterable[Solicitation]) -> dict[str, Any]:
    solicitations = list(solicitations)
    invited = sum(s.invited for s in solicitations)
    responses = sum(s.responses for s in solicitations)
    return {
        "invited": invited,
        "reminders": sum(s.reminders for s in solicitations),
        "responses": responses,
        "rate": responses / invited if invited else None,
    }


def _helpers(language: str) -> dict[str, Any]:
    helpers = {**results_helpers(language), **pack_helpers(language)}
    day = helpers["day"]

    def span(first: date | None, last: date | None) -> str:
        if first is None or first == last:
            return day(first)
        return t("analysis.dossier.from_to", language, start=day(first), end=day(last))

    helpers["span"] = span
    helpers["days"] = lambda value: "—" if value is None else str(value)
    helpers["modality"] = lambda value: label("modality", str(value), language)
    return helpers


def render_dossier_html(data: DossierData, context: dict[str, Any]) -> str:
    return (
        environment()
        .get_template("dossier.html")
        .render(
            data=data,
            heading=t("analysis.dossier.heading", context["lang"], code=data.facts.code),
            totals=solicitation_totals(data.solicitations),
            complaints=[complaint_row(item) for item in data.complaints],
            **context,
        )
    )


def organisation_name(session: Session) -> str:
    row = session.get(OrganisationSettings, 1)
    return row.name if row else ""


def dossier_context(
    *,
    engine: sa.Engine,
    settings: Settings,
    kind: str,
    code: str,
    solicitations: tuple[Solicitation, ...],
    organisation: str,
    generated: date,
    language: str,
) -> dict[str, Any]:
    """What every dossier's template is given besides its records: the results per question
    of the session or programme `code`, read for its own campaigns only (not the whole
    organisation's answers), the free comments the small-group rule lets through, the
    helpers. `generated` is the day printed when no answer came later."""
    scope = resolve_scope(engine=engine, kind=kind, value=code, language=language)
    campaign_ids = [s.campaign_id for s in solicitations]
    frames = load_campaign_frames(engine=engine, campaign_ids=campaign_ids)
    report = report_from_frames(
        frames, scope, small_group_min(engine=engine, settings=settings), language
    )
    quotes, hidden = _quotes(report, scope_answers(frames, scope), language)
    return {
        "report": report,
        "organisation": organisation,
        "generated": generated,
        "statuses": ENROLMENT_STATUSES,
        "quotes": quotes,
        "hidden_quotes": hidden,
        **_helpers(language),
    }


@dataclass(frozen=True)
class Subject:
    """What a dossier is about, as its builder read it: the records, the solicitations the
    results are read for, the title, the day it is drawn up, how it is laid out."""

    kind: str  # session or programme
    records: Any
    solicitations: tuple[Solicitation, ...]
    title: str
    day: date
    render: Callable[[Any, dict[str, Any]], str]


def lay_out(
    engine: sa.Engine, settings: Settings, code: str, language: str, read: Callable[..., Subject]
) -> DossierDocument:
    """Read a dossier's subject (`read(session)`, which raises DossierError when it does not
    exist), then its results, and lay it out."""
    with read_session(engine) as session:
        subject = read(session)
        organisation = organisation_name(session)
    context = dossier_context(
        engine=engine,
        settings=settings,
        kind=subject.kind,
        code=code,
        solicitations=subject.solicitations,
        organisation=organisation,
        generated=subject.day,
        language=language,
    )
    html = subject.render(subject.records, context)
    return DossierDocument(
        html, subject.title, organisation, subject.day, language, code, subject.kind
    )


def build_dossier(
    *,
    engine: sa.Engine,
    settings: Settings,
    code: str,
    language: str = "fr",
    generated: date | None = None,
) -> DossierDocument:
    """Read and lay out the dossier of the session `code`, or DossierError."""

    def read(session: Session) -> Subject:
        training = session.exec(select(TrainingSession).where(TrainingSession.code == code)).first()
        if training is None:
            raise DossierError(t("analysis.dossier.no_session", language, code=code))
        data = collect_dossier(session, training, language)
        title = t("analysis.dossier.heading", language, code=code)
        day = generated or data.facts.end
        return Subject("session", data, data.solicitations, title, day, render_dossier_html)

    return lay_out(engine, settings, code, language, read)


def dossier_pdf(document: DossierDocument) -> bytes:
    return print_pdf(document)


def dossier_stem(code: str, language: str, kind: str = "session") -> str:
    """The file name (without extension) of a session's or a programme's dossier."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code)
    if kind == "programme":
        return f"dossier-programme-{safe}" if language == "fr" else f"programme-dossier-{safe}"
    return f"dossier-{safe}" if language == "fr" else f"session-dossier-{safe}"


def write_dossier(document: DossierDocument, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = dossier_stem(document.code, document.language, document.kind)
    html_path, pdf_path = out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"
    html_path.write_text(document.html, encoding="utf-8")
    pdf_path.write_bytes(dossier_pdf(document))
    return html_path, pdf_path
