"""The small-group rule against an attacker: small selections, differencing (total minus a
filtered group, several values minus one), and rows of a small campaign in verbatims, the
answers export, the suggestions' quotes and the evidence pack; trainers by role."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.exports import responses_for_export, to_csv_bytes
from analysis.frames import (
    TRAINER_RESULT_ROLES,
    AnalysisFilters,
    AnalysisFrames,
    apply_filters,
    withheld_reason,
    withheld_sentence,
)
from analysis.suggestions.model import Evidence, Suggestion
from analysis.suggestions.pseudonyms import pseudonymise_trainers
from analysis.text import free_text_answers, mark_quotable, tag_comments, verbatims
from analysis.verbatim_rows import hidden_text_count, verbatim_table
from tests.analysis.frames_for_tests import answers

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = 5
# campaign -> (programme, session, respondents): P1 holds 20 people in four campaigns, P2 a
# programme of 4 (one of them the only English speaker), P3 six.
CAMPAIGNS = {1: ("P1", "S1", 5), 2: ("P1", "S2", 5), 3: ("P1", "S3", 5), 4: ("P1", "S4", 5)}
SMALL = {5: ("P2", "S5", 4)}
MIDDLE = {6: ("P3", "S6", 6)}


def _answers(campaigns: dict[int, tuple[str, str, int]]) -> pd.DataFrame:
    rows = []
    for campaign, (programme, session, people) in campaigns.items():
        for person in range(people):
            common = {
                "response_id": f"c{campaign}-r{person}",
                "campaign_id": campaign,
                "programme": programme,
                "session": session,
                "session_id": campaign,
                "anonymous": True,
                "submitted_on": date(2026, 3, campaign),
            }
            rows.append({**common, "number": 4.0})
            text = f"Commentaire {programme} {person}"
            if programme == "P2" and person == 0:
                text = '=HYPERLINK("x") I was the only one who spoke English'
            rows.append(
                {
                    **common,
                    "type": "text",
                    "theme": "free_expression",
                    "question_id": "q-free",
                    "text": text,
                }
            )
    return answers(rows)


def _frames(table: pd.DataFrame) -> AnalysisFrames:
    campaigns = table.drop_duplicates("campaign_id")[
        ["campaign_id", "programme", "session", "session_id", "modality", "audience", "timing"]
    ].assign(scheduled_on=pd.Timestamp(2026, 3, 1))
    people = pd.DataFrame(
        {
            "session_id": [1, 2, 3, 4, 5],
            "person_id": [100, 100, 100, 101, 101],
            "role": ["trainer"] * 5,
            "name": ["Bruno Lefèvre"] * 3 + ["Ada Martin"] * 2,
            "email": ["b@x.fr"] * 3 + ["a@x.fr"] * 2,
        }
    )
    empty = pd.DataFrame()
    return AnalysisFrames(table, people, campaigns.reset_index(drop=True), empty, empty)


@pytest.fixture
def frames() -> AnalysisFrames:
    return _frames(_answers({**CAMPAIGNS, **SMALL}))


def test_a_programme_of_four_is_withheld_with_a_plain_sentence(frames: AnalysisFrames) -> None:
    reason = withheld_reason(frames, AnalysisFilters(programmes=("P2",)), THRESHOLD)
    assert reason == "too_few"
    sentence = withheld_sentence(reason, THRESHOLD, "fr")
    assert "moins de 5 répondants" in sentence and "{" not in sentence
    assert "fewer than 5 respondents" in withheld_sentence(reason, THRESHOLD, "en")


def test_total_minus_a_filtered_group_cannot_single_out_the_rest(frames: AnalysisFrames) -> None:
    # all (24) minus P1 (20) would be P2's four people
    assert withheld_reason(frames, AnalysisFilters(programmes=("P1",)), THRESHOLD) == (
        "rest_too_few"
    )
    # a trainer's sessions: Bruno has 15, the rest of the data 9 (enough)
    assert withheld_reason(frames, AnalysisFilters(trainers=(100,)), THRESHOLD) is None


def test_two_values_minus_one_cannot_single_out_the_other() -> None:
    frames = _frames(_answers({**CAMPAIGNS, **SMALL, **MIDDLE}))
    chosen = AnalysisFilters(programmes=("P1", "P2"))
    assert withheld_reason(frames, chosen, THRESHOLD) == "value_too_few"
    assert withheld_reason(frames, AnalysisFilters(programmes=("P1", "P3")), THRESHOLD) == (
        "rest_too_few"
    )
    assert withheld_reason(frames, AnalysisFilters(), THRESHOLD) is None


def test_no_answer_is_not_withheld(frames: AnalysisFrames) -> None:
    assert withheld_reason(frames, AnalysisFilters(programmes=("P9",)), THRESHOLD) is None


def _texts(table: pd.DataFrame) -> set[str]:
    return {str(value) for value in table["text"].dropna()}


def _all_and_p1(frames: AnalysisFrames, table: Callable[..., pd.DataFrame]) -> tuple:
    """`table` of every answer, and of programme P1's alone (the difference is P2's)."""
    p1 = apply_filters(frames, AnalysisFilters(programmes=("P1",))).answers
    return tuple(table(answers, small_group_min=THRESHOLD) for answers in (frames.answers, p1))


def test_verbatims_never_show_a_small_campaign_even_by_difference(
    frames: AnalysisFrames,
) -> None:
    everything, p1 = _all_and_p1(frames, verbatim_table)
    assert not any("P2" in text or "English" in text for text in _texts(everything))
    assert _texts(everything) - _texts(p1) == set()
    assert hidden_text_count(frames.answers, small_group_min=THRESHOLD) == 4


def test_the_answers_export_never_holds_a_small_campaign_even_by_difference(
    frames: AnalysisFrames,
) -> None:
    everything, p1 = _all_and_p1(frames, responses_for_export)
    assert "P2" not in set(everything["programme"])
    assert len(everything) == len(p1) == 40
    assert "English" not in to_csv_bytes(everything).decode("utf-8-sig")


def test_the_answers_export_is_ordered_by_what_it_shows_not_by_storage() -> None:
    table = _answers(CAMPAIGNS)
    shuffled = table.sample(frac=1, random_state=3).reset_index(drop=True)
    left = responses_for_export(table, small_group_min=THRESHOLD)
    right = responses_for_export(shuffled, small_group_min=THRESHOLD)
    pd.testing.assert_frame_equal(left, right)


def test_suggestion_quotes_never_come_from_a_small_campaign(frames: AnalysisFrames) -> None:
    comments = mark_quotable(
        tag_comments(free_text_answers(frames.answers)), frames.answers, THRESHOLD
    )
    quoted = verbatims(comments, complaint=None, limit=100)
    assert quoted and not any("P2" in quote or "English" in quote for quote in quoted)
    few = frames.answers[frames.answers["campaign_id"] == 1].head(4)
    assert (
        verbatims(
            mark_quotable(
                free_text_answers(few).assign(themes=[()] * 2, complaint=False), few, THRESHOLD
            ),
            limit=5,
        )
        == []
    )


def _trainer_suggestion(name: str, gap: float) -> Suggestion:
    return Suggestion(
        rule="group_below",
        subject=f"trainer:{name}",
        severity="medium",
        params={
            "dimension": "trainer",
            "group": name,
            "themes": ["overall_satisfaction"],
            "count": 1,
            "mean": 3.1,
            "respondents": 12,
            "n": 12,
            "others_mean": 4.2,
            "gap": gap,
            "timing": "hot",
            "audience": "learner",
            "min": 5,
            "start": date(2026, 1, 1),
            "end": date(2026, 12, 1),
        },
        evidence=Evidence(
            date(2026, 1, 1),
            date(2026, 12, 1),
            12,
            {"mean": 3.1},
            groups=(name, "other trainers"),
            verbatims=(f"{name} ne répondait jamais",),
        ),
        indicators=(32,),
        actions=(),
    )


def test_the_evidence_pack_calls_trainers_by_a_letter() -> None:
    items = pseudonymise_trainers(
        [_trainer_suggestion("Bruno Lefèvre", 1.1), _trainer_suggestion("Ada Martin", 0.9)]
    )
    fr = [item.title("fr") + item.explanation("fr") for item in items]
    assert fr[0].startswith("Formateur A : en dessous") and "Formateur B" in fr[1]
    assert items[1].title("en").startswith("Trainer B")
    for item in items:
        everything = repr(item) + item.title("en") + item.explanation("en")
        assert "Bruno" not in everything and "Ada" not in everything
        assert item.evidence.verbatims == ()


def test_only_quality_and_admins_see_results_per_trainer() -> None:
    assert set(TRAINER_RESULT_ROLES) == {"admin", "quality"}


def test_streamlit_offers_no_raw_table_download() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize(
    "page", ["analysis/pages/verbatims.py", "analysis/pages/improve_complaints.py"]
)
def test_tables_of_respondent_text_leave_through_the_formula_safe_export(page: str) -> None:
    source = (ROOT / page).read_text(encoding="utf-8")
    assert "downloads(" in source  # analysis.pages.figures.downloads: to_csv_bytes / to_xlsx
    table = verbatim_table(
        _answers(CAMPAIGNS).assign(text='=HYPERLINK("http://x")'), small_group_min=THRESHOLD
    )
    assert "'=HYPERLINK" in to_csv_bytes(table).decode("utf-8-sig")


def test_a_lone_hidden_programme_is_not_total_minus_the_others() -> None:
    from analysis.metrics import breakdown

    table = _answers({**CAMPAIGNS, **SMALL, **MIDDLE})
    rows = breakdown(table, "programme", session_people=pd.DataFrame(), small_group_min=THRESHOLD)
    hidden = dict(zip(rows["programme"], rows["protected"], strict=True))
    # P2 (4) is hidden; the overall mean minus P1 and P3 would give it: P3 (6) is hidden too
    assert hidden == {"P1": False, "P2": True, "P3": True}
    assert rows.loc[rows["programme"] == "P3", "mean"].isna().all()


def test_an_action_drafted_from_a_trainer_suggestion_names_no_trainer() -> None:
    from analysis.suggestions import action_input

    drafted = action_input(_trainer_suggestion("Bruno Lefèvre", 1.1), owner="Q", due_on=None)
    assert "Bruno" not in drafted.title + drafted.description
    assert "Formateur A" in drafted.title + drafted.description


def test_two_trainers_minus_one_cannot_single_out_the_other(frames: AnalysisFrames) -> None:
    extra = pd.DataFrame(
        [{"session_id": 5, "person_id": 102, "role": "trainer", "name": "Léa", "email": "l@x.fr"}]
    )
    people = pd.concat([frames.session_people, extra], ignore_index=True)
    with_lea = AnalysisFrames(
        frames.answers, people, frames.campaigns, frames.solicitations, frames.financers
    )
    # Bruno (15) + Léa (4) = 19, the rest 5: only "both minus Bruno" would give Léa's 4
    assert withheld_reason(with_lea, AnalysisFilters(trainers=(100, 102)), THRESHOLD) == (
        "value_too_few"
    )
    assert withheld_reason(with_lea, AnalysisFilters(trainers=(102,)), THRESHOLD) == "too_few"


@pytest.mark.parametrize(
    "filters",
    [
        AnalysisFilters(),
        AnalysisFilters(start=date(2026, 3, 2), end=date(2026, 3, 4)),
        AnalysisFilters(programmes=("P1",), sessions=("S1", "S2")),
        AnalysisFilters(trainers=(100, 101), start=date(2026, 3, 3)),
    ],
)
def test_the_check_counts_what_the_filters_keep(frames: AnalysisFrames, filters) -> None:
    from analysis.frames import respondent_count

    kept = respondent_count(apply_filters(frames, filters).answers)
    assert kept > 0
    # the check counts exactly the respondents the pages show: one more would be too few
    assert withheld_reason(frames, filters, kept + 1) == "too_few"
    assert withheld_reason(frames, filters, kept) != "too_few"


def test_secondary_suppression_hides_the_smallest_shown_rows_of_each_group_until_enough() -> None:
    from analysis.metrics.engine import protect_complement

    rows = [  # (theme, row, respondents, hidden by the first rule)
        ("a", "a2", 2, True),
        ("a", "a7", 7, False),
        ("a", "a1", 1, False),
        ("a", "a3", 3, False),
        ("b", "b4", 4, True),
        ("b", "b3-first", 3, False),
        ("b", "b3-second", 3, False),
        ("c", "c6", 6, True),
        ("c", "c1", 1, False),
        ("d", "d1", 1, False),
    ]
    table = pd.DataFrame(rows, columns=["theme", "row", "respondents", "protected"])
    table["mean"] = 4.0
    out = protect_complement(table, ["theme"], small_group_min=5)
    hidden = set(out.loc[out["protected"], "row"])
    # a: 2 hidden, then 1 (-> 3) and 3 (-> 6) too, 7 stays; b: the first of the equal rows;
    # c: 6 hidden already hold enough; d: nothing hidden, nothing to give away
    assert hidden == {"a2", "a1", "a3", "b4", "b3-first", "c6"}
    assert out.loc[out["protected"], "mean"].isna().all()
    assert out.loc[~out["protected"], "mean"].eq(4.0).all()
    assert out["row"].tolist() == table["row"].tolist()  # the table keeps its order
