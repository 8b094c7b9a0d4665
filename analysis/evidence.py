"""The audit evidence pack: one HTML document and its PDF for a period (indicators 30 to 32).

`collect_evidence` reads what the auditor asks for (the only database reads of this module:
through `analysis.frames` and the domain functions of `surveys`); `render_evidence_html` turns
it into HTML with the Jinja2 templates of `analysis/templates/`; `evidence_pdf` prints that
HTML with WeasyPrint. The document is a function of the data, the period and the language
only: no generation time in it (the period is the only date on the cover), every list in a
stable order, charts drawn by vl-convert from the same numbers, and PDF metadata fixed from the
period — so the same data gives the same document, byte for byte.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import select

from analysis import metrics
from analysis.effects import action_effects
from analysis.frames import AnalysisFilters, apply_filters, load_frames, small_group_min
from analysis.suggestions import (
    Suggestion,
    SuggestionSettings,
    format_params,
    inputs_from_frames,
    suggest,
    theme_label,
)
from analysis.text import free_text_answers, tag_comments, verbatims
from surveys.db import read_session
from surveys.i18n import label, t
from surveys.improvement.actions import actions_frame, list_actions, plan_totals
from surveys.improvement.complaints import complaint_statistics, complaint_totals, complaints_frame
from surveys.improvement.complaints import list_complaints as list_register
from surveys.improvement.evidence_notes import list_evidence_notes
from surveys.models import (
    Campaign,
    Invitation,
    OrganisationSettings,
    Programme,
    Survey,
    SurveyVersion,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu Sans"
SECTIONS = (
    "plans",
    "instruments",
    "campaigns",
    "rates",
    "expression",
    "analysis",
    "coverage",
    "complaints",
    "plan",
    "notes",
)
VERBATIMS_SHOWN = 6
CHART_WIDTH = 560
LABEL_LIMIT = 300  # points: long theme names stay readable


@dataclass(frozen=True)
class EvidenceDocument:
    html: str
    title: str
    author: str
    start: date | None
    end: date
    language: str


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
    expression: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    coverage: dict[str, Any] = field(default_factory=dict)
    complaints: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)


# -- Reading ------------------------------------------------------------------------------------


def _organisation(session: Any) -> dict[str, Any]:
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


def _plans(session: Any, language: str) -> list[dict[str, Any]]:
    """Every active plan in words, grouped by stakeholder (who, when, reminders)."""
    from surveys.plans.service import describe_plan, list_plans

    programmes = list(session.exec(select(Programme).order_by(Programme.code)))
    rows = []
    for programme in [None, *programmes]:
        for plan in list_plans(session=session, programme_id=programme.id if programme else None):
            survey = session.get(Survey, plan.survey_id)
            title = (survey.draft or {}).get("title") if survey else None
            rows.append(
                {
                    "audience": plan.audience,
                    "timing": plan.timing,
                    "programme": programme.code if programme else "",
                    "sentence": describe_plan(
                        plan,
                        survey_title=title or (survey.title if survey else None),
                        language=language,
                    ),
                    "reminders": list(plan.reminder_offsets_days),
                }
            )
    order = {audience: index for index, audience in enumerate(metrics.STAKEHOLDER_TYPES)}
    return sorted(
        rows,
        key=lambda row: (
            order.get(row["audience"], 9),
            row["programme"],
            row["timing"],
            row["sentence"],
        ),
    )


def _instruments(session: Any, version_ids: set[int], language: str) -> list[dict[str, Any]]:
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
            for section in definition.get("sections", [])
            for question in section["questions"]
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


def _campaign_versions(session: Any) -> dict[int, int]:
    return dict(session.exec(select(Campaign.id, Campaign.survey_version_id)).all())


def _reminders_sent(session: Any) -> dict[int, int]:
    rows = session.exec(
        select(Invitation.campaign_id, sa.func.sum(Invitation.reminder_count)).group_by(
            Invitation.campaign_id
        )
    ).all()
    return {campaign_id: int(total or 0) for campaign_id, total in rows}


# -- Computing ------------------------------------------------------------------------------------


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    from analysis.summary import records

    return records(table)


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


def _expression(answers: pd.DataFrame, instruments: list[dict[str, Any]]) -> dict[str, Any]:
    comments = tag_comments(free_text_answers(answers))
    return {
        "instruments_with_free_text": sum(1 for item in instruments if item["free_questions"]),
        "instruments": len(instruments),
        "comments": len(comments),
        "respondents": int(comments["response_id"].nunique()) if len(comments) else 0,
        "complaint_like": int(comments["complaint"].sum()) if len(comments) else 0,
        "verbatims": verbatims(comments, limit=VERBATIMS_SHOWN),
    }


def _analysis(
    frames: Any, register: pd.DataFrame, data: EvidenceData, language: str
) -> dict[str, Any]:
    sgm = data.small_group_min
    answers = frames.answers
    scores = metrics.theme_scores(answers, small_group_min=sgm, by=("audience",))
    hot_cold = metrics.hot_cold(answers, small_group_min=sgm, by=("programme",), per_theme=False)
    trend = metrics.trends(answers, small_group_min=sgm, freq="Q")
    promoters = metrics.nps(answers, small_group_min=sgm, by=("audience",))
    settings = SuggestionSettings(small_group_min=sgm)
    inputs = inputs_from_frames(frames, register, start=data.start, end=data.end, today=data.today)
    found = suggest(inputs, settings)
    return {
        "headline": metrics.headline(answers, frames.campaigns, small_group_min=sgm),
        "scores": _records(scores.sort_values(["audience", "mean", "theme"])),
        "hot_cold": _records(hot_cold.sort_values("programme")),
        "nps": _records(promoters.sort_values("audience")),
        "suggestions": [_suggestion_row(item, language) for item in found],
        "charts": {
            "scores": chart_png(theme_chart(scores, language)),
            "rates": chart_png(rates_chart(metrics.response_rates(frames.campaigns), language)),
            "hot_cold": chart_png(hot_cold_chart(hot_cold, language)),
            "trend": chart_png(trend_chart(trend, language)),
        },
    }


def _suggestion_row(item: Suggestion, language: str) -> dict[str, Any]:
    from analysis.action_catalog import load_action_catalog

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


def _coverage(frames: Any, data: EvidenceData) -> dict[str, Any]:
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


def _plan(actions: list[Any], answers: pd.DataFrame, data: EvidenceData) -> dict[str, Any]:
    chosen = [action for action in actions if action.created_at.date() <= data.end]
    frame = actions_frame(chosen, today=data.today)
    effects = action_effects(frame, answers, small_group_min=data.small_group_min)
    by_action = {row["action_id"]: row for row in _records(effects)}
    rows = [{**row, "effect": by_action.get(row["id"])} for row in _records(frame)]
    return {"rows": rows, "totals": plan_totals(frame)}


def collect_evidence(
    *,
    engine: sa.Engine,
    settings: Any,
    start: date | None,
    end: date,
    today: date,
    language: str = "fr",
) -> EvidenceData:
    """Read and compute everything the pack shows for the period [start, end]."""
    everything = load_frames(engine=engine)
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
    data.expression = _expression(frames.answers, data.instruments)
    data.analysis = _analysis(frames, register, data, language)
    data.coverage = _coverage(frames, data)
    data.complaints = _complaints(register)
    data.plan = _plan(actions, everything.answers, data)
    return data


# -- Charts (Altair -> PNG with vl-convert, embedded as data URIs) -----------------------------


@cache
def _fonts_registered() -> bool:
    import vl_convert

    if FONT_DIR.exists():
        vl_convert.register_font_directory(str(FONT_DIR))
    return True


def _configured(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFont=FONT, titleFont=FONT)
        .configure_view(stroke=None)
    )


def chart_png(chart: alt.Chart | None) -> str | None:
    """The chart as a `data:image/png;base64,...` URI (None when there is nothing to draw)."""
    if chart is None:
        return None
    import vl_convert

    _fonts_registered()
    png = vl_convert.vegalite_to_png(_configured(chart).to_dict(), scale=2)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def theme_chart(scores: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = scores[~scores["protected"].astype(bool)].copy()
    if shown.empty:
        return None
    shown["label"] = [
        f"{label('stakeholder', a, language)} · {theme_label(th, language)}"
        for a, th in zip(shown["audience"], shown["theme"], strict=True)
    ]
    shown = shown.sort_values(["audience", "mean", "theme"])
    base = alt.Chart(shown[["label", "mean", "ci_low", "ci_high"]]).encode(
        y=alt.Y(
            "label:N", sort=list(shown["label"]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)
        )
    )
    bars = base.mark_bar(clip=True, color="#2f6f9f").encode(
        x=alt.X(
            "mean:Q",
            scale=alt.Scale(domain=[1, 5]),
            title=t("improve.evidence.chart_mean", language),
        )
    )
    interval = base.mark_rule(color="#1b1b1b").encode(x="ci_low:Q", x2="ci_high:Q")
    return (bars + interval).properties(
        width=CHART_WIDTH - LABEL_LIMIT, height=max(60, 16 * len(shown))
    )


def rates_chart(rates: pd.DataFrame, language: str) -> alt.Chart | None:
    if rates.empty:
        return None
    shown = rates.assign(
        label=[
            f"{label('stakeholder', a, language)} · {label('timing', tm, language)}"
            for a, tm in zip(rates["audience"], rates["timing"], strict=True)
        ]
    )
    return (
        alt.Chart(shown[["label", "rate"]])
        .mark_bar(color="#3f8f5f")
        .encode(
            x=alt.X(
                "rate:Q",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
                title=t("improve.evidence.chart_rate", language),
            ),
            y=alt.Y("label:N", sort=list(shown["label"]), title=None),
        )
        .properties(width=CHART_WIDTH - 200, height=max(60, 18 * len(shown)))
    )


def hot_cold_chart(table: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = table[~table["protected"].astype(bool)]
    if shown.empty:
        return None
    hot, cold = label("timing", "hot", language), label("timing", "cold", language)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "programme": shown["programme"].astype(str),
                    "when": hot,
                    "mean": shown["hot_mean"],
                }
            ),
            pd.DataFrame(
                {
                    "programme": shown["programme"].astype(str),
                    "when": cold,
                    "mean": shown["cold_mean"],
                }
            ),
        ],
        ignore_index=True,
    )
    return (
        alt.Chart(long)
        .mark_bar(clip=True)
        .encode(
            y=alt.Y("programme:N", title=None, sort=sorted(shown["programme"].astype(str))),
            yOffset=alt.YOffset("when:N", sort=[hot, cold]),
            x=alt.X(
                "mean:Q",
                scale=alt.Scale(domain=[1, 5]),
                title=t("improve.evidence.chart_mean", language),
            ),
            color=alt.Color(
                "when:N",
                sort=[hot, cold],
                title=None,
                scale=alt.Scale(range=["#d9822b", "#2f6f9f"]),
            ),
        )
        .properties(width=CHART_WIDTH - 160, height=max(60, 34 * len(shown)))
    )


def trend_chart(trend: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = trend[~trend["protected"].astype(bool)].copy()
    if shown.empty:
        return None
    shown["who"] = [label("stakeholder", value, language) for value in shown["audience"]]
    return (
        alt.Chart(shown[["period", "who", "mean"]])
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "period:O",
                title=None,
                sort=sorted(shown["period"].astype(str)),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "mean:Q",
                scale=alt.Scale(domain=[1, 5]),
                title=t("improve.evidence.chart_mean", language),
            ),
            color=alt.Color("who:N", title=None, sort=sorted(shown["who"])),
        )
        .properties(width=CHART_WIDTH - 120, height=180)
    )


# -- Rendering ------------------------------------------------------------------------------------


def _score(value: Any, language: str) -> str:
    return format_params({"mean": value}, language)["mean"] if value is not None else "—"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment


def _helpers(language: str) -> dict[str, Any]:
    def tr(key: str, **params: Any) -> str:
        return t(key, language, **params)

    def fmt(key: str, value: Any) -> str:
        return format_params({key: value}, language)[key]

    return {
        "tr": tr,
        "fmt": fmt,
        "lang": language,
        "score": lambda value: _score(value, language),
        "pct": lambda value: "—" if value is None else fmt("rate", float(value)),
        "day": lambda value: "—" if value is None else fmt("start", _as_date(value)),
        "stakeholder": lambda value: label("role", str(value), language),
        "stakeholders": lambda value: label("stakeholder", str(value), language),
        "timing": lambda value: label("timing", str(value), language),
        "theme": lambda value: theme_label(str(value), language) if value else "—",
        "vocab": lambda kind, value: t(f"improve.vocab.{kind}.{value}", language),
        "origin": lambda value: _origin(str(value or ""), language),
    }


def _origin(origin: str, language: str) -> str:
    """Where an action came from, as a reader says it ("complaint:3" -> "Réclamation n° 3")."""
    kind, _, rest = origin.partition(":")
    if kind == "complaint" and rest:
        return t("improve.evidence.origin_complaint", language, id=rest)
    if kind == "suggestion" and rest:
        return t("improve.evidence.origin_suggestion", language)
    return "" if origin == "manual" else origin


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def render_evidence_html(data: EvidenceData, language: str = "fr") -> str:
    template = _environment().get_template("evidence.html")
    return template.render(data=data, sections=SECTIONS, **_helpers(language))


def build_evidence(
    *,
    engine: sa.Engine,
    settings: Any,
    start: date | None,
    end: date,
    today: date,
    language: str = "fr",
) -> EvidenceDocument:
    data = collect_evidence(
        engine=engine, settings=settings, start=start, end=end, today=today, language=language
    )
    title = t("improve.evidence.title", language)
    return EvidenceDocument(
        html=render_evidence_html(data, language),
        title=title,
        author=data.organisation["name"],
        start=start,
        end=end,
        language=language,
    )


def evidence_pdf(document: EvidenceDocument) -> bytes:
    """The PDF of the document, with metadata fixed from the period (no creation time)."""
    from weasyprint import HTML

    stamp = datetime.combine(document.end, time(0, 0), tzinfo=UTC).isoformat()
    rendered = HTML(string=document.html, base_url=str(TEMPLATES_DIR)).render()
    metadata = rendered.metadata
    metadata.title, metadata.authors = document.title, [document.author] if document.author else []
    metadata.created = metadata.modified = stamp
    metadata.generator = "qualiopi-surveys"
    metadata.lang = document.language
    return rendered.write_pdf(pdf_identifier=_identifier(document))


def _identifier(document: EvidenceDocument) -> bytes:
    import hashlib

    return hashlib.md5(document.html.encode("utf-8"), usedforsecurity=False).hexdigest().encode()


def write_evidence(document: EvidenceDocument, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / "evidence.html", out_dir / "evidence.pdf"
    html_path.write_text(document.html, encoding="utf-8")
    pdf_path.write_bytes(evidence_pdf(document))
    return html_path, pdf_path


__all__ = [
    "SECTIONS",
    "EvidenceData",
    "EvidenceDocument",
    "build_evidence",
    "chart_png",
    "collect_evidence",
    "evidence_pdf",
    "render_evidence_html",
    "write_evidence",
]
