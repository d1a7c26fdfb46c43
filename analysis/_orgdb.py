"""The organisation database behind `analysis.destinations`: loading, validation and matching.

Two kinds of source feed it:

* the bundled `data/orgs.toml` (phonehome-orgs, written by us; see `data/ORGS-SOURCES.md`), and
* optional lists the user downloaded themselves: DuckDuckGo Tracker Radar (`domains/*.json`
  files, a directory of them, or a `tds.json`), Disconnect's `services.json`, and a Ghostery
  TrackerDB JSON export. The format is detected from the content; nothing is ever fetched.

Host patterns (`HostMatcher`):

* ``a.example.com``     exactly that host;
* ``*.example.com``     example.com and every host under it;
* ``log*.example.com``  ``*`` inside a label matches any characters within that one label.

The most specific pattern wins: an exact host first; otherwise the pattern with the most literal
(non-``*``) characters, so ``log*.tiktokv.com`` beats ``*.tiktokv.com`` for
``log16-normal-c-useast1a.tiktokv.com``; a suffix wins a tie with a wildcard, and an earlier
entry wins a tie between two patterns of the same kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .schema import PURPOSES

DB_NAME = "phonehome-orgs"
DERIVED_FILES = ("orgs-etip.toml",)
"""Bundled entries under another licence, loaded after orgs.toml (see ORGS-SOURCES.md): their
[meta] names the database, its licence and attribution; their entries use orgs.toml's orgs."""
NON_TRACKING_PURPOSES = frozenset({"infrastructure", "unknown", "first_party"})
"""Purposes whose entries are not trackers (`OrgEntry.tracker` is False)."""

_HOST_PATTERN_RE = re.compile(r"^(\*\.)?[a-z0-9*_-]+(\.[a-z0-9*_-]+)*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
UNKNOWN_COUNTRY = "unknown"
"""Written in orgs.toml where no source gives a country; `OrgEntry` and `Destination` carry ""."""
DPF_STATES = ("yes", "no", "unknown")
"""EU-US Data Privacy Framework certification of an organisation, as checked on `dpf_checked`."""


@dataclass(frozen=True, slots=True)
class OrgEntry:
    """One product or service of an organisation, with the hosts and SDKs that belong to it."""

    id: str
    org: str
    """Common name of the organisation ("Meta", "Google")."""
    legal_name: str
    parent: str
    """Common name of the owning group ("Alphabet"), or "" when the organisation has none."""
    country: str
    """ISO 3166-1 alpha-2 code of the organisation's headquarters, "" when the source has none."""
    purpose: str
    product: str = ""
    hosts: tuple[str, ...] = ()
    sdk: tuple[str, ...] = ()
    note: str = ""
    """The entry's note followed by the organisation's (EEA entity, ownership changes)."""
    source: str = ""
    """Where the fact came from: "phonehome-orgs (entry google-admob)", "user list: tds.json"."""
    org_id: str = ""
    tracker: bool = field(default=False)
    parent_country: str = ""
    """ISO 3166-1 alpha-2 code of the parent's headquarters (the organisation's own when it has
    no parent), "" when unknown."""
    dpf: str = "unknown"
    """EU-US Data Privacy Framework certification: "yes", "no" or "unknown" (see `dpf_checked`)."""
    dpf_checked: str = ""
    """ISO date on which `dpf` was checked, "" for entries from user lists."""

    @property
    def group(self) -> str:
        """The corporate group: the parent if there is one, else the organisation itself."""
        return self.parent or self.org


def _is_tracker(purpose: str) -> bool:
    return purpose not in NON_TRACKING_PURPOSES


# ---------------------------------------------------------------------------------------------
# Host patterns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pattern:
    text: str
    kind: Literal["exact", "suffix", "wildcard"]
    score: int
    """Literal characters: the specificity used to pick between suffix and wildcard matches."""
    order: int
    entry: OrgEntry
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Match:
    entry: OrgEntry
    pattern: str


def check_host_pattern(pattern: str) -> str:
    """`pattern` if it is a valid host pattern, else ValueError saying why."""
    if pattern != pattern.strip().lower():
        raise ValueError(f"host pattern {pattern!r} must be lower case without spaces")
    if not _HOST_PATTERN_RE.match(pattern):
        raise ValueError(f"host pattern {pattern!r} is not a host name, *.domain or a label wildcard")
    rest = pattern[2:] if pattern.startswith("*.") else pattern
    if pattern.startswith("*.") and "*" in rest:
        raise ValueError(f"host pattern {pattern!r} mixes a *. suffix with a label wildcard")
    if "." not in rest and not pattern.startswith("*."):
        raise ValueError(f"host pattern {pattern!r} has a single label")
    if "*" in rest and rest.split(".")[-1].count("*"):
        raise ValueError(f"host pattern {pattern!r} has a wildcard in its last label")
    return pattern


class HostMatcher:
    """Host → most specific `Match`, over the patterns of the entries added to it."""

    def __init__(self) -> None:
        self._exact: dict[str, _Pattern] = {}
        self._suffix: dict[str, _Pattern] = {}
        self._wild: dict[str, list[_Pattern]] = {}
        self._order = 0
        self.pattern_count = 0

    def add(self, entry: OrgEntry, *, strict: bool = True) -> None:
        """Add the host patterns of `entry`. With `strict`, a pattern already added is an error;
        otherwise the first one added is kept."""
        for text in entry.hosts:
            check_host_pattern(text)
            self._order += 1
            if text.startswith("*."):
                domain = text[2:]
                p = _Pattern(text, "suffix", len(text) - 1, self._order, entry)
                table: dict[str, _Pattern] = self._suffix
                key = domain
            elif "*" in text:
                labels = text.split(".")
                last_wild = max(i for i, label in enumerate(labels) if "*" in label)
                key = ".".join(labels[last_wild + 1 :])
                regex = re.compile(
                    r"\.".join("[^.]*".join(re.escape(part) for part in label.split("*")) for label in labels)
                )
                p = _Pattern(text, "wildcard", len(text) - text.count("*"), self._order, entry, regex)
                existing = next((w for w in self._wild.get(key, ()) if w.text == text), None)
                if existing is not None:
                    if strict:
                        raise ValueError(
                            f"host pattern {text!r} is in both {existing.entry.id} and {entry.id}"
                        )
                    continue
                self._wild.setdefault(key, []).append(p)
                self.pattern_count += 1
                continue
            else:
                p = _Pattern(text, "exact", len(text), self._order, entry)
                table = self._exact
                key = text
            existing_p = table.get(key)
            if existing_p is not None:
                if strict:
                    raise ValueError(f"host pattern {text!r} is in both {existing_p.entry.id} and {entry.id}")
                continue
            table[key] = p
            self.pattern_count += 1

    def match(self, host: str) -> Match | None:
        """The most specific match for a normalised (lower-case, no trailing dot) host name."""
        exact = self._exact.get(host)
        if exact is not None:
            return Match(exact.entry, exact.text)
        best: _Pattern | None = None
        suffix_seen = False
        labels = host.split(".")
        for i in range(len(labels)):
            tail = ".".join(labels[i:])
            if not suffix_seen:
                # The first (longest) suffix found is the most specific suffix.
                suffix = self._suffix.get(tail)
                if suffix is not None:
                    suffix_seen = True
                    if _better(suffix, best):
                        best = suffix
            for wild in self._wild.get(tail, ()):
                if wild.regex is not None and wild.regex.fullmatch(host) and _better(wild, best):
                    best = wild
        return Match(best.entry, best.text) if best is not None else None


def _better(candidate: _Pattern, best: _Pattern | None) -> bool:
    if best is None:
        return True
    if candidate.score != best.score:
        return candidate.score > best.score
    if candidate.kind != best.kind:
        return candidate.kind == "suffix"
    return candidate.order < best.order


# ---------------------------------------------------------------------------------------------
# SDK prefixes
# ---------------------------------------------------------------------------------------------


def frame_class(frame: str) -> str:
    """The class name in one stack frame as the hooks report it.

    Java: ``com.appsflyer.internal.AFb1x.run(AFb1x.java:12)`` or ``at com.a.B.c(...)``;
    Objective-C: ``-[FIRAnalytics logEventWithName:parameters:]``; anything else: the text up to
    the first space or parenthesis.
    """
    text = frame.strip()
    if text.startswith("at "):
        text = text[3:].lstrip()
    bracket = text.find("[")
    if bracket != -1 and text[bracket - 1 : bracket] in ("-", "+"):
        inner = text[bracket + 1 :]
        return inner.split(" ", 1)[0].split("(", 1)[0].rstrip("]")
    return text.split("(", 1)[0].split(" ", 1)[0]


class SdkIndex:
    """Class-name prefix → `OrgEntry`; the longest prefix wins; `None` marks a library prefix
    (frameworks such as React Native) that collects nothing itself."""

    _CACHE_LIMIT = 16384

    def __init__(self) -> None:
        self._prefixes: dict[str, OrgEntry | None] = {}
        self._lengths: list[int] = []
        self._cache: dict[str, tuple[str, OrgEntry] | None] = {}

    def add(self, prefix: str, entry: OrgEntry | None) -> None:
        if not prefix or prefix != prefix.strip():
            raise ValueError(f"SDK prefix {prefix!r} is empty or has spaces")
        existing = self._prefixes.get(prefix, ...)
        if existing is not ...:
            where = existing.id if isinstance(existing, OrgEntry) else "non_sdk"
            raise ValueError(
                f"SDK prefix {prefix!r} is in both {where} and {entry.id if entry else 'non_sdk'}"
            )
        self._prefixes[prefix] = entry
        if len(prefix) not in self._lengths:
            self._lengths = sorted({*self._lengths, len(prefix)}, reverse=True)
        self._cache.clear()

    def __len__(self) -> int:
        return sum(1 for v in self._prefixes.values() if v is not None)

    def for_class(self, name: str) -> OrgEntry | None:
        """The entry whose longest prefix starts `name`; None for none or a library prefix."""
        hit = self.match_class(name)
        return hit[1] if hit is not None else None

    def match_class(self, name: str) -> tuple[str, OrgEntry] | None:
        """(matched prefix, entry) for the longest prefix starting `name`, or None."""
        try:
            return self._cache[name]
        except KeyError:
            pass
        found: tuple[str, OrgEntry] | None = None
        # With a dot appended, a package name ("com.appsflyer") also meets its own prefix.
        candidate = name + "."
        for length in self._lengths:
            if length > len(candidate):
                continue
            prefix = candidate[:length]
            hit = self._prefixes.get(prefix, ...)
            if hit is not ...:
                found = (prefix, hit) if isinstance(hit, OrgEntry) else None
                break
        if len(self._cache) >= self._CACHE_LIMIT:
            self._cache.clear()
        self._cache[name] = found
        return found


# ---------------------------------------------------------------------------------------------
# The bundled database
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgRecord:
    id: str
    name: str
    legal_name: str
    parent: str
    country: str
    """ISO 3166-1 alpha-2 of the headquarters of `legal_name`, or "unknown"."""
    parent_country: str
    """ISO 3166-1 alpha-2 of the parent's headquarters (`country` when there is no parent), or
    "unknown"."""
    dpf: str
    """EU-US Data Privacy Framework certification: one of `DPF_STATES`."""
    dpf_checked: dt.date
    note: str = ""
    apps: tuple[str, ...] = ()


def _known(country: str) -> str:
    return "" if country == UNKNOWN_COUNTRY else country


def _country(table: Mapping[str, Any], key: str, where: str) -> str:
    value = _str(table, key, where)
    if value != UNKNOWN_COUNTRY and not _COUNTRY_RE.match(value):
        raise ValueError(f"{where}: {key} {value!r} is not an ISO 3166-1 alpha-2 code or {UNKNOWN_COUNTRY!r}")
    return value


def _dpf(table: Mapping[str, Any], where: str) -> tuple[str, dt.date]:
    value = table.get("dpf")
    if not isinstance(value, dict):
        raise ValueError(f'{where}: dpf is missing (dpf = {{ certified = "unknown", checked = YYYY-MM-DD }})')
    certified = value.get("certified")
    if certified not in DPF_STATES:
        raise ValueError(f"{where}: dpf.certified {certified!r} is not one of {DPF_STATES}")
    checked = value.get("checked")
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked)
        except ValueError as e:
            raise ValueError(f"{where}: dpf.checked {checked!r} is not a date (YYYY-MM-DD)") from e
    if isinstance(checked, dt.datetime) or not isinstance(checked, dt.date):
        raise ValueError(f"{where}: dpf.checked must be a date (YYYY-MM-DD)")
    return certified, checked


@dataclass
class OrgDB:
    """The bundled phonehome-orgs database, validated and indexed."""

    meta: dict[str, Any]
    orgs: dict[str, OrgRecord]
    entries: tuple[OrgEntry, ...]
    matcher: HostMatcher
    sdk: SdkIndex
    app_orgs: dict[str, OrgRecord]
    """App package / bundle id (lower case) → the organisation that publishes it."""
    derived: tuple[dict[str, Any], ...] = ()
    """The [meta] tables of the derived entry files loaded with it (name, licence, attribution)."""

    @property
    def pattern_count(self) -> int:
        return self.matcher.pattern_count

    @property
    def org_names(self) -> set[str]:
        return {e.org for e in self.entries}


def _str(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key} must be a string")
    if required and not value.strip():
        raise ValueError(f"{where}: {key} is missing")
    return value.strip()


def _strs(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def parse_db(
    data: Mapping[str, Any], *, name: str = DB_NAME, derived: Sequence[Mapping[str, Any]] = ()
) -> OrgDB:
    """Validate and index a parsed orgs.toml, plus derived entry files (`DERIVED_FILES`, parsed)
    whose entries name its organisations; ValueError names the offending org or entry."""
    meta = dict(data.get("meta", {}))
    orgs: dict[str, OrgRecord] = {}
    app_orgs: dict[str, OrgRecord] = {}
    for org_id, table in dict(data.get("orgs", {})).items():
        where = f"orgs.{org_id}"
        country = _country(table, "country", where)
        parent = _str(table, "parent", where, required=False)
        parent_country = _country(table, "parent_country", where)
        if not parent and parent_country != country:
            raise ValueError(
                f"{where}: has no parent, so parent_country ({parent_country}) must be its country ({country})"
            )
        dpf, dpf_checked = _dpf(table, where)
        record = OrgRecord(
            id=org_id,
            name=_str(table, "name", where),
            legal_name=_str(table, "legal_name", where),
            parent=parent,
            country=country,
            parent_country=parent_country,
            dpf=dpf,
            dpf_checked=dpf_checked,
            note=_str(table, "note", where, required=False),
            apps=_strs(table, "apps", where),
        )
        orgs[org_id] = record
        for app in record.apps:
            if app.lower() in app_orgs:
                raise ValueError(f"{where}: app {app} is also listed under {app_orgs[app.lower()].id}")
            app_orgs[app.lower()] = record
    _check_parent_countries(orgs)

    matcher = HostMatcher()
    sdk = SdkIndex()
    for prefix in _strs(data.get("non_sdk", {}), "prefixes", "non_sdk"):
        sdk.add(prefix, None)
    entries: list[OrgEntry] = []
    seen: set[str] = set()
    sources: list[tuple[str, Mapping[str, Any]]] = [(name, table) for table in data.get("entries", [])]
    derived_meta: list[dict[str, Any]] = []
    for extra in derived:
        extra_meta = dict(extra.get("meta", {}))
        extra_name = _str(extra_meta, "name", "derived file meta")
        for key in ("licence", "attribution", "source"):
            _str(extra_meta, key, f"{extra_name} meta")
        derived_meta.append(extra_meta)
        sources.extend((extra_name, table) for table in extra.get("entries", []))
    for source_name, table in sources:
        entry_id = _str(table, "id", "entries")
        where = f"entry {entry_id}"
        if entry_id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(entry_id)
        org_id = _str(table, "org", where)
        if org_id not in orgs:
            raise ValueError(f"{where}: org {org_id!r} is not defined under [orgs]")
        record = orgs[org_id]
        purpose = _str(table, "purpose", where)
        if purpose not in PURPOSES or purpose == "first_party":
            raise ValueError(f"{where}: purpose {purpose!r} is not one of {PURPOSES} (first_party excluded)")
        hosts = _strs(table, "hosts", where)
        sdk_prefixes = _strs(table, "sdk", where)
        if not hosts and not sdk_prefixes:
            raise ValueError(f"{where}: has neither hosts nor sdk prefixes")
        entry = OrgEntry(
            id=entry_id,
            org=record.name,
            legal_name=record.legal_name,
            parent=record.parent,
            country=_known(record.country),
            parent_country=_known(record.parent_country),
            dpf=record.dpf,
            dpf_checked=record.dpf_checked.isoformat(),
            purpose=purpose,
            product=_str(table, "product", where),
            hosts=hosts,
            sdk=sdk_prefixes,
            note=" ".join(n for n in (_str(table, "note", where, required=False), record.note) if n),
            source=f"{source_name} (entry {entry_id})",
            org_id=org_id,
            tracker=_is_tracker(purpose),
        )
        try:
            matcher.add(entry)
            for prefix in sdk_prefixes:
                sdk.add(prefix, entry)
        except ValueError as e:
            raise ValueError(f"{where}: {e}") from e
        entries.append(entry)
    return OrgDB(meta, orgs, tuple(entries), matcher, sdk, app_orgs, tuple(derived_meta))


def _check_parent_countries(orgs: Mapping[str, OrgRecord]) -> None:
    """A parent that is itself an organisation in the database must have one country."""
    by_name = {r.name: r for r in orgs.values()}
    for record in orgs.values():
        parent = by_name.get(record.parent)
        if parent is not None and parent.country != record.parent_country:
            raise ValueError(
                f"orgs.{record.id}: parent_country {record.parent_country} differs from the country "
                f"of its parent {parent.name} ({parent.country}, orgs.{parent.id})"
            )


def bundled_db_text(file: str = "orgs.toml") -> str:
    return resources.files(__package__).joinpath("data", file).read_text(encoding="utf-8")


@functools.cache
def bundled_db() -> OrgDB:
    """The bundled database (orgs.toml and the derived entry files), parsed once per process."""
    return parse_db(
        tomllib.loads(bundled_db_text()),
        derived=[tomllib.loads(bundled_db_text(file)) for file in DERIVED_FILES],
    )


# ---------------------------------------------------------------------------------------------
# User-supplied lists
# ---------------------------------------------------------------------------------------------

FORMATS = {
    "ddg": "DuckDuckGo Tracker Radar",
    "disconnect": "Disconnect services.json",
    "ghostery": "Ghostery TrackerDB",
}
KNOWN_LICENCES = {
    "ddg": "CC BY-NC-SA 4.0 (DuckDuckGo Tracker Radar)",
    "disconnect": "GPL-3.0 or later (Disconnect tracking protection lists; see the file's license field)",
    "ghostery": "CC BY-NC-SA 4.0 (Ghostery TrackerDB)",
}

# Ordered: the first category that applies gives the purpose.
_DDG_PURPOSES: tuple[tuple[str, str], ...] = (
    ("Advertising", "advertising"),
    ("Ad Motivated Tracking", "advertising"),
    ("Ad Fraud", "advertising"),
    ("Third-Party Analytics Marketing", "analytics"),
    ("Analytics", "analytics"),
    ("Audience Measurement", "analytics"),
    ("Session Replay", "analytics"),
    ("Action Pixels", "analytics"),
    ("Tag Manager", "analytics"),
    ("Social Network", "social"),
    ("Social - Share", "social"),
    ("Social - Comment", "social"),
    ("Federated Login", "social"),
    ("SSO", "infrastructure"),
    ("CDN", "infrastructure"),
    ("Embedded Content", "infrastructure"),
    ("Online Payment", "infrastructure"),
    ("Badge", "infrastructure"),
    ("Non-tracking", "infrastructure"),
)
_DISCONNECT_PURPOSES = {
    "Advertising": "advertising",
    "Analytics": "analytics",
    "Social": "social",
    "Disconnect": "social",
    "Email": "analytics",
    "EmailAggressive": "analytics",
    "Content": "unknown",
    "FingerprintingInvasive": "unknown",
    "FingerprintingGeneral": "unknown",
    "Cryptomining": "unknown",
}
_GHOSTERY_PURPOSES = {
    "advertising": "advertising",
    "pornvertising": "advertising",
    "site_analytics": "analytics",
    "telemetry": "analytics",
    "email": "analytics",
    "customer_interaction": "customer_engagement",
    "social_media": "social",
    "comments": "social",
    "cdn": "infrastructure",
    "hosting": "infrastructure",
    "essential": "infrastructure",
    "consent": "infrastructure",
    "utilities": "infrastructure",
    "utility": "infrastructure",
    "audio_video_player": "infrastructure",
}
_PURPOSE_RANK = {p: i for i, p in enumerate(PURPOSES)}


@dataclass(frozen=True)
class UserList:
    """Entries loaded from one user-supplied file or directory."""

    path: Path
    format: str
    entries: tuple[OrgEntry, ...]
    licence: str

    @property
    def label(self) -> str:
        return f"{self.path.name} ({FORMATS[self.format]})"


def _domain_of(value: str) -> str | None:
    text = value.strip().lower().rstrip(".")
    if text.startswith("*."):
        text = text[2:]
    if not text or "/" in text or " " in text:
        return None
    try:
        check_host_pattern(f"*.{text}")
    except ValueError:
        return None
    return text


def detect_format(data: Any) -> str | None:
    """ "ddg", "disconnect", "ghostery" or None, from the parsed JSON of one file."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("organizations"), dict) and isinstance(data.get("patterns"), dict):
        return "ghostery"
    categories = data.get("categories")
    if isinstance(categories, dict) and all(isinstance(v, list) for v in categories.values()):
        return "disconnect"
    if isinstance(data.get("domain"), str) and isinstance(data.get("owner", {}), dict):
        return "ddg"
    if isinstance(data.get("trackers"), dict):
        return "ddg"
    return None


def _ddg_records(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    if isinstance(data.get("trackers"), dict):
        for domain, record in data["trackers"].items():
            if isinstance(record, dict):
                yield {"domain": domain, **record}
    else:
        yield data


def _from_ddg(data: Mapping[str, Any], source: str) -> Iterator[OrgEntry]:
    for record in _ddg_records(data):
        domain = _domain_of(str(record.get("domain", "")))
        if domain is None:
            continue
        owner = record.get("owner") or {}
        if not isinstance(owner, dict):
            owner = {}
        legal = str(owner.get("name") or "").strip()
        org = str(owner.get("displayName") or legal).strip() or "unknown"
        categories = [c for c in record.get("categories") or () if isinstance(c, str)]
        purpose = next((p for cat, p in _DDG_PURPOSES if cat in categories), "unknown")
        yield OrgEntry(
            id=f"ddg:{domain}",
            org=org,
            legal_name=legal,
            parent="",
            country="",
            purpose=purpose,
            product=", ".join(categories),
            hosts=(f"*.{domain}",),
            source=source,
            # Tracker Radar lists third-party requests seen across many sites; a listed domain
            # is a tracker unless its categories say it is infrastructure.
            tracker=purpose != "infrastructure",
        )


def _from_disconnect(data: Mapping[str, Any], source: str) -> Iterator[OrgEntry]:
    best: dict[str, tuple[int, OrgEntry]] = {}
    for category, services in data["categories"].items():
        purpose = _DISCONNECT_PURPOSES.get(category, "unknown")
        for service in services:
            if not isinstance(service, dict):
                continue
            for company, sites in service.items():
                if not isinstance(sites, dict):
                    continue
                for site, domains in sites.items():
                    if not isinstance(domains, list):
                        continue  # flags such as "dnt": "eff" or "performance": "true"
                    for raw in domains:
                        domain = _domain_of(str(raw))
                        if domain is None:
                            continue
                        entry = OrgEntry(
                            id=f"disconnect:{domain}",
                            org=str(company),
                            legal_name=str(company),
                            parent="",
                            country="",
                            purpose=purpose,
                            product=f"{category} ({site})",
                            hosts=(f"*.{domain}",),
                            source=source,
                            tracker=True,  # everything on the tracking-protection list is a tracker
                        )
                        rank = _PURPOSE_RANK.get(purpose, len(_PURPOSE_RANK))
                        if domain not in best or rank < best[domain][0]:
                            best[domain] = (rank, entry)
    for _, entry in best.values():
        yield entry


def _from_ghostery(data: Mapping[str, Any], source: str) -> Iterator[OrgEntry]:
    organizations = data.get("organizations") or {}
    patterns = data.get("patterns") or {}
    domains: dict[str, str] = {}
    for pattern_id, pattern in patterns.items():
        if isinstance(pattern, dict):
            for raw in pattern.get("domains") or ():
                domains.setdefault(str(raw), pattern_id)
    for raw, pattern_id in dict(data.get("domains") or {}).items():
        domains.setdefault(str(raw), str(pattern_id))
    for raw, pattern_id in domains.items():
        domain = _domain_of(raw)
        pattern = patterns.get(pattern_id)
        if domain is None or not isinstance(pattern, dict):
            continue
        org = organizations.get(pattern.get("organization") or "") or {}
        category = str(pattern.get("category") or "")
        purpose = _GHOSTERY_PURPOSES.get(category, "unknown")
        country = str(org.get("country") or "").strip().upper()
        yield OrgEntry(
            id=f"ghostery:{domain}",
            org=str(org.get("name") or "unknown"),
            legal_name=str(org.get("name") or ""),
            parent="",
            country=country if _COUNTRY_RE.match(country) else "",
            purpose=purpose,
            product=str(pattern.get("name") or pattern_id),
            hosts=(f"*.{domain}",),
            source=source,
            tracker=purpose not in ("infrastructure",),
        )


_PARSERS = {"ddg": _from_ddg, "disconnect": _from_disconnect, "ghostery": _from_ghostery}


def _json_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not files:
            raise ValueError(f"{path}: directory has no .json files")
        return files
    if not path.is_file():
        raise ValueError(f"{path}: no such file or directory")
    return [path]


def load_user_list(path: Path | str) -> UserList:
    """Entries from a Tracker Radar, Disconnect or Ghostery file (or a directory of Tracker
    Radar domain files), format detected from the content. ValueError if unreadable or of an
    unknown format."""
    path = Path(path)
    entries: list[OrgEntry] = []
    formats: set[str] = set()
    licence = ""
    for file in _json_files(path):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"{file}: not readable as JSON ({e})") from e
        fmt = detect_format(data)
        if fmt is None:
            raise ValueError(
                f"{file}: not a DuckDuckGo Tracker Radar, Disconnect services.json or Ghostery TrackerDB file"
            )
        formats.add(fmt)
        if isinstance(data.get("license"), str) and not licence:
            licence = data["license"].strip()
        source = f"user list: {path.name} ({FORMATS[fmt]})"
        entries.extend(_PARSERS[fmt](data, source))
    if len(formats) > 1:
        raise ValueError(f"{path}: mixes list formats {sorted(formats)}; pass each list separately")
    fmt = formats.pop()
    return UserList(path, fmt, tuple(entries), licence or KNOWN_LICENCES[fmt])


def user_matcher(lists: Iterable[UserList]) -> HostMatcher:
    """One matcher over all user lists; on equal specificity the earlier list wins."""
    matcher = HostMatcher()
    for user_list in lists:
        for entry in user_list.entries:
            matcher.add(entry, strict=False)
    return matcher


def entries_for_org(db: OrgDB, name: str) -> Sequence[OrgEntry]:
    return [e for e in db.entries if e.org == name]
