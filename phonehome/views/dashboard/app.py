"""`phonehome watch`: a live terminal dashboard of what leaves the phone, to whom.

The app follows a session store as it grows (`tail.SessionTail`, polled every
`interval` seconds in a worker thread), folds new lines into `state.DashboardState`
and repaints only what changed: the "who gets what" matrix (organisation x data category), the
live feed of the latest findings, the device reads the hooks saw and whether those values left,
and a status line. It works the same on a finished session.

Everything on screen came from the network, so every string goes through `phonehome.views.inert`
into a `rich.text.Text` (never a markup string), and captured values are shown redacted
(`phonehome.analysis.redact`) until `r` is pressed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static

from phonehome.analysis.categories import BY_ID, SHORT_LABELS
from phonehome.analysis.exposure import Exposure, exposure_sort_key
from phonehome.analysis.inappbrowser import Injection, capability_phrase, plain_summary
from phonehome.analysis.redact import redact, scrub
from phonehome.analysis.schema import Col
from phonehome.store import SessionStore

from ..inert import inert, inert_long, inert_text
from .replay import replay_session
from .state import (
    DashboardState,
    Finding,
    Query,
    ReadRow,
    as_str,
    as_ts,
    read_sort_key,
)
from .tail import SessionTail

log = logging.getLogger(__name__)

FEED_ROWS = 200
"""Rows in the live feed (the latest findings)."""
MATRIX_ROWS = 300
"""Organisations shown in the matrix (the top ones; `/` finds the others)."""
DEFAULT_INTERVAL = 0.25
"""Seconds between polls of the session files."""

WARN = "bold red"
FIRST_PARTY = "bold green"
THIRD_PARTY = "bold"
DIM = "dim"

_HEADER_FIRST = "\x00first"
_HEADER_THIRD = "\x00third"


def short_label(category_id: str) -> str:
    return SHORT_LABELS.get(category_id) or inert(category_id, 14)


def category_name(category_id: str) -> str:
    c = BY_ID.get(category_id)
    return c.name_en if c else inert(category_id, 40)


def _ago(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def _left_cut(s: str, limit: int) -> str:
    """The end of `s` (API names say most at their end)."""
    return s if len(s) <= limit else "…" + s[-(limit - 1):]


class _SortText(Text):
    """A cell that knows where its row sorts (DataTable.sort only sees cell values)."""

    def __init__(self, *args: Any, sort_key: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sort_key = sort_key


class Tailed(Message):
    """The tail worker folded new lines into the state."""


class FeedTable(DataTable[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "evidence", show=True),
    ]


class DetailTable(DataTable[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "details", show=True),
    ]


class DetailScreen(ModalScreen[None]):
    """A scrollable page of inert text (a finding's evidence, an organisation, a device read)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "close"),
        Binding("enter", "dismiss", "close", show=False),
        Binding("q", "dismiss", "close", show=False),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail") as scroll:
            scroll.border_title = Text(self._title)
            scroll.border_subtitle = Text("esc to close")
            yield Static(self._body, id="detail-body")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


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
        self.reveal = reveal
        self.paused = False
        self.feed_rows = feed_rows
        self.clock = clock
        self.tz = tz
        self.redactor = redactor
        self.state = DashboardState(history=max(feed_rows * 4, 400))
        self.query_filter = Query("", SHORT_LABELS)
        self.meta: dict[str, Any] = {}
        self.applied_findings = 0
        """Findings the view has caught up with (for tests and the benchmark)."""
        self.polls = 0
        self._tail = SessionTail(self.store)
        self._lock = threading.Lock()
        self._polling = False
        self._stopping = False
        self.matrix_rows = MATRIX_ROWS
        self._matrix_hidden = 0
        self._matrix_stale = False
        self._matrix_built = 0.0
        self._org_order: list[str] = []
        self._matrix_categories: list[str] = []
        self._feed_keys: deque[str] = deque()
        self._feed_items: dict[str, Finding] = {}
        self._read_rows: dict[str, ReadRow] = {}
        self._org_rows: dict[str, Exposure] = {}
        self._read_keys: dict[tuple[str, str, str], str] = {}

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # References kept here: App.query_one searches the active screen, which is a detail page
        # while one is open, and timers keep firing then.
        self._title_bar = Static(id="title")
        self._matrix = DetailTable(id="matrix", cursor_type="row")
        self._feed = FeedTable(id="feed", cursor_type="row")
        self._reads = DetailTable(id="reads", cursor_type="row")
        self._status = Static(id="status")
        self._filter_box = Input(id="filter", placeholder="filter by organisation or category "
                                                          "(enter to apply, esc to clear)")
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
        feed = self._feed
        feed.add_column("time", key="time", width=8)
        feed.add_column("organisation", key="org", width=20)
        feed.add_column("host", key="host", width=30)
        feed.add_column("category", key="category", width=11)
        feed.add_column("where in the request", key="location", width=30)
        feed.add_column("value", key="value", width=34)
        reads = self._reads
        reads.add_column("first read", key="time", width=10)
        reads.add_column("API", key="api", width=38)
        reads.add_column("SDK", key="sdk", width=18)
        reads.add_column("category", key="category", width=11)
        reads.add_column("value", key="value", width=24)
        reads.add_column("reads", key="count", width=5)
        reads.add_column("seen leaving to", key="left", width=36)
        self._rebuild_matrix()
        self._update_titles()
        self._refresh_status()
        feed.focus()
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
        """Repaint what changed since the last repaint."""
        if self.paused:
            self._refresh_status()
            return
        with self._lock:
            changes = self.state.take_changes()
            if changes.new_categories:
                self._rebuild_matrix()
            elif changes.orgs:
                self._update_matrix(changes.orgs)
            if changes.feed_overflow:
                self._rebuild_feed()
            elif changes.feed:
                self._append_feed(changes.feed)
            if changes.reads:
                self._update_reads(changes.reads)
            self.applied_findings = self.state.findings
        self._refresh_status()
        self._update_titles()

    def _rebuild_all(self) -> None:
        with self._lock:
            self.state.take_changes()
            self._rebuild_matrix()
            self._rebuild_feed()
            self._rebuild_reads()
            self.applied_findings = self.state.findings
        self._refresh_status()
        self._update_titles()

    # -- formatting -----------------------------------------------------------------------------

    def fmt_time(self, ts: float | None) -> str:
        if ts is None:
            return "--:--:--"
        try:
            return datetime.fromtimestamp(ts, self.tz).strftime("%H:%M:%S")
        except (OverflowError, OSError, ValueError):
            return "??:??:??"

    def shown_value(self, value: str, limit: int | None) -> Text:
        if self.reveal:
            return inert_text(value, limit)
        return inert_text(self.redactor(value), limit, style=DIM)

    def _org_text(self, org: str, party: str, limit: int = 24) -> Text:
        return inert_text(org, limit, style=FIRST_PARTY if party == "first" else THIRD_PARTY)

    # -- who gets what --------------------------------------------------------------------------

    def _rebuild_matrix(self) -> None:
        table = self._matrix
        table.clear(columns=True)
        self._matrix_categories = self.state.ordered_categories()
        table.add_column("organisation", key="org", width=24)
        table.add_column(Text("requests", justify="right"), key="total", width=8)
        table.add_column("first seen", key="first", width=10)
        for cat in self._matrix_categories:
            label = short_label(cat)
            table.add_column(Text(label, justify="right"), key=f"c:{cat}", width=max(len(label), 5))
        self._org_order = []
        self._org_rows = {}
        rows = self.state.ordered_orgs(self.query_filter or None)
        self._matrix_hidden = max(0, len(rows) - self.matrix_rows)
        rows = rows[: self.matrix_rows]
        for o in rows:
            self._add_org_row(table, o)
        self._org_order = [o.org for o in rows]
        self._matrix_stale = False
        self._matrix_built = time.monotonic()

    def _group_header(self, table: DataTable[Any], first: bool) -> None:
        key = _HEADER_FIRST if first else _HEADER_THIRD
        if key in table.rows:
            return
        label = "first party" if first else "third parties"
        header = _SortText(f"── {label}", style="italic", sort_key=(0 if first else 1, -(1 << 62), ""), end="")
        cells: list[Any] = [header]
        cells += [Text("")] * (len(table.columns) - 1)
        table.add_row(*cells, key=key)

    def _org_cells(self, o: Exposure) -> list[Any]:
        org = _SortText(sort_key=exposure_sort_key(o), end="")
        org.append_text(self._org_text(o.org, o.party))
        cells: list[Any] = [
            org,
            Text(f"{o.requests:,}", justify="right", style=WARN if o.cleartext else ""),
            Text(self.fmt_time(o.first_seen)),
        ]
        for cat in self._matrix_categories:
            c = o.cells.get(cat)
            if c is None:
                cells.append(Text("·", justify="right", style=DIM))
            elif c.cleartext:
                cells.append(Text(f"{c.requests:,}!", justify="right", style=WARN))
            else:
                cells.append(Text(f"{c.requests:,}", justify="right"))
        return cells

    def _add_org_row(self, table: DataTable[Any], o: Exposure) -> None:
        self._group_header(table, o.is_first_party)
        table.add_row(*self._org_cells(o), key=o.org)
        self._org_rows[o.org] = o

    def _update_matrix(self, orgs: Iterable[str]) -> None:
        if self._matrix_hidden or len(self.state.orgs) > self.matrix_rows:
            # More organisations than rows shown (thousands of unattributed hosts): show the
            # top ones, rebuilt at most once a second instead of re-sorting every poll.
            if time.monotonic() - self._matrix_built >= 1.0:
                self._rebuild_matrix()
            else:
                self._matrix_stale = True
            return
        table = self._matrix
        q = self.query_filter
        regroup = False
        for name in orgs:
            o = self.state.orgs[name]
            if q and not q.org_row(o):
                continue
            if name not in table.rows:
                self._add_org_row(table, o)
                continue
            cells = self._org_cells(o)
            old = table.get_cell(name, "org")
            if getattr(old, "sort_key", None) is not None and old.sort_key[0] != cells[0].sort_key[0]:
                regroup = True
            for col, cell in zip(table.columns, cells, strict=False):
                table.update_cell(name, col, cell)
        if regroup:
            self._rebuild_matrix()
            return
        order = [o.org for o in self.state.ordered_orgs(q or None)]
        if order != self._org_order:
            cursor_key = self._cursor_key(table)
            table.sort("org", key=lambda cell: cell.sort_key)
            self._org_order = order
            if cursor_key is not None and cursor_key in table.rows:
                table.move_cursor(row=table.get_row_index(cursor_key), animate=False)

    @staticmethod
    def _cursor_key(table: DataTable[Any]) -> str | None:
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor row
            return None

    # -- live feed ------------------------------------------------------------------------------

    def _feed_cells(self, f: Finding) -> list[Any]:
        host = inert_text(("http://" if f.cleartext else "") + f.host, 30, style=WARN if f.cleartext else "")
        return [
            Text(self.fmt_time(f.ts)),
            self._org_text(f.org, f.party, 20),
            host,
            Text(short_label(f.category)),
            inert_text(f.location, 30),
            self.shown_value(f.value, 34),
        ]

    def _append_feed(self, items: list[Finding]) -> None:
        table = self._feed
        q = self.query_filter
        items = [f for f in items if not q or q.finding(f)][-self.feed_rows:]
        if not items:
            return
        if len(self._feed_keys) + len(items) - self.feed_rows > max(20, self.feed_rows // 4):
            # Removing many rows one by one costs more than starting over (remove_row is O(rows)).
            self._rebuild_feed()
            return
        following = table.row_count == 0 or table.cursor_row >= table.row_count - 1
        for f in items:
            key = str(f.seq)
            table.add_row(*self._feed_cells(f), key=key)
            self._feed_keys.append(key)
            self._feed_items[key] = f
        excess = len(self._feed_keys) - self.feed_rows
        if excess > 0:
            cursor = table.cursor_row
            for _ in range(excess):
                old = self._feed_keys.popleft()
                table.remove_row(old)
                del self._feed_items[old]
            if not following:
                table.move_cursor(row=max(0, cursor - excess), animate=False)
        if following:
            table.move_cursor(row=table.row_count - 1, animate=False, scroll=True)

    def _rebuild_feed(self) -> None:
        table = self._feed
        table.clear()
        self._feed_keys.clear()
        self._feed_items.clear()
        self._append_feed(self.state.latest(self.feed_rows, self.query_filter or None))

    def _refresh_feed_values(self) -> None:
        table = self._feed
        for key, f in self._feed_items.items():
            table.update_cell(key, "value", self.shown_value(f.value, 34))

    # -- device reads ---------------------------------------------------------------------------

    def _read_cells(self, r: ReadRow) -> list[Any]:
        if r.injection is not None:
            left = Text("script in a web page (Enter)", style=DIM)
        elif r.left_to:
            left = Text()
            for i, (org, _ts) in enumerate(sorted(r.left_to.items(), key=lambda kv: (kv[1] is None, kv[1] or 0))):
                if i:
                    left.append(", ")
                left.append_text(inert_text(org, 24, style=WARN))
                if i >= 3 and len(r.left_to) > 4:
                    left.append(f" +{len(r.left_to) - 4} more", DIM)
                    break
        else:
            left = Text("not seen leaving", style=DIM)
        return [
            Text(self.fmt_time(r.first_ts)),
            inert_text(_left_cut(r.api, 38), 38),
            inert_text(r.sdk or "?", 18),
            Text(short_label(r.category) if r.category else "?"),
            inert_text(r.value, 24, style=WARN) if r.injection is not None else self.shown_value(r.value, 24),
            Text(f"{r.count:,}", justify="right"),
            left,
        ]

    def _update_reads(self, keys: Iterable[tuple[str, str, str]]) -> None:
        table = self._reads
        self._reads_panel.add_class("-shown")
        q = self.query_filter
        for r in sorted((self.state.reads[k] for k in keys), key=read_sort_key):
            if q and not q.read(r):
                continue
            row_key = self._read_keys.get(r.key)
            cells = self._read_cells(r)
            if row_key is None:
                row_key = self._read_keys[r.key] = f"read{len(self._read_keys)}"
                table.add_row(*cells, key=row_key)
                self._read_rows[row_key] = r
            else:
                for col, cell in zip(table.columns, cells, strict=False):
                    table.update_cell(row_key, col, cell)

    def _rebuild_reads(self) -> None:
        table = self._reads
        table.clear()
        self._read_keys.clear()
        self._read_rows.clear()
        if self.state.reads:
            self._update_reads([r.key for r in self.state.ordered_reads()])

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
        title.append("⏸ PAUSED (p to resume)" if self.paused else "● following", "bold yellow" if self.paused else "green")
        self._title_bar.update(title)

        with self._lock:  # the tail worker may be adding organisations and reads
            third = sum(1 for o in s.orgs.values() if not o.is_first_party)
            reads_left = sum(1 for r in s.reads.values() if r.left_to)
            orgs, reads = len(s.orgs), len(s.reads)
        # Border titles given as str are parsed as markup: hand them Text.
        shown = f"top {self.matrix_rows} of " if self._matrix_hidden else ""
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

    def _status_text(self) -> Text:
        s = self.state
        now = self.clock()
        t = Text(overflow="fold")

        def sep() -> None:
            if t.plain:
                t.append(" · ", DIM)

        def num(value: Any) -> str:
            return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "–"

        stats = s.proxy_stats
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
        sep()
        if s.consent_marker is None:
            t.append("no consent marker yet (m / M)", "yellow")
        else:
            before, after = s.consent_counts() or (0, 0)
            t.append(inert(as_str(s.consent_marker.get("label")), 20), "bold")
            t.append(f" {_ago(now - s.consent_marker['ts'])} ago: ")
            t.append(f"{before:,} before", WARN if before else "bold")
            t.append(" / ")
            t.append(f"{after:,} after", "bold")
        if s.last_marker is not None and s.last_marker is not s.consent_marker:
            sep()
            t.append(f"last marker {inert(as_str(s.last_marker.get('label')), 20)} {_ago(now - s.last_marker['ts'])} ago")
        if self.paused:
            sep()
            t.append(f"PAUSED +{s.findings - self.applied_findings:,} new", "bold yellow")
        if s.problem_count:
            sep()
            t.append(f"{s.problem_count:,} damaged lines skipped", "yellow")
        return t

    def _refresh_status(self) -> None:
        with self._lock:
            text = self._status_text()
        self._status.update(text)

    def _refresh_clock(self) -> None:
        if self._matrix_stale and not self.paused:
            with self._lock:
                self._rebuild_matrix()
            self._update_titles()
        self._refresh_status()

    # -- actions --------------------------------------------------------------------------------

    def action_mark(self, label: str) -> None:
        try:
            marker = self.store.mark(label, source="dashboard", ts=self.clock())
        except OSError as e:
            self.notify(f"could not write the marker: {inert(str(e), 200)}", title="marker", severity="error",
                        markup=False)
            return
        self.notify(f"{label} marked at {self.fmt_time(marker['ts'])}", title="marker", markup=False)
        self._schedule_poll()

    def action_toggle_reveal(self) -> None:
        self.reveal = not self.reveal
        with self._lock:
            self._refresh_feed_values()
            self._rebuild_reads()
        self._update_titles()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if not self.paused:
            self._rebuild_all()
        else:
            self._refresh_status()
            self._update_titles()

    def action_filter(self) -> None:
        box = self._filter_box
        box.add_class("-shown")
        box.value = self.query_filter.text
        box.focus()

    def action_clear_filter(self) -> None:
        box = self._filter_box
        if box.has_class("-shown") or self.query_filter:
            box.remove_class("-shown")
            self._set_filter("")

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.input.remove_class("-shown")
        self._set_filter(event.value)

    def _set_filter(self, text: str) -> None:
        self.query_filter = Query(text, SHORT_LABELS)
        with self._lock:
            self._rebuild_matrix()
            self._rebuild_feed()
            self._rebuild_reads()
        self._update_titles()
        self._feed.focus()

    @on(DataTable.RowSelected, "#feed")
    def _feed_selected(self, event: DataTable.RowSelected) -> None:
        f = self._feed_items.get(str(event.row_key.value))
        if f is not None:
            self.push_screen(DetailScreen(f"Finding #{f.seq}", self.evidence_text(f)))

    @on(DataTable.RowSelected, "#matrix")
    def _matrix_selected(self, event: DataTable.RowSelected) -> None:
        o = self._org_rows.get(str(event.row_key.value))
        if o is not None:
            with self._lock:
                body = self.org_text(o)
            self.push_screen(DetailScreen("Organisation", body))

    @on(DataTable.RowSelected, "#reads")
    def _read_selected(self, event: DataTable.RowSelected) -> None:
        r = self._read_rows.get(str(event.row_key.value))
        if r is not None:
            with self._lock:
                body = self.read_text(r)
            self.push_screen(DetailScreen("Device read", body))

    async def action_quit(self) -> None:
        self._stopping = True
        self.exit(0)

    # -- detail pages ---------------------------------------------------------------------------

    def _masked(self, text: str, value: str) -> str:
        return text if self.reveal or not value else scrub(text, [value])

    def evidence_text(self, f: Finding) -> Text:
        row = f.row
        out = Text()

        def field(label: str, value: Text | str, style: str = "") -> None:
            out.append(f"{label:<14}", "bold")
            out.append_text(value if isinstance(value, Text) else inert_long(value, 2000, style=style))
            out.append("\n")

        method = as_str(row.get(Col.method))
        url = self._masked(as_str(row.get(Col.url)), f.value)
        field("request", inert_long(f"{method} {url}".strip(), 2000, style=WARN if f.cleartext else ""))
        if f.cleartext:
            field("", Text("sent in cleartext (no TLS)", style=WARN))
        party = {"first": "first party", "third": "third party"}.get(f.party, "party unknown")
        extra = ", ".join(x for x in (party, as_str(row.get(Col.purpose)), as_str(row.get(Col.country))) if x)
        org = self._org_text(f.org, f.party, 80)
        org.append(f"  ({inert(extra, 80)})", "")
        field("organisation", org)
        parent = as_str(row.get(Col.parent))
        if parent:
            field("parent", parent)
        field("host", f.host)
        field("category", Text(f"{category_name(f.category)} ({inert(f.category, 40)})"))
        field("location", f.location)
        key = as_str(row.get(Col.key))
        if key:
            field("key", key)
        field("decoding", as_str(row.get(Col.decoding)) or "(none)")
        value = inert_long(f.value, 1000) if self.reveal else inert_text(self.redactor(f.value), 200, style=DIM)
        if not self.reveal:
            value.append("   (r to reveal)", DIM)
        field("value", value)
        conf = row.get(Col.confidence)
        conf_s = f"{conf:.2f}" if isinstance(conf, (int, float)) and not isinstance(conf, bool) else as_str(conf)
        field("detector", Text(f"{inert(as_str(row.get(Col.detector)), 20)} · confidence {inert(conf_s, 10)}"))
        field("rule", as_str(row.get(Col.rule)))
        device_read = as_str(row.get(Col.device_read))
        if device_read:
            field("device read", device_read)
        field("evidence", self._masked(as_str(row.get(Col.evidence)), f.value))
        notes = row.get(Col.notes)
        if notes:
            field("notes", as_str(notes) if not isinstance(notes, list) else "; ".join(map(as_str, notes)))
        ts = as_ts(row.get(Col.ts))
        when = datetime.fromtimestamp(ts, self.tz).isoformat(timespec="milliseconds") if ts is not None else "?"
        field("time", when)
        consent = as_str(row.get(Col.consent))
        if consent:
            field("consent", consent)
        meta = " · ".join(
            f"{name} {inert(as_str(row.get(name)), 60)}" for name in (Col.flow_id, Col.source, Col.kind) if row.get(name)
        )
        if meta:
            field("flow", meta)
        return out

    def org_text(self, o: Exposure) -> Text:
        out = Text()
        out.append_text(self._org_text(o.org, o.party, 80))
        party = {"first": "first party", "third": "third party"}.get(o.party, "party unknown")
        out.append(f"   {party}\n\n")
        out.append(f"{o.requests:,} requests ({o.findings:,} findings), first {self.fmt_time(o.first_seen)}, "
                   f"last {self.fmt_time(o.last_seen)}")
        if o.cleartext:
            out.append(f", {o.cleartext:,} in cleartext", WARN)
        out.append("\n")
        if o.purposes:
            out.append("purposes: ")
            out.append(inert(", ".join(sorted(o.purposes)), 200))
            out.append("\n")
        out.append("\nwhat it received\n", "bold")
        for cat, cell in sorted(o.cells.items(), key=lambda kv: -kv[1].requests):
            out.append(f"  {cell.requests:>7,}  first {self.fmt_time(cell.first_seen)}  ")
            out.append(category_name(cat))
            if cell.cleartext:
                out.append(f"  ({cell.cleartext:,} in cleartext)", WARN)
            out.append("\n")
        out.append("\nhosts\n", "bold")
        for host, n in sorted(o.hosts.items(), key=lambda kv: -kv[1])[:30]:
            out.append(f"  {n:>7,}  ")
            out.append_text(inert_text(host, 100))
            out.append("\n")
        if len(o.hosts) > 30:
            out.append(f"  … {len(o.hosts) - 30} more hosts\n", DIM)
        return out

    def read_text(self, r: ReadRow) -> Text:
        if r.injection is not None:
            return injection_text(r.injection, self.fmt_time(r.first_ts), r.count)
        out = Text()

        def field(label: str, value: Text | str) -> None:
            out.append(f"{label:<16}", "bold")
            out.append_text(value if isinstance(value, Text) else inert_long(value, 1000))
            out.append("\n")

        field("API", r.api)
        field("SDK", r.sdk or "?")
        field("SDK owner", r.org or "?")
        field("category", category_name(r.category) if r.category else "?")
        field("value", inert_long(r.value, 1000) if self.reveal else inert_text(self.redactor(r.value), 200, style=DIM))
        field("reads", Text(f"{r.count:,}, first {self.fmt_time(r.first_ts)}"))
        if r.ids:
            field("hook events", ", ".join(r.ids[:20]) + (" …" if len(r.ids) > 20 else ""))
        if r.left_to:
            out.append("\nseen leaving to\n", "bold")
            for org, ts in sorted(r.left_to.items(), key=lambda kv: (kv[1] is None, kv[1] or 0)):
                out.append(f"  {self.fmt_time(ts)}  ")
                out.append_text(inert_text(org, 80, style=WARN))
                out.append("\n")
        else:
            out.append("\nnot seen leaving the phone (yet)\n", DIM)
        return out


def injection_text(inj: Injection, first: str, count: int) -> Text:
    """The detail page of a script the app injected into a web page: plain words first, then
    the capabilities with their evidence (every captured string inert and bounded)."""
    out = Text()
    out.append_text(inert_long(plain_summary([inj]), 600))
    out.append("\n\n")

    def field(label: str, value: Text | str) -> None:
        out.append(f"{label:<16}", "bold")
        out.append_text(value if isinstance(value, Text) else inert_long(value, 600))
        out.append("\n")

    field("injected by", f"{inj.who} – {inj.injector or '?'}")
    field("API", inj.api)
    field("pages", ", ".join(inj.pages[:5]) or "unknown")
    field("times", f"{count:,}, first {first}")
    field("script", f"sha256 {inj.sha256}, {inj.analysis.size:,} bytes")
    if inj.bridges:
        field("bridges", ", ".join(inj.bridges[:5]))
    out.append("\ncapabilities and evidence\n", "bold")
    for cap in inj.capabilities:
        out.append("  ")
        out.append_text(inert_text(capability_phrase(cap), 80, style=WARN))
        out.append("\n")
        for ev in inj.analysis.evidence_for(cap)[:4]:
            out.append(f"    {ev.position:>7}  ")
            out.append_text(inert_text(ev.api, 40))
            out.append("  ")
            out.append_text(inert_text(ev.code, 90, style=DIM))
            if ev.via:
                out.append_text(inert_text(f"  (in code built by {ev.via[-1]})", 60, style=DIM))
            out.append("\n")
    if inj.analysis.notes:
        out.append("\nanalysis notes\n", "bold")
        for note in inj.analysis.notes[:5]:
            out.append("  ")
            out.append_text(inert_long(note, 300))
            out.append("\n")
    return out


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
