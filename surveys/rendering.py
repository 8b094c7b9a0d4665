"""The Jinja2 environments of the product: `template_environment` is the one factory (HTML
autoescaped, undefined names an error, tidy whitespace), used by the HTML pages here (staff
login, respondent pages, previews), the email layouts (`reminders.rendering`) and the
evidence pack (`analysis.evidence.render`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from surveys.i18n import LANGUAGE_NAMES, label, t

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


def template_environment(templates: Path, *, auto_reload: bool = True) -> Environment:
    """An environment over the templates of one folder."""
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )


@cache
def html_environment() -> Environment:
    environment = template_environment(TEMPLATES_DIR)
    environment.globals.update(t=t, label=label, language_names=LANGUAGE_NAMES)
    return environment


def render_html(template: str, **context: Any) -> str:
    return html_environment().get_template(template).render(**context)
