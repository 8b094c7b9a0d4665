"""Reading and computing what the evidence pack shows (the only database reads of the pack).

The audit evidence pack: one HTML document and its PDF for a period (indicators 30 to 32).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from analysis import metrics
from analysis.action_catalog import load_action_catalog
from analysis.charts import printed
from analysis.effects import action_effects
from analysis.evidence.cache import ContentCache, cached_picture
from analysis.evidence.dropouts import dropout_section
from analysis.frames import (
    AnalysisFilters,
    AnalysisFrames,
    apply_filters,
    small_group_min,
)
from analysis.frames.cache import FRAMES
from analysis.register import (
    actions_frame,
    complaint_statistics,
    complaint_totals,
    complaints_frame,
    plan_totals,
)
from analysis.suggestions import (
    Suggestion,
    SuggestionSettings,
    inputs_from_frames,
    suggest,
)
from analysis.suggestions.pseudonyms import pseudonymise_trainers
from analysis.suggestions.work import kept_suggestions
from analysis.summary import records
from analysis.text import free_text_answers, mark_quotable, tag_comments, verbatims
from surveys.config import Settings
from surveys.db import read_session
from surveys.frozen import FrozenSurvey
from surveys.improvement.actions import list_actions
from surveys.improvement.complaints import list_complaints as list_register
from surveys.improvement.evidence_notes import list_evidence_notes
from surveys.models import (
    Campaign,
    ImprovementAction,
    Invitation,
    OrganisationSettings,
    Programme,
    Survey,
    SurveyVersion,
)
from surveys.plans.service import describe_plan, list_plans

SECTIONS = (
    "plans",
    "instruments",
    "campaigns",
    "rates",
    "dropouts",
    "expression",
    "analysis",
    "coverage",
    "complaints",
    "plan",
    "notes",
)


VERBATIMS_SHOWN = 6


@dataclass
class EvidenceData:
    """Everything the document shows, already computed (the templates only lay it out)."""

    organisation: dict[str, Any]
    start: date | None
    end: date
    today: date
    small_group_min: int
    plans: list[dict[str, Any]] = field(default_factory=list)
    instruments: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    rates: list[dict[str, Any]] = field(default_factory=list)
    dropouts: dict[str, Any] = field(default_factory=dict)
    expression: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)
    complaints: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _organisation(session: Session) -> dict[str, Any]:
    row = session.get(OrganisationSettings, 1)
    if row is None:
        return {
            "name": "",
            "address": "",
            "contact_email": "",
            "support_email": "",
            "support_phone": "",
        }
    return {
        "name": row.name,
        "address": row.address,
        "contact_email": row.contact_email,
        "support_email": row.support_email,
        "support_phone": row.support_phone,
    }


def _plans(session: Session, language: str) -> list[dict[str, Any]]:
    """Every active plan in words, grouped by stakeholder (who, when, reminders); the
    programmes applying the very same plan share one row (a large organisation runs the
    same six programmes in ten towns: 24 rows, not 240 over sixteen pages)."""
    programmes = list(session.exec(select(Programme).order_by(Programme.code)))
    groups: dict[tuple[str, str, str, bool], list[str]] = {}
    for programme in [None, *programmes]:
        for plan in list_plans(session=session, programme_id=programme.id if programme else None):
            survey = session.get(Survey, plan.survey_id)
            title = (survey.draft or {}).get("title") if survey else None
            title = title or (survey.title if survey else None)
            sentence = describe_plan(plan, survey_title=title, language=language)
            key = (plan.audience, plan.timing, sentence, programme is None)
            groups.setdefault(key, []).append(programme.code if programme else "")
    order = {audience: index for index, audience in enumerate(metrics.STAKEHOLDER_TYPES)}
    rows = [
        {"audience": audience, "timing": timing, "programme": ", ".join(codes), "sentence": text}
        for (audience, timing, text, _), codes in groups.items()
    ]
    return sorted(
        rows,
        key=lambda r: (order.get(r["audience"], 9), r["programme"], r["timing"], r["sentence"]),
    )


def _instruments(session: Session, version_ids: set[int], language: str) -> list[dict[str, Any]]:
    """The questions of each survey version used in the period, as they were frozen."""
    versions = (
        session.exec(
            select(SurveyVersion)
            .where(SurveyVersion.id.in_(version_ids))
            .order_by(SurveyVersion.survey_id, SurveyVersion.number)
        ).all()
        if version_ids
        else []
    )
    instruments = []
    for version in versions:
        definition = version.definition or {}
        title = definition.get("title") or {}
        questions = [
            {
                "id": question["id"],
                "type": question.get("type", ""),
                "theme": question.get("theme", ""),
                "required": bool(question.get("required")),
                "text": (question.get("text") or {}).get(language)
                or (question.get("text") or {}).get("fr", question["id"]),
            }
            for question in FrozenSurvey(definition).questions()
        ]
        instruments.append(
            {
                "version_id": version.id,
                "number": version.number,
                "title": title.get(language) or title.get("fr", ""),
                "audience": definition.get("audience", ""),
                "timing": definition.get("timing", ""),
                "anonymous": bool(version.anonymous),
                "published_on": version.published_at.date(),
                "questions": questions,
                "free_questions": [q for q in questions if q["type"] == "text"],
            }
        )
    return instruments


def _campaign_versions(session: Session) -> dict[int, int]:
    return dict(session.exec(select(Campaign.id, Campaign.survey_version_id)).all())


def _reminders_sent(session: Session) -> dict[int, int]:
    rows = session.exec(
        select(Invitation.campaign_id, sa.func.sum(Invitation.reminder_count)).group_by(
            Invitation.campaign_id
        )
    ).all()
    return {campaign_id: int(total or 0) for campaign_id, total in rows}


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return records(table)


def campaign_months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The campaign rows summed per month of sending: the pack's summary (the detail of each
    session's sendings is in its dossier, `python -m analysis dossier`)."""
    months: dict[date, dict[str, Any]] = {}
    for row in rows:
        month = row["sent_on"].replace(day=1)
        found = months.setdefault(
            month,
            {
                "month": month,
                "campaigns": 0,
                "sessions": set(),
                "invited": 0,
                "reminders": 0,
                "answered": 0,
            },
        )
        found["campaigns"] += 1
        if row["session"]:
            found["sessions"].add(row["session"])
        for key in ("invited", "reminders", "answered"):
            found[key] += row[key]
    return [
        {
            **item,
            "sessions": len(item["sessions"]),
            "rate": item["answered"] / item["invited"] if item["invited"] else None,
        }
        for _, item in sorted(months.items())
    ]


def _campaign_rows(campaigns: pd.DataFrame, reminders: dict[int, int]) -> list[dict[str, Any]]:
    table = campaigns.sort_values(["scheduled_on", "campaign_id"])
    return [
        {
            "sent_on": row.scheduled_on.date(),
            "label": row.label,
            "audience": row.audience,
            "timing": row.timing,
            "session": row.session if isinstance(row.session, str) else "",
            "invited": int(row.invited),
            "reminders": reminders.get(int(row.campaign_id), 0),
            "reminded": int(row.reminded),
            "answered": int(row.answered),
            "rate": row.answered / row.invited if row.invited else None,
        }
        for row in table.itertuples(index=False)
    ]


def _expression(
    answers: pd.DataFrame, instruments: list[dict[str, Any]], threshold: int
) -> dict[str, Any]:
    comments = mark_quotable(tag_comments(free_text_answers(answers)), answers, threshold)
    return {
        "instruments_with_free_text": sum(1 for item in instruments if item["free_questions"]),
        "instruments": len(instruments),
        "comments": len(comments),
        "respondents": int(comments["response_id"].nunique()) if len(comments) else 0,
        "complaint_like": int(comments["complaint"].sum()) if len(comments) else 0,
        "verbatims": verbatims(comments, limit=VERBATIMS_SHOWN),
    }


def _period_suggestions(
    engine: sa.Engine,
    frames: AnalysisFrames,
    register: pd.DataFrame,
    data: EvidenceData,
    version: str,
) -> list[Suggestion]:
    """The period's suggestions: those the improvement pages hold for the same period, day,
    threshold and data version when there are some (the server computes the default
    period's, the pack page's, at start-up), so the pack and the pages show the same list
    and the pack does not compute it again; otherwise computed here."""
    if data.start is not None and data.today <= data.end:
        kept = kept_suggestions(
            engine,
            start=data.start,
            end=data.end,
            on=data.today,
            small_group_min=data.small_group_min,
            version=version,
        )
        if kept is not None:
            return kept
    inputs = inputs_from_frames(frames, register, start=data.start, end=data.end, today=data.today)
    return suggest(inputs, SuggestionSettings(small_group_min=data.small_group_min))


def _analysis(
    frames: AnalysisFrames,
    found: list[Suggestion],
    data: EvidenceData,
    language: str,
    cache: ContentCache | None = None,
) -> dict[str, Any]:
    sgm = data.small_group_min
    answers = frames.answers
    scores = metrics.theme_scores(answers, small_group_min=sgm, by=("audience",))
    hot_cold = metrics.hot_cold(answers, small_group_min=sgm, by=("programme",), per_theme=False)
    trend = metrics.trends(answers, small_group_min=sgm, freq="Q")
    promoters = metrics.nps(answers, small_group_min=sgm, by=("audience",))
    # directors download the pack: trainers are letters there (see suggestions.pseudonyms)
    found = pseudonymise_trainers(found)
    draw = cached_picture(cache)
    return {
        "headline": metrics.headline(answers, frames.campaigns, small_group_min=sgm),
        "scores": _records(scores.sort_values(["audience", "mean", "theme"])),
        "hot_cold": _records(hot_cold.sort_values("programme")),
        "nps": _records(promoters.sort_values("audience")),
        "suggestions": [_suggestion_row(item, language) for item in found],
        "charts": {
            "scores": printed.picture(printed.theme_chart(scores, language), draw),
            "rates": printed.picture(
                printed.rates_chart(metrics.response_rates(frames.campaigns), language), draw
            ),
            "hot_cold": printed.picture(printed.hot_cold_chart(hot_cold, language), draw),
            "trend": printed.picture(printed.trend_chart(trend, language), draw),
        },
    }


def _suggestion_row(item: Suggestion, language: str) -> dict[str, Any]:
    catalog = load_action_catalog()
    return {
        "id": item.id,
        "severity": item.severity,
        "title": item.title(language),
        "explanation": item.explanation(language),
        "indicators": item.indicators,
        "verbatims": list(item.evidence.verbatims),
        "actions": [catalog.get(action).title.get(language) for action in item.actions],
    }


def _coverage(frames: AnalysisFrames, data: EvidenceData) -> dict[str, Any]:
    matrix = metrics.coverage(
        frames.solicitations, frames.financers, now=data.today, start=data.start, end=data.end
    )
    alerts = metrics.coverage_alerts(matrix, now=data.today)
    return {"matrix": _records(matrix), "alerts": _records(alerts)}


def _complaints(register: pd.DataFrame) -> dict[str, Any]:
    return {
        "rows": _records(register.sort_values(["received_on", "id"])),
        "totals": complaint_totals(register),
        "by_theme": _records(complaint_statistics(register, by=("theme", "kind"))),
    }


def _plan(
    actions: list[ImprovementAction], answers: pd.DataFrame, data: EvidenceData
) -> dict[str, Any]:
    chosen = [action for action in actions if action.created_at.date() <= data.end]
    frame = actions_frame(chosen, today=data.today)
    effects = action_effects(frame, answers, small_group_min=data.small_group_min)
    by_action = {row["action_id"]: row for row in _records(effects)}
    rows = [{**row, "effect": by_action.get(row["id"])} for row in _records(frame)]
    return {"rows": rows, "totals": plan_totals(frame)}


def collect_evidence(
    *,
    engine: sa.Engine,
    settings: Settings,
    start: date | None,
    end: date,
    today: date,
    language: str = "fr",
    cache: ContentCache | None = None,
) -> EvidenceData:
    """Read and compute everything the pack shows for the period [start, end]. The frames
    come from the process's cache of the current data version (the staff app holds them
    already: 4-5 s of reading at the large scale not paid again), never older than the last
    write."""
    version = FRAMES.version(engine)
    everything = FRAMES.get(engine, version)
    frames = apply_filters(everything, AnalysisFilters(start=start, end=end))
    with read_session(engine) as session:
        data = EvidenceData(
            organisation=_organisation(session),
            start=start,
            end=end,
            today=today,
            small_group_min=small_group_min(engine=engine, settings=settings),
        )
        data.plans = _plans(session, language)
        versions = _campaign_versions(session)
        used = {
            versions[int(cid)] for cid in frames.campaigns["campaign_id"] if int(cid) in versions
        }
        data.instruments = _instruments(session, used, language)
        data.campaigns = _campaign_rows(frames.campaigns, _reminders_sent(session))
        register = complaints_frame(list_register(session=session, start=start, end=end))
        actions = list_actions(session=session)
        data.notes = [
            {
                "occurred_on": note.occurred_on,
                "stakeholder_type": note.stakeholder_type,
                "kind": note.kind,
                "organisation": note.organisation,
                "summary": note.summary,
            }
            for note in list_evidence_notes(session=session, start=start, end=end)
        ]
    data.rates = _records(metrics.response_rates(frames.campaigns, by=("audience", "timing")))
    data.dropouts = dropout_section(
        everything,
        AnalysisFilters(start=start, end=end),
        small_group_min=data.small_group_min,
        language=language,
        cache=cache,
    )
    data.expression = _expression(frames.answers, data.instruments, data.small_group_min)
    found = _period_suggestions(engine, frames, register, data, version)
    data.analysis = _analysis(frames, found, data, language, cache)
    data.coverage = _coverage(frames, data)
    data.complaints = _complaints(register)
    data.plan = _plan(actions, everything.answers, data)
    return data
