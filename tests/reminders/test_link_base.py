"""The links in emails come from one base the web server and the workers agree on: a worker
started as the README says, without PUBLIC_BASE_URL, writes links to the port the server
really runs on, or refuses loudly when no server ever said where it runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from surveys.config import load_settings
from surveys.db import read_session
from surveys.models import OutboundMessage
from surveys.runtime import AppContext, build_context
from tests.factories import hot_session
from tests.reminders.processes import dispatcher_env
from tests.support.server import ROOT, run_cli, server_env, start_server
from tests.support.smtp import HOT_SEND_TIME


def reminders_tick(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reminders", "tick", "--now", HOT_SEND_TIME.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_worker_without_public_base_url_links_to_the_port_the_server_runs_on(
    tmp_path: Path,
) -> None:
    env = server_env(tmp_path / "data", DEMO_DATA="off")
    del env["PUBLIC_BASE_URL"]  # as `streamlit run` or `make run` on another port, unset
    run_cli(env, "surveys", "init")
    context = build_context(load_settings(env))
    hot_session(context, learners=2)
    server = start_server(env)
    try:
        result = reminders_tick(env)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    mails = [path.read_text() for path in (Path(env["DATA_DIR"]) / "mailbox").glob("*.eml")]
    assert len(mails) == 2
    assert all(f"http://localhost:{env['PORT']}/r/" in mail for mail in mails)
    assert not any("localhost:8501" in mail for mail in mails)
    context.engine.dispose()


def test_a_worker_refuses_when_no_base_is_known_and_sends_nothing(sqlite_context: AppContext):
    hot_session(sqlite_context, learners=1)
    env = dispatcher_env(sqlite_context)
    del env["PUBLIC_BASE_URL"]
    env.pop("SMTP_HOST")
    result = reminders_tick(env)
    assert result.returncode == 2
    assert "PUBLIC_BASE_URL n'est pas défini" in result.stderr
    assert "Traceback" not in result.stderr
    with read_session(sqlite_context.engine) as session:
        assert session.exec(select(OutboundMessage)).all() == []  # nothing planned or sent
