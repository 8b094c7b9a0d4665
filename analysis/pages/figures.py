"""A figure on an analysis page (the chart, the table of its numbers, its downloads) and the
download buttons of a table or a PDF."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from analysis.charts import Figure, chart_png
from analysis.charts.memo import KEPT
from analysis.exports import to_csv_bytes, to_xlsx_bytes
from surveys.memo import Memo
from surveys.pages.common import lang, show_table, tr

FRENCH_CHART_LOCALE = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands="\u202f", grouping=[3], currency=["", "\u00a0€"])
)


def pdf_download(label: str, data: bytes, stem: str, key: str) -> None:
    """A download button for a PDF document saved as `<stem>.pdf`."""
    st.download_button(label, data, file_name=f"{stem}.pdf", mime="application/pdf", key=key)


def downloads(
    name: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    key: str,
    figure: Figure | None = None,
) -> None:
    """CSV, XLSX (and PNG for a chart) of a table; files are built only when clicked (a table
    may be given as a function, then it too is built only then)."""

    def content() -> pd.DataFrame:
        return table() if callable(table) else table

    columns = st.columns(3 if figure else 2)
    columns[0].download_button(
        "CSV",
        lambda: to_csv_bytes(content()),
        f"{name}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    columns[1].download_button(
        "XLSX",
        lambda: to_xlsx_bytes({name: content()}),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    if figure is not None:
        columns[2].download_button(
            "PNG",
            lambda: chart_png(figure.chart),
            f"{name}.png",
            "image/png",
            key=f"{key}_png",
            on_click="ignore",
            icon=":material/image:",
        )


_CUT = "lastindexof(substring(datum.label, 0, 25), ' ')"
TWO_LINE_LABELS = (  # a label past 25 characters breaks at its last space before the 25th
    f"length(datum.label) > 25 && {_CUT} > 0 ? [substring(datum.label, 0, {_CUT}), "
    f"substring(datum.label, {_CUT} + 1)] : datum.label"
)


def show_figure(figure: Figure, key: str) -> None:
    """The chart, the table of its numbers under it, and the downloads."""
    st.subheader(figure.title)
    if figure.empty:
        st.caption(tr("analysis.no_data"))
        return
    st.vega_lite_chart(
        spec=copy.deepcopy(screen_spec(figure, lang())),  # Streamlit moves its data out
        key=f"{key}_chart",
        theme=None,
        alt=tr("analysis.chart_alt", title=figure.title),
    )
    show_table(figure.table, f"{key}_table")
    downloads(key, figure.table, key, figure)


# by the figure's id: the memo holds the figure, so no other figure can take its id while
# the entry lives
_SCREEN_SPECS: Memo[tuple[Figure, dict[str, Any]]] = Memo(KEPT)


def screen_spec(figure: Figure, language: str) -> dict[str, Any]:
    """The Vega-Lite spec of `figure` on screen, made once per figure and language (a figure
    from `analysis.charts.memo.figure_of` comes back on every rerun whose numbers are the
    same, and so does its spec)."""
    return _SCREEN_SPECS.get(
        (id(figure), language), lambda: (figure, _screen_spec(figure, language))
    )[1]


def _screen_spec(figure: Figure, language: str) -> dict[str, Any]:
    # On screen: long labels on two lines rather than cut (a usable plot area at 390 px), the
    # legend as one column that nothing clips, French number formats on the axes; the table
    # under the chart, so that neither needs horizontal scrolling.
    screen = (
        figure.chart.properties(title="")
        .configure_axis(
            labelLimit=170, labelFontSize=12, titleFontSize=12, labelExpr=TWO_LINE_LABELS
        )
        .configure_legend(
            labelFontSize=12, titleFontSize=12, orient="bottom", columns=1, labelLimit=0
        )
    ).copy(deep=True)
    if language == "fr":
        screen.config.locale = FRENCH_CHART_LOCALE
    return vega_lite_spec(screen)


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """What `st.altair_chart` would send for `chart` (its data as Arrow datasets, Altair's
    theme off), made by Streamlit's own converter."""
    return _convert_altair_to_vega_lite_spec(chart)
