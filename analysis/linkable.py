"""Receivers shared across apps: which company could link one person across the compared apps.

The rule, precisely (documented in docs/compare.md):

    A company *can link* apps A and B when, in the findings of both apps, the same organisation
    (the finding's `org`, not "unknown") received a finding of the same identifier category
    (advertising ID, device ID, user/install ID, contact details) and at least one captured value
    is the same in both, compared after `normalise` (lower case, without separators).

Same kind of identifier with different values does NOT count: Android gives every app its own
Android ID, and install IDs are per app, so a company that receives "a device ID" from two apps
cannot join them by it unless the value is the same. Those cases are returned separately
(`SameKindOnly`) so a report can say so. Hashes of the same raw value with different hash
functions differ and do not count either (the company could join them only with the raw value,
which the data does not show it has).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .schema import Col

LINK_CATEGORIES: tuple[str, ...] = ("advertising_id", "device_id", "user_id", "contact_info")
"""Categories whose values identify a person or a device across apps."""

MIN_VALUE_CHARS = 6
"""Shorter normalised values ("1", "true", "de") identify nobody and are never compared."""

_SEPARATORS = re.compile(r"[\s\-:._{}]+")
_UNNAMED = {"", "unknown", "?", "this device", "local network"}


def normalise(value: object) -> str:
    """A value as compared across apps: lower case, without separators (`-`, `:`, `.`, `_`,
    braces, white space). `38400000-8CF0-…` and `384000008cf0…` are the same identifier."""
    if not isinstance(value, str):
        return ""
    return _SEPARATORS.sub("", value.strip().lower())


@dataclass(frozen=True, slots=True)
class SharedReceiver:
    """`org` received the same `category` value from every app in `apps` (≥ 2)."""

    org: str
    category: str
    apps: tuple[str, ...]
    values: tuple[str, ...]
    """The captured values (as first seen) that were the same across apps; redact before showing."""


@dataclass(frozen=True, slots=True)
class SameKindOnly:
    """`org` received `category` from every app in `apps`, but no value was the same in two."""

    org: str
    category: str
    apps: tuple[str, ...]


def _identifier_rows(app: str, findings: pd.DataFrame) -> pd.DataFrame:
    needed = [Col.org, Col.category, Col.value]
    if findings.empty or any(c not in findings.columns for c in needed):
        return pd.DataFrame(columns=["app", "org", "category", "value", "key"])
    f = findings[needed].astype(object)
    f = f[f[Col.category].isin(LINK_CATEGORIES)]
    org = f[Col.org].map(lambda o: o.strip() if isinstance(o, str) else "")
    f = f.assign(org=org, key=f[Col.value].map(normalise), app=app)
    f = f[~f["org"].str.lower().isin(_UNNAMED) & (f["key"].str.len() >= MIN_VALUE_CHARS)]
    return f.rename(columns={Col.category: "category", Col.value: "value"})[
        ["app", "org", "category", "value", "key"]
    ]


def shared_receivers(
    findings_by_app: Mapping[str, pd.DataFrame],
) -> tuple[tuple[SharedReceiver, ...], tuple[SameKindOnly, ...]]:
    """The companies that can link apps (same value) and those that only got the same kind.

    Args:
        findings_by_app: one findings frame per app (merge several sessions of one app first),
            keyed by the app's display label.

    Returns:
        (shared, same_kind_only), each sorted by number of apps (most first), then org, category.
    """
    frames = [_identifier_rows(app, f) for app, f in findings_by_app.items()]
    rows = (
        pd.concat([f for f in frames if not f.empty], ignore_index=True)
        if any(not f.empty for f in frames)
        else pd.DataFrame(columns=["app", "org", "category", "value", "key"])
    )
    order = {app: i for i, app in enumerate(findings_by_app)}
    shared: list[SharedReceiver] = []
    same_kind: list[SameKindOnly] = []
    for (org, category), g in rows.groupby(["org", "category"], sort=True):
        apps_with_kind = sorted(set(g["app"]), key=order.__getitem__)
        if len(apps_with_kind) < 2:
            continue
        apps_per_key = g.groupby("key")["app"].agg(lambda s: set(s))
        linking = {k: apps for k, apps in apps_per_key.items() if len(apps) >= 2}
        if linking:
            linked_apps = sorted(set().union(*linking.values()), key=order.__getitem__)
            first_seen = g.drop_duplicates("key").set_index("key")["value"]
            values = tuple(str(first_seen[k]) for k in sorted(linking))
            shared.append(SharedReceiver(str(org), str(category), tuple(linked_apps), values))
        else:
            same_kind.append(SameKindOnly(str(org), str(category), tuple(apps_with_kind)))
    shared.sort(key=lambda s: (-len(s.apps), s.org.lower(), LINK_CATEGORIES.index(s.category)))
    same_kind.sort(key=lambda s: (-len(s.apps), s.org.lower(), LINK_CATEGORIES.index(s.category)))
    return tuple(shared), tuple(same_kind)
