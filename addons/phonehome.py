"""phonehome's live addon: save every flow of a device session and find the personal data in it.

Usage:

    mitmdump -s addons/phonehome.py \\
        --set phonehome_session=captures/run1 --set phonehome_profile=device.toml \\
        --set phonehome_app=de.azubiapp.demo --set phonehome_first_party=azubiapp.de

Writes a session directory (see `phonehome/store/`): `flows.mitm` (mitmproxy's format, readable
by `mitmdump -nr` and `phonehome replay`; written by the worker from `flows.journal`),
`findings.jsonl`, `proxy-events.jsonl` (`proxy:stats` every second, `proxy:backlog`,
`proxy:pinning_suspected`, `proxy:error`, `proxy:body-capped`, `proxy:worker`), `markers.jsonl`,
`session.json` and `device.toml` (copy of the profile). Mark consent from mitmproxy's console with
`:phonehome.mark consent-given [text]` or from a shell with `phonehome mark DIR consent-given`.

Hooks only append the flow's fields to `flows.journal` (`phonehome/store/journal.py`: one `marshal`
per flow, batched into one `writev` every 10 ms); the worker process (`_worker.py`) follows the journal, writes `flows.mitm` and analyses.
Serialising, decoding and detection never run on mitmproxy's event loop; a worker that falls
behind skips analysis (never traffic, never the saved flow) and that is reported.
"""

from __future__ import annotations

import os
import sys

# mitmproxy's script loader puts this file's folder (addons/) first on sys.path and never takes it
# out again; `import phonehome` would then import this very file. Drop the folder before importing
# the package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import asyncio  # noqa: E402
import contextlib  # noqa: E402
import errno  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
import typing  # noqa: E402
import weakref  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from mitmproxy import command, ctx, exceptions, flow, http, tls  # noqa: E402

from phonehome.addons import _session, _webprobe, _worker  # noqa: E402
from phonehome.store import CONSENT_LABELS, JsonlWriter, SessionStore, open_private  # noqa: E402
from phonehome.store import journal as _journal  # noqa: E402
from phonehome.store.safefile import reason  # noqa: E402

log = logging.getLogger("phonehome.live")

OPTIONS = (
    "phonehome_session",
    "phonehome_profile",
    "phonehome_app",
    "phonehome_first_party",
    "phonehome_body_cap",
    "phonehome_queue",
    "phonehome_queue_mb",
    "phonehome_drain_timeout",
    "phonehome_worker_share",
)
STATS_INTERVAL_S = 1.0
HOOK_SAMPLES = 2_000
CPU_SAMPLE_EVERY = 16
"""The hook's CPU time (a system call, unlike the wall clock) is measured on every 16th hook."""


class PhoneHome:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        worker_factory: Callable[..., _worker.Worker] = _worker.Worker,
    ) -> None:
        self.clock = clock
        self.worker_factory = worker_factory
        self.config: _session.LiveConfig | None = None
        self.store: SessionStore | None = None
        self.worker: _worker.Worker | None = None
        self.journal: _journal.JournalWriter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._submitted: Any = None
        """The worker's shared counters (C_SUBMITTED is the proxy's to count)."""
        self._flush_handle: asyncio.TimerHandle | None = None
        self._events: JsonlWriter | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._default_dir: Path | None = None
        self._done_flows: weakref.WeakSet[flow.Flow] = weakref.WeakSet()
        self._ws_started: weakref.WeakSet[flow.Flow] = weakref.WeakSet()
        self._hook_s: deque[float] = deque(maxlen=HOOK_SAMPLES)
        self._hook_cpu_s: deque[float] = deque(maxlen=HOOK_SAMPLES)
        """Wall time of the last hooks, CPU time of a sample of them (excludes waiting for a core)."""
        self._hooks = 0
        self.stats: dict[str, int] = dict.fromkeys(
            ("flows", "ws_messages", "enqueued", "dropped", "hook_errors", "pinning_suspected"), 0
        )
        self._last_backlog_event = 0.0
        self._dropped_reported = 0
        self._failed = False
        self.saving_stopped: str | None = None
        """Why saving stopped (a full disk), once it has: the proxy goes on proxying unrecorded."""
        self._unwritten_events: list[dict[str, Any]] = []
        self._events_failed = False
        self.webprobe = False
        """`phonehome_webprobe`: put the page probe into HTML pages (off: responses unchanged)."""
        self._probe_flows: weakref.WeakSet[flow.Flow] = weakref.WeakSet()
        self._probe_records = 0

    # -- options ------------------------------------------------------------------------------------

    def load(self, loader: Any) -> None:
        loader.add_option(
            "phonehome_session",
            typing.Optional[str],  # noqa: UP045
            None,
            "Session directory to write (flows.mitm, findings.jsonl, ...); "
            "default captures/<UTC timestamp> in the current directory.",
        )
        loader.add_option(
            "phonehome_profile",
            typing.Optional[str],  # noqa: UP045
            None,
            "Device profile (TOML) with the test phone's known values; copied into the session.",
        )
        loader.add_option(
            "phonehome_app",
            typing.Optional[str],  # noqa: UP045
            None,
            "Package or bundle id of the app under test.",
        )
        loader.add_option(
            "phonehome_first_party",
            Sequence[str],
            [],
            "Domains that belong to the app's own company (repeat the option or separate with commas).",
        )
        loader.add_option(
            "phonehome_body_cap",
            int,
            _session.DEFAULT_BODY_CAP,
            "Bytes of each body (or WebSocket message) classified; larger bodies are still saved.",
        )
        loader.add_option(
            "phonehome_queue",
            int,
            _session.DEFAULT_QUEUE,
            "Flows waiting for analysis at most; beyond this, analysis is skipped (flows are still saved).",
        )
        loader.add_option(
            "phonehome_queue_mb",
            int,
            _session.DEFAULT_QUEUE_MB,
            "Megabytes of flows waiting for analysis at most (same policy as phonehome_queue).",
        )
        loader.add_option(
            "phonehome_worker_share",
            float,
            _session.DEFAULT_WORKER_SHARE,
            "Share of one core the analysis worker uses at most while it is busy (0.05-1); "
            "the rest of a burst is saved and analysed later or by phonehome replay.",
        )
        loader.add_option(
            "phonehome_drain_timeout",
            int,
            _session.DEFAULT_DRAIN_S,
            "Seconds to let the worker finish queued flows at shutdown.",
        )
        loader.add_option(
            "phonehome_webprobe",
            bool,
            False,
            "Put phonehome's page probe first into every HTML page (changes those pages) to see "
            "what code the app injects into its in-app browser does; see docs/inappbrowser.md.",
        )

    def configure(self, updated: set[str]) -> None:
        if "phonehome_webprobe" in updated:
            self.webprobe = bool(ctx.options.phonehome_webprobe)
        if not updated & set(OPTIONS):
            return
        if self.store is not None:
            raise exceptions.OptionsError(
                f"{', '.join(sorted(updated & set(OPTIONS)))}: cannot be changed while a session is "
                "being recorded; restart mitmdump with the new value"
            )
        opts = ctx.options
        if not opts.phonehome_session and self._default_dir is None:
            self._default_dir = _session.default_session_dir(Path.cwd(), datetime.now(UTC))
        try:
            self.config = _session.resolve_config(
                session=opts.phonehome_session,
                profile=opts.phonehome_profile,
                app=opts.phonehome_app,
                first_party=opts.phonehome_first_party,
                body_cap=opts.phonehome_body_cap,
                queue_size=opts.phonehome_queue,
                queue_mb=opts.phonehome_queue_mb,
                drain_timeout=opts.phonehome_drain_timeout,
                worker_share=opts.phonehome_worker_share,
                cwd=Path.cwd(),
                now=datetime.now(UTC),
                default_dir=self._default_dir,
            )
        except ValueError as e:
            raise exceptions.OptionsError(str(e)) from e

    # -- lifecycle ----------------------------------------------------------------------------------

    def running(self) -> None:
        if self.store is not None:
            return
        if self.config is None:  # no option was ever set: defaults
            self.configure(set(OPTIONS))
        assert self.config is not None
        config = self.config
        try:
            store = SessionStore.create(config.session_dir)
            self._events = JsonlWriter(store.proxy_events)
            recovered = _journal.recover(store.root, wait_s=30)  # a journal left by a killed run
            if recovered is not None:
                log.warning(
                    "phonehome: saved %d flows a previous run had left in %s",
                    recovered.flows,
                    store.root / _journal.JOURNAL,
                )
                self._event(
                    {"type": "proxy:recovered", "flows": recovered.flows, "torn_tail": recovered.torn_tail}
                )
            if (store.root / _journal.JOURNAL).exists():
                raise OSError(f"{store.root / _journal.JOURNAL} is in use by another phonehome worker")
            self.journal = _journal.JournalWriter(store.root / _journal.JOURNAL)
            open_private(store.flows, "ab").close()
            meta = _session.start_session(store, config, now=self.clock(), proxy_pid=os.getpid())
            _session.make_reserve(store)
        except OSError as e:
            # A capture that cannot be written must stop the run, not let traffic through unrecorded.
            log.error("phonehome: cannot write the session in %s: %s", config.session_dir, e)
            self._failed = True
            ctx.master.shutdown()
            return
        self.store = store
        self.worker = self.worker_factory(
            _worker.WorkerConfig(
                session_dir=str(store.root),
                body_cap=config.body_cap,
                queue_size=config.queue_size,
                max_bytes=config.queue_mb << 20,
                cpu_share=config.worker_share,
            ),
        )
        journal = self.journal
        self.worker.journal_end = lambda: journal.end
        self._submitted = self.worker.counters
        self.worker.start()
        self._event({"type": "proxy:worker", "state": "started", "pid": self.worker.pid})
        log.info(
            "phonehome: recording session in %s (app %s, profile %s)",
            store.root,
            meta.get("app") or "-",
            config.profile_path or "-",
        )
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # unit tests without a loop: tick() by hand, journal written at once
            self._loop = None
        if self._loop is not None:
            self._tick_task = self._loop.create_task(self._tick())

    def done(self) -> None:
        if self.store is None:
            return
        if self._tick_task is not None:
            self._tick_task.cancel()
            self._tick_task = None
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        left = 0
        if self.journal is not None and self.saving_stopped is None:
            try:
                self.journal.stop()  # flushes what is pending, then the stop record
            except OSError as e:
                self._stop_saving(f"cannot write {_journal.JOURNAL}: {reason(e)}", e)
        if self.worker is not None:
            assert self.config is not None
            # Without a stop record (saving stopped) the worker only finishes what it can read.
            timeout = (
                self.config.drain_timeout
                if self.saving_stopped is None
                else min(self.config.drain_timeout, 3)
            )
            left = self.worker.stop(timeout)
            if left and self.saving_stopped is None:
                log.warning(
                    "phonehome: the worker did not finish within %d s; %d flows were not analysed "
                    "(they are saved in flows.mitm: run phonehome replay)",
                    self.config.drain_timeout,
                    left,
                )
        if self.journal is not None:
            with contextlib.suppress(OSError):  # a full disk was reported when it happened
                if self.saving_stopped is not None:
                    self.journal._pending, self.journal._pending_bytes = [], 0  # never after a torn record
                self.journal.close()
        recovered = None
        if self.saving_stopped is None:
            try:
                recovered = _journal.recover(self.store.root)  # what a stopped or failed worker left
            except OSError as e:
                self._stop_saving(str(e), e)
        if recovered is not None:
            log.warning(
                "phonehome: saved the last %d flows to flows.mitm without the worker", recovered.flows
            )
        stats = self.snapshot()
        stats["unanalysed_at_exit"] = left
        if recovered is not None:
            stats["saved"] += recovered.flows
            stats["saved_without_worker"] = recovered.flows
        if self.saving_stopped is not None:
            stats["saving_stopped"] = self.saving_stopped
        self._flush_unwritten_events()
        self._event({"type": "proxy:stats", **stats, "final": True})
        try:
            _session.end_session(self.store, now=self.clock(), stats=stats)
        except OSError as e:
            log.error(
                "phonehome: the end of the session could not be written to %s: %s", self.store.session_json, e
            )
        _session.drop_reserve(self.store)
        if self._events is not None:
            self._events.close()
            self._events = None
        self.journal = None
        log.info(
            "phonehome: session %s closed: %d flows, %d findings",
            self.store.root,
            stats["flows"],
            stats["findings"],
        )
        self.store = None

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(STATS_INTERVAL_S)
            try:
                self.tick()
            except Exception:
                log.exception("phonehome: stats tick failed")

    def tick(self) -> None:
        """Once a second: notice a dead worker (and restart it), write `proxy:stats`, and a
        `proxy:backlog` event when analysis was skipped since the last tick."""
        if self.worker is None:
            return
        crash = self.worker.check()
        if crash is not None and crash.get("saving_stopped"):
            err = OSError(crash.get("errno") or 0, "")
            self._stop_saving(f"the worker cannot write the session: {reason(err)}", err)
            crash = None
        if self.saving_stopped is not None:
            self._flush_unwritten_events()
            return  # nothing more is written (what room is left is for the session's end)
        if crash is not None:
            if crash["restarted"]:
                log.error(
                    "phonehome: the analysis worker (pid %s) died with exit code %s; restarted, it resumes "
                    "where it stopped (the flow it was analysing is saved, not analysed).",
                    crash["pid"],
                    crash["exitcode"],
                )
            else:
                log.error(
                    "phonehome: the analysis worker (pid %s) died with exit code %s and crashed too often to "
                    "be restarted; flows are kept in %s and saved to flows.mitm when mitmdump stops.",
                    crash["pid"],
                    crash["exitcode"],
                    _journal.JOURNAL,
                )
            self._event({"type": "proxy:error", "where": "worker", "error": "worker process died", **crash})
        stats = self.snapshot()
        self._event({"type": "proxy:stats", **stats})
        dropped_now = stats["dropped"] - self._dropped_reported
        if dropped_now > 0:
            self._dropped_reported = stats["dropped"]
            log.warning(
                "phonehome: analysis is behind: %d flows waiting, %d not analysed in the last second "
                "(%d in total); they are saved in flows.mitm for phonehome replay",
                stats["backlog"],
                dropped_now,
                stats["dropped"],
            )
            self._event(
                {
                    "type": "proxy:backlog",
                    "backlog": stats["backlog"],
                    "dropped": stats["dropped"],
                    "dropped_since_last": dropped_now,
                    "flows": stats["flows"],
                    "findings": stats["findings"],
                }
            )

    def snapshot(self) -> dict[str, Any]:
        w = self.worker
        samples = sorted(self._hook_s)
        cpu = sorted(self._hook_cpu_s)

        def pct(p: float, values: list[float] = samples) -> float | None:
            if not values:
                return None
            return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 3)

        return {
            **self.stats,
            "dropped": self.stats["dropped"] + (w.counter(_worker.C_DROPPED) if w else 0),
            "saved": w.counter(_worker.C_SAVED) if w else 0,
            "backlog": w.backlog() if w else 0,
            "backlog_mb": round(w.backlog_bytes() / 2**20, 1) if w else 0.0,
            "analysed": w.counter(_worker.C_ITEMS) if w else 0,
            "findings": w.counter(_worker.C_FINDINGS) if w else 0,
            "worker_errors": w.counter(_worker.C_ERRORS) if w else 0,
            "body_capped": w.counter(_worker.C_CAPPED) if w else 0,
            "worker_ready": bool(w.counter(_worker.C_READY)) if w else False,
            "worker_restarts": w.restarts if w else 0,
            "worker_pid": w.pid if w else None,
            "hook_ms_p50": pct(0.5),
            "hook_ms_p99": pct(0.99),
            "hook_ms_max": round(samples[-1] * 1000, 3) if samples else None,
            "hook_cpu_ms_p50": pct(0.5, cpu),
            "hook_cpu_ms_p99": pct(0.99, cpu),
        }

    # -- writing -----------------------------------------------------------------------------------

    def _event(self, event: dict[str, Any], *, keep: bool = False) -> None:
        """Append a proxy event; with `keep`, one that cannot be written now is tried again at the
        next tick (and at the end)."""
        if self._events is None:
            return
        event.setdefault("ts", self.clock())
        try:
            self._events.write(event)
            self._events_failed = False
        except OSError as e:
            if keep:
                self._unwritten_events.append(event)
            if not self._events_failed:  # once, not every second
                log.error("phonehome: cannot write %s: %s", self._events.path, e)
            self._events_failed = True

    def _flush_unwritten_events(self) -> None:
        pending, self._unwritten_events = self._unwritten_events, []
        for event in pending:
            self._event(event, keep=True)

    def _stop_saving(self, why: str, e: OSError | None = None) -> None:
        """The session's disk cannot take more: stop saving, keep proxying, and say so (mitmdump's
        log, `proxy:saving-stopped`, which the dashboard shows). Flows saved before stay complete."""
        if self.saving_stopped is not None:
            return
        self.saving_stopped = why
        if self.journal is not None:  # a failed write may have left a torn record: never append after it
            self.journal._pending, self.journal._pending_bytes = [], 0
        if self.store is not None:
            _session.drop_reserve(self.store)  # room for this event and the session's end
        saved = self.worker.counter(_worker.C_SAVED) if self.worker is not None else 0
        log.error(
            "phonehome: saving stopped: %s. mitmdump keeps proxying; flows from now on are not recorded "
            "(%d flows were saved and stay readable).",
            why,
            saved,
        )
        self._event(
            {
                "type": "proxy:saving-stopped",
                "where": "proxy",
                "reason": why,
                "errno": errno.errorcode.get(e.errno or 0, "") if e is not None else "",
                "flows": self.stats["flows"],
                "saved": saved,
            },
            keep=True,
        )

    def _journal(self, write: Callable[[_journal.JournalWriter], None], *, item: bool) -> None:
        """Append to the journal; a journal that cannot be written stops mitmdump (like `-w`:
        never let traffic through unrecorded)."""
        assert self.journal is not None and self.worker is not None
        if self.saving_stopped is not None:
            return
        try:
            write(self.journal)
            if self._loop is None:  # no event loop (unit tests): no timer either
                self.journal.flush()
        except OSError as e:
            self._journal_failed(e)
        if item:
            self._submitted[_worker.C_SUBMITTED] += 1
            self.stats["enqueued"] += 1
        if self._flush_handle is None and self._loop is not None and self.journal.pending:
            self._flush_handle = self._loop.call_later(_journal.FLUSH_S, self._flush_journal)

    def _flush_journal(self) -> None:
        self._flush_handle = None
        if self.journal is not None and self.saving_stopped is None:
            try:
                self.journal.flush()
            except OSError as e:
                self._journal_failed(e)

    def _journal_failed(self, e: OSError) -> None:
        """The journal cannot be written (a full disk): saving stops, proxying goes on (an app
        that loses its connectivity is a broken test; what was saved stays readable)."""
        assert self.journal is not None
        self._stop_saving(f"cannot write {_journal.JOURNAL}: {reason(e)}", e)

    def _hook_failed(self, f: flow.Flow, what: str, e: Exception) -> None:
        self.stats["hook_errors"] += 1
        log.exception("phonehome: %s failed for flow %s", what, f.id)
        self._event(
            {"type": "proxy:error", "where": what, "flow_id": f.id, "error": f"{type(e).__name__}: {e}"}
        )

    def _guard(self, f: flow.Flow, what: str, fn: Callable[[], object]) -> None:
        """Run phonehome's part of a hook: never raise into mitmproxy; log with the flow id; time it."""
        if self.store is None:
            return
        start = time.perf_counter()
        self._hooks += 1
        cpu = time.thread_time() if self._hooks % CPU_SAMPLE_EVERY == 0 else -1.0
        try:
            fn()
        except Exception as e:
            self._hook_failed(f, what, e)
        finally:
            self._hook_s.append(time.perf_counter() - start)
            if cpu >= 0:
                self._hook_cpu_s.append(time.thread_time() - cpu)

    # -- hooks -------------------------------------------------------------------------------------

    def _http_done(self, f: http.HTTPFlow, what: str) -> None:
        if f.websocket is not None or f in self._done_flows:
            return  # WebSocket flows are saved at websocket_end, like mitmproxy's -w

        def done() -> None:
            self._done_flows.add(f)
            self.stats["flows"] += 1
            self._journal(lambda j: j.http_flow(f), item=True)

        self._guard(f, what, done)

    def response(self, f: http.HTTPFlow) -> None:
        if self.webprobe:
            if f in self._probe_flows:
                return  # the probe's report, answered by us: not traffic of the app
            self._http_done(f, "response")  # journaled first: flows.mitm keeps the page as sent
            self._guard(f, "webprobe", lambda: _webprobe.inject_response(f))
            return
        self._http_done(f, "response")

    # -- the page probe (only with phonehome_webprobe) ------------------------------------------------

    def http_connect(self, f: http.HTTPFlow) -> None:
        if self.webprobe and _webprobe.is_probe_host(f.request.host):
            _webprobe.answer_connect(f)

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        if self.webprobe and _webprobe.is_probe_host(data.client_hello.sni):
            data.establish_server_tls_first = False  # there is no server: the addon answers

    def server_connect(self, data: Any) -> None:
        """Never connect anywhere for the probe's host (mitmproxy may try early, for the TLS
        handshake): the error makes mitmproxy skip the connection, and the addon answers."""
        if self.webprobe and (
            _webprobe.is_probe_host(data.server.sni)
            or (data.server.address and _webprobe.is_probe_host(str(data.server.address[0])))
        ):
            data.server.error = "phonehome: the page probe's host is answered by the addon"

    def request(self, f: http.HTTPFlow) -> None:
        if not self.webprobe or not _webprobe.is_probe_host(f.request.pretty_host):
            return

        def report() -> None:
            self._probe_flows.add(f)
            events, problem = _webprobe.answer_report(f, self._probe_records)
            self._probe_records += len(events)
            client = f.client_conn.peername
            for event in events:
                event["client"] = f"{client[0]}:{client[1]}" if client else None
                self._event(event)
            if problem is not None:
                self._event({"type": "proxy:error", "where": "webprobe", "flow_id": f.id, "error": problem})

        self._guard(f, "webprobe report", report)

    def error(self, f: http.HTTPFlow) -> None:
        self._http_done(f, "error")

    def websocket_start(self, f: http.HTTPFlow) -> None:
        def start() -> None:
            self.stats["flows"] += 1
            self._journal(lambda j: j.raw(_journal.KIND_WS_START, j.flow_bytes.parts(f)), item=True)
            self._ws_started.add(f)

        self._guard(f, "websocket_start", start)

    def websocket_message(self, f: http.HTTPFlow) -> None:
        def message() -> None:
            assert f.websocket is not None
            msg = f.websocket.messages[-1]
            if not msg.from_client:
                return  # only what the phone sends is classified
            self.stats["ws_messages"] += 1
            if f not in self._ws_started:
                self.stats["dropped"] += 1  # its handshake was never journaled
                return
            index = len(f.websocket.messages) - 1
            self._journal(
                lambda j: j.marshalled(_journal.KIND_WS_MSG, (f.id, index, msg.get_state())), item=True
            )

        self._guard(f, "websocket_message", message)

    def websocket_end(self, f: http.HTTPFlow) -> None:
        def end() -> None:
            self._journal(lambda j: j.raw(_journal.KIND_SAVE, j.flow_bytes.parts(f)), item=False)
            if f in self._ws_started:
                self._ws_started.discard(f)
                self._journal(lambda j: j.marshalled(_journal.KIND_WS_END, f.id), item=False)

        self._guard(f, "websocket_end", end)

    def _save_only(self, f: flow.Flow) -> None:
        if f in self._done_flows:
            return
        self._done_flows.add(f)
        self._guard(
            f,
            "save",
            lambda: self._journal(lambda j: j.raw(_journal.KIND_SAVE, j.flow_bytes.parts(f)), item=False),
        )

    # Non-HTTP flows carry no records, but replay should see everything -w would have saved.
    tcp_end = tcp_error = udp_end = udp_error = dns_response = dns_error = _save_only

    def tls_failed_client(self, data: tls.TlsData) -> None:
        """The client rejected mitmproxy's certificate (or the handshake failed): with a trusted CA
        installed this is how certificate pinning shows up. No flow exists for it."""
        if self.store is None:
            return
        try:
            client = data.context.client
            host = data.conn.sni or (data.context.server.address[0] if data.context.server.address else None)
            peer = client.peername
            self.stats["pinning_suspected"] += 1
            self._event(
                {
                    "type": "proxy:pinning_suspected",
                    "host": host,
                    "sni": data.conn.sni,
                    "client": f"{peer[0]}:{peer[1]}" if peer else None,
                    "error": data.conn.error,
                    "alpn_offers": [a.decode("ascii", "replace") for a in (data.conn.alpn_offers or [])],
                }
            )
            log.info(
                "phonehome: TLS handshake with the client failed for %s (%s): certificate pinning suspected",
                host,
                data.conn.error,
            )
        except Exception:
            log.exception("phonehome: tls_failed_client handling failed")

    # -- commands -----------------------------------------------------------------------------------

    @command.command("phonehome.mark")
    def mark(self, label: str, *text: str) -> None:
        """Mark the session timeline: consent-given, consent-refused, consent-withdrawn or note,
        with optional free text (findings are split before/after the last consent decision)."""
        if self.store is None:
            raise exceptions.CommandError("phonehome: no session is being recorded")
        if label not in CONSENT_LABELS:
            raise exceptions.CommandError(
                f"unknown marker {label!r}; use one of: {', '.join(CONSENT_LABELS)}"
            )
        marker = self.store.mark(label, " ".join(text), source="mitmproxy", ts=self.clock())
        log.info("phonehome: marked %s at %s", label, datetime.fromtimestamp(marker["ts"], UTC).isoformat())


addons = [PhoneHome()]
