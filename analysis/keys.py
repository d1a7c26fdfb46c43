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
    ("diagnostics", "any", "stack frames or crash logs", False, "frames breadcrumbs anr stack"),
    (
        "diagnostics",
        "any",
        "the SDK's own health data",
        True,
        "sdk_metrics sdk_health sdk_telemetry internal_metrics self_diagnostics sdk_errors",
    ),
    # W3C Navigation/Resource Timing attributes and Core Web Vitals, as browser RUM agents send them
    (
        "diagnostics",
        "number",
        "a performance timing",
        True,
        "fetch_start response_start response_end request_start connect_start connect_end domain_lookup_start "
        "domain_lookup_end dom_interactive dom_complete dom_content_loaded dom_content_loaded_event_end "
        "load_event_end load_event_start transfer_size encoded_body_size decoded_body_size "
        "first_contentful_paint largest_contentful_paint first_input_delay cumulative_layout_shift "
        "interaction_to_next_paint time_to_first_byte loading_time load_time page_load_time first_paint "
        "first_byte cold_start_time app_start_time frozen_frames slow_frames",
    ),
    ("diagnostics", "number", "a performance timing", False, "lcp fcp cls inp ttfb"),
    (
        "diagnostics",
        "any",
        "performance spans, traces or logs",
        True,
        "spans resource_spans scope_spans resource_logs log_records web_vitals long_tasks",
    ),
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
        "os_build os_api sdk_int api_level build_version_release device_version os_release kernel_version "
        "system_release",
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
        "iid guid cuid uid uuid deviceid client_id af_id fid account_id identifier identity did",
    ),
    # hashed profile fields of conversion APIs (Meta Conversions API `user_data`: ct city, st
    # state, zp postcode, db birthday, ge gender, country; the values must be hex digests)
    ("location_coarse", "digest", "a city, region or postcode (hashed)", False, "ct st zp"),
    ("contact_info", "digest", "a birthday or gender (hashed)", False, "db ge"),
    ("contact_info", "text", "a gender", True, "gender"),
    ("location_coarse", "text", "a region or state", True, "region state_code province"),
    ("app_activity", "event", "an APM transaction or route name", True, "transaction_name route_name"),
    (
        "app_activity",
        "event",
        "the current screen",
        True,
        "view_name activity_name page_title screen_title controller_name fragment_name",
    ),
    (
        "app_activity",
        "commerce",
        "a purchase or product (in an event)",
        True,
        "order_id transaction_id product_id item_id sku revenue price product_name item_name "
        "coupon order_total purchase_value content_ids",
    ),
    (
        "app_activity",
        "number",
        "session telemetry",
        True,
        "session_count session_duration session_length time_spent engagement_time foreground_time "
        "time_in_app visit_count visit_duration",
    ),
    (
        "device_info",
        "hostname",
        "the machine's host name",
        True,
        "hostname host_name machine_name computer_name device_hostname server_name node_name",
    ),
    ("device_info", "os", "the operating system", True, "os_name operating_system os_full system_name"),
    ("device_info", "os", "the operating system", False, "os"),
    (
        "device_info",
        "number",
        "the memory size",
        True,
        "memory_size total_mem mem_total total_ram ram_size device_memory physical_memory memory_total "
        "ram_total_mb total_memory_mb",
    ),
    ("device_info", "number", "the memory size", False, "ram"),
    (
        "network",
        "flag",
        "whether the device is on Wi-Fi or cellular",
        True,
        "wifi is_wifi on_wifi wifi_connected cellular is_cellular on_cellular mobile_data wwan",
    ),
    (
        "network",
        "conn",
        "the connection type",
        False,
        "connectivity connection network net radio effective_type effective_connection_type reachability",
    ),
    # compact event protocols whose wire formats use short parameter names: `en` (GA4 collect:
    # event name), `ea`/`ec`/`el`/`cd`/`dt` (Universal Analytics Measurement Protocol: event
    # action/category/label, screen name, document title), `e_c`/`e_a`/`e_n`/`action_name`
    # (Matomo tracking API), `se_ca`/`se_ac`/`se_la` (Snowplow tracker protocol structured event)
    (
        "app_activity",
        "event",
        "an event name (compact protocol)",
        False,
        "en ea ec el cd dt e_c e_a e_n action_name se_ca se_ac se_la",
    ),
    # the one-letter event-type parameter `e` of the Snowplow tracker protocol (pv, se, ue, tr, …);
    # only its enumerated values count
    ("app_activity", "compact_event", "an event type (compact protocol)", False, "e"),
)

# Generic child names that are read together with their parent (`device.id` → `device_id`).
GENERIC_CHILDREN = frozenset(
    {"id", "value", "uuid", "identifier", "identity", "guid", "uid", "key", "hash", "name", "token", "code",
     "version", "release"}
)

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
        "marker",
        "markers",
        "pin",
        "pins",
        "venue_id",
        "store_id",
        "place_id",
    }
)

PERMISSION_VERBS = frozenset(
    {"read", "write", "get", "access", "allow", "allowed", "request", "can", "has", "is", "enable", "enabled",
     "permission", "perm", "grant", "granted", "deny", "denied", "use", "sync"}
)
"""First words that make a data name a permission or a switch (`READ_CONTACTS`), not the data."""

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
            if rule.container and tokens[0] in PERMISSION_VERBS:
                return None  # `READ_CONTACTS`, `can_access_contacts`: a permission, not the data
            return _hashed(rule) if hashed else rule
    rule = _plural(tokens) or concept_rule(tuple(tokens))
    if rule is not None:
        return _hashed(rule) if hashed and rule.shape != "digest" else rule
    return None


def _plural(tokens: list[str]) -> KeyRule | None:
    """An array of values under the plural of a name (`user_ids`, `device_tokens`, `emails`)."""
    last = tokens[-1] if tokens else ""
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        singular = "_".join([*tokens[:-1], last[:-1]])
        rule = TABLE.get(singular)
        if rule is None and len(tokens) > 1:
            for i in range(1, len(tokens)):
                r = TABLE.get("_".join([*tokens[i:-1], last[:-1]]))
                if r is not None and r.suffix_ok:
                    rule = r
                    break
        if rule is None:
            rule = concept_rule((*tokens[:-1], last[:-1]))
        return rule
    return None


# --- concepts: what a name says by its words, not by one SDK's spelling -------------------------
# A name is read as subject + what-of-it: `<subject>_id` is an identifier of that subject
# (`person_id`, `shopper_uuid`, `enduser_identifier`), `<install>_token` an install/push token,
# `current_screen` the screen the user is on, `session_<measure>` session telemetry,
# `<memory>_<total>` a memory size. Only the words that follow decide; the table above still wins.

SUBJECTS = frozenset(
    "user users person people customer customers member members profile visitor visitors "
    "subscriber subscribers player players viewer viewers install installation instance anonymous "
    "anon distinct device identity actor principal shopper buyer guest enduser learner patient".split()
)
PERSON_SUBJECTS = frozenset(
    "user person customer member profile visitor subscriber viewer enduser shopper buyer guest".split()
)
"""Subjects whose `key` is an id (`user.key` in feature-flag contexts), unlike `api_key`."""
_ID_WORDS = frozenset({"id", "uuid", "guid", "identifier", "uid"})
_ID_QUALIFIERS = frozenset(
    {"external", "internal", "unique", "custom", "canonical", "global", "persistent", "stable", "random", "app"}
)
_TOKEN_SUBJECTS = frozenset(
    {"install", "installation", "registration", "instance", "device", "push", "fcm", "apns", "gcm", "notification"}
)
SCREEN_WORDS = frozenset({"screen", "view", "activity", "page", "route", "controller", "fragment", "scene"})
_CURRENT_WORDS = frozenset({"current", "active", "top", "visible", "foreground", "last", "previous", "entry"})
_SESSION_MEASURES = frozenset(
    {"count", "duration", "length", "time", "number", "num", "seconds", "secs", "ms", "msec", "started",
     "start", "end", "ended", "index"}
)
_EVENT_PARTS = frozenset({"token", "key", "code", "type", "category", "action", "label", "name"})
"""`event_<part>`: which event happened (`event_token`, `event_category`), not its dedup id."""
_MEMORY_WORDS = frozenset({"memory", "mem", "ram"})
_MEMORY_MEASURES = frozenset({"total", "size", "free", "available", "physical", "capacity", "device"})

_CONCEPT_RULES = {
    "user_id": KeyRule("subject_id", "user_id", "id", "an id of a user, device or install", True),
    "user_key": KeyRule("subject_key", "user_id", "id", "a person's key (an id)", True),
    "token": KeyRule("install_token", "user_id", "id", "an install or push token", True),
    "screen": KeyRule("current_screen", "app_activity", "event", "the current screen", True),
    "session": KeyRule("session_telemetry", "app_activity", "number", "session telemetry", True),
    "memory": KeyRule("memory_size", "device_info", "number", "the memory size", True),
    "event": KeyRule("event_part", "app_activity", "event", "which event happened", True),
}


@lru_cache(maxsize=65536)
def concept_rule(tokens: tuple[str, ...]) -> KeyRule | None:
    """The rule a name gets by its words (see above), or `None`."""
    if len(tokens) < 2:
        return None
    last, prev = tokens[-1], tokens[-2]
    if last in _ID_WORDS:
        if prev in SUBJECTS or (prev in _ID_QUALIFIERS and len(tokens) > 2 and tokens[-3] in SUBJECTS):
            return _CONCEPT_RULES["user_id"]
        if prev in ("end",) or (prev == "user" and len(tokens) > 2):
            return _CONCEPT_RULES["user_id"]
    if prev == "event" and last in _EVENT_PARTS and tokens[0] == "event":
        return _CONCEPT_RULES["event"]
    if last == "session" and prev in ("begin", "end", "start", "stop"):
        return _CONCEPT_RULES["session"]
    if "fingerprint" in tokens and (last in _ID_WORDS or last == "fingerprint"):
        return _CONCEPT_RULES["user_id"]
    if len(tokens) == 2 and last in _ID_WORDS and prev in ("stable", "persistent"):
        return _CONCEPT_RULES["user_id"]
    if last == "key" and prev in PERSON_SUBJECTS:
        return _CONCEPT_RULES["user_key"]
    if last in ("token", "tokens") and prev in _TOKEN_SUBJECTS:
        return _CONCEPT_RULES["token"]
    if last in SCREEN_WORDS and prev in _CURRENT_WORDS:
        return _CONCEPT_RULES["screen"]
    if last in ("name", "title", "path") and prev in SCREEN_WORDS and prev != "page" or (
        prev in SCREEN_WORDS and last == "class"
    ):
        return _CONCEPT_RULES["screen"]
    if ("session" in tokens or "sessions" in tokens or "visit" in tokens) and last in _SESSION_MEASURES:
        return _CONCEPT_RULES["session"]
    if last in ("time", "ms", "msec", "seconds", "duration") and prev in ("spent", "engagement", "dwell", "foreground"):
        return _CONCEPT_RULES["session"]
    if _MEMORY_WORDS & set(tokens) and _MEMORY_MEASURES & set(tokens):
        return _CONCEPT_RULES["memory"]
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
