"""Where the data goes, in words and table rows, for the report and the comparison (EN/DE).

Built from `analysis.transfers` (Chapter V groups) and, with `--ip-db`, the servers' countries
(`analysis.ipdb`). Names are captured strings: the renderers escape them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from phonehome.analysis.destinations import COUNTRY_NAMES, countries_db
from phonehome.analysis.transfers import CountryExposure, Place, Receiver
from phonehome.views.report.text import SENSITIVITY, category_name, clean, join

_DE_NAMES = {
    "AR": "Argentinien",
    "AT": "Österreich",
    "AU": "Australien",
    "BE": "Belgien",
    "BG": "Bulgarien",
    "BR": "Brasilien",
    "CA": "Kanada",
    "CH": "Schweiz",
    "CN": "China",
    "CY": "Zypern",
    "CZ": "Tschechien",
    "DE": "Deutschland",
    "DK": "Dänemark",
    "EE": "Estland",
    "ES": "Spanien",
    "FI": "Finnland",
    "FR": "Frankreich",
    "GB": "Vereinigtes Königreich",
    "GR": "Griechenland",
    "HK": "Hongkong",
    "HR": "Kroatien",
    "HU": "Ungarn",
    "IE": "Irland",
    "IL": "Israel",
    "IN": "Indien",
    "IS": "Island",
    "IT": "Italien",
    "JP": "Japan",
    "KR": "Südkorea",
    "KY": "Kaimaninseln",
    "LI": "Liechtenstein",
    "LT": "Litauen",
    "LU": "Luxemburg",
    "LV": "Lettland",
    "MT": "Malta",
    "NL": "Niederlande",
    "NO": "Norwegen",
    "NZ": "Neuseeland",
    "PL": "Polen",
    "PT": "Portugal",
    "RO": "Rumänien",
    "RU": "Russland",
    "SE": "Schweden",
    "SG": "Singapur",
    "SI": "Slowenien",
    "SK": "Slowakei",
    "TW": "Taiwan",
    "US": "USA",
    "UY": "Uruguay",
    "AE": "Vereinigte Arabische Emirate",
}

_UI: dict[str, tuple[str, str]] = {
    "h_where": ("Where the data goes", "Wohin die Daten gehen"),
    "where_note": (
        "Grouped as in Chapter V of the GDPR: the EU/EEA; countries with an EU adequacy decision (list "
        "compiled {compiled}); the United States only for companies certified under the EU-US Data "
        "Privacy Framework; all other third countries, named. The company's country is the seat of the "
        "company that received the data, the parent's country the seat of its group. This is not legal "
        "advice: whether a transfer is lawful also depends on safeguards (such as standard contractual "
        "clauses) that traffic cannot show.",
        "Gruppiert wie in Kapitel V der DSGVO: EU/EWR; Länder mit einem Angemessenheitsbeschluss der EU "
        "(Liste vom {compiled}); die USA nur für Unternehmen, die unter dem EU-US Data Privacy Framework "
        "zertifiziert sind; alle anderen Drittländer, benannt. Das Land des Unternehmens ist der Sitz des "
        "Unternehmens, das die Daten erhielt, das Land der Muttergesellschaft der Sitz seines Konzerns. "
        "Dies ist keine Rechtsberatung: Ob eine Übermittlung zulässig ist, hängt auch von Garantien "
        "(etwa Standardvertragsklauseln) ab, die der Datenverkehr nicht zeigt.",
    ),
    "servers_note": (
        "Servers: the IP addresses the phone talked to, a different fact from the company's seat (content "
        "delivery networks, regional data centres). Their country is shown only with --ip-db, an offline "
        "IP-to-country database you downloaded yourself; phonehome looks nothing up on the network.",
        "Server: die IP-Adressen, mit denen das Handy sprach – etwas anderes als der Sitz des Unternehmens "
        "(Content-Delivery-Netze, regionale Rechenzentren). Ihr Land steht nur mit --ip-db da, einer "
        "selbst heruntergeladenen Offline-Datenbank IP → Land; phonehome fragt nichts im Netz ab.",
    ),
    "col_company": ("Company", "Unternehmen"),
    "col_company_country": ("Company's country", "Land des Unternehmens"),
    "col_parent": ("Parent (country)", "Muttergesellschaft (Land)"),
    "col_group": ("GDPR Chapter V", "DSGVO Kapitel V"),
    "col_data": ("Kinds of data", "Datenarten"),
    "col_servers": ("Servers", "Server"),
    "col_country": ("Country", "Land"),
    "col_orgs": (
        "Companies there (and companies whose parent is there)",
        "Unternehmen dort (und Unternehmen, deren Muttergesellschaft dort sitzt)",
    ),
    "eu_eea": ("EU/EEA", "EU/EWR"),
    "adequacy": ("EU adequacy decision", "Angemessenheitsbeschluss der EU"),
    "third_country": ("other third country", "anderes Drittland"),
    "unknown": ("unknown", "unbekannt"),
    "dpf_missing": (
        "no EU-US Data Privacy Framework certification on record",
        "keine Zertifizierung unter dem EU-US Data Privacy Framework verzeichnet",
    ),
    "company": ("company", "Unternehmen"),
    "parent": ("parent", "Muttergesellschaft"),
    "parent_of": ("parent company of", "Muttergesellschaft von"),
    "none_outside": ("all in the EU/EEA", "alle in der EU/im EWR"),
    "headline": (
        "Sent personal data to companies in third countries without an EU adequacy decision, or whose parent is "
        "there (not legal advice): {parts}.",
        "Personenbezogene Daten an Unternehmen in Drittländern ohne Angemessenheitsbeschluss der EU gesendet, "
        "oder an Unternehmen, deren Muttergesellschaft dort sitzt (keine Rechtsberatung): {parts}.",
    ),
    "headline_none": (
        "No app sent personal data to a company (or a company's parent) in a third country without an EU "
        "adequacy decision, as far as the organisation database knows (not legal advice).",
        "Keine App sendete personenbezogene Daten an ein Unternehmen (oder dessen Muttergesellschaft) in einem "
        "Drittland ohne Angemessenheitsbeschluss der EU, soweit die Organisationsdatenbank es weiß (keine "
        "Rechtsberatung).",
    ),
    "nothing": ("none", "keine"),
    "report_bullet": (
        "Outside the EU/EEA without an EU adequacy decision (company or parent; not legal advice): {parts}.",
        "Außerhalb von EU/EWR ohne Angemessenheitsbeschluss der EU (Unternehmen oder Muttergesellschaft; keine "
        "Rechtsberatung): {parts}.",
    ),
}


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
    name = (
        ui(group, lang) if group in ("eu_eea", "adequacy", "third_country", "unknown") else clean(group, 40)
    )
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
    from phonehome.analysis.transfers import SEVERITY

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
