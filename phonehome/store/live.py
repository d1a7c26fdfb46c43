"""Which sessions are live: is a session's proxy still running, which session was written last."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import FINDINGS, FLOWS, HOOK_FINDINGS, PROXY_EVENTS, SESSION_JSON

_WRITTEN = (FINDINGS, SESSION_JSON, FLOWS, HOOK_FINDINGS, PROXY_EVENTS)


def proxy_alive(meta: dict[str, Any]) -> bool:
    """True while the mitmdump that records this session still runs (then its worker keeps
    flows.mitm up to date and the journal is its business)."""
    proxy = meta.get("proxy")
    pid = proxy.get("pid") if isinstance(proxy, dict) else None
    if meta.get("end") is not None or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "Z":  # a killed mitmdump not yet reaped by its parent
            return False
        started = _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return True
    # A process that started after the session did is not its proxy (the pid was reused).
    start_ts = meta.get("start_ts")
    return not (isinstance(start_ts, (int, float)) and started > start_ts + 2.0)


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise ValueError("no btime in /proc/stat")


def newest_session(captures: Path = Path("captures")) -> Path | None:
    """The most recently written session directory under `captures`."""
    best: tuple[float, Path] | None = None
    try:
        children = list(captures.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return None
    for child in children:
        if not child.is_dir() or child.name.startswith("."):
            continue
        mtimes = [p.stat().st_mtime for p in (child / n for n in _WRITTEN) if p.exists()]
        if not mtimes:
            continue
        newest = max(mtimes)
        if best is None or newest > best[0]:
            best = (newest, child)
    return best[1] if best else None
