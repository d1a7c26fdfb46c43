"""The "who gets what" table: one row per organisation (`analysis.exposure`), first party first,
one column per data category, counts in requests. It owns its rows and repaints only the
organisations that changed."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from phonehome.analysis.exposure import Exposure, exposure_sort_key

from .look import DIM, WARN, Look, SortText, short_label
from .state import DashboardState, Query

MATRIX_ROWS = 300
"""Organisations shown in the matrix (the top ones; `/` finds the others)."""

_HEADER_FIRST = "\x00first"
_HEADER_THIRD = "\x00third"


class MatrixTable(DataTable[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "details", show=True),
    ]

    def __init__(self, look: Look, *, max_rows: int = MATRIX_ROWS, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.look = look
        self.max_rows = max_rows
        self.rows_by_org: dict[str, Exposure] = {}
        """The organisations shown, by row key."""
        self.hidden = 0
        """Organisations not shown (beyond `max_rows`)."""
        self.stale = False
        """Changes are waiting for the next once-a-second rebuild."""
        self._built = 0.0
        self._order: list[str] = []
        self._categories: list[str] = []

    def rebuild(self, state: DashboardState, query: Query | None) -> None:
        self.clear(columns=True)
        self._categories = state.ordered_categories()
        self.add_column("organisation", key="org", width=24)
        self.add_column(Text("requests", justify="right"), key="total", width=8)
        self.add_column("first seen", key="first", width=10)
        for cat in self._categories:
            label = short_label(cat)
            self.add_column(Text(label, justify="right"), key=f"c:{cat}", width=max(len(label), 5))
        self._order = []
        self.rows_by_org = {}
        rows = state.ordered_orgs(query or None)
        self.hidden = max(0, len(rows) - self.max_rows)
        rows = rows[: self.max_rows]
        for o in rows:
            self._add(o)
        self._order = [o.org for o in rows]
        self.stale = False
        self._built = time.monotonic()

    def update(self, state: DashboardState, orgs: Iterable[str], query: Query | None) -> None:
        """Repaint the rows of `orgs`, adding and re-sorting rows as needed."""
        if self.hidden or len(state.orgs) > self.max_rows:
            # More organisations than rows shown (thousands of unattributed hosts): show the
            # top ones, rebuilt at most once a second instead of re-sorting every poll.
            if time.monotonic() - self._built >= 1.0:
                self.rebuild(state, query)
            else:
                self.stale = True
            return
        regroup = False
        for name in orgs:
            o = state.orgs[name]
            if query and not query.org_row(o):
                continue
            if name not in self.rows:
                self._add(o)
                continue
            cells = self._cells(o)
            old = self.get_cell(name, "org")
            if getattr(old, "sort_key", None) is not None and old.sort_key[0] != cells[0].sort_key[0]:
                regroup = True
            for col, cell in zip(self.columns, cells, strict=False):
                self.update_cell(name, col, cell)
        if regroup:
            self.rebuild(state, query)
            return
        order = [o.org for o in state.ordered_orgs(query or None)]
        if order != self._order:
            cursor_key = cursor_row_key(self)
            self.sort("org", key=lambda cell: cell.sort_key)
            self._order = order
            if cursor_key is not None and cursor_key in self.rows:
                self.move_cursor(row=self.get_row_index(cursor_key), animate=False)

    def _group_header(self, first: bool) -> None:
        key = _HEADER_FIRST if first else _HEADER_THIRD
        if key in self.rows:
            return
        label = "first party" if first else "third parties"
        header = SortText(f"── {label}", style="italic", sort_key=(0 if first else 1, -(1 << 62), ""), end="")
        cells: list[Any] = [header]
        cells += [Text("")] * (len(self.columns) - 1)
        self.add_row(*cells, key=key)

    def _cells(self, o: Exposure) -> list[Any]:
        org = SortText(sort_key=exposure_sort_key(o), end="")
        org.append_text(self.look.org_text(o.org, o.party))
        cells: list[Any] = [
            org,
            Text(f"{o.requests:,}", justify="right", style=WARN if o.cleartext else ""),
            Text(self.look.fmt_time(o.first_seen)),
        ]
        for cat in self._categories:
            c = o.cells.get(cat)
            if c is None:
                cells.append(Text("·", justify="right", style=DIM))
            elif c.cleartext:
                cells.append(Text(f"{c.requests:,}!", justify="right", style=WARN))
            else:
                cells.append(Text(f"{c.requests:,}", justify="right"))
        return cells

    def _add(self, o: Exposure) -> None:
        self._group_header(o.is_first_party)
        self.add_row(*self._cells(o), key=o.org)
        self.rows_by_org[o.org] = o


def cursor_row_key(table: DataTable[Any]) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - no cursor row
        return None
