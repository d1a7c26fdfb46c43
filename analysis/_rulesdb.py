"""Detection rules as data: `data/keys.toml` (key rules, protobuf field names) and `data/words.toml`
(the word lists of the concept rules), loaded once and validated like the org database.

A mistake in either file raises `RulesError` naming the file, the table and the key
(`keys.toml: [[rule]] #12 (names 'gps_adid', …): shape 'uuid' is not one of adid, hwid, …`), so
a broken edit fails at import time, in every test, with the place to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from .categories import CATEGORY_IDS

DATA = Path(__file__).resolve().parent / "data"
SCHEMA = 1


class Shape(StrEnum):
    """What a value under a key must look like for a finding (checked in `analysis.detect`)."""

    ADID = "adid"
    HWID = "hwid"
    IMEI = "imei"
    MEID = "meid"
    MAC = "mac"
    ID = "id"
    LAT = "lat"
    LON = "lon"
    LATLON = "latlon"
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    TEXT = "text"
    MODEL = "model"
    VERSION = "version"
    LOCALE = "locale"
    TIMEZONE = "timezone"
    NUMBER = "number"
    EVENT = "event"
    COMPACT_EVENT = "compact_event"
    COMMERCE = "commerce"
    MESSAGE = "message"
    SEARCH = "search"
    PACKAGE = "package"
    ANY = "any"
    PASSWORD = "password"
    IP = "ip"
    MCCMNC = "mccmnc"
    UA = "ua"
    DIGEST = "digest"
    FLAG = "flag"
    CONN = "conn"
    OS = "os"
    HOSTNAME = "hostname"
    PATH_ID = "path_id"


@dataclass(frozen=True, slots=True)
class RuleSpec:
    category: str
    shape: Shape
    what: str
    suffix_ok: bool
    names: tuple[str, ...]
    note: str = ""
    raw: tuple[str, ...] = ()
    """Names matched exactly as sent, before normalising."""


@dataclass(frozen=True, slots=True)
class KeyRules:
    version: str
    rules: tuple[RuleSpec, ...]
    proto: dict[str, tuple[str, dict[str, str]]]
    """host → (schema source, field path → rule name)."""


@dataclass(frozen=True, slots=True)
class Words:
    version: str
    lists: dict[str, tuple[str, ...]]
    person_fields: dict[str, tuple[Shape, str]]

    def set(self, name: str) -> frozenset[str]:
        return frozenset(self.lists[name])


class RulesError(ValueError):
    pass


_NAME_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_FIELD_RE = re.compile(r"^\d+(?:\.\d+)*$")
WORD_LISTS = frozenset(
    "generic_children non_user_places permission_verbs hash_tokens subjects person_subjects id_words "
    "id_qualifiers token_subjects screen_words current_words session_measures event_parts memory_words "
    "memory_measures value_words name_words type_words event_kinds diagnostic_kinds person_kinds "
    "event_payloads event_markers person_objects person_places address_lines screen_keys "
    "message_text_keys message_context message_peers message_kinds diagnostic_context error_objects error_fields "
    "log_levels level_words session_record perf_context duration_words random_flags collections "
    "version_tokens media_extensions uuid_only_keys device_words non_device_parents postal_keys city_keys region_keys numberish_tokens address_keys event_context control_calls conn_words span_words "
    "timing_objects diagnostic_event_words greetings sign_offs not_names token_params "
    "hardware_id_words account_names custom_slots aggregate_objects person_object_suffixes "
    "distinct_conn_values network_name_words group_kinds terse_id_names cell_words "
    "identity_map_words identity_map_owners push_recipient_names push_path_words geohash_names "
    "geo_objects cell_fields cell_fields_in_cell unknown_cell_values ad_words number_words identity_type_words".split()
)
WORD_LISTS |= frozenset(
    # the app-activity, diagnostics and user-content concepts (analysis/detect.py `_activity_*`)
    "bookkeeping_event_codes session_event_codes activity_verbs runtime_namespaces runtime_objects page_url_keys "
    "request_context order_collections line_items line_fields activity_records first_person_words "
    "breadcrumb_kinds diagnostic_item_types bookkeeping_subjects bookkeeping_changes session_starts "
    "sdk_operations metric_objects event_collections rating_siblings chat_containers chat_messages media_names "
    "batch_names share_keys share_values breadcrumb_fields crash_place_keys item_type_keys session_marks "
    "text_wrappers".split()
)
WORD_LISTS |= frozenset(
    # session replay: what the messages of a replay decoder carry (analysis/detect.py `_replay_rule`)
    "replay_decoders replay_typed replay_screen replay_devtools".split()
)
"""Every list `words.toml` must have (and may only have)."""


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise RulesError(f"{path.name}: no such file ({path})") from None
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"{path.name}: not valid TOML: {e}") from None


def _meta(file: str, data: dict[str, Any], name: str) -> str:
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise RulesError(f"{file}: [meta] is missing")
    if meta.get("name") != name:
        raise RulesError(f"{file}: [meta] name must be {name!r}")
    if meta.get("schema") != SCHEMA:
        raise RulesError(
            f"{file}: [meta] schema {meta.get('schema')!r} is not {SCHEMA} (this phonehome reads {SCHEMA})"
        )
    version = meta.get("version")
    if not isinstance(version, str) or not version:
        raise RulesError(f"{file}: [meta] version must be a non-empty string")
    return version


def _shape(where: str, value: Any) -> Shape:
    try:
        return Shape(value)
    except ValueError:
        raise RulesError(
            f"{where}: shape {value!r} is not one of {', '.join(s.value for s in Shape)}"
        ) from None


def parse_key_rules(data: dict[str, Any], file: str = "keys.toml") -> KeyRules:
    version = _meta(file, data, "phonehome-keys")
    unknown = set(data) - {"meta", "rule", "proto"}
    if unknown:
        raise RulesError(f"{file}: unknown table(s) {', '.join(sorted(unknown))}")
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{file}: no [[rule]] tables")
    seen: dict[str, str] = {}
    rules = []
    for i, raw in enumerate(raw_rules):
        names = raw.get("names") if isinstance(raw, dict) else None
        where = f"{file}: [[rule]] #{i + 1}"
        if isinstance(names, list) and names:
            where += f" (names {names[0]!r}, …)"
        elif isinstance(raw, dict) and isinstance(raw.get("raw"), list) and raw["raw"]:
            where += f" (raw {raw['raw'][0]!r}, …)"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: not a table")
        extra = set(raw) - {"category", "shape", "what", "suffix_ok", "names", "note", "raw"}
        if extra:
            raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        category = raw.get("category")
        if category not in CATEGORY_IDS:
            raise RulesError(
                f"{where}: category {category!r} is not a data category ({', '.join(CATEGORY_IDS)})"
            )
        shape = _shape(where, raw.get("shape"))
        what = raw.get("what")
        if not isinstance(what, str) or not what:
            raise RulesError(f"{where}: what must be a non-empty string")
        suffix_ok = raw.get("suffix_ok")
        if not isinstance(suffix_ok, bool):
            raise RulesError(f"{where}: suffix_ok must be true or false")
        note = raw.get("note", "")
        if not isinstance(note, str):
            raise RulesError(f"{where}: note must be a string")
        raw_names = raw.get("raw", [])
        if not isinstance(raw_names, list) or not all(
            isinstance(r, str) and r.strip() == r and r for r in raw_names
        ):
            raise RulesError(f"{where}: raw must be a list of names as sent")
        if names is None and raw_names:
            names = []
        if not isinstance(names, list) or not (names or raw_names):
            raise RulesError(f"{where}: names must be a non-empty list")
        for r in raw_names:
            if f"raw:{r}" in seen:
                raise RulesError(f"{where}: raw name {r!r} is already in {seen[f'raw:{r}']}")
            seen[f"raw:{r}"] = f"[[rule]] #{i + 1}"
        for name in names:
            if not isinstance(name, str) or not _NAME_RE.match(name):
                raise RulesError(f"{where}: name {name!r} is not normalised (lower case words joined by '_')")
            if name in seen:
                raise RulesError(f"{where}: name {name!r} is already in {seen[name]}")
            seen[name] = f"[[rule]] #{i + 1}"
        rules.append(RuleSpec(category, shape, what, suffix_ok, tuple(names), note, tuple(raw_names)))
    proto: dict[str, tuple[str, dict[str, str]]] = {}
    raw_proto = data.get("proto", {})
    if not isinstance(raw_proto, dict):
        raise RulesError(f"{file}: [proto] must be a table of hosts")
    for host, spec in raw_proto.items():
        where = f"{file}: [proto.{host!r}]"
        if not isinstance(spec, dict) or set(spec) != {"source", "fields"}:
            raise RulesError(f"{where}: needs exactly source and fields")
        source, fields = spec["source"], spec["fields"]
        if not isinstance(source, str) or not source:
            raise RulesError(f"{where}: source must be a non-empty string")
        if not isinstance(fields, dict) or not fields:
            raise RulesError(f"{where}: fields must be a non-empty table")
        for path, name in fields.items():
            if not _FIELD_RE.match(path):
                raise RulesError(f"{where}: field path {path!r} is not field numbers joined by '.'")
            if name not in seen:
                raise RulesError(f"{where}: field {path} names {name!r}, which no [[rule]] lists")
        proto[host.lower()] = (source, dict(fields))
    return KeyRules(version, tuple(rules), proto)


def parse_words(data: dict[str, Any], file: str = "words.toml") -> Words:
    version = _meta(file, data, "phonehome-words")
    unknown = set(data) - {"meta", "words", "person_fields"}
    if unknown:
        raise RulesError(f"{file}: unknown table(s) {', '.join(sorted(unknown))}")
    raw = data.get("words")
    if not isinstance(raw, dict):
        raise RulesError(f"{file}: [words] is missing")
    missing = WORD_LISTS - set(raw)
    if missing:
        raise RulesError(f"{file}: [words] lacks {', '.join(sorted(missing))}")
    extra = set(raw) - WORD_LISTS
    if extra:
        raise RulesError(f"{file}: [words] has unknown list(s) {', '.join(sorted(extra))}")
    lists: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        where = f"{file}: [words] {name}"
        if not isinstance(values, list) or not values:
            raise RulesError(f"{where}: must be a non-empty list of words")
        for v in values:
            if not isinstance(v, str) or not v or v != v.lower() or " " in v:
                raise RulesError(f"{where}: {v!r} is not a lower-case word")
        if len(set(values)) != len(values):
            dup = sorted({v for v in values if values.count(v) > 1})
            raise RulesError(f"{where}: listed twice: {', '.join(dup)}")
        lists[name] = tuple(values)
    fields: dict[str, tuple[Shape, str]] = {}
    raw_fields = data.get("person_fields")
    if not isinstance(raw_fields, dict) or not raw_fields:
        raise RulesError(f"{file}: [person_fields] is missing")
    for name, spec in raw_fields.items():
        where = f"{file}: [person_fields] {name}"
        if not isinstance(spec, list) or len(spec) != 2 or not all(isinstance(x, str) for x in spec):
            raise RulesError(f"{where}: must be [shape, what]")
        fields[name] = (_shape(where, spec[0]), spec[1])
    return Words(version, lists, fields)


@cache
def key_rules(path: Path = DATA / "keys.toml") -> KeyRules:
    return parse_key_rules(_load(path), path.name)


@cache
def words(path: Path = DATA / "words.toml") -> Words:
    return parse_words(_load(path), path.name)
