"""The session dossier: `python -m analysis dossier --session CODE` on the demo prints counts of
invitations, reminders, responses and a response rate that plain SQL, written here without the
module, recomputes to the same numbers; the PDF is tagged with its language and free of keys;
`--sample 5` writes one zip of 5 dossiers and the seed; an unknown code is a sentence, exit 2."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.support.demo_database import refused_analysis, run_analysis
from tests.support.pdf import readable_text

SESSION = "DEV-WEB-2602-00"
pytestmark = pytest.mark.slow


def sql_counts(folder: Path, code: str) -> dict[str, tuple[int, int, int]]:
    """Per campaign of the session: (invitations, reminders sent, responses), by SQL."""
    connection = sqlite3.connect(folder / "app.db")
    rows = connection.execute(
        """SELECT c.id,
             (SELECT COUNT(*) FROM invitation i WHERE i.campaign_id = c.id AND NOT EXISTS
               (SELECT 1 FROM room_seat z WHERE z.invitation_id = i.id)),
             (SELECT COUNT(*) FROM outbound_message m JOIN invitation i ON i.id = m.invitation_id
               WHERE i.campaign_id = c.id AND m.kind = 'reminder' AND m.status = 'sent'),
             (SELECT COUNT(*) FROM response r WHERE r.campaign_id = c.id)
           FROM campaign c JOIN training_session s ON s.id = c.session_id WHERE s.code = ?""",
        (code,),
    ).fetchall()
    connection.close()
    return {str(row[0]): (row[1], row[2], row[3]) for row in rows}


def printed_counts(html: str) -> dict[str, dict[str, str]]:
    found = {}
    for campaign, body in re.findall(r'<tr data-campaign="(\d+)">(.*?)</tr>', html, re.S):
        found[campaign] = dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)<', body))
    return found


def french_rate(responses: int, invited: int) -> str:
    return f"{round(responses * 100 / invited)}\u202f%"


def test_dossier_counts_match_an_independent_sql_count(demo_folder: Path) -> None:
    out = demo_folder / "dossier"
    result = run_analysis(demo_folder, "dossier", "--session", SESSION, "--out", str(out))
    assert result.returncode == 0, result.stderr
    html_path, pdf_path = out / f"dossier-{SESSION}.html", out / f"dossier-{SESSION}.pdf"
    assert str(html_path) in result.stdout and str(pdf_path) in result.stdout
    html = html_path.read_text(encoding="utf-8")
    expected, printed = sql_counts(demo_folder, SESSION), printed_counts(html)
    assert printed.keys() == expected.keys() and len(expected) >= 2
    for campaign, (invited, reminders, responses) in expected.items():
        shown = printed[campaign]
        assert int(shown["invited"]) == invited, campaign
        assert int(shown["reminders"]) == reminders, campaign
        assert int(shown["responses"]) == responses, campaign
        assert shown["rate"] == french_rate(responses, invited), campaign
    invited, reminders, responses = (sum(v[i] for v in expected.values()) for i in range(3))
    assert f'data-figure="total-invited">{invited}<' in html
    assert f'data-figure="total-reminders">{reminders}<' in html
    assert f'data-figure="total-responses">{responses}<' in html
    assert f'data-figure="total-rate">{french_rate(responses, invited)}<' in html
    assert reminders > 0 and "Relance 1" in html and "Invitation" in html


def test_dossier_pdf_is_tagged_with_its_language_and_free_of_keys(demo_folder: Path) -> None:
    texts = {}
    for language, words in (("fr", "Sollicitations des parties prenantes"), ("en", "Reminder 1")):
        out = demo_folder / f"dossier-{language}"
        result = run_analysis(
            demo_folder, "dossier", "--session", SESSION, "--out", str(out), "--lang", language
        )
        assert result.returncode == 0, result.stderr
        pdf = next(out.glob("*.pdf"))
        texts[language] = readable_text(pdf, language=language, title=f"Session {SESSION}")
        assert words in texts[language]
    assert re.search(r"du \d\d/\d\d/2026 au \d\d/\d\d/2026", texts["fr"])
    assert not re.search(r"\bInvited\b|\bResponses\b|\bReminder\b", texts["fr"])


def test_sample_of_five_is_one_zip_with_five_dossiers_and_the_seed(demo_folder: Path) -> None:
    out = demo_folder / "sample"
    args = ["dossier", "--sample", "5", "--from", "2025-03-16", "--to", "2026-03-15"]
    result = run_analysis(demo_folder, *args, "--seed", "42", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "graine 42" in result.stdout
    (path,) = out.glob("*.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        seed = archive.read("seed.txt").decode().split()
    assert seed[0] == "42" and len(seed) == 6
    assert len([name for name in names if name.endswith(".pdf")]) == 5
    assert len([name for name in names if name.endswith(".html")]) == 5
    assert sorted(f"dossier-{code}.pdf" for code in seed[1:]) == sorted(
        name for name in names if name.endswith(".pdf")
    )


def test_unknown_session_is_a_french_sentence_and_exit_code_2(demo_folder: Path) -> None:
    refusal = refused_analysis(demo_folder, "dossier", "--session", "NOPE-1")
    assert "Aucune session « NOPE-1 »." in refusal
    period = ("--from", "2001-01-01", "--to", "2001-12-31")
    empty = refused_analysis(demo_folder, "dossier", "--sample", "3", *period)
    assert "Aucune session ne s'est terminée" in empty
