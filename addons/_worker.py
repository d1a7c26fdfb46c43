"""The live analysis worker: saving flows, decoding and detection in their own process.

    proxy process (addons/phonehome.py)             worker process (this module, `main`)
      hook: the flow's fields -> flows.journal  ──►   journal record -> FlowWriter bytes -> flows.mitm
            (phonehome/store/journal.py)               records -> Analyser -> findings.jsonl
                                                      counters (shared memory) ◄── stats

`Worker` is the proxy-side handle (start, crash check and restart, stop); `main` runs in the child
started with the `spawn` context, so the CPU work does not share the proxy's interpreter or its
GIL. The journal is the queue: the proxy appends and never waits; the worker follows the file,
saves every flow, and analyses what it can. When it is behind by more than `queue_size` items or
`max_bytes` bytes it saves without analysing and counts the flow as dropped (`phonehome replay`
analyses it later). Its progress is in `flows.journal.pos`, so a restarted worker resumes where
its predecessor stopped; at the proxy's stop record it finishes, and removes the journal.

The worker builds its `Analyser` from the session directory the same way `phonehome replay` does
(`analysis.sessions.plan_replay`: profile copy `device.toml`, app and first-party domains from
`session.json`, runtime values from `hook-events.jsonl`), and keeps tailing `hook-events.jsonl`
so values the Frida hooks observe during the session count live as they do in replay. If it cannot
build one, it still saves the flows.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import marshal
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mitmproxy import io as mitm_io
from mitmproxy.io import tnetstring
from mitmproxy.websocket import WebSocketMessage

from phonehome.analysis.correlate import known_values_from_events
from phonehome.analysis.records import records_from_state, ws_message_record
from phonehome.store import JsonlWriter, SessionStore, open_private, read_jsonl
from phonehome.store import journal as _journal
from phonehome.store.safefile import open_fd, reason

log = logging.getLogger("phonehome.live.worker")

# Shared counters (one `RawArray("q")`; C_SUBMITTED is written by the proxy, the rest by the worker).
(
    C_ITEMS,
    C_FINDINGS,
    C_ERRORS,
    C_RECORDS,
    C_READY,
    C_CAPPED,
    C_SUBMITTED,
    C_DROPPED,
    C_SAVED,
    C_JOURNAL_DONE,
    C_SAVE_ERRNO,
) = range(11)
N_COUNTERS = 11

EXIT_SAVING_STOPPED = 75
"""The worker's exit status when the session's disk cannot take more (full, read-only, I/O
error): what was saved is complete, the proxy does not restart it, saving stops."""
SAVE_ERRNOS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS))


class SavingStopped(Exception):
    """Writing the session failed in a way another try will not fix (`SAVE_ERRNOS`)."""

    def __init__(self, what: str, error: OSError) -> None:
        super().__init__(f"cannot write {what}: {reason(error)}")
        self.errno = error.errno or errno.EIO


ANALYSED_KINDS = frozenset(
    (_journal.KIND_HTTP, _journal.KIND_FLOW, _journal.KIND_WS_START, _journal.KIND_WS_MSG)
)
"""Journal records that are work items (counted in C_SUBMITTED by the proxy, C_ITEMS here)."""

WS_CACHE_MAX = 10_000
"""Open WebSocket handshakes remembered; the oldest is forgotten beyond this (a lost `ws-end`)."""
PARENT_POLL_S = 0.25
POLL_S = 0.01
"""How often an idle worker looks at the journal's size (a `fstat`)."""
WORKER_NICE = 19
"""The worker only uses CPU the proxy (and everything else) leaves idle: it runs under the
`SCHED_IDLE` policy (or at nice 19 where that is refused). When cores are scarce, traffic goes first
and analysis falls behind, drops and says so, instead of slowing the phone's connections."""


def lower_priority() -> str:
    """Put this process under SCHED_IDLE (Linux), else nice 19; returns what was done."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "SCHED_IDLE"
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICE)
        return f"nice {WORKER_NICE}"


@dataclass(frozen=True)
class WorkerConfig:
    session_dir: str
    body_cap: int
    queue_size: int = 1000
    """Items (flows, WebSocket messages) the worker may be behind before it skips analysis."""
    max_bytes: int = 64 << 20
    """Journal bytes the worker may be behind before it skips analysis."""
    cpu_share: float = 1.0
    """Share of one core the worker uses at most while busy (it sleeps off the rest)."""


# ------------------------------------------------------------------------------------------------
# Proxy side
# ------------------------------------------------------------------------------------------------


class Worker:
    """Proxy-side handle of the worker process. Nothing here blocks the event loop except
    `start` (a fork/exec, a few ms) and `stop` (called at shutdown, bounded by its timeout)."""

    def __init__(
        self,
        config: WorkerConfig,
        *,
        target: Callable[..., None] | None = None,
        max_restarts: int = 5,
        restart_window_s: float = 60.0,
    ) -> None:
        self.config = config
        self._mp = multiprocessing.get_context("spawn")
        self._target = target or main
        self.counters = self._mp.RawArray("q", N_COUNTERS)
        self.process: multiprocessing.process.BaseProcess | None = None
        self.restarts = 0
        self.max_restarts = max_restarts
        self.restart_window_s = restart_window_s
        self._restart_times: list[float] = []
        self.gave_up = False
        self.saving_stopped = False
        """The worker exited because the session's disk could not take more (`EXIT_SAVING_STOPPED`)."""
        self._stopping = False
        self.journal_end: Callable[[], int] = lambda: 0
        """Bytes journaled so far (set by the addon), for the backlog in bytes."""

    def start(self) -> None:
        proc = self._mp.Process(
            target=self._target,
            args=(self.config, self.counters, os.getpid()),
            name="phonehome-worker",
            daemon=True,
        )
        proc.start()
        self.process = proc

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def backlog(self) -> int:
        """Work items journaled that the worker has not taken yet."""
        return max(0, int(self.counters[C_SUBMITTED]) - int(self.counters[C_ITEMS]))

    def backlog_bytes(self) -> int:
        return max(0, self.journal_end() - int(self.counters[C_JOURNAL_DONE]))

    def counter(self, index: int) -> int:
        return int(self.counters[index])

    def check(self) -> dict[str, Any] | None:
        """If the worker died unexpectedly: restart it (unless it crashed too often) and
        describe what happened; None while it is healthy. A restarted worker resumes at the
        journal position its predecessor reached; nothing journaled is lost."""
        proc = self.process
        if proc is None or self._stopping or proc.is_alive():
            return None
        exitcode = proc.exitcode
        if exitcode == EXIT_SAVING_STOPPED:  # the disk is full: another worker would fail the same way
            self.process = None
            self.saving_stopped = True
            return {
                "exitcode": exitcode,
                "pid": proc.pid,
                "backlog": self.backlog(),
                "restarted": False,
                "saving_stopped": True,
                "errno": int(self.counters[C_SAVE_ERRNO]),
            }
        now = time.monotonic()
        self._restart_times = [t for t in self._restart_times if now - t < self.restart_window_s]
        event: dict[str, Any] = {"exitcode": exitcode, "pid": proc.pid, "backlog": self.backlog()}
        if len(self._restart_times) >= self.max_restarts:
            self.gave_up = True
            self.process = None
            event["restarted"] = False
            return event
        self._restart_times.append(now)
        self.restarts += 1
        self.start()
        event["restarted"] = True
        event["new_pid"] = self.pid
        return event

    def stop(self, timeout: float) -> int:
        """Wait up to `timeout` s for the worker to finish the journal (the addon has written the
        stop record), then terminate it. Returns how many work items were left (0 after a clean
        finish); what is left stays in the journal for `_journal.recover`."""
        self._stopping = True
        proc = self.process
        if proc is None:
            return 0
        proc.join(max(0.0, timeout))
        left = 0
        if proc.is_alive():
            left = self.backlog()
            proc.terminate()
            proc.join(2)
            if proc.is_alive():
                proc.kill()
                proc.join(2)
        self.process = None
        return left


# ------------------------------------------------------------------------------------------------
# Worker side
# ------------------------------------------------------------------------------------------------


def flow_from_bytes(data: bytes) -> Any:
    """The flow in `data` (one FlowWriter record), read back exactly as replay reads flow files."""
    for flow in mitm_io.FlowReader(io.BytesIO(data)).stream():
        return flow
    raise ValueError("no flow in item")


class Processor:
    """Turns journal records into saved flows and finding rows; every analysis failure is caught
    per record, logged with the flow id and written as a `proxy:error` event."""

    def __init__(
        self,
        analyser: Any,
        *,
        findings: Any,
        events: Any,
        counters: Any,
        body_cap: int,
        flows_fd: int,
        position: _journal.Position | None = None,
        conns: _journal.Connections | None = None,
        queue_size: int = 1000,
        max_bytes: int = 64 << 20,
        cpu_share: float = 1.0,
        hook_events: Path | None = None,
        hook_offset: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.analyser = analyser
        self.findings = findings
        self.events = events
        self.counters = counters
        self.body_cap = body_cap
        self.flows_fd = flows_fd
        self.flows_size = os.lseek(flows_fd, 0, os.SEEK_END)
        self.position = position
        self.conns = conns if conns is not None else _journal.Connections()
        self.queue_size = queue_size
        self.max_bytes = max_bytes
        self.cpu_share = cpu_share
        self._owed_sleep = 0.0
        self.slept = 0.0
        self.hook_events = hook_events
        self.hook_offset = hook_offset
        self._hook_size = -1
        self.clock = clock
        self.ws_flows: OrderedDict[str, Any] = OrderedDict()
        self.journal_size = 0
        """Size of the journal when it was last looked at (for the bytes backlog)."""

    # -- runtime values from the Frida hooks --------------------------------------------------

    def refresh_runtime_values(self) -> None:
        """Add known values from hook events appended since the last look (one stat() when
        nothing changed)."""
        path = self.hook_events
        if path is None or self.analyser is None:
            return
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        if size == self._hook_size or size <= self.hook_offset:
            self._hook_size = size
            return
        self._hook_size = size
        read = read_jsonl(path, self.hook_offset)
        self.hook_offset = read.next_offset
        if read.objects:
            self.analyser.add_known_values(known_values_from_events(read.objects))
            add_events = getattr(self.analyser, "add_hook_events", None)  # test analysers may lack it
            if add_events is not None:
                add_events(read.objects)

    # -- records -------------------------------------------------------------------------------

    def handle(self, rec: _journal.Record) -> bool:
        """Save and analyse one journal record; True for the proxy's stop record."""
        kind = rec.kind
        if kind == _journal.KIND_STOP:
            self._advance(rec.end)
            return True
        data, state = _journal.decode(rec, self.conns)  # a damaged record raises: the loop stops
        if data is not None:
            self._save(data)
            self.counters[C_SAVED] += 1
        # Progress is recorded before the analysis: a record that kills the worker is skipped,
        # not retried forever by its successors.
        self._advance(rec.end)
        if kind not in ANALYSED_KINDS:
            if kind == _journal.KIND_WS_END:
                self.ws_flows.pop(marshal.loads(rec.payload), None)
            return False
        self.counters[C_ITEMS] += 1
        if self._behind(rec):
            self.counters[C_DROPPED] += 1
            return False
        flow_id = ""
        try:
            self.refresh_runtime_values()
            if kind == _journal.KIND_WS_MSG:
                flow_id, index, state = marshal.loads(rec.payload)
                self._ws_message(flow_id, index, state)
            else:
                flow_bytes = rec.payload if data is None else data  # a handshake is analysed, not saved
                if state is None:  # not an `h` record: read the state back from the bytes
                    state = self._state(flow_bytes)
                flow_id = str(state.get("id", ""))
                if kind == _journal.KIND_WS_START:
                    self.ws_flows[flow_id] = flow_from_bytes(flow_bytes)
                    while len(self.ws_flows) > WS_CACHE_MAX:
                        self.ws_flows.popitem(last=False)
                self._records(self._state_records(state))
        except Exception as e:
            if isinstance(e, OSError) and e.errno in SAVE_ERRNOS:  # findings.jsonl cannot be written
                raise SavingStopped("findings.jsonl", e) from None
            self.counters[C_ERRORS] += 1
            log.exception("analysis failed for flow %s (record %s)", flow_id, chr(kind))
            self._event(
                {
                    "type": "proxy:error",
                    "where": "worker",
                    "flow_id": flow_id,
                    "item": chr(kind),
                    "error": f"{type(e).__name__}: {e}",
                }
            )
        return False

    def _pace(self, cpu_s: float) -> None:
        """Keep to `cpu_share` of a core: after working `cpu_s`, owe `cpu_s * (1/share - 1)` of
        sleep, paid in naps of 5 ms or more. SCHED_IDLE keeps the worker off a core others want;
        this also limits what it does to the caches and memory the proxy shares, during a burst.
        At a phone's pace (a few ms of work per second) it never sleeps."""
        if self.cpu_share >= 1.0:
            return
        self._owed_sleep += cpu_s * (1.0 / self.cpu_share - 1.0)
        if self._owed_sleep >= 0.005:
            time.sleep(self._owed_sleep)
            self.slept += self._owed_sleep
            self._owed_sleep = 0.0

    def _behind(self, rec: _journal.Record) -> bool:
        if self.analyser is None:
            return True
        waiting = int(self.counters[C_SUBMITTED]) - int(self.counters[C_ITEMS])
        return waiting > self.queue_size or self.journal_size - rec.end > self.max_bytes

    def _save(self, data: bytes) -> None:
        """Append one flow to flows.mitm whole, or not at all: a failed write is cut off again
        (so the file stays readable) and stops saving."""
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.flows_fd, view)
                if n <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[n:]
        except OSError as e:
            with contextlib.suppress(OSError):
                os.ftruncate(self.flows_fd, self.flows_size)
            raise SavingStopped("flows.mitm", e) from None
        self.flows_size += len(data)

    def _advance(self, journal_offset: int) -> None:
        self.counters[C_JOURNAL_DONE] = journal_offset
        if self.position is not None:
            try:
                self.position.write(journal_offset, self.flows_size)
            except OSError as e:
                raise SavingStopped(_journal.POSITION, e) from None

    @staticmethod
    def _state(data: bytes) -> dict[str, Any]:
        state = tnetstring.loads(data)
        if not isinstance(state, dict):
            raise ValueError("record is not a serialised flow")
        return state

    def _state_records(self, state: dict[str, Any]) -> list[Any]:
        """Records of one flow from its flow-file state, the way replay reads `flows.mitm`
        (`tnetstring` → `records_from_state`, no Flow object)."""
        return records_from_state(state, source="proxy", app=self.analyser.app, body_cap=self.body_cap)

    def _ws_message(self, flow_id: str, index: int, state: Any) -> None:
        flow = self.ws_flows.get(flow_id)
        if flow is None:
            raise LookupError("WebSocket message without its handshake (handshake not seen or forgotten)")
        message = WebSocketMessage.from_state(state)
        record = ws_message_record(
            flow, message, index, source="proxy", app=self.analyser.app, body_cap=self.body_cap
        )
        self._records([record])

    def _records(self, records: list[Any]) -> None:
        # Lazy: the proxy process imports this module too; the analysis (pandas) loads in the worker only.
        from phonehome.analysis.schema import to_json_row

        rows: list[dict[str, Any]] = []
        for record in records:
            self.counters[C_RECORDS] += 1
            if record.body_size > self.body_cap:
                self.counters[C_CAPPED] += 1
                self._event(
                    {
                        "type": "proxy:body-capped",
                        "flow_id": record.flow_id,
                        "url": record.url,
                        "message_index": record.message_index,
                        "size": record.body_size,
                        "cap": self.body_cap,
                    }
                )
            rows.extend(to_json_row(r) for r in self.analyser.analyse_record(record))
            take_opaque = getattr(self.analyser, "take_app_encrypted", None)  # test analysers may lack it
            for opaque in take_opaque() if take_opaque is not None else ():
                self._event({"type": "proxy:app-encrypted", **opaque})  # appcrypto.APP_ENCRYPTED_EVENT
        if rows:
            self.findings.write_many(rows)  # one write() per flow or message
            self.counters[C_FINDINGS] += len(rows)

    def _event(self, event: dict[str, Any]) -> None:
        event.setdefault("ts", self.clock())
        try:
            self.events.write(event)
        except Exception:
            log.exception("could not write a proxy event")

    # -- the loop ----------------------------------------------------------------------------------

    def follow(
        self,
        journal_fd: int,
        offset: int,
        *,
        parent_alive: Callable[[], bool],
        journal_path: Path | str = _journal.JOURNAL,
    ) -> str:
        """Handle records from `offset` on as the journal grows, until the stop record ("stop"),
        the proxy's death with every complete record handled ("proxy gone"), or a damaged
        record ("damaged")."""
        last_parent_check = time.monotonic()
        while True:
            size = os.fstat(journal_fd).st_size
            self.journal_size = size
            progressed = False
            try:
                for rec in _journal.read_records(journal_fd, offset, size, path=journal_path):
                    offset = rec.end
                    progressed = True
                    cpu = time.thread_time()
                    if self.handle(rec):
                        return "stop"
                    self._pace(time.thread_time() - cpu)
            except _journal.JournalError as e:
                log.error("%s; records after it cannot be read", e)
                self._event({"type": "proxy:error", "where": "worker", "error": str(e)})
                return "damaged"
            except SavingStopped as e:
                self.counters[C_SAVE_ERRNO] = e.errno
                log.error(
                    "saving stopped: %s; the %d flows saved before are complete", e, self.counters[C_SAVED]
                )
                self._event(
                    {
                        "type": "proxy:saving-stopped",
                        "where": "worker",
                        "reason": str(e),
                        "errno": errno.errorcode.get(e.errno, str(e.errno)),
                        "saved": int(self.counters[C_SAVED]),
                    }
                )
                return "saving stopped"
            if progressed:
                continue
            now = time.monotonic()
            if now - last_parent_check >= PARENT_POLL_S:
                last_parent_check = now
                self.refresh_runtime_values()
                if not parent_alive():
                    if os.fstat(journal_fd).st_size == size:  # nothing came in meanwhile
                        if size > offset:
                            self._event(
                                {
                                    "type": "proxy:error",
                                    "where": "worker",
                                    "error": f"the journal ends with an incomplete record of {size - offset} "
                                    "bytes (the proxy was killed while writing it)",
                                }
                            )
                        return "proxy gone"
                    continue
            time.sleep(POLL_S)


def build_analyser(session_dir: Path) -> tuple[Any, int]:
    """The analyser `phonehome replay` would use for this session, and the hook-events offset
    from which runtime values still have to be read."""
    # Lazy: the proxy process imports this module too; the analysis (pandas) loads in the worker only.
    from phonehome.analysis.sessions import plan_replay

    store = SessionStore(session_dir)
    try:
        offset = store.hook_events.stat().st_size
    except FileNotFoundError:
        offset = 0
    plan = plan_replay([session_dir], save_journal=False)  # the journal is this worker's to follow
    # Replay read every complete hook event up to now; re-reading from `offset` on is harmless.
    return plan.analyser, offset


def main(config: WorkerConfig, counters: Any, parent_pid: int) -> None:
    """Entry point of the worker process."""
    # Ctrl-C reaches the whole process group: the proxy shuts down and writes the stop record.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    priority = lower_priority()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="[%(asctime)s] phonehome worker %(process)d: %(levelname)s %(message)s",
    )
    store = SessionStore(Path(config.session_dir))
    started = time.monotonic()
    events = JsonlWriter(store.proxy_events)
    position = _journal.Position(store.root / _journal.POSITION)
    if not position.lock(wait_s=30):
        log.error("another worker holds %s; exiting", position.path)
        sys.exit(1)
    journal_path = store.root / _journal.JOURNAL
    journal_fd = open_fd(journal_path, os.O_RDONLY)
    flows = open_private(store.flows, "ab")
    flows_fd = flows.fileno()
    done = position.read()
    offset = 0
    conns = _journal.Connections()
    if done is not None:  # a predecessor got this far: drop what it wrote after its last record
        offset, flows_size = done
        if os.fstat(flows_fd).st_size > flows_size:
            os.ftruncate(flows_fd, flows_size)
        conns = _journal.known_connections(journal_fd, offset, journal_path)
        log.info("resuming at byte %d of the journal", offset)
    analyser: Any = None
    hook_offset = 0
    try:
        analyser, hook_offset = build_analyser(store.root)
    except Exception as e:
        log.exception("could not set up the analyser; saving flows without analysing them")
        events.write(
            {
                "type": "proxy:error",
                "where": "worker-setup",
                "ts": time.time(),
                "error": f"{type(e).__name__}: {e}",
            }
        )
    counters[C_READY] = 1
    log.info("ready in %.2f s (%s)", time.monotonic() - started, priority)
    stopped = False
    with JsonlWriter(store.findings) as findings:
        processor = Processor(
            analyser,
            findings=findings,
            events=events,
            counters=counters,
            body_cap=config.body_cap,
            flows_fd=flows_fd,
            position=position,
            conns=conns,
            queue_size=config.queue_size,
            max_bytes=config.max_bytes,
            cpu_share=config.cpu_share,
            hook_events=store.hook_events,
            hook_offset=hook_offset,
        )
        try:
            how = processor.follow(
                journal_fd, offset, parent_alive=lambda: os.getppid() == parent_pid, journal_path=journal_path
            )
            if how == "proxy gone":
                log.warning("the proxy process is gone; every flow it had journaled is saved; exiting")
            if how == "saving stopped":
                # The journal keeps what was not saved (replay saves it once there is room).
                with contextlib.suppress(OSError):
                    os.fsync(flows_fd)
                stopped = True
            else:
                flows.flush()
                os.fsync(flows_fd)
            if how not in ("damaged", "saving stopped"):
                # Everything is in flows.mitm: the journal has served its purpose.
                journal_path.unlink()
                with contextlib.suppress(FileNotFoundError):
                    position.path.unlink()
        finally:
            flows.close()
            os.close(journal_fd)
            position.close()
            with contextlib.suppress(OSError):
                events.close()
    if stopped:
        sys.exit(EXIT_SAVING_STOPPED)
