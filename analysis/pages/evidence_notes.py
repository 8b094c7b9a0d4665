import streamlit as st

from analysis.pages.improve_shared import day_input, improve_page, show_error
from surveys.db import read_session, write_session
from surveys.i18n import TranslatableError
from surveys.improvement.evidence_notes import (
    NOTE_KINDS,
    EvidenceNoteInput,
    list_evidence_notes,
    record_evidence_note,
)
from surveys.models import STAKEHOLDER_TYPES
from surveys.pages.common import choose, context, done, show_table, tr, vocab

me, start, end = improve_page("notes", "notes_period")
with read_session(context().engine) as session:
    notes = list_evidence_notes(session=session, start=start, end=end)
rows = [
    {
        tr("improve.evidence.col.date"): note.occurred_on,
        tr("improve.evidence.col.stakeholder"): vocab("role", note.stakeholder_type),
        tr("improve.evidence.col.organisation"): note.organisation,
        tr("improve.evidence.col.kind"): tr(f"improve.vocab.note.{note.kind}"),
        tr("improve.evidence.col.summary"): note.summary,
    }
    for note in notes
]
if rows:
    show_table(rows, "notes_table")
else:
    st.info(tr("improve.evidence.no_note"))

with st.form("notes_new"):
    st.subheader(tr("improve.pages.new_note"))
    entry = {  # each field of the note, read from its widget
        "stakeholder_type": choose(
            st,
            tr("improve.pages.stakeholder"),
            STAKEHOLDER_TYPES,
            "note_stakeholder",
            "vocab.role",
            index=1,
        ),
        "organisation": st.text_input(
            tr("improve.evidence.col.organisation"), key="note_organisation"
        ),
        "kind": choose(st, tr("improve.pages.kind"), NOTE_KINDS, "note_kind", "improve.vocab.note"),
        "occurred_on": day_input(tr("improve.evidence.col.date"), "note_date"),
        "summary": st.text_area(tr("improve.pages.note_summary"), key="note_summary"),
    }
    if st.form_submit_button(tr("improve.pages.record")):
        try:
            with write_session(context().engine) as session:
                record_evidence_note(
                    session=session, actor=me.email, item=EvidenceNoteInput(**entry)
                )
            done(tr("improve.pages.note_recorded"), "note_organisation", "note_summary")
        except TranslatableError as error:
            show_error(error)
