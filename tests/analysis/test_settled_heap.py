"""Staff work must not stall the respondents, who share the server's event loop.

- The server's start-up freezes what it built (`analysis.warmup.settle_heap`): a full
  garbage collection, which holds the interpreter lock, then walks only what was made since;
  frames replaced after the freeze are still freed.
- Streamlit watches no source files and runs no full collection after each script run.

The freeze cases run in a child process: freezing pytest's own heap would change every test
after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.demo_database import build_demo_database, context_environment
from tests.support.server import ROOT

START_UP = """
import gc, json
from analysis.warmup import start_warm_up
from surveys.runtime import app_context
tracked_before = len(gc.get_objects())
start_warm_up(app_context()).join()
print(json.dumps({"before": tracked_before, "frozen": gc.get_freeze_count(),
                  "tracked": len(gc.get_objects())}))
"""

REPLACED = """
import gc, json, weakref
import sqlalchemy as sa
from analysis.frames.cache import FRAMES
from analysis.warmup import settle_heap
from surveys.runtime import app_context
engine = app_context().engine
frames = FRAMES.get(engine)
answers = len(frames.answers)
old = [weakref.ref(frames), weakref.ref(frames.answers)]
people = id(frames.session_people)
del frames
settle_heap()
with engine.begin() as connection:  # an answer erased: the answer frame is built again
    connection.execute(sa.text("DELETE FROM answer WHERE id = (SELECT max(id) FROM answer)"))
new = FRAMES.get(engine)
gc.collect()
print(json.dumps({"freed": [ref() is None for ref in old], "answers": [answers, len(new.answers)],
                  "people kept": id(new.session_people) == people}))
"""


def _run(code: str, folder: Path) -> dict:
    context = build_demo_database(folder)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=context_environment(context),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_start_up_leaves_the_collector_only_what_comes_after(tmp_path: Path) -> None:
    facts = _run(START_UP, tmp_path)
    # imports, catalogs and frames: far more than the bare interpreter had
    assert facts["frozen"] > 2 * facts["before"] > 0
    assert facts["tracked"] < facts["frozen"] / 100


def test_frames_replaced_after_the_freeze_are_freed(tmp_path: Path) -> None:
    facts = _run(REPLACED, tmp_path)
    before, after = facts["answers"]
    assert after == before - 1  # the new frames are the new data
    assert facts["freed"] == [True, True]  # the old ones did not outlive the freeze
    assert facts["people kept"]  # their tables did not change: the frame is still right


def test_staff_sessions_leave_the_event_loop_alone() -> None:
    """As Streamlit reads the project's config: no source watcher walking every module on
    the event loop after each new session, no full collection after every script run."""
    code = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(config.get_option('server.fileWatcherType'), "
        "config.get_option('runner.postScriptGC'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["none", "False"]
