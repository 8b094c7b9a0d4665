"""The API's staff pages: a key is created and shown once, then revoked; a webhook is added,
its secret shown once, and its deliveries appear in the log in words a person reads."""

from __future__ import annotations

import pytest
from sqlmodel import select

from reminders.webhooks import deliver_webhooks
from surveys.db import read_session
from surveys.models import ApiKey, WebhookEndpoint, utc_now
from surveys.runtime import AppContext
from tests.api.support import invited, submit
from tests.support.staff_app import logged_in_app

pytestmark = pytest.mark.slow


def open_page(context: AppContext, path: str):
    app = logged_in_app(context, "admin").run()
    return app.switch_page(path).run()


def test_a_key_is_shown_once_then_revoked(app_env: AppContext) -> None:
    app = open_page(app_env, "api/pages/keys.py")
    app.text_input(key="api_key_name").input("Digiforma")
    app.multiselect(key="api_key_scopes").select("people:write")
    app.button[0].click().run()
    assert not app.exception
    (shown,) = [block.value for block in app.code]
    assert shown.startswith("qsk_") and "Digiforma" in app.success[0].value
    with read_session(app_env.engine) as session:
        row = session.exec(select(ApiKey)).one()
    assert row.key_hash != shown and row.scopes == ["people:write"]
    app = open_page(app_env, "api/pages/keys.py")
    assert not app.code  # never shown again
    app.button(key=f"revoke_{row.id}").click().run()
    with read_session(app_env.engine) as session:
        assert session.exec(select(ApiKey)).one().revoked_at is not None


def test_the_delivery_log_reads_as_words(app_env: AppContext) -> None:
    app = open_page(app_env, "api/pages/webhooks.py")
    app.text_input(key="webhook_name").input("TMS")
    app.text_input(key="webhook_url").input("http://127.0.0.1:9/hooks")
    app.button[0].click().run()
    assert not app.exception and app.code[0].value.startswith("whsec_")
    with read_session(app_env.engine) as session:
        assert session.exec(select(WebhookEndpoint.name)).one() == "TMS"
    submit(app_env, invited(app_env, 1)[0])
    deliver_webhooks(engine=app_env.engine, now=utc_now())  # nobody listens on port 9: retry
    app = open_page(app_env, "api/pages/webhooks.py")
    assert not app.exception
    log = app.dataframe[0].value
    assert list(log["Événement"]) == ["Réponse envoyée"]
    assert list(log["État"]) == ["nouvel essai prévu"]
    assert not any("None" in str(value) or "_" in str(value) for value in log.iloc[0])
