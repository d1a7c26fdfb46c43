"""Device reads: what the app read through the hooks, by which SDK, and whether that value was
later seen leaving. It owns its rows (`rows_by_key`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ..inert import inert_text
from .look import DIM, WARN, Look, left_cut, short_label
from .state import DashboardState, Query, ReadRow, read_sort_key


class ReadsTable(DataTable[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "details", show=True),
    ]

    def __init__(self, look: Look, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.look = look
        self.rows_by_key: dict[str, ReadRow] = {}
        """The reads shown, by row key."""
        self._keys: dict[tuple[str, str, str], str] = {}

    def add_default_columns(self) -> None:
        """Called once by the app when mounted."""
        self.add_column("first read", key="time", width=10)
        self.add_column("API", key="api", width=38)
        self.add_column("SDK", key="sdk", width=18)
        self.add_column("category", key="category", width=11)
        self.add_column("value", key="value", width=24)
        self.add_column("reads", key="count", width=5)
        self.add_column("seen leaving to", key="left", width=36)

    def _cells(self, r: ReadRow) -> list[Any]:
        if r.injection is not None:
            left = Text("script in a web page (Enter)", style=DIM)
        elif r.left_to:
            left = Text()
            for i, (org, _ts) in enumerate(
                sorted(r.left_to.items(), key=lambda kv: (kv[1] is None, kv[1] or 0))
            ):
                if i:
                    left.append(", ")
                left.append_text(inert_text(org, 24, style=WARN))
                if i >= 3 and len(r.left_to) > 4:
                    left.append(f" +{len(r.left_to) - 4} more", DIM)
                    break
        else:
            left = Text("not seen leaving", style=DIM)
        return [
            Text(self.look.fmt_time(r.first_ts)),
            inert_text(left_cut(r.api, 38), 38),
            inert_text(r.sdk or "?", 18),
            Text(short_label(r.category) if r.category else "?"),
            inert_text(r.value, 24, style=WARN)
            if r.injection is not None
            else self.look.shown_value(r.value, 24),
            Text(f"{r.count:,}", justify="right"),
            left,
        ]

    def update(
        self, state: DashboardState, keys: Iterable[tuple[str, str, str]], query: Query | None
    ) -> None:
        for r in sorted((state.reads[k] for k in keys), key=read_sort_key):
            if query and not query.read(r):
                continue
            row_key = self._keys.get(r.key)
            cells = self._cells(r)
            if row_key is None:
                row_key = self._keys[r.key] = f"read{len(self._keys)}"
                self.add_row(*cells, key=row_key)
                self.rows_by_key[row_key] = r
            else:
                for col, cell in zip(self.columns, cells, strict=False):
                    self.update_cell(row_key, col, cell)

    def rebuild(self, state: DashboardState, query: Query | None) -> None:
        self.clear()
        self._keys.clear()
        self.rows_by_key.clear()
        if state.reads:
            self.update(state, [r.key for r in state.ordered_reads()], query)
