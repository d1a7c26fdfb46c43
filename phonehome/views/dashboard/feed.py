"""The live feed: the latest findings, newest at the bottom, following new ones while the cursor
is on the last row. It owns its rows (`items`, by row key)."""

from __future__ import annotations

from collections import deque
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ..inert import inert_text
from .look import WARN, Look, short_label
from .state import DashboardState, Finding, Query

FEED_ROWS = 200
"""Rows in the live feed (the latest findings)."""


class FeedTable(DataTable[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "evidence", show=True),
    ]

    def __init__(self, look: Look | None = None, *, max_rows: int = FEED_ROWS, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.look = look or Look()
        self.max_rows = max_rows
        self.items: dict[str, Finding] = {}
        """The findings shown, by row key."""
        self._keys: deque[str] = deque()

    def add_default_columns(self) -> None:
        """Called once by the app when mounted."""
        self.add_column("time", key="time", width=8)
        self.add_column("organisation", key="org", width=20)
        self.add_column("host", key="host", width=30)
        self.add_column("category", key="category", width=11)
        self.add_column("where in the request", key="location", width=30)
        self.add_column("value", key="value", width=34)

    def _cells(self, f: Finding) -> list[Any]:
        host = inert_text(("http://" if f.cleartext else "") + f.host, 30, style=WARN if f.cleartext else "")
        return [
            Text(self.look.fmt_time(f.ts)),
            self.look.org_text(f.org, f.party, 20),
            host,
            Text(short_label(f.category)),
            inert_text(f.location, 30),
            self.look.shown_value(f.value, 34),
        ]

    def append(self, state: DashboardState, items: list[Finding], query: Query | None) -> None:
        items = [f for f in items if not query or query.finding(f)][-self.max_rows :]
        if not items:
            return
        if len(self._keys) + len(items) - self.max_rows > max(20, self.max_rows // 4):
            # Removing many rows one by one costs more than starting over (remove_row is O(rows)).
            self.rebuild(state, query)
            return
        following = self.row_count == 0 or self.cursor_row >= self.row_count - 1
        for f in items:
            key = str(f.seq)
            self.add_row(*self._cells(f), key=key)
            self._keys.append(key)
            self.items[key] = f
        excess = len(self._keys) - self.max_rows
        if excess > 0:
            cursor = self.cursor_row
            for _ in range(excess):
                old = self._keys.popleft()
                self.remove_row(old)
                del self.items[old]
            if not following:
                self.move_cursor(row=max(0, cursor - excess), animate=False)
        if following:
            self.move_cursor(row=self.row_count - 1, animate=False, scroll=True)

    def rebuild(self, state: DashboardState, query: Query | None) -> None:
        self.clear()
        self._keys.clear()
        self.items.clear()
        self.append(state, state.latest(self.max_rows, query or None), query)

    def refresh_values(self) -> None:
        """Show the values redacted or revealed, as `look.reveal` now says."""
        for key, f in self.items.items():
            self.update_cell(key, "value", self.look.shown_value(f.value, 34))
