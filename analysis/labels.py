"""Words for the analysis tables and charts: theme names, vocabularies, column headers.

French by default, English on request; theme names come from the question banks (custom
themes show their id). Tables keep their raw values in memory and are localised only for
display and export.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from analysis.metrics.dropouts import CAUSES_QUESTION
from question_banks.loader import load_catalog
from surveys.i18n import t

VOCABULARY_COLUMNS = {
    "audience": "stakeholder",
    "stakeholder_type": "stakeholder",
    "timing": "timing",
    "modality": "modality",
}
SHARE_COLUMNS = ("top2", "rate", "share")


@cache
def _theme_names() -> dict[str, tuple[str, str]]:
    return {theme.id: (theme.label.fr, theme.label.en) for theme in load_catalog().themes}


def theme_label(theme: str | None, language: str = "fr") -> str:
    if theme is None or (isinstance(theme, float) and pd.isna(theme)):
        return ""
    names = _theme_names().get(str(theme))
    if names is None:
        return str(theme)
    return names[1] if language == "en" else names[0]


@cache
def _cause_names() -> dict[str, tuple[str, str]]:
    question = next((q for q in load_catalog().questions if q.id == CAUSES_QUESTION), None)
    options = question.options if question is not None else []
    return {option.value: (option.label.fr, option.label.en) for option in options}


def cause_label(cause: object, language: str = "fr") -> str:
    """A cause of the dropout survey in the reader's words (its value when unknown)."""
    names = _cause_names().get(str(cause))
    if names is None:
        return str(cause)
    return names[1] if language == "en" else names[0]


def vocabulary_label(kind: str, value: object, language: str = "fr") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    key = f"vocab.{kind}.{value}"
    text = t(key, language)
    return str(value) if text == key else text


def column_label(column: str, language: str = "fr") -> str:
    key = f"analysis.columns.{column}"
    text = t(key, language)
    return column if text == key else text


def localise_values(table: pd.DataFrame, language: str = "fr") -> pd.DataFrame:
    """Theme ids and vocabulary values replaced by their names (columns keep their ids)."""
    table = table.copy()
    for column, kind in VOCABULARY_COLUMNS.items():
        if column in table:
            table[column] = table[column].map(
                lambda value, k=kind: vocabulary_label(k, value, language)
            )
    if "theme" in table:
        table["theme"] = table["theme"].map(lambda value: theme_label(value, language))
    if "kind" in table:
        table["kind"] = table["kind"].map(lambda value: t(f"analysis.alerts.{value}", language))
    if "question_fr" in table and "question_en" in table:
        chosen = "question_en" if language == "en" else "question_fr"
        table = table.drop(columns=[c for c in ("question_fr", "question_en") if c != chosen])
        table = table.rename(columns={chosen: "question"})
    return table


def display_table(
    table: pd.DataFrame,
    language: str = "fr",
    *,
    hidden: tuple[str, ...] = ("trainer_id", "financer_id"),
) -> pd.DataFrame:
    """A table as people read it: names instead of ids, shares in %, protected rows marked,
    headers in the reader's language."""
    table = localise_values(table.drop(columns=[c for c in hidden if c in table]), language)
    for column in SHARE_COLUMNS:
        if column in table:
            table[column] = (table[column].astype(float) * 100).round(1)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].round(2)
    if "protected" in table:
        table["protected"] = table["protected"].map(
            lambda value: t("analysis.small_group", language) if value else ""
        )
    return table.rename(
        columns={column: column_label(column, language) for column in table.columns}
    )


def origin_label(origin: object, language: str = "fr") -> str:
    """Where an action came from, as a reader says it ("complaint:3" -> "Réclamation n° 3")."""
    kind, _, rest = str(origin or "").partition(":")
    if kind == "complaint" and rest:
        return t("improve.evidence.origin_complaint", language, id=rest)
    if kind == "suggestion" and rest:
        return t("improve.evidence.origin_suggestion", language)
    return "" if kind in ("manual", "") else str(origin)
