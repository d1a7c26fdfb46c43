"""What a hook session runs (`Target`), where, and where its output goes (`AgentConfig`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import AGENTS

DEFAULT_AGENTS = ("api", "crypto", "tls", "unpin")


@dataclass(frozen=True)
class Target:
    spawn: Sequence[str] | None = None
    """argv to spawn (a real binary, not a shell script or pyenv shim)."""
    attach: int | str | None = None
    """PID or process name to attach to."""
    env: dict[str, str] | None = None
    cwd: str | None = None
    stdio: str = "inherit"
    """`inherit` or `pipe` (then `output` collects the target's stdout/stderr)."""

    def __post_init__(self) -> None:
        if (self.spawn is None) == (self.attach is None):
            raise ValueError("give exactly one of spawn (argv) or attach (pid or name)")


@dataclass
class AgentConfig:
    """What a hook session runs, where, and where its output goes."""

    target: Target
    device: str = "local"
    """`local`, `usb`, or `remote` (then `remote` is HOST[:PORT])."""
    remote: str | None = None
    agents: Sequence[str] = DEFAULT_AGENTS
    session: Path | None = None
    respawn: bool = False
    follow_children: bool = True
    app: str | None = None
    profile: Any = None
    """An `analysis.profile.Profile` (its known values seed the correlation and the analyser)."""
    analyse: bool = True
    """Write `hook-findings.jsonl` from TLS plaintext (needs `phonehome.analysis.pipeline`)."""
    agent_settings: dict[str, Any] = field(default_factory=dict)
    """Passed to every agent's `init`: batchMs, batchEvents, maxBytes, stackDepth, disabled,
    faultInjection (test only), options."""
    max_respawns: int = 5
    max_reattaches: int = 5
    """Attempts in a row to re-attach a process whose session Frida dropped."""
    crash_reporter: bool = False
    """Install the agent-side crash reporter (`hook:crash` with the faulting address); off by
    default because it can cost the session of a process that forks."""
    kill_on_stop: bool = False
    """Kill a spawned target still running at stop() (tests, benchmarks); attach never kills."""

    def __post_init__(self) -> None:
        unknown = [a for a in self.agents if a not in AGENTS]
        if unknown:
            raise ValueError(f"unknown agent(s) {', '.join(unknown)}; known: {', '.join(AGENTS)}")
        if self.device not in ("local", "usb", "remote"):
            raise ValueError("device must be local, usb or remote")
        if self.device == "remote" and not self.remote:
            raise ValueError("remote device needs HOST[:PORT]")
