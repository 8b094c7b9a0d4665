"""The answer form under load: 50 concurrent clients on loopback against the real server.

    .venv/bin/python benchmarks/answer_bench.py [--connections 50] [--seconds 10]
                                                [--client auto|wrk|asyncio] [--strict]

It builds a fresh SQLite database with a 20-question survey (the learner_hot template plus one
yes/no question), published twice: in its 4 sections, and with all 20 questions on one page; one
invitation per client for each. It starts the real server (`streamlit run streamlit_app.py`,
dispatcher off) as a subprocess on a free port and measures in one run, at the same
concurrency, requests per second and latency percentiles of:

- `GET /_stcore/health` (the same server's cheapest route: the yardstick),
- `GET /r/{token}` of the one-page form: all 20 questions (token lookup + render),
- `GET /r/{token}` of the paged form: the page a respondent sees (6 questions),
- `POST /r/{token}`: saving a section (6 answers; one write transaction, then a redirect).

Targets (on a 2-core machine): form load at least 0.5x the health route's rate, p95 under
100 ms. The load generator is `wrk` (C, light on CPU); install it with
`apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`. Without it the benchmark falls
back to a minimal asyncio HTTP client, which needs more CPU and so reports lower rates for every
route (compare ratios, not absolute figures, between the two).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from question_banks.loader import get_template, load_catalog  # noqa: E402
from surveys.builder.composition import create_survey_from_template, publish_survey  # noqa: E402
from surveys.campaigns import invitation_token, new_invitation  # noqa: E402
from surveys.config import load_settings  # noqa: E402
from surveys.db import create_db_engine, upgrade_to_head, write_session  # noqa: E402
from surveys.models import Campaign, Person, SurveyVersion, utc_now  # noqa: E402
from surveys.respondent.form import SurveyForm, build_form  # noqa: E402
from surveys.respondent.security import form_guard  # noqa: E402
from surveys.runtime import AppContext, ensure_organisation  # noqa: E402
from tests.support.server import free_port, streamlit_command  # noqa: E402

SECRET = "answer-bench-secret-" + "b" * 32
EXTRA_QUESTION = "reco-would-recommend"  # learner_hot has 19 questions: 20 with this one
LOAD_RATIO_TARGET = 0.5
P95_TARGET_MS = 100.0
STARTUP_TIMEOUT_SECONDS = 90
ONE_PAGE_LABEL = "GET /r/{token} (all 20 questions on one page)"
SAVE_LABEL = "POST /r/{token} (save a 6-answer section)"


@dataclass
class Figures:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Target:
    path: str
    method: str = "GET"
    body: str = ""


# ---- data ------------------------------------------------------------------------------------


def first_section_answers(form: SurveyForm) -> list[tuple[str, str]]:
    """A complete answer to the first section: the last choice of every question."""
    return [(q.field_name, q.choice_values[-1]) for q in form.sections[0].questions]


@dataclass
class BenchData:
    env: dict[str, str]
    paged: list[str]  # form paths of the survey in its 4 sections (one per client)
    one_page: list[str]  # form paths of the same 20 questions on one page
    save_bodies: list[str]  # a first-section save for each `paged` path


def _publish(session: Session, *, one_page: bool) -> SurveyVersion:
    survey = create_survey_from_template(
        session=session, template=get_template("learner_hot"), actor="bench"
    )
    draft = copy.deepcopy(survey.draft)
    draft["sections"][-1]["questions"].insert(0, {"id": EXTRA_QUESTION})
    if one_page:
        everything = [entry for section in draft["sections"] for entry in section["questions"]]
        draft["sections"] = [{**draft["sections"][0], "questions": everything}]
    survey.draft = draft
    session.add(survey)
    return publish_survey(session=session, survey=survey, catalog=load_catalog(), actor="bench")


def _invite(session: Session, version: SurveyVersion, clients: int, key: str) -> list[str]:
    now = utc_now()
    campaign = Campaign(
        key=key,
        survey_version_id=version.id,
        audience="learner",
        timing="hot",
        scheduled_at=now,
        closes_at=now + timedelta(days=365),
        status="open",
    )
    session.add(campaign)
    session.flush()
    tokens = []
    for number in range(clients):
        person = Person(email=f"{key}{number}@example.org", stakeholder_type="learner")
        session.add(person)
        session.flush()
        invitation = new_invitation(campaign_id=campaign.id, person=person, session_secret=SECRET)
        session.add(invitation)
        session.flush()
        tokens.append(invitation_token(invitation, session_secret=SECRET))
    return tokens


def _save_body(form: SurveyForm, token: str) -> str:
    guard = form_guard(session_secret=SECRET, token=token, purpose="section", section=0)
    fields = [("guard", guard), ("section", "0"), ("lang", "fr"), ("action", "next")]
    return urlencode([*fields, *first_section_answers(form)])


def build_database(data_dir: Path, clients: int) -> BenchData:
    """A migrated database with the survey (paged and on one page) and one invitation per
    client for each."""
    env = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'app.db'}",
        "SESSION_SECRET": SECRET,
        "DISPATCHER": "off",
        "DEMO_DATA": "off",
    }
    settings = load_settings(env)
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    ensure_organisation(AppContext(settings=settings, engine=engine))
    with write_session(engine) as session:
        paged, one_page = _publish(session, one_page=False), _publish(session, one_page=True)
        paged_tokens = _invite(session, paged, clients, "paged")
        one_page_tokens = _invite(session, one_page, clients, "onepage")
        form = build_form(paged.definition)
        assert len(form.questions) == 20 and len(build_form(one_page.definition).sections) == 1
    engine.dispose()
    return BenchData(
        env=env,
        paged=[f"/r/{token}" for token in paged_tokens],
        one_page=[f"/r/{token}" for token in one_page_tokens],
        save_bodies=[_save_body(form, token) for token in paged_tokens],
    )


# ---- server ----------------------------------------------------------------------------------


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    command = [*streamlit_command(port), "--browser.gatherUsageStats", "false"]
    full_env = {
        **os.environ,
        **env,
        "PYTHONPATH": str(ROOT),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    log = open(Path(env["DATA_DIR"]) / "server.log", "w")  # noqa: SIM115  (kept for the process)
    process = subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"the server did not start: see {env['DATA_DIR']}/server.log")


def warm_up(base_url: str, paths: list[str]) -> None:
    """Open every form once (the first opening records `opened_at`: a one-off write)."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30) as client:
        for path in paths:
            assert client.get(path).status_code == 200
        assert client.get("/_stcore/health").status_code == 200


# ---- load generators -------------------------------------------------------------------------

WRK_SCRIPT = """
local targets = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  if target[2] == "" then
    return wrk.format("GET", target[1])
  end
  return wrk.format("POST", target[1],
    {["Content-Type"] = "application/x-www-form-urlencoded"}, target[2])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(
    label: str, base_url: str, targets: list[Target], connections: int, seconds: int
) -> Figures:
    entries = ", ".join(
        f"{{{_lua_string(t.path)}, {_lua_string(t.body if t.method == 'POST' else '')}}}"
        for t in targets
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % entries)
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, errors = line.split()[1:]
    return Figures(
        label,
        int(requests),
        int(duration_us) / 1e6,
        float(p50) / 1000,
        float(p95) / 1000,
        float(p99) / 1000,
        int(errors),
    )


def _request_bytes(target: Target, host: str) -> bytes:
    lines = [f"{target.method} {target.path} HTTP/1.1", f"Host: {host}"]
    if target.method == "POST":
        body = target.body.encode()
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One request on a kept-alive connection; returns the status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


def run_asyncio(
    label: str, base_url: str, targets: list[Target], connections: int, seconds: int
) -> Figures:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (lighter than any full HTTP
    library, still far heavier than wrk: use it only to compare routes within one run)."""
    host, port = base_url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0

    async def worker(number: int, stop: float) -> None:
        nonlocal errors
        request = _request_bytes(targets[number % len(targets)], f"{host}:{port}")
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = await _exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            errors += status >= 400
        writer.close()

    async def main() -> float:
        started = time.monotonic()
        await asyncio.gather(*(worker(n, started + seconds) for n in range(connections)))
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return Figures(
        label, len(latencies), elapsed, percentile(0.50), percentile(0.95), percentile(0.99), errors
    )


# ---- report ----------------------------------------------------------------------------------


def report(figures: list[Figures], client: str, connections: int) -> bool:
    print(f"\nclient: {client}, {connections} concurrent connections, loopback\n")
    print(f"{'route':<48}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for row in figures:
        print(
            f"{row.label:<48}{row.rps:>8.0f}{row.p50_ms:>9.1f}{row.p95_ms:>9.1f}"
            f"{row.p99_ms:>9.1f}{row.errors:>8}"
        )
    health, one_page, section_page, save = figures
    ratios = {
        label: row.rps / health.rps if health.rps else 0.0
        for label, row in (("20 questions on one page", one_page), ("a section page", section_page))
    }
    verdicts = {
        f"form load ({label}) / health = {ratio:.2f} (target >= {LOAD_RATIO_TARGET})": ratio
        >= LOAD_RATIO_TARGET
        for label, ratio in ratios.items()
    }
    for label, row in (
        ("form load, 20 questions", one_page),
        ("form load, section page", section_page),
        ("section save", save),
    ):
        verdicts[f"{label} p95 = {row.p95_ms:.1f} ms (target < {P95_TARGET_MS:.0f})"] = (
            row.p95_ms < P95_TARGET_MS
        )
    verdicts["no errors"] = not any(row.errors for row in figures)
    print()
    for text, met in verdicts.items():
        print(f"  {'OK    ' if met else 'MISSED'} {text}")
    return all(verdicts.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--client", choices=("auto", "wrk", "asyncio"), default="auto")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args()
    client = options.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "asyncio"
        if client == "asyncio":
            print(
                "wrk not found: install it with `apt-get install -y wrk` for lighter load "
                "generation; using the minimal asyncio client instead."
            )
    run = run_wrk if client == "wrk" else run_asyncio
    with tempfile.TemporaryDirectory(prefix="answer-bench-") as folder:
        data = build_database(Path(folder), options.connections)
        port = free_port()
        server = start_server(data.env, port)
        try:
            base_url = f"http://127.0.0.1:{port}"
            warm_up(base_url, data.paged + data.one_page)

            def measure(label: str, targets: list[Target]) -> Figures:
                return run(label, base_url, targets, options.connections, options.seconds)

            figures = [
                measure("GET /_stcore/health", [Target("/_stcore/health")]),
                measure(ONE_PAGE_LABEL, [Target(path) for path in data.one_page]),
                measure(
                    "GET /r/{token} (a 6-question section page)",
                    [Target(path) for path in data.paged],
                ),
                measure(
                    SAVE_LABEL,
                    [
                        Target(path, "POST", body)
                        for path, body in zip(data.paged, data.save_bodies, strict=True)
                    ],
                ),
            ]
        finally:
            server.terminate()
            server.wait(timeout=20)
    met = report(figures, client, options.connections)
    return 1 if options.strict and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
