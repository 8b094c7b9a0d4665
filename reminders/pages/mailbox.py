import streamlit as st

from reminders.mailbox import MailboxEntry, list_mailbox, read_mailbox_message
from reminders.pages.widgets import plain
from surveys.formatting import moment
from surveys.pages.common import choose, context, lang, show_table, staff_page, stop_page, tr

staff_page("reminders.mailbox.title")
settings = context().settings
if settings.smtp_configured:
    st.info(tr("reminders.mailbox.smtp_configured", host=settings.smtp_host))
else:
    st.warning(tr("reminders.mailbox.local_notice", folder=str(settings.mailbox_dir)))

entries = list_mailbox(settings.mailbox_dir)
if not entries:
    stop_page(tr("reminders.mailbox.empty"), st.caption)


def when(entry: MailboxEntry) -> str:
    return moment(entry.sent_at, lang()) if entry.sent_at else entry.date


st.caption(tr("reminders.paris_times"))
show_table(
    [{"date": when(entry), "to": entry.to, "subject": entry.subject} for entry in entries],
    "mailbox_table",
    "reminders",
)
by_name = {entry.name: entry for entry in entries}
name = choose(
    st,
    tr("reminders.mailbox.choose"),
    list(by_name),
    "mailbox_choice",
    lambda key: f"{when(by_name[key])} — {by_name[key].to} — {by_name[key].subject}",
)
message = read_mailbox_message(settings.mailbox_dir, name)
if message is None:
    stop_page(tr("reminders.mailbox.gone"), st.error)

st.markdown(
    f"**{tr('reminders.columns.subject')}** : {plain(message.entry.subject)}  \n"
    f"**{tr('reminders.columns.to')}** : {plain(message.entry.to)}"
)
st.subheader(tr("reminders.mailbox.links"))
for link in message.links:
    st.markdown(f"- [{plain(link)}]({link})")
text_tab, html_tab, headers_tab = st.tabs(
    [tr("reminders.mailbox.text"), tr("reminders.mailbox.html"), tr("reminders.mailbox.headers")]
)
with text_tab:
    st.text(message.text)
with html_tab:
    st.html(message.html)
with headers_tab:
    st.json(message.headers)
