"""`python -m question_banks check` and `export`, run as a user would run them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from question_banks import AUDIENCE_TIMINGS

PROJECT_DIR = Path(__file__).resolve().parents[2]
MULTIMODAL_THEMES = [
    "lms_ergonomics",
    "accessibility",
    "technical_support",
    "virtual_classroom",
    "trainer_digital_mastery",
]
AUDIENCE_TIMING_PAIRS = [(a, t) for a, timings in AUDIENCE_TIMINGS.items() for t in timings]


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "question_banks", *arguments],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def exported() -> list[dict]:
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_export_gives_every_question_the_documented_keys(exported):
    keys = {"id", "bank", "theme", "type", "text", "audiences", "timings", "indicators"}
    keys |= {"options", "required", "help", "choices"}
    assert all(keys <= set(question) for question in exported)
    assert len({question["id"] for question in exported}) == len(exported)


def test_export_keeps_french_characters_unescaped():
    assert "é" in run("export", "--format", "json").stdout


def test_every_exported_question_has_french_and_english_text(exported):
    for question in exported:
        assert question["text"]["fr"].strip() and question["text"]["en"].strip(), question["id"]
        assert question["text"]["fr"] != question["text"]["en"], question["id"]


@pytest.mark.parametrize("theme", MULTIMODAL_THEMES)
def test_export_lists_at_least_six_questions_per_multimodal_theme(exported, theme):
    assert sum(question["theme"] == theme for question in exported) >= 6


@pytest.mark.parametrize(("audience", "timing"), AUDIENCE_TIMING_PAIRS)
def test_every_audience_has_questions_and_free_expression_at_each_of_its_timings(
    exported, audience, timing
):
    suited = [q for q in exported if audience in q["audiences"] and timing in q["timings"]]
    assert len(suited) >= 5
    assert any(question["type"] == "text" for question in suited)


def test_exported_likert_questions_carry_labelled_choices(exported):
    likert = next(question for question in exported if question["type"] == "likert5")
    assert [choice["value"] for choice in likert["choices"]] == [1, 2, 3, 4, 5]
    assert likert["choices"][0]["label"]["fr"].startswith("Pas du tout")


def test_export_as_yaml_lists_the_same_questions(exported):
    import yaml

    assert [q["id"] for q in yaml.safe_load(run("export", "--format", "yaml").stdout)] == [
        q["id"] for q in exported
    ]


def test_check_exits_0_with_a_summary_on_the_shipped_banks():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")
    assert "7 template(s)" in result.stdout  # six satisfaction surveys and the dropout one


def test_check_exits_1_and_prints_one_line_per_problem_on_a_broken_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "bank: broken\n"
        "theme: {id: broken, label: {fr: Cassé, en: Broken}}\n"
        "questions:\n"
        "  - {id: q1, type: slider, text: {fr: Bonjour, en: Hello},"
        " audiences: [learner], timings: [hot]}\n"
        "  - {id: q2, type: yes_no, text: {fr: Bonjour}, audiences: [learner], timings: [hot]}\n",
        encoding="utf-8",
    )
    result = run("check", str(broken))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{broken}: question 'q1' field 'type': unknown type 'slider' (expected one of: likert5,"
        " nps, yes_no, single_choice, multi_choice, text)",
        f"{broken}: question 'q2' field 'text.en': missing English text",
    ]


def test_check_rejects_an_unknown_export_format():
    assert run("export", "--format", "csv").returncode == 2
