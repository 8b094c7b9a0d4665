"""Survey plans: per programme, which published survey goes to whom and when, with reminders
(Qualiopi indicator 30's "relevant frequency"); the yearly financer survey organisation-wide."""

import streamlit as st
from sqlmodel import select

from surveys.db import read_session
from surveys.models import Programme
from surveys.pages.builder_parts import show_flash, show_problems
from surveys.pages.builder_plan_form import adopt, deactivate, show_plan_form
from surveys.pages.common import choose, context, explained_button, lang, staff_page, tr
from surveys.plans.service import review_plans

staff_page("builder.plans.title", "builder.plans.intro")
with read_session(context().engine) as session:
    programmes = {
        p.id: f"{p.code} — {p.name}"
        for p in session.exec(
            select(Programme).where(Programme.archived.is_(False)).order_by(Programme.code)
        )
    }
programme_id = choose(
    st,
    tr("builder.plans.programme"),
    [None, *programmes],
    "plans_programme",
    lambda i: tr("builder.plans.organisation_wide") if i is None else programmes[i],
)
show_flash()
with read_session(context().engine) as session:
    current = review_plans(session=session, programme_id=programme_id, language=lang())
    proposal = (
        []
        if current
        else review_plans(
            session=session, programme_id=programme_id, language=lang(), proposed=True
        )
    )

st.subheader(tr("builder.plans.current"))
if not current:
    st.info(tr("builder.plans.none"))
for review in current:
    with st.container(border=True):
        text_col, button_col = st.columns([6, 1], vertical_alignment="center")
        text_col.markdown(review.sentence)
        explained_button(
            button_col,
            "builder.plans.deactivate",
            f"plans_off_{review.plan_id}",
            deactivate,
            review.plan_id,
        )
        show_problems(review.problems)

if proposal:
    st.subheader(tr("builder.plans.proposal"))
    st.caption(tr("builder.plans.proposal_help"))
    for review in proposal:
        st.markdown(f"- {review.sentence}")
        show_problems(review.problems)
    st.button(
        tr("builder.plans.adopt"),
        type="primary",
        key="plans_adopt",
        on_click=adopt,
        args=([review.spec for review in proposal],),
    )

with st.expander(tr("builder.plans.add"), expanded=False):
    show_plan_form(programme_id)
