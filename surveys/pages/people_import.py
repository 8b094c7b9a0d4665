import hashlib

import streamlit as st

from surveys.pages.common import choose, context, done, lang, staff_page, tr
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

who = staff_page("people_import.title", "people_import.intro")
# After an import the uploader starts afresh (a new key): the preview and the import button
# of a file already imported never stay on screen; the report says what was done.
upload = st.file_uploader(
    tr("people_import.file"),
    type=["csv", "txt", "xlsx"],
    key=f"import_file_{st.session_state.get('import_round', 0)}",
)
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
    mapping[name] = choose(
        columns[position % 3],
        tr(f"people_import.fields.{name}") + (" *" if name in REQUIRED_FIELDS else ""),
        options,
        f"import_map_{name}_{file_key}",
        lambda index: "—" if index is None else table.headers[index] or f"#{index + 1}",
        index=options.index(guess[name]),
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
    st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
    done(tr("people_import.done", **report.message_params()))
    if report.statuses_changed:
        st.info(tr("people_import.statuses_changed", count=report.statuses_changed))
