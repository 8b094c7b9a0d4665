"""What the analysis pages share: cached data, the filter bar (a figure with its table and
the downloads: `analysis.pages.figures`).

The frames (up to a million rows) live in `analysis.frames.cache.FRAMES`, one copy per
database, rebuilt only when the data version changes (`data_version`: a fingerprint read
from the database on each render, so a write by any replica or worker shows at the next
render, never later). The tables computed from them (small) are cached with
`st.cache_data`, keyed by the data version and the filters, so a rerun with the same data and
filters costs nothing and changing a filter recomputes in well under a second. The server
warms the frames at start (`analysis.warmup`), so the first visit costs what a second does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from analysis.frames import (
    TRAINER_RESULT_ROLES,
    AnalysisFilters,
    AnalysisFrames,
    apply_filters,
    filter_choices,
    load_respondent_names,
    now_paris,
    small_group_min,
    withheld_reason,
    withheld_sentence,
)
from analysis.frames.cache import FRAMES, VersionedMemo
from analysis.metrics import breakdown
from analysis.summary import METRIC_GROUPS, clear_tables, versioned_dashboard_tables
from analysis.verbatim_rows import hidden_text_count, verbatim_table
from surveys.config import default_period
from surveys.formatting import integer, number, percent
from surveys.models import utc_now
from surveys.pages.common import READERS, context, lang, staff_page, tr, vocab
from surveys.staff.auth import StaffIdentity

CACHE_SECONDS = 120


RUN_VERSION_KEY = "_analysis_data_version"
DASHBOARD_TAB_KEY = "dashboard_tab"  # the dashboard's open tab (its label)


def data_version() -> str:
    """The data version of the current database, read once per script run (the fingerprint
    query takes tenths of a second at the large scale, and a page asked it four or five
    times): every part of a page shows the figures of one version. `forget_data_version`,
    called by `streamlit_app` at the start of every run, makes the next run read it again."""
    version = st.session_state.get(RUN_VERSION_KEY)
    if version is None:
        version = FRAMES.version(context().engine)
        st.session_state[RUN_VERSION_KEY] = version
    return version


def forget_data_version() -> None:
    st.session_state.pop(RUN_VERSION_KEY, None)


def frames(version: str | None = None) -> AnalysisFrames:
    return FRAMES.get(context().engine, version or data_version())


CHOICES = VersionedMemo(max_entries=4)


def choices() -> dict:
    """What each filter offers, once per data version (reading them from the frames took
    about a tenth of a filter change at the large scale)."""
    version = data_version()
    key = (context().engine.url.render_as_string(hide_password=True),)
    return CHOICES.get(key, version, lambda: filter_choices(frames(version)))  # type: ignore[return-value]


def threshold() -> int:
    return small_group_min(engine=context().engine, settings=context().settings)


def tables(
    filters: AnalysisFilters, freq: str = "M", groups: Sequence[str] = tuple(METRIC_GROUPS)
) -> dict[str, pd.DataFrame]:
    """The dashboard tables of `groups` (`analysis.summary.METRIC_GROUPS`; all by default)."""
    return versioned_dashboard_tables(
        context().engine,
        filters,
        today=now_paris(utc_now()),
        small_group_min=threshold(),
        freq=freq,
        version=data_version(),
        groups=groups,
    )


def _figure(value: object, write: Callable[[float], str]) -> str:
    if value is None or pd.isna(value):
        return "—"
    return write(float(value))


def show_headline(head: pd.Series) -> None:
    """Responses, response rate, mean satisfaction (with the favourable share), NPS."""
    code = lang()
    columns = st.columns(4)
    columns[0].metric(
        tr("analysis.dashboard.responses"), integer(int(head["responses"]), code), border=True
    )
    columns[1].metric(
        tr("analysis.dashboard.rate"),
        _figure(head["rate"], lambda v: percent(v, code)),
        border=True,
    )
    favourable = (
        None
        if head["top2"] is None or pd.isna(head["top2"])
        else tr("analysis.dashboard.top2", share=round(float(head["top2"]) * 100))
    )
    columns[2].metric(
        tr("analysis.dashboard.mean"),
        _figure(head["mean"], lambda v: number(v, code)),
        delta=favourable,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    columns[3].metric(
        tr("analysis.dashboard.nps"),
        _figure(head["nps"], lambda v: number(v, code, 0, signed=True)),
        border=True,
    )
    st.caption(tr("analysis.small_group_note", threshold=threshold()))


@st.cache_data(ttl=CACHE_SECONDS, max_entries=64, show_spinner=False)
def _breakdown(
    filters: AnalysisFilters, dimension: str, theme: str | None, threshold: int, version: str
) -> pd.DataFrame:
    frames_now = frames(version)
    answers = apply_filters(frames_now, filters).answers
    if theme is not None:
        answers = answers[(answers["theme"] == theme).to_numpy(bool)]
    return breakdown(
        answers, dimension, session_people=frames_now.session_people, small_group_min=threshold
    )


def cached_breakdown(
    filters: AnalysisFilters, dimension: str, theme: str | None, threshold: int
) -> pd.DataFrame:
    """Scores per `dimension` for one theme, or all themes together (theme None)."""
    return _breakdown(filters, dimension, theme, threshold, data_version())


@st.cache_data(ttl=CACHE_SECONDS, max_entries=64, show_spinner=False)
def _withheld(filters: AnalysisFilters, threshold: int, version: str) -> str | None:
    return withheld_reason(frames(version), filters, threshold)


def stop_if_withheld(filters: AnalysisFilters) -> None:
    """The small-group rule: a selection that could single somebody out shows one plain
    sentence instead of its charts, tables, comments and exports."""
    reason = _withheld(filters, threshold(), data_version())
    if reason is not None:
        st.warning(withheld_sentence(reason, threshold(), lang()), icon=":material/lock:")
        st.stop()


def cached_verbatims(
    filters: AnalysisFilters, search: str, themes: tuple[str, ...], limit: int, with_names: bool
) -> tuple[pd.DataFrame, int]:
    """Free-text answers and how many were left out (campaigns under the small-group
    threshold); the names of named respondents only when `with_names` (the quality team
    follows up; learners are told that only the quality team reads their answers)."""
    return _verbatims(filters, search, themes, limit, with_names, data_version())


@st.cache_data(ttl=CACHE_SECONDS, max_entries=32, show_spinner=False)
def _verbatims(
    filters: AnalysisFilters,
    search: str,
    themes: tuple[str, ...],
    limit: int,
    with_names: bool,
    version: str,
) -> tuple[pd.DataFrame, int]:

    def names(person_ids: list[int]) -> dict[int, str]:
        return load_respondent_names(engine=context().engine, person_ids=person_ids)

    answers = apply_filters(frames(version), filters).answers
    table = verbatim_table(
        answers,
        small_group_min=threshold(),
        search=search,
        themes=themes,
        limit=limit,
        names=names if with_names else None,
    )
    return table, hidden_text_count(answers, small_group_min=threshold())


def refresh_button() -> None:
    if st.button(tr("analysis.refresh"), key="analysis_refresh", icon=":material/refresh:"):
        FRAMES.clear()
        clear_tables()
        _breakdown.clear()
        _verbatims.clear()
        _withheld.clear()


def _period(key: str) -> tuple[date | None, date | None]:
    today = now_paris(utc_now())
    chosen = st.date_input(
        tr("analysis.filters.period"),
        key=key,
        format="DD/MM/YYYY",
        value=default_period(today),
    )
    if isinstance(chosen, tuple | list):
        start = chosen[0] if len(chosen) > 0 else None
        end = chosen[1] if len(chosen) > 1 else None
        return start, end
    return chosen, chosen


# (filter, vocabulary, choices and widget key) of the filters read from the vocabulary
VOCABULARY_FILTERS = (
    ("modality", "modality", "modalities"),
    ("audience", "stakeholder", "audiences"),
    ("timing", "timing", "timings"),
)


def _who_filters(
    prefix: str, choices: dict, everything: str, with_trainers: bool
) -> tuple[list, list, list]:
    """Programmes, sessions (of the programmes chosen) and trainers (for the roles that may
    see results per trainer), on one row."""
    first, second, third = st.columns(3)
    programmes = first.multiselect(
        tr("analysis.filters.programme"),
        choices["programmes"],
        key=f"{prefix}_programmes",
        placeholder=everything,
        select_all=False,
    )
    sessions = second.multiselect(
        tr("analysis.filters.session"),
        [
            code
            for code, programme in choices["sessions"]
            if not programmes or programme in programmes
        ],
        key=f"{prefix}_sessions",
        placeholder=everything,
        select_all=False,
    )
    if not with_trainers:
        return programmes, sessions, []
    names = dict(choices["trainers"])
    trainers = third.multiselect(
        tr("analysis.filters.trainer"),
        list(names),
        format_func=lambda person: names.get(person, str(person)),
        key=f"{prefix}_trainers",
        placeholder=everything,
        select_all=False,
    )
    return programmes, sessions, trainers


def _vocabulary_filters(prefix: str, choices: dict, everything: str) -> list[list]:
    """Modalities, audiences and timings, on one row, in the reader's words."""
    return [
        column.multiselect(
            tr(f"analysis.filters.{name}"),
            choices[plural],
            format_func=lambda value, kind=kind: vocab(kind, value),
            key=f"{prefix}_{plural}",
            placeholder=everything,
            select_all=False,
        )
        for column, (name, kind, plural) in zip(st.columns(3), VOCABULARY_FILTERS, strict=True)
    ]


def filter_bar(
    prefix: str, *, period_only: bool = False, with_trainers: bool = False
) -> AnalysisFilters:
    """The filters, read from widgets whose keys start with `prefix`; the trainer filter
    only `with_trainers` (see TRAINER_RESULT_ROLES)."""
    start, end = _period(f"{prefix}_period")
    if period_only:
        return AnalysisFilters(start=start, end=end)
    offered = choices()
    everything = tr("analysis.filters.all")
    programmes, sessions, trainers = _who_filters(prefix, offered, everything, with_trainers)
    modalities, audiences, timings = _vocabulary_filters(prefix, offered, everything)
    return AnalysisFilters(
        start=start,
        end=end,
        programmes=tuple(programmes),
        sessions=tuple(sessions),
        trainers=tuple(trainers),
        modalities=tuple(modalities),
        audiences=tuple(audiences),
        timings=tuple(timings),
    )


def results_page(name: str, **intro_params: object) -> tuple[StaffIdentity, AnalysisFilters]:
    """The top of a results page `analysis.<name>`: the guard, title and intro, the filter bar
    (with the trainer filter for the roles that may see it), the refresh button, and the stop
    when the filters leave too small a group. Returns the member and the filters."""
    me = staff_page(f"analysis.{name}.title", f"analysis.{name}.intro", READERS, **intro_params)
    with st.expander(tr("analysis.filters.title"), expanded=False):
        filters = filter_bar(name, with_trainers=me.role in TRAINER_RESULT_ROLES)
        refresh_button()
    stop_if_withheld(filters)
    return me, filters


def language() -> str:
    return lang()
