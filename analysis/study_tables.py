"""The tables studies publish, computed from a study dataset (`analysis/study.py`).

The unit is the app: several sessions of one app count once. Every figure carries its
denominator (`Share`), because "41 %" means nothing without "of how many apps". Only the columns
each table needs are read, batch by batch, and reduced to distinct (app, …) tuples at once, so
memory follows the number of apps and organisations, not the number of findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .categories import CATEGORY_IDS
from .study import open_table


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def ratio(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class CategoryRow:
    category: str
    third_party: Share
    """Apps that sent this category to at least one third party, of all apps analysed."""
    before_consent: Share | None
    """Of the apps whose session has a consent marker: those that sent it to a third party before it."""


@dataclass(frozen=True)
class OrgShare:
    org: str
    parent: str
    country: str
    apps: Share
    categories: tuple[str, ...]


@dataclass(frozen=True)
class AppRow:
    app: str
    sessions: int
    duration_s: float | None
    consent: str | None
    third_parties: int
    categories: dict[str, int]
    """Category → number of third-party organisations that received it from this app."""


@dataclass
class StudyTables:
    apps: int
    sessions: int
    failed_sessions: int
    apps_with_marker: int
    apps_with_hooks: int
    categories: list[CategoryRow] = field(default_factory=list)
    receivers: list[OrgShare] = field(default_factory=list)
    sdk_hosts: list[OrgShare] = field(default_factory=list)
    """Third-party organisations the apps contacted at all (any request), by share of apps."""
    sdk_stacks: list[tuple[str, Share]] = field(default_factory=list)
    """Organisations whose code read device data (hook stacks), of the apps analysed with hooks."""
    third_parties_median: float = 0.0
    third_parties_p90: float = 0.0
    countries: list[tuple[str, Share]] = field(default_factory=list)
    per_app: list[AppRow] = field(default_factory=list)
    flows: int = 0
    findings: int = 0


def _distinct(dataset: Path, table: str, columns: Sequence[str], filters: object = None) -> pd.DataFrame:
    """Distinct rows of `columns` of a table, read batch by batch."""
    data = open_table(dataset, table)
    parts: list[pd.DataFrame] = []
    for batch in data.to_batches(columns=list(columns), filter=filters, batch_size=262_144):
        if batch.num_rows:
            parts.append(batch.to_pandas().drop_duplicates())
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


def study_tables(dataset: str | Path) -> StudyTables:
    # Lazy: pyarrow.dataset takes ~0.3 s to import; only reading a dataset needs it.
    import pyarrow.dataset as ds

    dataset = Path(dataset)
    sessions = (
        open_table(dataset, "sessions")
        .to_table(
            columns=[
                "app",
                "task_id",
                "status",
                "duration_s",
                "consent_label",
                "flows",
                "findings",
                "hooks",
                "hook_sdks",
            ]
        )
        .to_pandas()
    )
    analysed = sessions[sessions["status"].isin(["ok", "damaged"])]
    apps = sorted(analysed["app"].dropna().unique())
    total = len(apps)
    marked_apps = set(analysed.loc[analysed["consent_label"].notna(), "app"])
    hooked_apps = set(analysed.loc[analysed["hooks"].fillna(False).astype(bool), "app"])

    third = _named_unknowns(
        _distinct(
            dataset,
            "findings",
            ["app", "category", "org", "domain", "parent", "country", "consent"],
            ds.field("party") == "third",
        )
    )
    third = third[third["app"].isin(apps)]

    categories = []
    for cat in CATEGORY_IDS:
        rows = third[third["category"] == cat]
        sent = rows["app"].nunique()
        before = None
        if marked_apps:
            before_apps = set(rows.loc[rows["consent"] == "before", "app"]) & marked_apps
            before = Share(len(before_apps), len(marked_apps))
        categories.append(CategoryRow(cat, Share(sent, total), before))
    categories.sort(key=lambda r: (-r.third_party.count, CATEGORY_IDS.index(r.category)))

    receivers = []
    for org, rows in third.groupby("org", sort=False):
        receivers.append(
            OrgShare(
                str(org),
                _first(rows["parent"]),
                _first(rows["country"]),
                Share(rows["app"].nunique(), total),
                tuple(c for c in CATEGORY_IDS if c in set(rows["category"])),
            )
        )
    receivers.sort(key=lambda r: (-r.apps.count, r.org))

    contacted = _named_unknowns(
        _distinct(
            dataset, "requests", ["app", "org", "domain", "parent", "country"], ds.field("party") == "third"
        )
    )
    contacted = contacted[contacted["app"].isin(apps)]
    sdk_hosts = [
        OrgShare(
            str(org), _first(rows["parent"]), _first(rows["country"]), Share(rows["app"].nunique(), total), ()
        )
        for org, rows in contacted.groupby("org", sort=False)
    ]
    sdk_hosts.sort(key=lambda r: (-r.apps.count, r.org))

    stack_apps: dict[str, set[str]] = defaultdict(set)
    for app, sdks in zip(analysed["app"], analysed["hook_sdks"], strict=True):
        for sdk in sdks if sdks is not None else ():
            stack_apps[str(sdk)].add(app)
    sdk_stacks = sorted(
        ((k, Share(len(v), len(hooked_apps))) for k, v in stack_apps.items()),
        key=lambda kv: (-kv[1].count, kv[0]),
    )

    per_app_orgs = third.groupby("app")["org"].nunique().reindex(apps, fill_value=0)
    countries = sorted(
        (
            (str(c) if c and c == c else "unknown", Share(n, total))
            for c, n in third.fillna({"country": "unknown"}).groupby("country")["app"].nunique().items()
        ),
        key=lambda kv: (-kv[1].count, kv[0]),
    )

    per_cat: dict[str, dict[str, int]] = defaultdict(dict)
    for (a, c), n in third.groupby(["app", "category"])["org"].nunique().items():
        per_cat[str(a)][str(c)] = int(n)
    per_app = []
    for app, rows in analysed.groupby("app"):
        cats = per_cat.get(str(app), {})
        durations = rows["duration_s"].dropna()
        labels = rows["consent_label"].dropna()
        per_app.append(
            AppRow(
                str(app),
                len(rows),
                float(durations.sum()) if len(durations) else None,
                str(labels.iloc[0]) if len(labels) else None,
                int(per_app_orgs.get(app, 0)),
                cats,
            )
        )
    per_app.sort(key=lambda r: (-r.third_parties, r.app))

    return StudyTables(
        apps=total,
        sessions=len(sessions),
        failed_sessions=int((~sessions["status"].isin(["ok", "damaged"])).sum())
        + _failed_without_session(dataset, set(sessions["task_id"])),
        apps_with_marker=len(marked_apps),
        apps_with_hooks=len(hooked_apps),
        categories=categories,
        receivers=receivers,
        sdk_hosts=sdk_hosts,
        sdk_stacks=sdk_stacks,
        third_parties_median=float(per_app_orgs.median()) if total else 0.0,
        third_parties_p90=float(per_app_orgs.quantile(0.9)) if total else 0.0,
        countries=countries,
        per_app=per_app,
        flows=int(sessions["flows"].sum()),
        findings=int(sessions["findings"].sum()),
    )


def _named_unknowns(frame: pd.DataFrame) -> pd.DataFrame:
    """An organisation phonehome does not know is named by its domain: two unknown receivers are
    two companies, not one called "unknown"."""
    out = frame.copy()
    unknown = out["org"].isna() | (out["org"] == "unknown")
    out.loc[unknown, "org"] = "unknown (" + out.loc[unknown, "domain"].fillna("?").astype(str) + ")"
    return out.drop(columns=["domain"]).drop_duplicates(ignore_index=True)


def _failed_without_session(dataset: Path, with_session: set[str]) -> int:
    failures = open_table(dataset, "failures").to_table(columns=["task_id", "kind"]).to_pandas()
    failed = failures[failures["kind"] != "damaged"]
    return int((~failed["task_id"].isin(with_session)).sum())


def _first(series: pd.Series) -> str:
    values = [v for v in series if isinstance(v, str) and v]
    return values[0] if values else ""
