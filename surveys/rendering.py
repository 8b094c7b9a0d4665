"""The Jinja2 environment of the HTML pages (staff login, respondent pages, previews)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from surveys.i18n import LANGUAGE_NAMES, label, t

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


@cache
def html_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(t=t, label=label, language_names=LANGUAGE_NAMES)
    return environment


def render_html(template: str, **context: Any) -> str:
    return html_environment().get_template(template).render(**context)
