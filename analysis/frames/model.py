"""The shape of the analysis frames: their columns and the dashboard's filters.

`analysis.frames.read` reads them from the database and `analysis.frames.build` joins them.

`load_frames` returns pandas frames that the pure functions of `analysis.metrics` take:

- `answers`: the tidy frame, one row per answer (a multi-choice answer is one row per option),
  with the question's metadata as frozen in its survey version (bank, theme, type, scale,
  wording), the campaign's audience and timing, the session, programme and modality, and the
  day of the response (`submitted_on`, a Paris calendar day: the respondent side stores it so,
  and anonymous responses keep nothing finer). `person_id` is set only for named responses.
- `session_people`: the trainers and financers of each session (Enrolment roles). A session may
  have several of each, so they are kept out of `answers` (which would otherwise repeat every
  answer once per trainer) and joined by `session_id` where a metric groups by trainer or
  financer: an answer then counts for every trainer of its session.
- `campaigns`: one row per campaign with its invitation counts (invited, reminded, answered)
  for response rates.
- `solicitations`: who was solicited when, for the indicator 30 coverage matrix: sent
  invitations counted per campaign (and per organisation for financers, who are followed one
  by one), plus one row per EvidenceNote (a financer webinar or meeting attended counts as a
  solicitation whose appreciation was gathered on the spot).
- `financers`: every financer organisation known, so a financer never solicited still shows.
- `enrolments`: the learners' enrolments with their completion status, for dropout rates.

How it is read: the answer rows (the only part that grows with the answers) come from one SQL
statement joining answer, response and named_response, read through the driver's cursor
without per-row processing. Everything else is small (versions, campaigns, sessions: hundreds
of rows) and is joined in memory through integer positions and categorical codes. Letting the
database repeat the programme, session and wording strings a million times was measured 1.7
times slower on 1M answers when this module was written (benchmarks/analysis_bench.py keeps
timing the chosen way against a raw read of the same rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from surveys.config import DISPLAY_TIMEZONE

PARIS = DISPLAY_TIMEZONE


# The timing the analysis gives the dropout survey's campaigns (their plan reaches only those
# who dropped out; stored as "hot", they are counted apart from the hot survey).
DROPOUT_TIMING = "dropout"


# Invitations in these states were really addressed to somebody (a pending one was not yet).
SOLICITED_STATUSES = ("sent", "completed", "opted_out", "bounced", "failed")


# The answer frame's categorical columns (response_id is one too, numbered in reading order).
CATEGORY_COLUMNS = (
    "response_id",
    "question_id",
    "bank",
    "theme",
    "type",
    "scale",
    "audience",
    "timing",
    "programme",
    "programme_name",
    "session",
    "modality",
    "question_fr",
    "question_en",
)


# The question's metadata, as frozen in its survey version.
QUESTION_COLUMNS = (
    "bank",
    "theme",
    "type",
    "scale",
    "question_fr",
    "question_en",
    "question_order",
)


# The campaign's audience and timing, its session, programme and modality.
CAMPAIGN_COLUMNS = (
    "audience",
    "timing",
    "session_id",
    "session",
    "programme",
    "programme_name",
    "modality",
)


ANSWER_COLUMNS = (
    "response_id",
    "question_id",
    "number",
    "text",
    "survey_version_id",
    "campaign_id",
    "submitted_on",
    "anonymous",
    "person_id",
    *QUESTION_COLUMNS,
    *CAMPAIGN_COLUMNS,
)


# The learners' enrolments (analysis.frames.dropouts): one row per learner and session.
ENROLMENT_COLUMNS = (
    "session_id",
    "programme",
    "programme_name",
    "session",
    "modality",
    "start_date",
    "end_date",
    "status",
)


def _no_enrolments() -> pd.DataFrame:
    return pd.DataFrame(columns=list(ENROLMENT_COLUMNS))


@dataclass(frozen=True)
class AnalysisFrames:
    answers: pd.DataFrame
    session_people: pd.DataFrame
    campaigns: pd.DataFrame
    solicitations: pd.DataFrame
    financers: pd.DataFrame
    # kept whole by `apply_filters`: `analysis.dropouts` selects them (sessions, not answers)
    enrolments: pd.DataFrame = field(default_factory=_no_enrolments)


@dataclass(frozen=True)
class AnalysisFilters:
    """What the dashboard filters on; None (or empty) means everything."""

    start: date | None = None
    end: date | None = None
    programmes: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    trainers: tuple[int, ...] = ()  # person ids
    modalities: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    timings: tuple[str, ...] = ()
