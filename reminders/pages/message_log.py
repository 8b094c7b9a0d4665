import streamlit as st

from reminders.reporting import find_people, message_log
from surveys.db import read_session
from surveys.formatting import day
from surveys.i18n import catalog
from surveys.pages.common import choose, context, lang, show_table, staff_page, stop_page, tr

staff_page("reminders.log.title", "reminders.log.intro")
search = st.text_input(tr("reminders.log.search"), key="log_search")
with read_session(context().engine) as session:
    people = {person.id: person for person in find_people(session=session, search=search)}
if not people:
    stop_page(tr("reminders.log.nobody"), st.caption)

person_id = choose(
    st,
    tr("reminders.log.person"),
    list(people),
    "log_person",
    lambda key: f"{people[key].first_name} {people[key].last_name} <{people[key].email}>",
)
person = people[person_id]
if person.opted_out_at:
    st.warning(tr("reminders.log.opted_out", date=day(person.opted_out_at, lang())))
if person.bounced_at:
    st.warning(tr("reminders.log.bounced", date=day(person.bounced_at, lang())))
with read_session(context().engine) as session:
    rows = message_log(session=session, person_id=person_id)
if not rows:
    stop_page(tr("reminders.log.no_message"), st.caption)
for row in rows:
    row["kind"] = tr(f"reminders.kind.{row['kind']}")
    row["status"] = tr(f"reminders.message_status.{row['status']}")
    reason = f"reminders.refusal.{row['error']}"  # a cancelled message's reason, in words
    row["error"] = tr(reason) if reason in catalog(lang()) else row["error"]
st.caption(tr("reminders.paris_times"))  # every time below is Paris time, none in UTC
show_table(rows, "log_table", "reminders")
