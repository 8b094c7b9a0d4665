"""The audit evidence pack: produced by `python -m analysis evidence` for the demo organisation
(with a few register entries, actions and notes recorded through the domain), every section
present in the HTML and in the PDF, the PDF opens and renders, the same data gives the same
document byte for byte, French by default and English on request."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from markupsafe import escape

from analysis.evidence import SECTIONS
from analysis.frames import PARIS
from surveys.db import write_session
from surveys.demo import load_demo
from surveys.i18n import t
from surveys.improvement.complaints import (
    acknowledge_complaint,
    answer_complaint,
    close_complaint,
)
from surveys.improvement.evidence_notes import EvidenceNoteInput, record_evidence_note
from surveys.models import utc_now
from surveys.runtime import AppContext
from tests import factories
from tests.conftest import TEST_SECRET, make_context
from tests.support.demo_database import context_environment
from tests.support.server import run_cli
from tests.support.tools import missing_tool

pytestmark = pytest.mark.slow


def _record_improvement_work(context: AppContext, today: date) -> None:
    """What quality staff would have done during the year, through the domain functions."""
    moment = datetime.combine(today - timedelta(days=60), datetime.min.time(), tzinfo=PARIS)
    with write_session(context.engine) as session:
        complaint = factories.complaint(
            session, now=moment, summary="Hotline injoignable pendant deux jours"
        )
        acknowledge_complaint(session=session, complaint_id=complaint.id, actor="q", now=moment)
        answer_complaint(
            session=session,
            complaint_id=complaint.id,
            actor="q",
            now=moment,
            answer="Ligne directe ouverte de 8 h à 18 h.",
        )
        close_complaint(session=session, complaint_id=complaint.id, actor="q", now=moment)
        action = factories.action(
            session,
            now=moment,
            title="Ouvrir une ligne directe d'assistance",
            due_on=today - timedelta(days=30),
            origin=f"complaint:{complaint.id}",
        )
        factories.action_status(session, action, "done", today, done_on=today - timedelta(days=45))
        factories.action(
            session,
            now=moment,
            title="Former les formateurs à la classe virtuelle",
            owner="Claire Moreau",
            due_on=today - timedelta(days=10),
            theme="trainer_digital_mastery",
        )
        record_evidence_note(
            session=session,
            actor="q",
            now=moment,
            item=EvidenceNoteInput(
                stakeholder_type="financer",
                kind="webinar",
                occurred_on=moment.date(),
                organisation="Agefiph",
                summary="Webinaire Agefiph sur la formation à distance",
            ),
        )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, date, date]]:
    folder = tmp_path_factory.mktemp("demo")
    context = make_context(folder, f"sqlite:///{folder / 'app.db'}")
    now = utc_now()
    with write_session(context.engine) as session:
        load_demo(session=session, now=now, session_secret=TEST_SECRET)
    today = now.astimezone(PARIS).date()
    _record_improvement_work(context, today)
    yield context, today - timedelta(days=364), today
    context.engine.dispose()


def produce(demo: tuple[AppContext, date, date], out: Path, *extra: str) -> tuple[str, bytes]:
    context, start, end = demo
    period = ("--from", start.isoformat(), "--to", end.isoformat())
    done = run_cli(
        context_environment(context), "analysis", "evidence", "--out", str(out), *period, *extra
    )
    assert done.returncode == 0, done.stderr
    assert "evidence.pdf" in done.stdout
    return (out / "evidence.html").read_text(encoding="utf-8"), (out / "evidence.pdf").read_bytes()


@pytest.fixture(scope="module")
def french(demo, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes, Path]:
    out = tmp_path_factory.mktemp("pack")
    html, pdf = produce(demo, out)
    return html, pdf, out / "evidence.pdf"


def test_the_html_holds_every_section_the_auditor_asks_for(french) -> None:
    html, _pdf, _path = french
    assert '<html lang="fr">' in html
    for section in SECTIONS:
        assert f'data-section="{section}"' in html
        assert escape(t(f"improve.evidence.sections.{section}", "fr")) in html


@pytest.mark.parametrize(
    "expected",
    [
        "Bilan annuel de notre collaboration",  # a plan: the yearly financer survey
        "Les coordonnées de l&#39;assistance technique (téléphone, e-mail, horaires)",  # a question
        "relance(s) envoyée(s)",  # campaigns and reminders
        "Libre expression",
        "data:image/png;base64,",  # the charts, embedded
        "DEV-WEB : baisse entre l&#39;évaluation à chaud et à froid",  # the analysis' suggestions
        "Région Occitanie : financeur jamais sollicité.",  # a coverage alert
        "Hotline injoignable pendant deux jours",  # the register
        "Ligne directe ouverte de 8 h à 18 h.",  # the answer given
        "Ouvrir une ligne directe d&#39;assistance",  # a done action, with its effect
        "avant : ",
        "Former les formateurs à la classe virtuelle",  # an overdue action
        "en retard de 10 j",
        "Webinaire Agefiph sur la formation à distance",  # an evidence note
    ],
)
def test_the_html_shows_the_demo_s_content(french, expected: str) -> None:
    assert expected in french[0]


def test_a_financer_webinar_recorded_as_evidence_counts_as_a_solicitation(french) -> None:
    # the demo never surveys Agefiph; the webinar note recorded above takes it off the alerts
    assert "Agefiph : financeur jamais sollicité." not in french[0]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing_tool(name, "install poppler-utils (apt-get install poppler-utils)")
    return str(found)


def test_the_pdf_opens_renders_and_holds_every_section(french, tmp_path: Path) -> None:
    _html, pdf, path = french
    assert pdf.startswith(b"%PDF-")
    info = subprocess.run(
        [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 10
    assert "Dossier de preuves Qualiopi" in info
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 2 and all(image.stat().st_size > 10_000 for image in images)
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for section in SECTIONS:
        assert t(f"improve.evidence.sections.{section}", "fr") in flat, section


def test_the_same_data_gives_the_same_document_byte_for_byte(demo, french, tmp_path) -> None:
    html, pdf = produce(demo, tmp_path)
    assert html == french[0]
    assert pdf == french[1]


def test_the_pack_is_written_in_english_on_request(demo, tmp_path: Path) -> None:
    html, pdf = produce(demo, tmp_path, "--lang", "en")
    assert '<html lang="en">' in html
    for section in SECTIONS:
        assert escape(t(f"improve.evidence.sections.{section}", "en")) in html
    assert "Dossier de preuves" not in html and pdf.startswith(b"%PDF-")
    # the months of the campaign summary read "Nov 2026", never "2026-11" nor "11/2026"
    assert re.search(r"<td>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}</td>", html)
    assert not re.search(r"<td>(\d{4}-\d{2}|\d{2}/\d{4})</td>", html)
