"""The respondent's side: the answer form reached from the emailed link, thank-you, unsubscribe.

Plain HTML rendered with Jinja2 by Starlette routes of the one server (see ARCHITECTURE.md):
`form` (pure parsing and validation of a frozen survey version), `service` (database effects),
`rendering` (the HTML, shared with the builder's preview), `security` (anti-forgery values, the
invalid-link slow-down), `routes` (the HTTP endpoints).
"""
