"""Who receives the data: host → organisation, tracker purpose, first or third party, country.

    >>> d = Destinations(app="com.example.shop")
    >>> d.lookup("graph.facebook.com").org
    'Meta'
    >>> d.lookup("api.example.com").party
    'first'

Order of precedence in `Destinations.lookup` (the `source` field says which one applied):

1. IP literals and ``localhost``: loopback is this device; private, link-local and unique-local
   addresses are the local network; other addresses stay unknown (domain = the address).
2. ``first_party`` domains given by the user (``--first-party``): the host equals one or is under it.
3. The app's publisher as listed in the bundled database (``apps`` of an organisation, e.g.
   TikTok for ``com.zhiliaoapp.musically``): hosts of that corporate group are first party.
4. The domain inferred from the app package: the leading labels reversed until they form a
   registrable domain (``com.example.shop`` → ``example.com``, ``uk.co.bbc.iplayer`` →
   ``bbc.co.uk``, ``io.github.someone.app`` → ``someone.github.io``). ``example.shop`` is *not*
   assumed: the trailing labels of a package name are product names, not a TLD.
5. The bundled phonehome-orgs database (most specific pattern wins; see `analysis._orgdb`).
6. User-supplied lists (``extra_lists``), in the order given: they only fill gaps, so our own
   reviewed facts are never overridden by a bulk list.
7. Otherwise: org "unknown", purpose "unknown", with the registrable domain. Never guessed.

First-party destinations get purpose ``first_party``, party ``first`` and ``tracker`` False
(``tracker`` means a third-party tracking service); when the database knows the host, its org,
legal name, parent, country and product are kept.

Where the data goes (GDPR Chapter V): every `Destination` of a known organisation carries the
country of the company (``country``) and of its parent (``parent_country``), and its EU-US Data
Privacy Framework certification (``dpf``: yes/no/unknown, checked on ``dpf_checked``).
`countries_db` gives the EU/EEA members and the EU adequacy decisions (``data/countries.toml``,
with the date it was compiled); `is_eu_eea` and `adequacy_for` look one country up.

Registrable domains come from tldextract's bundled Public Suffix List snapshot (ICANN section,
so ``d1.cloudfront.net`` → ``cloudfront.net``); it never fetches anything.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tldextract

from ._countrydb import Adequacy, CountryDB, bundled_countries
from ._orgdb import (
    HostMatcher,
    Match,
    OrgDB,
    OrgEntry,
    UserList,
    bundled_db,
    frame_class,
    load_user_list,
    user_matcher,
)
from .schema import Col

__all__ = [
    "Adequacy",
    "COUNTRY_NAMES",
    "CountryDB",
    "adequacy_for",
    "countries_db",
    "is_eu_eea",
    "Destination",
    "Destinations",
    "OrgEntry",
    "UserList",
    "infer_app_domain",
    "load_user_list",
    "org_for_package",
    "orgs_db",
    "registrable_domain",
    "PathShape",
    "SdkMatch",
    "sdk_for_stack",
    "self_hosted_software",
    "sdk_match_for_stack",
]

Party = Literal["first", "third"]

COUNTRY_NAMES = {
    "AD": "Andorra",
    "AE": "United Arab Emirates",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "BY": "Belarus",
    "CA": "Canada",
    "CH": "Switzerland",
    "CN": "China",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FO": "Faroe Islands",
    "FR": "France",
    "GB": "United Kingdom",
    "GG": "Guernsey",
    "GR": "Greece",
    "HK": "Hong Kong",
    "HR": "Croatia",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IM": "Isle of Man",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JE": "Jersey",
    "JP": "Japan",
    "KR": "South Korea",
    "KY": "Cayman Islands",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "RU": "Russia",
    "SA": "Saudi Arabia",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "TH": "Thailand",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "United States",
    "UY": "Uruguay",
    "VN": "Vietnam",
    "ZA": "South Africa",
}

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
"""Bundled PSL snapshot only: no URL to fetch, no cache directory to write."""


@dataclass(frozen=True, slots=True)
class Destination:
    """What phonehome knows about one host."""

    host: str
    domain: str
    """Registrable domain (eTLD+1), or the address for IP literals, or the host if it has no
    public suffix (``localhost``, ``printer.local``)."""
    org: str
    """Common name ("Meta"); "unknown" when nothing is known; "first party (example.com)" for
    first-party hosts the database does not know."""
    legal_name: str
    parent: str
    purpose: str
    """One of `analysis.schema.PURPOSES`."""
    party: Party
    country: str
    """ISO 3166-1 alpha-2 code of the organisation's headquarters, "" when unknown."""
    source: str
    tracker: bool
    pattern: str
    """The host pattern that matched, "" when none did."""
    product: str = ""
    note: str = ""
    """Caveats from the database: the EEA contracting entity, ownership changes, shared domains."""
    parent_country: str = ""
    """ISO 3166-1 alpha-2 code of the parent's headquarters (the organisation's own when it has no
    parent), "" when unknown."""
    dpf: str = "unknown"
    """EU-US Data Privacy Framework certification of the organisation: "yes", "no", "unknown"."""
    dpf_checked: str = ""
    """ISO date on which `dpf` was checked; "" when nothing was checked (unknown hosts)."""

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES.get(self.country, self.country)

    @property
    def parent_country_name(self) -> str:
        return COUNTRY_NAMES.get(self.parent_country, self.parent_country)

    @property
    def known(self) -> bool:
        return self.org != "unknown"

    def as_row(self) -> dict[str, Any]:
        """The destination columns of a findings row (`analysis.schema.Col`)."""
        return {
            Col.host: self.host,
            Col.domain: self.domain,
            Col.org: self.org,
            Col.parent: self.parent,
            Col.purpose: self.purpose,
            Col.party: self.party,
            Col.country: self.country,
            Col.org_source: self.source,
        }


def normalise_host(host: str) -> str:
    """Lower case, no brackets around IPv6, no trailing dot, no port."""
    text = host.strip().lower()
    if text.startswith("[") and "]" in text:
        inner = text[1 : text.index("]")]
        if _ip(inner) is not None:
            return inner
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def registrable_domain(host: str, *, private: bool = False) -> str:
    """eTLD+1 of a normalised host; the host itself if it has no public suffix or is an IP.
    With `private`, the PSL's private section counts too (``user.github.io``)."""
    result = _EXTRACT(host, include_psl_private_domains=private)
    if result.domain and result.suffix:
        return f"{result.domain}.{result.suffix}"
    return host


def infer_app_domain(app: str) -> str | None:
    """The publisher's domain from an app package / bundle id, or None if none can be formed.

    The leading labels are reversed, two at first, more while they only form a public suffix:
    ``com.example.shop`` → ``example.com``; ``uk.co.bbc.iplayer`` → ``bbc.co.uk``.
    """
    labels = [label for label in app.strip().lower().split(".") if label]
    for count in range(2, min(len(labels), 4) + 1):
        candidate = ".".join(reversed(labels[:count]))
        result = _EXTRACT(candidate, include_psl_private_domains=True)
        if not result.suffix:
            return None  # the first label is not a top-level domain: not a reverse-DNS name
        if result.domain and f"{result.domain}.{result.suffix}" == candidate:
            return candidate
    return None


_IPV4_CHARS = frozenset("0123456789.")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if ":" not in host and not _IPV4_CHARS.issuperset(host):
        return None  # a host name: skip the (exception-raising) parse
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _check_first_party(domain: str) -> str:
    text = normalise_host(domain)
    if text.startswith("*."):
        text = text[2:]
    if not text or " " in text or "/" in text:
        raise ValueError(f"first-party domain {domain!r} is not a domain name")
    if _ip(text) is None:
        result = _EXTRACT(text)
        if result.suffix and not result.domain:
            raise ValueError(f"first-party domain {domain!r} is a public suffix, not a domain")
    return text


class Destinations:
    """Host → `Destination`, with the first party of one app and optional user lists.

    Args:
        first_party: domains the user declares first party (the host equals or is under one).
        app: the app's package name / bundle id, for the publisher's domain and organisation.
        extra_lists: user-downloaded Tracker Radar / Disconnect / Ghostery files; ValueError if
            one cannot be read or its format is not recognised.
        db: the organisation database; the bundled one by default.
        cache_size: distinct hosts remembered; each lookup after the first is a dict hit.
    """

    def __init__(
        self,
        *,
        first_party: Sequence[str] = (),
        app: str | None = None,
        extra_lists: Sequence[Path | str] = (),
        db: OrgDB | None = None,
        cache_size: int = 65536,
    ) -> None:
        self.db = db if db is not None else bundled_db()
        self.first_party = tuple(dict.fromkeys(_check_first_party(d) for d in first_party))
        self.app = app.strip() if app else None
        self.app_domain = infer_app_domain(self.app) if self.app else None
        publisher = self.db.app_orgs.get(self.app.lower()) if self.app else None
        self.app_org = publisher.name if publisher else None
        self.app_group = (publisher.parent or publisher.name) if publisher else None
        self.user_lists: tuple[UserList, ...] = tuple(load_user_list(p) for p in extra_lists)
        self._user: HostMatcher | None = user_matcher(self.user_lists) if self.user_lists else None
        self.lookup = functools.lru_cache(maxsize=cache_size)(self._lookup)  # type: ignore[method-assign]

    def lookup(self, host: str) -> Destination:  # replaced by a cached wrapper per instance
        return self._lookup(host)

    def lookup_request(self, host: str, path: str) -> Destination:
        """`lookup(host)`, and when the database does not know the host, the self-hosted software
        the request's path belongs to (`self_hosted_software`): the product and purpose are
        filled in, the organisation stays what the host says (the operator of a self-hosted
        server is not the software's maker)."""
        d = self.lookup(host)
        if d.party == "third" and d.org != "unknown":
            return d  # the database or a user list names the receiver
        if d.party == "first" and d.product:
            return d
        shape = self_hosted_software(path)
        if shape is None:
            return d
        note = f"{shape.documented}; self-hosted {shape.software} runs on its operator's own server"
        if d.party == "first":
            return dataclasses.replace(
                d, product=f"self-hosted {shape.software}", note=" ".join(x for x in (d.note, note) if x)
            )
        return dataclasses.replace(
            d,
            purpose=shape.purpose,
            tracker=True,
            product=f"self-hosted {shape.software}",
            note=f"{note}; the operator of this server is not known",
            source=f"{d.source}; path shape: {shape.software} ({shape.documented})",
        )

    def sdk_for_stack(self, frames: Sequence[str]) -> OrgEntry | None:
        return sdk_for_stack(frames, db=self.db)

    # -----------------------------------------------------------------------------------------

    def _lookup(self, host: str) -> Destination:
        name = normalise_host(host)
        if not name:
            return self._unknown(host, "", "empty host name")
        address = _ip(name)
        if address is not None or name == "localhost" or name.endswith(".localhost"):
            if name in self.first_party:
                return self._first(host, name, None, name, f"first-party: --first-party {name}", name)
            return self._address(host, name, address)
        domain = registrable_domain(name)
        match = self.db.matcher.match(name)

        for fp in self.first_party:
            if _under(name, fp):
                return self._first(host, domain, match, f"*.{fp}", f"first-party: --first-party {fp}", fp)
        if match is not None and self.app_group is not None and match.entry.group == self.app_group:
            return self._first(
                host,
                domain,
                match,
                match.pattern,
                f"first-party: app {self.app} is published by {self.app_org}, group "
                f"{self.app_group} ({self.db.meta.get('name', 'phonehome-orgs')} entry {match.entry.id})",
                domain,
            )
        if self.app_domain is not None and _under(name, self.app_domain):
            return self._first(
                host,
                domain,
                match,
                f"*.{self.app_domain}",
                f"inferred from app package {self.app}",
                self.app_domain,
            )
        if match is not None:
            return self._third(host, domain, match)
        if self._user is not None:
            user_match = self._user.match(name)
            if user_match is not None:
                return self._third(host, domain, user_match)
        lists = " or user lists" if self.user_lists else ""
        return self._unknown(host, domain, f"no match in {self.db.meta.get('name', 'phonehome-orgs')}{lists}")

    def _third(self, host: str, domain: str, match: Match) -> Destination:
        e = match.entry
        return Destination(
            host=host,
            domain=domain,
            org=e.org,
            legal_name=e.legal_name,
            parent=e.parent,
            purpose=e.purpose,
            party="third",
            country=e.country,
            source=e.source,
            tracker=e.tracker,
            pattern=match.pattern,
            product=e.product,
            note=e.note,
            parent_country=e.parent_country,
            dpf=e.dpf,
            dpf_checked=e.dpf_checked,
        )

    def _first(
        self, host: str, domain: str, match: Match | None, pattern: str, source: str, fp: str
    ) -> Destination:
        if match is not None:
            e = match.entry
            return Destination(
                host=host,
                domain=domain,
                org=e.org,
                legal_name=e.legal_name,
                parent=e.parent,
                purpose="first_party",
                party="first",
                country=e.country,
                source=source,
                tracker=False,
                pattern=pattern,
                product=e.product,
                note=e.note,
                parent_country=e.parent_country,
                dpf=e.dpf,
                dpf_checked=e.dpf_checked,
            )
        return Destination(
            host=host,
            domain=domain,
            org=f"first party ({fp})",
            legal_name="",
            parent="",
            purpose="first_party",
            party="first",
            country="",
            source=source,
            tracker=False,
            pattern=pattern,
        )

    def _unknown(self, host: str, domain: str, source: str) -> Destination:
        return Destination(
            host=host,
            domain=domain,
            org="unknown",
            legal_name="",
            parent="",
            purpose="unknown",
            party="third",
            country="",
            source=source,
            tracker=False,
            pattern="",
        )

    def _address(
        self, host: str, name: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    ) -> Destination:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address is None or address.is_loopback:
            return Destination(
                host=host,
                domain=name,
                org="this device",
                legal_name="",
                parent="",
                purpose="first_party",
                party="first",
                country="",
                tracker=False,
                pattern="",
                source="address: loopback (the data does not leave the device)",
            )
        if address.is_private or address.is_link_local:
            return Destination(
                host=host,
                domain=name,
                org="local network",
                legal_name="",
                parent="",
                purpose="unknown",
                party="third",
                country="",
                tracker=False,
                pattern="",
                source="address: private or link-local network",
            )
        return self._unknown(host, name, "IP address without a host name: not attributed")


# ---------------------------------------------------------------------------------------------
# Self-hosted software, recognised by the request paths its documentation names
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathShape:
    software: str
    purpose: str
    documented: str
    """Which documented endpoint the path matched."""
    regex: re.Pattern[str]


_ANY_PREFIX = r"^/(?:[^?#]*/)?"
PATH_SHAPES: tuple[PathShape, ...] = (
    PathShape(
        "Matomo",
        "analytics",
        "Matomo tracking HTTP API (matomo.php / piwik.php)",
        re.compile(_ANY_PREFIX + r"(?:matomo|piwik)\.php(?:[?#]|$)"),
    ),
    PathShape(
        "Countly",
        "analytics",
        "Countly SDK API (/i, /o/sdk with app_key)",
        re.compile(_ANY_PREFIX + r"(?:i|o/sdk)\?(?:[^#]*&)?app_key="),
    ),
    PathShape(
        "Sentry",
        "crash_reporting",
        "Sentry ingest API (/api/<project>/envelope|store/)",
        re.compile(_ANY_PREFIX + r"api/\d+/(?:envelope|store|minidump|security)/"),
    ),
    PathShape(
        "Elastic APM",
        "crash_reporting",
        "Elastic APM intake API (/intake/v2|v3/.../events)",
        re.compile(r"^/intake/v[23]/(?:rum/)?events(?:[?#]|$)"),
    ),
    PathShape(
        "OpenReplay",
        "analytics",
        "OpenReplay ingest API (/ingest/v1/web/...)",
        re.compile(_ANY_PREFIX + r"ingest/v1/web/(?:start|i|tags|not_started|images)"),
    ),
    PathShape(
        "Snowplow collector",
        "analytics",
        "Snowplow tracker protocol (/com.snowplowanalytics.snowplow/tp2)",
        re.compile(r"^/com\.snowplowanalytics\.(?:snowplow/tp2|iglu/v1)"),
    ),
    PathShape(
        "OpenTelemetry collector",
        "crash_reporting",
        "OTLP/HTTP (/v1/traces, /v1/metrics, /v1/logs)",
        re.compile(_ANY_PREFIX + r"v1/(?:traces|metrics|logs)(?:[?#]|$)"),
    ),
)
"""Endpoints that the software's own documentation defines, distinctive enough that a request to
an unknown host on that path is that software (self-hosted or behind the operator's domain)."""


def self_hosted_software(path: str) -> PathShape | None:
    """The software whose documented endpoint `path` (with its query) is, or None."""
    if not path.startswith("/"):
        return None
    for shape in PATH_SHAPES:
        if shape.regex.search(path):
            return shape
    return None


# ---------------------------------------------------------------------------------------------
# SDK attribution for the hooks
# ---------------------------------------------------------------------------------------------


def orgs_db() -> OrgDB:
    """The bundled organisation database (parsed once per process)."""
    return bundled_db()


def countries_db() -> CountryDB:
    """The bundled EU/EEA and adequacy-decision data (parsed once per process)."""
    return bundled_countries()


def is_eu_eea(country: str) -> bool:
    """True for an EU member state or Iceland, Liechtenstein, Norway (ISO 3166-1 alpha-2)."""
    return bundled_countries().is_eu_eea(country)


def adequacy_for(country: str) -> Adequacy | None:
    """The EU adequacy decision for a country, None if it has none. For the United States the
    decision covers only organisations certified under the Data Privacy Framework
    (`Adequacy.dpf_only`; see `Destination.dpf`)."""
    return bundled_countries().adequacy_for(country)


@dataclass(frozen=True, slots=True)
class SdkMatch:
    """Which SDK a stack belongs to, and why."""

    entry: OrgEntry
    prefix: str
    """The SDK prefix that matched (``com.appsflyer.``, ``FIRAnalytics``)."""
    frame: int
    """Index of the matching frame in the stack as given."""
    class_name: str


def sdk_match_for_stack(frames: Sequence[str], *, db: OrgDB | None = None) -> SdkMatch | None:
    """Like `sdk_for_stack`, with the matching prefix and frame."""
    index = (db or bundled_db()).sdk
    for i, frame in enumerate(frames):
        name = frame_class(frame)
        hit = index.match_class(name)
        if hit is not None:
            return SdkMatch(entry=hit[1], prefix=hit[0], frame=i, class_name=name)
    return None


def sdk_for_stack(frames: Sequence[str], *, db: OrgDB | None = None) -> OrgEntry | None:
    """The SDK of the first frame (in the order given: innermost first, as Java's
    ``getStackTrace`` and the hooks report them) whose class name starts with a known SDK
    prefix; library frames (``java.``, ``okhttp3.``, React Native, the advertising-ID client
    ...) are skipped. None if no frame belongs to a known SDK."""
    match = sdk_match_for_stack(frames, db=db)
    return match.entry if match is not None else None


def org_for_package(prefix: str, *, db: OrgDB | None = None) -> OrgEntry | None:
    """The SDK entry for a Java package or class name (``com.appsflyer``,
    ``com.google.android.gms.ads.AdView``) or an Objective-C class (``FIRAnalytics``)."""
    return (db or bundled_db()).sdk.for_class(prefix.strip())
