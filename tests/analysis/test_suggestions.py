"""Each suggestion rule on small frames built by hand: where it must fire, where it must not
(small groups included), and that what it says is what the frames hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import count, cycle

import pandas as pd
import pytest

from analysis.action_catalog import load_action_catalog
from analysis.register import complaints_frame
from analysis.suggestions import (
    RuleInputs,
    Suggestion,
    SuggestionSettings,
    format_params,
    suggest,
    suggestion_dict,
)
from analysis.suggestions.rules import (
    rule_declining_trend,
    rule_group_below,
    rule_hot_cold_drop,
    rule_low_response_rate,
    rule_not_solicited,
    rule_register,
    rule_text_recurring,
    rule_theme_low,
)
from analysis.text import tag_comments
from surveys.models import Complaint

TODAY = date(2026, 6, 30)
START = date(2025, 7, 1)
SETTINGS = SuggestionSettings(small_group_min=5)
CATALOG = load_action_catalog()
_responses = count(1)
_people = count(1000)
GOOD = (4, 4, 5, 4, 3)  # mean 4.0
WEAK = (3, 2, 3, 3, 2)  # mean 2.6


def respondents(
    how_many: int,
    scores: dict[str, tuple[int, ...]],
    *,
    audience: str = "learner",
    timing: str = "hot",
    programme: str = "PRG-A",
    session_id: int = 1,
    modality: str = "remote",
    day: date = date(2026, 3, 15),
    people: list[int] | None = None,
) -> list[dict]:
    """Answer rows of `how_many` respondents; theme -> cycle of likert values (one per
    respondent, so each theme's mean is the cycle's mean)."""
    rows = []
    values = {theme: cycle(pattern) for theme, pattern in scores.items()}
    for index in range(how_many):
        response = f"r{next(_responses)}"
        person = people[index] if people else next(_people)
        for theme, pattern in values.items():
            rows.append(
                {
                    "response_id": response,
                    "question_id": f"{theme}-q",
                    "number": float(next(pattern)),
                    "text": None,
                    "type": "likert5",
                    "theme": theme,
                    "audience": audience,
                    "timing": timing,
                    "programme": programme,
                    "session_id": session_id,
                    "session": f"S{session_id}",
                    "modality": modality,
                    "person_id": person,
                    "anonymous": False,
                    "campaign_id": session_id,
                    "submitted_on": pd.Timestamp(day),
                }
            )
    return rows


def frame(*groups: list[dict]) -> pd.DataFrame:
    answers = pd.DataFrame([row for group in groups for row in group])
    answers["person_id"] = answers["person_id"].astype("Int64")
    answers["session_id"] = answers["session_id"].astype("Int64")
    return answers


def comments_frame(*texts: str, **columns: object) -> pd.DataFrame:
    rows = [
        {"response_id": f"c{i}", "text": text, "audience": "learner", **columns}
        for i, text in enumerate(texts)
    ]
    return tag_comments(pd.DataFrame(rows, columns=["response_id", "text", "audience", *columns]))


EMPTY_CAMPAIGNS = pd.DataFrame(
    columns=["campaign_id", "audience", "timing", "invited", "reminded", "answered", "scheduled_on"]
)
EMPTY_PEOPLE = pd.DataFrame(
    columns=["session_id", "role", "person_id", "email", "organisation", "name"]
)
EMPTY_SOLICITATIONS = pd.DataFrame(
    {
        "stakeholder_type": pd.Series(dtype=object),
        "organisation": pd.Series(dtype=object),
        "solicited_on": pd.Series(dtype="datetime64[ns]"),
        "answered_on": pd.Series(dtype="datetime64[ns]"),
        "solicited": pd.Series(dtype="int64"),
        "answered": pd.Series(dtype="int64"),
        "source": pd.Series(dtype=object),
    }
)


def inputs(**changes: object) -> RuleInputs:
    base = RuleInputs(
        answers=frame(respondents(1, {"overall_satisfaction": GOOD})).head(0),
        campaigns=EMPTY_CAMPAIGNS,
        session_people=EMPTY_PEOPLE,
        solicitations=EMPTY_SOLICITATIONS,
        financers=pd.DataFrame(columns=["person_id", "organisation"]),
        comments=comments_frame(),
        complaints=complaints_frame([]),
        start=START,
        end=TODAY,
        today=TODAY,
    )
    return replace(base, **changes)


def ids(found: list[Suggestion]) -> list[str]:
    return [item.id for item in found]


# -- theme low ----------------------------------------------------------------------------------


def test_a_theme_far_below_the_others_is_flagged_with_its_figures() -> None:
    answers = frame(
        respondents(20, {"technical_support": WEAK, "content_pace": GOOD, "lms_ergonomics": GOOD})
    )
    [found] = rule_theme_low(inputs(answers=answers), SETTINGS, CATALOG)
    assert found.id == "theme_low:learner:technical_support"
    assert found.severity == "high"  # under 3.5 and far below the others
    assert found.evidence.figures["mean"] == 2.6
    assert found.evidence.figures["others_mean"] == 4.0
    assert found.evidence.n == 20 and found.evidence.figures["respondents"] == 20
    assert found.actions[0] == "help-centre-hotline"
    assert 31 in found.indicators
    assert "2,6/5" in found.explanation("fr") and "4,0/5" in found.explanation("fr")


def test_a_theme_only_below_the_others_is_flagged_less_severely() -> None:
    answers = frame(
        respondents(
            30,
            {"accessibility": (4, 3, 4, 4, 3), "content_pace": (5,), "lms_ergonomics": (5, 5, 4)},
        )
    )
    [found] = rule_theme_low(inputs(answers=answers), SETTINGS, CATALOG)
    assert found.subject == "learner:accessibility"
    assert found.severity == "medium"


@pytest.mark.parametrize(
    "scores",
    [
        {"technical_support": GOOD, "content_pace": GOOD},  # all alike
        {"technical_support": (4, 4, 4, 4, 3), "content_pace": (4, 4, 4, 5, 4)},  # 0.2 apart
    ],
)
def test_themes_scoring_alike_raise_nothing(scores: dict) -> None:
    assert rule_theme_low(inputs(answers=frame(respondents(20, scores))), SETTINGS, CATALOG) == []


def test_a_low_theme_answered_by_a_small_group_is_never_judged() -> None:
    answers = frame(respondents(4, {"technical_support": WEAK, "content_pace": GOOD}))
    assert rule_theme_low(inputs(answers=answers), SETTINGS, CATALOG) == []


# -- hot to cold ---------------------------------------------------------------------------------


def _hot_cold(
    programme: str, size: int, hot: tuple[int, ...], cold: tuple[int, ...], session_id: int
) -> list[dict]:
    people = [next(_people) for _ in range(size)]
    common = {"programme": programme, "session_id": session_id, "people": people}
    return respondents(size, {"overall_satisfaction": hot}, timing="hot", **common) + respondents(
        size, {"overall_satisfaction": cold}, timing="cold", **common
    )


def test_a_programme_dropping_from_hot_to_cold_is_flagged_against_the_others() -> None:
    answers = frame(_hot_cold("DEV-WEB", 10, GOOD, WEAK, 1), _hot_cold("COMPTA", 10, GOOD, GOOD, 2))
    [found] = rule_hot_cold_drop(inputs(answers=answers), SETTINGS, CATALOG)
    assert found.id == "hot_cold_drop:DEV-WEB"
    assert found.evidence.figures["hot_mean"] == 4.0
    assert found.evidence.figures["cold_mean"] == 2.6
    assert found.evidence.figures["pairs"] == 10
    assert found.evidence.figures["others_delta"] == 0.0
    assert found.evidence.groups == ("DEV-WEB", "COMPTA")
    assert found.actions[0] == "transfer-follow-up"


@pytest.mark.parametrize(
    ("size", "cold"),
    [(10, (4, 4, 4, 4, 3)), (4, WEAK)],  # a small change; a big drop in a small group
)
def test_no_drop_is_reported_when_small_or_seen_in_too_few_people(
    size: int, cold: tuple[int, ...]
) -> None:
    answers = frame(_hot_cold("DEV-WEB", size, GOOD, cold, 1))
    assert rule_hot_cold_drop(inputs(answers=answers), SETTINGS, CATALOG) == []


# -- solicitation ----------------------------------------------------------------------------------


def solicitations(*rows: tuple[str, str, date, int, int, str]) -> pd.DataFrame:
    table = pd.DataFrame(
        rows,
        columns=[
            "stakeholder_type",
            "organisation",
            "solicited_on",
            "solicited",
            "answered",
            "source",
        ],
    )
    table["solicited_on"] = pd.to_datetime(table["solicited_on"])
    table["answered_on"] = table["solicited_on"].where(table["answered"] > 0)
    return table[list(EMPTY_SOLICITATIONS.columns)]


FINANCERS = pd.DataFrame({"person_id": [1, 2, 3], "organisation": ["Akto", "OPCO EP", "Région"]})
EVERYONE_ASKED = (
    ("learner", "", date(2026, 3, 1), 40, 30, "survey"),
    ("trainer", "", date(2026, 3, 1), 4, 3, "survey"),
    ("company", "", date(2026, 3, 1), 5, 4, "survey"),
)


def test_financers_not_asked_within_a_year_are_named_and_a_webinar_counts_as_asked() -> None:
    table = solicitations(
        *EVERYONE_ASKED,
        ("financer", "Akto", date(2026, 1, 10), 1, 1, "survey"),
        ("financer", "OPCO EP", date(2025, 3, 1), 1, 1, "survey"),  # 16 months ago
        ("financer", "Région", date(2026, 2, 2), 1, 1, "evidence"),  # a webinar attended
    )
    [found] = rule_not_solicited(
        inputs(solicitations=table, financers=FINANCERS), SETTINGS, CATALOG
    )
    assert found.id == "financers_not_solicited:financer"
    assert found.params["never"] == [] and found.params["overdue"] == ["OPCO EP"]
    assert found.severity == "medium"
    assert "financer-webinars" in found.actions


def test_a_stakeholder_type_never_asked_in_the_period_is_a_non_conformity() -> None:
    table = solicitations(
        *EVERYONE_ASKED[:2],
        ("company", "", date(2025, 1, 5), 5, 4, "survey"),  # before START
        *[
            ("financer", name, date(2026, 1, 10), 1, 1, "survey")
            for name in FINANCERS["organisation"]
        ],
    )
    [found] = rule_not_solicited(
        inputs(solicitations=table, financers=FINANCERS), SETTINGS, CATALOG
    )
    assert (found.id, found.severity) == ("type_not_solicited:company", "high")
    assert found.evidence.figures["last_solicited"] == date(2025, 1, 5)
    assert "05/01/2025" in found.explanation("fr")


def test_everyone_asked_within_the_year_raises_nothing() -> None:
    table = solicitations(
        *EVERYONE_ASKED,
        *[
            ("financer", name, date(2026, 1, 10), 1, 1, "survey")
            for name in FINANCERS["organisation"]
        ],
    )
    assert (
        rule_not_solicited(inputs(solicitations=table, financers=FINANCERS), SETTINGS, CATALOG)
        == []
    )


def test_financers_asked_who_never_answered_are_listed_to_watch() -> None:
    table = solicitations(
        *EVERYONE_ASKED,
        ("financer", "Akto", date(2026, 1, 10), 1, 0, "survey"),
        ("financer", "OPCO EP", date(2026, 1, 10), 1, 1, "survey"),
        ("financer", "Région", date(2026, 1, 10), 1, 0, "survey"),
    )
    [found] = rule_not_solicited(
        inputs(solicitations=table, financers=FINANCERS), SETTINGS, CATALOG
    )
    assert (found.id, found.severity, found.params["names"]) == (
        "financers_silent:financer",
        "low",
        ["Akto", "Région"],
    )


# -- response rate ---------------------------------------------------------------------------------


def campaigns(*rows: tuple[str, str, int, int, int, date]) -> pd.DataFrame:
    table = pd.DataFrame(
        rows, columns=["audience", "timing", "invited", "reminded", "answered", "scheduled_on"]
    )
    table.insert(0, "campaign_id", range(1, len(table) + 1))
    table["scheduled_on"] = pd.to_datetime(table["scheduled_on"])
    return table


def test_a_survey_answered_by_few_is_flagged_with_its_reminders() -> None:
    table = campaigns(
        ("learner", "cold", 40, 30, 12, date(2026, 4, 1)),
        ("learner", "hot", 40, 10, 30, date(2026, 4, 1)),
    )
    [found] = rule_low_response_rate(inputs(campaigns=table), SETTINGS, CATALOG)
    assert found.id == "low_response_rate:learner:cold"
    assert found.evidence.figures["rate"] == 0.3
    assert found.evidence.figures["reminded_share"] == 0.75
    assert found.evidence.figures["others_rate"] == 0.75
    assert found.severity == "medium"
    assert found.actions == ("reminder-policy", "reminder-channels")


@pytest.mark.parametrize(
    "row",
    [
        ("learner", "cold", 40, 30, 24, date(2026, 4, 1)),  # 60 %: fine
        ("learner", "cold", 10, 10, 2, date(2026, 4, 1)),  # too few invited to judge
        ("learner", "cold", 40, 0, 2, TODAY - timedelta(days=3)),  # answers still coming in
    ],
)
def test_a_rate_is_not_judged_when_fine_too_small_or_too_recent(row: tuple) -> None:
    assert rule_low_response_rate(inputs(campaigns=campaigns(row)), SETTINGS, CATALOG) == []


# -- declining trend -------------------------------------------------------------------------------

QUARTERS = (date(2025, 11, 15), date(2026, 2, 15), date(2026, 5, 15))


def test_a_last_quarter_clearly_below_the_two_before_is_a_decline() -> None:
    answers = frame(
        respondents(15, {"content_pace": GOOD}, day=QUARTERS[0]),
        respondents(15, {"content_pace": GOOD}, day=QUARTERS[1]),
        respondents(15, {"content_pace": WEAK}, day=QUARTERS[2]),
    )
    found = rule_declining_trend(inputs(answers=answers), SETTINGS, CATALOG)
    assert ids(found) == ["declining_trend:learner:all", "declining_trend:learner:content_pace"]
    assert found[0].evidence.figures["baseline_periods"] == ["2025-T4", "2026-T1"]
    assert found[0].evidence.figures["drop"] == 1.4


@pytest.mark.parametrize(("last", "size"), [((4, 4, 4, 5, 3), 15), (WEAK, 3)])
def test_no_decline_when_scores_hold_or_the_last_quarter_is_a_small_group(
    last: tuple[int, ...], size: int
) -> None:
    answers = frame(
        respondents(15, {"content_pace": GOOD}, day=QUARTERS[0]),
        respondents(15, {"content_pace": GOOD}, day=QUARTERS[1]),
        respondents(size, {"content_pace": last}, day=QUARTERS[2]),
    )
    assert rule_declining_trend(inputs(answers=answers), SETTINGS, CATALOG) == []


# -- programme, trainer, modality below the others ------------------------------------------------

TRAINERS = pd.DataFrame(
    {
        "session_id": [1, 2, 3, 4, 4],
        "role": "trainer",
        "person_id": [11, 12, 13, 14, 15],
        "email": "",
        "organisation": "",
        "name": ["Bruno", "Claire", "Nadia", "Sophie", "Karim"],
    }
)


def _sessions(weak_session: int, weak_size: int = 10) -> pd.DataFrame:
    groups = []
    for session_id in (1, 2, 3, 4):
        size = weak_size if session_id == weak_session else 10
        scores = WEAK if session_id == weak_session else GOOD
        groups.append(
            respondents(
                size,
                {"trainer_digital_mastery": scores, "content_pace": GOOD},
                session_id=session_id,
                programme=f"P{session_id % 2}",
            )
        )
    return frame(*groups)


def test_a_trainer_below_the_others_is_named_with_the_themes_concerned() -> None:
    found = rule_group_below(
        inputs(answers=_sessions(1), session_people=TRAINERS), SETTINGS, CATALOG
    )
    [trainer] = [item for item in found if item.subject.startswith("trainer:")]
    assert trainer.id == "group_below:trainer:Bruno"
    assert [row["theme"] for row in trainer.evidence.rows] == ["trainer_digital_mastery"]
    assert trainer.evidence.figures["mean"] == 2.6
    assert trainer.evidence.figures["others_mean"] == 4.0
    assert trainer.actions[0] == "trainer-peer-support"


def test_a_co_trainer_is_not_blamed_for_sessions_shared_with_the_trainer_flagged() -> None:
    people = pd.DataFrame(
        {
            "session_id": [1, 1, 2, 3],
            "role": "trainer",
            "person_id": [11, 14, 14, 13],
            "email": "",
            "organisation": "",
            "name": ["Bruno", "Sophie", "Sophie", "Nadia"],
        }
    )
    answers = frame(
        respondents(12, {"trainer_digital_mastery": WEAK}, session_id=1),
        respondents(12, {"trainer_digital_mastery": GOOD}, session_id=2),
        respondents(24, {"trainer_digital_mastery": GOOD}, session_id=3),
    )
    found = rule_group_below(inputs(answers=answers, session_people=people), SETTINGS, CATALOG)
    assert [item.id for item in found if "trainer" in item.id] == ["group_below:trainer:Bruno"]


def test_a_weak_trainer_with_too_few_respondents_is_never_named() -> None:
    found = rule_group_below(
        inputs(answers=_sessions(1, weak_size=4), session_people=TRAINERS), SETTINGS, CATALOG
    )
    assert [item for item in found if item.subject.startswith("trainer:")] == []


def test_programmes_and_modalities_alike_raise_nothing() -> None:
    answers = frame(
        *[
            respondents(12, {"content_pace": GOOD}, session_id=s, programme=p, modality=m)
            for s, p, m in ((1, "A", "remote"), (2, "B", "onsite"), (3, "C", "hybrid"))
        ]
    )
    assert rule_group_below(inputs(answers=answers), SETTINGS, CATALOG) == []


def test_a_modality_below_the_others_is_flagged() -> None:
    answers = frame(
        respondents(12, {"virtual_classroom": WEAK}, session_id=1, modality="remote"),
        respondents(12, {"virtual_classroom": GOOD}, session_id=2, modality="onsite"),
        respondents(12, {"virtual_classroom": GOOD}, session_id=3, modality="hybrid"),
    )
    found = rule_group_below(inputs(answers=answers), SETTINGS, CATALOG)
    assert "group_below:modality:remote" in ids(found)


# -- free text -------------------------------------------------------------------------------------

HOTLINE = (
    "Impossible de joindre la hotline.",
    "La hotline ne répond jamais, inadmissible.",
    "Assistance technique trop lente.",
    "Bug jamais résolu par le support technique.",
    "Personne n'a répondu à mon ticket.",
    "Hotline injoignable le lundi.",
)


def test_a_theme_recurring_in_complaint_like_comments_is_flagged_with_verbatims() -> None:
    comments = comments_frame(
        *HOTLINE, "La hotline a été très réactive, merci.", "Très bon rythme."
    )
    [found] = rule_text_recurring(inputs(comments=comments), SETTINGS, CATALOG)
    assert found.id == "text_recurring:technical_support"
    assert (found.evidence.figures["complaints"], found.evidence.figures["comments"]) == (6, 7)
    assert set(found.evidence.verbatims) <= set(HOTLINE)
    assert len(found.evidence.verbatims) == 3


def test_a_few_complaints_or_mostly_praise_raise_nothing() -> None:
    few = comments_frame(*HOTLINE[:4])
    praise = comments_frame(*HOTLINE, *["Hotline parfaite, merci."] * 30)
    assert rule_text_recurring(inputs(comments=few), SETTINGS, CATALOG) == []
    assert rule_text_recurring(inputs(comments=praise), SETTINGS, CATALOG) == []


def test_a_comment_counts_for_one_theme_only() -> None:
    comments = comments_frame(
        *[f"Problème de connexion, hotline injoignable ({n})." for n in range(8)]
    )
    found = rule_text_recurring(inputs(comments=comments), SETTINGS, CATALOG)
    # support and platform are both named in each comment: the eight count once, not twice
    assert len(found) == 1
    assert found[0].evidence.figures["complaints"] == 8


# -- register --------------------------------------------------------------------------------------


def register(*entries: tuple[str, date, str]) -> pd.DataFrame:
    return complaints_frame(
        [
            Complaint(
                id=number,
                kind="incident",
                theme=theme,
                summary=f"Incident {number}",
                received_on=received,
                status=status,
            )
            for number, (theme, received, status) in enumerate(entries, start=1)
        ]
    )


def test_recurring_incidents_in_the_register_are_flagged() -> None:
    entries = [("virtual_classroom", date(2026, 6, 25), "received")] * 3
    [found] = rule_register(inputs(complaints=register(*entries)), SETTINGS, CATALOG)
    assert (found.id, found.evidence.figures["count"], found.evidence.figures["open"]) == (
        "register_theme:virtual_classroom",
        3,
        3,
    )


def test_complaints_left_without_acknowledgement_are_flagged() -> None:
    entries = [
        ("virtual_classroom", date(2026, 6, 1), "received"),
        ("lms_ergonomics", date(2026, 6, 28), "received"),
    ]
    [found] = rule_register(inputs(complaints=register(*entries)), SETTINGS, CATALOG)
    assert (found.id, found.params["ids"]) == ("late_acknowledgement:register", [1])


def test_a_quiet_register_raises_nothing() -> None:
    entries = [("virtual_classroom", date(2026, 6, 25), "received")] * 2
    assert rule_register(inputs(complaints=register(*entries)), SETTINGS, CATALOG) == []


# -- the engine ------------------------------------------------------------------------------------


def test_suggestions_come_most_severe_first_and_serialise_with_both_languages() -> None:
    answers = frame(respondents(20, {"technical_support": WEAK, "content_pace": GOOD}))
    table = campaigns(
        ("learner", "cold", 40, 30, 16, date(2026, 4, 1)),
        ("learner", "hot", 40, 10, 30, date(2026, 4, 1)),
    )
    found = suggest(inputs(answers=answers, campaigns=table), SETTINGS, CATALOG)
    assert [item.severity for item in found] == sorted(
        (item.severity for item in found), key=("high", "medium", "low").index
    )
    data = suggestion_dict(found[0], CATALOG)
    assert set(data["title"]) == set(data["explanation"]) == {"fr", "en"}
    assert data["evidence"]["period"] == {"start": "2025-07-01", "end": "2026-06-30"}
    assert data["actions"][0]["title"]["fr"]


def test_a_suggestion_without_evidence_cannot_exist() -> None:
    from analysis.suggestions import Evidence

    with pytest.raises(ValueError, match="needs evidence"):
        Suggestion(
            rule="x",
            subject="y",
            severity="low",
            params={},
            evidence=Evidence(START, TODAY, 0, {}),
            indicators=(32,),
            actions=(),
        )


@pytest.mark.parametrize(
    ("key", "value", "french", "english"),
    [
        ("mean", 2.849, "2,8", "2.8"),
        ("rate", 0.4649, "46\u202f%", "46%"),
        ("others_delta", -0.02, "0,0", "0.0"),
        ("others_delta", 0.31, "+0,3", "+0.3"),
        ("start", date(2026, 3, 2), "02/03/2026", "2 Mar 2026"),
        (
            "theme",
            "technical_support",
            "Assistance technique et pédagogique",
            "Technical and learning support",
        ),
        ("never", [], "aucun", "none"),
        ("last", None, "jamais", "never"),
    ],
)
def test_figures_are_written_for_the_reader_in_each_language(
    key: str, value: object, french: str, english: str
) -> None:
    assert format_params({key: value}, "fr")[key] == french
    assert format_params({key: value}, "en")[key] == english


def test_every_setting_has_a_help_text() -> None:
    assert all(text.strip() for text in SuggestionSettings.help().values())
    assert set(SuggestionSettings.help()) == set(SuggestionSettings.__dataclass_fields__)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_rule_speaks_both_languages(language: str) -> None:
    from surveys.i18n import catalog

    texts = {
        "theme_low",
        "hot_cold_drop",
        "type_not_solicited",
        "financers_not_solicited",
        "financers_silent",
        "low_response_rate",
        "declining_trend",
        "declining_theme",
        "group_below",
        "text_recurring",
        "register_theme",
        "late_acknowledgement",
    }
    for text in texts:
        for part in ("title", "explanation"):
            assert f"improve.rules.{text}.{part}" in catalog(language)
