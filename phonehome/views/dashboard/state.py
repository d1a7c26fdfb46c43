"""The dashboard's model: incremental aggregates over a growing session store, no UI.

`DashboardState.ingest(batch)` folds new JSONL objects into bounded aggregates (who gets what,
the latest findings, device reads, status counters) in O(new lines), and records what changed so
the view repaints only that (`take_changes()`). Nothing here ever re-reads or re-scans every
finding: a session with 100,000 findings costs one pass when it is opened and a few microseconds
per new finding after that.

Values are kept raw here; making them inert and redacting them is the view's job.
"""

from __future__ import annotations

import bisect
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from phonehome.analysis.appcrypto import APP_ENCRYPTED_EVENT
from phonehome.analysis.categories import BY_ID, CATEGORY_IDS
from phonehome.analysis.exposure import (
    Exposure,
    ExposureTable,
    exposure_sort_key,
    organisation_of,
)
from phonehome.analysis.inappbrowser import (
    BRIDGE_API,
    PROBE_EVENT,
    WEBVIEW_EVENT,
    Injection,
    capability_digest,
    injections_from_events,
    script_of,
)
from phonehome.analysis.same_request import ProxiedRequests
from phonehome.analysis.schema import Col

CONSENT_MARKERS = ("consent-given", "consent-refused", "consent-withdrawn")
FEED_HISTORY = 2000
"""Findings kept for the feed (and per organisation/category, for a filtered feed)."""
MAX_VALUE_INDEX = 512
"""Values longer than this are not indexed for read -> finding matching (device reads are short)."""
_READ_REF = re.compile(r"hook#(\S+)")


def as_ts(value: Any) -> float | None:
    """Epoch seconds from a JSON `ts` (number or ISO 8601 string); None when absent or bad."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def as_str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


HOOK_HOLD_S = 2.0
"""How long a TLS-hook finding waits for the proxy's analysis of the same request (the hook sees
the plaintext first; the proxy's worker reports it a little later)."""


@dataclass(slots=True)
class Finding:
    """One finding as the dashboard needs it; `row` is the original object for the evidence view."""

    seq: int
    ts: float | None
    org: str
    host: str
    category: str
    location: str
    value: str
    party: str
    cleartext: bool
    row: Mapping[str, Any]

    @classmethod
    def from_row(cls, seq: int, row: Mapping[str, Any]) -> Finding:
        host = as_str(row.get(Col.host))
        org = organisation_of(row)
        return cls(
            seq=seq,
            ts=as_ts(row.get(Col.ts)),
            org=org,
            host=host,
            category=as_str(row.get(Col.category)) or "unknown",
            location=as_str(row.get(Col.location)),
            value=as_str(row.get(Col.value)),
            party=as_str(row.get(Col.party)),
            cleartext=row.get(Col.cleartext) is True,
            row=row,
        )


@dataclass(slots=True)
class ReadRow:
    """Reads of one value through one API by one SDK, and where that value went afterwards."""

    key: tuple[str, str, str]
    api: str
    sdk: str
    org: str
    category: str
    value: str
    count: int = 0
    first_ts: float | None = None
    ids: list[str] = field(default_factory=list)
    left_to: dict[str, float | None] = field(default_factory=dict)
    """Organisation -> first time the value was seen leaving to it."""
    leave_count: int = 0
    injection: Injection | None = None
    """Set for a script the app injected into a web page (in-app browser), not a value read."""


@dataclass(slots=True)
class Batch:
    """New objects from the session files since the last poll."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    proxy_events: list[dict[str, Any]] = field(default_factory=list)
    hook_events: list[dict[str, Any]] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    more: bool = False
    """More data is waiting (the read was capped): poll again at once."""

    def __bool__(self) -> bool:
        return bool(self.findings or self.proxy_events or self.hook_events or self.markers or self.problems)


@dataclass(slots=True)
class Changes:
    """What the view has to repaint."""

    orgs: set[str] = field(default_factory=set)
    new_categories: bool = False
    feed: list[Finding] = field(default_factory=list)
    feed_overflow: bool = False
    """More new findings than the feed shows: rebuild the feed instead of appending."""
    reads: set[tuple[str, str, str]] = field(default_factory=set)
    status: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.orgs or self.new_categories or self.feed or self.feed_overflow or self.reads or self.status
        )


class Query:
    """A `/` filter: a case-insensitive substring of an organisation, or of a category's id,
    name or short label."""

    def __init__(self, text: str, short_labels: Mapping[str, str] | None = None) -> None:
        self.text = text.strip()
        self._needle = self.text.casefold()
        self._short = short_labels or {}
        self._cat_cache: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._needle)

    def org(self, org: str) -> bool:
        return not self._needle or self._needle in org.casefold()

    def category(self, category_id: str) -> bool:
        if not self._needle:
            return True
        hit = self._cat_cache.get(category_id)
        if hit is None:
            names = [category_id, self._short.get(category_id, "")]
            if category_id in BY_ID:
                names.append(BY_ID[category_id].name_en)
            hit = any(self._needle in n.casefold() for n in names)
            self._cat_cache[category_id] = hit
        return hit

    def finding(self, f: Finding) -> bool:
        return self.org(f.org) or self.category(f.category)

    def org_row(self, row: Exposure) -> bool:
        return self.org(row.org) or any(self.category(c) for c in row.cells)

    def read(self, r: ReadRow) -> bool:
        return (
            self.org(r.org)
            or self.org(r.sdk)
            or self.category(r.category)
            or any(self.org(o) for o in r.left_to)
        )


class DashboardState:
    """Aggregates for the dashboard, updated incrementally from new session-store lines."""

    def __init__(self, *, history: int = FEED_HISTORY, clock: Callable[[], float] = time.monotonic) -> None:
        self.history = history
        self._clock = clock
        self._proxied = ProxiedRequests()
        self._held: deque[tuple[float, Mapping[str, Any]]] = deque()
        """TLS-hook findings waiting `HOOK_HOLD_S` for the proxy's copy of the same request."""
        self.exposure = ExposureTable()
        """Who gets what (`analysis.exposure`: requests, first party first)."""
        self.orgs: dict[str, Exposure] = self.exposure.orgs
        self.categories: set[str] = set()
        self.feed: deque[Finding] = deque(maxlen=history)
        self._feed_by_org: dict[str, deque[Finding]] = {}
        self._feed_by_category: dict[str, deque[Finding]] = {}
        self.reads: dict[tuple[str, str, str], ReadRow] = {}
        self._reads_by_id: dict[str, tuple[str, str, str]] = {}
        self._reads_by_value: dict[str, list[tuple[str, str, str]]] = {}
        self._sent_by_value: dict[str, dict[str, float | None]] = {}
        self._pending_runtime: dict[str, list[tuple[str, float | None]]] = {}
        self._bridges: dict[str, set[str]] = {}
        self._probe_events: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        """Names of the objects each process handed to its web pages (addJavascriptInterface)."""
        self.findings = 0
        self.cleartext = 0
        self._ts_sorted: list[float] = []
        self.undated = 0
        self.proxy_stats: dict[str, Any] = {}
        self.pinning: dict[str, float | None] = {}
        self.unreadable: dict[str, str] = {}
        self.app_encrypted: dict[str, int] = {}
        """Host -> requests whose body the app encrypted itself and no hook explained."""
        """Packet captures: host → organisation of connections whose content stayed encrypted."""
        self.saving_stopped: str | None = None
        """Why the live session stopped saving (`proxy:saving-stopped`, a full disk), once it has."""
        self.markers: list[dict[str, Any]] = []
        self.consent_marker: dict[str, Any] | None = None
        self.last_marker: dict[str, Any] | None = None
        self.problems: list[str] = []
        self.problem_count = 0
        self.last_finding_ts: float | None = None
        self._changes = Changes()

    # -- ingest ---------------------------------------------------------------------------------

    def ingest(self, batch: Batch) -> None:
        for m in batch.markers:
            self._add_marker(m)
        for e in batch.hook_events:
            if e.get("type") == "hook:read":
                self._add_read(e)
            elif e.get("type") == WEBVIEW_EVENT:
                self._add_webview(e)
        for row in batch.findings:
            if row.get(Col.source) == "tls-hook":
                self._held.append((self._clock() + HOOK_HOLD_S, row))
            else:
                self._proxied.add(row)
                self._add_finding(row)
        self.release_held()
        for e in batch.proxy_events:
            self._add_proxy_event(e)
        if batch.problems:
            self.problem_count += len(batch.problems)
            self.problems = (self.problems + batch.problems)[-20:]
            self._changes.status = True

    def release_held(self) -> int:
        """Count the held TLS-hook findings whose wait is over, unless the proxy saw the same
        request (then the proxied copy stands for it); returns how many were counted."""
        counted = 0
        now = self._clock()
        while self._held and self._held[0][0] <= now:
            _, row = self._held.popleft()
            if not self._proxied.saw(row):
                self._add_finding(row)
                counted += 1
        return counted

    def ingest_findings(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self._add_finding(row)

    def _add_finding(self, row: Mapping[str, Any]) -> None:
        self.findings += 1
        f = Finding.from_row(self.findings, row)
        ch = self._changes
        ch.status = True

        self.exposure.add(row)
        if f.cleartext:
            self.cleartext += 1
        ch.orgs.add(f.org)
        if f.category not in self.categories:
            self.categories.add(f.category)
            ch.new_categories = True

        self.feed.append(f)
        by_org = self._feed_by_org.get(f.org)
        if by_org is None:
            by_org = self._feed_by_org[f.org] = deque(maxlen=self.history // 4 or 1)
        by_org.append(f)
        by_cat = self._feed_by_category.get(f.category)
        if by_cat is None:
            by_cat = self._feed_by_category[f.category] = deque(maxlen=self.history // 4 or 1)
        by_cat.append(f)
        if len(ch.feed) < self.history:
            ch.feed.append(f)
        else:
            ch.feed_overflow = True

        if f.ts is None:
            self.undated += 1
        else:
            if not self._ts_sorted or f.ts >= self._ts_sorted[-1]:
                self._ts_sorted.append(f.ts)
            else:
                bisect.insort(self._ts_sorted, f.ts)
            if self.last_finding_ts is None or f.ts > self.last_finding_ts:
                self.last_finding_ts = f.ts

        # Did a value the hooks saw being read leave the phone here?
        if f.value and len(f.value) <= MAX_VALUE_INDEX:
            sent = self._sent_by_value.get(f.value)
            if sent is None:
                sent = self._sent_by_value[f.value] = {}
            if f.org not in sent:
                sent[f.org] = f.ts
            for key in self._reads_by_value.get(f.value, ()):
                self._link(key, f.org, f.ts)
        if as_str(row.get(Col.detector)) == "runtime":
            ref = as_str(row.get(Col.device_read)) or as_str(row.get(Col.rule))
            for read_id in _READ_REF.findall(ref):
                read_key = self._reads_by_id.get(read_id)
                if read_key is not None:
                    self._link(read_key, f.org, f.ts)
                else:
                    pending = self._pending_runtime.setdefault(read_id, [])
                    if len(pending) < 100:
                        pending.append((f.org, f.ts))

    def _link(self, key: tuple[str, str, str], org: str, ts: float | None) -> None:
        r = self.reads[key]
        r.leave_count += 1
        if org not in r.left_to:
            r.left_to[org] = ts
            self._changes.reads.add(key)
        elif ts is not None and (r.left_to[org] is None or ts < r.left_to[org]):  # type: ignore[operator]
            r.left_to[org] = ts

    def _add_read(self, e: Mapping[str, Any]) -> None:
        api = as_str(e.get("api"))
        sdk = as_str(e.get("sdk"))
        value = as_str(e.get("value"))
        key = (api, sdk, value)
        r = self.reads.get(key)
        ts = as_ts(e.get("ts"))
        if r is None:
            r = self.reads[key] = ReadRow(
                key=key,
                api=api,
                sdk=sdk,
                org=as_str(e.get("org")),
                category=as_str(e.get("category")),
                value=value,
            )
            if value and len(value) <= MAX_VALUE_INDEX:
                self._reads_by_value.setdefault(value, []).append(key)
                for org, sent_ts in self._sent_by_value.get(value, {}).items():
                    self._link(key, org, sent_ts)
        r.count += 1
        if ts is not None and (r.first_ts is None or ts < r.first_ts):
            r.first_ts = ts
        read_id = as_str(e.get("id"))
        if read_id:
            self._reads_by_id[read_id] = key
            if len(r.ids) < 50:
                r.ids.append(read_id)
            for org, f_ts in self._pending_runtime.pop(read_id, ()):
                self._link(key, org, f_ts)
        self._changes.reads.add(key)

    def _add_webview(self, e: Mapping[str, Any]) -> None:
        """A script injected into a web page: one row per script (by SHA-256), its capabilities
        as the value; the analysis runs once per distinct script."""
        if e.get("api") == BRIDGE_API:
            name = e.get("name")
            if isinstance(name, str):
                self._bridges.setdefault(str(e.get("pid")), set()).add(name)
            return
        if script_of(e) is None:
            return
        (inj,) = injections_from_events(
            [
                *(
                    {"type": WEBVIEW_EVENT, "api": BRIDGE_API, "name": n, "pid": e.get("pid")}
                    for n in sorted(self._bridges.get(str(e.get("pid")), ()))
                ),
                e,
            ]
        )
        key = (f"in-app browser: {inj.api}", inj.sdk or "", inj.sha256)
        r = self.reads.get(key)
        if r is None:
            r = self.reads[key] = ReadRow(
                key=key,
                api=inj.api,
                sdk=inj.sdk or "",
                org=inj.org or "",
                category="webview",
                value=capability_digest(inj.capabilities),
                injection=inj,
            )
        else:
            assert r.injection is not None
            for page in inj.pages:
                if page not in r.injection.pages and len(r.injection.pages) < 20:
                    r.injection.pages.append(page)
        r.count += 1
        ts = as_ts(e.get("ts"))
        if ts is not None and (r.first_ts is None or ts < r.first_ts):
            r.first_ts = ts
        read_id = as_str(e.get("id"))
        if read_id and len(r.ids) < 50:
            r.ids.append(read_id)
        self._changes.reads.add(key)

    def _add_probe_record(self, e: Mapping[str, Any]) -> None:
        """A call the page probe saw from code that is not the page's own: one row per piece of code."""
        (inj,) = injections_from_events([e])
        key = ("in-app browser: page probe", "", inj.sha256)
        seen = self._probe_events.setdefault(key, [])
        if len(seen) < 200:
            seen.append(dict(e))
        (inj,) = injections_from_events(seen)
        r = self.reads.get(key)
        if r is None:
            r = self.reads[key] = ReadRow(
                key=key, api="page probe", sdk="", org="", category="webview", value="", injection=inj
            )
        r.injection = inj
        r.value = capability_digest(inj.capabilities)
        r.count += 1
        ts = as_ts(e.get("ts"))
        if ts is not None and (r.first_ts is None or ts < r.first_ts):
            r.first_ts = ts
        self._changes.reads.add(key)

    def _add_proxy_event(self, e: Mapping[str, Any]) -> None:
        kind = as_str(e.get("type"))
        if kind == PROBE_EVENT:
            self._add_probe_record(e)
            return
        if kind == "proxy:stats" or kind == "proxy:backlog":
            for name in ("flows", "findings", "backlog", "dropped"):
                if name in e:
                    self.proxy_stats[name] = e[name]
            self._changes.status = True
        elif kind == "proxy:saving-stopped":
            if self.saving_stopped is None:
                self.saving_stopped = as_str(e.get("reason")) or "saving stopped"
                self._changes.status = True
        elif kind in ("proxy:pinning_suspected", "proxy:pinning-suspected"):
            host = as_str(e.get("host")) or "?"
            if host not in self.pinning:
                self.pinning[host] = as_ts(e.get("ts"))
                self._changes.status = True
        elif kind == APP_ENCRYPTED_EVENT:
            host = as_str(e.get("host")) or "?"
            self.app_encrypted[host] = self.app_encrypted.get(host, 0) + 1
            self._changes.status = True
        elif kind == "capture:unreadable":
            host = as_str(e.get("host")) or "?"
            if host not in self.unreadable:
                self.unreadable[host] = as_str(e.get("org"))
                self._changes.status = True

    def _add_marker(self, m: Mapping[str, Any]) -> None:
        marker = dict(m)
        marker["ts"] = as_ts(m.get("ts"))
        self.markers.append(marker)
        if marker["ts"] is None:
            return
        if self.last_marker is None or marker["ts"] >= self.last_marker["ts"]:
            self.last_marker = marker
        if marker.get("label") in CONSENT_MARKERS and (
            self.consent_marker is None or marker["ts"] >= self.consent_marker["ts"]
        ):
            # Same rule as analysis.consent: findings are before/after the last consent decision.
            self.consent_marker = marker
        self._changes.status = True

    # -- queries --------------------------------------------------------------------------------

    def take_changes(self) -> Changes:
        changes, self._changes = self._changes, Changes()
        return changes

    def consent_counts(self) -> tuple[int, int] | None:
        """(before, after) the last consent marker; None without one. Undated findings count
        as neither."""
        if self.consent_marker is None:
            return None
        cut = bisect.bisect_left(self._ts_sorted, self.consent_marker["ts"])
        return cut, len(self._ts_sorted) - cut

    def ordered_orgs(self, query: Query | None = None) -> list[Exposure]:
        """In the one order of `analysis.exposure`: first party first."""
        rows = [o for o in self.orgs.values() if query is None or query.org_row(o)]
        rows.sort(key=exposure_sort_key)
        return rows

    def ordered_categories(self) -> list[str]:
        known = [c for c in CATEGORY_IDS if c in self.categories]
        return known + sorted(self.categories.difference(CATEGORY_IDS))

    def latest(self, n: int, query: Query | None = None) -> list[Finding]:
        """The last `n` findings (matching `query`), oldest first."""
        if not query:
            return list(self.feed)[-n:]
        pools = [d for org, d in self._feed_by_org.items() if query.org(org)]
        pools += [d for cat, d in self._feed_by_category.items() if query.category(cat)]
        pools.append(deque(f for f in self.feed if query.finding(f)))
        seen: dict[int, Finding] = {}
        for pool in pools:
            for f in pool:
                seen[f.seq] = f
        return [seen[s] for s in sorted(seen)[-n:]]

    def ordered_reads(self, query: Query | None = None) -> list[ReadRow]:
        rows = [r for r in self.reads.values() if query is None or query.read(r)]
        rows.sort(key=read_sort_key)
        return rows


def read_sort_key(r: ReadRow) -> tuple[float, str, str, str]:
    return (r.first_ts if r.first_ts is not None else float("inf"), r.api, r.sdk, r.value)
