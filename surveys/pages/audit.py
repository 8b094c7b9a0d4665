import streamlit as st

from surveys.audit import list_entries
from surveys.db import read_session
from surveys.i18n import catalog
from surveys.pages.common import choose, context, lang, show_table, staff_page, stop_page, tr

staff_page("audit.title", "audit.intro", roles=("admin",))
FAMILIES = [key.split(".")[-1] for key in catalog("fr") if key.startswith("audit.families.")]


def action_label(action: str) -> str:
    key = f"audit.actions.{action}"
    return catalog(lang()).get(key) or action.replace("_", " ").replace(".", " — ")


def actor_label(actor: str) -> str:
    """A staff member's e-mail as is; the jobs and the respondent in words."""
    key = f"audit.actors.{actor.replace(':', '_')}"
    return tr(key) if key in catalog(lang()) else actor


def target_label(target: str) -> str:
    kind, _, number = target.partition(":")
    key = f"audit.targets.{kind}"
    return tr(key, id=number) if number and key in catalog(lang()) else target


left, right = st.columns(2)
family = choose(
    left,
    tr("audit.family"),
    [None, *FAMILIES],
    "audit_family",
    lambda key: tr("audit.all_families") if key is None else tr(f"audit.families.{key}"),
)
actor = right.text_input(tr("audit.actor"), key="audit_actor")
with read_session(context().engine) as session:
    entries = list_entries(
        session=session, action=f"{family}" if family else "", actor=actor.strip().lower()
    )
if not entries:
    stop_page(tr("common.none"), st.caption)
show_table(
    [
        {
            "at": entry["at"],
            "actor": actor_label(entry["actor"]),
            "action": action_label(entry["action"]),
            "target": target_label(entry["target"]),
        }
        for entry in entries
    ],
    "audit_table",
)
st.caption(tr("reminders.paris_times"))
with st.expander(tr("audit.details_of")):
    row = st.number_input(tr("columns.id"), 1, len(entries), 1, key="audit_row")
    st.json(entries[int(row) - 1]["details"] or {})
