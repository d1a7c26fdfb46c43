"""The hook host: runs the Frida agents in a target and turns their events into session files.

This module is the Frida lifecycle (explicit steps, each a method): device → spawn/attach →
load agents → resume → (run) → detach, child gating, re-attach and respawn. Frida callbacks
(`on_message`, `detached`, `child-added`, `output`) only put items on a queue; one host thread
does all the work. What becomes of the agents' events (decoding, ordering, numbering, SDK
attribution, correlation, `hook-events.jsonl`, TLS plaintext findings) is the event sink's
(`events.EventSink`); the terminal lines `phonehome hooks` prints are `describe.py`'s. Child
processes are attached from the host thread too, never from inside a Frida callback.

Library use::

    host = HookHost(AgentConfig(target=Target(spawn=["/usr/bin/curl", url]), session=Path(dir)))
    host.run_until(timeout=30)           # start, wait until the target is gone, stop

or `host.start()` … `host.stop()`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .build import load_bundle
from .config import DEFAULT_AGENTS, AgentConfig, Target
from .describe import describe_event
from .events import EventSink, describe_sdk

__all__ = ["DEFAULT_AGENTS", "AgentConfig", "HookHost", "Target", "describe_event", "describe_sdk"]

log = logging.getLogger(__name__)


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
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._done = threading.Event()
        self._respawns = 0
        self._reattaches: dict[int, int] = {}
        self._pending_reattach: set[int] = set()
        self._bundles: dict[str, str] = {}
        self.sink = EventSink(config, on_event=on_event, on_crash=self._ack_crash, clock=clock)

    @property
    def events_seen(self) -> int:
        return self.sink.events_seen

    @property
    def findings_written(self) -> int:
        return self.sink.findings_written

    @property
    def errors(self) -> list[str]:
        return self.sink.errors

    # ------------------------------------------------------------------ lifecycle steps

    def start(self) -> HookHost:
        self._bundles = {a: load_bundle(a) for a in self.config.agents}  # fails early with build hint
        self.sink.open()
        self.sink.setup_analysis()
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

    def run_until(
        self, predicate: Callable[[HookHost], bool] | None = None, *, timeout: float | None = None
    ) -> HookHost:
        """start(), wait until every target is gone (or `predicate(host)` or `timeout`), stop()."""
        self.start()
        try:
            self.wait(predicate, timeout=timeout)
        finally:
            self.stop()
        return self

    def wait(
        self, predicate: Callable[[HookHost], bool] | None = None, *, timeout: float | None = None
    ) -> bool:
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
        self.sink.close()

    # ------------------------------------------------------------------ device, spawn, attach

    def _get_device(self) -> Any:
        # Lazy: frida loads a native library; only opening a device needs it (events and describe run without).
        import frida

        if self.config.device == "usb":
            return frida.get_usb_device(timeout=10)
        if self.config.device == "remote":
            if self.config.remote is None:  # AgentConfig refuses this already
                raise ValueError("remote device needs HOST[:PORT]")
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
                self._queue.put(
                    (
                        "host-event",
                        {
                            "type": "hook:agent-error",
                            "where": "enable_child_gating",
                            "error": str(e),
                            "pid": pid,
                        },
                    )
                )
        init_settings = dict(self.config.agent_settings)
        try:
            for agent in self.config.agents:
                script = session.create_script(self._bundles[agent], name=f"phonehome-{agent}")
                script.on(
                    "message",
                    lambda message, data, agent=agent: self._queue.put(
                        ("message", pid, agent, message, data)
                    ),
                )
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
                self._queue.put(
                    (
                        "host-event",
                        {
                            "type": "hook:agent-error",
                            "agent": agent,
                            "where": "init",
                            "error": str(e),
                            "pid": pid,
                        },
                    )
                )
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
                self.sink.drain()
                continue
            kind = item[0]
            try:
                if kind == "stop":
                    self.sink.finish()
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
                    self.sink.emit(item[1])
                elif kind == "call":
                    try:
                        item[1]()
                    finally:
                        item[2].set()
            except Exception as e:  # noqa: BLE001 - the host thread must survive anything
                log.exception("hook host: %s failed", kind)
                self.sink.errors.append(f"{kind}: {e}")
            self.sink.drain()

    def _handle_message(self, pid: int, agent: str, message: dict[str, Any], data: bytes | None) -> None:
        mtype = message.get("type")
        if mtype == "send":
            payload = message.get("payload")
            if isinstance(payload, dict) and payload.get("type") == "batch":
                for ev in payload.get("events", []):
                    if isinstance(ev, dict):
                        self.sink.buffer(pid, agent, ev, data)
            elif isinstance(payload, dict) and isinstance(payload.get("type"), str):
                self.sink.buffer(pid, agent, payload, data)
            else:
                log.warning("agent %s sent an untyped message: %r", agent, payload)
        elif mtype == "error":
            self.sink.emit(
                {
                    "type": "hook:agent-error",
                    "agent": agent,
                    "pid": pid,
                    "where": "script",
                    "error": message.get("description"),
                    "stack": message.get("stack"),
                }
            )
        elif mtype == "log":
            log.info("[%s %s] %s", agent, pid, message.get("payload"))

    def _ack_crash(self, pid: int, agent: str) -> None:
        t = self.targets.get(pid)
        script = t.scripts.get(agent) if t is not None else None
        if script is not None:
            try:
                script.post({"type": "crash-ack"})
            except Exception as e:  # noqa: BLE001 - the process may be gone already
                log.debug("crash ack to %s: %s", pid, e)

    def _handle_detached(self, t: _Attached, reason: str, crash: Any) -> None:
        if not t.alive:
            return
        pid = t.pid
        t.alive = False
        self.sink.drain(all_=True)
        if self.sink.assembler is not None:
            self.sink.analyse(self.sink.assembler.close(prefix=f"{pid}:"))
        ev: dict[str, Any] = {"type": "hook:detached", "pid": pid, "reason": str(reason), "main": t.main}
        if crash is not None:
            ev["crash"] = {
                "summary": getattr(crash, "summary", None),
                "report": getattr(crash, "report", None),
            }
        self.sink.emit(ev)
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
                self.sink.emit({"type": "hook:child", "pid": pid, "origin": "exec", "reattached": True})
                return
            except Exception as e:  # noqa: BLE001
                self.sink.emit(
                    {"type": "hook:agent-error", "where": "re-attach after exec", "pid": pid, "error": str(e)}
                )
        if (
            t.main
            and self.config.respawn
            and self.config.target.spawn is not None
            and reason != "application-requested"
        ):
            if self._respawns < self.config.max_respawns:
                self._respawns += 1
                pid2, _ = self._spawn_or_attach()
                self.main_pid = pid2
                self._instrument(pid2, main=True)
                self.device.resume(pid2)
                self.sink.emit(
                    {"type": "hook:respawned", "pid": pid2, "previous_pid": pid, "count": self._respawns}
                )
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
                self.sink.emit(
                    {"type": "hook:agent-error", "where": "re-attach", "pid": t.pid, "error": str(e)}
                )
                return False
            log.debug("re-attach %s (attempt %d): %s", t.pid, count + 1, e)
            self._pending_reattach.add(t.pid)
            threading.Timer(0.1, self._queue.put, args=(("reattach", t),)).start()
            return True
        self._reattaches[t.pid] = 0  # the limit is on failed attempts in a row, not on forks
        self.sink.emit(
            {
                "type": "hook:reattached",
                "pid": t.pid,
                "main": t.main,
                "after": "application-requested",
                "attempts": count + 1,
            }
        )
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
            self.sink.emit(
                {
                    "type": "hook:child",
                    "pid": pid,
                    "parent_pid": child.parent_pid,
                    "origin": str(child.origin),
                }
            )
        except Exception as e:  # noqa: BLE001
            self.sink.emit({"type": "hook:agent-error", "where": "child attach", "pid": pid, "error": str(e)})
        self._resume_quietly(pid)

    def _resume_quietly(self, pid: int) -> None:
        try:
            self.device.resume(pid)
        except Exception as e:  # noqa: BLE001
            log.debug("resume %s: %s", pid, e)
