"""Key semantics: what a field or parameter name says about the value stored under it.

`lookup(raw_key)` normalises a name (case, `_-. ` separators, camelCase, a leading `$`/`_`/`@`,
an `x-` header prefix, a trailing index digit as in `imei2`) and finds its `KeyRule` with one dict
lookup; the result is cached per raw name, so the per-leaf cost is a dict hit.

Matching rules:

* the whole normalised name (`gps_adid`, `advertising_id`, `lat`) is looked up first;
* then its token suffixes, longest first (`device_advertising_id` → `advertising_id`,
  `user_email` → `email`), but only for rules marked `suffix_ok` — distinctive names. Generic
  names (`model`, `city`, `iid`, `event`, `q`) match only as the whole name, so `data_model`,
  `view_model`, `app_event_count` do not;
* hash markers (`md5`, `sha1`, `sha256`, `hash`, `hashed`) are removed before lookup and set
  `hashed`, which makes the rule expect a hex digest (`email_sha256`, `mac_md5`, `hashed_phone`);
* a generic child name (`id`, `value`, `uuid`) is read together with its parent
  (`device.id` → `device_id`) by `analysis.detect`.

The rule's `shape` says what the value must look like for a finding; `analysis.detect` checks it
with `analysis.patterns` and sets the confidence.

Schemaless protobuf leaves have field numbers, not names; for SDK hosts whose .proto is public
(`PROTO_SCHEMAS`, e.g. app-measurement.com) `proto_field` names the numbers so the same table
applies. `NON_USER_PLACES` lists names that mark somewhere other than the user (store, venue,
destination, …) for the location rule in `analysis.detect`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class KeyRule:
    name: str
    """Canonical key name, used in the rule id `key:<name>`."""
    category: str
    shape: str
    """What the value must look like: `adid`, `hwid`, `imei`, `meid`, `mac`, `id`, `lat`, `lon`,
    `latlon`, `email`, `phone`, `name`, `text`, `model`, `version`, `locale`, `timezone`,
    `number`, `event`, `search`, `package`, `any`, `password`, `ip`, `mccmnc`, `ua`, `digest`."""
    what: str
    """How the evidence names it: "names an advertising id"."""
    suffix_ok: bool = False
    hashed: bool = False
    container: bool = False
    """The name marks a container: every value under it belongs to the category (stack traces,
    contact lists, app lists); reported once per container."""


# (category, shape, what, suffix_ok, names)
_TABLE: tuple[tuple[str, str, str, bool, str], ...] = (
    (
        "advertising_id",
        "adid",
        "an advertising id",
        True,
        "gps_adid advertising_id advertisingid idfa aaid gaid google_aid google_ad_id "
        "advertiser_id advertising_tracking_id ad_tracking_id google_advertising_id oaid "
        "ad_identifier ifa",
    ),
    ("advertising_id", "adid", "an advertising id", False, "adid ad_id adv_id rdid"),
    (
        "device_id",
        "hwid",
        "a hardware/OS device id",
        True,
        "android_id androidid ssaid idfv identifier_for_vendor vendor_id vendorid ifv serial_number "
        "build_serial device_serial hardware_id openudid udid drm_id widevine_id media_drm_id "
        "app_set_id appsetid imsi iccid sim_serial",
    ),
    ("device_id", "hwid", "a hardware/OS device id", False, "serial asid"),
    ("device_id", "imei", "an IMEI", True, "imei device_imei"),
    ("device_id", "meid", "a MEID", True, "meid"),
    (
        "device_id",
        "mac",
        "a MAC address",
        True,
        "mac mac_address macaddress wifi_mac wlan_mac bluetooth_mac bt_mac mac_addr ethernet_mac",
    ),
    ("network", "mac", "a Wi-Fi BSSID", True, "bssid wifi_bssid ap_mac router_mac"),
    ("network", "text", "a Wi-Fi SSID", True, "ssid wifi_ssid wifi_name network_ssid"),
    (
        "network",
        "text",
        "a mobile carrier",
        True,
        "carrier_name network_operator network_operator_name operator_name sim_operator_name "
        "sim_operator device_carrier sim_carrier mobile_carrier phone_carrier network_carrier",
    ),
    ("network", "text", "a mobile carrier", False, "carrier"),
    (
        "network",
        "text",
        "the carrier's country",
        True,
        "carrier_region sim_country sim_country_iso network_country network_country_iso carrier_country",
    ),
    ("network", "mccmnc", "the carrier's MCC/MNC", True, "mcc_mnc mccmnc mnc_mcc network_code"),
    ("network", "mccmnc", "the carrier's MCC or MNC", False, "mcc mnc"),
    (
        "network",
        "text",
        "the connection type",
        True,
        "connection_type network_type conn_type connectiontype net_type network_connection_type",
    ),
    ("network", "ip", "an IP address", True, "ip_address ipaddress local_ip private_ip client_ip device_ip"),
    ("network", "ip", "an IP address", False, "ip ipv4"),
    ("location_precise", "lat", "a latitude", True, "lat latitude"),
    ("location_precise", "lon", "a longitude", True, "lon lng longitude"),
    ("location_precise", "lon", "a longitude", False, "long"),
    (
        "location_precise",
        "latlon",
        "a coordinate pair",
        True,
        "latlng lat_lng latlon lat_lon ll geo coords gps",
    ),
    ("location_precise", "latlon", "a location", False, "location loc position geolocation"),
    (
        "location_coarse",
        "text",
        "a city or postal code",
        True,
        "city zip zipcode zip_code postal_code postalcode postcode plz geo_city",
    ),
    ("contact_info", "email", "an e-mail address", True, "email e_mail email_address mail emailaddress"),
    ("contact_info", "email", "an e-mail address (hashed)", False, "em"),
    (
        "contact_info",
        "phone",
        "a phone number",
        True,
        "phone phone_number phonenumber msisdn mobile mobile_number mobile_phone tel telephone cell_phone",
    ),
    ("contact_info", "phone", "a phone number (hashed)", False, "ph"),
    (
        "contact_info",
        "name",
        "a person's name",
        True,
        "first_name last_name full_name firstname lastname given_name family_name surname",
    ),
    ("contact_info", "digest", "a person's name (hashed)", False, "fn ln"),
    ("contact_info", "text", "a date of birth", True, "birthday date_of_birth dob birth_date birthdate"),
    ("contact_info", "text", "a postal address", True, "street street_address postal_address home_address"),
    (
        "contacts",
        "any",
        "the address book",
        True,
        "contacts contact_list address_book addressbook phonebook phone_book contact_phones contact_emails "
        "contact_hashes hashed_contacts friends_contacts",
    ),
    (
        "installed_apps",
        "package",
        "the list of installed apps",
        True,
        "installed_apps installedapps app_list applist installed_packages package_list installed_applications",
    ),
    ("clipboard", "any", "the clipboard", True, "clipboard clipboard_text pasteboard clipboard_content"),
    (
        "user_content",
        "any",
        "a message or other content the user made",
        True,
        "message_text chat_message comment_text review_text voice_note audio_message",
    ),
    (
        "credentials",
        "password",
        "a password",
        True,
        "password passwd pwd user_password new_password old_password current_password passcode pass_word",
    ),
    (
        "diagnostics",
        "any",
        "a crash report or stack trace",
        True,
        "stacktrace stack_trace backtrace crash crash_report exception exceptions stack_frames error_stack",
    ),
    ("diagnostics", "any", "stack frames or crash logs", False, "frames breadcrumbs anr"),
    (
        "device_info",
        "model",
        "the device model",
        True,
        "device_model devicemodel phone_model hardware_model model_name device_name submodel",
    ),
    ("device_info", "model", "the device model", False, "model hw_model"),
    (
        "device_info",
        "text",
        "the manufacturer",
        True,
        "manufacturer device_manufacturer device_brand device_make",
    ),
    ("device_info", "text", "the manufacturer", False, "make brand"),
    (
        "device_info",
        "version",
        "the OS version",
        True,
        "os_version osversion osv os_ver system_version platform_version android_version ios_version "
        "os_build os_api sdk_int api_level build_version_release",
    ),
    (
        "device_info",
        "number",
        "the screen size",
        True,
        "screen_width screen_height display_width display_height screen_size screen_resolution "
        "screen_dpi screen_density",
    ),
    ("device_info", "number", "the screen size", False, "resolution dpi density"),
    (
        "device_info",
        "locale",
        "the locale or language",
        True,
        "locale device_locale language device_language sys_language user_default_language lang",
    ),
    ("device_info", "text", "the system region", True, "sys_region device_country device_region"),
    (
        "device_info",
        "timezone",
        "the time zone",
        True,
        "timezone time_zone tz timezone_name timezone_offset tz_offset utc_offset time_zone_offset",
    ),
    (
        "device_info",
        "number",
        "battery, memory or storage state",
        True,
        "battery_level battery total_memory free_memory available_memory disk_space free_space "
        "total_disk free_disk ram_total ram_free",
    ),
    ("device_info", "ua", "a user agent", True, "user_agent useragent"),
    ("device_info", "ua", "a user agent", False, "ua"),
    (
        "app_activity",
        "event",
        "an event name",
        True,
        "event_name eventname evt_name event_type custom_event screen_name screen_class page_name",
    ),
    ("app_activity", "event", "an event name", False, "event ev evt"),
    (
        "app_activity",
        "search",
        "a search term",
        True,
        "search search_term search_query searchterm search_string",
    ),
    ("app_activity", "search", "a search term", False, "q query keyword keywords"),
    (
        "user_id",
        "id",
        "a user or install id",
        True,
        "user_id userid customer_user_id app_user_id anonymous_id anon_id distinct_id install_id "
        "installation_id app_instance_id firebase_instance_id firebase_installation_id "
        "push_token fcm_token gcm_token apns_token device_token registration_id player_id "
        "android_uuid ios_uuid cdid client_udid clientudid randomized_device_token "
        "randomized_bundle_token identity_id amplitude_id external_id external_user_id "
        "appsflyer_id visitor_id fb_anon_id device_id user_uuid "
        "profile_id member_id customer_id",
    ),
    (
        "user_id",
        "id",
        "a user or install id",
        False,
        "iid guid cuid uid uuid deviceid client_id af_id fid account_id",
    ),
)

# Generic child names that are read together with their parent (`device.id` → `device_id`).
GENERIC_CHILDREN = frozenset({"id", "value", "uuid", "identifier", "hash", "name", "token", "code"})

# Location keys under these names describe somewhere else, not the user (see `analysis.detect`).
NON_USER_PLACES = frozenset(
    {
        "store",
        "stores",
        "shop",
        "shops",
        "poi",
        "pois",
        "venue",
        "venues",
        "destination",
        "destinations",
        "dest",
        "place",
        "places",
        "merchant",
        "merchants",
        "restaurant",
        "restaurants",
        "outlet",
        "outlets",
        "dealer",
        "dealers",
        "station",
        "stations",
        "hotel",
        "hotels",
        "airport",
        "airports",
        "landmark",
        "landmarks",
        "branch",
        "branches",
        "target",
        "listing",
        "listings",
    }
)

_HASH_TOKENS = frozenset({"md5", "sha1", "sha256", "sha", "hash", "hashed", "sha_256", "sha_1"})

TABLE: dict[str, KeyRule] = {}
for _category, _shape, _what, _suffix_ok, _names in _TABLE:
    for _name in _names.split():
        if _name in TABLE:
            raise ValueError(f"key {_name!r} listed twice in the key table")
        TABLE[_name] = KeyRule(
            _name,
            _category,
            _shape,
            _what,
            _suffix_ok,
            container=_category in ("diagnostics", "contacts", "installed_apps"),
        )

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_SEP = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def normalise(raw: str) -> str:
    """`gpsAdid` → `gps_adid`, `X-Device-Id` → `device_id`, `$os_version` → `os_version`,
    `AdvertisingID` → `advertising_id`, `imei2` → `imei`."""
    s = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", raw))
    s = _SEP.sub("_", s.lower()).strip("_")
    if s.startswith("x_") and len(s) > 2:
        s = s[2:]
    # a trailing index digit (`imei2`, `deviceid2`, `mac_1`) does not change the meaning
    if len(s) > 3 and s[-1].isdigit() and not s[-2].isdigit() and not s.endswith(("md5", "sha1")):
        s = s[:-1].rstrip("_")
    return s


@lru_cache(maxsize=65536)
def lookup(raw: str | None) -> KeyRule | None:
    """The rule for a field name, or `None` when the name says nothing about personal data."""
    if not raw:
        return None
    norm = normalise(raw)
    if not norm:
        return None
    rule = TABLE.get(norm)
    if rule is not None:
        return rule
    tokens = norm.split("_")
    hashed = False
    if any(t in _HASH_TOKENS for t in tokens):
        tokens = [t for t in tokens if t not in _HASH_TOKENS]
        hashed = True
        joined = "_".join(tokens)
        rule = TABLE.get(joined)
        if rule is not None:
            return _hashed(rule)
    for i in range(1, len(tokens)):
        rule = TABLE.get("_".join(tokens[i:]))
        if rule is not None and rule.suffix_ok:
            return _hashed(rule) if hashed else rule
    return None


def _hashed(rule: KeyRule) -> KeyRule:
    if rule.hashed:
        return rule
    return KeyRule(
        rule.name,
        rule.category,
        "digest",
        f"{rule.what} (hashed)",
        rule.suffix_ok,
        hashed=True,
        container=rule.container,
    )


def tokens(raw: str | None) -> tuple[str, ...]:
    return tuple(normalise(raw).split("_")) if raw else ()


# --- protobuf field names for SDKs whose schema is public -----------------------------------
# A schemaless protobuf leaf has only field numbers (`body.protobuf:1.21`); for these hosts the
# numbers are named after the published .proto, so the key table applies. Paths are field numbers
# with repeated-field indexes dropped; only fields whose meaning the schema states are listed.

PROTO_SCHEMAS: dict[str, tuple[str, dict[str, str]]] = {
    "app-measurement.com": (
        "lari/firebase-ga4-app-measurement-protobuf app-measurement.proto",
        {
            "1.2.2": "event_name",
            "1.9": "os_version",
            "1.10": "device_model",
            "1.11": "user_default_language",
            "1.21": "app_instance_id",
            "1.30": "firebase_instance_id",
        },
    ),
}

_INDEX_RE = re.compile(r"\[\d+\]")


def proto_schema(host: str) -> tuple[str, dict[str, str]] | None:
    """The field-name map for a host (or its parent domain, `region1.app-measurement.com`)."""
    host = host.lower().rstrip(".")
    while host:
        found = PROTO_SCHEMAS.get(host)
        if found is not None:
            return found
        _, _, host = host.partition(".")
    return None


def proto_field(schema: tuple[str, dict[str, str]], location: str) -> tuple[str, str, str] | None:
    """(field path, field name, schema source) for a protobuf leaf location, or `None`."""
    path = location.rsplit("protobuf:", 1)[-1]
    if ">" in path:
        return None
    path = _INDEX_RE.sub("", path)
    name = schema[1].get(path)
    return (path, name, schema[0]) if name is not None else None
