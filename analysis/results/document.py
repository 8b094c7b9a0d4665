"""The "Rapport de résultats": per-question results of a scope as HTML and a tagged PDF.

Bars are drawn in CSS (a width in percent beside the counts), so a report of fifty questions
needs no chart rendering and its numbers stay text a screen reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from analysis.evidence.render import environment, print_pdf
from analysis.frames import AnalysisFilters, AnalysisFrames, load_frames, small_group_min
from analysis.labels import theme_label
from analysis.results.compute import QuestionResult, question_catalogue, question_results
from analysis.results.scope import Scope, resolve_scope, scope_answers
from analysis.suggestions import format_params
from surveys.config import Settings
from surveys.i18n import t


@dataclass(frozen=True)
class ResultsReport:
    scope: Scope
    results: list[QuestionResult]
    responses: int
    small_group_min: int
    language: str
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class ResultsDocument:
    html: str
    title: str
    author: str
    end: date
    language: str


def compute_report(
    *,
    engine: sa.Engine,
    settings: Settings,
    kind: str,
    value: str,
    language: str = "fr",
    filters: AnalysisFilters | None = None,
) -> ResultsReport:
    """Read the scope and the answers, then compute the report (the CLI's entry)."""
    scope = resolve_scope(engine=engine, kind=kind, value=value, language=language)
    threshold = small_group_min(engine=engine, settings=settings)
    return report_from_frames(load_frames(engine=engine), scope, threshold, language, filters)


def report_from_frames(
    frames: AnalysisFrames,
    scope: Scope,
    threshold: int,
    language: str = "fr",
    filters: AnalysisFilters | None = None,
) -> ResultsReport:
    """The report of a scope from frames already loaded (the staff page caches them)."""
    answers = scope_answers(frames, scope, filters)
    questions = question_catalogue(list(scope.definitions), language)
    days = answers["submitted_on"].dropna()
    return ResultsReport(
        scope=scope,
        results=question_results(answers, questions, small_group_min=threshold, language=language),
        responses=int(answers["response_id"].nunique()),
        small_group_min=threshold,
        language=language,
        first_day=days.min().date() if len(days) else None,
        last_day=days.max().date() if len(days) else None,
    )


def report_heading(report: ResultsReport) -> str:
    kind, language = report.scope.kind, report.language
    return t(f"analysis.results.heading_{kind}", language, title=report.scope.title)


def _helpers(language: str) -> dict[str, Any]:
    def fmt(key: str, value: Any) -> str:
        return format_params({key: value}, language)[key]

    return {
        "tr": lambda key, **params: t(key, language, **params),
        "lang": language,
        "pct": lambda value: fmt("rate", float(value)),
        "score": lambda value: "—" if value is None else fmt("mean", float(value)),
        "signed": lambda value: "—" if value is None else fmt("delta", float(value)),
        "day": lambda value: "—" if value is None else fmt("start", value),
        "theme": lambda value: theme_label(str(value), language) if value else "—",
        "kind": lambda value: t(f"improve.vocab.type.{value}", language),
    }


def render_report_html(report: ResultsReport, organisation: str = "") -> str:
    template = environment().get_template("results.html")
    return template.render(
        report=report,
        heading=report_heading(report),
        organisation=organisation,
        **_helpers(report.language),
    )


def build_report_document(report: ResultsReport, organisation: str = "") -> ResultsDocument:
    return ResultsDocument(
        html=render_report_html(report, organisation),
        title=report_heading(report),
        author=organisation,
        end=report.last_day or date(2000, 1, 1),
        language=report.language,
    )


def report_pdf(document: ResultsDocument) -> bytes:
    return print_pdf(document)


def write_report(document: ResultsDocument, out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"
    html_path.write_text(document.html, encoding="utf-8")
    pdf_path.write_bytes(report_pdf(document))
    return html_path, pdf_path
