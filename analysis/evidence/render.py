"""The evidence pack in HTML (Jinja2 templates of `analysis/templates/`) and PDF (WeasyPrint)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment

from analysis.evidence.cache import ContentCache, content_key
from analysis.evidence.collect import SECTIONS, EvidenceData, campaign_months
from analysis.labels import origin_label
from analysis.suggestions import (
    format_params,
    theme_label,
)
from surveys import formatting
from surveys.i18n import label, t
from surveys.rendering import template_environment

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


class PrintedDocument(Protocol):
    html: str
    title: str
    author: str
    end: date
    language: str


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
def environment() -> Environment:
    """The Jinja2 environment of the pack, the results report and the session dossier."""
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
        "vocab": lambda kind, value: vocabulary(kind, value, language),
        "origin": lambda value: _origin(str(value or ""), language),
        "month": lambda value: formatting.month(value, language),
    }


def vocabulary(kind: str, value: Any, language: str) -> str:
    """A register value in words; a value the catalogue does not know (older records) is shown
    as it was typed, never as a catalogue key."""
    if value is None or value == "":
        return "—"
    key = f"improve.vocab.{kind}.{value}"
    text = t(key, language)
    return str(value) if text == key else text


def _origin(origin: str, language: str) -> str:
    return origin_label(origin, language)


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def render_evidence_html(data: EvidenceData, language: str = "fr") -> str:
    template = environment().get_template("evidence.html")
    return template.render(
        data=data,
        sections=SECTIONS,
        months=campaign_months(data.campaigns),
        **_helpers(language),
    )


def evidence_document(data: EvidenceData, language: str = "fr") -> EvidenceDocument:
    """The pack laid out from what `collect_evidence` read: its HTML and its metadata."""
    return EvidenceDocument(
        html=render_evidence_html(data, language),
        title=t("improve.evidence.title", language),
        author=data.organisation["name"],
        start=data.start,
        end=data.end,
        language=language,
    )


def evidence_pdf(document: EvidenceDocument, cache: ContentCache | None = None) -> bytes:
    """The tagged PDF (PDF/UA-1) of the document, metadata fixed from the period (no creation
    time); the same HTML and metadata always give the same bytes, so they are cached by both."""
    if cache is None:
        return print_pdf(document)
    key = content_key(document.html, document.title, document.author, document.language)
    return cache.get_or_make("pdf", key, lambda: print_pdf(document))


def print_pdf(document: PrintedDocument) -> bytes:
    """WeasyPrint's layout of any document of the package (pack, report, dossier)."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is printed

    stamp = datetime.combine(document.end, time(0, 0), tzinfo=UTC).isoformat()
    rendered = HTML(string=document.html, base_url=str(TEMPLATES_DIR)).render()
    metadata = rendered.metadata
    metadata.title, metadata.authors = document.title, [document.author] if document.author else []
    metadata.created = metadata.modified = stamp
    metadata.generator = "qualiopi-surveys"
    metadata.lang = document.language
    return rendered.write_pdf(pdf_identifier=_identifier(document), pdf_variant="pdf/ua-1")


def _identifier(document: PrintedDocument) -> bytes:
    return hashlib.md5(document.html.encode("utf-8"), usedforsecurity=False).hexdigest().encode()


def write_evidence(
    document: EvidenceDocument, out_dir: Path, cache: ContentCache | None = None
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "evidence.html", out_dir / "evidence.pdf"
    html_path.write_text(document.html, encoding="utf-8")
    pdf_path.write_bytes(evidence_pdf(document, cache))
    return html_path, pdf_path
