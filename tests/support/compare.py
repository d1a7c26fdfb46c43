"""Test support for `phonehome compare`: the three bundled sessions, recorded for real in the test.

`record_sample(out)` and `record_steps(name, out)` run the recording scripts
(`captures/make_sample.py`, `captures/make_tiktok_format.py`, `captures/make_career_app.py`) with
no pause between requests: real clients through a real mitmdump with the phonehome addon,
upstream on loopback. The recorded career-app and TikTok-format sessions are the fixtures
`career_session` and `tiktok_session` (`tests/conftest.py`).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from phonehome.analysis.profile import load_profile

REPO = Path(__file__).resolve().parents[2]
CAPTURES = REPO / "captures"
sys.path.insert(0, str(CAPTURES))


def capture_script(name: str) -> ModuleType:
    """A recording script of captures/ as a module (loaded once)."""
    module_name = f"_capture_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, CAPTURES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def record_sample(out: Path) -> Path:
    sample = capture_script("make_sample")
    sample.PACE = 0.0
    sample.session(out)
    return out


def record_steps(
    name: str, out: Path, steps: Sequence[object] | None = None, *, app: str | None = None
) -> Path:
    """Record one of the step-list scripts (`make_tiktok_format`, `make_career_app`) into `out`;
    `steps` replaces the script's own list (hostile or timed variants)."""
    # Lazy: captures/_recorder.py (mitmdump, the addon) only when something is recorded; conftest imports this module.
    from _recorder import record

    script = capture_script(name)
    profile = load_profile(script.PROFILE)
    record(
        out,
        profile=script.PROFILE,
        app=app or script.APP,
        steps=list(steps) if steps is not None else script.steps(profile),
        user_agent=script.UA,
        pace=0.0,
    )
    return out
