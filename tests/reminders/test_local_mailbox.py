"""Without an SMTP server the messages go to a local mailbox under the data folder, where the
staff page reads them back with their links."""

from __future__ import annotations

from reminders.dispatcher import tick
from reminders.mailbox import count_mailbox, list_mailbox, read_mailbox_message
from reminders.transport import LocalMailboxSender, SmtpSender, build_sender
from surveys.runtime import AppContext
from tests.conftest import make_settings
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME


def test_without_smtp_host_messages_land_in_the_local_mailbox(sqlite_context: AppContext) -> None:
    assert isinstance(build_sender(sqlite_context.settings), LocalMailboxSender)
    people = hot_session(sqlite_context, learners=2)
    assert tick(context=sqlite_context, now=HOT_SEND_TIME)["sent"] == 2
    folder = sqlite_context.settings.mailbox_dir
    entries = list_mailbox(folder)
    assert count_mailbox(folder) == 2
    assert {entry.to.split("<")[1].rstrip(">") for entry in entries} == {
        person.email for person in people
    }
    message = read_mailbox_message(folder, entries[0].name)
    assert message is not None
    assert [link.split("/")[3] for link in message.links] == ["r", "u"]
    assert "List-Unsubscribe" in message.headers and "<html" in message.html


def test_the_mailbox_reader_never_leaves_its_folder(sqlite_context: AppContext) -> None:
    folder = sqlite_context.settings.mailbox_dir
    folder.mkdir(parents=True)
    (folder.parent / "secret.eml").write_text("Subject: secret\n\nsecret")
    for name in ("../secret.eml", "/etc/passwd", "secret.eml", ""):
        assert read_mailbox_message(folder, name) is None
    assert list_mailbox(folder / "missing") == []


def test_with_smtp_host_the_smtp_sender_is_chosen(tmp_path) -> None:
    settings = make_settings(
        tmp_path,
        "sqlite:///x.db",
        SMTP_HOST="smtp.example.org",
        SMTP_PORT="465",
        SMTP_SECURITY="ssl",
        SMTP_USER="u",
        SMTP_PASSWORD="p",
    )
    sender = build_sender(settings)
    assert isinstance(sender, SmtpSender)
    assert (sender.host, sender.port, sender.security, sender.user) == (
        "smtp.example.org",
        465,
        "ssl",
        "u",
    )
