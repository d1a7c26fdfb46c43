"""The report's typed model of one session: `build_report(data, lang, reveal, labels)` turns
findings, markers and events into `ReportModel`, which the HTML, Markdown and table renderers
read. Captured strings are cleaned here (`text.clean`) and redacted unless `reveal`."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from phonehome import __version__
from phonehome.analysis.exposure import UNATTRIBUTED, organisation_of, who_gets_what
from phonehome.analysis.labels import DeclaredLabel, LabelCheck, check_labels
from phonehome.analysis.redact import redact, scrub
from phonehome.analysis.schema import Col
from phonehome.analysis.transfers import exposures as country_exposures
from phonehome.analysis.transfers import receivers

from .. import where
from . import text as txt
from .inapp import (
    AppEncryptedRow,
    InAppScript,
    app_encrypted_rows,
    app_encrypted_sentence,
    in_app_scripts,
    summary_sentence,
)

PINNING_EVENTS = ("proxy:pinning_suspected", "proxy:pinning-suspected")
EVIDENCE_PER_GROUP = 10
"""Findings shown per (organisation, category) in the HTML/Markdown details; the CSV has all."""
TIMELINE_LANES = 14
"""Organisations given their own lane in the timeline; the rest share one."""


class SessionLike(Protocol):
    """What `build_report` reads (`analysis.sessions.SessionData` has these fields)."""

    root: Path | None
    meta: Mapping[str, Any]
    findings: pd.DataFrame
    markers: list[dict[str, Any]]
    proxy_events: list[dict[str, Any]]
    hook_events: list[dict[str, Any]]
    problems: list[str]


# ---------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True, slots=True)
class Marker:
    ts: datetime
    offset_s: float
    label: str
    name: str
    """The label in the report language ("consent given")."""
    text: str
    consent: bool


@dataclass(frozen=True, slots=True)
class ReportOrg:
    """One `analysis.exposure.Exposure` as the report shows it: the same order and counts
    (requests), strings cleaned, categories in the report's sensitivity order."""

    name: str
    third_party: bool
    parent: str
    country: str
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    requests: int
    findings: int
    hosts: tuple[str, ...]
    cleartext: bool


@dataclass(frozen=True, slots=True)
class ConsentRow:
    org: str
    third_party: bool
    category: str
    before: int
    after: int
    unmarked: int


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    ts: datetime | None
    offset_s: float | None
    consent: str
    request: str
    host: str
    location: str
    key: str
    decoding: str
    detector: str
    rule: str
    confidence: float | None
    value: str
    """Redacted unless the report was built with `reveal=True`."""
    cleartext: bool
    evidence: str
    notes: str
    device_read: str
    source: str


@dataclass(frozen=True, slots=True)
class EvidenceGroup:
    anchor: str
    org: str
    third_party: bool
    category: str
    requests: int
    items: tuple[EvidenceItem, ...]
    omitted: int


@dataclass(frozen=True, slots=True)
class CleartextRow:
    host: str
    org: str
    categories: tuple[str, ...]
    requests: int


@dataclass(frozen=True, slots=True)
class PinningRow:
    host: str
    port: str
    attempts: int
    first_offset_s: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """Connections of a packet capture to one server whose content stayed encrypted."""

    host: str
    org: str
    transport: str
    connections: int
    bytes_up: int
    bytes_down: int
    first_offset_s: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class DeviceRead:
    ts: datetime | None
    offset_s: float | None
    api: str
    category: str
    sdk: str
    org: str
    value: str


@dataclass(frozen=True, slots=True)
class Summary:
    facts: txt.SummaryFacts
    paragraph: str
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class ReportModel:
    lang: str
    revealed: bool
    title: str
    app: str
    session: str
    start: datetime | None
    end: datetime | None
    duration_s: float | None
    summary: Summary
    orgs: tuple[ReportOrg, ...]
    """Third parties first (most kinds of data first), then the first party."""
    categories: tuple[str, ...]
    """Observed category ids, most sensitive first."""
    matrix: tuple[tuple[int, ...], ...]
    """`matrix[i][j]`: requests to `orgs[i]` carrying `categories[j]`."""
    markers: tuple[Marker, ...]
    consent_marker: Marker | None
    consent_rows: tuple[ConsentRow, ...]
    timeline: tuple[tuple[float, str], ...]
    """(offset in seconds, organisation) per request and organisation."""
    evidence: tuple[EvidenceGroup, ...]
    cleartext: tuple[CleartextRow, ...]
    pinning: tuple[PinningRow, ...]
    device_reads: tuple[DeviceRead, ...]
    label_check: LabelCheck | None
    problems: tuple[str, ...]
    findings_count: int
    requests_count: int
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    in_app: tuple[InAppScript, ...] = ()
    """Scripts the app injected into web pages (section "In-app browser")."""
    in_app_summary: str = ""
    app_encrypted: tuple[AppEncryptedRow, ...] = ()
    """Requests whose body the app encrypted itself and no hook explained."""
    app_encrypted_summary: str = ""
    unreadable: tuple[UnreadableRow, ...] = ()
    """From packet captures: contacted, content not readable."""
    looked_up: tuple[str, ...] = ()
    """From packet captures: host names looked up by plain DNS."""
    where: tuple[Any, ...] = ()
    """`views.where.ReceiverRow` per receiving organisation: company and parent country, Chapter V
    group, servers (section "Where the data goes")."""
    where_exposures: tuple[Any, ...] = ()
    """`analysis.transfers.CountryExposure` per country outside the EU/EEA (company or parent)."""

    @property
    def third_party_orgs(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.orgs if o.third_party)

    def org(self, name: str) -> ReportOrg:
        return next(o for o in self.orgs if o.name == name)


# ---------------------------------------------------------------------------------------------
# Building


def _s(value: Any, limit: int | None = 400) -> str:
    return txt.clean(value, limit)


def _captured(value: str, reveal: bool) -> str:
    """A captured value as the report shows it: in full when revealed, else redacted."""
    return _s(value, 300) if reveal else _s(redact(value), 60)


def _ts(value: Any) -> datetime | None:
    """Epoch seconds, ISO text or a Timestamp as an aware UTC datetime; None when unusable."""
    if value is None or value is pd.NaT:
        return None
    try:
        if isinstance(value, (int, float)):
            if math.isnan(value):
                return None
            return datetime.fromtimestamp(float(value), UTC)
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError, OSError):
        return None
    if pd.isna(ts):
        return None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime(warn=False)


def _prepared(findings: pd.DataFrame) -> pd.DataFrame:
    """A copy with display-ready organisation and party (never mutates the input)."""
    f = findings.copy()
    for name in (Col.org, Col.domain, Col.host, Col.flow_id):
        if name not in f.columns:
            f[name] = pd.Series(pd.NA, index=f.index, dtype="string")
    # An organisation nobody could name is shown by its domain (`analysis.exposure`).
    names = f[[Col.org, Col.domain, Col.host]].astype(object).to_dict("records")
    f["_org"] = pd.Series(
        [_s(organisation_of(r), 120) or UNATTRIBUTED for r in names], index=f.index, dtype=object
    )
    party = f[Col.party].astype("object") if Col.party in f.columns else pd.Series("third", index=f.index)
    f["_third"] = party.map(lambda p: p != "first").astype(bool)
    f["_cat"] = f[Col.category].astype("object") if Col.category in f.columns else None
    f = f[f["_cat"].notna()]
    flow = f[Col.flow_id].astype("string")
    f["_flow"] = flow.fillna(pd.Series(f.index.astype(str), index=f.index))
    f["_consent"] = (
        f[Col.consent].astype("object").fillna("unmarked") if Col.consent in f.columns else "unmarked"
    )
    return f


def _order_categories(ids: Sequence[str]) -> list[str]:
    present = set(ids)
    ordered = [c for c in txt.SENSITIVITY if c in present]
    return ordered + sorted(c for c in present if c not in ordered)


def build_report(
    data: SessionLike,
    *,
    lang: str = "en",
    reveal: bool = False,
    labels: DeclaredLabel | None = None,
    version: str | None = None,
    server_country: Callable[[str], str] | None = None,
) -> ReportModel:
    """The report model of one session: every number, name and evidence line a renderer needs.

    Args:
        data: a loaded session (`analysis.sessions.SessionData` or anything with its fields).
        lang: `en` or `de`.
        reveal: show captured values in full instead of redacted.
        labels: the app's declared store label, to check against what was observed.
        version: phonehome version for the footer.
        server_country: IP address → ISO country code (`analysis.ipdb.IpCountries.country`, from
            `--ip-db`); without it servers have no country.
    """
    txt.check_lang(lang)
    f = _prepared(data.findings)
    meta = dict(data.meta or {})
    markers_raw = sorted(
        (m for m in (data.markers or []) if isinstance(m, Mapping) and _ts(m.get("ts")) is not None),
        key=lambda m: _ts(m.get("ts")),  # type: ignore[arg-type,return-value]
    )

    # Time frame: the session's own start/end when recorded, else what was observed.
    seen: list[datetime] = [t for t in (_ts(v) for v in f[Col.ts]) if t is not None] if len(f) else []
    seen += [_ts(m["ts"]) for m in markers_raw]  # type: ignore[misc]
    events = [
        e for e in list(data.proxy_events or []) + list(data.hook_events or []) if isinstance(e, Mapping)
    ]
    seen += [t for t in (_ts(e.get("ts")) for e in events) if t is not None]
    capture_events = [e for e in getattr(data, "capture_events", None) or [] if isinstance(e, Mapping)]
    seen += [t for t in (_ts(e.get("ts")) for e in capture_events) if t is not None]
    start = _ts(meta.get("start")) or (min(seen) if seen else None)
    end = _ts(meta.get("end")) or (max(seen) if seen else None)
    if start and seen and min(seen) < start:
        start = min(seen)
    if end and seen and max(seen) > end:
        end = max(seen)
    duration = (end - start).total_seconds() if start and end else None

    def offset(t: datetime | None) -> float | None:
        return (t - start).total_seconds() if (t and start) else None

    markers = tuple(
        Marker(
            ts=t,
            offset_s=offset(t) or 0.0,
            label=_s(m.get("label"), 40),
            name=txt.marker_name(str(m.get("label")), lang),
            text=_s(m.get("text"), 200),
            consent=str(m.get("label", "")).startswith("consent-"),
        )
        for m in markers_raw
        for t in [_ts(m["ts"])]
        if t is not None
    )
    consent_marker = next((m for m in reversed(markers) if m.consent), None)

    app = _s(meta.get("app") or _mode(f.get(Col.app)) or "", 120)
    root = getattr(data, "root", None)
    session = _s(meta.get("name") or (Path(root).name if root else ""), 120)

    # Aggregates.
    categories = _order_categories(list(f["_cat"].unique()))
    org_stats = _org_rows(f)
    orgs = tuple(org_stats)
    cells = f.groupby(["_org", "_cat"], sort=False)["_flow"].nunique().to_dict()
    matrix = tuple(tuple(int(cells.get((o.name, c), 0)) for c in categories) for o in orgs)
    consent_rows = _consent_rows(f, orgs, categories)
    timeline_frame = (
        f.assign(_t=f[Col.ts]).dropna(subset=["_t"]).groupby(["_flow", "_org"], sort=False)["_t"].min()
    )
    timeline = tuple(sorted((offset(_ts(t)) or 0.0, org) for (_flow, org), t in timeline_frame.items()))

    third = f[f["_third"]]
    reach = tuple(
        txt.Reach(
            c,
            tuple(
                third[third["_cat"] == c]
                .groupby("_org")["_flow"]
                .nunique()
                .sort_values(ascending=False, kind="stable")
                .index
            ),
        )
        for c in categories
        if (third["_cat"] == c).any()
    )
    transmissions = third.drop_duplicates(["_flow", "_org", "_cat"])
    first = f[~f["_third"]]
    cleartext_flows = (
        f[f[Col.cleartext].fillna(False).astype(bool)] if Col.cleartext in f.columns else f.iloc[0:0]
    )
    pinning = _pinning_rows(events, offset)
    label_check = None
    if labels is not None:
        observed = {c: tuple(o.name for o in orgs if c in o.categories) for c in categories}
        third_obs = {
            c: tuple(o.name for o in orgs if o.third_party and c in o.categories) for c in categories
        }
        label_check = check_labels(labels, observed, third_obs)

    facts = txt.SummaryFacts(
        duration_s=duration,
        reach=reach,
        companies=tuple(o.name for o in orgs if o.third_party),
        first_party_orgs=tuple(_first_party_name(o.name) for o in orgs if not o.third_party),
        first_party_categories=tuple(_order_categories(list(first["_cat"].unique()))),
        transmissions=len(transmissions),
        before=int((transmissions["_consent"] == "before").sum()),
        after=int((transmissions["_consent"] == "after").sum()),
        consent_label=consent_marker.label if consent_marker else None,
        after_orgs=tuple(transmissions[transmissions["_consent"] == "after"]["_org"].unique()),
        cleartext_requests=int(cleartext_flows["_flow"].nunique()),
        pinned_destinations=len(pinning),
        undeclared_categories=tuple(u.category for u in label_check.undeclared) if label_check else (),
    )
    found = receivers(f, org_column="_org")
    exposed = country_exposures(found)
    summary = Summary(
        facts=facts,
        paragraph=txt.summary_paragraph(facts, lang),
        bullets=where.with_bullet(txt.summary_bullets(facts, lang), len(facts.reach), exposed, lang),
    )
    title_app = app or txt.ui("the_app", lang)
    in_app = in_app_scripts(events, offset, _ts, lang)
    app_encrypted = app_encrypted_rows(events, offset, _ts)
    return ReportModel(
        lang=lang,
        revealed=reveal,
        title=txt.ui("title", lang, app=title_app),
        app=app,
        session=session,
        start=start,
        end=end,
        duration_s=duration,
        summary=summary,
        orgs=orgs,
        categories=tuple(categories),
        matrix=matrix,
        markers=markers,
        consent_marker=consent_marker,
        consent_rows=consent_rows,
        timeline=timeline,
        evidence=_evidence(f, orgs, categories, reveal, offset),
        cleartext=_cleartext_rows(cleartext_flows),
        pinning=pinning,
        device_reads=_device_reads(events, reveal, offset, lang),
        label_check=label_check,
        problems=tuple(_s(p, 400) for p in (data.problems or [])),
        findings_count=len(f),
        requests_count=int(f["_flow"].nunique()),
        version=__version__ if version is None else version,
        in_app=in_app,
        in_app_summary=summary_sentence(in_app, lang),
        app_encrypted=app_encrypted,
        app_encrypted_summary=app_encrypted_sentence(app_encrypted, lang),
        unreadable=_unreadable_rows(capture_events, offset),
        looked_up=tuple(
            sorted({_s(e.get("name"), 200) for e in capture_events if e.get("type") == "capture:dns"})
        ),
        where=where.receiver_rows(found, lang, server_country=server_country),
        where_exposures=exposed,
    )


_FIRST_PARTY_NAME = re.compile(r"^first party \((.+)\)$", re.I)


def _first_party_name(name: str) -> str:
    """`first party (azubiapp.de)` (the destinations' name for an unnamed first party) as its
    domain, so the summary does not nest parentheses."""
    match = _FIRST_PARTY_NAME.match(name)
    return match.group(1) if match else name


def _mode(series: pd.Series | None) -> str | None:
    if series is None:
        return None
    s = series.dropna()
    return str(s.mode().iloc[0]) if len(s) else None


def _org_rows(f: pd.DataFrame) -> list[ReportOrg]:
    """The exposure rows of the findings (`_org` is the cleaned organisation name)."""
    columns = [
        c
        for c in (
            Col.flow_id,
            Col.category,
            Col.party,
            Col.ts,
            Col.cleartext,
            Col.host,
            Col.purpose,
            Col.country,
            Col.parent,
        )
        if c in f.columns
    ]
    records = f[["_org", "_flow", *columns]].astype(object).to_dict("records")
    for r in records:
        r[Col.org] = r["_org"]
        r[Col.flow_id] = r["_flow"]
    return [
        ReportOrg(
            name=e.org,
            third_party=e.third_party,
            parent=_s(e.parent, 120),
            country=_s(e.country, 40),
            purposes=tuple(sorted({_s(p, 40) for p in e.purposes})),
            categories=tuple(_order_categories(list(e.cells))),
            requests=e.requests,
            findings=e.findings,
            hosts=tuple(sorted({_s(h, 120) for h in e.hosts}))[:12],
            cleartext=e.cleartext > 0,
        )
        for e in who_gets_what(records)
    ]


def _consent_rows(
    f: pd.DataFrame, orgs: Sequence[ReportOrg], categories: Sequence[str]
) -> tuple[ConsentRow, ...]:
    counts = f.drop_duplicates(["_flow", "_org", "_cat"]).groupby(["_org", "_cat", "_consent"]).size()
    out = []
    for o in orgs:
        for c in categories:
            if c not in o.categories:
                continue
            before, after, unmarked = (
                int(counts.get((o.name, c, state), 0)) for state in ("before", "after", "unmarked")
            )
            out.append(ConsentRow(o.name, o.third_party, c, before, after, unmarked))
    return tuple(out)


def _flow_values(f: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for flow, value in zip(f["_flow"].astype(object), f[Col.value].astype(object), strict=True):
        if isinstance(value, str) and value:
            out.setdefault(flow, []).append(value)
    return out


def _evidence(
    f: pd.DataFrame, orgs: Sequence[ReportOrg], categories: Sequence[str], reveal: bool, offset: Any
) -> tuple[EvidenceGroup, ...]:
    per_flow = {} if reveal else _flow_values(f)

    def hide(text: Any, flow: str, limit: int = 400) -> str:
        raw = (
            ""
            if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA
            else str(text)
        )
        return _s(raw if reveal else scrub(raw, per_flow.get(flow, ())), limit)

    groups: list[EvidenceGroup] = []
    f = f.sort_values(Col.ts, kind="stable")
    cells = f.groupby(["_org", "_cat"], sort=False)
    sizes = cells.size().to_dict()
    requests = cells["_flow"].nunique().to_dict()
    # Only the rows shown are turned into Python objects, in one go (fast on Arrow strings).
    heads = cells.head(EVIDENCE_PER_GROUP)
    records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in heads.astype(object).to_dict("records"):
        records.setdefault((row["_org"], row["_cat"]), []).append(row)
    n = 0
    for o in orgs:
        for c in categories:
            if (o.name, c) not in sizes:
                continue
            items = []
            for row in records.get((o.name, c), []):
                flow = row["_flow"]
                t = _ts(row.get(Col.ts))
                value = (
                    ""
                    if row.get(Col.value) is None or row.get(Col.value) is pd.NA
                    else str(row.get(Col.value))
                )
                method = _s(row.get(Col.method), 16)
                url = hide(row.get(Col.url), flow, 300)
                conf = row.get(Col.confidence)
                items.append(
                    EvidenceItem(
                        ts=t,
                        offset_s=offset(t),
                        consent=str(row.get("_consent") or "unmarked"),
                        request=f"{method} {url}".strip(),
                        host=_s(row.get(Col.host), 200),
                        location=hide(row.get(Col.location), flow, 200),
                        key=_s(row.get(Col.key), 120),
                        decoding=_s(row.get(Col.decoding), 200),
                        detector=_s(row.get(Col.detector), 20),
                        rule=hide(row.get(Col.rule), flow, 200),
                        confidence=None
                        if conf is None or conf is pd.NA or (isinstance(conf, float) and math.isnan(conf))
                        else float(conf),
                        value=_captured(value, reveal),
                        cleartext=bool(row.get(Col.cleartext))
                        if row.get(Col.cleartext) is not pd.NA
                        else False,
                        evidence=hide(row.get(Col.evidence), flow),
                        notes=hide(row.get(Col.notes), flow),
                        device_read=hide(row.get(Col.device_read), flow, 200),
                        source=_s(row.get(Col.source), 20),
                    )
                )
            n += 1
            groups.append(
                EvidenceGroup(
                    anchor=f"e{n}",
                    org=o.name,
                    third_party=o.third_party,
                    category=c,
                    requests=int(requests[(o.name, c)]),
                    items=tuple(items),
                    omitted=max(int(sizes[(o.name, c)]) - EVIDENCE_PER_GROUP, 0),
                )
            )
    return tuple(groups)


def _cleartext_rows(f: pd.DataFrame) -> tuple[CleartextRow, ...]:
    rows = []
    for host, g in f.groupby(f[Col.host].astype("string").fillna("?"), sort=True):
        rows.append(
            CleartextRow(
                host=_s(host, 200),
                org=str(g["_org"].iloc[0]),
                categories=tuple(_order_categories(list(g["_cat"].unique()))),
                requests=int(g["_flow"].nunique()),
            )
        )
    return tuple(sorted(rows, key=lambda r: -r.requests))


def _unreadable_rows(events: Sequence[Mapping[str, Any]], offset: Any) -> tuple[UnreadableRow, ...]:
    grouped: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for e in events:
        if e.get("type") == "capture:unreadable":
            key = (_s(e.get("host"), 200), _s(e.get("org") or "", 120), _s(e.get("transport"), 10))
            grouped.setdefault(key, []).append(e)
    rows = []
    for (host, org, transport), evs in grouped.items():
        times = [t for t in (_ts(e.get("ts")) for e in evs) if t is not None]
        rows.append(
            UnreadableRow(
                host,
                org,
                transport,
                len(evs),
                sum(int(e.get("bytes_up") or 0) for e in evs),
                sum(int(e.get("bytes_down") or 0) for e in evs),
                offset(min(times)) if times else None,
                _s(evs[0].get("reason"), 200),
            )
        )
    return tuple(sorted(rows, key=lambda r: (-r.bytes_up, r.host)))


def _pinning_rows(events: Sequence[Mapping[str, Any]], offset: Any) -> tuple[PinningRow, ...]:
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for e in events:
        if e.get("type") not in PINNING_EVENTS:
            continue
        host = e.get("host") or e.get("sni") or e.get("server") or e.get("address") or "?"
        port = e.get("port") or ""
        grouped.setdefault((_s(host, 200), _s(port, 8)), []).append(e)
    rows = []
    for (host, port), evs in grouped.items():
        times = [t for t in (_ts(e.get("ts")) for e in evs) if t is not None]
        reason = next(
            (e.get(k) for e in evs for k in ("reason", "error", "detail", "message") if e.get(k)), ""
        )
        rows.append(PinningRow(host, port, len(evs), offset(min(times)) if times else None, _s(reason, 200)))
    return tuple(sorted(rows, key=lambda r: (-r.attempts, r.host)))


def _device_reads(
    events: Sequence[Mapping[str, Any]], reveal: bool, offset: Any, lang: str
) -> tuple[DeviceRead, ...]:
    out = []
    for e in events:
        if e.get("type") != "hook:read":
            continue
        t = _ts(e.get("ts"))
        value = "" if e.get("value") is None else str(e.get("value"))
        out.append(
            DeviceRead(
                ts=t,
                offset_s=offset(t),
                api=_s(e.get("api"), 160),
                category=_s(e.get("category"), 40),
                sdk=_s(e.get("sdk"), 120),
                org=_s(e.get("org"), 120),
                value=_captured(value, reveal),
            )
        )
    out.sort(key=lambda d: (d.offset_s is None, d.offset_s or 0.0))
    return tuple(out)
