"""Run the real dispatcher command (`python -m reminders ...`) against a test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from surveys.runtime import AppContext
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]


def dispatcher_env(context: AppContext) -> dict[str, str]:
    settings = context.settings
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url,
        "SESSION_SECRET": TEST_SECRET,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "SMTP_SECURITY": settings.smtp_security,
        "MAIL_FROM": settings.mail_from,
        "DISPATCHER": "off",
        "DEMO_DATA": "off",
        "MAIL_RATE_PER_MINUTE": str(settings.mail_rate_per_minute),
        "MAIL_RATE_PER_DAY": str(settings.mail_rate_per_day),
    }


def start_dispatcher(context: AppContext, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reminders", *args],
        cwd=ROOT,
        env=dispatcher_env(context),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def process_facts(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, niceness, command line) of a live process, from /proc; None once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ...
    if fields[0] == "Z":  # exited, not yet reaped
        return None
    return int(fields[1]), int(fields[16]), command


def dispatcher_children(parent: int | None = None) -> list[int]:
    """The live `python -m reminders run` processes whose parent is `parent` (default: us)."""
    parent = os.getpid() if parent is None else parent
    found = []
    for entry in Path("/proc").iterdir():
        facts = process_facts(int(entry.name)) if entry.name.isdigit() else None
        if facts is not None and facts[0] == parent and "-m reminders run" in facts[2]:
            found.append(int(entry.name))
    return found
