"""The country of a server's IP address, from an offline MaxMind DB file the user supplies.

    countries = IpCountries.open("GeoLite2-Country.mmdb")   # --ip-db FILE.mmdb
    countries.country("142.250.185.78")                     # "US"; "" when the file does not say

phonehome ships no IP database and never looks an address up on the network: without `--ip-db`
no server has a country. Any MaxMind-format database with a country record works (GeoLite2/GeoIP2
Country or City, DB-IP Lite, IPinfo's free country file): the ISO code is read from
`country.iso_code`, else `registered_country.iso_code`, else a top-level `country_code`/`country`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import maxminddb


class IpDbError(ValueError):
    """The file is not a readable MaxMind DB."""


@dataclass
class IpCountries:
    path: Path
    _reader: Any
    _cache: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | Path) -> IpCountries:
        path = Path(path)
        try:
            reader = maxminddb.open_database(str(path), maxminddb.MODE_MEMORY)
        except (OSError, ValueError, maxminddb.InvalidDatabaseError) as e:
            raise IpDbError(f"{path}: not a readable MaxMind DB (.mmdb) file: {e}") from None
        return cls(path, reader)

    def country(self, ip: str) -> str:
        """ISO 3166-1 alpha-2 code of `ip`, upper case; "" when unknown or not an address."""
        if ip in self._cache:
            return self._cache[ip]
        code = ""
        try:
            address = ipaddress.ip_address(ip.strip().strip("[]"))
            record = self._reader.get(address)
        except (ValueError, TypeError, maxminddb.InvalidDatabaseError):
            record = None
        if isinstance(record, Mapping):
            code = _iso_code(record)
        self._cache[ip] = code
        return code

    def close(self) -> None:
        self._reader.close()


def _iso_code(record: Mapping[str, Any]) -> str:
    for key in ("country", "registered_country"):
        value = record.get(key)
        if isinstance(value, Mapping) and isinstance(value.get("iso_code"), str):
            return _valid(value["iso_code"])
    for key in ("country_code", "country"):
        value = record.get(key)
        if isinstance(value, str):
            return _valid(value)
    return ""


def _valid(code: str) -> str:
    code = code.strip().upper()
    return code if len(code) == 2 and code.isalpha() and code.isascii() else ""
