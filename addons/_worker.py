"""The live analysis worker: decoding and detection in their own process, off mitmproxy's loop.

    proxy process (addons/phonehome.py)                 worker process (this module, `main`)
      hook: serialise flow once (FlowWriter bytes)        FlowReader on the bytes (as replay does)
            append the bytes to flows.mitm        ──►      records → Analyser → findings.jsonl
            queue.put_nowait(item)  (bounded)             counters (shared memory) ◄── stats

`Worker` is the proxy-side handle (start, submit without ever blocking, crash check and restart,
drain on stop); `main` runs in the child started with the `spawn` context, so the CPU work does
not share the proxy's interpreter or its GIL. Items are plain tuples (see `Item`), cheap to pickle:
an HTTP flow travels as the exact bytes already written to `flows.mitm`.

The worker builds its `Analyser` from the session directory the same way `phonehome replay` does
(`analysis.sessions.plan_replay`: profile copy `device.toml`, app and first-party domains from
`session.json`, runtime values from `hook-events.jsonl`), and keeps tailing `hook-events.jsonl`
so values the Frida hooks observe during the session count live as they do in replay.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import io
import logging
import multiprocessing
import multiprocessing.context
import multiprocessing.queues
import os
import queue as queue_mod
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("phonehome.live.worker")

# Queue items (tuples; the first element is the kind):
#   ("flow", flow_id, offset, length)        a finished HTTP flow, appended to flows.mitm at `offset`
#                                            (the worker reads it back from there: no copy in the pipe)
#   ("ws-start", flow_id, flow_bytes)        a WebSocket handshake flow (no messages yet)
#   ("ws-msg", flow_id, index, msg_state)    one client→server message; index in flow.websocket.messages
#   ("ws-end", flow_id, end)                 the WebSocket closed (and was appended): forget the handshake
#   ("stop",)                                drain everything before this, then exit
# The queue carries lists of items (batches), and the STOP tuple.
Item = tuple[Any, ...]
STOP: Item = ("stop",)
EOF: Item = ("eof",)
"""Put by the worker's reader thread when the proxy's end of the pipe is gone."""

# Shared counters (one `RawArray("q")`, written by the worker only, read by the proxy).
C_ITEMS, C_FINDINGS, C_ERRORS, C_RECORDS, C_READY, C_CAPPED, C_BYTES_DONE = range(7)
N_COUNTERS = 8

EXIT_SETUP_FAILED = 3
"""Exit status of a worker that could not build its analyser: restarting would not help."""

WS_CACHE_MAX = 10_000
"""Open WebSocket handshakes remembered; the oldest is forgotten beyond this (a lost `ws-end`)."""
PARENT_POLL_S = 0.25
FLUSH_S = 0.02
"""How long items wait in the proxy before being handed to the queue, at most."""
FLUSH_BYTES = 1 << 20
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_SIZE = 1 << 20
WORKER_NICE = 19
"""The worker only uses CPU the proxy (and everything else) leaves idle: it runs under the
`SCHED_IDLE` policy (or at nice 19 where that is refused). When cores are scarce, traffic goes first
and analysis falls behind, drops and says so, instead of slowing the phone's connections."""


def lower_priority() -> str:
    """Put this process under SCHED_IDLE (Linux), else nice 19; returns what was done."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
        return "SCHED_IDLE"
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICE)
        return f"nice {WORKER_NICE}"


@dataclass(frozen=True)
class WorkerConfig:
    session_dir: str
    body_cap: int
    start_offset: int = 0
    """Size of flows.mitm when this worker was started: flows before it are not its business."""


# ------------------------------------------------------------------------------------------------
# Proxy side
# ------------------------------------------------------------------------------------------------


class Worker:
    """Proxy-side handle of the worker process. Nothing here blocks the event loop except
    `start` (a fork/exec, a few ms) and `stop` (called at shutdown, bounded by its timeout).

    Items are collected in a batch and handed to the queue's feeder thread as one object by
    `flush()` (the addon calls it every `FLUSH_S` or when a batch holds `FLUSH_BYTES`): per flow
    the hook then pays a list append, not a lock, a thread wake-up and a pipe write. The bound
    (`queue_size` items, `max_bytes` bytes) is checked against what the worker has not finished
    yet, counted exactly through shared counters, so the backlog reported is exact too."""

    def __init__(
        self,
        config: WorkerConfig,
        *,
        queue_size: int,
        max_bytes: int = 64 << 20,
        target: Callable[..., None] | None = None,
        max_restarts: int = 5,
        restart_window_s: float = 60.0,
    ) -> None:
        self.config = config
        self.queue_size = queue_size
        self.max_bytes = max_bytes
        self._mp = multiprocessing.get_context("spawn")
        self._target = target or main
        self.counters = self._mp.RawArray("q", N_COUNTERS)
        self.process: multiprocessing.process.BaseProcess | None = None
        self.queue: multiprocessing.queues.Queue[Any] | None = None
        self.items_enqueued = 0
        self.bytes_enqueued = 0
        self.batch: list[Item] = []
        self.batch_bytes = 0
        self.restarts = 0
        self.max_restarts = max_restarts
        self.restart_window_s = restart_window_s
        self._restart_times: list[float] = []
        self.gave_up = False
        self._stopping = False
        self.flows_offset: Callable[[], int] = lambda: config.start_offset
        """Current size of flows.mitm (set by the addon); a (re)started worker begins there."""

    def start(self) -> None:
        q: multiprocessing.queues.Queue[Any] = self._mp.Queue()
        # Never let interpreter exit wait for the feeder thread to flush into a dead worker's pipe.
        q.cancel_join_thread()
        # A 1 MB pipe instead of 64 KB: batches of large flows go through in one or two writes, not
        # dozens of partial writes with a wake-up of the worker each (Linux F_SETPIPE_SZ).
        with contextlib.suppress(AttributeError, OSError):
            fcntl.fcntl(q._writer.fileno(), F_SETPIPE_SZ, PIPE_SIZE)  # type: ignore[attr-defined]
        proc = self._mp.Process(
            target=self._target,
            args=(dataclasses.replace(self.config, start_offset=self.flows_offset()), q, self.counters, os.getpid()),
            name="phonehome-worker",
            daemon=True,
        )
        proc.start()
        self.queue, self.process = q, proc
        # Counted from what this worker has done: whatever a dead predecessor had is written off.
        self.items_enqueued = int(self.counters[C_ITEMS])
        self.bytes_enqueued = int(self.counters[C_BYTES_DONE])

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def submit(self, item: Item, size: int = 0) -> bool:
        """Add to the batch without blocking; False when the bound is reached (items or bytes
        not yet analysed) or the worker is gone."""
        if self.queue is None:
            return False
        if self.items_enqueued - int(self.counters[C_ITEMS]) >= self.queue_size:
            return False
        if size and self.bytes_enqueued + size - int(self.counters[C_BYTES_DONE]) > self.max_bytes:
            return False
        self.batch.append(item)
        self.batch_bytes += size
        self.items_enqueued += 1
        self.bytes_enqueued += size
        return True

    def flush(self) -> int:
        """Hand the batch to the queue (one object for the feeder thread); returns its length."""
        batch = self.batch
        if not batch or self.queue is None:
            return 0
        self.batch, self.batch_bytes = [], 0
        try:
            self.queue.put_nowait(batch)
        except (ValueError, OSError):  # queue closed during a restart or shutdown
            return 0
        return len(batch)

    def backlog(self) -> int:
        """Items handed over (or batched) that the worker has not finished."""
        return max(0, self.items_enqueued - int(self.counters[C_ITEMS]))

    def backlog_bytes(self) -> int:
        return max(0, self.bytes_enqueued - int(self.counters[C_BYTES_DONE]))

    def counter(self, index: int) -> int:
        return int(self.counters[index])

    def check(self) -> dict[str, Any] | None:
        """If the worker died unexpectedly: restart it (unless it crashed too often) and
        describe what happened; None while it is healthy."""
        proc = self.process
        if proc is None or self._stopping or proc.is_alive():
            return None
        exitcode = proc.exitcode
        lost = self.backlog()
        self._discard_queue()
        now = time.monotonic()
        self._restart_times = [t for t in self._restart_times if now - t < self.restart_window_s]
        event: dict[str, Any] = {"exitcode": exitcode, "lost": lost, "pid": proc.pid}
        if exitcode == EXIT_SETUP_FAILED or len(self._restart_times) >= self.max_restarts:
            self.gave_up = True
            self.process = None
            self.items_enqueued = int(self.counters[C_ITEMS])
            self.bytes_enqueued = int(self.counters[C_BYTES_DONE])
            event["restarted"] = False
            return event
        self._restart_times.append(now)
        self.restarts += 1
        self.start()
        event["restarted"] = True
        event["new_pid"] = self.pid
        return event

    def _discard_queue(self) -> None:
        q = self.queue
        self.queue = None
        self.batch, self.batch_bytes = [], 0
        if q is not None:
            with contextlib.suppress(Exception):
                q.close()

    def stop(self, timeout: float) -> int:
        """Ask the worker to drain and exit; wait up to `timeout` s, then terminate it.
        Returns how many queued items were left unanalysed (0 after a clean drain)."""
        self._stopping = True
        proc, q = self.process, self.queue
        if proc is None or q is None:
            return 0
        deadline = time.monotonic() + timeout
        left = 0
        self.flush()
        with contextlib.suppress(ValueError, OSError):
            q.put_nowait(STOP)
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            left = self.backlog()
            proc.terminate()
            proc.join(2)
            if proc.is_alive():
                proc.kill()
                proc.join(2)
        self._discard_queue()
        self.process = None
        return left


# ------------------------------------------------------------------------------------------------
# Worker side
# ------------------------------------------------------------------------------------------------


def item_size(item: Item) -> int:
    """Bytes an item holds (what the proxy counts against `max_bytes`)."""
    if item[0] == "flow":
        return item[3]
    if item[0] == "ws-start":
        return len(item[2])
    if item[0] == "ws-msg":  # WebSocketMessage.get_state(): (type, from_client, content, ...)
        return len(item[3][2])
    return 0


def flow_from_bytes(data: bytes) -> Any:
    """The flow in `data` (one FlowWriter record), read back exactly as replay reads flow files."""
    from mitmproxy import io as mitm_io

    for flow in mitm_io.FlowReader(io.BytesIO(data)).stream():
        return flow
    raise ValueError("no flow in item")


class Processor:
    """Turns queue items into finding rows and writes them; every failure is caught per item,
    logged with the flow id and written as a `proxy:error` event."""

    def __init__(
        self,
        analyser: Any,
        *,
        findings: Any,
        events: Any,
        counters: Any,
        body_cap: int,
        hook_events: Path | None = None,
        hook_offset: int = 0,
        flows: Path | None = None,
        flows_offset: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.analyser = analyser
        self.findings = findings
        self.events = events
        self.counters = counters
        self.body_cap = body_cap
        self.hook_events = hook_events
        self.hook_offset = hook_offset
        self._hook_size = -1
        self.clock = clock
        self.ws_flows: OrderedDict[str, Any] = OrderedDict()
        self.flows = flows
        self._flows_fd: int | None = None
        self.received_end = flows_offset
        """flows.mitm up to here was handed over (or deliberately dropped) while the proxy lived."""

    # -- runtime values from the Frida hooks --------------------------------------------------

    def refresh_runtime_values(self) -> None:
        """Add known values from hook events appended since the last look (one stat() when
        nothing changed)."""
        path = self.hook_events
        if path is None:
            return
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        if size == self._hook_size or size <= self.hook_offset:
            self._hook_size = size
            return
        self._hook_size = size
        from phonehome.analysis.sessions import runtime_known_values

        from phonehome.store import read_jsonl

        read = read_jsonl(path, self.hook_offset)
        self.hook_offset = read.next_offset
        if read.objects:
            self.analyser.add_known_values(runtime_known_values(read.objects))

    # -- items ---------------------------------------------------------------------------------

    def handle(self, item: Item) -> None:
        kind = item[0]
        size = item_size(item)
        flow_id: str = item[1] if len(item) > 1 else ""
        try:
            self.refresh_runtime_values()
            if kind == "flow":
                self.received_end = max(self.received_end, item[2] + item[3])
                self._records(self._state_records(self._read_flow(item[2], item[3])))
            elif kind == "ws-start":
                self.ws_flows[flow_id] = flow_from_bytes(item[2])
                while len(self.ws_flows) > WS_CACHE_MAX:
                    self.ws_flows.popitem(last=False)
                self._records(self._state_records(item[2]))
            elif kind == "ws-msg":
                self._ws_message(flow_id, item[2], item[3])
            elif kind == "ws-end":
                self.received_end = max(self.received_end, item[2])
                self.ws_flows.pop(flow_id, None)
            else:
                raise ValueError(f"unknown work item {kind!r}")
        except Exception as e:
            self.counters[C_ERRORS] += 1
            log.exception("analysis failed for flow %s (%s)", flow_id, kind)
            self._event({"type": "proxy:error", "where": "worker", "flow_id": flow_id, "item": kind,
                         "error": f"{type(e).__name__}: {e}"})
        finally:
            self.counters[C_ITEMS] += 1
            self.counters[C_BYTES_DONE] += size

    def _read_flow(self, offset: int, length: int) -> bytes:
        if self._flows_fd is None:
            if self.flows is None:
                raise ValueError("no flow file to read the flow from")
            self._flows_fd = os.open(self.flows, os.O_RDONLY)
        data = os.pread(self._flows_fd, length, offset)
        if len(data) != length:
            raise ValueError(f"flows.mitm holds {len(data)} of the flow's {length} bytes at offset {offset}")
        return data

    def _state_records(self, data: bytes) -> list[Any]:
        """Records of one flow from its flow-file bytes, the way replay reads `flows.mitm`
        (`tnetstring` → `records_from_state`, no Flow object)."""
        from mitmproxy.io import tnetstring
        from phonehome.analysis.records import records_from_state

        state = tnetstring.loads(data)
        if not isinstance(state, dict):
            raise ValueError("item is not a serialised flow")
        return records_from_state(state, source="proxy", app=self.analyser.app, body_cap=self.body_cap)

    def _ws_message(self, flow_id: str, index: int, state: Any) -> None:
        from mitmproxy.websocket import WebSocketMessage
        from phonehome.analysis.records import ws_message_record

        flow = self.ws_flows.get(flow_id)
        if flow is None:
            raise LookupError("WebSocket message without its handshake (handshake item dropped or forgotten)")
        message = WebSocketMessage.from_state(state)
        record = ws_message_record(flow, message, index, source="proxy", app=self.analyser.app,
                                   body_cap=self.body_cap)
        self._records([record])

    def _records(self, records: list[Any]) -> None:
        from phonehome.analysis.schema import to_json_row

        rows: list[dict[str, Any]] = []
        for record in records:
            self.counters[C_RECORDS] += 1
            if record.body_size > self.body_cap:
                self.counters[C_CAPPED] += 1
                self._event({"type": "proxy:body-capped", "flow_id": record.flow_id, "url": record.url,
                             "message_index": record.message_index, "size": record.body_size,
                             "cap": self.body_cap})
            rows.extend(to_json_row(r) for r in self.analyser.analyse_record(record))
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

    def run(self, local: Any, parent_pid: int) -> None:
        """Handle items from `local` (filled by `pull`) until `STOP` or the end of the pipe (the
        proxy is gone: everything it had handed over is analysed first)."""
        while True:
            try:
                item = local.get(timeout=PARENT_POLL_S)  # a batch (list of items), STOP or EOF
            except queue_mod.Empty:
                if os.getppid() != parent_pid:  # fallback if no EOF arrived
                    self.catch_up()
                    return
                self.refresh_runtime_values()
                continue
            if type(item) is tuple:  # STOP or EOF
                if item is EOF:
                    self.catch_up()
                return
            for one in item:
                self.handle(one)


    def catch_up(self) -> None:
        """The proxy died without saying goodbye (`kill -9`): analyse the flows it had saved but
        not handed over (its last batch, its feeder thread's buffer), straight from flows.mitm."""
        from mitmproxy.io import tnetstring
        from phonehome.analysis.records import records_from_state

        log.warning("the proxy process is gone; analysing what it had saved but not handed over")
        if self.flows is None or not self.flows.exists():
            return
        n = 0
        with self.flows.open("rb") as fh:
            fh.seek(self.received_end)
            while True:
                try:
                    state = tnetstring.load(fh)
                except (ValueError, TypeError, IndexError, EOFError):
                    break  # the end, or a flow torn by the kill
                if not isinstance(state, dict) or state.get("id") in self.ws_flows:
                    continue  # a WebSocket whose messages were analysed as they came
                try:
                    self._records(records_from_state(state, source="proxy", app=self.analyser.app,
                                                     body_cap=self.body_cap))
                    n += 1
                except Exception:
                    self.counters[C_ERRORS] += 1
                    log.exception("analysis failed for flow %s (catch-up)", state.get("id"))
        log.warning("analysed %d flows from flows.mitm after the proxy died; exiting", n)


def pull(q: Any, local: Any) -> None:
    """Reader thread: move batches from the proxy's queue into this process as they arrive, so
    the backlog waits here, not in the proxy's memory (where a `kill -9` would lose it)."""
    while True:
        try:
            item = q.get()
        except (EOFError, OSError):
            local.put(EOF)
            return
        local.put(item)
        if type(item) is tuple:
            return


def build_analyser(session_dir: Path) -> tuple[Any, int]:
    """The analyser `phonehome replay` would use for this session, and the hook-events offset
    from which runtime values still have to be read."""
    from phonehome.analysis.sessions import plan_replay

    from phonehome.store import SessionStore

    store = SessionStore(session_dir)
    try:
        offset = store.hook_events.stat().st_size
    except FileNotFoundError:
        offset = 0
    plan = plan_replay([session_dir])
    # Replay read every complete hook event up to now; re-reading from `offset` on is harmless.
    return plan.analyser, offset


def main(config: WorkerConfig, q: Any, counters: Any, parent_pid: int) -> None:
    """Entry point of the worker process."""
    # Ctrl-C reaches the whole process group: the proxy shuts down and tells us to drain.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    priority = lower_priority()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="[%(asctime)s] phonehome worker %(process)d: %(levelname)s %(message)s")
    # The queue arrives with both ends of its pipe. Close the write end here: then the death of the
    # proxy (even a `kill -9` in the middle of a message) is an EOF for `get()` instead of a read
    # that waits forever for the rest of the message.
    with contextlib.suppress(Exception):
        q._writer.close()  # type: ignore[attr-defined]
    local: queue_mod.SimpleQueue[Any] = queue_mod.SimpleQueue()
    threading.Thread(target=pull, args=(q, local), name="phonehome-pull", daemon=True).start()
    from phonehome.store import JsonlWriter, SessionStore

    store = SessionStore(Path(config.session_dir))
    started = time.monotonic()
    events = JsonlWriter(store.proxy_events)
    try:
        analyser, offset = build_analyser(store.root)
    except Exception as e:
        log.exception("could not set up the analyser; exiting")
        events.write({"type": "proxy:error", "where": "worker-setup", "ts": time.time(),
                      "error": f"{type(e).__name__}: {e}"})
        events.close()
        sys.exit(EXIT_SETUP_FAILED)
    counters[C_READY] = 1
    log.info("ready in %.2f s (%s)", time.monotonic() - started, priority)
    with JsonlWriter(store.findings) as findings:
        processor = Processor(analyser, findings=findings, events=events, counters=counters,
                              body_cap=config.body_cap, hook_events=store.hook_events, hook_offset=offset,
                              flows=store.flows, flows_offset=config.start_offset)
        try:
            processor.run(local, parent_pid)
        finally:
            events.close()
