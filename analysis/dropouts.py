"""Dropouts for the dashboard's tab, the evidence pack and the suggestions: rates per programme
and session over the enrolments the filters select, the dropout survey's own response rate
and the causes its respondents gave, under the small-group rule (indicators 12 and 32).

Dropouts are counted apart: the dropout survey's campaigns have the analysis timing
"dropout", so the hot survey's rate is over those who stayed, and a dropout is never a
non-respondent of a survey they were not sent. The audience and timing filters narrow
surveys: the causes are read from the dropout survey whatever they are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from analysis.frames.dropouts import filter_enrolments
from analysis.frames.filters import apply_filters
from analysis.frames.model import DROPOUT_TIMING, AnalysisFilters, AnalysisFrames
from analysis.frames.small_groups import withheld_reason
from analysis.metrics.dropouts import dropout_causes, dropout_rates


@dataclass(frozen=True)
class DropoutFigures:
    by_programme: pd.DataFrame  # programme, programme_name, learners, dropouts, rate
    by_session: pd.DataFrame  # session, programme_name, learners, dropouts, rate
    learners: int
    dropouts: int
    invited: int  # to the dropout survey
    answered: int
    causes: pd.DataFrame  # cause, people, share; empty when withheld
    withheld: str | None  # why the causes are not shown (analysis.withheld.<reason>)

    @property
    def rate(self) -> float | None:
        return self.dropouts / self.learners if self.learners else None

    @property
    def survey_rate(self) -> float | None:
        return min(self.answered, self.invited) / self.invited if self.invited else None


def _survey_frames(frames: AnalysisFrames) -> AnalysisFrames:
    """The frames of the dropout survey only."""
    answers = frames.answers
    campaigns = frames.campaigns
    return replace(
        frames,
        answers=answers[(answers["timing"] == DROPOUT_TIMING).to_numpy(bool)],
        campaigns=campaigns[(campaigns["timing"] == DROPOUT_TIMING).to_numpy(bool)],
    )


def dropout_figures(
    frames: AnalysisFrames,
    filters: AnalysisFilters,
    *,
    small_group_min: int,
) -> DropoutFigures:
    """Everything shown about dropouts for the selection `filters` (`frames` unfiltered: the
    small-group rule compares the selection with wider ones)."""
    chosen = filter_enrolments(frames.enrolments, filters, frames.session_people)
    counted = dropout_rates(chosen, ["programme", "programme_name"])
    survey_filters = replace(filters, audiences=(), timings=())
    survey = _survey_frames(frames)
    selected = apply_filters(survey, survey_filters)
    if filters.audiences and "learner" not in filters.audiences:
        selected = replace(selected, answers=selected.answers.iloc[0:0])
    withheld = withheld_reason(survey, survey_filters, small_group_min)
    causes = dropout_causes(selected.answers.iloc[0:0] if withheld else selected.answers)
    return DropoutFigures(
        by_programme=counted,
        by_session=dropout_rates(chosen, ["session", "programme_name"]),
        learners=int(counted["learners"].sum()),
        dropouts=int(counted["dropouts"].sum()),
        invited=int(selected.campaigns["invited"].sum()),
        answered=int(selected.campaigns["answered"].sum()),
        causes=causes,
        withheld=withheld,
    )
