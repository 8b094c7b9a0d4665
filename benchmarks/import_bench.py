"""The people import at scale, against a bare `csv` + `sqlite3` executemany of the same rows.

    .venv/bin/python benchmarks/import_bench.py [--rows 10000 100000] [--with-respondents]

For each size it writes a French CSV export (unique people, 20 per session, 40 programmes),
then, each case in its own child process on a fresh migrated SQLite database (so peak memory
is the case's own):

- `import`: `read_table` + `guess_mapping` + `import_people`, as `import-people` does;
- `reimport` (the first size only): the same file imported a second time (nothing changes);
- `bare`: `csv.reader` + `sqlite3.executemany` inserting the same programmes, sessions, people
  and enrolments (no checks, no report): the yardstick.

It prints seconds, peak RSS (MB) and the ratio import / bare, with the load average.

`--with-respondents` (must-show 3 of the hardening issue): starts the real server, runs a
90,000-row `python -m surveys import-people` on the same database while 20 respondents save
sections through their own answer links in a loop; prints the number of saves, errors and
their p50 / p95 / max latency (ms) while the import ran, and the same figures for the
5 seconds before it started (the yardstick of this machine at this moment).
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = (
    "Nom;Prénom;Courriel;Rôle;Entreprise;Code session;Formation;Date de début;"
    "Date de fin;Modalité;Langue"
)
PER_SESSION = 20
PROGRAMMES = 40
QUIET_SECONDS = 5


def people_csv(rows: int, *, prefix: str = "p") -> bytes:
    """`rows` unique learners of a French export, 20 per session, cp1252 like French Excel."""
    lines = [HEADER]
    for number in range(rows):
        session = number // PER_SESSION
        programme = session % PROGRAMMES
        lines.append(
            f"Lefèvre{number};Éloïse;{prefix}{number}@ex.org;Stagiaire;Soc {number % 97};"
            f"S-{session:05d};Form {programme};02/11/2026;27/11/2026;Hybride;fr"
        )
    return "\r\n".join(lines).encode("cp1252")


def _fresh_engine(directory: Path):
    from surveys.db import create_db_engine, upgrade_to_head

    engine = create_db_engine(f"sqlite:///{directory / 'app.db'}")
    upgrade_to_head(engine)
    return engine


def _run_import(engine, data: bytes) -> None:
    from surveys.db import write_session
    from surveys.people.reading import guess_mapping, read_table
    from surveys.people.writing import import_people

    table = read_table(data, "export.csv")
    mapping = guess_mapping(table.headers)
    if "engine" in inspect.signature(import_people).parameters:
        import_people(engine=engine, table=table, mapping=mapping, actor="bench")
        return
    with write_session(engine) as session:  # the code before the bulk rewrite
        import_people(session=session, table=table, mapping=mapping, actor="bench")


def _bare(path: Path, data: bytes) -> None:
    """The yardstick: the same rows inserted with sqlite3 executemany, no checks."""
    now = datetime.now(UTC).isoformat(" ")
    rows = list(csv.reader(data.decode("cp1252").splitlines(), delimiter=";"))[1:]
    db = sqlite3.connect(path)
    programmes = sorted({row[6] for row in rows})
    db.executemany(
        "INSERT INTO programme (code, name, kind, description, archived, created_at) "
        "VALUES (?, ?, 'training', '', 0, ?)",
        [(f"P{i}", name, now) for i, name in enumerate(programmes)],
    )
    ids = dict(db.execute("SELECT name, id FROM programme"))
    sessions = {row[5]: row for row in rows}
    db.executemany(
        "INSERT INTO training_session (code, programme_id, start_date, end_date, modality, lms, "
        "location, created_at) VALUES (?, ?, '2026-11-02', '2026-11-27', 'hybrid', '', '', ?)",
        [(code, ids[row[6]], now) for code, row in sessions.items()],
    )
    db.executemany(
        "INSERT INTO person (email, first_name, last_name, stakeholder_type, organisation, "
        "language, created_at) VALUES (?, ?, ?, 'learner', ?, 'fr', ?)",
        [(row[2], row[1], row[0], row[4], now) for row in rows],
    )
    people = dict(db.execute("SELECT email, id FROM person"))
    codes = dict(db.execute("SELECT code, id FROM training_session"))
    db.executemany(
        "INSERT INTO enrolment (person_id, session_id, role, status, created_at) "
        "VALUES (?, ?, 'learner', 'enrolled', ?)",
        [(people[row[2]], codes[row[5]], now) for row in rows],
    )
    db.commit()
    db.close()


def child(case: str, rows: int) -> None:
    """One case in this (child) process; prints {"seconds": ..., "peak_mb": ...}."""
    data = people_csv(rows)
    with tempfile.TemporaryDirectory() as folder:
        engine = _fresh_engine(Path(folder))
        if case == "reimport":
            _run_import(engine, data)
        started = time.perf_counter()
        if case == "bare":
            _bare(Path(folder) / "app.db", data)
        else:
            _run_import(engine, data)
        seconds = time.perf_counter() - started
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def measure(case: str, rows: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", case, str(rows)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def speed(sizes: list[int]) -> None:
    print(f"load average before: {os.getloadavg()}")
    for index, rows in enumerate(sizes):
        bare = measure("bare", rows)
        full = measure("import", rows)
        ratio = full["seconds"] / bare["seconds"]
        print(
            f"{rows:>7} new rows: import {full['seconds']:6.2f} s, peak {full['peak_mb']:5.0f} MB"
            f" | bare csv+sqlite3 {bare['seconds']:5.2f} s, peak {bare['peak_mb']:4.0f} MB"
            f" | ratio {ratio:5.1f}x"
        )
        if index == 0:
            again = measure("reimport", rows)
            print(
                f"{rows:>7} rows re-imported (nothing changes): {again['seconds']:6.2f} s, "
                f"peak {again['peak_mb']:5.0f} MB"
            )
    print(f"load average after: {os.getloadavg()}")


# ---- respondents while an import runs -----------------------------------------------------------


def _respondent(base_url: str, path: str, body: str, stop: threading.Event, out: dict) -> None:
    import httpx

    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    with httpx.Client(base_url=base_url, timeout=60, follow_redirects=False) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = client.post(path, content=body, headers=headers).status_code
            except httpx.HTTPError:
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with out["lock"]:
                out["latencies"].append((started, elapsed))
                if status not in (200, 303):
                    out["errors"].append(status)


def with_respondents(rows: int, clients: int) -> dict[str, float]:
    """Figures of the respondents' saves while a `rows`-row import runs on the same database."""
    from benchmarks.answer_bench import build_database, start_server
    from tests.support.server import free_port

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        bench = build_database(data_dir, clients, demo=False)
        csv_path = data_dir / "export.csv"
        csv_path.write_bytes(people_csv(rows, prefix="import"))
        port = free_port()
        server = start_server(bench.env, port)
        out: dict = {"lock": threading.Lock(), "latencies": [], "errors": []}
        stop = threading.Event()
        try:
            threads = [
                threading.Thread(
                    target=_respondent,
                    args=(f"http://127.0.0.1:{port}", path, body, stop, out),
                )
                for path, body in zip(bench.paged, bench.save_bodies, strict=True)
            ]
            env = {**os.environ, **bench.env, "PYTHONPATH": str(ROOT)}
            for thread in threads:
                thread.start()
            time.sleep(QUIET_SECONDS)  # the same saves without an import: the yardstick
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "surveys", "import-people", str(csv_path)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            ended = time.perf_counter()
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            server.terminate()
            server.wait(timeout=20)
    quiet = _percentiles([ms for at, ms in out["latencies"] if at < started])
    loaded = _percentiles([ms for at, ms in out["latencies"] if started <= at < ended])
    return {
        "import_exit": result.returncode,
        "import_seconds": ended - started,
        "errors": len(out["errors"]),
        **{f"quiet_{key}": value for key, value in quiet.items()},
        **loaded,
    }


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies) or [0.0]
    return {
        "saves": len(latencies),
        "p50_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[int(len(ordered) * 0.95)],
        "max_ms": ordered[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--with-respondents", action="store_true")
    parser.add_argument("--import-rows", type=int, default=90_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROWS"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if args.with_respondents:
        print(f"load average before: {os.getloadavg()}")
        figures = with_respondents(args.import_rows, args.clients)
        print(
            f"{args.clients} respondents saving sections while a {args.import_rows}-row import "
            f"ran ({figures['import_seconds']:.1f} s, exit {figures['import_exit']}): "
            f"{figures['saves']} saves, {figures['errors']} errors, p50 {figures['p50_ms']:.0f} ms,"
            f" p95 {figures['p95_ms']:.0f} ms, max {figures['max_ms']:.0f} ms"
        )
        print(
            f"the same saves for {QUIET_SECONDS} s before the import: "
            f"{figures['quiet_saves']} saves,"
            f" p50 {figures['quiet_p50_ms']:.0f} ms, p95 {figures['quiet_p95_ms']:.0f} ms, "
            f"max {figures['quiet_max_ms']:.0f} ms; p95 ratio loaded / quiet "
            f"{figures['p95_ms'] / max(figures['quiet_p95_ms'], 1):.1f}x"
        )
        print(f"load average after: {os.getloadavg()}")
        return
    speed(args.rows)


if __name__ == "__main__":
    main()
