"""The iOS agent cannot run here (no Objective-C runtime): it must build with the strict
tsconfig, its pure table/formatting functions must pass `node --test`, and loading it into a
Linux process must report what is missing without errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.hooks import REPO, ensure_agents, events, of_type, run_hooked
from support.net import SYSTEM_PYTHON
from support.tools import require_tool

pytestmark = pytest.mark.slow


def test_pure_functions_with_node_test():
    node = require_tool("node", "apt-get install -y nodejs")
    ensure_agents("ios")
    proc = subprocess.run(
        [node, "--test", str(REPO / "hooks" / "ios" / "pure.test.mjs")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout and "# pass 5" in proc.stdout


def test_loads_without_objc_and_reports_missing(tmp_path: Path):
    run_hooked(
        [SYSTEM_PYTHON, "-c", "import time; time.sleep(0.3)"], tmp_path, agents=("ios", "unpin"), timeout=30
    )
    evs = events(tmp_path)
    assert not of_type(evs, "hook:agent-error")
    missing = {e["target"] for e in of_type(evs, "hook:missing-class")}
    assert {"objc-runtime", "libcommonCrypto:CCCrypt", "libcommonCrypto:CC_SHA256"} <= missing
    unpin = {(e["target"], e["status"]) for e in of_type(evs, "hook:unpin")}
    assert ("SecTrustEvaluateWithError", "missing") in unpin
    assert ("NSURLSession challenge handlers", "missing") in unpin
