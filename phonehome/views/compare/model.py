"""The comparison of several apps as one typed model: per-app columns, the category × app matrix,
receivers shared across apps, session fairness and the plain-language first screen.

Each app is one or more loaded sessions (`SessionLike`, as for `build_report`); sessions of the
same app are merged into one column (and the model says so). Every number comes from the
findings; every ranking names the measure it ranks by.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from phonehome import __version__
from phonehome.analysis.linkable import SameKindOnly, SharedReceiver, shared_receivers
from phonehome.analysis.redact import redact
from phonehome.analysis.transfers import CountryExposure, exposures, receivers
from phonehome.views.report.model import SessionLike, _order_categories, _prepared, build_report
from phonehome.views.where import ReceiverRow, receiver_rows

from . import text as ct

TRACKING_IDS: tuple[str, ...] = ("advertising_id", "device_id")
"""Identifiers that let companies follow a person across apps (named in the first screen)."""
DURATION_RATIO_WARNING = 2.0
"""Sessions whose durations differ by more than this factor are not comparable as totals."""


@dataclass(frozen=True)
class AppInput:
    """One app to compare: its display label and the sessions recorded of it."""

    app: str
    label: str
    sessions: Sequence[SessionLike]
    names: Sequence[str]
    """Where each session came from (directory or file names), for the reader."""


@dataclass(frozen=True, slots=True)
class OrgInfo:
    name: str
    third_party: bool
    parent: str
    country: str


@dataclass(frozen=True)
class AppColumn:
    app: str
    label: str
    inputs: tuple[str, ...]
    duration_s: float | None
    requests: int
    """Every request and WebSocket message the sessions recorded (with or without personal data)."""
    requests_with_data: int
    consent: tuple[str, ...]
    """Consent markers, one per session that has one ("consent given at 0:19")."""
    third_parties: tuple[str, ...]
    """Third-party companies that received personal data, most kinds first."""
    first_parties: tuple[str, ...]
    categories_third: tuple[str, ...]
    categories_first: tuple[str, ...]
    pairs: int
    """(third-party company, kind of data) pairs: the measure of "most data to most companies"."""
    tracking_before_consent: tuple[str, ...]
    """Companies that received an advertising ID or device ID before the consent marker."""
    tracking_unmarked: tuple[str, ...]
    """Companies that received them in sessions without a consent marker."""
    cleartext_requests: int
    cleartext_orgs: tuple[str, ...]
    orgs: tuple[OrgInfo, ...]
    undeclared: tuple[str, ...] = ()
    """Categories sent but not on the app's declared store label (when a label was given)."""
    label_checked: bool = False
    where: tuple[ReceiverRow, ...] = ()
    """Every receiving organisation: company and parent country, Chapter V group, servers."""
    exposures: tuple[CountryExposure, ...] = ()
    """Countries outside the EU/EEA that data reached (company or parent), most severe first."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def third_country_orgs(self) -> tuple[str, ...]:
        """Organisations in a third country without adequacy, or whose parent is in one."""
        found: list[str] = []
        for e in self.exposures:
            if e.group == "third_country":
                found += [o for o in (*e.companies, *e.via_parent) if o not in found]
        return tuple(found)

    @property
    def merged(self) -> bool:
        return len(self.inputs) > 1

    def per_minute(self, n: int) -> float | None:
        if not self.duration_s or self.duration_s <= 0:
            return None
        return n * 60.0 / self.duration_s


@dataclass(frozen=True, slots=True)
class SharedRow:
    org: str
    category: str
    apps: tuple[str, ...]
    values: tuple[str, ...]
    """Redacted unless the model was built with `reveal=True`."""


@dataclass(frozen=True)
class CompareModel:
    lang: str
    revealed: bool
    title: str
    apps: tuple[AppColumn, ...]
    categories: tuple[str, ...]
    """Every category any app sent, most sensitive first."""
    third_matrix: tuple[tuple[tuple[str, ...], ...], ...]
    """`third_matrix[i][j]`: third-party companies that received `categories[i]` from `apps[j]`."""
    first_matrix: tuple[tuple[tuple[str, ...], ...], ...]
    """The same for the app's own company (first party)."""
    shared: tuple[SharedRow, ...]
    same_kind_only: tuple[SameKindOnly, ...]
    duration_ratio: float | None
    duration_warning: bool
    headline: tuple[ct.Point, ...]
    """The first screen: what differs, one sentence each, every ranking with its measure."""
    in_short: str
    """How many of the headline points apply to each app (a count, not a score)."""
    problems: tuple[str, ...]
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def app_label(self, app: str) -> str:
        return next(a.label for a in self.apps if a.app == app)


def _requests_recorded(data: SessionLike, fallback: int) -> int:
    stats = getattr(data, "stats", None)
    records = getattr(stats, "records", 0) if stats is not None else 0
    if records:
        return int(records)
    proxy = (data.meta or {}).get("proxy")
    proxy_stats = proxy.get("stats") if isinstance(proxy, Mapping) else None
    if isinstance(proxy_stats, Mapping):
        n = proxy_stats.get("enqueued") or (
            (proxy_stats.get("flows") or 0) + (proxy_stats.get("ws_messages") or 0)
        )
        if isinstance(n, int) and n > 0:
            return n
    return fallback


def _column(
    item: AppInput, lang: str, labels: Any, server_country: Callable[[str], str] | None
) -> tuple[AppColumn, pd.DataFrame]:
    reports = [build_report(s, lang=lang, labels=labels, version="") for s in item.sessions]
    frames = [_prepared(s.findings) for s in item.sessions]
    f = pd.concat(frames, ignore_index=True) if frames else _prepared(pd.DataFrame())
    durations = [r.duration_s for r in reports if r.duration_s is not None]
    third = f[f["_third"]]
    first = f[~f["_third"]]
    kinds_per_org = third.groupby("_org")["_cat"].nunique().sort_values(ascending=False, kind="stable")
    tracking = f[f["_cat"].isin(TRACKING_IDS)]
    cleartext = f[f["cleartext"].fillna(False).astype(bool)] if "cleartext" in f.columns else f.iloc[0:0]
    orgs: dict[str, OrgInfo] = {}
    for r in reports:
        for o in r.orgs:
            orgs.setdefault(o.name, OrgInfo(o.name, o.third_party, o.parent, o.country))
    consent = tuple(
        ct.consent_at(r.consent_marker.name, r.consent_marker.offset_s, lang)
        for r in reports
        if r.consent_marker is not None
    )
    undeclared: set[str] = set()
    for r in reports:
        if r.label_check is not None:
            undeclared.update(u.category for u in r.label_check.undeclared)
    found = receivers(f, org_column="_org")
    column = AppColumn(
        app=ct.clean(item.app, 120),
        label=ct.clean(item.label, 80) or ct.clean(item.app, 80) or "?",
        inputs=tuple(ct.clean(n, 120) for n in item.names),
        duration_s=sum(durations) if durations else None,
        requests=sum(
            _requests_recorded(s, r.requests_count) for s, r in zip(item.sessions, reports, strict=True)
        ),
        requests_with_data=int(f["_flow"].nunique()) if len(f) else 0,
        consent=consent,
        third_parties=tuple(str(o) for o in kinds_per_org.index),
        first_parties=tuple(sorted({str(o) for o in first["_org"]})),
        categories_third=tuple(_order_categories(list(third["_cat"].unique()))),
        categories_first=tuple(_order_categories(list(first["_cat"].unique()))),
        pairs=int(third.drop_duplicates(["_org", "_cat"]).shape[0]),
        tracking_before_consent=tuple(
            sorted({str(o) for o in tracking[tracking["_consent"] == "before"]["_org"]})
        ),
        tracking_unmarked=tuple(
            sorted({str(o) for o in tracking[tracking["_consent"] == "unmarked"]["_org"]})
        ),
        cleartext_requests=int(cleartext["_flow"].nunique()) if len(cleartext) else 0,
        cleartext_orgs=tuple(sorted({str(o) for o in cleartext["_org"]})),
        orgs=tuple(orgs.values()),
        undeclared=tuple(_order_categories(list(undeclared))),
        label_checked=labels is not None,
        where=receiver_rows(found, lang, server_country=server_country),
        exposures=exposures(found),
    )
    return column, f


def build_compare(
    items: Sequence[AppInput],
    *,
    lang: str = "en",
    reveal: bool = False,
    labels: Mapping[str, Any] | None = None,
    version: str | None = None,
    server_country: Callable[[str], str] | None = None,
) -> CompareModel:
    """The comparison model of `items` (one per app, in the order given).

    Args:
        items: the apps; two items with the same `app` must be merged by the caller
            (`merge_inputs`), so every app is one column.
        lang: `en` or `de`.
        reveal: show shared identifier values in full instead of redacted.
        labels: declared store labels per app id (`analysis.labels.DeclaredLabel`).
        server_country: IP address → ISO country code (`--ip-db`); without it servers have none.
    """
    ct.check_lang(lang)
    columns: list[AppColumn] = []
    frames: dict[str, pd.DataFrame] = {}
    for item in items:
        column, f = _column(item, lang, (labels or {}).get(item.app), server_country)
        columns.append(column)
        frames[column.label] = f
    categories = tuple(_order_categories(sorted({c for f in frames.values() for c in f["_cat"].unique()})))

    def cell(f: pd.DataFrame, third: bool, category: str) -> tuple[str, ...]:
        g = f[(f["_third"] == third) & (f["_cat"] == category)]
        return tuple(g.groupby("_org")["_flow"].nunique().sort_values(ascending=False, kind="stable").index)

    third_matrix = tuple(tuple(cell(frames[a.label], True, c) for a in columns) for c in categories)
    first_matrix = tuple(tuple(cell(frames[a.label], False, c) for a in columns) for c in categories)
    raw_frames = {label: f.assign(org=f["_org"]) for label, f in frames.items()}
    shared, same_kind = shared_receivers(raw_frames)
    shared_rows = tuple(
        SharedRow(
            s.org,
            s.category,
            s.apps,
            tuple(ct.clean(v, 300) if reveal else ct.clean(redact(v), 60) for v in s.values),
        )
        for s in shared
    )
    durations = [a.duration_s for a in columns if a.duration_s]
    ratio = (max(durations) / min(durations)) if len(durations) >= 2 and min(durations) > 0 else None
    warning = ratio is not None and ratio > DURATION_RATIO_WARNING
    problems = tuple(ct.clean(p, 400) for item in items for s in item.sessions for p in (s.problems or []))
    model = CompareModel(
        lang=lang,
        revealed=reveal,
        title=ct.ui("title", lang, n=len(columns)) if len(columns) != 1 else ct.ui("title_one", lang),
        apps=tuple(columns),
        categories=categories,
        third_matrix=third_matrix,
        first_matrix=first_matrix,
        shared=shared_rows,
        same_kind_only=same_kind,
        duration_ratio=ratio,
        duration_warning=warning,
        headline=(),
        in_short="",
        problems=problems,
        version=__version__ if version is None else version,
    )
    return _with_headline(model)


def _with_headline(model: CompareModel) -> CompareModel:
    points = tuple(ct.headline(model))
    return replace(model, headline=points, in_short=ct.in_short(model, points))


__all__ = ["AppColumn", "AppInput", "CompareModel", "SharedReceiver", "SharedRow", "build_compare"]
