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

from ._rulesdb import Shape, key_rules, words
from .location import Location


@dataclass(frozen=True, slots=True)
class KeyRule:
    name: str
    """Canonical key name, used in the rule id `key:<name>`."""
    category: str
    shape: Shape
    """What the value must look like (`analysis._rulesdb.Shape`); checked in `analysis.detect`."""
    what: str
    """How the evidence names it: "names an advertising id"."""
    suffix_ok: bool = False
    hashed: bool = False
    container: bool = False
    """The name marks a container: every value under it belongs to the category (stack traces,
    contact lists, app lists); reported once per container."""


_RULES = key_rules()
_WORDS = words()

GENERIC_CHILDREN = _WORDS.set("generic_children")
"""Generic child names that are read together with their parent (`device.id` → `device_id`)."""
NON_USER_PLACES = _WORDS.set("non_user_places")
"""Names of somewhere other than the user (store, venue, …; see `analysis.detect`)."""
PERMISSION_VERBS = _WORDS.set("permission_verbs")
"""First words that make a data name a permission or a switch (`READ_CONTACTS`), not the data."""
_HASH_TOKENS = _WORDS.set("hash_tokens")

TABLE: dict[str, KeyRule] = {
    name: KeyRule(
        name,
        spec.category,
        spec.shape,
        spec.what,
        spec.suffix_ok,
        container=spec.category in ("diagnostics", "contacts", "installed_apps"),
    )
    for spec in _RULES.rules
    for name in spec.names
}
RAW_TABLE: dict[str, KeyRule] = {
    name: KeyRule(name, spec.category, spec.shape, spec.what, spec.suffix_ok)
    for spec in _RULES.rules
    for name in spec.raw
}
"""Names matched exactly as sent (`_id`), before `normalise`."""

_PLURAL_ACRONYM = re.compile(r"([A-Z]{2,})s(?=[A-Z_\-. ]|$)")
"""`customIDs`, `deviceIDs`, `URLs`: an acronym's plural is one word (`custom_ids`, not `custom_i_ds`)."""
_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_SEP = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def normalise(raw: str) -> str:
    """`gpsAdid` → `gps_adid`, `X-Device-Id` → `device_id`, `$os_version` → `os_version`,
    `AdvertisingID` → `advertising_id`, `customIDs` → `custom_ids`, `imei2` → `imei`."""
    s = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", _PLURAL_ACRONYM.sub(r"\1S", raw)))
    s = _SEP.sub("_", s.lower()).strip("_")
    if s.startswith("x_") and len(s) > 2:
        s = s[2:]
    # a trailing index digit (`imei2`, `deviceid2`, `mac_1`) does not change the meaning
    if len(s) > 3 and s[-1].isdigit() and not s[-2].isdigit() and not s.endswith(("md5", "sha1")):
        s = s[:-1].rstrip("_")
    return s


_LOOKUPS: dict[str | None, KeyRule | None] = {}
_LOOKUPS_MAX = 65536


def lookup(raw: str | None) -> KeyRule | None:
    """The rule for a field name, or `None` when the name says nothing about personal data.

    Memoised in a plain dict (it runs for every leaf; emptied at `_LOOKUPS_MAX` names)."""
    try:
        return _LOOKUPS[raw]
    except KeyError:
        pass
    if len(_LOOKUPS) >= _LOOKUPS_MAX:
        _LOOKUPS.clear()
    rule = _LOOKUPS[raw] = _lookup(raw)
    return rule


def _lookup(raw: str | None) -> KeyRule | None:
    if not raw:
        return None
    exact = RAW_TABLE.get(raw)
    if exact is not None:
        return exact
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

SUBJECTS = _WORDS.set("subjects")
PERSON_SUBJECTS = _WORDS.set("person_subjects")
"""Subjects whose `key` is an id (`user.key` in feature-flag contexts), unlike `api_key`."""
_ID_WORDS = _WORDS.set("id_words")
_ID_QUALIFIERS = _WORDS.set("id_qualifiers")
_TOKEN_SUBJECTS = _WORDS.set("token_subjects")
_AD_WORDS = _WORDS.set("ad_words")
_NUMBER_WORDS = _WORDS.set("number_words")
SCREEN_WORDS = _WORDS.set("screen_words")
_CURRENT_WORDS = _WORDS.set("current_words")
_SESSION_MEASURES = _WORDS.set("session_measures")
_EVENT_PARTS = _WORDS.set("event_parts")
_FAULT_WORDS = frozenset({"exception", "error", "crash", "stack", "stacktrace", "backtrace", "fault"})
_FAULT_PARTS = frozenset({"class", "type", "message", "name", "hash", "trace", "count", "reason", "stack"})
"""`<fault>_<part>` (`exception_class`, `stack_hash`, `error_message`): diagnostics."""
"""`event_<part>`: which event happened (`event_token`, `event_category`), not its dedup id."""
_MEMORY_WORDS = MEMORY_WORDS = _WORDS.set("memory_words")
_MEMORY_MEASURES = MEMORY_MEASURES = _WORDS.set("memory_measures")

_CONCEPT_RULES = {
    "user_id": KeyRule("subject_id", "user_id", Shape.ID, "an id of a user, device or install", True),
    "user_key": KeyRule("subject_key", "user_id", Shape.ID, "a person's key (an id)", True),
    "token": KeyRule("install_token", "user_id", Shape.ID, "an install or push token", True),
    "screen": KeyRule("current_screen", "app_activity", Shape.EVENT, "the current screen", True),
    "session": KeyRule("session_telemetry", "app_activity", Shape.NUMBER, "session telemetry", True),
    "memory": KeyRule("memory_size", "device_info", Shape.NUMBER, "the memory size", True),
    "event": KeyRule("event_part", "app_activity", Shape.EVENT, "which event happened", True),
    "fault": KeyRule("fault_detail", "diagnostics", Shape.ANY, "an error's or crash's detail", True),
    "adid": KeyRule("advertising_id_concept", "advertising_id", Shape.ADID, "an advertising id", True),
    # COMMERCE: checked like the fields of an event (only when the record is an event call)
    "target": KeyRule(
        "tap_target", "app_activity", Shape.COMMERCE, "the element the user tapped or clicked", True
    ),
    "action": KeyRule(
        "action_record",
        "app_activity",
        Shape.ANY,
        "a record of something the user did (an action and its object)",
        True,
    ),
}


@lru_cache(maxsize=65536)
def concept_rule(tokens: tuple[str, ...]) -> KeyRule | None:
    """The rule a name gets by its words (see above), or `None`."""
    if len(tokens) < 2:
        return None
    last, prev = tokens[-1], tokens[-2]
    if last in _ID_WORDS and prev in _AD_WORDS:
        # `advertisingIdentifier`, `android_ad_id`, `mobile_ad_id`: the id of an ad (UUID-shaped
        # values only, `_check_adid`); `ad_unit_id` is not (the word before the id word decides)
        return _CONCEPT_RULES["adid"]
    if last in _NUMBER_WORDS and prev in PERSON_SUBJECTS:
        return _CONCEPT_RULES["user_id"]  # `customer_number`, `memberNo`: a person's number is an id
    if last in _ID_WORDS:
        if prev in SUBJECTS or (prev in _ID_QUALIFIERS and len(tokens) > 2 and tokens[-3] in SUBJECTS):
            return _CONCEPT_RULES["user_id"]
        if prev in ("end",) or (prev == "user" and len(tokens) > 2):
            return _CONCEPT_RULES["user_id"]
    if prev == "event" and last in _EVENT_PARTS and tokens[0] == "event":
        return _CONCEPT_RULES["event"]
    if prev in _GOAL_WORDS and last in ("name", "type", "key", "label", "category") and len(tokens) == 2:
        return _CONCEPT_RULES[
            "event"
        ]  # `goal_name`, `conversion_type`, `step_name`: which one the user reached
    if last == "session" and prev in ("begin", "end", "start", "stop", "open", "close", "resume"):
        return _CONCEPT_RULES["session"]
    if "fingerprint" in tokens and (last in _ID_WORDS or last == "fingerprint"):
        return _CONCEPT_RULES["user_id"]
    if len(tokens) == 2 and last in _ID_WORDS and prev in ("stable", "persistent"):
        return _CONCEPT_RULES["user_id"]
    if tokens[0] in _FAULT_WORDS and last in _FAULT_PARTS:
        return _CONCEPT_RULES["fault"]
    if last == "key" and prev in PERSON_SUBJECTS:
        return _CONCEPT_RULES["user_key"]
    if last in ("token", "tokens") and prev in _TOKEN_SUBJECTS:
        return _CONCEPT_RULES["token"]
    if last in SCREEN_WORDS and prev in _CURRENT_WORDS:
        return _CONCEPT_RULES["screen"]
    if last == "screen" and prev not in _SCREEN_KINDS and tokens[0] not in PERMISSION_VERBS:
        return _CONCEPT_RULES["screen"]  # `firebase_screen`, `ga_screen`, `landing_screen`
    if (
        last in ("name", "title", "path")
        and prev in SCREEN_WORDS
        and prev != "page"
        or (prev in SCREEN_WORDS and last == "class")
    ):
        return _CONCEPT_RULES["screen"]
    if (
        ("session" in tokens or "sessions" in tokens or "visit" in tokens)
        and last in _SESSION_MEASURES
        and _SETTING_WORDS.isdisjoint(tokens)
        and not (last in _TIME_UNITS and ("start" in tokens or "started" in tokens))
    ):
        # not `session_start_unixtime_ms`: when the session began, attached to every event as a
        # reference (like a session id); a session record's start is read from its record
        return _CONCEPT_RULES["session"]
    if last in ("time", "ms", "msec", "seconds", "duration") and prev in (
        "spent",
        "engagement",
        "dwell",
        "foreground",
        "active",
        "usage",
    ):
        return _CONCEPT_RULES["session"]
    if (
        len(tokens) >= 3
        and last in ("ms", "msec", "millis", "seconds", "secs", "sec")
        and prev in ("time", "duration")
        and tokens[-3] in ("spent", "engagement", "dwell", "foreground", "active", "usage")
    ):
        return _CONCEPT_RULES["session"]  # `engagement_time_msec` (GA4), `active_time_ms`
    if "scroll" in tokens and last in ("depth", "percent", "percentage", "position", "pct"):
        return _CONCEPT_RULES["action"]  # `scroll_depth`, `percent_scrolled` reads as the next rule
    if last in ("scrolled", "read") and prev in ("percent", "percentage", "pct"):
        return _CONCEPT_RULES["action"]
    if last in ("text", "label", "url", "title", "name") and prev in _TARGET_WORDS:
        # `link_text`, `$el_text`, `button_label`, OpenTelemetry's `app.widget.name`: what the user tapped
        return _CONCEPT_RULES["target"]
    if last in ("sessions", "visits", "launches", "opens") and prev in (
        "total",
        "num",
        "number",
        "count",
        "lifetime",
    ):
        return _CONCEPT_RULES["session"]  # `total_sessions`, `num_visits`
    if ("active" in tokens and ("days" in tokens or "day" in tokens)) or (
        "days" in tokens and "since" in tokens and not _SETTING_WORDS.intersection(tokens)
    ):
        return _CONCEPT_RULES["session"]  # `active_days`, `days_since_last_session`, `days_since_install`
    if last in _LAUNCH_MEASURES and (
        prev in ("launch", "launches", "opens") or (prev == "open" and ("app" in tokens or "first" in tokens))
    ):
        return _CONCEPT_RULES["session"]  # `launch_count`, `app_open_count`, `first_open_time`
    if _MEMORY_WORDS & set(tokens) and _MEMORY_MEASURES & set(tokens):
        return _CONCEPT_RULES["memory"]
    if action_name(tokens):
        return _CONCEPT_RULES["action"]
    if (
        tokens[0] in ("last", "first", "latest", "recent")
        and tokens[1] in _RECENCY_SUBJECTS
        and last not in _ID_WORDS
        and last not in ("count", "limit", "timeout", "interval")
    ):
        return _CONCEPT_RULES["action"]  # `last_seen_at`, `last_login`, `first_purchase_date` (a CRM profile)
    return None


SETTING_WORDS = _SETTING_WORDS = frozenset(
    {
        "timeout",
        "configured",
        "config",
        "idle",
        "max",
        "min",
        "maximum",
        "minimum",
        "interval",
        "limit",
        "threshold",
    }
)
"""Words of a setting (`session_timeout_ms`, `$configured_session_timeout_ms`), not a measurement."""
_SCREEN_KINDS = frozenset({"full", "split", "lock", "splash", "touch", "home", "second", "external"})
"""`full_screen`, `lock_screen`: a display mode or the device's screen, not a screen of the app."""
_RECENCY_SUBJECTS = frozenset(
    {
        "seen",
        "active",
        "activity",
        "login",
        "logged",
        "visit",
        "session",
        "order",
        "purchase",
        "open",
        "use",
        "used",
        "interaction",
        "engagement",
        "app",
    }
)
"""`last_<word>`: when the user last (or first) did something in the app."""
_GOAL_WORDS = frozenset(
    {"goal", "conversion", "interaction", "milestone", "achievement", "step", "funnel", "trigger", "activity"}
)
"""`<goal>_name`: the goal, conversion, step or in-app activity the user reached (an event)."""
_TIME_UNITS = frozenset({"ms", "msec", "time", "seconds", "secs", "unixtime", "timestamp"})
_TARGET_WORDS = frozenset(
    {"click", "clicked", "link", "button", "element", "el", "cta", "tap", "tapped", "target", "widget"}
)
"""`<target>_text`: the text or link of the element the user tapped."""
_LAUNCH_MEASURES = frozenset({"count", "counts", "number", "num", "total", "time", "at", "date", "timestamp"})
"""What is measured of the app's launches and opens (session telemetry)."""
_ACTIVITY_VERBS = _WORDS.set("activity_verbs")
_RUNTIME_NAMESPACES = _WORDS.set("runtime_namespaces")
_RUNTIME_OBJECTS = _WORDS.set("runtime_objects")
_FLAG_PREFIXES = frozenset({"is", "has", "can", "should", "allow", "enable", "enabled", "was"})


def action_name(tokens: tuple[str, ...]) -> bool:
    """An action and its object (`last_job_applied`, `applications_submitted`, `jobs_viewed`,
    `first_purchased_at`): a record that the user did something — a CRM contact property, a counter
    of user actions. Not a flag (`is_registered`), not the runtime's or the SDK's own counters
    (`http_server_requests_completed`, `bytes_sent`, `spans_exported`)."""
    if len(tokens) < 2 or tokens[0] in _RUNTIME_NAMESPACES or tokens[0] in _FLAG_PREFIXES:
        return False
    for i, t in enumerate(tokens):
        verb = t in _ACTIVITY_VERBS or (i + 1 < len(tokens) and f"{t}_{tokens[i + 1]}" in _ACTIVITY_VERBS)
        if verb:
            others = [o for j, o in enumerate(tokens) if j != i and o not in ("in", "out", "up")]
            return bool(others) and not _RUNTIME_OBJECTS.intersection(others)
    return False


def _hashed(rule: KeyRule) -> KeyRule:
    if rule.hashed:
        return rule
    return KeyRule(
        rule.name,
        rule.category,
        Shape.DIGEST,
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

PROTO_SCHEMAS: dict[str, tuple[str, dict[str, str]]] = _RULES.proto


def proto_schema(host: str) -> tuple[str, dict[str, str]] | None:
    """The field-name map for a host (or its parent domain, `region1.app-measurement.com`)."""
    host = host.lower().rstrip(".")
    while host:
        found = PROTO_SCHEMAS.get(host)
        if found is not None:
            return found
        _, _, host = host.partition(".")
    return None


def proto_field(schema: tuple[str, dict[str, str]], location: Location) -> tuple[str, str, str] | None:
    """(field path, field name, schema source) for a protobuf leaf location, or `None`."""
    path = location.protobuf_path
    if not path:
        return None
    name = schema[1].get(path)
    return (path, name, schema[0]) if name is not None else None
