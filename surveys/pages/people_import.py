import hashlib

import streamlit as st

from surveys.pages.common import context, lang, require_role, tr
from surveys.people.reading import (
    FIELDS,
    REQUIRED_FIELDS,
    ImportFileError,
    guess_mapping,
    missing_required,
    read_table,
)
from surveys.people.report import problem_rows, report_figures, sample_rows
from surveys.people.writing import import_people

who = require_role("admin", "quality")
st.title(tr("people_import.title"))
st.caption(tr("people_import.intro"))
upload = st.file_uploader(tr("people_import.file"), type=["csv", "txt", "xlsx"], key="import_file")
if upload is None:
    st.stop()
data = upload.getvalue()
try:
    table = read_table(data, upload.name)
except ImportFileError as error:
    st.error(error.message(lang()))
    st.stop()

st.subheader(tr("people_import.mapping"))
st.caption(tr("people_import.mapping_help"))
guess, options = guess_mapping(table.headers), [None, *range(len(table.headers))]
file_key = hashlib.sha256(data).hexdigest()[:12]  # a new file gets a fresh mapping
columns, mapping = st.columns(3), {}
for position, name in enumerate(FIELDS):
    mapping[name] = columns[position % 3].selectbox(
        tr(f"people_import.fields.{name}") + (" *" if name in REQUIRED_FIELDS else ""),
        options,
        index=options.index(guess[name]),
        key=f"import_map_{name}_{file_key}",
        format_func=lambda index: "—" if index is None else table.headers[index] or f"#{index + 1}",
    )
if missing := missing_required(mapping):
    st.warning(
        tr(
            "people_import.missing_columns",
            fields=", ".join(tr(f"people_import.fields.{name}") for name in missing),
        )
    )
    st.stop()

st.subheader(tr("people_import.preview"))
preview = import_people(
    engine=context().engine, table=table, mapping=mapping, actor=who.email, dry_run=True
)
for column, (key, value) in zip(st.columns(5), report_figures(preview), strict=True):
    column.metric(tr(f"people_import.figures.{key}"), value)
if preview.problems:
    st.error(tr("people_import.refused_rows", count=preview.refused_rows))
    st.dataframe(problem_rows(preview, lang()), hide_index=True, key="import_problems")
if preview.warnings:
    st.warning(tr("people_import.conflicts"))
    st.dataframe(
        problem_rows(preview, lang(), preview.warnings), hide_index=True, key="import_conflicts"
    )
st.dataframe(sample_rows(table, mapping, lang()), hide_index=True, key="import_sample")

if st.button(
    tr("people_import.run", count=preview.imported_rows),
    type="primary",
    disabled=preview.imported_rows == 0,
    key="import_run",
):
    report = import_people(engine=context().engine, table=table, mapping=mapping, actor=who.email)
    st.success(
        tr(
            "people_import.done",
            rows=report.imported_rows,
            people=report.people_created,
            updated=report.people_updated,
            sessions=report.sessions_created,
            enrolments=report.enrolments_created,
        )
    )
    if report.statuses_changed:
        st.info(tr("people_import.statuses_changed", count=report.statuses_changed))
