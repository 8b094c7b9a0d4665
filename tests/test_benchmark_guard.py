"""The benchmarks that take `--database-url` refuse a database that already holds rows, with
a sentence, instead of counting an earlier run's rows or stopping on a unique-key traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from surveys.db import write_session
from tests import factories
from tests.conftest import make_context

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script", ["planner_bench.py", "dispatch_bench.py"])
def test_a_database_with_rows_is_refused_in_a_sentence(tmp_path: Path, script: str) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    context = make_context(tmp_path, url)
    with write_session(context.engine) as session:
        factories.programme(session, code="BENCH")
    context.engine.dispose()

    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--database-url", url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )

    assert run.returncode == 1
    assert "already holds 1 programme(s)" in run.stderr
    assert "give an empty database" in run.stderr
    assert "Traceback" not in run.stderr
