"""What staff do by hand: start a campaign now, pause and resume it, resend to one person,
decide about a message whose fate is unknown, edit a plan's emails. Each action is recorded
in the audit log and refused with a clear (translatable) reason when it makes no sense."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from reminders import policy
from reminders.planner import invite_audience, plan_schedule
from reminders.rendering import EMAIL_TEMPLATE_NAMES, EmailSource, EmailTemplateError, check_source
from surveys.audit import record
from surveys.campaigns import session_campaign_key, yearly_campaign_key
from surveys.config import Settings
from surveys.i18n import SUPPORTED_LANGUAGES, TranslatableError
from surveys.models import (
    Campaign,
    Invitation,
    OutboundMessage,
    Person,
    Survey,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)
from surveys.schedule import paris_year


class CampaignActionError(TranslatableError):
    """A staff action on campaigns or messages was refused (the message says why)."""


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignActionError("reminders.errors.no_campaign")
    return campaign


def pause_campaign(*, session: Session, campaign_id: int, actor: str, now: datetime) -> Campaign:
    """Hold every message of the campaign (invitations and reminders) until it resumes."""
    campaign = _campaign(session, campaign_id)
    if campaign.status not in policy.OPEN_CAMPAIGN_STATUSES:
        raise CampaignActionError("reminders.errors.not_pausable")
    campaign.status = "paused"
    session.add(campaign)
    record(session, actor=actor, action="campaign.pause", target=f"campaign:{campaign.id}", at=now)
    return campaign


def resume_campaign(*, session: Session, campaign_id: int, actor: str, now: datetime) -> Campaign:
    campaign = _campaign(session, campaign_id)
    if campaign.status != "paused":
        raise CampaignActionError("reminders.errors.not_paused")
    if campaign.closes_at <= now:
        raise CampaignActionError("reminders.errors.campaign_over")
    campaign.status = "open" if campaign.scheduled_at <= now else "scheduled"
    session.add(campaign)
    record(session, actor=actor, action="campaign.resume", target=f"campaign:{campaign.id}", at=now)
    return campaign


def _latest_version_id(session: Session, survey_id: int) -> int | None:
    return session.exec(
        select(sa.func.max(SurveyVersion.id)).where(SurveyVersion.survey_id == survey_id)
    ).one()


def start_campaign_now(
    *,
    session: Session,
    plan_id: int,
    session_id: int | None,
    now: datetime,
    settings: Settings,
    actor: str,
) -> Campaign:
    """Start a plan's campaign for one session (or this year's) now instead of on its date;
    invitations are queued at once. Refused when that campaign already started."""
    plan = session.get(SurveyPlan, plan_id)
    if plan is None or not plan.active:
        raise CampaignActionError("reminders.errors.no_plan")
    version_id = _latest_version_id(session, plan.survey_id)
    if version_id is None:
        raise CampaignActionError("reminders.errors.not_published")
    if session_id is None:
        key = yearly_campaign_key(plan.id, paris_year(now))
        label_suffix = str(paris_year(now))
    else:
        training = session.get(TrainingSession, session_id)
        if training is None or training.programme_id != plan.programme_id:
            raise CampaignActionError("reminders.errors.no_session")
        key, label_suffix = session_campaign_key(plan.id, session_id), training.code
    if session.exec(select(Campaign.id).where(Campaign.key == key)).first() is not None:
        raise CampaignActionError("reminders.errors.already_started")
    title = session.get(Survey, plan.survey_id).title
    campaign = Campaign(
        key=key,
        plan_id=plan.id,
        survey_version_id=version_id,
        session_id=session_id,
        audience=plan.audience,
        timing=plan.timing,
        label=f"{title} – {label_suffix}"[:200],
        scheduled_at=now,
        closes_at=policy.closes_at(now, plan_schedule(plan)),
        reminder_offsets_days=list(plan.reminder_offsets_days or ()),
        status="open",
    )
    session.add(campaign)
    session.flush()
    invite_audience(
        session=session, campaign=campaign, now=now, session_secret=settings.session_secret
    )
    record(
        session,
        actor=actor,
        action="campaign.start_now",
        target=f"campaign:{campaign.id}",
        at=now,
        details={"key": key},
    )
    return campaign


def send_campaign_now(
    *, session: Session, campaign_id: int, now: datetime, settings: Settings, actor: str
) -> int:
    """Open a scheduled campaign now, invite whoever is missing, and make its waiting
    messages (including those backing off after an error) due now. Returns messages due."""
    campaign = _campaign(session, campaign_id)
    if campaign.status == "paused":
        raise CampaignActionError("reminders.errors.paused")
    if campaign.status == "closed" or campaign.closes_at <= now:
        raise CampaignActionError("reminders.errors.campaign_over")
    if campaign.scheduled_at > now:
        campaign.scheduled_at = now
    campaign.status = "open"
    session.add(campaign)
    session.flush()
    invite_audience(
        session=session, campaign=campaign, now=now, session_secret=settings.session_secret
    )
    invitations = select(Invitation.id).where(Invitation.campaign_id == campaign.id)
    waiting = sa.and_(
        OutboundMessage.invitation_id.in_(invitations),
        OutboundMessage.status.in_(("pending", "retry")),
    )
    session.execute(
        sa.update(OutboundMessage).where(waiting, OutboundMessage.due_at > now).values(due_at=now)
    )
    record(
        session, actor=actor, action="campaign.send_now", target=f"campaign:{campaign.id}", at=now
    )
    return session.exec(select(sa.func.count()).select_from(OutboundMessage).where(waiting)).one()


def _refusal(session: Session, invitation: Invitation, now: datetime) -> str | None:
    person = session.get(Person, invitation.person_id) if invitation.person_id else None
    campaign = session.get(Campaign, invitation.campaign_id)
    if campaign.status == "paused":
        return "campaign_paused"
    return policy.refusal_reason(
        policy.Recipient(
            has_email=bool(person and person.email),
            erased=bool(person and person.erased_at),
            opted_out=bool(person and person.opted_out_at),
            bounced=bool(person and person.bounced_at),
            invitation_status=invitation.status,
            campaign_status=campaign.status,
            campaign_closes_at=campaign.closes_at,
        ),
        now,
    )


def resend_to_person(
    *, session: Session, invitation_id: int, now: datetime, actor: str
) -> OutboundMessage:
    """Queue the invitation again for one person (same personal link), due now."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise CampaignActionError("reminders.errors.no_invitation")
    reason = _refusal(session, invitation, now)
    if reason is not None:
        raise CampaignActionError(f"reminders.refusal.{reason}")
    rows = OutboundMessage.invitation_id == invitation.id
    outstanding = select(OutboundMessage.id).where(
        rows, OutboundMessage.status.in_(("pending", "sending", "retry"))
    )
    if session.exec(outstanding).first() is not None:
        raise CampaignActionError("reminders.errors.on_its_way")
    last = session.exec(
        select(sa.func.max(OutboundMessage.sequence)).where(rows, OutboundMessage.kind == "resend")
    ).one()
    message = OutboundMessage(
        invitation_id=invitation.id,
        kind="resend",
        sequence=(last or 0) + 1,
        due_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    record(
        session, actor=actor, action="message.resend", target=f"invitation:{invitation.id}", at=now
    )
    return message


def resolve_unknown(
    *, session: Session, message_id: int, decision: str, actor: str, now: datetime
) -> OutboundMessage:
    """Staff's decision on a message whose fate is unknown: "sent" (the person got it, e.g.
    the server's log shows its Message-ID) or "resend" (send it again, knowingly)."""
    message = session.get(OutboundMessage, message_id)
    if message is None or message.status != "unknown":
        raise CampaignActionError("reminders.errors.not_unknown")
    if decision == "sent":
        message.status, message.sent_at = "sent", message.claimed_at or now
        invitation = session.get(Invitation, message.invitation_id)
        if message.kind == "reminder":
            invitation.reminder_count += 1
            invitation.last_reminded_at = message.sent_at
        else:
            invitation.sent_at = invitation.sent_at or message.sent_at
            invitation.status = (
                "sent" if invitation.status in ("pending", "failed") else invitation.status
            )
        session.add(invitation)
    elif decision == "resend":
        message.status, message.due_at, message.claimed_by = "pending", now, None
    else:
        raise CampaignActionError("reminders.errors.bad_decision")
    message.last_error = f"{message.last_error or ''} [{decision}: {actor}]"[:2000]
    session.add(message)
    record(
        session,
        actor=actor,
        action=f"message.unknown_{decision}",
        target=f"message:{message.id}",
        at=now,
    )
    return message


def _plan_for_email(session: Session, plan_id: int) -> SurveyPlan:
    plan = session.get(SurveyPlan, plan_id)
    if plan is None:
        raise CampaignActionError("reminders.errors.no_plan")
    return plan


def _set_email_override(
    session: Session,
    plan: SurveyPlan,
    language: str,
    template_name: str,
    own: dict[str, str] | None,
    *,
    actor: str,
    action: str,
) -> None:
    """Store (`own`: subject and body) or drop (None) the plan's own email of this kind and
    language, with its audit line."""
    overrides = {lang: dict(kinds) for lang, kinds in (plan.email_overrides or {}).items()}
    if own is None:
        overrides.get(language, {}).pop(template_name, None)
    else:
        overrides.setdefault(language, {})[template_name] = own
    plan.email_overrides = overrides  # a new dict, so the JSON column is seen as changed
    session.add(plan)
    record(
        session,
        actor=actor,
        action=action,
        target=f"plan:{plan.id}",
        details={"language": language, "email": template_name},
    )


def save_plan_email(
    *,
    session: Session,
    plan_id: int,
    language: str,
    template_name: str,
    subject: str,
    body: str,
    actor: str,
) -> None:
    """Store a plan's own subject and body for one kind of email and language (checked
    first: an email that would not render is refused)."""
    plan = _plan_for_email(session, plan_id)
    if language not in SUPPORTED_LANGUAGES or template_name not in EMAIL_TEMPLATE_NAMES:
        raise CampaignActionError("reminders.errors.bad_template")
    source = EmailSource(subject=subject.strip(), body=body.strip())
    if not source.subject or not source.body:
        raise CampaignActionError("reminders.errors.empty_email")
    try:
        check_source(source, language)
    except EmailTemplateError as error:
        raise CampaignActionError("reminders.errors.template", detail=str(error)) from error
    own = {"subject": source.subject, "body": source.body}
    _set_email_override(
        session, plan, language, template_name, own, actor=actor, action="plan.email_edit"
    )


def reset_plan_email(
    *, session: Session, plan_id: int, language: str, template_name: str, actor: str
) -> None:
    """Go back to the shipped template for this kind of email and language."""
    plan = _plan_for_email(session, plan_id)
    _set_email_override(
        session, plan, language, template_name, None, actor=actor, action="plan.email_reset"
    )
