"""The respondent's side: the answer form reached from the emailed link, thank-you, unsubscribe.

Plain HTML rendered with Jinja2 by Starlette routes of the one server (see ARCHITECTURE.md):
`form` (pure parsing and validation of a frozen survey version), `service` (database effects),
`rendering` (the HTML pages, shared with the builder's preview), `questions` (one question's
HTML and its cache), `security` (anti-forgery values, the invalid-link slow-down), `routes`
(the HTTP endpoints).
"""
