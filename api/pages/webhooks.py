import streamlit as st
from sqlmodel import Session

from api.webhooks import (
    WebhookError,
    create_endpoint,
    deactivate_endpoint,
    delivery_log,
    list_endpoints,
)
from surveys.config import DISPLAY_TIMEZONE
from surveys.db import read_session, write_session
from surveys.models import WEBHOOK_EVENTS, utc_now
from surveys.pages.common import choose_many, context, create_with_secret, plain, staff_page, tr

me = staff_page("api.webhooks.title", "api.webhooks.intro", roles=("admin",))


def event_label(event: str) -> str:
    return tr(f"api.vocab.event.{event}")


with st.form("create_webhook", clear_on_submit=True):
    name = st.text_input(tr("api.webhooks.name"), key="webhook_name")
    url = st.text_input(tr("api.webhooks.url"), key="webhook_url")
    events = choose_many(
        st,
        tr("api.webhooks.events"),
        WEBHOOK_EVENTS,
        "webhook_events",
        event_label,
        default=list(WEBHOOK_EVENTS),
    )
    submitted = st.form_submit_button(tr("api.webhooks.create"))


def _create(session: Session) -> tuple[str, str]:
    row, secret = create_endpoint(
        session=session, name=name, url=url, events=events, actor=me.email, now=utc_now()
    )
    return row.name, secret


if submitted:
    create_with_secret(_create, "api.webhooks.created", WebhookError)

with read_session(context().engine) as session:
    endpoints = list_endpoints(session=session)
    log = delivery_log(session=session)
for item in endpoints:
    left, right = st.columns([5, 1])
    state = "" if item.active else f" · {tr('api.webhooks.inactive')}"
    names = ", ".join(event_label(event) for event in item.events)
    left.markdown(f"**{plain(item.name)}** · {plain(item.url)}{state}  \n{names}")
    if item.active and right.button(tr("api.webhooks.deactivate"), key=f"off_{item.id}"):
        with write_session(context().engine) as session:
            deactivate_endpoint(session=session, endpoint_id=item.id, actor=me.email, now=utc_now())
        st.rerun()

st.subheader(tr("api.webhooks.log"))
st.caption(tr("api.webhooks.unknown_note"))
if not log:
    st.caption(tr("common.none"))
else:
    for entry in log:
        for column in ("created_at", "delivered_at"):
            moment = entry[column]
            entry[column] = (
                moment.astimezone(DISPLAY_TIMEZONE).strftime("%d/%m/%Y %H:%M") if moment else ""
            )
        entry["event_type"] = event_label(entry["event_type"])
        entry["status"] = tr(f"api.vocab.delivery.{entry['status']}")
        entry["response_status"] = str(entry["response_status"] or "")
    st.dataframe(
        [{tr(f"api.columns.{key}"): value for key, value in entry.items()} for entry in log],
        hide_index=True,
        key="webhook_log",
    )
