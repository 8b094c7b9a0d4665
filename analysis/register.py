"""The complaints register and the improvement plan as pandas frames, with their totals.

The records themselves (validation, status steps, the audit trail) belong to `surveys`;
what the dashboard, the suggestions and the evidence pack compute from them lives here, so
that `surveys` needs no pandas. Delays are in days counted from the day of receipt (Paris).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from surveys.improvement.actions import ACTION_COLUMNS, action_row
from surveys.improvement.complaints import (
    COMPLAINT_COLUMNS,
    DELAY_COLUMNS,
    OPEN_STATUSES,
    complaint_row,
)
from surveys.models import (
    ACTION_STATUSES,
    COMPLAINT_KINDS,
    COMPLAINT_STATUSES,
    Complaint,
    ImprovementAction,
)


def complaints_frame(complaints: Iterable[Complaint]) -> pd.DataFrame:
    """The register as a frame (one row per complaint; delays as nullable integers)."""
    frame = pd.DataFrame(
        [complaint_row(item) for item in complaints], columns=list(COMPLAINT_COLUMNS)
    )
    for column in DELAY_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    return frame


def _median(values: pd.Series) -> float | None:
    clean = values.dropna()
    return round(float(clean.median()), 1) if len(clean) else None


def complaint_statistics(
    frame: pd.DataFrame, by: Sequence[str] = ("theme", "kind")
) -> pd.DataFrame:
    """Per group: how many, how many still open, and the median delays in days.

    Sorted by count (descending) then by the group keys, so the output is stable."""
    columns = [*by, "count", "open", "closed", *(f"median_{c}" for c in DELAY_COLUMNS)]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for keys, group in frame.groupby(list(by), sort=True, dropna=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                "count": len(group),
                "open": int(group["status"].isin(OPEN_STATUSES).sum()),
                "closed": int((group["status"] == "closed").sum()),
                **{f"median_{c}": _median(group[c]) for c in DELAY_COLUMNS},
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["count", *by], ascending=[False, *[True] * len(by)], ignore_index=True
    )


def complaint_totals(frame: pd.DataFrame) -> dict[str, Any]:
    """Headline figures of the register: counts per kind and status, and median delays."""
    totals: dict[str, Any] = {
        "count": len(frame),
        "by_kind": {kind: int((frame["kind"] == kind).sum()) for kind in COMPLAINT_KINDS},
        "by_status": {
            status: int((frame["status"] == status).sum()) for status in COMPLAINT_STATUSES
        },
    }
    for column in DELAY_COLUMNS:
        totals[f"median_{column}"] = _median(frame[column]) if len(frame) else None
    return totals


def actions_frame(actions: Iterable[ImprovementAction], *, today: date) -> pd.DataFrame:
    return pd.DataFrame(
        [action_row(action, today=today) for action in actions], columns=list(ACTION_COLUMNS)
    )


def plan_totals(frame: pd.DataFrame) -> dict[str, int]:
    """How many actions per status, and how many are overdue."""
    totals = {status: int((frame["status"] == status).sum()) for status in ACTION_STATUSES}
    totals["overdue"] = int(frame["overdue"].sum()) if len(frame) else 0
    totals["count"] = len(frame)
    return totals
