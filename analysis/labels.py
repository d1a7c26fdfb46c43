"""The label check: what the app's store privacy label declares against what phonehome observed.

A label file (YAML or JSON) lists the data types from the app's Google Play "Data safety" section
or its App Store privacy label, spelled as in `analysis.categories` ("Location: Precise location"):

    store: play                 # play | apple
    app: com.example.app        # optional
    source: "Google Play Data safety, retrieved 2026-11-20"   # optional, shown in the report
    collected:                  # data types the label says the app collects
      - "Location: Approximate location"
      - "Device or other IDs: Device or other IDs"
    shared:                     # Play only: data types the label says are shared with third parties
      - "Device or other IDs: Device or other IDs"

`load_labels` parses and validates (an unknown type name is an error naming the closest known
names); `check_labels` compares with the observed categories. See `docs/report.md`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from .categories import CATEGORIES, CATEGORY_IDS

Store = Literal["play", "apple"]
STORES: tuple[Store, ...] = ("play", "apple")


def store_types(store: Store) -> dict[str, tuple[str, ...]]:
    """Every data type name of `store` known to `analysis.categories`, with the category ids that
    map to it (in category order)."""
    out: dict[str, list[str]] = {}
    for c in CATEGORIES:
        for name in c.play if store == "play" else c.apple:
            out.setdefault(name, []).append(c.id)
    return {name: tuple(ids) for name, ids in out.items()}


@dataclass(frozen=True, slots=True)
class DeclaredLabel:
    store: Store
    collected: tuple[str, ...]
    """Canonical type names, in file order, without duplicates."""
    shared: tuple[str, ...] = ()
    app: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Undeclared:
    category: str
    orgs: tuple[str, ...]
    """Who received it (third parties first)."""
    expected: tuple[str, ...]
    """Type names any of which would have declared it."""


@dataclass(frozen=True, slots=True)
class NotObserved:
    type_name: str
    categories: tuple[str, ...]
    """Category ids this type stands for; none of them was seen in the session."""


@dataclass(frozen=True, slots=True)
class LabelCheck:
    label: DeclaredLabel
    undeclared: tuple[Undeclared, ...] = ()
    """Observed categories that no declared type covers."""
    not_declared_shared: tuple[Undeclared, ...] = field(default=())
    """Play only: categories sent to third parties whose types are not declared as shared (this
    can be legitimate when the recipient is a service provider acting for the developer)."""
    not_observed: tuple[NotObserved, ...] = ()
    """Declared types none of whose categories was observed (not necessarily wrong: the session
    may not have used that feature)."""

    @property
    def ok(self) -> bool:
        return not self.undeclared and not self.not_declared_shared


def parse_labels(data: Any, *, origin: str = "label file") -> DeclaredLabel:
    """A `DeclaredLabel` from the parsed YAML/JSON document; `ValueError` says what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError(
            f"{origin}: expected a mapping with 'store' and 'collected', got {type(data).__name__}"
        )
    unknown_keys = set(data) - {"store", "app", "source", "collected", "shared"}
    if unknown_keys:
        raise ValueError(
            f"{origin}: unknown key(s) {', '.join(sorted(map(str, unknown_keys)))}; "
            "known: store, app, source, collected, shared"
        )
    store = str(data.get("store", "")).strip().lower()
    if store not in STORES:
        raise ValueError(f"{origin}: 'store' must be 'play' or 'apple', got {data.get('store')!r}")
    known = store_types(store)
    by_lower = {name.lower(): name for name in known}

    def names(key: str) -> tuple[str, ...]:
        raw = data.get(key) or []
        if isinstance(raw, str) or not isinstance(raw, Iterable):
            raise ValueError(f"{origin}: '{key}' must be a list of data type names")
        out: list[str] = []
        for item in raw:
            if not isinstance(item, str):
                raise ValueError(f"{origin}: '{key}' entries must be strings, got {item!r}")
            canonical = by_lower.get(" ".join(item.split()).lower())
            if canonical is None:
                close = difflib.get_close_matches(item, list(known), n=3, cutoff=0.5)
                hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                raise ValueError(f"{origin}: unknown {store} data type {item!r} in '{key}'{hint}")
            if canonical not in out:
                out.append(canonical)
        return tuple(out)

    collected = names("collected")
    shared = names("shared")
    if shared and store == "apple":
        raise ValueError(
            f"{origin}: 'shared' exists only on Google Play labels; list Apple types under 'collected'"
        )
    # Play: shared data is also collected unless the developer never receives it; either way it
    # declares the type, so count shared types as declared.
    collected = collected + tuple(n for n in shared if n not in collected)
    app = data.get("app")
    source = data.get("source")
    return DeclaredLabel(
        store=store,
        collected=collected,
        shared=shared,
        app=str(app) if app is not None else None,
        source=str(source) if source is not None else None,
    )


def load_labels(path: str | Path) -> DeclaredLabel:
    """Read a label file (`.json`, or YAML otherwise)."""
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as e:
        raise ValueError(f"cannot read label file {p}: {e.strerror or e}") from e
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise ValueError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {e}") from e
    return parse_labels(data, origin=str(p))


def check_labels(
    label: DeclaredLabel,
    observed: Mapping[str, Iterable[str]],
    third_party: Mapping[str, Iterable[str]] | None = None,
) -> LabelCheck:
    """Compare a label with what was observed.

    Args:
        label: the declared label.
        observed: category id -> organisations that received it (any party).
        third_party: category id -> third-party organisations that received it (for Play's
            "shared"); defaults to none.
    """
    types = store_types(label.store)
    declared_categories = {cid for name in label.collected for cid in types[name]}
    shared_categories = {cid for name in label.shared for cid in types[name]}
    observed_ids = [cid for cid in CATEGORY_IDS if cid in observed and list(observed[cid])]
    third = {cid: tuple(orgs) for cid, orgs in (third_party or {}).items() if list(orgs)}

    def expected(cid: str) -> tuple[str, ...]:
        return tuple(name for name, ids in types.items() if cid in ids)

    undeclared = tuple(
        Undeclared(cid, tuple(observed[cid]), expected(cid))
        for cid in observed_ids
        if cid not in declared_categories
    )
    not_shared: tuple[Undeclared, ...] = ()
    if label.store == "play":
        not_shared = tuple(
            Undeclared(cid, third[cid], expected(cid))
            for cid in CATEGORY_IDS
            if cid in third and cid in declared_categories and cid not in shared_categories
        )
    not_observed = tuple(
        NotObserved(name, types[name]) for name in label.collected if not set(types[name]) & set(observed_ids)
    )
    return LabelCheck(label, undeclared, not_shared, not_observed)
