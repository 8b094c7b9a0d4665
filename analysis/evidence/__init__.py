"""The audit evidence pack: one HTML document and its PDF for a period (indicators 30 to 32).

`collect_evidence` reads what the auditor asks for (the only database reads of this module:
through `analysis.frames` and the domain functions of `surveys`); `render_evidence_html` turns
it into HTML with the Jinja2 templates of `analysis/templates/`; `evidence_pdf` prints that
HTML with WeasyPrint. The document is a function of the data, the period and the language
only: no generation time in it (the period is the only date on the cover), every list in a
stable order, charts drawn by vl-convert from the same numbers, and PDF metadata fixed from the
period — so the same data gives the same document, byte for byte.

`collect` reads and computes, `render` lays it out; this face hands on the names others use.
"""

from analysis.evidence.cache import ContentCache, document_cache
from analysis.evidence.collect import SECTIONS, EvidenceData, collect_evidence
from analysis.evidence.render import (
    EvidenceDocument,
    evidence_document,
    evidence_pdf,
    render_evidence_html,
    write_evidence,
)

__all__ = [
    "SECTIONS",
    "ContentCache",
    "EvidenceData",
    "EvidenceDocument",
    "collect_evidence",
    "document_cache",
    "evidence_document",
    "evidence_pdf",
    "render_evidence_html",
    "write_evidence",
]
