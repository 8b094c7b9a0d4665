"""The dashboard's dropout tab: rates per programme and session, causes from the dropout
survey (a part of `analysis/pages/dashboard.py`, not a page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.frames.cache import VersionedMemo
from analysis.frames.dropouts import read_learner_enrolments
from analysis.metrics.dropouts import CAUSES_QUESTION, dropout_causes, dropout_rates
from analysis.pages.shared import data_version
from question_banks.loader import load_catalog
from surveys.pages.common import context, lang, tr


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %".replace(".", ",") if lang() == "fr" else f"{value * 100:.0f}%"


def _cause_labels() -> dict[str, str]:
    question = next(q for q in load_catalog().questions if q.id == CAUSES_QUESTION)
    return {option.value: getattr(option.label, lang()) for option in question.options}


def _rates_table(rates: pd.DataFrame, by: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr(f"analysis.dropouts.{by}"): rates[by],
            tr("analysis.dropouts.learners"): rates["learners"],
            tr("analysis.dropouts.dropouts"): rates["dropouts"],
            tr("analysis.dropouts.rate"): rates["rate"].map(_percent),
        }
    )


RATES = VersionedMemo(max_entries=4)


def learner_dropout_rates() -> dict[str, pd.DataFrame]:
    """Dropout rates per programme and per session (none without enrolments), once per data
    version: they do not depend on the filters, and reading the enrolments on every rerun was
    the largest part of a filter change at the large scale."""
    engine = context().engine

    def compute() -> dict[str, pd.DataFrame]:
        with engine.connect() as connection:
            enrolments = read_learner_enrolments(connection)
        if enrolments.empty:
            return {}
        return {by: dropout_rates(enrolments, by) for by in ("programme", "session")}

    key = (engine.url.render_as_string(hide_password=True),)
    return RATES.get(key, data_version(), compute)  # type: ignore[return-value]


def show_dropouts(answers: pd.DataFrame) -> None:
    rates = learner_dropout_rates()
    st.caption(tr("analysis.dropouts.intro"))
    if not rates:
        st.info(tr("analysis.dropouts.none"))
        return
    for by in ("programme", "session"):
        st.markdown(f"**{tr(f'analysis.dropouts.by_{by}')}**")
        table = _rates_table(rates[by], by)
        st.dataframe(table, hide_index=True, key=f"dropouts_{by}")
    causes = dropout_causes(answers)
    st.markdown(f"**{tr('analysis.dropouts.causes')}**")
    if causes.empty:
        st.caption(tr("analysis.dropouts.no_causes"))
        return
    labels = _cause_labels()
    shown = pd.DataFrame(
        {
            tr("analysis.dropouts.cause"): causes["cause"].map(lambda v: labels.get(v, v)),
            tr("analysis.dropouts.people"): causes["people"],
            tr("analysis.dropouts.share"): causes["share"].map(_percent),
        }
    )
    st.dataframe(shown, hide_index=True, key="dropouts_causes")
