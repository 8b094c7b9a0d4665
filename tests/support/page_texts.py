"""Every text an AppTest run puts in front of a person, and the rules such text must keep.

`page_texts` walks the element tree (markdown, headings, captions, alerts, metrics, buttons,
widget labels, options and placeholders, expander and tab labels, dataframe headers and cells,
chart titles and legend values); `leaks` returns what should never reach a person.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from surveys.i18n import catalog

_TEXT_FIELDS = ("label", "body", "placeholder", "help", "value", "caption", "title", "text")
# code blocks show API snippets on purpose, json raw details an auditor opens on purpose,
# html the rendered e-mail preview (its own tests cover it)
_SKIPPED = {"code", "exception", "json", "html"}
_CATALOGUE_ROOTS = sorted({key.split(".")[0] for key in catalog("fr")})
# URLs, e-mail addresses, file paths and the e-mail templates' {{ fields }} are not prose
_URL_OR_EMAIL = re.compile(
    r"(https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|/[\w/.-]+\.py\b|\{\{ *\w+ *\}\})"
)

NO_PLACEHOLDER = "<the component's own English placeholder>"
RULES: dict[str, re.Pattern[str]] = {
    "no placeholder": re.compile(re.escape(NO_PLACEHOLDER)),
    "None": re.compile(r"\bNone\b"),
    "nan": re.compile(r"\b(nan|NaN|NaT|<NA>)\b"),
    "raw key": re.compile(r"\b(" + "|".join(_CATALOGUE_ROOTS) + r")\.[\w.]*[a-zé]_?\w*\b"),
    "snake_case": re.compile(r"\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b"),
    "raw path": re.compile(r"\b[a-z]+/[a-z]+/[a-z0-9_]+\b"),
    "raw type": re.compile(r"\b(likert5|likert|nps10|yes_no|free_text|multi_choice)\b"),
    "long float": re.compile(r"\b\d+\.\d{3,}\b"),
    "ISO time": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?|[+-]00:00\b"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
}
FRENCH_ONLY: dict[str, re.Pattern[str]] = {
    "decimal point": re.compile(r"(?<![\w.])\d+\.\d{1,2}(?![\w.])"),
    "English word": re.compile(
        r"\b(Choose an option|Choose options|Select all|Upload|Browse files|View \d+ more"
        r"|Submit|Save|Delete|Cancel|Download|Search|Yes|learner|financer|trainer"
        r"|company|Survey|Campaign|Responses|Response rate|the|and|with)\b"
    ),
}
# Words of the interface only: organisation data (programme names, answers) stays French.
ENGLISH_ONLY: dict[str, re.Pattern[str]] = {
    "French date": re.compile(r"\b\d{2}/\d{2}/\d{4}\b"),
    "French word": re.compile(
        r"\b(Enregistrer|Supprimer|Télécharger|Choisir|Période|Campagnes|Enquêtes|Apprenants"
        r"|Financeurs|Formateurs|Oui|Non|Toutes|Aucun élément|Réponses reçues|Moyenne"
        r"|Taux de réponse|Partie prenante|Nombre|Thème|Réclamation|heures de Paris)\b"
    ),
}


def _proto_texts(proto: Any) -> Iterator[str]:
    name = proto.DESCRIPTOR.name
    if name in ("Selectbox", "MultiSelect") and not proto.placeholder.strip():
        yield NO_PLACEHOLDER
    if name == "MultiSelect" and proto.select_all:
        yield "Select all"  # the component's own words
    for field, value in proto.ListFields():
        if field.name in ("options", "display_values") and not isinstance(value, str):
            yield from (str(item) for item in value)
        elif field.name in _TEXT_FIELDS and isinstance(value, str):
            yield value
        elif field.name == "spec" and isinstance(value, str):
            yield from _chart_titles(json.loads(value))


def _chart_titles(spec: Any) -> Iterator[str]:
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                yield value
            elif key == "values" and isinstance(value, list):  # inline data: legend entries
                yield from (
                    v
                    for row in value
                    if isinstance(row, dict)
                    for v in row.values()
                    if isinstance(v, str)
                )
            else:
                yield from _chart_titles(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _chart_titles(item)


def _frame_texts(frame: Any) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        for cell in frame[column].tolist():
            yield str(cell)


def _children(node: Any) -> list[Any]:
    children = getattr(node, "children", None)
    return list(children.values()) if isinstance(children, dict) else []


def page_texts(node: Any) -> Iterator[str]:
    """Every text under `node` (an AppTest element tree or block)."""
    kind = getattr(node, "type", "")
    if kind in _SKIPPED:
        return
    proto = getattr(node, "proto", None)
    if kind in ("arrow_data_frame", "arrow_table", "dataframe", "table"):
        yield from _frame_texts(node.value)
    elif proto is not None and hasattr(proto, "ListFields"):
        yield from _proto_texts(proto)
    for child in _children(node):
        yield from page_texts(child)


def leaks(texts: list[str], language: str) -> list[tuple[str, str]]:
    """(rule, text) for each text that breaks a rule in `language`."""
    rules = {**RULES, **(FRENCH_ONLY if language == "fr" else ENGLISH_ONLY)}
    found: list[tuple[str, str]] = []
    for text in texts:
        cleaned = _URL_OR_EMAIL.sub(" ", text)
        found.extend((name, text[:160]) for name, rule in rules.items() if rule.search(cleaned))
    return found
