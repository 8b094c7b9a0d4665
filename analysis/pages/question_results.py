from datetime import UTC, datetime

import altair as alt
import pandas as pd
import streamlit as st

from analysis.dossier import build_dossier, build_programme_dossier, dossier_pdf, dossier_stem
from analysis.frames import now_paris
from analysis.pages.figures import pdf_download
from analysis.pages.shared import filter_bar, frames, language, refresh_button, threshold
from analysis.results import (
    SCOPE_KINDS,
    QuestionResult,
    build_report_document,
    report_from_frames,
    report_pdf,
    resolve_scope,
)
from analysis.results.choices import busiest_choice, scope_choices
from analysis.suggestions import format_params
from surveys.pages.common import READERS, context, staff_page, stop_page, tr

staff_page("analysis.results.nav", roles=READERS)
code = language()
with st.expander(tr("analysis.filters.title"), expanded=False):
    filters = filter_bar("results")
    refresh_button()
left, right = st.columns([1, 2])
kind = left.radio(
    tr("analysis.results.scope"),
    SCOPE_KINDS,
    format_func=lambda value: tr(f"analysis.results.scope_{value}"),
    key="results_kind",
)
options = scope_choices(context().engine, frames(), kind, code)
chosen_key = f"results_value_{kind}"
first_visit = chosen_key not in st.session_state  # later, the widget keeps the reader's pick
value = right.selectbox(
    tr("analysis.results.choose"),
    list(options),
    index=busiest_choice(context().engine, frames(), kind, options, filters) if first_visit else 0,
    format_func=lambda item: options[item],
    key=chosen_key,
    placeholder=tr("analysis.results.choose"),
)


def _pct(share: float) -> str:
    return format_params({"rate": float(share)}, code)["rate"]


def _show(item: QuestionResult, number: int) -> None:
    st.subheader(f"{number}. {item.text}")
    st.caption(tr("analysis.results.respondents", count=item.respondents))
    if item.protected:
        st.info(tr("analysis.results.protected", count=item.respondents, threshold=limit))
        return
    if item.type == "text":
        st.write(tr("analysis.results.comments", count=item.extra.get("comments", 0)))
        st.page_link("analysis/pages/verbatims.py", label=tr("analysis.nav.verbatims"))
        return
    if not item.rows:
        st.caption(tr("analysis.results.no_answer"))
        return
    table = pd.DataFrame(
        {
            tr("analysis.results.col_answer"): [row.label for row in item.rows],
            tr("analysis.results.col_count"): [row.count for row in item.rows],
            "share": [row.share for row in item.rows],
            tr("analysis.results.col_share"): [_pct(row.share) for row in item.rows],
        }
    )
    answer = tr("analysis.results.col_answer")
    table["figures"] = [f"{row.count} ({_pct(row.share)})" for row in item.rows]
    percent = (
        "replace(format(datum.value, '.0%'), '%', '\u202f%')" if code == "fr" else alt.Undefined
    )
    base = alt.Chart(table).encode(
        x=alt.X(
            "share:Q",
            title=tr("analysis.results.chart_x"),
            axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1], labelExpr=percent),
            scale=alt.Scale(domain=[0, 1.15], nice=False),  # room for the figures
        ),
        y=alt.Y(f"{answer}:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
        tooltip=[answer, tr("analysis.results.col_count"), tr("analysis.results.col_share")],
    )
    bars = base.mark_bar(color="#2f6f9f")
    figures = base.mark_text(align="left", dx=4, color="#1f2937").encode(text="figures:N")
    height = max(60, 30 * len(table))  # every answer keeps its label
    chart = (bars + figures).properties(height=height)
    st.altair_chart(chart, use_container_width=True, height=height + 60)


if value is None:
    stop_page(tr("analysis.results.empty"), st.caption)
scope = resolve_scope(engine=context().engine, kind=kind, value=str(value), language=code)
limit = threshold()
report = report_from_frames(frames(), scope, limit, code, filters)
st.caption(tr("analysis.results.rule", threshold=limit))
if st.button(tr("analysis.results.build"), key="results_pdf"):
    document = build_report_document(report)
    pdf_download(
        tr("analysis.results.download"),
        report_pdf(document),
        f"resultats-{kind}-{value}",
        "results_download",
    )
# One click from the session's or the programme's results to its auditor's dossier.
DOSSIERS = {
    "session": (build_dossier, "build", "download"),
    "programme": (build_programme_dossier, "programme_build", "programme_download"),
}
if kind in DOSSIERS:
    build, prepare, download = DOSSIERS[kind]
    if st.button(tr(f"analysis.dossier.{prepare}"), key="dossier_pdf"):
        dossier = build(
            engine=context().engine,
            settings=context().settings,
            code=str(value),
            language=code,
            generated=now_paris(datetime.now(UTC)),
        )
        pdf_download(
            tr(f"analysis.dossier.{download}"),
            dossier_pdf(dossier),
            dossier_stem(str(value), code, kind),
            "dossier_download",
        )
if report.responses == 0:  # no list of questions each saying "0 respondents"
    stop_page(tr("analysis.results.empty"), st.caption)
for number, item in enumerate(report.results, start=1):
    _show(item, number)
