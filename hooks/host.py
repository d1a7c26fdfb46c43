"""The hook host: runs the Frida agents in a target and turns their events into session files.

Lifecycle (explicit steps, each a method): device → spawn/attach → load agents → resume →
(run) → detach. Frida callbacks (`on_message`, `detached`, `child-added`, `output`) only put
items on a queue; one host thread does all the work: it decodes batches, numbers events,
attributes reads to SDKs (`sdk_match_for_stack`), writes `hook-events.jsonl`, feeds runtime known
values to the `Analyser`, reassembles TLS plaintext into records (`analysis.plaintext`) and writes
their findings to `hook-findings.jsonl`. Child processes (child gating) are attached from that
thread too, never from inside a Frida callback.

Library use::

    host = HookHost(AgentConfig(target=Target(spawn=["/usr/bin/curl", url]), session=Path(dir)))
    host.run_until(timeout=30)           # start, wait until the target is gone, stop

or `host.start()` … `host.stop()`.
"""

from __future__ import annotations

import base64
import heapq
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.analysis.correlate import Correlator
from phonehome.store import JsonlWriter, SessionStore, read_jsonl

from .build import AGENTS, load_bundle

log = logging.getLogger(__name__)

DEFAULT_AGENTS = ("api", "crypto", "tls", "unpin")
TEXT_PREVIEW_MAX = 65536


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


@dataclass
class _Attached:
    pid: int
    session: Any
    scripts: dict[str, Any]
    main: bool
    alive: bool = True


class HookHost:
    """Runs agents in one target (and its children) and writes what they report."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.on_event = on_event
        self.clock = clock
        self.device: Any = None
        self.main_pid: int | None = None
        self.targets: dict[int, _Attached] = {}
        self.output: list[tuple[int, int, bytes]] = []
        self._output_closed: set[tuple[int, int]] = set()
        """(pid, fd) whose piped output reached its end (Frida sends an empty chunk)."""
        self.events_seen = 0
        self.findings_written = 0
        self.errors: list[str] = []
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._done = threading.Event()
        self._respawns = 0
        self._reattaches: dict[int, int] = {}
        self._pending_reattach: set[int] = set()
        self._next_id = 1
        self._bundles: dict[str, str] = {}
        self._store = SessionStore.create(config.session) if config.session is not None else None
        self._events_out: JsonlWriter | None = None
        self._findings_out: JsonlWriter | None = None
        self._analyser: Any = None
        self._assembler: Any = None
        self._sdk_for_stack: Callable[[Sequence[str]], Any] | None = None
        self._held: list[tuple[float, int, float, dict[str, Any], dict[str, bytes]]] = []
        self._seq = 0
        self.settle_s = 0.25
        """How long agent events are held to be put in time order across agents (batches
        leave an agent at least every 50 ms)."""
        seed = config.profile.known_values() if config.profile is not None else []
        self.correlator = Correlator(seed=seed)

    # ------------------------------------------------------------------ lifecycle steps

    def start(self) -> HookHost:
        self._bundles = {a: load_bundle(a) for a in self.config.agents}  # fails early with build hint
        self._open_outputs()
        self._setup_analysis()
        self._thread = threading.Thread(target=self._work, name="phonehome-hook-host", daemon=True)
        self._thread.start()
        try:
            self.device = self._get_device()
            self.device.on("child-added", self._on_child_added)
            self.device.on("output", self._on_output)
            pid, suspended = self._spawn_or_attach()
        except BaseException:
            self.stop()
            raise
        self.main_pid = pid
        try:
            self._instrument(pid, main=True)
        except BaseException:
            if suspended:  # never leave a spawned process suspended behind
                try:
                    self.device.kill(pid)
                except Exception as e:  # noqa: BLE001
                    log.debug("kill %s: %s", pid, e)
            self.stop()
            raise
        if suspended:
            self.device.resume(pid)
        return self

    def run_until(self, predicate: Callable[[HookHost], bool] | None = None, *, timeout: float | None = None) -> HookHost:
        """start(), wait until every target is gone (or `predicate(host)` or `timeout`), stop()."""
        self.start()
        try:
            self.wait(predicate, timeout=timeout)
        finally:
            self.stop()
        return self

    def wait(self, predicate: Callable[[HookHost], bool] | None = None, *, timeout: float | None = None) -> bool:
        """True when the targets are gone or the predicate holds; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._done.is_set():
                self._await_piped_output()
                return True
            if predicate is not None and predicate(self):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            self._done.wait(0.05)

    def _await_piped_output(self, timeout: float = 2.0) -> None:
        """With stdio="pipe", the detach can arrive before the last output: wait (briefly) for the
        main process's stdout and stderr to end so nothing it printed is lost."""
        if self.config.target.stdio != "pipe" or self.main_pid is None:
            return
        wanted = {(self.main_pid, 1), (self.main_pid, 2)}
        deadline = time.monotonic() + timeout
        while not wanted <= self._output_closed and time.monotonic() < deadline:
            time.sleep(0.01)

    def stop(self) -> None:
        """Flush every agent, detach, drain the queue, close the files. Safe to call twice."""
        if self._stopping:
            return
        self._stopping = True
        running = [t.pid for t in self.targets.values() if t.alive]
        if self._thread is not None:
            done = threading.Event()
            self._queue.put(("call", self._detach_all, done))
            done.wait(30)
            self._queue.put(("stop",))
            self._thread.join(30)
        if self.config.kill_on_stop and self.config.target.spawn is not None:
            for pid in running:  # after the agents' last batches were flushed and they detached
                try:
                    self.device.kill(pid)
                except Exception as e:  # noqa: BLE001 - gone already
                    log.debug("kill %s: %s", pid, e)
        for t in self.targets.values():
            if t.alive:
                t.alive = False
        self._close_outputs()

    # ------------------------------------------------------------------ device, spawn, attach

    def _get_device(self) -> Any:
        import frida

        if self.config.device == "usb":
            return frida.get_usb_device(timeout=10)
        if self.config.device == "remote":
            return frida.get_device_manager().add_remote_device(self.config.remote)
        return frida.get_local_device()

    def _spawn_or_attach(self) -> tuple[int, bool]:
        t = self.config.target
        if t.spawn is not None:
            pid = self.device.spawn(list(t.spawn), env=t.env, cwd=t.cwd, stdio=t.stdio)
            return pid, True
        assert t.attach is not None
        if isinstance(t.attach, int) or str(t.attach).isdigit():
            return int(t.attach), False
        return self.device.get_process(str(t.attach)).pid, False

    def _instrument(self, pid: int, *, main: bool) -> _Attached:
        """Attach, load every agent, init it (installs the hooks). Runs on the host thread or in start()."""
        session = self.device.attach(pid)
        attached = _Attached(pid, session, {}, main)
        self.targets[pid] = attached
        session.on("detached", lambda reason, crash: self._queue.put(("detached", attached, reason, crash)))
        # Child gating on the main target only: with gating also on a forked child, its
        # execve() stalls on this Frida build (no exec child-added arrives); an exec'ed child is
        # re-attached after `process-replaced` instead (see _handle_detached).
        if self.config.follow_children and main:
            try:
                session.enable_child_gating()
            except Exception as e:  # noqa: BLE001 - not supported everywhere
                self._queue.put(("host-event", {"type": "hook:agent-error", "where": "enable_child_gating", "error": str(e), "pid": pid}))
        init_settings = dict(self.config.agent_settings)
        try:
            for agent in self.config.agents:
                script = session.create_script(self._bundles[agent], name=f"phonehome-{agent}")
                script.on("message", lambda message, data, agent=agent: self._queue.put(("message", pid, agent, message, data)))
                script.load()
                attached.scripts[agent] = script
        except BaseException:
            attached.alive = False  # its detach, when it comes, is not news
            try:
                session.detach()
            except Exception as e:  # noqa: BLE001
                log.debug("detach %s after a failed load: %s", pid, e)
            raise
        for i, (agent, script) in enumerate(attached.scripts.items()):
            options = dict(init_settings.get("options") or {})
            # One agent reports native crashes (hook:crash), only when asked: with the reporter's
            # exception handler installed, a process that forks can lose its Frida session
            # (Frida reports it detached, "application-requested"; seen with bash and Python here).
            options["crashReporter"] = self.config.crash_reporter and i == 0
            try:
                script.exports_sync.init({**init_settings, "options": options})
            except Exception as e:  # noqa: BLE001
                self._queue.put(("host-event", {"type": "hook:agent-error", "agent": agent, "where": "init", "error": str(e), "pid": pid}))
        return attached

    def _detach_all(self) -> None:
        for t in list(self.targets.values()):
            if not t.alive:
                continue
            for agent, script in t.scripts.items():
                try:
                    script.exports_sync.flush()
                    script.unload()
                except Exception as e:  # noqa: BLE001 - the process may be gone already
                    log.debug("unload %s in %s: %s", agent, t.pid, e)
            try:
                t.session.detach()
            except Exception as e:  # noqa: BLE001
                log.debug("detach %s: %s", t.pid, e)

    # ------------------------------------------------------------------ Frida callbacks (enqueue only)

    def _on_child_added(self, child: Any) -> None:
        self._queue.put(("child", child))

    def _on_output(self, pid: int, fd: int, data: bytes) -> None:
        self._queue.put(("output", pid, fd, data))

    # ------------------------------------------------------------------ host thread

    def _work(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                self._drain()
                continue
            kind = item[0]
            try:
                if kind == "stop":
                    self._finish()
                    return
                if kind == "message":
                    self._handle_message(*item[1:])
                elif kind == "detached":
                    self._handle_detached(*item[1:])
                elif kind == "child":
                    self._handle_child(item[1])
                elif kind == "reattach":
                    self._retry_reattach(item[1])
                elif kind == "output":
                    self.output.append((item[1], item[2], item[3]))
                    if not item[3]:
                        self._output_closed.add((item[1], item[2]))
                elif kind == "host-event":
                    self._emit_host_event(item[1])
                elif kind == "call":
                    try:
                        item[1]()
                    finally:
                        item[2].set()
            except Exception as e:  # noqa: BLE001 - the host thread must survive anything
                log.exception("hook host: %s failed", kind)
                self.errors.append(f"{kind}: {e}")
            self._drain()

    def _handle_message(self, pid: int, agent: str, message: dict[str, Any], data: bytes | None) -> None:
        mtype = message.get("type")
        if mtype == "send":
            payload = message.get("payload")
            if isinstance(payload, dict) and payload.get("type") == "batch":
                for ev in payload.get("events", []):
                    if isinstance(ev, dict):
                        self._buffer_event(pid, agent, ev, data)
            elif isinstance(payload, dict) and isinstance(payload.get("type"), str):
                self._buffer_event(pid, agent, payload, data)
            else:
                log.warning("agent %s sent an untyped message: %r", agent, payload)
        elif mtype == "error":
            self._emit_host_event({
                "type": "hook:agent-error", "agent": agent, "pid": pid, "where": "script",
                "error": message.get("description"), "stack": message.get("stack"),
            })
        elif mtype == "log":
            log.info("[%s %s] %s", agent, pid, message.get("payload"))

    def _buffer_event(self, pid: int, agent: str, ev: dict[str, Any], data: bytes | None) -> None:
        """Decode one event and hold it for `settle_s`: agents batch separately, so a read can
        arrive after the digest or the request that carries its value. Held events are then
        handled in agent time order (see `_drain`)."""
        ev = dict(ev)
        blobs = ev.pop("blobs", None) or {}
        raw: dict[str, bytes] = {}
        for name, spec in blobs.items():
            try:
                off, n, total = (int(x) for x in spec)
            except (TypeError, ValueError):
                continue
            chunk = data[off : off + n] if data else b""
            raw[name] = chunk
            ev[f"{name}_b64"] = base64.b64encode(chunk).decode("ascii")
            ev[f"{name}_size"] = total
            if total > n:
                ev[f"{name}_truncated"] = True
            text = _text_preview(chunk)
            if text is not None:
                ev[f"{name}_text"] = text
            if n <= 64 and name in ("digest", "output", "key"):
                ev[f"{name}_hex"] = chunk.hex()
        ev.setdefault("agent", agent)
        ev.setdefault("pid", pid)
        if ev.get("type") == "hook:crash":
            self._ack_crash(pid, agent)  # at once: the crashing thread waits for it
        try:
            ts = float(ev.get("ts") or 0.0)
        except (TypeError, ValueError):
            ts = 0.0
        self._seq += 1
        heapq.heappush(self._held, (ts, self._seq, time.monotonic(), ev, raw))

    def _drain(self, *, all_: bool = False) -> None:
        """Handle held events, oldest agent time first, once the oldest has waited `settle_s`."""
        now = time.monotonic()
        while self._held and (all_ or now - self._held[0][2] >= self.settle_s):
            _ts, _seq, _arrived, ev, raw = heapq.heappop(self._held)
            try:
                self._handle_event(ev, raw)
            except Exception as e:  # noqa: BLE001 - one bad event must not stop the rest
                log.exception("hook host: event %s failed", ev.get("type"))
                self.errors.append(f"event {ev.get('type')}: {e}")

    def _handle_event(self, ev: dict[str, Any], raw: dict[str, bytes]) -> None:
        ev["id"] = self._next_id
        self._next_id += 1
        stack = ev.get("stack")
        if isinstance(stack, list) and stack:
            self._attribute(ev, stack)
        new_values = self.correlator.add(ev)  # may annotate ev["correlated"] before it is written
        self._write_event(ev)
        for late in self.correlator.take_late():
            self._emit_host_event(late, drain=False)
        if new_values and self._analyser is not None:
            self._analyser.add_known_values(new_values)
        if ev.get("app_level") and self._analyser is not None:
            self._analyser.add_hook_events([ev])
        if ev.get("type") == "hook:tls-plaintext" and self._assembler is not None:
            self._analyse(self._assembler.feed(ev, raw.get("data", b"")))

    def _ack_crash(self, pid: int, agent: str) -> None:
        t = self.targets.get(pid)
        script = t.scripts.get(agent) if t is not None else None
        if script is not None:
            try:
                script.post({"type": "crash-ack"})
            except Exception as e:  # noqa: BLE001 - the process may be gone already
                log.debug("crash ack to %s: %s", pid, e)

    def _emit_host_event(self, ev: dict[str, Any], *, drain: bool = True) -> None:
        """A host-made event (detached, child, errors): the agents' held events go first."""
        if drain:
            self._drain(all_=True)
        ev = dict(ev)
        ev.setdefault("ts", self.clock())
        ev["id"] = self._next_id
        self._next_id += 1
        self._write_event(ev)

    def _write_event(self, ev: dict[str, Any]) -> None:
        self.events_seen += 1
        if self._events_out is not None:
            self._events_out.write(ev)
        if self.on_event is not None:
            self.on_event(ev)

    def _attribute(self, ev: dict[str, Any], stack: list[str]) -> None:
        if self._sdk_for_stack is None:
            return
        try:
            entry = self._sdk_for_stack(stack)
        except Exception as e:  # noqa: BLE001
            log.debug("sdk_for_stack failed: %s", e)
            return
        if entry is None:
            return
        sdk, org = describe_sdk(entry, stack)
        if sdk:
            ev["sdk"] = sdk
        if org:
            ev["org"] = org
        frame = getattr(entry, "frame", None)
        if isinstance(frame, int) and 0 <= frame < len(stack):
            ev["sdk_frame"] = stack[frame]
        product = getattr(getattr(entry, "entry", None), "product", None)
        if product:
            ev["sdk_product"] = product

    def _analyse(self, records: list[Any]) -> None:
        if not records or self._analyser is None:
            return
        for record in records:
            try:
                rows = self._analyser.analyse_record(record)
            except Exception as e:  # noqa: BLE001
                log.exception("analysing %s failed", getattr(record, "flow_id", "?"))
                self.errors.append(f"analyse: {e}")
                continue
            if rows and self._findings_out is not None:
                from phonehome.analysis.schema import to_json_row

                self._findings_out.write_many([to_json_row(r) for r in rows])
                self.findings_written += len(rows)

    def _handle_detached(self, t: _Attached, reason: str, crash: Any) -> None:
        if not t.alive:
            return
        pid = t.pid
        t.alive = False
        self._drain(all_=True)
        if self._assembler is not None:
            self._analyse(self._assembler.close(prefix=f"{pid}:"))
        ev: dict[str, Any] = {"type": "hook:detached", "pid": pid, "reason": str(reason), "main": t.main}
        if crash is not None:
            ev["crash"] = {"summary": getattr(crash, "summary", None), "report": getattr(crash, "report", None)}
        self._emit_host_event(ev)
        if self._stopping:
            return
        current = self.targets.get(pid)
        if current is not t and current is not None and current.alive:
            return  # already instrumented again (the exec'd image arrived as a gated child first)
        if reason == "application-requested" and self._reattach_dropped(t):
            return
        if reason == "process-replaced" and self.config.follow_children:
            # exec(): the same pid runs a new image; instrument it again (it is not suspended, so
            # its first instructions run unhooked).
            try:
                self._instrument(pid, main=t.main)
                self._emit_host_event({"type": "hook:child", "pid": pid, "origin": "exec", "reattached": True})
                return
            except Exception as e:  # noqa: BLE001
                self._emit_host_event({"type": "hook:agent-error", "where": "re-attach after exec", "pid": pid, "error": str(e)})
        if t.main and self.config.respawn and self.config.target.spawn is not None and reason != "application-requested":
            if self._respawns < self.config.max_respawns:
                self._respawns += 1
                pid2, _ = self._spawn_or_attach()
                self.main_pid = pid2
                self._instrument(pid2, main=True)
                self.device.resume(pid2)
                self._emit_host_event({"type": "hook:respawned", "pid": pid2, "previous_pid": pid, "count": self._respawns})
                return
        self._finish_if_all_gone()

    def _reattach_dropped(self, t: _Attached) -> bool:
        """Frida dropped a session the host never detached ("application-requested"): on this
        build it happens to a parent right after fork(), in one run of three to seven, and the
        process goes on running unhooked. Instrument it again (what it does in the ~0.1 s
        between is not seen); an attempt that fails while the process still exists is retried
        after a short pause. False when the process is gone: the detach stands."""
        count = self._reattaches.get(t.pid, 0)
        if count >= self.config.max_reattaches or not self._process_exists(t.pid):
            return False
        self._reattaches[t.pid] = count + 1
        try:
            self._instrument(t.pid, main=t.main)
        except Exception as e:  # noqa: BLE001 - gone, exiting, or mid-fork
            if count + 1 >= self.config.max_reattaches:
                self._emit_host_event({"type": "hook:agent-error", "where": "re-attach", "pid": t.pid, "error": str(e)})
                return False
            log.debug("re-attach %s (attempt %d): %s", t.pid, count + 1, e)
            self._pending_reattach.add(t.pid)
            threading.Timer(0.1, self._queue.put, args=(("reattach", t),)).start()
            return True
        self._reattaches[t.pid] = 0  # the limit is on failed attempts in a row, not on forks
        self._emit_host_event({"type": "hook:reattached", "pid": t.pid, "main": t.main,
                               "after": "application-requested", "attempts": count + 1})
        return True

    def _retry_reattach(self, t: _Attached) -> None:
        self._pending_reattach.discard(t.pid)
        if self._stopping or not self._reattach_dropped(t):
            self._finish_if_all_gone()

    def _process_exists(self, pid: int) -> bool:
        try:
            return bool(self.device.enumerate_processes(pids=[pid]))
        except Exception as e:  # noqa: BLE001 - cannot tell: let the attach decide
            log.debug("enumerate %s: %s", pid, e)
            return True

    def _finish_if_all_gone(self) -> None:
        if not self._pending_reattach and not any(x.alive for x in self.targets.values()):
            self._done.set()

    def _handle_child(self, child: Any) -> None:
        pid = child.pid
        known = self.targets.get(pid)
        if self._stopping or (known is not None and known.alive):
            # an exec'd image that `process-replaced` already re-attached: only let it go on
            self._resume_quietly(pid)
            return
        try:
            self._instrument(pid, main=False)
            self._emit_host_event({"type": "hook:child", "pid": pid, "parent_pid": child.parent_pid, "origin": str(child.origin)})
        except Exception as e:  # noqa: BLE001
            self._emit_host_event({"type": "hook:agent-error", "where": "child attach", "pid": pid, "error": str(e)})
        self._resume_quietly(pid)

    def _resume_quietly(self, pid: int) -> None:
        try:
            self.device.resume(pid)
        except Exception as e:  # noqa: BLE001
            log.debug("resume %s: %s", pid, e)

    def _finish(self) -> None:
        self._drain(all_=True)
        if self._assembler is not None:
            self._analyse(self._assembler.close())

    # ------------------------------------------------------------------ outputs and analysis

    def _open_outputs(self) -> None:
        if self._store is None:
            return
        if not self._store.session_json.exists():
            # a hooks-only session is still a session for watch/report; an existing session.json
            # (written by the proxy addon or the session command) is left alone
            self._store.write_meta({
                "start": self.clock(), "created_by": "phonehome hooks", "app": self.config.app,
                "hooks": {"agents": list(self.config.agents), "device": self.config.device,
                          "target": list(self.config.target.spawn or []) or self.config.target.attach},
            })
        existing = read_jsonl(self._store.hook_events).objects
        ids = [int(e["id"]) for e in existing if isinstance(e.get("id"), int)]
        self._next_id = max(ids, default=0) + 1
        for e in existing:  # a continued session keeps its earlier reads known
            self.correlator.add(e)
        self._events_out = JsonlWriter(self._store.hook_events)
        if self.config.analyse:
            self._findings_out = JsonlWriter(self._store.hook_findings)

    def _close_outputs(self) -> None:
        for w in (self._events_out, self._findings_out):
            if w is not None:
                w.close()
        self._events_out = self._findings_out = None

    def _setup_analysis(self) -> None:
        try:
            from phonehome.analysis.destinations import sdk_match_for_stack

            self._sdk_for_stack = sdk_match_for_stack
        except ImportError as e:
            log.warning("SDK attribution unavailable (phonehome.analysis.destinations.sdk_for_stack): %s", e)
        if not self.config.analyse:
            return
        from phonehome.analysis.plaintext import PlaintextAssembler

        app = self.config.app or (self.config.profile.app_under_test if self.config.profile is not None else None)
        self._assembler = PlaintextAssembler(app=app)
        try:
            from phonehome.analysis.pipeline import Analyser
        except ImportError as e:
            log.warning("TLS plaintext findings unavailable (phonehome.analysis.pipeline): %s", e)
            return
        self._analyser = Analyser(profile=self.config.profile, app=app)
        if self.correlator.known:
            self._analyser.add_known_values(self.correlator.known)


def describe_sdk(entry: Any, stack: Sequence[str]) -> tuple[str | None, str | None]:
    """(sdk package prefix, organisation) from an `sdk_match_for_stack` (or `sdk_for_stack`) result."""
    inner = getattr(entry, "entry", None)
    if inner is not None and isinstance(getattr(entry, "prefix", None), str):
        return entry.prefix.rstrip("."), getattr(inner, "org", None) or None

    def pick(*names: str) -> Any:
        for n in names:
            v = entry.get(n) if isinstance(entry, dict) else getattr(entry, n, None)
            if v:
                return v
        return None

    org = pick("org", "organisation", "organization", "name")
    sdk = pick("sdk", "prefix", "package", "sdk_prefix")
    if isinstance(sdk, (list, tuple)):
        sdk = next((p for p in sdk if any(f.startswith(p) for f in stack)), sdk[0] if sdk else None)
    if isinstance(sdk, str):
        sdk = sdk.rstrip(".")
    if isinstance(entry, str):
        org = org or entry
    return (str(sdk) if sdk else None), (str(org) if org else None)


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
            f" <- {_clip(text)}" if isinstance(text, str) else "")
    if t == "hook:tls-plaintext" and ev.get("direction") == "write":
        first = (ev.get("data_text") or "").split("\r\n", 1)[0]
        return f"{ts} tls   {ev.get('host')}:{ev.get('port')} {ev.get('api')} {ev.get('data_size')} B {_clip(first)}"
    if t in ("hook:unpin",) and ev.get("status") in ("applied", "bypassed"):
        return f"{ts} unpin {ev.get('target')} {ev.get('status')}"
    if t in ("hook:agent-error", "hook:detached", "hook:child", "hook:respawned", "hook:reattached"):
        rest = {k: v for k, v in ev.items() if k in ("pid", "reason", "where", "error", "origin", "after", "attempts")}
        return f"{ts} {t[5:]} {rest}"
    return None


def _clip(text: str, n: int = 100) -> str:
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _text_preview(data: bytes) -> str | None:
    """UTF-8 text when the bytes are mostly printable text, else None."""
    if not data:
        return ""
    if len(data) > TEXT_PREVIEW_MAX:
        data = data[:TEXT_PREVIEW_MAX]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return text if printable >= 0.9 * len(text) else None
