"""The evidence pack's PDF reads well for an auditor and a screen reader: tagged (PDF/UA-1),
its language and title set, no catalogue key, no snake_case, no English header in the French
pack; built a
second time on the same data it comes from the content cache, byte for byte the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.i18n import catalog
from tests.support.demo_database import build_demo_database, demo_environment
from tests.support.pdf import readable_text

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_french_pack_is_tagged_and_speaks_only_french(tmp_path: Path) -> None:
    build_demo_database(tmp_path)
    env = {**os.environ, **demo_environment(tmp_path), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "analysis", "evidence", "--out", str(tmp_path / "out")]
    command += ["--now", "2026-03-15T12:00:00+00:00"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    pdf_path = tmp_path / "out" / "evidence.pdf"
    pdf = pdf_path.read_bytes()
    text = readable_text(
        pdf_path, language="fr", title="Title:           Dossier de preuves Qualiopi"
    )
    lines = {line.strip() for line in text.splitlines()}
    french, english = catalog("fr"), catalog("en")
    headers = {
        english[key]
        for key in english
        if key.startswith("improve.evidence.col.") and english[key] != french.get(key)
    }
    assert headers and not headers & lines, headers & lines
    assert list((tmp_path / "cache" / "documents").glob("pdf-*"))
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and pdf_path.read_bytes() == pdf
