"""The people page's forms: add a person, edit one, change or remove their enrolments.

Thin: every rule is in `surveys.people.editing`. Each action ends with `done` (a message
saying what was done, then a rerun): the add form is emptied for the next person; the edit
form is reloaded from what was saved (the same person stays selected). A refused change shows
why and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

from surveys.config import paris_day
from surveys.db import read_session, write_session
from surveys.formatting import day as format_day
from surveys.formatting import display_frame
from surveys.i18n import label
from surveys.models import ENROLMENT_STATUSES, LANGUAGES, STAKEHOLDER_TYPES, Person, utc_now
from surveys.pages.common import column_name, context, done, lang, tr, vocab
from surveys.people.editing import (
    EDITABLE,
    EditRefused,
    add_person,
    edit_person,
    person_enrolments,
    remove_enrolment,
    set_enrolment_status,
)
from surveys.staff.auth import StaffIdentity

T = TypeVar("T")

NEW_KEYS = tuple(f"new_person_{name}" for name in EDITABLE)


def _labels(kind: str) -> Callable[[str], str]:
    """A format_func bound to the reader's language now (AppTest calls it outside the run)."""
    language = lang()
    return lambda value: label(kind, value, language)


def _error(error: EditRefused) -> None:
    message = error.message(lang())
    if error.field in EDITABLE:
        field_name = tr(f"people.edit.{error.field}")
        message = tr("people.edit.errors.field", field=field_name, message=message)
    st.error(message)


def _write(change: Callable[[Session], T]) -> T | None:
    """`change(session)` in one write transaction, or None once the refusal is shown."""
    try:
        with write_session(context().engine) as session:
            return change(session)
    except EditRefused as error:
        _error(error)
        return None


def _choice(
    column: Any, prefix: str, name: str, options: tuple[str, ...], current: str, vocabulary: str
) -> str | None:
    """The select box of the field `name` on `current`, its options in the reader's words."""
    return column.selectbox(
        tr(f"people.edit.{name}"),
        options,
        index=options.index(current),
        key=f"{prefix}{name}",
        format_func=_labels(vocabulary),
        placeholder=tr("common.choose"),
    )


def _fields(prefix: str, person: Person | None) -> dict[str, Any]:
    """The six fields of a person, filled from `person` (or empty), keyed `prefix + name`."""
    value = (lambda name: getattr(person, name) or "") if person else (lambda name: "")
    values: dict[str, Any] = {}
    for pair in (("first_name", "last_name"), ("email", "organisation")):  # in reading order
        for column, name in zip(st.columns(2), pair, strict=True):
            label_text = tr(f"people.edit.{name}")
            values[name] = column.text_input(label_text, value(name), key=f"{prefix}{name}")
    left, right = st.columns(2)
    kind = person.stakeholder_type if person else "learner"
    language = person.language if person else "fr"
    values["stakeholder_type"] = _choice(
        left, prefix, "stakeholder_type", STAKEHOLDER_TYPES, kind, "role"
    )
    values["language"] = _choice(right, prefix, "language", LANGUAGES, language, "language")
    return values


def add_form(me: StaffIdentity) -> None:
    with st.expander(tr("people.edit.add_title")), st.form("person_new"):
        values = _fields("new_person_", None)
        if not st.form_submit_button(tr("people.edit.add_submit"), key="person_new_submit"):
            return

        def add(session: Session) -> str:
            person = add_person(session=session, values=values, actor=me.email, now=utc_now())
            name = f"{person.first_name} {person.last_name}".strip() or person.email
            return tr("people.edit.added", name=name, email=person.email)

        message = _write(add)
        if message is None:
            return
        done(message, *NEW_KEYS)


def _saved_message(change: Any) -> str:
    person = change.person
    name = f"{person.first_name} {person.last_name}".strip() or person.email
    fields = ", ".join(tr(f"people.edit.fields.{item}") for item in change.changed)
    parts = [tr("people.edit.saved", name=name, fields=fields)]
    if "email" in change.changed:
        parts.append(tr("people.edit.messages_follow", count=change.messages_following))
    if change.bounce_cleared:
        parts.append(tr("people.edit.bounce_cleared"))
    return " ".join(parts)


def _edit_form(me: StaffIdentity, person: Person) -> None:
    prefix = f"edit_person_{person.id}_"
    with st.form(f"person_edit_{person.id}"):
        values = _fields(prefix, person)
        if not st.form_submit_button(tr("people.edit.save"), key="person_edit_submit"):
            return

        def edit(session: Session) -> str:
            change = edit_person(
                session=session, person_id=person.id, values=values, actor=me.email, now=utc_now()
            )
            return _saved_message(change) if change.changed else ""

        message = _write(edit)
        if message is None:
            return
        if not message:
            st.info(tr("people.edit.unchanged"))
            return
        done(message, *(f"{prefix}{name}" for name in EDITABLE))


def edit_section(me: StaffIdentity, people: list[dict[str, Any]]) -> None:
    st.subheader(tr("people.edit.edit_title"))
    if not people:
        st.caption(tr("people.edit.no_match"))
        return
    names = {row["id"]: f"{row['name']} <{row['email']}>" for row in people}
    person_id = st.selectbox(
        tr("people.edit.which"),
        list(names),
        key="edit_person_id",
        format_func=names.get,
        placeholder=tr("common.choose"),
    )
    with read_session(context().engine) as session:
        person = session.get(Person, person_id)
        enrolments = person_enrolments(session=session, person_id=person_id)
    if person is None:
        return
    _edit_form(me, person)
    _enrolments(me, enrolments)


def _enrolment_label(row: dict[str, Any]) -> str:
    return f"{row['session']} — {row['programme']} ({vocab('role', row['role'])})"


def _enrolments(me: StaffIdentity, rows: list[dict[str, Any]]) -> None:
    st.markdown(f"**{tr('people.edit.enrolments_title')}**")
    if not rows:
        st.caption(tr("people.edit.no_enrolment"))
        return
    shown = [
        {"session": row["session"], "programme": row["programme"],
         "status": vocab("enrolment_status", row["status"]),
         "status_changed_on": row["status_changed_on"]}
        for row in rows
    ]  # fmt: skip
    # a static table of four columns: a person has few enrolments, and it fits a phone (the
    # role is in the enrolment's name below)
    frame = display_frame(pd.DataFrame(shown), lang())
    frame = frame.rename(columns={c: column_name(c, "people.edit") for c in frame.columns})
    st.table(frame.set_index(frame.columns[0]))
    by_id = {row["id"]: row for row in rows}
    chosen = st.selectbox(
        tr("people.edit.enrolment"),
        list(by_id),
        key="edit_enrolment_id",
        format_func=lambda key: _enrolment_label(by_id[key]),
        placeholder=tr("common.choose"),
    )
    _status_form(me, by_id[chosen])
    _remove(me, by_id[chosen])


def _status_form(me: StaffIdentity, row: dict[str, Any]) -> None:
    with st.form(f"enrolment_status_{row['id']}"):
        left, right = st.columns(2)
        status = left.selectbox(
            tr("people.edit.status"),
            ENROLMENT_STATUSES,
            index=ENROLMENT_STATUSES.index(row["status"]),
            key=f"enrolment_status_{row['id']}",
            format_func=_labels("enrolment_status"),
            placeholder=tr("common.choose"),
        )
        day: date = right.date_input(
            tr("people.edit.status_day"),
            paris_day(utc_now()),
            key=f"enrolment_day_{row['id']}",
            format="DD/MM/YYYY",
        )
        if not st.form_submit_button(tr("people.edit.status_save"), key="enrolment_status_save"):
            return
    changed = _write(
        lambda session: set_enrolment_status(
            session=session, enrolment_id=row["id"], status=status, actor=me.email,
            now=utc_now(), day=day,
        )
    )  # fmt: skip
    if changed is None:
        return
    if not changed:
        st.info(tr("people.edit.status_unchanged"))
        return
    message = tr(
        "people.edit.status_saved",
        session=row["session"],
        status=vocab("enrolment_status", status),
        day=format_day(day, lang()),
    )
    done(message, f"enrolment_status_{row['id']}", f"enrolment_day_{row['id']}")


def _remove(me: StaffIdentity, row: dict[str, Any]) -> None:
    st.caption(tr("people.edit.remove_help"))
    key = f"enrolment_remove_ok_{row['id']}"
    confirmed = st.checkbox(tr("people.edit.remove_confirm"), key=key)
    if not st.button(tr("people.edit.remove"), key="enrolment_remove", type="secondary"):
        return
    if not confirmed:
        st.warning(tr("people.edit.confirm_first"))
        return
    result = _write(
        lambda session: remove_enrolment(
            session=session, enrolment_id=row["id"], actor=me.email, now=utc_now()
        )
    )
    if result is None:
        return
    message = tr("people.edit.removed", session=row["session"], answered=result.answered,
                 kept=result.kept, cancelled=result.cancelled)  # fmt: skip
    done(message, key, "edit_enrolment_id")
