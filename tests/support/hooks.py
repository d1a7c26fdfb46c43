"""Helpers for the Frida hook tests: build the agents once, compile the Java test doubles once,
run a target under the hook host, read what it wrote."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from phonehome.hooks.build import agent_dir, build_agent, bundle_path, needs_install
from phonehome.hooks.host import AgentConfig, HookHost, Target
from phonehome.store import SessionStore, read_jsonl
from support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
JAVA_SRC = REPO / "tests" / "java" / "src"
JAVA = "/usr/bin/java"

_lock = threading.Lock()
_built: set[str] = set()


def ensure_agents(*agents: str) -> None:
    """Build the agents (npm ci + frida.Compiler) unless this process already did; without npm
    for a missing `node_modules`, skip the test (fail it under PHONEHOME_REQUIRE_ALL=1)."""
    with _lock:
        for agent in agents:
            if agent in _built:
                continue
            if needs_install(agent_dir(agent)):
                require_tool("npm", "apt-get install -y nodejs npm")
            build_agent(agent)
            assert bundle_path(agent).exists()
            _built.add(agent)


def java_classes() -> Path:
    """javac the test doubles into a temp dir keyed by the sources' hash (reused across runs)."""
    sources = sorted(JAVA_SRC.rglob("*.java"))
    digest = hashlib.sha256()
    for src in sources:
        digest.update(str(src.relative_to(JAVA_SRC)).encode())
        digest.update(src.read_bytes())
    out = Path(tempfile.gettempdir()) / f"phonehome-java-doubles-{digest.hexdigest()[:16]}"
    marker = out / ".complete"
    with _lock:
        if not marker.exists():
            javac = require_tool("javac", "apt-get install -y default-jdk-headless")
            tmp = Path(tempfile.mkdtemp(prefix="phonehome-javac-"))
            subprocess.run(
                [javac, "-d", str(tmp), *map(str, sources)], check=True, capture_output=True, timeout=120
            )
            (tmp / ".complete").write_text("ok")
            if out.exists():
                shutil.rmtree(out)
            tmp.rename(out)
    return out


def java_argv(*args: str, props: Sequence[str] = ()) -> list[str]:
    return [
        JAVA,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        *props,
        "-cp",
        str(java_classes()),
        "com.example.app.Main",
        *args,
    ]


def run_hooked(
    argv: Sequence[str], session: Path, *, agents: Sequence[str], timeout: float = 60.0, **config: Any
) -> HookHost:
    """Spawn `argv` under the hook host with `agents`, wait until it exits, stop."""
    ensure_agents(*agents)
    config.setdefault("kill_on_stop", True)
    host = HookHost(
        AgentConfig(
            target=Target(spawn=list(argv), stdio="pipe"), agents=tuple(agents), session=session, **config
        )
    )
    host.run_until(timeout=timeout)
    return host


def stdout_of(host: HookHost) -> str:
    return b"".join(data for _pid, fd, data in host.output if fd == 1).decode("utf-8", "replace")


def events(session: Path) -> list[dict[str, Any]]:
    return read_jsonl(SessionStore(session).hook_events).objects


def findings(session: Path, name: str = "hook-findings.jsonl") -> list[dict[str, Any]]:
    return read_jsonl(session / name).objects


def of_type(evs: list[dict[str, Any]], type_: str, **match: Any) -> list[dict[str, Any]]:
    return [e for e in evs if e.get("type") == type_ and all(e.get(k) == v for k, v in match.items())]
