"""The findings table: its columns and their dtypes, defined once.

Every producer (replay, the live worker, the hook host) builds rows as dicts keyed by `Col`
and turns them into a frame with `findings_frame`; every consumer (dashboard, report, CSV/Parquet
export) can rely on the dtypes below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .categories import CATEGORY_IDS
from .text_safe import utf8_display


class Col:
    flow_id = "flow_id"
    ts = "ts"
    source = "source"
    app = "app"
    kind = "kind"
    method = "method"
    url = "url"
    host = "host"
    domain = "domain"
    category = "category"
    org = "org"
    parent = "parent"
    purpose = "purpose"
    party = "party"
    country = "country"
    parent_country = "parent_country"
    dpf = "dpf"
    server_ip = "server_ip"
    org_source = "org_source"
    cleartext = "cleartext"
    location = "location"
    key = "key"
    decoding = "decoding"
    value = "value"
    detector = "detector"
    rule = "rule"
    confidence = "confidence"
    consent = "consent"
    device_read = "device_read"
    evidence = "evidence"
    notes = "notes"


DETECTORS = ("key", "pattern", "profile", "runtime")
PARTIES = ("first", "third")
PURPOSES = (
    "advertising",
    "analytics",
    "attribution",
    "crash_reporting",
    "social",
    "customer_engagement",
    "infrastructure",
    "first_party",
    "unknown",
)
CONSENT_STATES = ("unmarked", "before", "after")
SOURCES = ("proxy", "flowfile", "har", "tls-hook", "pcap")
KINDS = ("http", "websocket")

_STR = "string"

DTYPES: dict[str, Any] = {
    Col.flow_id: _STR,
    Col.ts: "datetime64[ns, UTC]",
    Col.source: pd.CategoricalDtype(SOURCES),
    Col.app: _STR,
    Col.kind: pd.CategoricalDtype(KINDS),
    Col.method: _STR,
    Col.url: _STR,
    Col.host: _STR,
    Col.domain: _STR,
    Col.category: pd.CategoricalDtype(CATEGORY_IDS),
    Col.org: _STR,
    Col.parent: _STR,
    Col.purpose: pd.CategoricalDtype(PURPOSES),
    Col.party: pd.CategoricalDtype(PARTIES),
    Col.country: _STR,
    Col.parent_country: _STR,
    Col.dpf: _STR,
    Col.server_ip: _STR,
    Col.org_source: _STR,
    Col.cleartext: "bool",
    Col.location: _STR,
    Col.key: _STR,
    Col.decoding: _STR,
    Col.value: _STR,
    Col.detector: pd.CategoricalDtype(DETECTORS),
    Col.rule: _STR,
    Col.confidence: "float64",
    Col.consent: pd.CategoricalDtype(CONSENT_STATES),
    Col.device_read: _STR,
    Col.evidence: _STR,
    Col.notes: _STR,
}
COLUMNS: tuple[str, ...] = tuple(DTYPES)

DECODING_SEPARATOR = " > "


def findings_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows (dicts keyed by `Col`; `ts` as epoch seconds or datetime) as a typed findings frame."""
    rows = list(rows)
    try:
        frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    except UnicodeEncodeError:  # bytes that were not UTF-8 (lone surrogates): shown as \xff escapes
        rows = [{k: utf8_display(v) for k, v in row.items()} for row in rows]
        frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    return coerce(frame)


def empty_findings() -> pd.DataFrame:
    return findings_frame([])


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with exactly the findings columns and dtypes (missing columns empty)."""
    out = frame.reindex(columns=list(COLUMNS)).copy()
    ts = out[Col.ts]
    if pd.api.types.is_numeric_dtype(ts) or ts.isna().all():
        out[Col.ts] = pd.to_datetime(ts, unit="s", utc=True)
    else:
        out[Col.ts] = pd.to_datetime(ts, utc=True, format="ISO8601")
    out[Col.ts] = out[Col.ts].astype(DTYPES[Col.ts])
    out[Col.cleartext] = out[Col.cleartext].astype("boolean").fillna(False).astype(bool)
    out[Col.confidence] = pd.to_numeric(out[Col.confidence]).astype("float64")
    for name, dtype in DTYPES.items():
        if name in (Col.ts, Col.cleartext, Col.confidence):
            continue
        try:
            out[name] = out[name].astype(dtype)
        except UnicodeEncodeError:  # bytes that were not UTF-8: shown as \xff escapes
            out[name] = out[name].map(utf8_display).astype(dtype)
    return out


def to_json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A finding row in its JSON Lines form (`ts` as epoch seconds, no pandas scalars)."""
    out: dict[str, Any] = {}
    for name in COLUMNS:
        value = row.get(name)
        if name == Col.ts and isinstance(value, pd.Timestamp):
            value = value.timestamp()
        elif value is pd.NA or (isinstance(value, float) and value != value):
            value = None
        out[name] = value
    return out
