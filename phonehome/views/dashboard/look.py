"""How the dashboard shows things, shared by its widgets: styles, times, redaction, names.

Every captured string goes through `phonehome.views.inert` into a `rich.text.Text` (never a
markup string); values are redacted (`Look.redactor`) until revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text

from phonehome.analysis.categories import BY_ID, SHORT_LABELS
from phonehome.analysis.redact import redact, scrub

from ..inert import inert, inert_text

WARN = "bold red"
FIRST_PARTY = "bold green"
THIRD_PARTY = "bold"
DIM = "dim"


def short_label(category_id: str) -> str:
    return SHORT_LABELS.get(category_id) or inert(category_id, 14)


def category_name(category_id: str) -> str:
    c = BY_ID.get(category_id)
    return c.name_en if c else inert(category_id, 40)


def ago(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def left_cut(s: str, limit: int) -> str:
    """The end of `s` (API names say most at their end)."""
    return s if len(s) <= limit else "…" + s[-(limit - 1) :]


class SortText(Text):
    """A cell that knows where its row sorts (DataTable.sort only sees cell values)."""

    def __init__(self, *args: Any, sort_key: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sort_key = sort_key


@dataclass
class Look:
    """The display settings every widget reads: time zone, redaction, and whether values are
    revealed (the app's `reveal` state, mirrored here)."""

    tz: tzinfo | None = None
    redactor: Callable[[str], str] = redact
    reveal: bool = False

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

    def org_text(self, org: str, party: str, limit: int = 24) -> Text:
        return inert_text(org, limit, style=FIRST_PARTY if party == "first" else THIRD_PARTY)

    def masked(self, text: str, value: str) -> str:
        return text if self.reveal or not value else scrub(text, [value])
