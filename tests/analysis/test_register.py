"""The register's frame and statistics (analysis.register), from complaint rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from analysis.register import complaint_statistics, complaint_totals, complaints_frame
from surveys.models import Complaint


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def _complaint(theme: str, kind: str, received: int, closed: int | None) -> Complaint:
    item = Complaint(
        kind=kind, theme=theme, summary="s", received_on=date(2026, 3, received), status="received"
    )
    if closed is not None:
        item.acknowledged_at = at(received + 1)
        item.answered_at = at(closed)
        item.closed_at = at(closed)
        item.status = "closed"
    return item


def test_statistics_count_each_theme_and_kind_with_their_median_delays() -> None:
    frame = complaints_frame(
        [
            _complaint("technical_support", "incident", 1, 3),
            _complaint("technical_support", "incident", 1, 7),
            _complaint("technical_support", "incident", 2, None),
            _complaint("virtual_classroom", "complaint", 5, 6),
        ]
    )
    table = complaint_statistics(frame)
    assert table[["theme", "kind", "count", "open", "closed"]].values.tolist() == [
        ["technical_support", "incident", 3, 1, 2],
        ["virtual_classroom", "complaint", 1, 0, 1],
    ]
    assert table.loc[0, "median_days_to_close"] == 4.0  # (2 + 6) / 2
    assert table.loc[0, "median_days_to_acknowledge"] == 1.0
    totals = complaint_totals(frame)
    assert totals["count"] == 4
    assert totals["by_kind"] == {"complaint": 1, "incident": 3, "difficulty": 0}
    assert totals["by_status"]["closed"] == 3


def test_statistics_of_an_empty_register_are_empty_not_an_error() -> None:
    frame = complaints_frame([])
    assert complaint_statistics(frame).empty
    assert complaint_totals(frame)["median_days_to_close"] is None
