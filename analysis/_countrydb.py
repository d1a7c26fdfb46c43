"""The country data behind `analysis.destinations`: the EU/EEA and the EU adequacy decisions.

`data/countries.toml` lists the EU member states, the EEA states outside the EU, and every
country or territory with an adequacy decision under Art. 45 GDPR (the act, the date it was
adopted, its scope), with the date the list was compiled and its sources. Loaded and validated
once per process like `data/orgs.toml`; ValueError names the offending table.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
DPF_SCOPE = "dpf"
"""Scope of an adequacy decision that covers only organisations certified under the EU-US Data
Privacy Framework."""


@dataclass(frozen=True, slots=True)
class Adequacy:
    """One EU adequacy decision."""

    country: str
    """ISO 3166-1 alpha-2."""
    name: str
    decision: str
    """The act ("Commission Implementing Decision (EU) 2023/1795")."""
    adopted: dt.date
    scope: str
    """"whole", "dpf" (certified organisations only) or a restriction in words."""
    note: str = ""

    @property
    def dpf_only(self) -> bool:
        return self.scope == DPF_SCOPE


@dataclass(frozen=True)
class CountryDB:
    compiled: dt.date
    """The date the list was compiled and checked."""
    sources: tuple[str, ...]
    note: str
    eu: frozenset[str]
    eea_only: frozenset[str]
    """EEA states outside the EU (Iceland, Liechtenstein, Norway)."""
    adequacy: Mapping[str, Adequacy]

    @property
    def eu_eea(self) -> frozenset[str]:
        return self.eu | self.eea_only

    def is_eu_eea(self, country: str) -> bool:
        return country.upper() in self.eu_eea

    def adequacy_for(self, country: str) -> Adequacy | None:
        return self.adequacy.get(country.upper())


def _codes(table: Mapping[str, Any], where: str) -> frozenset[str]:
    members = table.get("members")
    if not isinstance(members, list) or not members:
        raise ValueError(f"{where}: members must be a non-empty list of country codes")
    for code in members:
        if not isinstance(code, str) or not _COUNTRY_RE.match(code):
            raise ValueError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 code")
    if len(set(members)) != len(members):
        raise ValueError(f"{where}: a country is listed twice")
    return frozenset(members)


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _date(table: Mapping[str, Any], key: str, where: str) -> dt.date:
    value = table.get(key)
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"{where}: {key} must be a date (YYYY-MM-DD)")
    return value


def parse_countries(data: Mapping[str, Any]) -> CountryDB:
    """Validate a parsed countries.toml."""
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise ValueError("meta: missing")
    compiled = meta.get("compiled")
    if isinstance(compiled, str):
        try:
            compiled = dt.date.fromisoformat(compiled)
        except ValueError as e:
            raise ValueError(f"meta: compiled {compiled!r} is not a date (YYYY-MM-DD)") from e
    if not isinstance(compiled, dt.date):
        raise ValueError("meta: compiled must be a date (YYYY-MM-DD)")
    sources = meta.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
        raise ValueError("meta: sources must be a non-empty list of strings")
    eu = _codes(data.get("eu", {}), "eu")
    eea_only = _codes(data.get("eea", {}), "eea")
    if eu & eea_only:
        raise ValueError(f"eea: {sorted(eu & eea_only)} already listed under eu")
    adequacy: dict[str, Adequacy] = {}
    for table in data.get("adequacy", []):
        country = _text(table, "country", "adequacy")
        where = f"adequacy {country}"
        if not _COUNTRY_RE.match(country):
            raise ValueError(f"{where}: not an ISO 3166-1 alpha-2 code")
        if country in adequacy:
            raise ValueError(f"{where}: listed twice")
        if country in eu or country in eea_only:
            raise ValueError(f"{where}: is in the EU/EEA")
        adopted = _date(table, "adopted", where)
        if adopted > compiled:
            raise ValueError(f"{where}: adopted {adopted} after the list was compiled ({compiled})")
        adequacy[country] = Adequacy(
            country=country,
            name=_text(table, "name", where),
            decision=_text(table, "decision", where),
            adopted=adopted,
            scope=_text(table, "scope", where),
            note=_text(table, "note", where, required=False),
        )
    if not adequacy:
        raise ValueError("adequacy: no decisions listed")
    return CountryDB(
        compiled=compiled,
        sources=tuple(sources),
        note=str(meta.get("note", "")),
        eu=eu,
        eea_only=eea_only,
        adequacy=adequacy,
    )


def bundled_countries_text() -> str:
    return resources.files(__package__).joinpath("data", "countries.toml").read_text(encoding="utf-8")


@functools.cache
def bundled_countries() -> CountryDB:
    """The bundled country data, parsed once per process."""
    return parse_countries(tomllib.loads(bundled_countries_text()))
