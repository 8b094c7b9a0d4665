"""What an import says: its figures, its refused rows and a sample of the file, in the
reader's language and safe to export (`neutralise_formula`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surveys.i18n import t
from surveys.people.reading import Table
from surveys.people.rows import RowProblem
from surveys.spreadsheet import neutralise_formula


@dataclass
class ImportReport:
    rows: int = 0
    imported_rows: int = 0
    people_created: int = 0
    people_updated: int = 0
    programmes_created: int = 0
    sessions_created: int = 0
    enrolments_created: int = 0
    statuses_changed: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # imported, a value set aside
    dry_run: bool = False

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    def message_params(self) -> dict[str, int]:
        """The figures the import's messages (`people_import.summary`, `.done`) name."""
        return {
            "rows": self.rows,
            "imported": self.imported_rows,
            "refused": self.refused_rows,
            "people": self.people_created,
            "updated": self.people_updated,
            "sessions": self.sessions_created,
            "enrolments": self.enrolments_created,
        }

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.people_created,
                self.people_updated,
                self.programmes_created,
                self.sessions_created,
                self.enrolments_created,
                self.statuses_changed,
            )
        )


def report_figures(report: ImportReport) -> list[tuple[str, int]]:
    """The preview's headline figures, keyed like `people_import.figures.*`."""
    return [
        ("rows", report.rows),
        ("importable", report.imported_rows),
        ("refused", report.refused_rows),
        ("people_created", report.people_created),
        ("sessions_created", report.sessions_created),
    ]


def problem_rows(
    report: ImportReport, language: str, problems: list[RowProblem] | None = None
) -> list[dict[str, Any]]:
    """One row per refused row (or per warning, given `problems=report.warnings`): its
    number, column and reason, in the reader's language."""
    return [
        {
            t("people_import.columns.row", language): problem.row,
            t("people_import.columns.column", language): neutralise_formula(problem.column),
            t("people_import.columns.reason", language): problem.message(language),
        }
        for problem in (report.problems if problems is None else problems)
    ]


def sample_rows(
    table: Table, mapping: dict[str, int | None], language: str, limit: int = 20
) -> list[dict[str, Any]]:
    """The first rows as the import reads them (field -> cell), safe to export."""
    return [
        {
            t(f"people_import.fields.{name}", language): neutralise_formula(
                cells[index] if index is not None and index < len(cells) else ""
            )
            for name, index in mapping.items()
        }
        for cells in table.rows[:limit]
    ]
