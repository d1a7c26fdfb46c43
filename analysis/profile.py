"""The device profile: what the test phone's identifiers and the test person's data really are.

A TOML file (see `captures/sample/device.toml`); every key optional, unknown keys are an error
that names the key. `known_values()` lists what detection searches for in traffic.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from phonehome.store.safefile import UnsafeFile, read_bytes

ValueKind = Literal[
    "id",
    "mac",
    "imei",
    "email",
    "phone",
    "name",
    "address",
    "password",
    "text",
    "ip",
    "ssid",
    "carrier",
    "mcc_mnc",
    "model",
    "version",
    "locale",
    "timezone",
    "package",
    "place",
]


@dataclass(frozen=True, slots=True)
class KnownValue:
    """A value known to belong to the device or the person, to be found in traffic."""

    name: str
    """Where it came from in the profile (`device.android_id`, `contacts[1].phone`) or the hook
    event that observed it (`hook:android.provider.Settings$Secure.getString`)."""
    value: str
    category: str
    kind: ValueKind
    provenance: str = "profile"
    """`profile`, or for runtime values a description of the device read (event id, API, SDK, time)."""


# section -> key -> (category, kind); None for keys that describe the session, not data.
_SCALARS: dict[str, dict[str, tuple[str, ValueKind] | None]] = {
    "device": {
        "platform": None,
        "advertising_id": ("advertising_id", "id"),
        "idfa": ("advertising_id", "id"),
        "android_id": ("device_id", "id"),
        "imei": ("device_id", "imei"),
        "serial": ("device_id", "id"),
        "wifi_mac": ("device_id", "mac"),
        "bluetooth_mac": ("device_id", "mac"),
        "idfv": ("device_id", "id"),
        "wifi_ssid": ("network", "ssid"),
        "wifi_bssid": ("network", "mac"),
        "local_ip": ("network", "ip"),
        "carrier": ("network", "carrier"),
        "mcc_mnc": ("network", "mcc_mnc"),
        "model": ("device_info", "model"),
        "manufacturer": ("device_info", "model"),
        "os_version": ("device_info", "version"),
        "locale": ("device_info", "locale"),
        "timezone": ("device_info", "timezone"),
    },
    "person": {
        "email": ("contact_info", "email"),
        "phone": ("contact_info", "phone"),
        "first_name": ("contact_info", "name"),
        "last_name": ("contact_info", "name"),
        "address": ("contact_info", "address"),
        "street": ("contact_info", "address"),
        "postcode": ("location_coarse", "place"),
        "city": ("location_coarse", "place"),
        "region": ("location_coarse", "place"),
        "country": ("location_coarse", "place"),
        "password": ("credentials", "password"),
    },
    "location": {
        "latitude": ("location_precise", "text"),
        "longitude": ("location_precise", "text"),
    },
    "clipboard": {"text": ("clipboard", "text")},
    "apps": {"under_test": None, "installed": None, "first_party_domains": None},
}
_CONTACT_KEYS: dict[str, tuple[str, ValueKind]] = {
    "name": ("contacts", "name"),
    "phone": ("contacts", "phone"),
    "email": ("contacts", "email"),
}


MAX_CONTACTS = 5_000
"""Contacts in one profile: a test phone's address book, not a directory (100,000 contacts cost
45 s and 2.6 GiB to prepare)."""
MAX_PROFILE_BYTES = 4 << 20
"""A device profile is a few KB; a larger file is refused (it would only slow every search)."""


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class Profile:
    device: dict[str, str] = field(default_factory=dict)
    person: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    contacts: tuple[dict[str, str], ...] = ()
    app_under_test: str | None = None
    installed_apps: tuple[str, ...] = ()
    first_party_domains: tuple[str, ...] = ()
    clipboard: str | None = None
    path: Path | None = None

    @property
    def platform(self) -> str | None:
        return self.device.get("platform")

    def known_values(self) -> list[KnownValue]:
        out: list[KnownValue] = []
        person = {**address_parts(self.person.get("address", "")), **self.person}
        for section, values in (("device", self.device), ("person", person)):
            for key, value in values.items():
                spec = _SCALARS[section][key]
                if spec is not None and value:
                    out.append(KnownValue(f"{section}.{key}", value, *spec))
        if person.get("postcode") and person.get("city"):
            # postcode and city as an address line writes them (`10115 Berlin` in a message's
            # text): long enough to be searched inside free text, unlike each part alone
            line = f"{person['postcode']} {person['city']}"
            out.append(KnownValue("person.postcode_city", line, "location_coarse", "text"))
        if self.latitude is not None:
            out.append(KnownValue("location.latitude", repr(self.latitude), "location_precise", "text"))
        if self.longitude is not None:
            out.append(KnownValue("location.longitude", repr(self.longitude), "location_precise", "text"))
        for i, contact in enumerate(self.contacts):
            for key, value in contact.items():
                if value:
                    out.append(KnownValue(f"contacts[{i}].{key}", value, *_CONTACT_KEYS[key]))
        for i, package in enumerate(self.installed_apps):
            if package != self.app_under_test:
                out.append(KnownValue(f"apps.installed[{i}]", package, "installed_apps", "package"))
        if self.clipboard:
            out.append(KnownValue("clipboard.text", self.clipboard, "clipboard", "text"))
        return out


_POSTCODE_CITY = re.compile(r"^(?:[A-Z]{1,2}[- ])?(\d{4,5})\s+(\S.*)$")


def address_parts(address: str) -> dict[str, str]:
    """`Musterstraße 12, 10117 Berlin` → street, postcode, city: each part is matched alone (SDKs
    and conversion APIs send them as separate, often hashed, fields). Only this common European
    form is split; other forms are left to the explicit `street`/`postcode`/`city` keys."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if len(parts) < 2:
        return {}
    m = _POSTCODE_CITY.match(parts[1])
    if m is None:
        return {}
    out = {"street": parts[0], "postcode": m.group(1), "city": m.group(2)}
    if len(parts) >= 3 and len(parts[2]) == 2 and parts[2].isalpha():
        out["country"] = parts[2]
    return out


def _str(where: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ProfileError(f"{where}: expected a string, got {type(value).__name__}")
    return str(value)


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProfileError(f"{where}: expected a list of strings")
    return tuple(_str(f"{where}[{i}]", v) for i, v in enumerate(value))


def _table(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: expected a table")
    return value


def _check_keys(where: str, table: dict[str, Any], allowed: set[str] | dict[str, Any]) -> None:
    for key in table:
        if key not in allowed:
            raise ProfileError(f"unknown key {where}.{key} (allowed: {', '.join(sorted(allowed))})")


def parse_profile(data: dict[str, Any], path: Path | None = None) -> Profile:
    """A `Profile` from parsed TOML; `ProfileError` names the first unknown or mistyped key."""
    allowed_top = set(_SCALARS) | {"contacts"}
    for key in data:
        if key not in allowed_top:
            raise ProfileError(f"unknown key {key} (allowed: {', '.join(sorted(allowed_top))})")

    device = _table("device", data.get("device", {}))
    _check_keys("device", device, _SCALARS["device"])
    person = _table("person", data.get("person", {}))
    _check_keys("person", person, _SCALARS["person"])
    location = _table("location", data.get("location", {}))
    _check_keys("location", location, _SCALARS["location"])
    apps = _table("apps", data.get("apps", {}))
    _check_keys("apps", apps, _SCALARS["apps"])
    clipboard = _table("clipboard", data.get("clipboard", {}))
    _check_keys("clipboard", clipboard, _SCALARS["clipboard"])

    contacts_raw = data.get("contacts", [])
    if not isinstance(contacts_raw, list):
        raise ProfileError("contacts: expected an array of tables ([[contacts]])")
    if len(contacts_raw) > MAX_CONTACTS:
        raise ProfileError(
            f"contacts: {len(contacts_raw):,} entries, more than the {MAX_CONTACTS:,} phonehome searches traffic for "
            "(each costs about a millisecond and 50 KB to prepare); list the contacts the test phone really holds"
        )
    contacts = []
    for i, entry in enumerate(contacts_raw):
        entry = _table(f"contacts[{i}]", entry)
        _check_keys(f"contacts[{i}]", entry, _CONTACT_KEYS)
        contacts.append({k: _str(f"contacts[{i}].{k}", v) for k, v in entry.items()})

    def coordinate(key: str) -> float | None:
        if key not in location:
            return None
        value = location[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProfileError(f"location.{key}: expected a number")
        return float(value)

    return Profile(
        device={k: _str(f"device.{k}", v) for k, v in device.items()},
        person={k: _str(f"person.{k}", v) for k, v in person.items()},
        latitude=coordinate("latitude"),
        longitude=coordinate("longitude"),
        contacts=tuple(contacts),
        app_under_test=_str("apps.under_test", apps["under_test"]) if "under_test" in apps else None,
        installed_apps=_str_list("apps.installed", apps.get("installed", [])),
        first_party_domains=_str_list("apps.first_party_domains", apps.get("first_party_domains", [])),
        clipboard=_str("clipboard.text", clipboard["text"]) if "text" in clipboard else None,
        path=path,
    )


def load_profile(path: str | Path, *, follow: bool = True) -> Profile:
    """The profile in the TOML file `path` (regular files only; a link only with `follow`)."""
    path = Path(path)
    try:
        data = tomllib.loads(read_bytes(path, follow=follow, limit=MAX_PROFILE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except UnsafeFile as e:
        raise ProfileError(str(e)) from None
    except OSError as e:
        raise ProfileError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise ProfileError(f"{path}: not UTF-8 text: {e.reason} at byte {e.start}") from None
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"{path}: not valid TOML: {e}") from None
    except ValueError as e:  # larger than MAX_PROFILE_BYTES
        raise ProfileError(str(e)) from None
    try:
        return parse_profile(data, path)
    except ProfileError as e:
        raise ProfileError(f"{path}: {e}") from None
