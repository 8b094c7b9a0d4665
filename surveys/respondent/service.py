"""The database side of answering, in four rooms, named here for the routes and tests:

- `links`: resolve a link (one query; a GET writes nothing), the organisation's details,
  the frozen form of a version (built once);
- `drafts`: save a section into the draft, stamp the first opening;
- `submit`: the final submit, once per invitation (a conditional UPDATE claims it);
- `opt_out`: stop every email to the link's person, and the unsubscribe page's facts.

Every write locks the invitation row first (`FOR UPDATE` on PostgreSQL; on SQLite the write
transaction starts with `BEGIN IMMEDIATE` and so already holds the database's write lock, see
`surveys.db`), then re-reads the link's state, so two tabs or a double click are serialised.
"""

from surveys.respondent.drafts import day_start, mark_opened, save_section
from surveys.respondent.links import (
    Database,
    Link,
    LinkState,
    OrganisationInfo,
    organisation_info,
    resolve_link,
    submitted_answers,
    version_form,
)
from surveys.respondent.opt_out import opt_out, unsubscribe_status
from surveys.respondent.submit import ANSWERABLE_STATUSES, SubmitOutcome, submit_response

__all__ = [
    "ANSWERABLE_STATUSES",
    "Database",
    "Link",
    "LinkState",
    "OrganisationInfo",
    "SubmitOutcome",
    "day_start",
    "mark_opened",
    "opt_out",
    "organisation_info",
    "resolve_link",
    "save_section",
    "submit_response",
    "submitted_answers",
    "unsubscribe_status",
    "version_form",
]
