"""The session dossier an auditor asks for: one training action from invitation to action,
and the programme dossier: all the sessions of one programme, with the same parts.

`collect` reads the session's records (pure reads), `document` lays them out with the results
per question (`analysis.results`) in HTML and a tagged PDF, `programme` gathers a programme's
sessions with those two, `sample` draws N sessions at random (seeded) and writes their
dossiers into one zip.
"""

from analysis.dossier.collect import DossierData, Facts, Solicitation, Step, collect_dossier
from analysis.dossier.document import (
    DossierDocument,
    DossierError,
    build_dossier,
    dossier_pdf,
    dossier_stem,
    render_dossier_html,
    write_dossier,
)
from analysis.dossier.programme import ProgrammeData, build_programme_dossier, collect_programme
from analysis.dossier.sample import (
    draw,
    first_session_code,
    new_seed,
    sessions_ending,
    write_sample,
)

__all__ = [
    "DossierData",
    "DossierDocument",
    "DossierError",
    "Facts",
    "ProgrammeData",
    "Solicitation",
    "Step",
    "build_dossier",
    "build_programme_dossier",
    "collect_dossier",
    "collect_programme",
    "dossier_pdf",
    "dossier_stem",
    "draw",
    "first_session_code",
    "new_seed",
    "render_dossier_html",
    "sessions_ending",
    "write_dossier",
    "write_sample",
]
