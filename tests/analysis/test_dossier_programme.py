"""The programme dossier: `python -m analysis dossier --programme CODE` on the demo prints, per
session, per campaign and per audience, counts of people asked, reminders, answers and rates,
the respondents of each question with the small-group rule, and the free comments it shows
and withholds; plain SQL written here (and the survey definitions read as JSON) recomputes
each to the same numbers. The PDF is tagged with its language, free of keys and snake_case,
and has no English header in French; an unknown programme is a sentence, exit code 2."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.analysis.test_dossier import french_rate, printed_counts
from tests.support.demo_database import refused_analysis, run_analysis
from tests.support.pdf import readable_text

PROGRAMME = "DEV-WEB"
THRESHOLD = 5  # the demo organisation's small-group threshold
pytestmark = pytest.mark.slow

# The people asked are a campaign's own invitations, not the seats a session link opens.
ASKED = "NOT EXISTS (SELECT 1 FROM room_seat z WHERE z.invitation_id = i.id)"
CAMPAIGNS = f"""SELECT c.id, c.audience, c.timing, s.code,
     (SELECT COUNT(*) FROM invitation i WHERE i.campaign_id = c.id AND {ASKED}),
     (SELECT COUNT(*) FROM outbound_message m JOIN invitation i ON i.id = m.invitation_id
       WHERE i.campaign_id = c.id AND m.kind = 'reminder' AND m.status = 'sent'),
     (SELECT COUNT(*) FROM response r WHERE r.campaign_id = c.id)
   FROM campaign c JOIN training_session s ON s.id = c.session_id
   JOIN programme p ON p.id = s.programme_id WHERE p.code = ?"""


@pytest.fixture(scope="module")
def html(demo_folder: Path) -> str:
    out = demo_folder / "programme"
    result = run_analysis(demo_folder, "dossier", "--programme", PROGRAMME, "--out", str(out))
    assert result.returncode == 0, result.stderr
    path = out / f"dossier-programme-{PROGRAMME}.html"
    assert str(path) in result.stdout and (out / f"dossier-programme-{PROGRAMME}.pdf").exists()
    return path.read_text(encoding="utf-8")


def query(folder: Path, sql: str, *params: object) -> list[tuple]:
    connection = sqlite3.connect(folder / "app.db")
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def figures(html: str, attribute: str) -> dict[str, dict[str, str]]:
    rows = re.findall(rf'<tr data-{attribute}="([^"]+)">(.*?)</tr>', html, re.S)
    return {key: dict(re.findall(r'data-figure="([a-z_-]+)">([^<]*)<', body)) for key, body in rows}


def test_campaigns_sessions_and_audiences_match_an_independent_sql_count(
    demo_folder: Path, html: str
) -> None:
    campaigns = query(demo_folder, CAMPAIGNS, PROGRAMME)
    printed = printed_counts(html)
    assert len(campaigns) >= 10 and printed.keys() == {str(row[0]) for row in campaigns}
    for campaign, _, _, _, asked, reminders, responses in campaigns:
        shown = printed[str(campaign)]
        assert (int(shown["invited"]), int(shown["reminders"])) == (asked, reminders)
        assert shown["rate"] == french_rate(responses, asked), campaign
    sessions = figures(html, "session")
    codes = [
        row[0]
        for row in query(
            demo_folder,
            "SELECT s.code FROM training_session s JOIN programme"
            " p ON p.id = s.programme_id WHERE p.code = ?",
            PROGRAMME,
        )
    ]
    assert sorted(sessions) == sorted(codes) and len(codes) >= 5
    for code, shown in sessions.items():
        statuses = dict(
            query(
                demo_folder,
                "SELECT e.status, COUNT(*) FROM enrolment e JOIN"
                " training_session s ON s.id = e.session_id WHERE s.code = ? AND"
                " e.role = 'learner' GROUP BY e.status",
                code,
            )
        )
        assert int(shown["learners"]) == sum(statuses.values()), code
        assert int(shown["completed"]) == statuses.get("completed", 0), code
        assert int(shown["dropped_out"]) == statuses.get("dropped_out", 0), code
        own = [row for row in campaigns if row[3] == code]
        asked, answered = sum(row[4] for row in own), sum(row[6] for row in own)
        assert (int(shown["invited"]), int(shown["responses"])) == (asked, answered), code
        assert shown["rate"] == (french_rate(answered, asked) if asked else "—"), code
    audiences = figures(html, "audience")
    for key in {f"{row[1]}-{row[2]}" for row in campaigns}:
        own = [row for row in campaigns if f"{row[1]}-{row[2]}" == key]
        asked, answered = sum(row[4] for row in own), sum(row[6] for row in own)
        assert int(audiences[key]["invited"]) == asked, key
        assert int(audiences[key]["reminders"]) == sum(row[5] for row in own), key
        assert audiences[key]["rate"] == french_rate(answered, asked), key
    asked, answered = sum(row[4] for row in campaigns), sum(row[6] for row in campaigns)
    assert f'data-figure="programme-total-invited">{asked}<' in html
    assert f'data-figure="programme-total-responses">{answered}<' in html
    assert f'data-figure="programme-total-rate">{french_rate(answered, asked)}<' in html
    assert f"{answered} réponses reçues" in html


def _text_questions(folder: Path) -> set[str]:
    found = set()
    for (definition,) in query(folder, "SELECT definition FROM survey_version"):
        for section in json.loads(definition)["sections"]:
            found |= {q["id"] for q in section["questions"] if q["type"] == "text"}
    return found


def test_questions_and_comments_follow_the_small_group_rule(demo_folder: Path, html: str) -> None:
    scope = (
        "FROM answer a JOIN response r ON r.id = a.response_id JOIN campaign c ON c.id ="
        " r.campaign_id JOIN training_session s ON s.id = c.session_id JOIN programme p ON"
        " p.id = s.programme_id WHERE p.code = ?"
    )
    per_question = dict(
        query(
            demo_folder,
            f"SELECT a.question_id, COUNT(DISTINCT a.response_id) {scope} GROUP BY 1",
            PROGRAMME,
        )
    )
    rows = re.findall(
        r'<tr data-question="([^"]+)">.*?<td class="num">(\d+)</td><td>(.*?)</td></tr>', html, re.S
    )
    # every question answered is printed; a question of the surveys nobody answered, with 0
    assert set(per_question) <= {question for question, _, _ in rows}
    free_text = _text_questions(demo_folder)
    for question, respondents, result in rows:
        count = per_question.get(question, 0)
        assert int(respondents) == count, question
        if question in free_text:  # only a count: the comments themselves follow the rule below
            assert f"{respondents} réponse(s) en texte libre" in result, question
        else:
            assert ('class="protected"' in result) == (count < THRESHOLD), question
    assert any(per_question[q] < THRESHOLD for q in set(per_question) - free_text)
    sizes = dict(
        query(
            demo_folder, f"SELECT r.campaign_id, COUNT(DISTINCT r.id) {scope} GROUP BY 1", PROGRAMME
        )
    )
    texts = query(
        demo_folder,
        f"SELECT r.campaign_id, a.question_id {scope} AND a.text IS NOT NULL"
        " AND TRIM(a.text) != ''",
        PROGRAMME,
    )
    comments = [campaign for campaign, question in texts if question in free_text]
    shown = sum(1 for campaign in comments if sizes[campaign] >= THRESHOLD)
    hidden = len(comments) - shown
    assert shown > 0 and hidden > 0
    assert len(re.findall(r'<ul class="quotes">.*?</ul>', html, re.S)) == 1
    assert html.count('<li><span class="meta">') == shown
    assert f"{hidden} commentaire(s) non reproduit(s)" in html


def test_programme_pdf_is_tagged_with_its_language_and_free_of_keys(demo_folder: Path) -> None:
    texts = {}
    for language, words in (("fr", "Taux de réponse par public"), ("en", "Response rates per")):
        out = demo_folder / f"programme-{language}"
        args = ["dossier", "--programme", PROGRAMME, "--out", str(out), "--lang", language]
        result = run_analysis(demo_folder, *args)
        assert result.returncode == 0, result.stderr
        pdf = next(out.glob("*.pdf"))
        texts[language] = readable_text(pdf, language=language, title="Programme Développeur web")
        assert words in texts[language], language
    assert re.search(r"du \d\d/\d\d/20\d\d au \d\d/\d\d/20\d\d", texts["fr"])
    headers = r"\b(Invited|Responses|Reminder|Learners|Programme dossier|Response rate)\b"
    assert not re.search(headers, texts["fr"])


def test_unknown_programme_is_a_french_sentence_and_exit_code_2(demo_folder: Path) -> None:
    refusal = refused_analysis(demo_folder, "dossier", "--programme", "NOPE")
    assert "Aucun programme « NOPE »." in refusal
