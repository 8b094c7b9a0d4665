"""The dashboard's dropout tab: dropout rate per programme and session, the dropout survey's
own response rate and the causes its respondents gave, for the dashboard's filters (a part of
`analysis/pages/dashboard.py`, not a page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.charts.dropouts import dropout_causes_chart, dropout_rate_chart
from analysis.charts.memo import figure_of
from analysis.dropouts import DropoutFigures, dropout_figures
from analysis.frames import AnalysisFilters, withheld_sentence
from analysis.pages.figures import show_figure
from analysis.pages.shared import CACHE_SECONDS, data_version, frames, threshold
from surveys.formatting import integer, percent
from surveys.pages.common import lang, show_table, tr


@st.cache_data(ttl=CACHE_SECONDS, max_entries=32, show_spinner=False)
def _figures(filters: AnalysisFilters, threshold: int, version: str) -> DropoutFigures:
    return dropout_figures(frames(version), filters, small_group_min=threshold)


def _sessions_table(by_session: pd.DataFrame) -> pd.DataFrame:
    code = lang()
    return pd.DataFrame(
        {
            tr("analysis.dropouts.session"): by_session["session"].astype(str),
            tr("analysis.dropouts.programme"): by_session["programme_name"].astype(str),
            tr("analysis.dropouts.learners"): by_session["learners"].astype(int),
            tr("analysis.dropouts.dropouts"): by_session["dropouts"].astype(int),
            tr("analysis.dropouts.rate"): by_session["rate"].map(lambda v: percent(v, code)),
        }
    )


def _headline(figures: DropoutFigures) -> None:
    """The dropout rate and the dropout survey's rate, each with its counts in words."""
    code = lang()
    first, second = st.columns(2)
    rate = percent(figures.rate or 0.0, code)
    first.metric(tr("analysis.dropouts.overall_label"), rate, border=True)
    first.caption(
        tr(
            "analysis.dropouts.overall",
            dropouts=integer(figures.dropouts, code),
            learners=integer(figures.learners, code),
            rate=rate,
        )
    )
    if not figures.invited:
        second.metric(
            tr("analysis.dropouts.survey_label"), tr("analysis.dropouts.survey_none"), border=True
        )
        return
    second.metric(
        tr("analysis.dropouts.survey_label"), percent(figures.survey_rate, code), border=True
    )
    second.caption(
        tr(
            "analysis.dropouts.survey",
            answered=integer(min(figures.answered, figures.invited), code),
            invited=integer(figures.invited, code),
        )
    )


def _causes(figures: DropoutFigures) -> None:
    if figures.withheld is not None:
        st.subheader(tr("analysis.dropouts.causes"))
        st.info(withheld_sentence(figures.withheld, threshold(), lang()), icon=":material/lock:")
    elif figures.causes.empty:
        st.subheader(tr("analysis.dropouts.causes"))
        st.caption(tr("analysis.dropouts.no_causes"))
    else:
        show_figure(
            figure_of(dropout_causes_chart, figures.causes, language=lang()), "dropouts_causes"
        )


def show_dropouts(filters: AnalysisFilters) -> None:
    figures = _figures(filters, threshold(), data_version())
    st.caption(tr("analysis.dropouts.intro"))
    st.caption(tr("analysis.dropouts.filters_note"))
    if not figures.learners:
        st.info(tr("analysis.dropouts.none"))
        return
    _headline(figures)
    show_figure(
        figure_of(dropout_rate_chart, figures.by_programme, language=lang()),
        "dropouts_programmes",
    )
    st.markdown(f"**{tr('analysis.dropouts.by_session')}**")
    show_table(_sessions_table(figures.by_session), "dropouts_sessions")
    _causes(figures)
