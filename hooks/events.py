"""The hook host's event sink: what becomes of the agents' events once they reach the host.

Decodes an event's byte fields (`X_b64`/`X_size`/`X_text`/`X_hex`), holds events `settle_s` so
they are handled in agent time order across agents, numbers them, attributes reads to SDKs
(`sdk_match_for_stack`), correlates them with known values (`analysis.correlate`), writes
`hook-events.jsonl`, feeds runtime known values to the `Analyser`, reassembles TLS plaintext
into records (`analysis.plaintext`) and writes their findings to `hook-findings.jsonl`.

It runs on the host thread only (`host.HookHost` owns the Frida side and calls it); nothing here
talks to Frida.
"""

from __future__ import annotations

import base64
import heapq
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from phonehome.analysis.correlate import Correlator
from phonehome.analysis.destinations import sdk_match_for_stack
from phonehome.analysis.pipeline import Analyser
from phonehome.analysis.plaintext import PlaintextAssembler
from phonehome.analysis.schema import to_json_row
from phonehome.store import JsonlWriter, SessionStore, read_jsonl

from .config import AgentConfig

log = logging.getLogger("phonehome.hooks.host")

TEXT_PREVIEW_MAX = 65536


class EventSink:
    """Turns agent events into session files, in agent time order."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_crash: Callable[[int, str], None] = lambda pid, agent: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.on_event = on_event
        self.on_crash = on_crash
        """Called at once for a `hook:crash` (the crashing thread waits for the host's answer)."""
        self.clock = clock
        self.events_seen = 0
        self.findings_written = 0
        self.errors: list[str] = []
        self.next_id = 1
        self._store = SessionStore.create(config.session) if config.session is not None else None
        self.events_out: JsonlWriter | None = None
        self.findings_out: JsonlWriter | None = None
        self.analyser: Analyser | None = None
        self.assembler: PlaintextAssembler | None = None
        self._sdk_for_stack: Callable[[Sequence[str]], Any] | None = None
        self._held: list[tuple[float, int, float, dict[str, Any], dict[str, bytes]]] = []
        self._seq = 0
        self.settle_s = 0.25
        """How long agent events are held to be put in time order across agents (batches
        leave an agent at least every 50 ms)."""
        seed = config.profile.known_values() if config.profile is not None else []
        self.correlator = Correlator(seed=seed)

    def buffer(self, pid: int, agent: str, ev: dict[str, Any], data: bytes | None) -> None:
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
            self.on_crash(pid, agent)  # at once: the crashing thread waits for it
        try:
            ts = float(ev.get("ts") or 0.0)
        except (TypeError, ValueError):
            ts = 0.0
        self._seq += 1
        heapq.heappush(self._held, (ts, self._seq, time.monotonic(), ev, raw))

    def drain(self, *, all_: bool = False) -> None:
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
        ev["id"] = self.next_id
        self.next_id += 1
        stack = ev.get("stack")
        if isinstance(stack, list) and stack:
            self._attribute(ev, stack)
        new_values = self.correlator.add(ev)  # may annotate ev["correlated"] before it is written
        self._write_event(ev)
        for late in self.correlator.take_late():
            self.emit(late, drain=False)
        if new_values and self.analyser is not None:
            self.analyser.add_known_values(new_values)
        if ev.get("app_level") and self.analyser is not None:
            self.analyser.add_hook_events([ev])
        if ev.get("type") == "hook:tls-plaintext" and self.assembler is not None:
            self.analyse(self.assembler.feed(ev, raw.get("data", b"")))

    def emit(self, ev: dict[str, Any], *, drain: bool = True) -> None:
        """A host-made event (detached, child, errors): the agents' held events go first."""
        if drain:
            self.drain(all_=True)
        ev = dict(ev)
        ev.setdefault("ts", self.clock())
        ev["id"] = self.next_id
        self.next_id += 1
        self._write_event(ev)

    def _write_event(self, ev: dict[str, Any]) -> None:
        self.events_seen += 1
        if self.events_out is not None:
            self.events_out.write(ev)
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

    def analyse(self, records: list[Any]) -> None:
        if not records or self.analyser is None:
            return
        for record in records:
            try:
                rows = self.analyser.analyse_record(record)
            except Exception as e:  # noqa: BLE001
                log.exception("analysing %s failed", getattr(record, "flow_id", "?"))
                self.errors.append(f"analyse: {e}")
                continue
            if rows and self.findings_out is not None:
                self.findings_out.write_many([to_json_row(r) for r in rows])
                self.findings_written += len(rows)

    def finish(self) -> None:
        self.drain(all_=True)
        if self.assembler is not None:
            self.analyse(self.assembler.close())

    def open(self) -> None:
        if self._store is None:
            return
        if not self._store.session_json.exists():
            # a hooks-only session is still a session for watch/report; an existing session.json
            # (written by the proxy addon or the session command) is left alone
            self._store.write_meta(
                {
                    "start": self.clock(),
                    "created_by": "phonehome hooks",
                    "app": self.config.app,
                    "hooks": {
                        "agents": list(self.config.agents),
                        "device": self.config.device,
                        "target": list(self.config.target.spawn or []) or self.config.target.attach,
                    },
                }
            )
        existing = read_jsonl(self._store.hook_events).objects
        ids = [int(e["id"]) for e in existing if isinstance(e.get("id"), int)]
        self.next_id = max(ids, default=0) + 1
        for e in existing:  # a continued session keeps its earlier reads known
            self.correlator.add(e)
        self.events_out = JsonlWriter(self._store.hook_events)
        if self.config.analyse:
            self.findings_out = JsonlWriter(self._store.hook_findings)

    def close(self) -> None:
        for w in (self.events_out, self.findings_out):
            if w is not None:
                w.close()
        self.events_out = self.findings_out = None

    def setup_analysis(self) -> None:
        """SDK attribution always; with `config.analyse`, TLS plaintext → records → findings."""
        self._sdk_for_stack = sdk_match_for_stack
        if not self.config.analyse:
            return
        app = self.config.app or (
            self.config.profile.app_under_test if self.config.profile is not None else None
        )
        self.assembler = PlaintextAssembler(app=app)
        self.analyser = Analyser(profile=self.config.profile, app=app)
        if self.correlator.known:
            self.analyser.add_known_values(self.correlator.known)


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
