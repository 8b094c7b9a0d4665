"""The staff pages of the reminders package."""

from surveys.pages.registry import DESIGNERS, PageSpec

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "reminders/pages/campaigns.py",
        "reminders.nav.campaigns",
        DESIGNERS,
        "nav.section_send",
        ":material/campaign:",
        order=20,
    ),
    PageSpec(
        "reminders/pages/calendar.py",
        "reminders.nav.calendar",
        DESIGNERS,
        "nav.section_send",
        ":material/calendar_month:",
        order=30,
    ),
    PageSpec(
        "reminders/pages/plan_emails.py",
        "reminders.nav.emails",
        DESIGNERS,
        "nav.section_send",
        ":material/edit_note:",
        order=40,
    ),
    PageSpec(
        "reminders/pages/message_log.py",
        "reminders.nav.log",
        DESIGNERS,
        "nav.section_send",
        ":material/history:",
        order=50,
    ),
    PageSpec(
        "reminders/pages/mailbox.py",
        "reminders.nav.mailbox",
        DESIGNERS,
        "nav.section_send",
        ":material/inbox:",
        order=60,
    ),
)
