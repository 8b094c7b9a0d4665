"""The evidence pack in HTML (Jinja2 templates of `analysis/templates/`) and PDF (WeasyPrint)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment

from analysis.evidence.collect import SECTIONS, EvidenceData, collect_evidence
from analysis.suggestions import (
    format_params,
    theme_label,
)
from surveys.config import Settings
from surveys.i18n import label, t
from surveys.rendering import template_environment

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class EvidenceDocument:
    html: str
    title: str
    author: str
    start: date | None
    end: date
    language: str


def _score(value: Any, language: str) -> str:
    return format_params({"mean": value}, language)["mean"] if value is not None else "—"


@cache
def _environment() -> Environment:
    return template_environment(TEMPLATES_DIR)


def _helpers(language: str) -> dict[str, Any]:
    def tr(key: str, **params: Any) -> str:
        return t(key, language, **params)

    def fmt(key: str, value: Any) -> str:
        return format_params({key: value}, language)[key]

    return {
        "tr": tr,
        "fmt": fmt,
        "lang": language,
        "score": lambda value: _score(value, language),
        "pct": lambda value: "—" if value is None else fmt("rate", float(value)),
        "day": lambda value: "—" if value is None else fmt("start", _as_date(value)),
        "stakeholder": lambda value: label("role", str(value), language),
        "stakeholders": lambda value: label("stakeholder", str(value), language),
        "timing": lambda value: label("timing", str(value), language),
        "theme": lambda value: theme_label(str(value), language) if value else "—",
        "vocab": lambda kind, value: t(f"improve.vocab.{kind}.{value}", language),
        "origin": lambda value: _origin(str(value or ""), language),
    }


def _origin(origin: str, language: str) -> str:
    """Where an action came from, as a reader says it ("complaint:3" -> "Réclamation n° 3")."""
    kind, _, rest = origin.partition(":")
    if kind == "complaint" and rest:
        return t("improve.evidence.origin_complaint", language, id=rest)
    if kind == "suggestion" and rest:
        return t("improve.evidence.origin_suggestion", language)
    return "" if origin == "manual" else origin


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def render_evidence_html(data: EvidenceData, language: str = "fr") -> str:
    template = _environment().get_template("evidence.html")
    return template.render(data=data, sections=SECTIONS, **_helpers(language))


def build_evidence(
    *,
    engine: sa.Engine,
    settings: Settings,
    start: date | None,
    end: date,
    today: date,
    language: str = "fr",
) -> EvidenceDocument:
    data = collect_evidence(
        engine=engine, settings=settings, start=start, end=end, today=today, language=language
    )
    title = t("improve.evidence.title", language)
    return EvidenceDocument(
        html=render_evidence_html(data, language),
        title=title,
        author=data.organisation["name"],
        start=start,
        end=end,
        language=language,
    )


def evidence_pdf(document: EvidenceDocument) -> bytes:
    """The PDF of the document, with metadata fixed from the period (no creation time)."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is printed

    stamp = datetime.combine(document.end, time(0, 0), tzinfo=UTC).isoformat()
    rendered = HTML(string=document.html, base_url=str(TEMPLATES_DIR)).render()
    metadata = rendered.metadata
    metadata.title, metadata.authors = document.title, [document.author] if document.author else []
    metadata.created = metadata.modified = stamp
    metadata.generator = "qualiopi-surveys"
    metadata.lang = document.language
    return rendered.write_pdf(pdf_identifier=_identifier(document))


def _identifier(document: EvidenceDocument) -> bytes:
    return hashlib.md5(document.html.encode("utf-8"), usedforsecurity=False).hexdigest().encode()


def write_evidence(document: EvidenceDocument, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "evidence.html", out_dir / "evidence.pdf"
    html_path.write_text(document.html, encoding="utf-8")
    pdf_path.write_bytes(evidence_pdf(document))
    return html_path, pdf_path
