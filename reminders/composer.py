"""From a claimed outbox row to a finished MIME message: the person's link, the plan's (or
the shipped) text, the organisation's name and support contact. What it reads from the
database (organisation, plan texts, survey titles) is read once per dispatch pass."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from reminders.outbox import ClaimedMessage
from reminders.policy import email_template_name
from reminders.rendering import (
    EmailFacts,
    EmailTemplateError,
    OutgoingEmail,
    compose_message,
    default_source,
    plan_source,
    render_email,
)
from surveys.campaigns import answer_url, unsubscribe_url
from surveys.config import Settings
from surveys.models import OrganisationSettings, Survey, SurveyPlan, SurveyVersion
from surveys.tokens import make_token

log = logging.getLogger("reminders.composer")


class MessageComposer:
    def __init__(self, *, engine: sa.Engine, settings: Settings, base_url: str) -> None:
        self.engine = engine
        self.settings = settings
        self.base_url = base_url  # surveys.http.public_url.public_base_url, resolved per pass
        self.cache: dict[Any, Any] = {}

    def links(self, token_salt: str) -> tuple[str, str]:
        """The answer link and the unsubscribe link: the same token, /r/ and /u/."""
        token = make_token(salt=token_salt, session_secret=self.settings.session_secret)
        return answer_url(token, self.base_url), unsubscribe_url(token, self.base_url)

    def compose(
        self, message: ClaimedMessage, *, address: str, message_id: str, now: datetime
    ) -> OutgoingEmail:
        organisation = self._organisation()
        answer_url, unsubscribe_url = self.links(message.token_salt)
        facts = EmailFacts(
            language=message.language,
            first_name=message.first_name,
            last_name=message.last_name,
            organisation_name=organisation["name"],
            support_email=organisation["support_email"],
            support_phone=organisation["support_phone"],
            survey_title=self._survey_title(message.survey_version_id, message.language),
            closes_at=message.closes_at,
            answer_url=answer_url,
            unsubscribe_url=unsubscribe_url,
        )
        template = email_template_name(message.kind, message.sequence)
        overrides = self._overrides(message.plan_id)
        try:
            rendered = render_email(plan_source(overrides, template, message.language), facts)
        except EmailTemplateError:  # an edited text that broke: the shipped one still goes
            log.exception("plan %s: edited email does not render; default used", message.plan_id)
            rendered = render_email(default_source(template, message.language), facts)
        return compose_message(
            rendered,
            to_address=address,
            to_name=f"{message.first_name} {message.last_name}".strip(),
            from_address=self.settings.mail_from,
            from_name=organisation["name"],
            unsubscribe_url=unsubscribe_url,
            message_id=message_id,
            now=now,
        )

    def _cached(self, key: Any, load: Callable[[sa.Connection], Any]) -> Any:
        if key not in self.cache:
            with self.engine.connect() as connection:
                self.cache[key] = load(connection)
        return self.cache[key]

    def _organisation(self) -> dict[str, str]:
        table = OrganisationSettings.__table__  # type: ignore[attr-defined]
        columns = (table.c.name, table.c.support_email, table.c.support_phone)

        def load(connection: sa.Connection) -> dict[str, str]:
            row = connection.execute(sa.select(*columns).where(table.c.id == 1)).first()
            name, support_email, support_phone = row or ("", "", "")
            return {"name": name, "support_email": support_email, "support_phone": support_phone}

        return self._cached("organisation", load)

    def _overrides(self, plan_id: int | None) -> dict[str, Any]:
        if plan_id is None:
            return {}
        table = SurveyPlan.__table__  # type: ignore[attr-defined]

        def load(connection: sa.Connection) -> dict[str, Any]:
            query = sa.select(table.c.email_overrides).where(table.c.id == plan_id)
            return connection.execute(query).scalar() or {}

        return self._cached(("plan", plan_id), load)

    def _survey_title(self, version_id: int, language: str) -> str:
        def load(connection: sa.Connection) -> tuple[dict[str, Any], str]:
            versions = SurveyVersion.__table__  # type: ignore[attr-defined]
            surveys = Survey.__table__  # type: ignore[attr-defined]
            query = (
                sa.select(versions.c.definition, surveys.c.title)
                .join(surveys, surveys.c.id == versions.c.survey_id)
                .where(versions.c.id == version_id)
            )
            definition, title = connection.execute(query).one()
            return (definition or {}).get("title") or {}, title

        titles, fallback = self._cached(("version", version_id), load)
        return titles.get(language) or titles.get("fr") or fallback
