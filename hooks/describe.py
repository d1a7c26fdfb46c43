"""One terminal line per hook event worth showing (`phonehome hooks` prints them)."""

from __future__ import annotations

import time
from typing import Any


def describe_event(ev: dict[str, Any]) -> str | None:
    """One terminal line per event worth showing (None for noise such as missing classes)."""
    t = ev.get("type")
    ts = time.strftime("%H:%M:%S", time.gmtime(float(ev.get("ts") or 0)))
    who = f" by {ev['sdk']} ({ev.get('org', '?')})" if ev.get("sdk") else ""
    if t == "hook:read":
        value = ev.get("value")
        shown = "" if value is None else f" = {_clip(str(value))}"
        return f"{ts} read  {ev.get('api')}{who} [{ev.get('category')}]{shown}"
    if t in ("hook:crypto", "hook:digest", "hook:encode"):
        text = ev.get("input_text")
        return f"{ts} {t[5:]:6} {ev.get('api')} {ev.get('algorithm') or ev.get('op') or ''}{who}" + (
            f" <- {_clip(text)}" if isinstance(text, str) else ""
        )
    if t == "hook:tls-plaintext" and ev.get("direction") == "write":
        first = (ev.get("data_text") or "").split("\r\n", 1)[0]
        return f"{ts} tls   {ev.get('host')}:{ev.get('port')} {ev.get('api')} {ev.get('data_size')} B {_clip(first)}"
    if t in ("hook:unpin",) and ev.get("status") in ("applied", "bypassed"):
        return f"{ts} unpin {ev.get('target')} {ev.get('status')}"
    if t in ("hook:agent-error", "hook:detached", "hook:child", "hook:respawned", "hook:reattached"):
        rest = {
            k: v
            for k, v in ev.items()
            if k in ("pid", "reason", "where", "error", "origin", "after", "attempts")
        }
        return f"{ts} {t[5:]} {rest}"
    return None


def _clip(text: str, n: int = 100) -> str:
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"
