"""The question bank browser's filters, shared by the banks page and the builder's picker
(not a page)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from question_banks.catalog import QuestionCatalog
from question_banks.schema import AUDIENCES, INDICATORS, TIMINGS, Question
from surveys.pages.common import choose_or_any, lang, tr


def _position(values: Sequence[str], value: str | None) -> int:
    return 0 if value is None else 1 + list(values).index(value)


def question_filters(
    catalog: QuestionCatalog, area: str, key: str, **preset: str
) -> tuple[list[Question], dict[str, str]]:
    """Theme, audience, timing and indicator filters and a search box (labels `<area>.theme`
    ...; widget keys `<key>_theme` ...), `preset` audience and timing chosen at first. Returns the
    questions that match and the theme names in the reader's language."""
    themes = {theme.id: theme.label.get(lang()) for theme in catalog.themes}
    columns = st.columns(4)
    filters = {
        "theme": choose_or_any(
            columns[0], tr(f"{area}.theme"), list(themes), f"{key}_theme", themes.__getitem__
        ),
        "audience": choose_or_any(
            columns[1],
            tr(f"{area}.audience"),
            AUDIENCES,
            f"{key}_audience",
            "vocab.role",
            index=_position(AUDIENCES, preset.get("audience")),
        ),
        "timing": choose_or_any(
            columns[2],
            tr(f"{area}.timing"),
            TIMINGS,
            f"{key}_timing",
            "vocab.timing",
            index=_position(TIMINGS, preset.get("timing")),
        ),
        "indicator": choose_or_any(
            columns[3], tr(f"{area}.indicator"), INDICATORS, f"{key}_indicator"
        ),
    }
    search = st.text_input(tr(f"{area}.search"), key=f"{key}_search")
    return catalog.filter(**filters, text=search or None), themes
