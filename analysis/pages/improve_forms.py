"""The forms of the improvement pages (page layer, not a page): each reads its widgets, calls
one domain function in a write session, and shows the outcome or the refusal in the reader's
language. Keys are stable and prefixed by the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

from analysis.action_catalog import load_action_catalog
from analysis.pages.improve_shared import (
    day_input,
    due_default,
    forget_work,
    pick_entry,
    show_error,
    theme_name,
    themes,
    today,
)
from analysis.suggestions import Suggestion, action_input
from surveys.db import write_session
from surveys.i18n import TranslatableError
from surveys.improvement.actions import (
    ActionInput,
    action_from_complaint,
    create_action,
    set_action_status,
    update_action,
)
from surveys.improvement.complaints import (
    COMPLAINT_SOURCES,
    ComplaintInput,
    acknowledge_complaint,
    answer_complaint,
    close_complaint,
    record_complaint,
    record_complaint_from_answer,
)
from surveys.models import ACTION_STATUSES, COMPLAINT_KINDS, STAKEHOLDER_TYPES
from surveys.pages.common import choose, context, done, lang, plain, tr
from surveys.staff.auth import StaffIdentity

# How the options of a select box are named (catalogue prefixes, see surveys.pages.common.choose).
ROLE_NAMES, SOURCE_NAMES = "vocab.role", "improve.vocab.source"

T = TypeVar("T")


def _write(change: Callable[[Session], T]) -> T | None:
    """Run `change` in a write transaction; a refusal is shown, never raised."""
    try:
        with write_session(context().engine) as session:
            return change(session)
    except TranslatableError as error:
        show_error(error)
        return None


def _kind(key: str) -> str:
    return choose(st, tr("improve.pages.kind"), COMPLAINT_KINDS, key, "improve.vocab.kind")


def _theme(key: str, *, blank: bool = False, default: str | None = None) -> str:
    options = ["", *themes()] if blank else themes()
    index = options.index(default) if default in options else 0
    return choose(
        st,
        tr("improve.pages.theme"),
        options,
        key,
        lambda v: theme_name(v) if v else "—",
        index=index,
    )


def new_complaint_form(me: StaffIdentity) -> None:
    with st.expander(tr("improve.pages.new_complaint")), st.form("complaint_new"):
        entry = {  # each field of the complaint, read from its widget
            "kind": _kind("complaint_kind"),
            "source": choose(
                st, tr("improve.pages.source"), COMPLAINT_SOURCES, "complaint_source", SOURCE_NAMES
            ),
            "stakeholder_type": choose(
                st,
                tr("improve.pages.stakeholder"),
                STAKEHOLDER_TYPES,
                "complaint_stakeholder",
                ROLE_NAMES,
            ),
            "theme": _theme("complaint_theme"),
            "summary": st.text_input(tr("improve.pages.summary"), key="complaint_summary"),
            "details": st.text_area(tr("improve.pages.details"), key="complaint_details"),
            "received_on": day_input(tr("improve.pages.received"), "complaint_received"),
        }
        if st.form_submit_button(tr("improve.pages.record")):
            item = ComplaintInput(**entry)
            saved = _write(lambda s: record_complaint(session=s, item=item, actor=me.email).id)
            if saved:  # the form empties for the next entry; a refusal keeps what was typed
                done(
                    tr("improve.pages.recorded", id=saved),
                    "complaint_summary",
                    "complaint_details",
                )


def handle_complaint_form(me: StaffIdentity, register: pd.DataFrame) -> None:
    """Acknowledge, answer, close a complaint of the register, or open an action from it."""
    st.subheader(tr("improve.pages.handle"))
    chosen = pick_entry(register, "summary", tr("improve.pages.which_complaint"), "complaint_pick")
    answer = st.text_area(tr("improve.pages.answer"), key="complaint_answer")
    owner = st.text_input(tr("improve.pages.owner"), key="complaint_owner")
    steps: dict[str, Callable[[Session], Any]] = {
        "acknowledge": lambda s: acknowledge_complaint(
            session=s, complaint_id=chosen, actor=me.email
        ),
        "answer": lambda s: answer_complaint(
            session=s, complaint_id=chosen, answer=answer, actor=me.email
        ),
        "close": lambda s: close_complaint(session=s, complaint_id=chosen, actor=me.email),
        "to_plan": lambda s: action_from_complaint(
            session=s, complaint_id=chosen, owner=owner, due_on=due_default(), actor=me.email
        ),
    }
    for column, (step, change) in zip(st.columns(4), steps.items(), strict=True):
        if column.button(tr(f"improve.pages.step_{step}"), key=f"complaint_step_{step}") and _write(
            lambda s, change=change: bool(change(s))
        ):  # the register above shows the new state; the answer typed is kept on purpose
            done(tr(f"improve.pages.step_done_{step}", id=chosen))


def new_action_form(me: StaffIdentity) -> None:
    with st.expander(tr("improve.pages.new_action")), st.form("plan_new"):
        entry = {  # each field of the action, read from its widget
            "title": st.text_input(tr("improve.pages.title"), key="plan_title"),
            "theme": _theme("plan_theme", blank=True),
            "owner": st.text_input(tr("improve.pages.owner"), key="plan_owner"),
            "due_on": day_input(tr("improve.pages.due"), "plan_due", due_default()),
            "description": st.text_area(tr("improve.pages.details"), key="plan_description"),
        }
        if st.form_submit_button(tr("improve.pages.record")):
            item = ActionInput(**entry, origin="manual")
            saved = _write(lambda s: create_action(session=s, actor=me.email, item=item).id)
            if saved:
                done(
                    tr("improve.pages.action_created", id=saved),
                    "plan_title",
                    "plan_owner",
                    "plan_description",
                )


def update_action_form(me: StaffIdentity, plan: pd.DataFrame) -> None:
    st.subheader(tr("improve.pages.update_action"))
    chosen = pick_entry(plan, "title", tr("improve.pages.which_action"), "plan_pick")
    status = choose(
        st, tr("improve.pages.status"), ACTION_STATUSES, "plan_status", "improve.vocab.action"
    )
    done_on = day_input(tr("improve.pages.done_on"), "plan_done_on")
    note = st.text_input(tr("improve.pages.note"), key="plan_note")
    if st.button(tr("improve.pages.save"), key="plan_save"):

        def change(session: Session) -> bool:
            set_action_status(
                session=session,
                action_id=chosen,
                status=status,
                actor=me.email,
                today=today(),
                done_on=done_on,
            )
            update_action(
                session=session, action_id=chosen, actor=me.email, add_note=note, today=today()
            )
            return True

        if _write(change):
            done(tr("improve.pages.action_saved", id=chosen), "plan_note")


def suggestion_action_form(me: StaffIdentity, item: Suggestion, index: int) -> None:
    """Turn a suggestion (and one of its recommended actions) into a planned action."""
    catalog = load_action_catalog()
    with st.form(f"sg_form_{index}"):
        choice = choose(
            st,
            tr("improve.pages.recommended"),
            ["", *item.actions],
            f"sg_action_{index}",
            lambda a: catalog.get(a).title.get(lang()) if a else tr("improve.pages.own_action"),
        )
        owner = st.text_input(tr("improve.pages.owner"), key=f"sg_owner_{index}")
        due = day_input(tr("improve.pages.due"), f"sg_due_{index}", due_default())
        if st.form_submit_button(tr("improve.pages.to_plan")):
            draft = action_input(item, owner=owner, due_on=due, action_id=choice, language=lang())
            saved = _write(lambda s: create_action(session=s, actor=me.email, item=draft).id)
            if saved:
                st.success(tr("improve.pages.action_created", id=saved))


def register_offer_form(me: StaffIdentity, candidates: pd.DataFrame) -> None:
    """Offer a complaint-like comment to the register, under the theme it was tagged with."""
    texts = dict(zip(candidates["response_id"], candidates["text"], strict=True))
    themes_of = dict(zip(candidates["response_id"], candidates["theme"], strict=True))
    chosen = choose(
        st,
        tr("improve.pages.flagged_pick"),
        list(texts),
        "sg_flagged",
        lambda value: texts[value][:90],
    )
    st.markdown("> " + plain(texts[chosen]))
    theme = _theme("sg_flag_theme", default=themes_of[chosen])
    kind = st.radio(
        tr("improve.pages.kind"),
        COMPLAINT_KINDS,
        key="sg_flag_kind",
        horizontal=True,
        format_func=lambda v: tr(f"improve.vocab.kind.{v}"),
    )
    if st.button(tr("improve.pages.to_register"), key="sg_flag_record"):
        saved = _write(
            lambda s: (
                record_complaint_from_answer(
                    session=s,
                    response_id=chosen,
                    text=texts[chosen],
                    theme=theme,
                    kind=kind,
                    actor=me.email,
                ).id
            )
        )
        if saved:
            forget_work()
            st.success(tr("improve.pages.recorded", id=saved))
