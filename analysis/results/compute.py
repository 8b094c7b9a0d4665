"""Per-question results, computed from the answer frame (pure: no database, no streamlit).

For each question of a scope (one survey with all its versions, one campaign, one session) the
distribution of its answers: Likert counts and percentages with the mean, choice counts for
single and multiple choice (a multiple-choice percentage is of the people who answered the
question, so they may add up to more than 100 %), yes / no, the NPS split (detractors 0-6,
passives 7-8, promoters 9-10) and the number of free-text answers. A question answered by
fewer people than the small-group threshold is not detailed: only the fact that it is hidden
is shown, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from question_banks.scales import (
    DEFAULT_LIKERT_SCALE,
    NPS_MAX,
    NPS_MIN,
    YES_NO_CHOICES,
    likert_choices,
)
from surveys.i18n import t

DETRACTOR_MAX, PASSIVE_MAX = 6, 8


@dataclass(frozen=True)
class Row:
    """One line of a distribution: what was answered, how many, and the share of respondents."""

    label: str
    count: int
    share: float


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    text: str
    type: str
    theme: str
    respondents: int
    protected: bool
    rows: tuple[Row, ...] = ()
    mean: float | None = None
    nps: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def question_catalogue(definitions: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """The questions of the scope's versions in order (first version first), each once; the
    wording and options are those of the latest version that has the question."""
    seen: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for section in definition.get("sections", []):
            for question in section.get("questions", []):
                text = question.get("text") or {}
                seen[question["id"]] = {
                    "id": question["id"],
                    "type": question.get("type", ""),
                    "theme": question.get("theme", ""),
                    "scale": question.get("scale") or DEFAULT_LIKERT_SCALE,
                    "text": text.get(language) or text.get("fr") or question["id"],
                    "options": [
                        (option["value"], _label(option.get("label"), language, option["value"]))
                        for option in question.get("options") or []
                    ],
                    "order": seen.get(question["id"], {}).get("order", len(seen)),
                }
    return sorted(seen.values(), key=lambda item: item["order"])


def _label(labels: Any, language: str, fallback: Any) -> str:
    if isinstance(labels, dict):
        return str(labels.get(language) or labels.get("fr") or fallback)
    return str(labels or fallback)


def _rows(counts: dict[Any, int], labels: list[tuple[Any, str]], respondents: int) -> tuple:
    known = {value for value, _ in labels}
    listed = [(label, counts.get(value, 0)) for value, label in labels]
    listed += [(str(value), count) for value, count in counts.items() if value not in known]
    return tuple(
        Row(label, int(count), count / respondents if respondents else 0.0)
        for label, count in listed
    )


def _likert(group: pd.DataFrame, question: dict[str, Any], language: str) -> dict[str, Any]:
    values = group["number"].dropna().astype(int)
    labels = [
        (choice.value, f"{choice.value} · {choice.label(language)}")
        for choice in likert_choices(question["scale"])
    ]
    counts = values.value_counts().to_dict()
    respondents = len(values)
    mean = float(values.mean()) if respondents else None
    return {"rows": _rows(counts, labels, respondents), "mean": mean, "respondents": respondents}


def _nps(group: pd.DataFrame, language: str) -> dict[str, Any]:
    values = group["number"].dropna().astype(int)
    values = values[values.between(NPS_MIN, NPS_MAX)]
    n = len(values)
    split = {
        "detractors": int((values <= DETRACTOR_MAX).sum()),
        "passives": int(values.between(DETRACTOR_MAX + 1, PASSIVE_MAX).sum()),
        "promoters": int((values > PASSIVE_MAX).sum()),
    }
    labels = [(key, t(f"analysis.results.nps_{key}", language)) for key in split]
    score = (split["promoters"] - split["detractors"]) * 100 / n if n else None
    return {"rows": _rows(split, labels, n), "nps": score, "respondents": n, "split": True}


def _choices(group: pd.DataFrame, question: dict[str, Any], language: str) -> dict[str, Any]:
    chosen = group.dropna(subset=["text"])
    respondents = int(chosen["response_id"].nunique())
    counts = chosen["text"].astype(str).value_counts().to_dict()
    if question["type"] == "yes_no":
        labels = [(choice.value, choice.label(language)) for choice in YES_NO_CHOICES]
    else:
        labels = question["options"]
    return {"rows": _rows(counts, labels, respondents), "respondents": respondents}


def _free_text(group: pd.DataFrame) -> dict[str, Any]:
    texts = group["text"].dropna().astype(str).str.strip()
    count = int((texts != "").sum())
    return {"respondents": count, "extra": {"comments": count}}


def _distribution(group: pd.DataFrame, question: dict[str, Any], language: str) -> dict:
    kind = question["type"]
    if kind == "likert5":
        return _likert(group, question, language)
    if kind == "nps":
        return _nps(group, language)
    if kind in ("single_choice", "multi_choice", "yes_no"):
        return _choices(group, question, language)
    return _free_text(group)


def question_results(
    answers: pd.DataFrame,
    questions: list[dict[str, Any]],
    *,
    small_group_min: int,
    language: str = "fr",
) -> list[QuestionResult]:
    """One result per question of `questions` (from `question_catalogue`), in order."""
    by_question = {
        str(key): group
        for key, group in answers.groupby(answers["question_id"].astype(str), sort=False)
    }
    results = []
    empty = answers.iloc[0:0]
    for question in questions:
        found = _distribution(by_question.get(question["id"], empty), question, language)
        respondents = int(found.get("respondents", 0))
        protected = question["type"] != "text" and respondents < small_group_min
        results.append(
            QuestionResult(
                question_id=question["id"],
                text=question["text"],
                type=question["type"],
                theme=question["theme"],
                respondents=respondents,
                protected=protected,
                rows=() if protected else found.get("rows", ()),
                mean=None if protected else found.get("mean"),
                nps=None if protected else found.get("nps"),
                extra=found.get("extra", {}),
            )
        )
    return results
