"""A bounded, seeded fuzz run over hostile session folders (see `tests/support/fuzz.py`): `replay`,
`report`, `mark` and the dashboard's loading path never hang, never write outside the folder,
never raise or print a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fuzz import run_case

CASES = 30


@pytest.mark.parametrize("seed", range(CASES))
def test_hostile_session_folder(tmp_path: Path, seed: int) -> None:
    problems = run_case(seed, tmp_path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("seed", range(100, 106))
async def test_hostile_session_folder_in_the_dashboard(tmp_path: Path, seed: int) -> None:
    """`phonehome watch` itself (the Textual app, headless) on a fuzzed folder: it opens, polls
    and renders without raising, and writes nothing outside the folder."""
    from support.fuzz import make_case, snapshot

    from phonehome.views.dashboard import Dashboard

    case, root, outside = make_case(seed, tmp_path)
    before = snapshot(outside)
    app = Dashboard(root, interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if app.polls >= 3:
                break
        assert app.polls >= 1, f"{case}: the dashboard never polled"
    assert snapshot(outside) == before, str(case)
