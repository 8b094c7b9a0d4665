"""The "Rapport de résultats": `python -m analysis report --session CODE` on the demo writes an
HTML and a tagged PDF whose figures a plain SQL query, written here without the module,
recomputes to the same numbers; the small-group rule hides small questions with its reason;
a missing scope is a clear sentence and exit code 2."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.support.demo_database import refused_analysis, run_analysis
from tests.support.tools import missing_tool

SESSION = "DEV-WEB-2602-00"
pytestmark = pytest.mark.slow


def sql_answers(folder: Path, code: str) -> tuple[dict[str, list[tuple]], dict[str, dict]]:
    """Every answer of the session's campaigns, and the questions of their versions, by SQL."""
    connection = sqlite3.connect(folder / "app.db")
    rows = connection.execute(
        """SELECT a.question_id, a.number, a.text, a.response_id
           FROM answer a JOIN response r ON r.id = a.response_id
           JOIN campaign c ON c.id = r.campaign_id
           JOIN training_session s ON s.id = c.session_id
           WHERE s.code = ?""",
        (code,),
    ).fetchall()
    definitions = connection.execute(
        """SELECT DISTINCT v.definition FROM survey_version v JOIN campaign c
           ON c.survey_version_id = v.id JOIN training_session s ON s.id = c.session_id
           WHERE s.code = ?""",
        (code,),
    ).fetchall()
    threshold = connection.execute(
        "SELECT small_group_min FROM organisation_settings WHERE id = 1"
    ).fetchone()[0]
    connection.close()
    by_question: dict[str, list[tuple]] = {}
    for question_id, number, text, response_id in rows:
        by_question.setdefault(question_id, []).append((number, text, response_id))
    questions = {
        question["id"]: question
        for (definition,) in definitions
        for section in json.loads(definition)["sections"]
        for question in section["questions"]
    }
    return by_question, {"questions": questions, "threshold": threshold or 5}


def expected_counts(question: dict, answers: list[tuple]) -> tuple[int, list[int]]:
    """(respondents, counts in the order the report lists them), computed from raw rows."""
    kind = question["type"]
    if kind in ("likert5", "nps"):
        numbers = [int(n) for n, _, _ in answers if n is not None]
        if kind == "likert5":
            return len(numbers), [numbers.count(value) for value in range(1, 6)]
        return len(numbers), [
            sum(1 for n in numbers if n <= 6),
            sum(1 for n in numbers if 7 <= n <= 8),
            sum(1 for n in numbers if n >= 9),
        ]
    chosen = [(text, rid) for _, text, rid in answers if text is not None]
    values = ["yes", "no"] if kind == "yes_no" else [o["value"] for o in question["options"]]
    counted = Counter(text for text, _ in chosen)
    return len({rid for _, rid in chosen}), [counted.get(value, 0) for value in values]


def report_sections(html: str) -> dict[str, dict]:
    sections = {}
    for qid, body in re.findall(
        r'<section class="question" data-question="([^"]+)">(.*?)</section>', html, re.S
    ):
        respondents = re.search(r"Répondants : (\d+)", body)
        sections[qid] = {
            "respondents": int(respondents.group(1)) if respondents else None,
            "counts": [int(value) for value in re.findall(r'data-count="(\d+)"', body)],
            "protected": "résultat non détaillé pour protéger" in body,
            "body": body,
        }
    return sections


def test_session_report_figures_match_an_independent_sql_count(demo_folder: Path) -> None:
    out = demo_folder / "report"
    result = run_analysis(demo_folder, "report", "--session", SESSION, "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = (out / f"resultats-session-{SESSION}.html").read_text(encoding="utf-8")
    sections = report_sections(html)
    by_question, facts = sql_answers(demo_folder, SESSION)
    threshold = facts["threshold"]
    checked = protected = 0
    for qid, question in facts["questions"].items():
        shown = sections[qid]
        if question["type"] == "text":
            count = sum(1 for _, text, _ in by_question.get(qid, []) if (text or "").strip())
            assert f"Réponses en texte libre : {count}" in shown["body"]
            continue
        respondents, counts = expected_counts(question, by_question.get(qid, []))
        assert shown["respondents"] == respondents, qid
        if respondents < threshold:
            assert shown["protected"] and shown["counts"] == [], qid
            protected += 1
        else:
            assert shown["counts"] == counts, qid
            checked += 1
    assert checked >= 10 and protected >= 1  # the trainer's debrief has a single respondent
    assert re.search(r"\d+ réponses reçues du \d\d/\d\d/2026", html)


def test_report_pdf_is_tagged_french_and_free_of_keys(demo_folder: Path) -> None:
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        missing_tool("pdfinfo / pdftotext", "apt-get install poppler-utils")
    out = demo_folder / "report-pdf"
    assert (
        run_analysis(demo_folder, "report", "--session", SESSION, "--out", str(out)).returncode == 0
    )
    pdf = out / f"resultats-session-{SESSION}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Rapport de résultats" in text and "Réponse" in text
    for leak in (r"analysis\.results", "likert5", "single_choice", r"\bNone\b", r"\bnan\b"):
        assert not re.search(leak, text), leak
    assert not re.search(r"\bAnswer\b|\bCount\b|\bShare\b", text)


def test_unknown_scope_is_a_sentence_and_exit_code_2(demo_folder: Path) -> None:
    refusal = refused_analysis(demo_folder, "report", "--campaign", "9999")
    assert "Aucune campagne n° 9999." in refusal
