"""Who gets what: one row per organisation that received personal data, the same for every view.

The CLI's summary table, the report (matrix, tables, summary) and the dashboard all read this
aggregate, so they agree on three things:

- **Counting unit: requests.** A cell (organisation x data category) counts the requests to that
  organisation that carried the category, however many fields of the request carried it. A
  request is one HTTP request (one `flow_id`); a WebSocket connection counts once for all of its
  messages. `findings` (detections: one request can carry a category in several places) is kept
  alongside, for the detail views.
- **Order: first party first**, then the organisations that received the most kinds of data, then
  the most requests, then by name (`exposure_sort_key`).
- **Naming and party.** An organisation nobody could name is shown by its registrable domain
  (what a reader can look up), else its host. An organisation is a third party as soon as one
  finding says so (a third party is never hidden behind a first-party label), first party when
  the findings say only that, unknown otherwise.

`ExposureTable.add(row)` is incremental (O(1) per finding) so the live dashboard can use it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .categories import CATEGORY_IDS
from .schema import Col

UNATTRIBUTED = "(unattributed)"
_UNNAMED = frozenset({"", "unknown", "?"})


def _text(value: Any) -> str:
    """A cell as text; empty for None, NaN and pandas' missing values."""
    if type(value) is str:  # the usual case (JSON rows)
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return "" if text in ("<NA>", "NaT", "nan") else text


def _flag(value: Any) -> bool:
    """A boolean cell (Python, NumPy or pandas); missing is False."""
    if value is True or value is False:
        return value
    if value is None or isinstance(value, str) or (isinstance(value, float) and value != value):
        return False
    try:
        return bool(value)
    except (TypeError, ValueError):  # pandas.NA
        return False


def _ts(value: Any) -> float | None:
    """Epoch seconds of a number, an ISO 8601 string or a datetime/Timestamp; None when missing
    or unreadable."""
    if type(value) is float:  # the usual case (JSON rows)
        return value if value == value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if number == number else None
    stamp = getattr(value, "timestamp", None)
    if callable(stamp):
        try:
            return float(stamp())
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def organisation_of(row: Mapping[str, Any]) -> str:
    """The name a finding's receiver is shown by: its organisation, else its domain, else host."""
    org = _text(row.get(Col.org)).strip()
    if org.lower() in _UNNAMED:
        org = ""
    return org or _text(row.get(Col.domain)) or _text(row.get(Col.host)) or UNATTRIBUTED


@dataclass(slots=True)
class Cell:
    """What one organisation received of one data category."""

    requests: int = 0
    findings: int = 0
    cleartext: int = 0
    """Findings of this category that travelled without TLS."""
    first_seen: float | None = None
    _request_ids: set[str] = field(default_factory=set, repr=False)


@dataclass(slots=True)
class Exposure:
    """One organisation's row: what it received, how often, since when, over which hosts."""

    org: str
    party: str = ""
    """`third` once any finding says so, else `first` once one says so, else empty (unknown)."""
    findings: int = 0
    cleartext: int = 0
    """Findings to this organisation that travelled without TLS."""
    first_seen: float | None = None
    last_seen: float | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    hosts: dict[str, int] = field(default_factory=dict)
    purposes: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    parents: dict[str, int] = field(default_factory=dict)
    _request_ids: set[str] = field(default_factory=set, repr=False)

    @property
    def requests(self) -> int:
        """Requests to this organisation that carried personal data (the counting unit)."""
        return len(self._request_ids)

    @property
    def is_first_party(self) -> bool:
        return self.party == "first"

    @property
    def third_party(self) -> bool:
        """Not known to be the app's own company (third or unknown party)."""
        return self.party != "first"

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories received, in the categories' own order (views may reorder them)."""
        known = [c for c in CATEGORY_IDS if c in self.cells]
        return (*known, *sorted(c for c in self.cells if c not in CATEGORY_IDS))

    def count(self, category: str) -> int:
        """Requests to this organisation carrying `category` (0 when none)."""
        cell = self.cells.get(category)
        return cell.requests if cell else 0

    @property
    def purpose(self) -> str:
        return _most_common(self.purposes)

    @property
    def country(self) -> str:
        return _most_common(self.countries)

    @property
    def parent(self) -> str:
        return _most_common(self.parents)


def _most_common(counts: dict[str, int]) -> str:
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0] if counts else ""


def exposure_sort_key(e: Exposure) -> tuple[int, int, int, str, str]:
    """First party first; then most kinds of data, most requests, name."""
    return (0 if e.is_first_party else 1, -len(e.cells), -e.requests, e.org.casefold(), e.org)


class ExposureTable:
    """Organisations by name, built finding by finding."""

    def __init__(self) -> None:
        self.orgs: dict[str, Exposure] = {}
        self._anonymous = 0

    def add(self, row: Mapping[str, Any]) -> Exposure:
        """Count one finding row (schema `Col`); returns the organisation's updated row."""
        name = organisation_of(row)
        e = self.orgs.get(name)
        if e is None:
            e = self.orgs[name] = Exposure(name)
        party = _text(row.get(Col.party))
        if party == "third" or (party == "first" and e.party != "third"):
            e.party = party
        request = _text(row.get(Col.flow_id))
        if not request:
            self._anonymous += 1
            request = f"\0{self._anonymous}"
        category = _text(row.get(Col.category)) or "unknown"
        cleartext = _flag(row.get(Col.cleartext))
        ts = _ts(row.get(Col.ts))

        e.findings += 1
        e._request_ids.add(request)
        if ts is not None:
            if e.first_seen is None or ts < e.first_seen:
                e.first_seen = ts
            if e.last_seen is None or ts > e.last_seen:
                e.last_seen = ts
        cell = e.cells.get(category)
        if cell is None:
            cell = e.cells[category] = Cell()
        cell.findings += 1
        if request not in cell._request_ids:
            cell._request_ids.add(request)
            cell.requests += 1
        if ts is not None and (cell.first_seen is None or ts < cell.first_seen):
            cell.first_seen = ts
        if cleartext:
            cell.cleartext += 1
            e.cleartext += 1
        for counts, column in (
            (e.hosts, Col.host),
            (e.purposes, Col.purpose),
            (e.countries, Col.country),
            (e.parents, Col.parent),
        ):
            value = _text(row.get(column))
            if value:
                counts[value] = counts.get(value, 0) + 1
        return e

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.add(row)

    def rows(self) -> list[Exposure]:
        """Every organisation, in the one order (`exposure_sort_key`)."""
        return sorted(self.orgs.values(), key=exposure_sort_key)

    def categories(self) -> list[str]:
        seen = {c for e in self.orgs.values() for c in e.cells}
        return [c for c in CATEGORY_IDS if c in seen] + sorted(seen.difference(CATEGORY_IDS))


def who_gets_what(rows: Iterable[Mapping[str, Any]]) -> list[Exposure]:
    """Who gets what for finished findings rows, in the one order."""
    table = ExposureTable()
    table.extend(rows)
    return table.rows()
