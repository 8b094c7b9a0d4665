"""Per-question results of a survey (all versions), a campaign or a session, and their report.

`compute` is pure (the answer frame in, one distribution per question out, small-group rule
applied); `scope` reads which versions and answers a scope covers; `document` lays the
"Rapport de résultats" out in HTML and prints its tagged PDF.
"""

from analysis.results.compute import QuestionResult, Row, question_catalogue, question_results
from analysis.results.document import (
    ResultsDocument,
    ResultsReport,
    build_report_document,
    compute_report,
    render_report_html,
    report_from_frames,
    report_pdf,
    write_report,
)
from analysis.results.scope import SCOPE_KINDS, Scope, ScopeError, resolve_scope, scope_answers

__all__ = [
    "SCOPE_KINDS",
    "QuestionResult",
    "ResultsDocument",
    "ResultsReport",
    "Row",
    "Scope",
    "ScopeError",
    "build_report_document",
    "compute_report",
    "question_catalogue",
    "question_results",
    "render_report_html",
    "report_from_frames",
    "report_pdf",
    "resolve_scope",
    "scope_answers",
    "write_report",
]
