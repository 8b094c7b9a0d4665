"""Must-show 3 of the hardening issue: an import never blocks respondents. While a large
`python -m surveys import-people` runs on the same SQLite database, 20 respondents save sections
through their own answer links on the real server: every save succeeds. (The p95 of the saves
is printed by `benchmarks/import_bench.py --with-respondents`; no timing is asserted here.)"""

from __future__ import annotations

import pytest

from benchmarks.import_bench import with_respondents


@pytest.mark.slow
def test_twenty_respondents_save_without_error_while_an_import_runs() -> None:
    figures = with_respondents(rows=20_000, clients=20)
    assert figures["import_exit"] == 0
    assert figures["saves"] >= 20
    assert figures["errors"] == 0
