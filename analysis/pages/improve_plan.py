import streamlit as st

from analysis.effects import action_effects
from analysis.labels import origin_label
from analysis.pages.improve_forms import new_action_form, update_action_form
from analysis.pages.improve_shared import theme_name, today
from analysis.pages.shared import frames, threshold
from analysis.register import actions_frame, plan_totals
from surveys.db import read_session
from surveys.improvement.actions import list_actions
from surveys.pages.common import READERS, context, lang, show_table, staff_page, tr

me = staff_page("improve.pages.plan_title", "improve.pages.plan_intro", roles=READERS)
with read_session(context().engine) as session:
    plan = actions_frame(list_actions(session=session), today=today())
totals = plan_totals(plan)
for column, key in zip(st.columns(4), ("planned", "in_progress", "done", "overdue"), strict=True):
    column.metric(tr(f"improve.pages.total_{key}"), totals[key], border=True)
if totals["overdue"]:
    st.error(tr("improve.pages.overdue_warning", count=totals["overdue"]))
shown = plan.assign(
    theme=plan["theme"].map(theme_name),
    status=plan["status"].map(lambda v: tr(f"improve.vocab.action.{v}")),
    origin=plan["origin"].map(lambda v: origin_label(v, lang())),
)
overdue_red = ["background-color: #fdecea" if late else "" for late in plan["overdue"]]
show_table(shown, "plan_table", "improve", style=lambda column: overdue_red)
st.subheader(tr("improve.pages.effects_title"))
st.caption(tr("improve.pages.effects_intro", min=threshold()))
effects = action_effects(plan, frames().answers, small_group_min=threshold())
show_table(effects.assign(theme=effects["theme"].map(theme_name)), "plan_effects", "improve")
if me.role in ("admin", "quality"):  # directors read the plan; quality staff keep it
    new_action_form(me)
    if not plan.empty:
        update_action_form(me, plan)
