"""A bounded, seeded fuzz run over hostile session folders (see `fuzz_sessions.py`): `replay`,
`report`, `mark` and the dashboard's loading path never hang, never write outside the folder,
never raise or print a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_sessions import run_case

CASES = 30


@pytest.mark.parametrize("seed", range(CASES))
def test_hostile_session_folder(tmp_path: Path, seed: int) -> None:
    problems = run_case(seed, tmp_path)
    assert not problems, "\n".join(problems)
