"""Where the data goes, in words and table rows, for the report and the comparison (EN/DE).

Built from `analysis.transfers` (Chapter V groups) and, with `--ip-db`, the servers' countries
(`analysis.ipdb`). Names are captured strings: the renderers escape them. Fixed strings and German
country names are data (`data/where.toml`, validated here with the rules of `phrasebook.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from phonehome.analysis.destinations import COUNTRY_NAMES, countries_db
from phonehome.analysis.transfers import SEVERITY, CountryExposure, Place, Receiver
from phonehome.views.phrasebook import (
    Pair,
    PhrasesError,
    bundled_text,
    check_meta,
    check_tables,
    pair_table,
    read_toml,
    text_table,
)
from phonehome.views.report.text import SENSITIVITY, category_name, clean, join

FILE_NAME = "where.toml"
META_NAME = "phonehome-where-phrases"
GROUPS = ("eu_eea", "adequacy", "third_country", "unknown")
"""Chapter V groups named by a `[ui]` entry of their own (`analysis.transfers`)."""


@dataclass(frozen=True)
class WherePhrases:
    ui: dict[str, Pair]
    country_de: dict[str, str]
    """German country names by ISO code."""


def parse_phrases(data: Mapping[str, Any], *, file: str = FILE_NAME) -> WherePhrases:
    """Validate a parsed where-phrases file; `PhrasesError` names the first problem."""
    check_tables(data, ("meta", "ui", "country_de"), file)
    check_meta(data, file, META_NAME)
    ui = pair_table(data, "ui", file)
    for group in GROUPS:
        if group not in ui:
            raise PhrasesError(file, f"ui.{group}", None, "missing: every Chapter V group needs a name")
    names = text_table(
        data, "country_de", file, key_ok=COUNTRY_NAMES.__contains__, keys="country codes of countries.toml"
    )
    return WherePhrases(ui, names)


def load_phrases(text: str, *, file: str = FILE_NAME) -> WherePhrases:
    return parse_phrases(read_toml(text, file), file=file)


@cache
def bundled_phrases() -> WherePhrases:
    """The phrases shipped with phonehome (`phonehome/views/data/where.toml`)."""
    return load_phrases(bundled_text("phonehome.views", FILE_NAME), file=f"phonehome/views/data/{FILE_NAME}")


_PHRASES = bundled_phrases()
_UI = _PHRASES.ui
_DE_NAMES = _PHRASES.country_de


def ui(key: str, lang: str, **fmt: object) -> str:
    text = _UI[key][1 if lang == "de" else 0]
    return text.format(**fmt) if fmt else text


def ui_table(lang: str) -> dict[str, str]:
    out = {key: pair[1 if lang == "de" else 0] for key, pair in _UI.items()}
    out["where_note"] = ui("where_note", lang, compiled=countries_db().compiled.isoformat())
    return out


def country_name(code: str, lang: str) -> str:
    if not code:
        return ui("unknown", lang)
    if lang == "de" and code in _DE_NAMES:
        return _DE_NAMES[code]
    return COUNTRY_NAMES.get(code, clean(code, 8))


def group_name(group: str, lang: str, *, dpf_missing: bool = False) -> str:
    name = ui(group, lang) if group in GROUPS else clean(group, 40)
    return f"{name} ({ui('dpf_missing', lang)})" if dpf_missing else name


def ordered_categories(ids: Sequence[str]) -> list[str]:
    return [c for c in SENSITIVITY if c in ids] + sorted(c for c in ids if c not in SENSITIVITY)


@dataclass(frozen=True, slots=True)
class ReceiverRow:
    """One row of the "where the data goes" table, every cell text."""

    org: str
    third_party: bool
    company_country: str
    parent: str
    group: str
    categories: str
    servers: str
    outside: bool


def receiver_rows(
    found: Sequence[Receiver],
    lang: str,
    *,
    server_country: Callable[[str], str] | None = None,
    max_servers: int = 4,
) -> tuple[ReceiverRow, ...]:
    rows = []
    for r in sorted(found, key=lambda r: (not r.third_party, -_severity(r), r.org.lower())):
        parent = r.parent or ""
        parent_text = (
            f"{clean(parent, 80)} ({country_name(r.parent_place.country, lang)})"
            if parent
            else country_name(r.parent_place.country, lang)
            if r.parent_place.country != r.company.country
            else "–"
        )
        group = _group_text(r.company, lang)
        if r.parent_place.group != r.company.group and r.parent_place.country != r.company.country:
            group = (
                f"{ui('company', lang)}: {group}; {ui('parent', lang)}: {_group_text(r.parent_place, lang)}"
            )
        servers = []
        for ip in r.server_ips[:max_servers]:
            where = server_country(ip) if server_country else ""
            servers.append(f"{clean(ip, 64)} ({country_name(where, lang)})" if where else clean(ip, 64))
        if len(r.server_ips) > max_servers:
            servers.append(f"+{len(r.server_ips) - max_servers}")
        rows.append(
            ReceiverRow(
                org=clean(r.org, 120),
                third_party=r.third_party,
                company_country=country_name(r.company.country, lang),
                parent=parent_text,
                group=group,
                categories=join([category_name(c, lang) for c in ordered_categories(r.categories)], lang),
                servers=", ".join(servers) or "–",
                outside=r.outside_eu_eea,
            )
        )
    return tuple(rows)


def _group_text(p: Place, lang: str) -> str:
    text = group_name(p.group, lang, dpf_missing=p.dpf_missing)
    if p.group == "adequacy" and p.decision:
        text += f" ({clean(p.decision, 120)})"
    return text


def _severity(r: Receiver) -> int:
    return SEVERITY[r.farthest.group]


def exposure_phrase(
    e: CountryExposure, lang: str, *, esc: Callable[[str], str] = lambda s: s, max_names: int = 4
) -> str:
    """`United States (Google, Meta; parent of Adjust)`."""
    names = [esc(n) for n in e.companies]
    parents = [esc(n) for n in e.via_parent]
    inner: list[str] = []
    if names:
        shown = names[:max_names]
        more = len(names) - len(shown)
        inner.append(", ".join(shown) + (f" +{more}" if more else ""))
    if parents:
        inner.append(f"{ui('parent_of', lang)} {join(parents[:max_names], lang)}")
    return f"{country_name(e.country, lang)} ({'; '.join(inner)})"


def summary_bullets(
    found: Sequence[CountryExposure], lang: str, *, esc: Callable[[str], str] = lambda s: s
) -> tuple[str, ...]:
    """The report summary's line on countries: third countries without adequacy, company or parent."""
    third = [e for e in found if e.group == "third_country"]
    if not third:
        return ()
    return (ui("report_bullet", lang, parts=", ".join(exposure_phrase(e, lang, esc=esc) for e in third)),)


def with_bullet(
    bullets: Sequence[str],
    after: int,
    found: Sequence[CountryExposure],
    lang: str,
    *,
    esc: Callable[[str], str] = lambda s: s,
) -> tuple[str, ...]:
    """The report's summary bullets with the line on countries after the first `after` (the
    per-category lines), before the warnings."""
    items = list(bullets)
    return tuple(items[:after]) + summary_bullets(found, lang, esc=esc) + tuple(items[after:])


def third_country_parts(
    exposures_by_label: Mapping[str, Sequence[CountryExposure]],
    lang: str,
    *,
    esc: Callable[[str], str] = lambda s: s,
) -> list[str]:
    """`AzubiApp — United States (…), Singapore (…)` for every app with third-country exposure."""
    parts = []
    for label, found in exposures_by_label.items():
        third = [e for e in found if e.group == "third_country"]
        if third:
            parts.append(f"{label} — " + ", ".join(exposure_phrase(e, lang, esc=esc) for e in third))
    return parts
