"""Staff pages benchmark: first visit with a cold cache, then a second visit, of every page.

    .venv/bin/python benchmarks/staff_pages_bench.py [--scale standard|large] [--pages a,b]
                                                    [--keep DIR]

Loads the demo at the chosen scale into a temporary SQLite database (`--keep DIR` reuses
one: the large load takes a minute or two), then for each staff page starts a fresh Python
process, as a server just (re)started: it logs in as the admin through AppTest, opens the
home page, then times the page's first render (cold: nothing cached, nothing imported by that
page yet) and its second render (what a reload costs). It prints both, their ratio, and the
load average. Target: first render < 2 s at the demo scale, < 3 s at the large scale.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.demo_database import demo_environment  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
SECRET = "bench-secret-" + "p" * 40


def environment(folder: Path) -> dict[str, str]:
    return {**demo_environment(folder), "SESSION_SECRET": SECRET, "PYTHONPATH": str(ROOT)}


def load(folder: Path, scale: str) -> None:
    if (folder / "app.db").exists():
        return
    env = {**os.environ, **environment(folder)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "surveys", "demo", "--scale", scale],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"demo ({scale}) loaded in {time.perf_counter() - started:.1f} s")


def child(path: str, warm: bool) -> None:
    """One page, in this fresh process: home first, then the page twice. With `warm`, the
    server's start-up warm-up (`analysis.warmup.warm_up`, run by the lifespan of
    `streamlit run`, which AppTest does not run) is done first, as in the real server."""
    from sqlmodel import select
    from streamlit.testing.v1 import AppTest

    from surveys.db import read_session
    from surveys.models import StaffUser
    from surveys.pages.common import TEST_COOKIE_KEY
    from surveys.runtime import app_context
    from surveys.staff.auth import make_session_cookie

    with read_session(app_context().engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.role == "admin")).first()
        cookie = make_session_cookie(user, secret=SECRET)
    if warm:
        from analysis.warmup import warm_up

        warm_up(app_context())
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state[TEST_COOKIE_KEY] = cookie
    app.run()
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        app.switch_page(path).run()
        timings.append(time.perf_counter() - started)
        if app.exception:
            raise SystemExit(f"{path}: {[item.value for item in app.exception]}")
    print(json.dumps({"path": path, "first": timings[0], "second": timings[1]}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=("standard", "large"), default="standard")
    parser.add_argument("--pages", default="", help="comma-separated page paths (default: all)")
    parser.add_argument("--keep", default="", help="a folder to keep (and reuse) the database")
    parser.add_argument(
        "--cold", action="store_true", help="skip the server's start-up warm-up (as before it)"
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, warm=not args.cold)
        return
    from streamlit_app import pages_for

    paths = [p for p in args.pages.split(",") if p] or [s.path for s in pages_for("admin")]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.keep or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        load(folder, args.scale)
        env = {**os.environ, **environment(folder)}
        print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print("start-up warm-up: " + ("skipped (--cold)" if args.cold else "done, as the server"))
        print(f"{'page':45} {'first s':>8} {'second s':>9} {'ratio':>6}")
        worst = 0.0
        for path in paths:
            result = subprocess.run(
                [sys.executable, __file__, "--child", path, *(["--cold"] if args.cold else [])],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                print(f"{path:45} FAILED: {result.stderr.strip().splitlines()[-1:]}")
                continue
            row = json.loads(result.stdout.strip().splitlines()[-1])
            worst = max(worst, row["first"])
            ratio = row["first"] / row["second"] if row["second"] else float("inf")
            print(f"{path:45} {row['first']:8.2f} {row['second']:9.2f} {ratio:6.1f}")
        print(f"slowest first render: {worst:.2f} s")
        print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
