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
    due_default,
    forget_work,
    show_error,
    theme_name,
    themes,
    today,
)
from analysis.pages.shared import forget_data_version
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
from surveys.pages.common import context, done, lang, plain, tr, vocab
from surveys.staff.auth import StaffIdentity

T = TypeVar("T")


def _write(change: Callable[[Session], T]) -> T | None:
    """Run `change` in a write transaction; a refusal is shown, never raised."""
    try:
        with write_session(context().engine) as session:
            done = change(session)
        forget_data_version()  # what this run shows next includes the write
        return done
    except TranslatableError as error:
        show_error(error)
        return None


def _kind(key: str) -> str:
    return st.selectbox(
        tr("improve.pages.kind"),
        COMPLAINT_KINDS,
        key=key,
        format_func=lambda v: tr(f"improve.vocab.kind.{v}"),
        placeholder=tr("common.choose"),
    )


def _theme(key: str, *, blank: bool = False, default: str | None = None) -> str:
    options = ["", *themes()] if blank else themes()
    index = options.index(default) if default in options else 0
    return st.selectbox(
        tr("improve.pages.theme"),
        options,
        key=key,
        index=index,
        format_func=lambda v: theme_name(v) if v else "—",
        placeholder=tr("common.choose"),
    )


def new_complaint_form(me: StaffIdentity) -> None:
    with st.expander(tr("improve.pages.new_complaint")), st.form("complaint_new"):
        kind = _kind("complaint_kind")
        source = st.selectbox(
            tr("improve.pages.source"),
            COMPLAINT_SOURCES,
            key="complaint_source",
            format_func=lambda v: tr(f"improve.vocab.source.{v}"),
            placeholder=tr("common.choose"),
        )
        who = st.selectbox(
            tr("improve.pages.stakeholder"),
            STAKEHOLDER_TYPES,
            key="complaint_stakeholder",
            format_func=lambda v: vocab("role", v),
            placeholder=tr("common.choose"),
        )
        theme = _theme("complaint_theme")
        summary = st.text_input(tr("improve.pages.summary"), key="complaint_summary")
        details = st.text_area(tr("improve.pages.details"), key="complaint_details")
        received = st.date_input(
            tr("improve.pages.received"),
            value=today(),
            key="complaint_received",
            format="DD/MM/YYYY",
        )
        if st.form_submit_button(tr("improve.pages.record")):
            item = ComplaintInput(
                kind=kind,
                source=source,
                stakeholder_type=who,
                theme=theme,
                summary=summary,
                details=details,
                received_on=received,
            )
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
    summaries = dict(zip(register["id"], register["summary"], strict=True))
    chosen = st.selectbox(
        tr("improve.pages.which_complaint"),
        list(summaries),
        key="complaint_pick",
        format_func=lambda i: f"n° {i} — {summaries[i]}",
        placeholder=tr("common.choose"),
    )
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
        title = st.text_input(tr("improve.pages.title"), key="plan_title")
        theme = _theme("plan_theme", blank=True)
        owner = st.text_input(tr("improve.pages.owner"), key="plan_owner")
        due = st.date_input(
            tr("improve.pages.due"), value=due_default(), key="plan_due", format="DD/MM/YYYY"
        )
        description = st.text_area(tr("improve.pages.details"), key="plan_description")
        if st.form_submit_button(tr("improve.pages.record")):
            item = ActionInput(
                title=title,
                owner=owner,
                due_on=due,
                theme=theme,
                description=description,
                origin="manual",
            )
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
    titles = dict(zip(plan["id"], plan["title"], strict=True))
    chosen = st.selectbox(
        tr("improve.pages.which_action"),
        list(titles),
        key="plan_pick",
        format_func=lambda i: f"n° {i} — {titles[i]}",
        placeholder=tr("common.choose"),
    )
    status = st.selectbox(
        tr("improve.pages.status"),
        ACTION_STATUSES,
        key="plan_status",
        format_func=lambda v: tr(f"improve.vocab.action.{v}"),
        placeholder=tr("common.choose"),
    )
    done_on = st.date_input(
        tr("improve.pages.done_on"), value=today(), key="plan_done_on", format="DD/MM/YYYY"
    )
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
        choice = st.selectbox(
            tr("improve.pages.recommended"),
            ["", *item.actions],
            key=f"sg_action_{index}",
            format_func=lambda a: (
                catalog.get(a).title.get(lang()) if a else tr("improve.pages.own_action")
            ),
            placeholder=tr("common.choose"),
        )
        owner = st.text_input(tr("improve.pages.owner"), key=f"sg_owner_{index}")
        due = st.date_input(
            tr("improve.pages.due"), value=due_default(), key=f"sg_due_{index}", format="DD/MM/YYYY"
        )
        if st.form_submit_button(tr("improve.pages.to_plan")):
            draft = action_input(item, owner=owner, due_on=due, action_id=choice, language=lang())
            saved = _write(lambda s: create_action(session=s, actor=me.email, item=draft).id)
            if saved:
                st.success(tr("improve.pages.action_created", id=saved))


def register_offer_form(me: StaffIdentity, candidates: pd.DataFrame) -> None:
    """Offer a complaint-like comment to the register, under the theme it was tagged with."""
    texts = dict(zip(candidates["response_id"], candidates["text"], strict=True))
    themes_of = dict(zip(candidates["response_id"], candidates["theme"], strict=True))
    chosen = st.selectbox(
        tr("improve.pages.flagged_pick"),
        list(texts),
        key="sg_flagged",
        format_func=lambda value: texts[value][:90],
        placeholder=tr("common.choose"),
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
