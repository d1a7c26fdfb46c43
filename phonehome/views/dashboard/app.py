"""`phonehome watch`: a live terminal dashboard of what leaves the phone, to whom.

The app follows a session store as it grows (`tail.SessionTail`, polled every `interval` seconds
in a worker thread), folds new lines into `state.DashboardState` and hands what changed to its
widgets, each of which owns its rows and repaints only those: the "who gets what" matrix
(`matrix.py`), the live feed of the latest findings (`feed.py`), the device reads the hooks saw
and whether those values left (`reads.py`), and a status line (`status.py`). Enter on a row opens
a detail page (`detail.py`). Reveal, pause and the filter are reactive state of the app: setting
one repaints what depends on it. It works the same on a finished session.

Everything on screen came from the network, so every string goes through `phonehome.views.inert`
into a `rich.text.Text` (never a markup string), and captured values are shown redacted
(`phonehome.analysis.redact`) until `r` is pressed (`look.Look`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Footer, Input, Static

from phonehome.analysis.categories import SHORT_LABELS
from phonehome.analysis.redact import redact
from phonehome.store import SessionStore

from ..inert import inert, inert_text
from .detail import DetailScreen, evidence_text, org_text, read_text
from .feed import FEED_ROWS, FeedTable
from .look import DIM, Look
from .matrix import MATRIX_ROWS, MatrixTable
from .reads import ReadsTable
from .replay import replay_file, replay_session
from .state import DashboardState, Query, as_str
from .status import status_text
from .tail import SessionTail

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.25
"""Seconds between polls of the session files."""


class Tailed(Message):
    """The tail worker folded new lines into the state."""


class Dashboard(App[int]):
    """The live dashboard for one session store.

    Args:
        session_dir: the session directory to follow (it need not exist yet).
        interval: seconds between polls of the session files.
        reveal: start with captured values shown instead of redacted.
        feed_rows: rows in the live feed.
        clock: wall clock (seconds since the epoch), replaced in tests.
        tz: time zone for times shown; None for the local one.
        redactor: how a value is shown while redacted; `phonehome.analysis.redact.redact`.
    """

    CSS_PATH = "dashboard.tcss"
    TITLE = "phonehome watch"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "mark('consent-given')", "consent given"),
        Binding("M", "mark('consent-refused')", "consent refused"),
        Binding("r", "toggle_reveal", "reveal"),
        Binding("slash", "filter", "filter"),
        Binding("p", "toggle_pause", "pause"),
        Binding("q", "quit", "quit"),
        Binding("escape", "clear_filter", "clear filter", show=False),
    ]

    reveal: var[bool] = var(False, init=False)
    """Captured values shown instead of redacted."""
    paused: var[bool] = var(False, init=False)
    """The screen holds still; new lines are still read and counted."""
    query_filter: var[Query] = var(lambda: Query("", SHORT_LABELS), init=False, always_update=True)
    """The `/` filter (organisation or category)."""

    def __init__(
        self,
        session_dir: str | Path,
        *,
        interval: float = DEFAULT_INTERVAL,
        reveal: bool = False,
        feed_rows: int = FEED_ROWS,
        clock: Callable[[], float] = time.time,
        tz: tzinfo | None = None,
        redactor: Callable[[str], str] = redact,
    ) -> None:
        super().__init__()
        self.store = SessionStore(Path(session_dir))
        self.interval = interval
        self.look = Look(tz=tz, redactor=redactor, reveal=reveal)
        self.set_reactive(Dashboard.reveal, reveal)
        self.feed_rows = feed_rows
        self.matrix_rows = MATRIX_ROWS
        self.clock = clock
        self.state = DashboardState(history=max(feed_rows * 4, 400))
        self.meta: dict[str, Any] = {}
        self.applied_findings = 0
        """Findings the view has caught up with (for tests and the benchmark)."""
        self.polls = 0
        self._tail = SessionTail(self.store)
        self._lock = threading.Lock()
        self._polling = False
        self._stopping = False

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # References kept here: App.query_one searches the active screen, which is a detail page
        # while one is open, and timers keep firing then.
        self._title_bar = Static(id="title")
        self._matrix = MatrixTable(self.look, max_rows=self.matrix_rows, id="matrix")
        self._feed = FeedTable(self.look, max_rows=self.feed_rows, id="feed")
        self._reads = ReadsTable(self.look, id="reads")
        self._status = Static(id="status")
        self._filter_box = Input(
            id="filter", placeholder="filter by organisation or category (enter to apply, esc to clear)"
        )
        yield self._title_bar
        with Vertical(id="matrix-panel", classes="panel") as self._matrix_panel:
            yield self._matrix
        with Vertical(id="feed-panel", classes="panel") as self._feed_panel:
            yield self._feed
        with Vertical(id="reads-panel", classes="panel") as self._reads_panel:
            yield self._reads
        yield self._status
        yield self._filter_box
        yield Footer()

    def on_mount(self) -> None:
        self._matrix_panel.border_title = "Who gets what"
        self._feed_panel.border_title = "Live feed"
        self._reads_panel.border_title = "Device reads"
        self._feed.add_default_columns()
        self._reads.add_default_columns()
        self._matrix.rebuild(self.state, self.query_filter)
        self._update_titles()
        self._refresh_status()
        self._feed.focus()
        self._read_meta()
        self.set_interval(self.interval, self._schedule_poll)
        self.set_interval(1.0, self._refresh_clock)
        self._schedule_poll()

    # -- tailing --------------------------------------------------------------------------------

    def _schedule_poll(self) -> None:
        if self._polling or self._stopping:
            return
        self._polling = True
        self._poll_worker()

    @work(thread=True, group="tail", exit_on_error=True)
    def _poll_worker(self) -> None:
        try:
            posted = 0.0
            while not self._stopping:
                batch = self._tail.poll()
                if batch:
                    with self._lock:
                        self.state.ingest(batch)
                    # While catching up on a large session, repaint twice a second, not per chunk.
                    now = time.monotonic()
                    if not batch.more or now - posted >= 0.5:
                        self.post_message(Tailed())
                        posted = now
                if not batch.more:
                    break
            with self._lock:
                released = self.state.release_held()
            if released:
                self.post_message(Tailed())
            self.polls += 1
            if self.polls % 20 == 0:
                self._read_meta()
        finally:
            self._polling = False

    def _read_meta(self) -> None:
        meta = self.store.read_meta()
        if meta != self.meta:
            self.meta = meta
            self.post_message(Tailed())

    @on(Tailed)
    def _on_tailed(self) -> None:
        self._apply()

    def _apply(self) -> None:
        """Hand what changed since the last repaint to the widgets."""
        if self.paused:
            self._refresh_status()
            return
        q = self.query_filter
        with self._lock:
            changes = self.state.take_changes()
            if changes.new_categories:
                self._matrix.rebuild(self.state, q)
            elif changes.orgs:
                self._matrix.update(self.state, changes.orgs, q)
            if changes.feed_overflow:
                self._feed.rebuild(self.state, q)
            elif changes.feed:
                self._feed.append(self.state, changes.feed, q)
            if changes.reads:
                self._reads.update(self.state, changes.reads, q)
                self._reads_panel.add_class("-shown")
            self.applied_findings = self.state.findings
        self._refresh_status()
        self._update_titles()

    def _rebuild_all(self) -> None:
        q = self.query_filter
        with self._lock:
            self.state.take_changes()
            self._matrix.rebuild(self.state, q)
            self._feed.rebuild(self.state, q)
            self._rebuild_reads()
            self.applied_findings = self.state.findings
        self._refresh_status()
        self._update_titles()

    def _rebuild_reads(self) -> None:
        self._reads.rebuild(self.state, self.query_filter)
        if self.state.reads:
            self._reads_panel.add_class("-shown")

    # -- reactive state -------------------------------------------------------------------------

    def watch_reveal(self, reveal: bool) -> None:
        self.look.reveal = reveal
        with self._lock:
            self._feed.refresh_values()
            self._rebuild_reads()
        self._update_titles()

    def watch_paused(self, paused: bool) -> None:
        if not paused:
            self._rebuild_all()
        else:
            self._refresh_status()
            self._update_titles()

    def watch_query_filter(self, query: Query) -> None:
        with self._lock:
            self._matrix.rebuild(self.state, query)
            self._feed.rebuild(self.state, query)
            self._rebuild_reads()
        self._update_titles()
        self._feed.focus()

    # -- status ---------------------------------------------------------------------------------

    def _update_titles(self) -> None:
        s = self.state
        title = Text()
        title.append(" phonehome ", "bold reverse")
        title.append(" ")
        title.append_text(inert_text(self.store.root.name, 40, style="bold"))
        app = as_str(self.meta.get("app"))
        if app:
            title.append("  app ")
            title.append_text(inert_text(app, 40, style="bold"))
        if self.meta.get("end"):
            title.append("  finished session", DIM)
        if not s.findings and not self.store.findings.exists():
            title.append("  waiting for findings.jsonl …", "yellow")
        title.append("   ")
        title.append(
            "⏸ PAUSED (p to resume)" if self.paused else "● following",
            "bold yellow" if self.paused else "green",
        )
        self._title_bar.update(title)

        with self._lock:  # the tail worker may be adding organisations and reads
            third = sum(1 for o in s.orgs.values() if not o.is_first_party)
            reads_left = sum(1 for r in s.reads.values() if r.left_to)
            orgs, reads = len(s.orgs), len(s.reads)
        # Border titles given as str are parsed as markup: hand them Text.
        shown = f"top {self.matrix_rows} of " if self._matrix.hidden else ""
        self._matrix_panel.border_subtitle = Text(
            f"{shown}{orgs:,} organisations, {third:,} third parties · ! = sent in cleartext · enter: details"
        )
        feed_sub = Text()
        if self.query_filter:
            feed_sub.append("filter: ")
            feed_sub.append_text(inert_text(self.query_filter.text, 30, style="bold"))
            feed_sub.append(" (esc clears) · ")
        feed_sub.append("values REVEALED (r to redact)" if self.reveal else "values redacted (r to reveal)")
        self._feed_panel.border_subtitle = feed_sub
        self._reads_panel.border_subtitle = Text(f"{reads:,} values read, {reads_left:,} seen leaving")

    def _refresh_status(self) -> None:
        with self._lock:
            text = status_text(
                self.state, now=self.clock(), paused=self.paused, applied_findings=self.applied_findings
            )
        self._status.update(text)

    def _refresh_clock(self) -> None:
        if self._matrix.stale and not self.paused:
            with self._lock:
                self._matrix.rebuild(self.state, self.query_filter)
            self._update_titles()
        self._refresh_status()

    # -- actions --------------------------------------------------------------------------------

    def action_mark(self, label: str) -> None:
        try:
            marker = self.store.mark(label, source="dashboard", ts=self.clock())
        except OSError as e:
            self.notify(
                f"could not write the marker: {inert(str(e), 200)}",
                title="marker",
                severity="error",
                markup=False,
            )
            return
        self.notify(f"{label} marked at {self.look.fmt_time(marker['ts'])}", title="marker", markup=False)
        self._schedule_poll()

    def action_toggle_reveal(self) -> None:
        self.reveal = not self.reveal

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused

    def action_filter(self) -> None:
        box = self._filter_box
        box.add_class("-shown")
        box.value = self.query_filter.text
        box.focus()

    def action_clear_filter(self) -> None:
        box = self._filter_box
        if box.has_class("-shown") or self.query_filter:
            box.remove_class("-shown")
            self.query_filter = Query("", SHORT_LABELS)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.input.remove_class("-shown")
        self.query_filter = Query(event.value, SHORT_LABELS)

    @on(DataTable.RowSelected, "#feed")
    def _feed_selected(self, event: DataTable.RowSelected) -> None:
        f = self._feed.items.get(str(event.row_key.value))
        if f is not None:
            self.push_screen(DetailScreen(f"Finding #{f.seq}", evidence_text(self.look, f)))

    @on(DataTable.RowSelected, "#matrix")
    def _matrix_selected(self, event: DataTable.RowSelected) -> None:
        o = self._matrix.rows_by_org.get(str(event.row_key.value))
        if o is not None:
            with self._lock:
                body = org_text(self.look, o)
            self.push_screen(DetailScreen("Organisation", body))

    @on(DataTable.RowSelected, "#reads")
    def _read_selected(self, event: DataTable.RowSelected) -> None:
        r = self._reads.rows_by_key.get(str(event.row_key.value))
        if r is not None:
            with self._lock:
                body = read_text(self.look, r)
            self.push_screen(DetailScreen("Device read", body))

    async def action_quit(self) -> None:
        self._stopping = True
        self.exit(0)


def run_watch(
    session_dir: str | Path,
    *,
    interval: float = DEFAULT_INTERVAL,
    reveal: bool = False,
    feed_rows: int = FEED_ROWS,
) -> int:
    """Open the dashboard on `session_dir` (live or finished) until the user quits.

    Returns:
        The exit status (0).
    """
    app = Dashboard(session_dir, interval=interval, reveal=reveal, feed_rows=feed_rows)
    result = app.run()
    return int(result or 0)


def run_demo_dashboard(
    session_dir: str | Path,
    *,
    pace: float = 1.0,
    max_gap: float = 3.0,
    interval: float = DEFAULT_INTERVAL,
    keep: Path | None = None,
) -> int:
    """Replay a finished session into a temporary session store and watch it fill.

    Args:
        session_dir: a finished session (its findings.jsonl, or its flows replayed through the
            pipeline when it has no findings file).
        pace: speed factor over the original timing (1 = as recorded, 10 = ten times faster,
            0 = as fast as possible).
        max_gap: longest pause between two lines, in replayed seconds, so idle minutes of a
            recording don't stall a demo.
        interval: dashboard poll interval.
        keep: replay into this directory and keep it, instead of a temporary one.

    Returns:
        The exit status (0).
    """
    with replay_session(Path(session_dir), pace=pace, max_gap=max_gap, target=keep) as replay:
        app = Dashboard(replay.target, interval=interval)
        result = app.run()
    return int(result or 0)


def run_file_dashboard(
    path: str | Path,
    *,
    keylog: Path | None = None,
    app: str | None = None,
    pace: float = 1.0,
    interval: float = DEFAULT_INTERVAL,
    reveal: bool = False,
) -> tuple[int, list[str]]:
    """Watch a saved file (flow file, HAR, packet capture) fill the dashboard at its recorded pace
    (`pace` 0: at once). Returns the exit status and the problems met reading the file."""
    with replay_file(Path(path), keylog=keylog, app=app, pace=pace) as replay:
        dashboard = Dashboard(replay.target, interval=interval, reveal=reveal)
        result = dashboard.run()
        problems = list(replay.problems)
    return int(result or 0), problems
