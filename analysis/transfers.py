"""Where the data goes: every receiving organisation's country and its parent's country, grouped
the way GDPR Chapter V groups them. Not legal advice.

Groups (`Place.group`):

- `eu_eea` — an EU member state or Iceland, Liechtenstein, Norway;
- `adequacy` — a country with an EU adequacy decision (`analysis/data/countries.toml`, with the act
  and its date); the United States only for an organisation certified under the EU-US Data Privacy
  Framework (`dpf == "yes"` in the organisation database, with the date it was checked);
- `third_country` — every other country, named;
- `unknown` — no source says where the organisation is.

The company's country is where the legal entity that received the data has its seat (the org
database's `country`); the parent's country is where its group is headquartered. The server the
phone talked to is a different fact (CDNs, regional data centres): it is kept per request as
`server_ip`, and given a country only from an offline IP database the user supplies
(`analysis/ipdb.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from .destinations import adequacy_for, is_eu_eea, orgs_db
from .schema import Col

GROUPS: tuple[str, ...] = ("eu_eea", "adequacy", "third_country", "unknown")
SEVERITY = {"eu_eea": 0, "adequacy": 1, "unknown": 2, "third_country": 3}
"""For "the farther of company and parent": a third country outweighs not knowing."""
_UNKNOWN = {"", "unknown", "?", "<na>"}


@dataclass(frozen=True, slots=True)
class Place:
    country: str
    """ISO 3166-1 alpha-2, upper case; "" when unknown."""
    group: str
    decision: str = ""
    """For `adequacy`: the act and its date ("Commission Implementing Decision (EU) 2023/1795 of 2023-07-10")."""
    dpf_missing: bool = False
    """True for a United States organisation not certified under the Data Privacy Framework (as
    far as the database says): it would be adequate only with that certification."""


def place(country: object, dpf: object = "unknown") -> Place:
    """The Chapter V group of one country, for an organisation with DPF status `dpf`."""
    code = str(country).strip().upper() if isinstance(country, str) else ""
    if code.lower() in _UNKNOWN or len(code) != 2 or not code.isalpha():
        return Place("", "unknown")
    if is_eu_eea(code):
        return Place(code, "eu_eea")
    decision = adequacy_for(code)
    if decision is not None:
        act = f"{decision.decision} of {decision.adopted.isoformat()}"
        if not decision.dpf_only:
            return Place(code, "adequacy", act)
        if str(dpf).strip().lower() == "yes":
            return Place(code, "adequacy", act)
        return Place(code, "third_country", dpf_missing=True)
    return Place(code, "third_country")


@dataclass(frozen=True, slots=True)
class Receiver:
    """One organisation that received personal data, and where it (and its parent) is."""

    org: str
    third_party: bool
    parent: str
    company: Place
    parent_place: Place
    dpf: str
    categories: tuple[str, ...]
    """The kinds of data it received, in the order first seen."""
    server_ips: tuple[str, ...]
    """The server addresses the phone talked to for this organisation."""

    @property
    def farthest(self) -> Place:
        """Company or parent, whichever is farther from the EU/EEA (`SEVERITY`)."""
        return max(self.company, self.parent_place, key=lambda p: SEVERITY[p.group])

    @property
    def outside_eu_eea(self) -> bool:
        return self.farthest.group != "eu_eea"


@cache
def _known_orgs() -> dict[str, Any]:
    """The bundled organisations by display name (for findings without parent_country/dpf)."""
    return {record.name: record for record in orgs_db().orgs.values()}


def _iso(code: str) -> str:
    return code if len(code) == 2 and code.isalpha() else ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mode(series: pd.Series) -> str:
    values = [v for v in (_text(x) for x in series) if v]
    return max(set(values), key=values.count) if values else ""


def receivers(findings: pd.DataFrame, *, org_column: str = Col.org) -> tuple[Receiver, ...]:
    """One `Receiver` per organisation in `findings` (a findings frame, or a frame with at least
    org, party, category, country; parent_country, dpf and server_ip when known).

    An organisation without a parent has its own country as the parent's. Findings recorded before
    `parent_country` existed count as "unknown" for the parent."""
    if findings.empty or org_column not in findings.columns:
        return ()
    f = findings.astype(object)
    out: list[Receiver] = []
    for org, g in f.groupby(org_column, sort=False):
        name = _text(org)
        if not name:
            continue
        country = _mode(g[Col.country]) if Col.country in g else ""
        parent = _mode(g[Col.parent]) if Col.parent in g else ""
        dpf = _mode(g[Col.dpf]) if Col.dpf in g else ""
        dpf = dpf or "unknown"
        parent_country = _mode(g[Col.parent_country]) if Col.parent_country in g else ""
        known = _known_orgs().get(name)
        if known is not None:  # findings recorded before these columns existed
            parent_country = parent_country or _iso(known.parent_country)
            if dpf == "unknown" and known.dpf:
                dpf = known.dpf
        if not parent and not parent_country:
            parent_country = country
        party = g[Col.party] if Col.party in g else pd.Series(["third"] * len(g))
        ips = (
            tuple(dict.fromkeys(v for v in (_text(x) for x in g[Col.server_ip]) if v))
            if Col.server_ip in g
            else ()
        )
        out.append(
            Receiver(
                org=name,
                third_party=any(p != "first" for p in party),
                parent=parent,
                company=place(country, dpf),
                parent_place=place(parent_country, dpf),
                dpf=dpf,
                categories=tuple(dict.fromkeys(str(c) for c in g[Col.category] if isinstance(c, str))),
                server_ips=ips,
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CountryExposure:
    """Personal data that reached organisations seated in `country`, or whose parent is there."""

    country: str
    group: str
    companies: tuple[str, ...]
    """Organisations seated in the country."""
    via_parent: tuple[str, ...]
    """Organisations seated elsewhere whose parent is in the country."""
    categories: tuple[str, ...]
    dpf_missing: bool = False


def exposures(
    found: tuple[Receiver, ...], *, include: Callable[[Receiver], bool] = lambda r: True
) -> tuple[CountryExposure, ...]:
    """Per country outside the EU/EEA (adequacy, other third countries; unknown last): who is
    there, as company or as parent, and which kinds of data reached them. Most severe group first,
    then most organisations."""
    table: dict[str, dict[str, Any]] = {}
    for r in found:
        if not include(r):
            continue
        for where, via in ((r.company, False), (r.parent_place, True)):
            if where.group == "eu_eea":
                continue
            if via and (
                where.country == r.company.country
                or (where.group == "unknown" and r.company.group == "unknown")
            ):
                continue
            key = where.country or "?"
            row = table.setdefault(
                key, {"group": where.group, "companies": [], "via": [], "cats": [], "dpf": False}
            )
            (row["via"] if via else row["companies"]).append(r.org)
            row["cats"] = list(dict.fromkeys([*row["cats"], *r.categories]))
            row["dpf"] = bool(row["dpf"]) or where.dpf_missing
    out = [
        CountryExposure(
            country="" if key == "?" else key,
            group=str(row["group"]),
            companies=tuple(dict.fromkeys(row["companies"])),
            via_parent=tuple(o for o in dict.fromkeys(row["via"]) if o not in row["companies"]),
            categories=tuple(row["cats"]),
            dpf_missing=bool(row["dpf"]),
        )
        for key, row in table.items()
    ]
    out.sort(key=lambda e: (-SEVERITY[e.group], -(len(e.companies) + len(e.via_parent)), e.country))
    return tuple(out)
