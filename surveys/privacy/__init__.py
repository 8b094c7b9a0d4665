"""Personal data over its whole life (RGPD): export one person, erase one person, retention purge.

What erasure means here:
- the person's identity (email, names, and the organisation of a learner or trainer) is wiped
  and the row stays as a tombstone holding only its stakeholder type, so enrolment counts,
  invitation counts and past figures keep their values;
- their answer links die (token hash and salt replaced), unsent messages are cancelled, server
  error texts that could quote their address are cleared, their unfinished drafts are deleted;
- on an erasure request, their named responses lose their link to them (the answers become
  anonymous, so scores are unchanged) and their free-text answers are deleted;
- the retention purge keeps named responses pointing at the tombstone, so hot/cold pairs of old
  periods keep their figures, while nothing left can identify the person;
- every erasure and purge is written to the erasure journal next to a SQLite database, so a
  restored backup (which still holds the person) is erased again (`reapply_erasures`); the
  WAL is checkpointed after the commit, so no copy of the erased rows is left in it.
Anonymous answers were never linked to anybody and stay as they are.

Modules: `export` (what is held about a person), `erasure` (on request, and again after a
restore), `retention` (the rule and the daily purge).
"""

from surveys.privacy.common import PrivacyError
from surveys.privacy.erasure import erase_person, reapply_erasures
from surveys.privacy.export import export_as_csv, export_as_json, export_person
from surveys.privacy.retention import PurgeReport, people_past_retention, purge_expired

__all__ = [
    "PrivacyError",
    "PurgeReport",
    "erase_person",
    "export_as_csv",
    "export_as_json",
    "export_person",
    "people_past_retention",
    "purge_expired",
    "reapply_erasures",
]
