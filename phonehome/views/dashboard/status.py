"""The dashboard's status line, from the state alone."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ..inert import inert
from .look import DIM, WARN, ago
from .state import DashboardState, as_str


def status_text(s: DashboardState, *, now: float, paused: bool, applied_findings: int) -> Text:
    """The status line: flows, findings, backlog, pinning, consent split, markers, problems."""
    t = Text(overflow="fold")

    def sep() -> None:
        if t.plain:
            t.append(" · ", DIM)

    def num(value: Any) -> str:
        return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "–"

    stats = s.proxy_stats
    if s.saving_stopped is not None:
        t.append("SAVING STOPPED", WARN)
        t.append(f": {inert(s.saving_stopped, 80)}; traffic still flows, unrecorded", WARN)
    sep()
    t.append("flows ")
    t.append(num(stats.get("flows")), "bold")
    sep()
    t.append("findings ")
    t.append(f"{s.findings:,}", "bold")
    if s.cleartext:
        t.append(" (")
        t.append(f"{s.cleartext:,} cleartext", WARN)
        t.append(")")
    backlog, dropped = stats.get("backlog"), stats.get("dropped")
    sep()
    t.append("backlog ")
    t.append(num(backlog), WARN if isinstance(backlog, int) and backlog > 1000 else "bold")
    if isinstance(dropped, int) and dropped:
        t.append(" (")
        t.append(f"{dropped:,} dropped", WARN)
        t.append(")")
    sep()
    t.append("pinning? ")
    if s.pinning:
        t.append(f"{len(s.pinning)}", "bold yellow")
        t.append(" (" + ", ".join(inert(h, 30) for h in list(s.pinning)[:3]))
        t.append(f" +{len(s.pinning) - 3})" if len(s.pinning) > 3 else ")")
    else:
        t.append("0", "bold")
    if s.unreadable:
        sep()
        t.append("not readable ")
        t.append(f"{len(s.unreadable)}", "bold yellow")
        t.append(" (" + ", ".join(inert(h, 30) for h in list(s.unreadable)[:3]))
        t.append(f" +{len(s.unreadable) - 3})" if len(s.unreadable) > 3 else ")")
    if s.app_encrypted:
        sep()
        t.append("app-encrypted ")
        t.append(f"{sum(s.app_encrypted.values()):,}", "bold yellow")
        hosts = list(s.app_encrypted)
        t.append(" (" + ", ".join(inert(h, 30) for h in hosts[:3]))
        t.append(f" +{len(hosts) - 3})" if len(hosts) > 3 else ")")
    sep()
    if s.consent_marker is None:
        t.append("no consent marker yet (m / M)", "yellow")
    else:
        before, after = s.consent_counts() or (0, 0)
        t.append(inert(as_str(s.consent_marker.get("label")), 20), "bold")
        t.append(f" {ago(now - s.consent_marker['ts'])} ago: ")
        t.append(f"{before:,} before", WARN if before else "bold")
        t.append(" / ")
        t.append(f"{after:,} after", "bold")
    if s.last_marker is not None and s.last_marker is not s.consent_marker:
        sep()
        t.append(
            f"last marker {inert(as_str(s.last_marker.get('label')), 20)} {ago(now - s.last_marker['ts'])} ago"
        )
    if paused:
        sep()
        t.append(f"PAUSED +{s.findings - applied_findings:,} new", "bold yellow")
    if s.problem_count:
        sep()
        t.append(f"{s.problem_count:,} damaged lines skipped", "yellow")
    return t
