"""System tools a test needs (tshark, tcpdump, headless Chromium, …).

A missing tool skips the test, except under `PHONEHOME_REQUIRE_ALL=1` (CI installs every tool the
suite needs, `.ci/run`), where it fails it: a green CI run never hides a skipped part. Tests ask
for tools through the fixtures in `tests/conftest.py` (`tshark`, `tcpdump`, `chromium_binary`);
helpers that start a tool themselves call `require_tool`.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_ALL = "PHONEHOME_REQUIRE_ALL"
CHROMIUM = os.environ.get("PHONEHOME_CHROMIUM", "/usr/bin/chromium")


def missing(message: str) -> None:
    """Skip the running test, or fail it when every tool is required."""
    if os.environ.get(REQUIRE_ALL) == "1":
        pytest.fail(f"{message}; {REQUIRE_ALL}=1 forbids skipping")
    pytest.skip(message)


def require_tool(name: str, install: str) -> str:
    """The path of `name` on PATH (tcpdump also needs root), or skip/fail the test."""
    path = shutil.which(name)
    if path and (name != "tcpdump" or os.geteuid() == 0):
        return path
    missing(f"{name} not usable here ({'needs root' if path else install})")
    raise AssertionError("unreachable")


def require_chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path:
        return path
    missing(f"headless Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    raise AssertionError("unreachable")
