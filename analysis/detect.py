"""Decoded → Detection*: which personal data a record carries, where, and why we think so.

Four detectors look at every decoded leaf (and the known-value one also at the raw blobs):

=========  =====================================================================  ==========
detector   what                                                                   confidence
=========  =====================================================================  ==========
profile    a value from the device profile, in any form SDKs send it (`known`)    0.99/0.9
runtime    same, for values the Frida hooks saw the app read (with provenance)    0.99/0.9
key        a field name that says what the value is (`keys`), checked against     0.5 - 0.95
           the value's shape (`patterns`): `gps_adid` + UUID → 0.9
pattern    a value that validates on its own: Luhn IMEI, MAC, e-mail, E.164        0.6 - 0.85
           phone, private IP, a user agent naming the model, a stack trace,
           an FCM push token, a photo/audio file upload
=========  =====================================================================  ==========

Known-value matches are 0.99, or 0.9 for short values (< 12 characters) found inside a longer
text or generic values (OS version, locale) matched under a key of their category. Key and
pattern agreeing on a leaf raise the confidence by 0.1 (at most 0.97).

One `Detection` per (location, category): the strongest is kept (known value > key and pattern
agreeing > key or pattern alone) and the others' evidence is appended. More rules:

* A known value that *is* the whole leaf decides what the leaf is: key/pattern findings of other
  categories on that leaf are dropped (`device_id=<the Android ID>` is a device id, not an
  SDK-assigned id).
* A category found both in an encoded leaf and in what it decodes to (`query:d` and
  `query:d>base64>json:uid`) is reported at the decoded one only; found in a raw blob, it is
  reported there only when no leaf decoded out of that blob had it (binary bodies the decoder
  could not open).
* Containers (`stacktrace`, `exception`, `contacts`, `installed_apps`, …): everything under them is
  one finding at the container's location, not one per frame or per contact.
* Location: a lat/lon key with an in-range float is a location finding, precise with >= 3
  decimals, coarse with 1-2. A key or a JSON path that names another place (`store_lat`,
  `stores[3].lat`, `venue.location.lng`, `destination`, … see `keys.NON_USER_PLACES`) is *not*
  the user's location: no finding, unless the value matches the profile location (then the
  profile detector reports it, whatever the key says). A user-location key whose value is far
  from the profile location is still reported, at 0.6, with the distance in the evidence.
  Profile coordinates count only when a latitude *and* a longitude within tolerance occur in the
  same record, with >= 3 decimals unless under a lat/lon key (two prices `52.52` and `13.38` near
  a profile location at 52.5163, 13.3777 are not a location).
* Only what leaves the phone is examined: WebSocket messages from the server give no detections.
* Transport headers every HTTP client sends (`Accept-Language`, `Content-Type`, `Host`, …) are not
  examined; `User-Agent` is (a model-naming UA is device_info on every request that sends it).
* App activity, diagnostics and user content that a leaf's own name does not give are read from
  its value and record by `_activity_rule` (pages and routes, orders, notes on a person's record,
  breadcrumbs and crash-report screens, items typed as diagnostics or sessions, first-person and
  chat texts); typed-event codes, bookkeeping events and route patterns are filtered in
  `_check_event`. Word lists: `data/words.toml`; tests: `test_detect_concepts_activity.py`.

False positives (the negative fixtures in tests/fixtures/sdk/neg_*.json pin these):

* identifiers need a key that names them: a UUID, hex string or long number alone (request ids,
  trace ids, nonces, content hashes, A/B bucket ids) is never a finding; hex digests are only
  findings when they are the digest of a known value or sit under a key naming what was hashed
  (`em`, `email_sha256`);
* numbers: 10/13-digit epoch times are never phone numbers (not even with a `+`); a bare
  15-digit Luhn number under an order/invoice/ticket/… key is not an IMEI; `1.2.3.4` and
  `10.2.0.15` under version keys are not IP addresses, `10.x` needs an IP key; a float is a
  coordinate only under a lat/lon key (`14.0` as `sdk_version` is nothing);
* e-mail-like strings: asset names (`icon@2x.png`), URL user-info (Sentry DSNs), no-reply and
  system mailboxes, reserved domains (`example.com`) are not e-mail findings; role mailboxes
  (`support@`, `info@`) only under an e-mail key, at 0.5;
* device words under commerce objects (`product.brand`, `car.model`, `items[0].make`) are not
  the phone's; `shipping_carrier` is not a mobile carrier (only `carrier` itself and
  device/SIM/network carrier names are);
* value checks per key: `zip: "gzip"` is not a postcode, `query: "query Me {…}"` not a search,
  a masked `password: "****"` not a password, `adid: 00000000-…` (limit ad tracking) nothing;
* places that are not the user: see the location rule above.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from . import keys, patterns
from ._rulesdb import Shape, words
from .context import (
    COLLECTIONS,
    CONTEXT_KEYS,
    DIAGNOSTIC_CONTEXT,
    MESSAGE_TEXT_KEYS,
    VALUE_WORDS,
    RecordContext,
    array_event,
    array_pair,
    context_rule,
    group_object,
    in_jwt_payload,
    is_random_flagged,
    pair_name,
    person_owner,
    protobuf_pair,
)
from .keys import KeyRule
from .known import KnownMatch, KnownMatcher
from .location import INDEX, KEY, PARAM, STEP, Location
from .model import Decoded, Detection, Leaf, Record
from .profile import KnownValue, Profile

_WORDS = words()
"""Word lists of `data/words.toml`."""

__all__ = ["Detector"]

KNOWN_CONFIDENCE = 0.99
KNOWN_SHORT_CONFIDENCE = 0.9
MAX_VALUE_CHARS = 500
"""Detection values longer than this are cut (with an ellipsis); the location leads to the rest."""

_IDENTIFIERS = frozenset({"advertising_id", "device_id", "user_id"})
_STRONG_IDS = frozenset({"advertising_id", "device_id"})
_PATH_NAMED = frozenset({"advertising_id", "device_id", "user_id", "contact_info"})
"""Categories a path segment takes from the segment before it (`/external_id/{id}`)."""
"""Ids whose value, named so once in a request, is that id wherever it appears (`_same_value_same_id`)."""
_OTLP_PATH = re.compile(r"/v1/(traces|logs|metrics)$")
"""OTLP/HTTP export paths (OpenTelemetry protocol spec): the body is telemetry of the app's code."""
_SPAN_WORDS = _WORDS.set("span_words")
_RANK = {"profile": 3, "runtime": 3, "key+pattern": 2, "key": 1, "pattern": 1}
_NO_EXTRA: list[str] = []

_VERSION_TOKENS = _WORDS.set("version_tokens")
_STACK_RE = re.compile(
    r"\bat [\w$.<>]+\([\w$]+\.(?:java|kt|scala):\d+\)|\bat [\w$.<>]+\((?:Native Method|Unknown Source)\)"
    # JavaScript engines: `at fn (https://…/app.js:12:34)`, `fn@https://…/app.js:12:34`
    r"|\bat (?:[\w$.<>\[\] ]+ \()?\S+:\d+:\d+\)?(?:\n|$)|^[\w$.]*@\S+:\d+:\d+$"
    # a JavaScript frame without `at` (`log (https://…/app.js:12:3)`, a bare `https://…/app.js:12:3`)
    r"|^[\w$.<>\[\] ]{1,80} \((?:https?|file|webpack|blob)://[^)\s]+:\d+:\d+\)$"
    r"|^(?:https?|file|webpack)://\S+\.(?:m?js|ts|tsx|jsx)(?:\?\S*)?:\d+:\d+$"
    # Python tracebacks, Dart/Flutter frames, Apple crash-log frames (`0  App  0x1004… -[VC load] + 52`)
    # (quantifiers bounded: a hostile text of many `(package:` must not backtrack quadratically)
    r'|\bFile "[^"\n]{1,300}", line \d+, in [\w<>]+'
    r"|#\d+ +[^\n(]{1,200}\((?:package|dart|file):[^)\n]{1,300}\.dart:\d+(?::\d+)?\)"
    r"|(?:^|\n)\d+\s+[\w.\-]+\s+0x[0-9a-fA-F]{8,16}\s+\S"
)
_VERSION_RE = re.compile(
    r"^(?:android|ios|ipados)?[ _]?\d{1,2}(?:\.\d{1,3}){0,3}(?:[ _+-]?[a-z0-9]{0,12}){0,3}$", re.I
)
_LOCALE_RE = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")
_TZ_RE = re.compile(
    r"^(?:[A-Za-z_]+/[A-Za-z_/+\-0-9]+|(?:GMT|UTC)?\s?[+-]\d{1,2}(?::?\d{2})?|[A-Z]{3,5}|-?\d{1,5})$"
)
_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?(?:\s?[x*×]\s?\d+(?:\.\d+)?)?%?$")
_PACKAGE_RE = re.compile(r"^[A-Za-z][\w]*(?:\.[A-Za-z_][\w]*)+$")
_HEX_DIGEST_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
_SKIP_HEADERS = frozenset(
    (
        # transport headers every HTTP client sends; `Accept-Language` included: it reflects the
        # locale on every request and would drown the findings that matter (the locale sent in SDK
        # payloads is still found there)
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Content-Type",
        "Content-Length",
        "Connection",
        "Host",
        "Cache-Control",
        "Pragma",
        "TE",
        "Upgrade",
        "Expect",
        "Origin",
        "Sec-Fetch-Mode",
        "Sec-Fetch-Site",
        "Sec-Fetch-Dest",
        "accept",
        "accept-encoding",
        "accept-language",
        "content-type",
        "content-length",
        "connection",
        "host",
        "cache-control",
    )
)
_MEDIA_EXTENSIONS = _WORDS.set("media_extensions")
_UUID_ONLY_KEYS = _WORDS.set("uuid_only_keys")
_DEVICE_WORDS = _WORDS.set("device_words")
_NON_DEVICE_PARENTS = _WORDS.set("non_device_parents")
_POSTAL_KEYS = _WORDS.set("postal_keys")
_CITY_KEYS = _WORDS.set("city_keys")
_LOCALE_PAIR_RE = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")
_NUMBERISH_TOKENS = _WORDS.set("numberish_tokens")
_ADDRESS_KEYS = _WORDS.set("address_keys")
_EVENT_CONTEXT = _WORDS.set("event_context")
_CONTROL_CALLS = _WORDS.set("control_calls")
"""SDK control calls sent as events: they set ids and traits, they are not something the user did."""
_COMPACT_EVENT_TYPES = frozenset(
    # Snowplow tracker protocol `e`: page view, page ping, structured, self-describing, transaction
    {"pv", "pp", "se", "ue", "tr", "ti"}
)
_OS_RE = re.compile(
    r"^(?:android|ios|ipados|iphone ?os|macos|mac ?os(?: ?x)?|os ?x|windows(?: nt| phone)?|linux|ubuntu|"
    r"debian|fedora|chrome ?os|cros|harmonyos|tizen|watchos|tvos|visionos|darwin|freebsd|kaios|fire ?os)"
    r"(?:[ /_-]?v?\d[\w.\-]*(?: [\w.\-()]+){0,4})?$",
    re.I,
)
_OS_VERSION_RE = re.compile(
    r"^(?:Android|iOS|iPadOS|iPhone OS|macOS|Mac OS X|Windows(?: NT)?|Linux|Ubuntu|HarmonyOS|Darwin|"
    r"Chrome OS|CrOS)[ /]v?\d{1,2}(?:[._]\d+){0,3}(?:[\w.\-+]*)(?: [\w.\-()]+){0,3}$"
)
_EXCEPTION_RE = re.compile(
    r"(?:^|[\s(:])(?:[a-z_][\w$]*\.){1,8}[A-Z][\w$]*(?:Exception|Error)\b"
    r"|^[A-Z][\w$]*(?:Exception|Error)(?::\s|$)"
    # a bare class inside a message, as runtimes print it before its message (`… rejection: TypeError: x`)
    r"|(?<![\w.])[A-Z][a-z][\w$]*(?:Exception|Error):\s"
)
_AUTH_SCHEMES = ("Bearer ", "bearer ", "Token ", "token ", "Basic ", "basic ")
_OS_NAMES = (
    "Android",
    "iOS",
    "iPadOS",
    "iPhone OS",
    "macOS",
    "Mac OS",
    "Windows",
    "Linux",
    "Ubuntu",
    "HarmonyOS",
    "Darwin",
    "Chrome OS",
    "CrOS",
)
_BEARER_RE = re.compile(r"^(?:Bearer|Token|Basic) [A-Za-z0-9._~+/\-]{16,}=*$", re.I)
_IGLU_RE = re.compile(r"^iglu:[\w.\-]+/([\w.\-]+)/jsonschema/\d+-\d+-\d+$")
_IGLU_ENVELOPES = ("contexts", "unstruct_event", "payload_data")
_CONN_WORDS = _WORDS.set("conn_words")
_FLAG_VALUES = frozenset({"true", "false", "1", "0", "yes", "no"})
_SESSION_TELEMETRY = "session telemetry"
_COUNT_WORDS = frozenset({"count", "number", "num", "index", "seq"})
"""The `what` of the session-telemetry rules (keys.toml and `keys.concept_rule`)."""
_REGION_KEYS = _WORDS.set("region_keys")
_RANDOM_HWID = KeyRule(
    "random_device_id", "user_id", Shape.ID, "an id the SDK made up (flagged random)", True
)
_TIMING_OBJECTS = _WORDS.set("timing_objects")
_SESSION_TOKENS = frozenset({"session", "sessions", "visit", "visits"})
_TIMING = KeyRule("timing", "diagnostics", Shape.NUMBER, "a performance measurement", True)
_TIMING_ENTRY = KeyRule("timing_entry", "diagnostics", Shape.ANY, "a performance timing entry", True)
_PERF_TIMING_WHAT = "a performance timing"
"""The `what` of the keys.toml rule naming W3C navigation/paint timings and web vitals."""
_CAMEL_RE = re.compile(r"^[a-z]+(?:[A-Z][a-z]*)+$")
_DIAGNOSTIC_EVENT_WORDS = _WORDS.set("diagnostic_event_words")
_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_ROUTE_NAME_RE = re.compile(r"^(?:GET|POST|PUT|PATCH|DELETE) /[\w\-./{}:]*$")
"""`POST /api/applications`: how APM agents and OpenTelemetry name a server transaction or span."""
_HTTP_METHOD_INITIALS = frozenset("GPD")
_TOKEN_PARAMS = _WORDS.set("token_params")
_PHONE_SCHEMES = frozenset(
    {"tel", "sms", "smsto", "mms", "whatsapp", "viber", "signal", "telegram", "imessage", "facetime"}
)
"""URI schemes and messaging channels whose address is a phone number (`whatsapp:+49…`)."""
_ANDROID_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_HARDWARE_ID_WORDS = _WORDS.set("hardware_id_words")
_BOOKKEEPING_EVENT_CODES = _WORDS.set("bookkeeping_event_codes")
_BOOKKEEPING_SUBJECTS = _WORDS.set("bookkeeping_subjects")
_BOOKKEEPING_CHANGES = _WORDS.set("bookkeeping_changes")
_LOG_LINE_RE = re.compile(
    r"(?m)^(?:\d{4}-\d{2}-\d{2}[ T]|\d{2}-\d{2} )\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?\S*\s+"
    r"(?:\d+\s+\d+\s+)?\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL|[VDIWEF])\]?[\s/:]"
)
"""A log line as loggers and logcat write it: a time stamp, then a level (`2026-12-04 10:00:01 INFO …`,
`12-04 10:00:01.123  4711  4712 E Tag: …`)."""
_SDK_OPERATIONS = _WORDS.set("sdk_operations")
"""Words of an event named as the SDK's own operation (`wzrk_fetch`): not something the user did."""
_SESSION_STARTS = _WORDS.set("session_starts")
_SESSION_START = KeyRule("session_start", "app_activity", Shape.ANY, "when a session started", True)
_SESSION_EVENT_CODES = _WORDS.set("session_event_codes")
_FIELD_FILTER_RE = re.compile(r"^[A-Za-z_][\w.]{0,40}:(?!//)\S")
"""`email:kim@…`, `status:sent AND …`: a field-qualified filter (Lucene/Elasticsearch-style query
syntax of backend search APIs), not what a user typed into a search box."""
_ROUTE_PARAM_RE = re.compile(r"^(?::\w+\??|\{[^/{}]*\}|\[[^/\[\]]*\]|\*{1,2}|<[^/<>]*>)$")
"""A parameter segment of a route pattern: `:id`, `{id}`, `[slug]`, `*`, `<int:pk>`."""
_ACTION_RECORD = "action_record"
"""The name of `keys`' concept rule for an action and its object (`last_job_applied`)."""
_PAGE_URL_KEYS = _WORDS.set("page_url_keys")
_PAGE_SUFFIXES = ("_url", "_uri", "_path", "_location", "_page")
"""Endings of prefixed page names (`[Amplitude] Page URL` → `amplitude_page_url`)."""
_REQUEST_CONTEXT = _WORDS.set("request_context")
_METRIC_OBJECTS = _WORDS.set("metric_objects")
_METRIC_NAME_KEYS = frozenset({"name", "metric", "metric_name"})
_ORDER_COLLECTIONS = _WORDS.set("order_collections")
_LINE_ITEMS = _WORDS.set("line_items")
_LINE_FIELDS = _WORDS.set("line_fields")
_ORDER_FIELDS = _LINE_FIELDS | {
    "amount",
    "currency",
    "order_id",
    "order_total",
    "revenue",
    "total",
    "transaction_id",
    "value",
}
_ACTIVITY_RECORDS = _WORDS.set("activity_records")
_NOTE_KEYS = MESSAGE_TEXT_KEYS | {"description", "details"}
_OWN_TEXT_KEYS = MESSAGE_TEXT_KEYS | frozenset(
    {
        "about",
        "answer",
        "bio",
        "comments",
        "description",
        "details",
        "feedback",
        "question",
        "remarks",
        "review",
    }
)
"""Names of a free text someone wrote; in the first person it is the writer's own words."""
_EVENT_COLLECTIONS = _WORDS.set("event_collections")
_RATING_SIBLINGS = _WORDS.lists["rating_siblings"]
"""Siblings that make a free text the user's comment on a rating (Countly star rating, NPS and
app-review prompts) or the user's answer to a survey question."""
_EXPOSURE = KeyRule(
    "flag_exposure",
    "app_activity",
    Shape.ANY,
    "exposures of an experiment or feature flag (what the user was shown)",
    True,
)
_CHAT_CONTAINERS = _WORDS.set("chat_containers")
_CHAT_MESSAGES = _WORDS.set("chat_messages")
_CHAT_MESSAGE = KeyRule("chat_message", "user_content", Shape.MESSAGE, "a message written in a chat", True)
_MEDIA_MAGIC = (
    ("/9j/", "JPEG image"),
    ("iVBORw0KGgo", "PNG image"),
    ("R0lGOD", "GIF image"),
    ("AAAAGGZ0eXA", "MP4/HEIC"),
    ("AAAAHGZ0eXA", "MP4/HEIC"),
    ("AAAAIGZ0eXA", "MP4/HEIC"),
    ("T2dnUw", "Ogg audio"),
    ("SUQz", "MP3 audio"),
    ("IyFBTVIK", "AMR audio"),
)
"""Base64 openings of media files (the format's magic bytes, base64-encoded)."""
_MEDIA_INITIALS = frozenset("d/iRATSI")
_MEDIA_NAMES = _WORDS.set("media_names")
"""Names under which an inline media file is the user's (not a page's `src` or an icon)."""
_VIEW_HITS = frozenset(
    {
        "pageview",
        "page_view",
        "page-view",
        "PageView",
        "Pageview",
        "pageView",
        "screenview",
        "screen_view",
        "screen-view",
        "ScreenView",
        "Screenview",
        "screenView",
    }
)
"""Values that type a hit as a page or screen view, whatever the key (`t=pageview`, Plausible's
`n: pageview`, `type: screen_view`)."""
_BATCH_NAMES = _WORDS.set("batch_names")
"""Arrays whose entries are tracking hits (`batch[0].type: page`)."""
_VIEW_HIT = KeyRule("view_hit", "app_activity", Shape.ANY, "a page or screen view", True)
_SHARE_KEYS = _WORDS.set("share_keys")
_SHARE_VALUES = _WORDS.set("share_values")
_SHARED = KeyRule(
    "share_action", "app_activity", Shape.ANY, "the user sharing or inviting (a share link's purpose)", True
)
_SDK_HEALTH_WHAT = "the SDK's own health data"
"""The `what` of the keys.toml rules naming an SDK's health report (`sdk_health`, `hc`)."""
_BREADCRUMB_KINDS = _WORDS.set("breadcrumb_kinds")
_BREADCRUMB_FIELDS = _WORDS.set("breadcrumb_fields")
_CRASH_PLACE_KEYS = _WORDS.set("crash_place_keys")
_ERROR_OBJECT_NAMES = frozenset(
    {"crash", "error", "errors", "exception", "exceptions", "fault", "jserrors", "stacktrace"}
)
_DIAGNOSTIC_ITEM_TYPES = _WORDS.set("diagnostic_item_types")
_ITEM_TYPE_KEYS = _WORDS.set("item_type_keys")
_SESSION_MARKS = _WORDS.set("session_marks")
"""Item types and URL path segments that report a session (AppCenter `type: startSession`, Sentry
envelope items `type: session`, Kochava `action: session`, OneSignal `/players/{id}/on_session`)."""
_SESSION_MARK = KeyRule(
    "session_report", "app_activity", Shape.ANY, "a session begun, ended or reported", True
)
_TEXT_WRAPPERS = _WORDS.set("text_wrappers")
"""Typed-value wrappers of a text (Firestore `text: {stringValue: …}`): read by the parent's name."""
_ACTIVITY_LAST_NAMES = (
    _PAGE_URL_KEYS
    | _METRIC_NAME_KEYS
    | _NOTE_KEYS
    | _BREADCRUMB_FIELDS
    | _CRASH_PLACE_KEYS
    | _ITEM_TYPE_KEYS
    | _TEXT_WRAPPERS
    | _SESSION_STARTS
    | _OWN_TEXT_KEYS
    | _SHARE_KEYS
)
"""Last names of leaves `_activity_rule` reads (one set lookup gates it)."""
_VISITED_PAGE = KeyRule("visited_page", "app_activity", Shape.ANY, "the page or screen the user is on", True)
_CRM_NOTE = KeyRule(
    "activity_note", "app_activity", Shape.MESSAGE, "a note or activity entry on a person's record", True
)
_BREADCRUMB_MOVE = KeyRule(
    "breadcrumb_move",
    "app_activity",
    Shape.EVENT,
    "where the user went or what they tapped (a breadcrumb)",
    True,
)
_CRASH_PLACE = KeyRule(
    "crash_screen", "app_activity", Shape.EVENT, "the screen or route the user was on when it failed", True
)
_DIAGNOSTIC_ITEM = KeyRule(
    "diagnostic_item_type", "diagnostics", Shape.ANY, "an item of performance, error or SDK diagnostics", True
)
_POSTED_EVENT = KeyRule("event_name", "app_activity", Shape.EVENT, "an event name", True)
_OWN_WORDS = KeyRule(
    "own_words", "user_content", Shape.MESSAGE, "a text in the writer's own words (a message, a letter)", True
)
_ACTION_METRIC = KeyRule(
    "action_metric", "app_activity", Shape.ANY, "a metric counting something the user did", True
)
_URL_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]{1,30})://")
_WEB_SCHEMES = frozenset(
    {"http", "https", "ws", "wss", "file", "ftp", "data", "blob", "chrome", "about", "content", "javascript"}
)
_CONTENT_ID_RE = re.compile(r"^(?!v\d+$)(?!\d+(?:\.\d+)+$)(?!\d{4}-\d{2}-\d{2}$)(?=[^/]*\d)[\w\-~]{2,64}$")
"""A path segment that is one item's id (`4471`, `ord-99812`, a UUID), not a version or a date."""
_COLLECTION_WORD_RE = re.compile(r"^[A-Za-z][A-Za-z_\-]{2,40}$")
_OTLP_METRIC_NAME = ("1", "2", "2", "1")
"""`ExportMetricsServiceRequest.resource_metrics[].scope_metrics[].metrics[].name` (OTLP
metrics.proto: fields 1, 2, 2, 1) in a schemaless protobuf body."""
_ACCOUNT_NAMES = _WORDS.set("account_names")
_IDENTITY_MAP_WORDS = _WORDS.set("identity_map_words")
_IDENTITY_MAP_OWNERS = _WORDS.set("identity_map_owners")
_IDENTITY_MAP = KeyRule("identity_map", "user_id", Shape.ID, "one of the person's identities", True)
_RECIPIENT_NAMES = _WORDS.set("push_recipient_names")
_PUSH_PATH_WORDS = _WORDS.set("push_path_words")
_BROWSER_ID_RE = re.compile(r"^(?:GA1\.\d\.\d{6,12}\.\d{10}|fb\.\d\.\d{13}\.\d{6,20})$")
"""Browser ids in their documented formats, in cookies (`_ga`, `_fbp`) and forwarded in server
APIs (Meta Conversions API `fbp`, GA4 `client_id` as the cookie holds it): Google Analytics'
`GA1.<domain depth>.<random>.<first visit, epoch s>`, Meta's `fb.<subdomain index>.<created, epoch ms>.<random>`."""
_PUSH_RECIPIENT = KeyRule("push_recipient", "user_id", Shape.ID, "a device's push token", True)
_GEOHASH_NAMES = _WORDS.set("geohash_names")
_GEOHASH_RE = re.compile(r"^[0-9b-hjkmnp-z]{5,12}$")
_CELL_FIELDS = _WORDS.set("cell_fields")
_CELL_WORDS = _WORDS.set("cell_words")
_UNKNOWN_CELL_VALUES = _WORDS.set("unknown_cell_values")
"""What Android's CellIdentity getters return when the value is unknown (Integer.MAX_VALUE, …)."""
_GEO_OBJECTS = _WORDS.set("geo_objects")
_PLACE_SHAPE_NAMES = _GEOHASH_NAMES | _CELL_FIELDS | _WORDS.set("cell_fields_in_cell") | {"coordinates"}
"""Last names `_place_shape_rule` reads (one set lookup gates it)."""
_GEOHASH_PRECISE = KeyRule("geohash", "location_precise", Shape.ANY, "a geohash (a location)", True)
_GEOHASH_COARSE = KeyRule("geohash", "location_coarse", Shape.ANY, "a short geohash (an area)", True)
_GEOJSON_PRECISE = KeyRule("geojson_position", "location_precise", Shape.ANY, "a GeoJSON position", True)
_GEOJSON_COARSE = KeyRule("geojson_position", "location_coarse", Shape.ANY, "a GeoJSON position", True)
_CELL_TOWER = KeyRule(
    "cell_tower", "location_coarse", Shape.ANY, "the serving cell tower (locates the phone to a cell)", True
)
_TERSE_ID_NAMES = _WORDS.set("terse_id_names")
_DOTTED_VERSION_RE = re.compile(r"^v?\d+(?:[._]\d+)+")
_HANDLE_ID_RE = re.compile(r"^(?=[^ ]*[A-Za-z])(?=[^ ]*\d)[A-Za-z0-9][A-Za-z0-9_\-.:@]{5,63}$")
_HARDWARE_KEY = KeyRule(
    "hardware_key", "user_id", Shape.ID, "the device's key (a context of kind device)", True
)
_CUSTOM_SLOTS = _WORDS.set("custom_slots")
_NETWORK_NAME_WORDS = _WORDS.set("network_name_words")
_DISTINCT_CONN_VALUES = _WORDS.set("distinct_conn_values")
_CONNECTION_VALUE = KeyRule("connection_value", "network", Shape.CONN, "the connection type", True)
_CONNECTION_STRICT = KeyRule("connection_value_compact", "network", Shape.CONN, "the connection type", True)
_AGGREGATE_OBJECTS = _WORDS.set("aggregate_objects")
_EXPO_TOKEN_RE = re.compile(r"^Expo(?:nent)?PushToken\[[A-Za-z0-9_\-]{16,64}\]$")
"""Expo's push token (`ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]`, the wire format of Expo's push
service, docs.expo.dev "Send notifications with the Expo Push Service"): a device's push address."""
_COLLECTION_ID = KeyRule(
    "collection_id", "user_id", Shape.PATH_ID, "the id of a user, device or contact", True
)
_REPLAY_STEPS = _WORDS.set("replay_decoders")
"""Decoders of session-replay recordings (analysis/decode/_openreplay.py, _rrweb.py): their
locations name each message or event by its type (`SetInputValue`, `Input`, `FullSnapshot`)."""
_REPLAY_TYPED = _WORDS.set("replay_typed")
_REPLAY_SCREEN = _WORDS.set("replay_screen")
_REPLAY_DEVTOOLS = _WORDS.set("replay_devtools")
_REPLAY_TYPED_RULE = KeyRule(
    "replay_typed_text", "user_content", Shape.ANY, "text the user typed into a form field", True
)
_REPLAY_SCREEN_RULE = KeyRule(
    "replay_screen",
    "app_activity",
    Shape.ANY,
    "what the screen showed, where the user went and what they clicked",
    True,
    container=True,
)
_REPLAY_DEVTOOLS_RULE = KeyRule(
    "replay_devtools",
    "diagnostics",
    Shape.ANY,
    "the app's console, errors, network calls or timings",
    True,
    container=True,
)


@dataclass(frozen=True, slots=True)
class _Path:
    """What detection reads off a leaf's location, derived once per distinct location (kept in
    `Location.memo`)."""

    names: tuple[str, ...]
    """Field names along the location, outermost first (`Location.names`: indexes dropped)."""
    tokens: frozenset[str]
    last: str | None
    parent: str | None
    container: tuple[KeyRule, Location] | None = None
    """The outermost enclosing container key (`stacktrace`, `contacts`, …) and its location."""
    norms: tuple[str, ...] = ()
    """`names` normalised (`keys.normalise`)."""
    parent_loc: str = ""
    """The object holding the leaf (`Location.holder`)."""
    grand_loc: str = ""
    """The object holding that one (`Location.grand_holder`)."""
    holder_parts: tuple[Location | None, str, str] = (None, "", "")
    grand_parts: tuple[Location | None, str, str] = (None, "", "")
    """`Location.holder_parts` and `grand_holder_parts` (for `RecordContext`'s anchors)."""
    event_hint: bool = False
    """The location is inside an event (`events[0]`, `properties`, `params`) or names one."""
    context_key: bool = False
    """The last name is one some `context_rule` reads (`CONTEXT_KEYS`)."""
    joined: KeyRule | None = None
    """The rule of a generic last name read with its parent (`device.id` → `device_id`)."""
    protobuf: bool = False
    """The leaf is inside a schemaless protobuf (field numbers, no names)."""
    url_segment: bool = False
    """The leaf is a URL path segment (`path[i]`)."""
    sibling_key: tuple[str, str] | None = None
    """(`parent_loc`, last normalised name) under which `RecordContext` indexes the leaf."""
    second_item: bool = False
    """The location is the second item of an array (`[name, value]` pairs)."""
    timing: bool = False
    """A name along the location is a timing object (`words.toml` timing_objects)."""
    jwt_iss: bool = False
    """The leaf is the `iss` claim of a JWT."""
    url_param: bool = False
    """The leaf is (inside) a query parameter of a URL sent as a value (`>url:`)."""
    flat: bool = False
    """The value is a param of a query or form (`query:k`, `…form:k`), where compact protocols'
    raw names (`keys.RAW_TABLE`) mean something."""
    skip: bool = False
    """A transport header every client sends (`_SKIP_HEADERS`): not searched."""
    first_item: bool = False
    """The location is the first item of an array (`array_event`)."""
    name_rules: bool = False
    """The last names route to a rule read off them (hardware key, place shape, push recipient,
    identity map, activity name, memory measure): a gate in front of those checks."""
    account_name: bool = False
    """The last name is an account name or a name/value list's value word (`_account_name_cand`)."""


def _rank(c: _Cand) -> tuple[int, bool, float]:
    """How a candidate ranks within its (location, category) group (higher first)."""
    return _RANK[c.kind], c.detector == "runtime", c.confidence


def _path(location: Location) -> _Path:
    """Interned locations keep what detection derives from them: computed once per location."""
    memo = location.memo
    if memo is None:
        memo = location.memo = _make_path(location)
    return memo  # type: ignore[return-value]


def _make_path(location: Location) -> _Path:
    """Field names along a location (`body.form:d>base64>json:events[0].adid` → d, events, adid)
    and what follows from them and the location's steps."""
    names = location.names
    tokens: set[str] = set()
    for n in names:
        tokens.update(keys.tokens(n))
    container = None
    for i, name in enumerate(names[:-1]):
        r = keys.lookup(name)
        if r is not None and r.container:
            container = (r, location.name_nodes[i])
            break
    norms = tuple(keys.normalise(n) for n in names)
    last_rule = keys.lookup(names[-1]) if names else None
    event_hint = bool(tokens & _EVENT_CONTEXT) or (
        last_rule is not None and last_rule.shape in ("event", "compact_event")
    )
    holder = location.holder
    innermost = location.innermost
    return _Path(
        names,
        frozenset(tokens),
        names[-1] if names else None,
        names[-2] if len(names) > 1 else None,
        container,
        norms,
        holder,
        location.grand_holder,
        location.holder_parts,
        location.grand_holder_parts,
        event_hint,
        bool(norms) and norms[-1] in CONTEXT_KEYS,
        _joined(norms[-1], norms[-2]) if len(norms) > 1 else None,
        location.has_step("protobuf"),
        location.is_url_segment,
        (holder, norms[-1]) if norms else None,
        location.last_index == 1,
        bool(tokens & _TIMING_OBJECTS),
        bool(norms) and norms[-1] == "iss" and in_jwt_payload(location),
        location.has_step("url"),
        innermost.name in ("query", "form") and (innermost.kind == STEP or innermost is Location.QUERY),
        location.kind == PARAM and location.parent is Location.HEADER and location.name in _SKIP_HEADERS,
        location.last_index == 0,
        _name_rules(norms),
        bool(norms) and (norms[-1] in _ACCOUNT_NAMES or norms[-1] in VALUE_WORDS),
    )


def _name_rules(norms: tuple[str, ...]) -> bool:
    """Can one of the rules the detector reads off the last names apply? (the same conditions
    as in `Detector.detect`, without the value: derived once per location)."""
    if not norms:
        return False
    last = norms[-1]
    return (
        last == "key"
        or last in _PLACE_SHAPE_NAMES
        or last in _RECIPIENT_NAMES
        or (len(norms) >= 2 and _identity_map(norms[-2]))
        or _activity_name(last)
        or (len(norms) >= 2 and last in keys.MEMORY_MEASURES)
    )


def _forwarded_url_token(leaf: Leaf, ctx: RecordContext, host: str) -> _Cand | None:
    """A token in the query of another site's URL sent to this host (`resource.url` =
    `https://api.app.example/me?access_token=eyJ…` in a monitoring batch): the app's credential
    handed on to a third party. One finding per token (for a JWT: at its `alg` header)."""
    chain = leaf.location.chain
    at = max(i for i, node in enumerate(chain) if node.kind == STEP and node.name == "url")
    param = chain[at + 1]  # a URL's query parameter
    tail = chain[at + 2 :]
    if param.kind != PARAM or keys.normalise(param.name) not in _TOKEN_PARAMS:
        return None
    if tail:  # a JWT in the parameter: one finding, at its `alg` header
        if [(n.kind, n.name) for n in tail] != [(STEP, "jwt"), (KEY, "header"), (KEY, "alg")]:
            return None
    elif not patterns.id_shape(leaf.value):
        return None
    url = ctx.value_at(chain[at - 1]) or ""
    target = _url_host(url) if "://" in url else None
    if not target or _site(target) == _site(host):
        return None
    token = next(iter(parse_qs(urlsplit(url).query).get(param.name, ())), leaf.value)  # parsed above
    return _Cand(
        "credentials",
        param,
        leaf.decoding[:-1] if tail else leaf.decoding,
        token,
        "key",
        "key:forwarded-url-token",
        0.75,
        param.name,
        f"a token for {target} (URL parameter {param.name!r}) is sent to {host}",
        "key",
    )


def _memory_child(path: _Path) -> tuple[KeyRule | None, str | None]:
    """A measure under a memory object (`memory: {total: …}`, `ram.available`) is the memory size,
    as `memory_total` would be."""
    if keys.MEMORY_WORDS.intersection(path.norms[-2].split("_")):
        return keys.concept_rule(("memory", path.norms[-1])), f"under {path.norms[-2]!r}"
    return None, None


def _timing_rule(path: _Path) -> tuple[KeyRule | None, str | None]:
    """A number inside a timing object (`perf.timing.dns`, `duration: {min, max}`) measures the
    app's performance; not inside a session or visit (that is how long the user stayed)."""
    if path.tokens & _SESSION_TOKENS:
        return None, None
    for name in path.norms[:-1]:
        if name in _TIMING_OBJECTS:
            return _TIMING, f"inside {name!r}"
    return None, None


def _timing_entry_rule(value: str) -> tuple[KeyRule | None, str | None]:
    """A value naming a W3C performance timing entry (`domInteractive`, `loadEventEnd`): the
    record is a timing of the page or screen load, whatever the vendor calls the field."""
    rule = keys.lookup(value)
    if rule is not None and rule.category == "diagnostics" and rule.what == _PERF_TIMING_WHAT:
        return _TIMING_ENTRY, "(the value names a performance timing entry)"
    return None, None


def _replay_rule(value: str, path: _Path) -> tuple[KeyRule | None, str | None]:
    """A value inside a session-replay message (`openreplay`, `rrweb` decoders) by the message's
    type: text typed into a form field is user content (not a masked `***` or a number); the
    screen's text, the page's address and clicks are app activity, console, errors, network and
    timing records diagnostics (each one finding per batch or event, `_replay_head`)."""
    for name in reversed(path.norms[:-1]):
        if name in _REPLAY_TYPED:
            if value.isdigit() or not value.strip("*•● ") or path.norms[-1] not in ("value", "text"):
                return None, None  # a number, a masked value, the field's label
            return _REPLAY_TYPED_RULE, f"(typed into a form field: {name!r} of a session replay)"
        if name in _REPLAY_DEVTOOLS:
            return _REPLAY_DEVTOOLS_RULE, f"(a {name!r} message of a session replay)"
        if name in _REPLAY_SCREEN:
            if value.isdigit() or len(value) < 2 or path.norms[-1] in ("tag", "tag_name"):
                return None, None  # coordinates, sizes, flags, the page's element names
            return _REPLAY_SCREEN_RULE, f"(a {name!r} message of a session replay)"
    return None, None


def _replay_kind(location: Location) -> str:
    """The replay message or event type a leaf is in (`SetNodeData`, `FullSnapshot`), or ""."""
    for name in reversed(location.names):
        norm = keys.normalise(name)
        if norm in _REPLAY_SCREEN or norm in _REPLAY_DEVTOOLS or norm in _REPLAY_TYPED:
            return name
    return ""


def _replay_head(location: Location) -> Location:
    """The replay batch (`body.openreplay`) or event (`body.json:[3]>rrweb`) a location is in."""
    for step in ("rrweb", "openreplay"):
        node = location.parent
        while node is not None:
            if node.kind == STEP and node.name == step:
                return node
            node = node.parent
    return location


def _joined(norm: str, parent: str) -> KeyRule | None:
    """A generic child name read with its parent: `device.id` → `device_id`, `events[0].name` →
    `event_name`."""
    if norm not in keys.GENERIC_CHILDREN:
        return None
    rule = keys.lookup(f"{parent}_{norm}")
    if rule is None and parent.endswith("s"):
        rule = keys.lookup(f"{parent[:-1]}_{norm}")
    return rule


def _connection_value_rule(raw_key: str | None, path: _Path) -> tuple[KeyRule | None, str | None]:
    """A connection type as the value (`ct=wifi`, `nt=4g`, `net-etype=4g`, `bearer: "cell"`): the
    phone's connection when the name has a network word, or, for the types that say so alone
    (`wifi`, `lte`, `4g`), when the name is a compact protocol's one- or two-letter one."""
    if not path.norms:
        return None, None
    words = path.norms[-1].split("_")
    if _NETWORK_NAME_WORDS.intersection(words):
        return _CONNECTION_VALUE, f"(the name {raw_key!r} speaks of the network)"
    if raw_key is not None and len(raw_key) <= 2 and raw_key.isalpha():
        return _CONNECTION_STRICT, f"(the compact name {raw_key!r})"
    return None, None


def _custom_slot(path: _Path) -> bool:
    """The leaf is a custom dimension or attribute the app names (`dimension3`, `cd3`,
    `custom.home`, `attributes.x`, `user_properties.x`): the SDK's own name says nothing of it."""
    norms = path.norms
    if not norms:
        return False
    return norms[-1].rstrip("0123456789") in _CUSTOM_SLOTS or (len(norms) >= 2 and norms[-2] in _CUSTOM_SLOTS)


def _account_name_cand(leaf: Leaf, path: _Path, ctx: RecordContext) -> _Cand | None:
    """`username`, `user_name`, `login_name`: the name a person logs in or shows up with is an id
    of their account (and contact info under a person's object, `context.person_owner`), also as
    a key/value pair (`{"key": "user.name", "value": …}`, OpenTelemetry's `user.name`). `login`
    only under a person's object: elsewhere it is as often an event or a flag."""
    norm = path.norms[-1]
    if norm in VALUE_WORDS:
        named = pair_name(ctx.of(path.parent_loc))
        if named is None and len(path.norms) >= 2 and path.norms[-2] in VALUE_WORDS:
            named = pair_name(ctx.of(path.grand_loc))  # OTLP `value: {stringValue}`
        norm = keys.normalise(named) if named is not None else ""
        if norm not in _ACCOUNT_NAMES or norm == "login":
            return None
    elif norm == "login" and not (len(path.norms) >= 2 and person_owner(path.norms[-2])):
        return None
    v = leaf.value.strip()
    if (
        not 2 <= len(v) <= 64
        or any(c.isspace() for c in v)
        or "://" in v
        or not any(c.isalpha() for c in v)
        or patterns.is_placeholder(v)
    ):
        return None
    return _Cand(
        "user_id",
        leaf.location,
        leaf.decoding,
        v,
        "key",
        "key:account_name",
        0.7,
        leaf.key,
        f"key {leaf.key or norm!r} names an account's user name (an id the person chose)",
        "key",
    )


def _same_value_same_id(cands: list[_Cand]) -> None:
    """A value the request itself names an advertising or hardware device id (`gps_adid`,
    `android_id`) is that id wherever else it appears in the request (an SDK that uses the
    advertising id as its `device_id` or `uid`), not a made-up user id: as a profile value decides
    what a leaf is, the request's own naming does."""
    named = {
        c.value.lower(): c.category
        for c in cands
        if c.category in _STRONG_IDS and c.kind != "pattern" and c.detector == "key" and len(c.value) >= 16
    }
    if not named:
        return
    for c in cands:
        if c.category == "user_id" and c.kind in ("key", "key+pattern", "pattern"):
            category = named.get(c.value.lower())
            if category is not None:
                c.category = category
                c.rule = f"{c.rule}+same-value"
                c.evidence = (
                    f"the request names this value {category.replace('_', ' ')} elsewhere; {c.evidence}"
                )


@dataclass(slots=True)
class _Cand:
    category: str
    location: Location
    decoding: tuple[str, ...]
    value: str
    detector: str
    rule: str
    confidence: float
    key: str | None
    evidence: str
    kind: str
    """`profile`, `runtime`, `key+pattern`, `key`, `pattern` (for ranking)."""
    whole_known: bool = False
    known_name: str | None = None

    def detection(self, extra: list[str]) -> Detection:
        evidence = self.evidence
        if extra:
            evidence = f"{evidence}; also: {'; '.join(extra)}"
        value = self.value
        if len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS] + "…"
        return Detection(
            self.category,
            str(self.location),
            self.decoding,
            value,
            self.detector,  # type: ignore[arg-type]
            self.rule,
            round(self.confidence, 3),
            self.key,
            evidence,
        )


def _add_pattern(
    out: list[_Cand], leaf: Leaf, category: str, rule_id: str, conf: float, evidence: str, found: str
) -> None:
    """A value pattern's candidate at the leaf (a function of its own, not a closure per leaf)."""
    out.append(
        _Cand(
            category,
            leaf.location,
            leaf.decoding,
            found,
            "pattern",
            rule_id,
            conf,
            leaf.key,
            evidence,
            "pattern",
        )
    )


def _is_jwt_issuer(loc: Location) -> bool:
    """The `iss` claim of a JWT's payload (`…>jwt:payload.iss`)."""
    parent = loc.parent
    return (
        loc.kind == KEY
        and loc.name == "iss"
        and parent is not None
        and parent.kind == KEY
        and parent.name == "payload"
        and parent.parent is not None
        and parent.parent.kind == STEP
        and parent.parent.name == "jwt"
    )


def _url_host(url: str) -> str | None:
    """The host name of a URL, or `None` when the text does not parse as one (`https://[bad/`:
    captured traffic is hostile input; `urlsplit` raises on a broken IPv6 literal)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _site(host: str) -> str:
    """The last two labels of a host name (`a.b.example.com` → `example.com`)."""
    return ".".join(host.lower().rstrip(".").split(".")[-2:])


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=4096)
def _describe_transform(transform: str, name: str) -> str:
    """`sha256(lower)` → "sha256 of lower-cased person.email matched"."""
    base, _, enc = transform.partition(" ")
    enc_text = {"base64": ", base64-encoded", "HEX": ", upper-case hex"}.get(enc, "")
    forms = {
        "lower": "lower-cased ",
        "upper": "upper-cased ",
        "e164": "E.164 ",
        "e164-no-plus": "E.164 (without '+') ",
        "national": "national-format ",
        "digits": "digits-only ",
        "no-separators": "separator-less ",
        "no-separators-upper": "separator-less upper-case ",
        "dashes": "dash-separated ",
    }
    for algo in ("md5", "sha1", "sha256"):
        if base == algo:
            return f"{algo} of {name} matched{enc_text}"
        if base.startswith(algo + "("):
            form = base[len(algo) + 1 : -1]
            return f"{algo} of {forms.get(form, form + ' ')}{name} matched{enc_text}"
    if base in ("exact",):
        return f"{name} found as-is"
    if base in ("lower", "upper", "case-folded"):
        return f"{name} found {'case-folded' if base == 'case-folded' else base + '-cased'}"
    if base in forms:
        return f"{name} found in {forms[base].strip()} form"
    m = re.match(r"^(url-encoded|hex|base64|base64url)(?:\((.+)\))?$", base)
    if m:
        enc_name, form = m.group(1), m.group(2)
        what = f"{forms.get(form, (form or '') + ' ')}{name}" if form else name
        return f"{what} found {enc_name}{'' if enc_name.endswith('encoded') else '-encoded'}"
    return f"{name} found ({transform})"


class Detector:
    """Keys, value patterns and known values (profile + runtime) → `Detection`s for one record."""

    def __init__(self, profile: Profile | None = None, known: Iterable[KnownValue] = ()) -> None:
        self.profile = profile
        self._matcher = KnownMatcher(profile.known_values() if profile is not None else ())
        self._matcher.add(known)

    def add_known_values(self, values: Iterable[KnownValue]) -> None:
        """Add values seen at run time (hook events) or more profile values; the automaton is
        rebuilt lazily by the next `detect`."""
        self._matcher.add(values)

    @property
    def matcher(self) -> KnownMatcher:
        return self._matcher

    # --- entry point ----------------------------------------------------------------------

    def detect(self, record: Record, decoded: Decoded) -> list[Detection]:
        if not record.outgoing:
            return []
        matcher = self._matcher
        matcher.build()
        proto_schema = keys.proto_schema(record.host)
        has_loc = matcher.has_location
        has_known = len(matcher) > 0
        cands: list[_Cand] = []
        containers: dict[tuple[Location, str], list] = {}
        lat_hits: list[tuple[Leaf, patterns.Coordinate, bool]] = []
        lon_hits: list[tuple[Leaf, patterns.Coordinate, bool]] = []
        known_seen: dict[int, list[Location]] = {}  # known value → leaf locations it was found at

        # where every leaf sits; the record's objects by parent are indexed on first use
        items: list[tuple[Leaf, _Path]] = [
            (leaf, path) for leaf in decoded.leaves if leaf.value and not (path := _path(leaf.location)).skip
        ]
        ctx = RecordContext(items, record.path)

        for leaf, path in items:
            value = leaf.value
            n_value = len(value)
            raw_key = leaf.key if leaf.key is not None else path.last
            rule = keys.lookup(raw_key)
            if rule is not None and rule.name in keys.RAW_TABLE and not path.flat:
                # raw names are parameters of compact protocols (query and form only, also a
                # query forwarded inside a body: `requests: ["?uid=…&_id=…"]` of bulk APIs)
                rule = None
            alias = None
            key_label = None
            why = None
            if rule is not None and rule.container and not _REPLAY_STEPS.isdisjoint(leaf.decoding):
                # inside a session replay the message's type says what a generic container name
                # means (`PerformanceTrack.frames` counts frames per second, not stack frames)
                replay, replay_why = _replay_rule(value, path)
                if replay is not None:
                    rule, why = replay, replay_why
            if rule is None:
                if path.context_key:
                    # what the siblings and the parent object say comes before the parent's name
                    found = context_rule(
                        leaf.location,
                        path.norms[-1],
                        path.norms,
                        path.tokens,
                        ctx,
                        path.parent_loc,
                        path.grand_loc,
                    )
                    if found is not None:
                        rule, why = found
                if rule is None and raw_key is not None and path.parent is not None:
                    if raw_key == path.last:
                        rule = path.joined
                    else:
                        rule = _joined(keys.normalise(raw_key), keys.normalise(path.parent))
                if rule is None and path.protobuf:
                    if proto_schema is not None:
                        alias = keys.proto_field(proto_schema, leaf.location)
                        if alias is not None:
                            rule = keys.lookup(alias[1])
                            key_label = f"protobuf field {alias[0]} ('{alias[1]}')"
                    if rule is None:
                        pair = protobuf_pair(leaf.location, ctx)
                        if pair is not None:
                            rule, why = pair
                if rule is None and path.second_item:
                    pair = array_pair(leaf.location, ctx)
                    if pair is not None:
                        rule, why = pair
                if rule is None and path.first_item:
                    pair = array_event(leaf.location, ctx)
                    if pair is not None:
                        rule, why = pair
                name_rules = path.name_rules  # gates the checks of the last names below
                if name_rules:
                    if rule is None and path.norms[-1:] == ("key",) and n_value in (15, 16, 17):
                        rule, why = _hardware_key_rule(value, path)
                    if rule is None and path.norms and path.norms[-1] in _PLACE_SHAPE_NAMES:
                        rule, why = _place_shape_rule(leaf.location, value, path, ctx)
                    if rule is None and path.norms and path.norms[-1] in _RECIPIENT_NAMES and n_value >= 32:
                        rule, why = _push_recipient_rule(value, ctx)
                    if rule is None and len(path.norms) >= 2 and _identity_map(path.norms[-2]):
                        rule, why = _IDENTITY_MAP, f"under {path.norms[-2]!r}"
                if rule is None and path.url_segment:
                    rule, why = self._collection_id(leaf.location, ctx)
                    if rule is None and ("ression" in value or "xposure" in value):
                        rule, why = _exposure_path(value)
                    if (
                        rule is None
                        and "ession" in value
                        and keys.normalise(value) in _SESSION_MARKS - {"session"}
                    ):
                        rule, why = _SESSION_MARK, f"(the URL path segment {value!r})"
                if rule is None and path.timing:
                    rule, why = _timing_rule(path)
                if rule is None and name_rules and _activity_name(path.norms[-1]):
                    rule, why = _activity_rule(value, path, ctx)
                if rule is None and n_value <= 12 and value in _VIEW_HITS:
                    rule, why = _VIEW_HIT, "(the value types the hit as a page or screen view)"
                if (
                    rule is None
                    and name_rules
                    and len(path.norms) >= 2
                    and path.norms[-1] in keys.MEMORY_MEASURES
                ):
                    rule, why = _memory_child(path)
                if (
                    rule is None
                    and 8 <= n_value <= 48
                    and value.isalpha()
                    and not value.islower()
                    and _CAMEL_RE.match(value)
                ):
                    rule, why = _timing_entry_rule(value)
                if rule is None and not _REPLAY_STEPS.isdisjoint(leaf.decoding):
                    rule, why = _replay_rule(value, path)
            elif (
                rule.shape is Shape.HWID
                and rule.category == "device_id"
                and is_random_flagged(ctx.of(path.parent_loc))
            ):
                rule, why = _RANDOM_HWID, "a sibling flags it as random"
            if (
                (rule is None or rule.shape is Shape.DIGEST)  # `ct`: a hashed city, or the connection
                and n_value <= 16
                and value.lower() in _CONN_WORDS
            ):
                conn, conn_why = _connection_value_rule(raw_key, path)
                if conn is not None:
                    rule, why = conn, conn_why

            # known values
            kms = matcher.search_leaf(value) if has_known else ()

            # containers (stack traces, address books, app lists): one finding per container;
            # inside a crash report every other rule still applies (breadcrumbs, variables)
            crule: KeyRule | None = None
            if rule is not None and rule.container:
                crule, cloc = rule, self._container_location(path, leaf.location, rule)
            elif path.container is not None:
                crule, cloc = path.container
            else:
                crule, cloc = None, leaf.location
            if crule is not None and crule.category == "contacts" and path.tokens & keys.PERMISSION_VERBS:
                crule = None  # a permission list naming contacts (`permissions.READ_CONTACTS`)
            if crule is not None:
                inside = []
                for m in kms:
                    if m.generic:
                        continue
                    known_seen.setdefault(id(m.known), []).append(leaf.location)
                    if m.known.category == crule.category:
                        inside.append(m)
                    else:
                        c = self._known_cand(leaf, m, rule, value, key_label, path)
                        if c is not None:
                            cands.append(c)
                if not patterns.is_placeholder(value) or inside or crule.what == _SDK_HEALTH_WHAT:
                    # an SDK's health report counts (`errors: 0`) even when every count is zero
                    containers.setdefault((cloc, crule.category), []).append((leaf, crule, inside))
                if crule.category not in ("diagnostics", "app_activity"):
                    continue
            else:
                for m in kms:
                    c = self._known_cand(leaf, m, rule, value, key_label, path)
                    if c is not None:
                        cands.append(c)
                        known_seen.setdefault(id(m.known), []).append(leaf.location)

            # key semantics
            kc = None
            if rule is not None and not rule.container:
                kc = self._key_cand(leaf, rule, value, path, alias, ctx, why)
                if kc is not None and kc.category == "app_activity" and path.tokens & _SPAN_WORDS:
                    kc = None  # a span's events and names are timings of the app's code, not the user's
                if (
                    kc is not None
                    and rule.shape is Shape.EVENT
                    and kc.category == "app_activity"
                    and _TIMING_OBJECTS.intersection(_WORD_SPLIT_RE.split(value.lower()))
                ):
                    # an event named as a performance measurement (`rum.performance.navigation`,
                    # `web_vitals`) times the app's code: diagnostics, not something the user did
                    kc.category, kc.rule = "diagnostics", "key:performance_event"
                    kc.evidence = f"the event's name says it is a performance measurement; {kc.evidence}"
                elif (
                    kc is not None
                    and rule.shape is Shape.EVENT
                    and _DIAGNOSTIC_EVENT_WORDS.intersection(_WORD_SPLIT_RE.split(value.lower()))
                ):
                    # an event named as an error, a failure or the SDK's diagnostics
                    # (`sdk::diagnostics`, `$exception`, `upload_failed`) reports a fault of the app
                    # or SDK: diagnostics, not something the user did
                    kc.category, kc.rule = "diagnostics", "key:diagnostic_event"
                    kc.evidence = f"the event's name says it is diagnostics; {kc.evidence}"

            if path.account_name:
                ac = _account_name_cand(leaf, path, ctx)
                if ac is not None:
                    cands.append(ac)

            # value patterns
            pcs = self._pattern_cands(leaf, value, rule, path) if n_value >= 7 else []
            if crule is not None:  # inside a crash report: the container is the diagnostics finding
                pcs = [pc for pc in pcs if pc.category != crule.category]
                if kc is not None and kc.category == crule.category:
                    kc = None
            if kc is not None:
                for pc in pcs:
                    if pc.category == kc.category:
                        kc.kind = "key+pattern"
                        kc.confidence = max(kc.confidence, min(0.97, pc.confidence + 0.1))
                        kc.evidence = f"{kc.evidence}; {pc.rule} agrees"
                pcs = [pc for pc in pcs if pc.category != kc.category]
                cands.append(kc)
            cands.extend(pcs)
            if path.jwt_iss:
                jc = self._foreign_token(leaf, record.host)
                if jc is not None:
                    cands.append(jc)
            if path.url_param:
                fc = _forwarded_url_token(leaf, ctx, record.host)
                if fc is not None:
                    cands.append(fc)

            # coordinates near the profile location
            if has_loc and "." in value and n_value <= 24 and (value[0].isdigit() or value[0] == "-"):
                self._coordinate_candidates(leaf, value, rule, lat_hits, lon_hits, path, ctx)

        # blobs: known values the leaves did not show (binary bodies the decoder could not open)
        if len(matcher):
            for blob in decoded.blobs:
                for m in matcher.search_bytes(blob.data):
                    # already reported from a leaf decoded out of this blob
                    if any(loc.within(blob.location) for loc in known_seen.get(id(m.known), ())):
                        continue
                    c = self._blob_cand(blob.location, blob.decoding, blob.data, m)
                    if c is not None:
                        cands.append(c)

        if lat_hits and lon_hits:
            cands.extend(self._coordinate_cands(lat_hits, lon_hits))
        otlp = (
            _OTLP_PATH.search(record.path.partition("?")[0])
            if record.body and "/v1/" in record.path
            else None
        )
        if otlp is not None:
            kind = otlp.group(1)
            if kind == "metrics":
                cands.extend(_otlp_metric_cands(decoded))
            cands.append(
                _Cand(
                    "diagnostics",
                    Location.BODY,
                    decoded.leaves[0].decoding[:1] if decoded.leaves else (),
                    f"OTLP {kind}",
                    "pattern",
                    "pattern:otlp-export",
                    0.8,
                    None,
                    f"the request is an OpenTelemetry export of {kind} (OTLP/HTTP path /v1/{kind})",
                    "pattern",
                )
            )
        for (cloc, category), items in containers.items():
            cands.append(self._container_cand(cloc, category, items))
        _same_value_same_id(cands)
        return self._merge(cands)

    # --- containers -----------------------------------------------------------------------

    @staticmethod
    def _container_location(path: _Path, location: Location, rule: KeyRule) -> Location:
        if rule is _REPLAY_SCREEN_RULE or rule is _REPLAY_DEVTOOLS_RULE:
            return _replay_head(location)
        # an array of scalars under the key (`installed_apps[3]`): the container is the array
        if location.kind == INDEX and path.names:
            return location.parent  # type: ignore[return-value]
        return location

    def _container_cand(self, cloc: Location, category: str, items: list) -> _Cand:
        leaf, rule, _ = items[0]
        ckey = _path(cloc).last or leaf.key  # the container's own name, not the first item's
        n = len(items)
        sample = leaf.value
        if rule.shape == "package":
            pk = [it[0].value for it in items if _PACKAGE_RE.match(it[0].value)]
            sample = ", ".join(pk[:5]) + (f" (+{len(pk) - 5} more)" if len(pk) > 5 else "") if pk else sample
        conf = 0.9 if n > 1 or len(leaf.value) > 20 else 0.75
        evidence = (
            f"key '{rule.name}' names {rule.what}; {n} value{'s' if n != 1 else ''} under it"
            f" (first: {leaf.value[:80]!r})"
        )
        if rule is _REPLAY_SCREEN_RULE or rule is _REPLAY_DEVTOOLS_RULE:  # no key: message types
            kinds = sorted({_replay_kind(it[0].location) for it in items} - {""})
            shown = ", ".join(kinds[:5]) + (f" (+{len(kinds) - 5} more)" if len(kinds) > 5 else "")
            evidence = (
                f"the {shown} messages of a session replay record {rule.what};"
                f" {n} value{'s' if n != 1 else ''} (first: {leaf.value[:80]!r})"
            )
        known = [(it[0], m) for it in items for m in it[2]]
        if known:
            kleaf, m = known[0]
            kv = m.known
            detector = "profile" if kv.provenance == "profile" else "runtime"
            names = sorted({m.known.name for _, m in known})
            shown = ", ".join(names[:5]) + (f" (+{len(names) - 5} more)" if len(names) > 5 else "")
            ruleid = f"{detector}:{kv.name if detector == 'profile' else kv.provenance} {m.transform}"
            evidence = (
                f"{_describe_transform(m.transform, kv.name)}; {len(names)} known value"
                f"{'s' if len(names) != 1 else ''} under it ({shown}); {evidence}"
            )
            return _Cand(
                category,
                cloc,
                kleaf.decoding,
                sample,
                detector,
                ruleid,
                KNOWN_CONFIDENCE,
                ckey,
                evidence,
                detector,
            )
        return _Cand(
            category, cloc, leaf.decoding, sample, "key", f"key:{rule.name}", conf, ckey, evidence, "key"
        )

    # --- known values ---------------------------------------------------------------------

    def _known_cand(
        self,
        leaf: Leaf,
        m: KnownMatch,
        rule: KeyRule | None,
        value: str,
        key_label: str | None = None,
        path: _Path | None = None,
    ) -> _Cand | None:
        kv = m.known
        if path is not None and kv.category == "location_coarse" and path.tokens & _AGGREGATE_OBJECTS:
            return None  # a dimension of an aggregate metric (`metrics[0].attributes.city`): no one's place
        if m.generic:
            # generic values (OS version "14", locale "de") only count under a key of their category,
            # a place of the person's address also in a slot the app names (`dimension3=Berlin`)
            if rule is None and kv.kind == "place" and path is not None and _custom_slot(path):
                key_label = f"the app's custom slot {leaf.key or path.last!r}"
            elif rule is None or rule.category != kv.category:
                return None
        found = value if m.whole else value[m.start : m.end]
        short = len(kv.value.strip()) < 12 and m.transform in ("exact", "lower", "upper", "case-folded")
        conf = KNOWN_SHORT_CONFIDENCE if (short and not m.whole) or m.generic else KNOWN_CONFIDENCE
        detector = "profile" if kv.provenance == "profile" else "runtime"
        evidence = _describe_transform(m.transform, kv.name)
        if detector == "runtime":
            ruleid = f"runtime:{kv.provenance} {m.transform}"
            evidence = f"{evidence}; the app read it at run time ({kv.provenance})"
        else:
            ruleid = f"profile:{kv.name} {m.transform}"
        if rule is not None:
            evidence = f"{evidence}; {key_label or f'key {leaf.key!r}'} names {rule.what}"
        elif key_label is not None:
            evidence = f"{evidence} as a whole value in {key_label}"
        return _Cand(
            kv.category,
            leaf.location,
            leaf.decoding,
            found,
            detector,
            ruleid,
            conf,
            leaf.key,
            evidence,
            detector,
            whole_known=m.whole,
            known_name=f"{kv.name}|{kv.provenance}",
        )

    def _blob_cand(
        self, location: Location, decoding: tuple[str, ...], data: bytes, m: KnownMatch
    ) -> _Cand | None:
        kv = m.known
        short = len(kv.value.strip()) < 12 and m.transform in ("exact", "lower", "upper", "case-folded")
        conf = KNOWN_SHORT_CONFIDENCE if short else KNOWN_CONFIDENCE
        detector = "profile" if kv.provenance == "profile" else "runtime"
        found = data[m.start : m.end].decode("latin-1")
        evidence = f"{_describe_transform(m.transform, kv.name)} in the raw bytes at offset {m.start}"
        ruleid = f"{detector}:{kv.name if detector == 'profile' else kv.provenance} {m.transform}"
        if detector == "runtime":
            evidence = f"{evidence}; the app read it at run time ({kv.provenance})"
        return _Cand(
            kv.category,
            location,
            decoding,
            found,
            detector,
            ruleid,
            conf,
            None,
            evidence,
            detector,
            known_name=f"{kv.name}|{kv.provenance}",
        )

    # --- coordinates against the profile --------------------------------------------------

    def _coordinate_candidates(
        self,
        leaf: Leaf,
        value: str,
        rule: KeyRule | None,
        lat_hits: list,
        lon_hits: list,
        path: _Path,
        ctx: RecordContext,
    ) -> None:
        c0 = value[0]
        if not (c0.isdigit() or c0 == "-") or len(value) > 24 or "." not in value:
            return
        matcher = self._matcher

        def elsewhere(c: patterns.Coordinate, ref: float | None) -> bool:
            # a store/venue/marker beside the user: only the user's own position at the value's
            # precision (the profile value rounded to it) is the user's location
            if not (path.tokens & keys.NON_USER_PLACES or ctx.is_place(path.parent_loc)):
                return False
            return abs(c.value - (ref or 0.0)) > 0.5 * 10.0**-c.decimals + 1e-9

        keyed = rule is not None and rule.shape in ("lat", "lon", "latlon")
        if "," in value or ";" in value:
            pair = patterns.coordinate_pair(value)
            if (
                pair
                and matcher.near("lat", pair[0].value, pair[0].decimals)
                and matcher.near("lon", pair[1].value, pair[1].decimals)
            ):
                if (keyed or min(pair[0].decimals, pair[1].decimals) >= 3) and not (
                    elsewhere(pair[0], matcher.latitude) or elsewhere(pair[1], matcher.longitude)
                ):
                    lat_hits.append((leaf, pair[0], keyed))
                    lon_hits.append((leaf, pair[1], keyed))
            return
        c = patterns.coordinate(value, limit=180)
        if c is None or (c.decimals < 3 and not keyed):
            return
        if (
            (rule is None or rule.shape != "lon")
            and abs(c.value) <= 90
            and matcher.near("lat", c.value, c.decimals)
        ):
            if not elsewhere(c, matcher.latitude):
                lat_hits.append((leaf, c, keyed))
        elif (rule is None or rule.shape != "lat") and matcher.near("lon", c.value, c.decimals):
            if not elsewhere(c, matcher.longitude):
                lon_hits.append((leaf, c, keyed))

    def _coordinate_cands(self, lat_hits: list, lon_hits: list) -> list[_Cand]:
        out = []
        m = self._matcher
        for axis, hits, ref in (("lat", lat_hits, m.latitude), ("lon", lon_hits, m.longitude)):
            kv = m.location_known[axis]
            for leaf, c, _keyed in hits:
                tol = m.coordinate_tolerance(c.decimals)
                category = patterns.location_category(c.decimals)
                delta = abs(c.value - (ref or 0.0))
                evidence = (
                    f"{c.value} is within {delta:.4f}° of {kv.name} {ref} (tolerance {tol:.4f}°,"
                    f" {c.decimals} decimals); a {'longitude' if axis == 'lat' else 'latitude'}"
                    f" within tolerance is in the same request"
                )
                detector = "profile" if kv.provenance == "profile" else "runtime"
                rule = f"{detector}:{kv.name if detector == 'profile' else kv.provenance} within-tolerance"
                out.append(
                    _Cand(
                        category,
                        leaf.location,
                        leaf.decoding,
                        leaf.value,
                        detector,
                        rule,
                        0.97 if c.decimals >= 2 else 0.9,
                        leaf.key,
                        evidence,
                        detector,
                        whole_known="," not in leaf.value,
                        known_name=f"{kv.name}|{kv.provenance}",
                    )
                )
        return out

    # --- context: URL paths and tokens -----------------------------------------------------

    @staticmethod
    def _collection_id(location: Location, ctx: RecordContext) -> tuple[KeyRule | None, str | None]:
        """`/customers/{id}`: a path segment after a collection of users, devices or contacts."""
        i = location.idx or 0
        segs = ctx.path_segments
        if 0 < i < len(segs) and keys.normalise(segs[i - 1]) in COLLECTIONS:
            return _COLLECTION_ID, f"after the collection '/{segs[i - 1]}/'"
        if 0 < i < len(segs) and 2 < len(segs[i - 1]) <= 40:
            # `/users/by/external_id/{id}`, `/lookup/email/{address}`: the segment before names
            # the value, as a key names it in a body
            named = keys.lookup(segs[i - 1])
            if named is not None and named.category in _PATH_NAMED and not named.container:
                return named, f"(named by the path segment '/{segs[i - 1]}/' before it)"
        return None, None

    @staticmethod
    def _foreign_token(leaf: Leaf, host: str) -> _Cand | None:
        """A token whose issuer (`iss`) is not the receiving site: a credential handed on."""
        iss = leaf.value.strip()
        issuer = _url_host(iss) if "://" in iss else iss
        if not issuer or "." not in issuer or " " in issuer or "@" in issuer:
            return None  # a client's own assertion (`iss`: its service account) is no one's token
        if _site(issuer) == _site(host):
            return None
        return _Cand(
            "credentials",
            leaf.location,
            leaf.decoding,
            iss,
            "key",
            "key:jwt-foreign-issuer",
            0.8,
            leaf.key,
            f"a token issued by {issuer} is sent to {host} (JWT `iss` claim)",
            "key",
        )

    # --- key semantics --------------------------------------------------------------------

    def _key_cand(
        self,
        leaf: Leaf,
        rule: KeyRule,
        value: str,
        path: _Path,
        alias: tuple[str, str, str] | None = None,
        ctx: RecordContext | None = None,
        why: str | None = None,
    ) -> _Cand | None:
        res = self._check_shape(rule, value, path, ctx)
        if res is None:
            return None
        category, conf, shape_ev = res
        if alias is not None:
            field, name, schema = alias
            names = f"protobuf field {field} is '{name}' ({schema}), which names {rule.what}"
        elif why is not None:
            key_text = leaf.key if leaf.key is not None and not leaf.key.isdigit() else leaf.location
            names = f"'{key_text}' {why} names {rule.what}"
        else:
            key_text = leaf.key if leaf.key is not None else (path.last or "")
            names = f"key '{key_text}' names {rule.what}"
        evidence = f"{shape_ev}; {names}" if shape_ev else names
        return _Cand(
            category,
            leaf.location,
            leaf.decoding,
            value,
            "key",
            f"key:{rule.name}",
            conf,
            leaf.key,
            evidence,
            "key",
        )

    def _check_shape(
        self, rule: KeyRule, value: str, path: _Path, ctx: RecordContext | None = None
    ) -> tuple[str, float, str] | None:
        """(category, confidence, what the value looks like) or `None` if the value does not fit."""
        shape = rule.shape
        v = value.strip()
        cat = rule.category
        if shape in (Shape.LAT, Shape.LON, Shape.LATLON):
            if ctx is not None and ctx.is_place(path.parent_loc):
                return None  # beside `store_id`, `venue`: somewhere else, not the user
            return self._check_location(rule, v, path)
        if (cat == "location_coarse" or rule.name in _ADDRESS_KEYS) and path.tokens & keys.NON_USER_PLACES:
            return None  # a store's city/zip/street, not the user's
        if cat == "location_coarse" and path.tokens & _AGGREGATE_OBJECTS:
            return None  # a dimension of an aggregate metric (a count over many users), not a place of one
        if (
            cat == "location_coarse"
            and ctx is not None
            and group_object(ctx, path.parent_loc, path.grand_loc)
        ):
            return None  # the place of a group, company or account (`type: group` beside `traits`)
        if shape is Shape.FLAG:  # booleans are what a flag holds (elsewhere they are placeholders)
            if v.lower() in _FLAG_VALUES:
                return cat, 0.7, "value is a connectivity flag"
            return None
        if (
            rule.what == _SESSION_TELEMETRY
            and path.norms
            and not keys.SETTING_WORDS.isdisjoint(path.norms[-1].split("_"))
        ):
            return None  # `max_session_duration`, `session_timeout_ms`: a setting, not a measurement
        if (
            rule.what == _SESSION_TELEMETRY
            and (v.isdigit() or v.lower() == "true")
            and not (path.norms and _COUNT_WORDS.intersection(path.norms[-1].split("_")))
        ):
            # `session_duration: 6`, `begin_session: 1`: a session timed, begun or ended is the
            # activity, so one-digit values other rules read as placeholders count here (a
            # one-digit count stays a placeholder: it says no more than an SDK's counter)
            return cat, 0.6, "value is a session measurement"
        if shape is Shape.EVENT and len(v) == 2 and v.lower() in _SESSION_EVENT_CODES:
            # `ss`/`se` in a typed event list: a session started or ended (a repeated letter reads
            # as a placeholder elsewhere)
            return cat, 0.6, f"value {v!r} is a session start/end code of a typed event list"
        if patterns.is_placeholder(v):
            return None
        n = len(v)
        if shape is Shape.DIGEST or rule.hashed:
            algo = _HEX_DIGEST_LENGTHS.get(n)
            if algo and patterns.is_hex(v):
                return cat, 0.8, f"value is {n} hex digits ({algo}-length digest)"
            if n in (43, 44) and not patterns.is_hex(v) and re.fullmatch(r"[A-Za-z0-9+/_\-]{43}=?", v):
                return cat, 0.75, "value is a base64 sha256-length digest"
            return None
        return _CHECKERS[shape](rule, v, n, path, ctx)

    def _check_location(self, rule: KeyRule, v: str, path: _Path) -> tuple[str, float, str] | None:
        if path.tokens & keys.NON_USER_PLACES:
            return None  # store/venue/destination coordinates: somewhere else, not the user
        if rule.shape == "latlon":
            pair = patterns.coordinate_pair(v)
            if pair is None:
                return None
            d = min(pair[0].decimals, pair[1].decimals)
            lat: float | None = pair[0].value
            lon: float | None = pair[1].value
            desc = f"value is a coordinate pair with {d} decimals"
        else:
            c = patterns.coordinate(v, limit=90 if rule.shape == "lat" else 180)
            if c is None:
                return None
            d = c.decimals
            lat = c.value if rule.shape == "lat" else None
            lon = c.value if rule.shape == "lon" else None
            desc = f"value is a {'latitude' if rule.shape == 'lat' else 'longitude'} with {d} decimals"
        category = patterns.location_category(d)
        conf = 0.9 if d >= 3 else 0.8
        m = self._matcher
        if m.has_location:
            far = None
            if lat is not None and lon is not None:
                dist = _distance_km(lat, lon, m.latitude or 0.0, m.longitude or 0.0)
                if dist > 5:
                    far = f"{dist:.0f} km from the profile location"
            elif lat is not None and abs(lat - (m.latitude or 0.0)) > 0.05:
                far = f"{abs(lat - (m.latitude or 0.0)):.2f}° of latitude from the profile location"
            elif lon is not None and abs(lon - (m.longitude or 0.0)) > 0.05:
                far = f"{abs(lon - (m.longitude or 0.0)):.2f}° of longitude from the profile location"
            if far:
                conf = 0.6
                desc = f"{desc}; {far} (a searched place or a stale profile?)"
        return category, conf, desc

    # --- value patterns -------------------------------------------------------------------

    def _pattern_cands(self, leaf: Leaf, value: str, rule: KeyRule | None, path: _Path) -> list[_Cand]:
        n = len(value)
        if n < 7:
            return []
        out: list[_Cand] = []
        loc = leaf.location

        c0 = value[0]
        if (
            c0 in "BbTt"
            and value.startswith(_AUTH_SCHEMES)
            and loc.root is not Location.HEADER
            and _BEARER_RE.match(value)
        ):
            _add_pattern(
                out,
                leaf,
                "credentials",
                "pattern:forwarded-authorization",
                0.75,
                "value is an Authorization header's credentials, sent inside the request's data",
                value,
            )
        if (
            c0 in _HTTP_METHOD_INITIALS
            and n <= 200
            and " /" in value
            and (rule is None or rule.category != "diagnostics")  # a client's dependency call: code
            and _ROUTE_NAME_RE.match(value)
        ):
            _add_pattern(
                out,
                leaf,
                "app_activity",
                "pattern:transaction-route",
                0.65,
                "value is an HTTP method and route (an APM transaction's name: the request an action of the user made)",
                value,
            )
        if " " in value and (rule is None or rule.category != "diagnostics"):
            name = patterns.addressed_name(value)
            if name is not None:
                _add_pattern(
                    out,
                    leaf,
                    "contact_info",
                    "pattern:addressed-name",
                    0.6,
                    f"the text greets or is signed by {name!r} (a person's name)",
                    name,
                )
        if "@" in value and not _is_jwt_issuer(loc):  # a token's issuer is a system
            # role mailboxes (support@, info@) alone are an organisation's address: no finding;
            # under an e-mail key the key detector keeps them at 0.5
            for e in patterns.emails(value):
                if not e.role:
                    _add_pattern(
                        out,
                        leaf,
                        "contact_info",
                        "pattern:email",
                        0.85,
                        f"{e.address} is a valid e-mail address",
                        e.address,
                    )
                break
        if c0 == "+" and n <= 24:
            d = patterns.phone_e164(value)
            if d and not patterns.epoch_like(d):
                _add_pattern(
                    out,
                    leaf,
                    "contact_info",
                    "pattern:phone-e164",
                    0.75,
                    "value is an E.164 phone number",
                    value,
                )
        elif n <= 40 and ":+" in value and value.partition(":+")[0].lower() in _PHONE_SCHEMES:
            # `whatsapp:+49…`, `tel:+49…`: a messaging channel's address is the phone number
            number = "+" + value.partition(":+")[2]
            d = patterns.phone_e164(number)
            if d and not patterns.epoch_like(d):
                _add_pattern(
                    out,
                    leaf,
                    "contact_info",
                    "pattern:phone-e164",
                    0.75,
                    "value is an E.164 phone number behind a channel scheme",
                    number,
                )
        elif c0.isdigit():
            if n in (15, 18):
                i = patterns.imei(value)
                # 15-digit order/invoice/ticket numbers pass Luhn one time in ten
                if i and not (path.tokens & _NUMBERISH_TOKENS):
                    _add_pattern(
                        out,
                        leaf,
                        "device_id",
                        "pattern:imei-luhn",
                        0.6,
                        "value is 15 digits with a valid Luhn check digit and an IMEI TAC prefix",
                        value,
                    )
            elif 7 <= n <= 15 and value.count(".") == 3 and not value.startswith("10."):
                if not (path.tokens & _VERSION_TOKENS) and (rule is None or rule.shape != "version"):
                    ip = patterns.private_ipv4(value)
                    if ip:
                        _add_pattern(
                            out,
                            leaf,
                            "network",
                            "pattern:private-ip",
                            0.7,
                            "value is a private IPv4 address",
                            value,
                        )
            if "," in value and n <= 48 and not (path.tokens & keys.NON_USER_PLACES):
                pair = patterns.coordinate_pair(value)
                if (
                    pair
                    and min(pair[0].decimals, pair[1].decimals) >= 3
                    and (rule is None or rule.shape != "latlon")
                ):
                    _add_pattern(
                        out,
                        leaf,
                        "location_precise",
                        "pattern:lat-lon-pair",
                        0.7,
                        f"value is a latitude,longitude pair with {min(pair[0].decimals, pair[1].decimals)} decimals",
                        value,
                    )
        if n > 15 and " " in value and ("192.168." in value or "172." in value):
            ip = patterns.private_ipv4_in_text(value)
            if ip:
                _add_pattern(
                    out,
                    leaf,
                    "network",
                    "pattern:private-ip-in-text",
                    0.65,
                    f"the text holds the private IPv4 address {ip}",
                    ip,
                )
        if n == 17 and (value[2] == ":" or value[2] == "-"):
            h = patterns.mac(value)
            if h:
                category = "network" if rule is not None and rule.category == "network" else "device_id"
                _add_pattern(
                    out,
                    leaf,
                    category,
                    "pattern:mac",
                    0.7,
                    "value is a MAC address (device or Wi-Fi BSSID)",
                    value,
                )
        if "Build/" in value or ("," in value and ("iPhone" in value or "iPad" in value)):
            model = patterns.ua_model(value)
            if model:
                _add_pattern(
                    out,
                    leaf,
                    "device_info",
                    "pattern:ua-model",
                    0.8,
                    f"user agent names the device model {model!r}",
                    value,
                )
        if n >= 100 and c0 in _MEDIA_INITIALS and not path.tokens.isdisjoint(_MEDIA_NAMES):
            kind = _inline_media(value)
            if kind is not None:
                _add_pattern(
                    out,
                    leaf,
                    "user_content",
                    "pattern:inline-media",
                    0.65,
                    f"a {kind} file is sent inline under {path.last!r} (base64)",
                    value[:64] + "…",
                )
        if loc.kind == STEP and loc.name == "filename" and "." in value:
            ext = value.rsplit(".", 1)[-1].lower()
            if ext in _MEDIA_EXTENSIONS:
                _add_pattern(
                    out,
                    leaf,
                    "user_content",
                    "pattern:media-upload",
                    0.6,
                    f"a {ext} file is uploaded ({value!r})",
                    value,
                )
        if n >= 30 and c0 == "E" and "PushToken[" in value and _EXPO_TOKEN_RE.match(value):
            _add_pattern(
                out,
                leaf,
                "user_id",
                "pattern:expo-push-token",
                0.8,
                "value is an Expo push token (a device's push address)",
                value,
            )
        if 20 <= n <= 64 and c0 in "Gf" and _BROWSER_ID_RE.match(value):
            _add_pattern(
                out,
                leaf,
                "user_id",
                "pattern:browser-id",
                0.75,
                "value is a tag's browser id (Google Analytics `GA1.…` client id or Meta `fb.1.…` browser id)",
                value,
            )
        if n > 100 and ":APA91b" in value and patterns.push_token(value):
            _add_pattern(
                out,
                leaf,
                "user_id",
                "pattern:fcm-token",
                0.8,
                "value is a Firebase Cloud Messaging registration token",
                value,
            )
        if n <= 80 and c0 in "AiMWLUHDC" and value.startswith(_OS_NAMES):
            if _OS_VERSION_RE.match(value):
                _add_pattern(
                    out,
                    leaf,
                    "device_info",
                    "pattern:os-string",
                    0.7,
                    "value names an operating system and its version",
                    value,
                )
        if ("Exception" in value or "Error" in value) and _EXCEPTION_RE.search(value):
            _add_pattern(
                out,
                leaf,
                "diagnostics",
                "pattern:exception-class",
                0.75,
                "value names an exception class",
                value,
            )
        if n >= 20 and c0.isdigit() and (value[2] == "-" or value[4] == "-") and _LOG_LINE_RE.search(value):
            _add_pattern(
                out,
                leaf,
                "diagnostics",
                "pattern:log-line",
                0.7,
                "value holds log lines (time stamp and level)",
                value,
            )
        if c0 == "i" and value.startswith("iglu:"):
            m = _IGLU_RE.match(value)
            if m and not m.group(1).endswith(_IGLU_ENVELOPES) and not m.group(1).endswith("_context"):
                _add_pattern(
                    out,
                    leaf,
                    "app_activity",
                    "pattern:event-schema",
                    0.75,
                    f"value is the schema URI of a self-describing event ({m.group(1)!r})",
                    value,
                )
        if (
            (":" in value or " " in value)  # every marker below holds one of the two: one gate
            and (
                ".java:" in value
                or ".kt:" in value
                or "Native Method" in value
                or ".js:" in value
                or '", line ' in value
                or ".dart:" in value
                or " 0x" in value
            )
        ) and _STACK_RE.search(value):
            _add_pattern(
                out, leaf, "diagnostics", "pattern:stack-trace", 0.85, "value contains stack frames", value
            )
        return out

    # --- merge ----------------------------------------------------------------------------

    @staticmethod
    def _merge(cands: list[_Cand]) -> list[Detection]:
        if not cands:
            return []
        # a known value found in an encoded leaf and in what it decodes to: keep the decoded one
        # (`Location.ancestors` lists the encoded locations a decoded one came from: linear).
        # Locations are keyed by identity: one record's are interned together (one object per
        # location), and `id` costs no Python-level hash.
        known_parents: set[tuple[int, str]] = set()
        for c in cands:
            if c.known_name is not None:
                known_parents.update((id(a), c.known_name) for a in c.location.ancestors)
        whole: dict[int, set[str]] = {}
        for c in cands:
            if c.whole_known:
                whole.setdefault(id(c.location), set()).add(c.category)
        groups: dict[tuple[int, str], list[_Cand]] = {}
        for c in cands:
            at = id(c.location)
            if c.known_name is not None:
                if (at, c.known_name) in known_parents:
                    continue
            elif (
                at in whole
                and c.category not in whole[at]
                and c.category in _IDENTIFIERS
                and whole[at] & _IDENTIFIERS
            ):
                # the leaf is a known identifier of another kind (`device_id=<Android ID>`); other
                # categories stay (a clipboard text sent as a search is clipboard and app
                # activity, a hashed e-mail as a member id is contact info and a user id)
                continue
            groups.setdefault((at, c.category), []).append(c)
        # the same category in an encoded value and in what it decodes to (`query:uid` holding
        # base64 and `query:uid>base64`): report the decoded one, where the evidence is readable
        parents = {(id(a), g[0].category) for g in groups.values() for a in g[0].location.ancestors}
        for key in [k for k in groups if k in parents]:
            del groups[key]
        out: list[Detection] = []
        for group in groups.values():
            if len(group) == 1:  # most groups: nothing to rank, nothing to add
                out.append(group[0].detection(_NO_EXTRA))
                continue
            group.sort(key=_rank, reverse=True)
            best = group[0]
            extra: list[str] = []
            seen = {best.rule}
            for other in group[1:]:
                if other.rule in seen:
                    continue
                seen.add(other.rule)
                extra.append(f"{other.rule} ({other.evidence})" if other.evidence else other.rule)
            if best.kind in ("key", "pattern") and any(
                o.kind in ("key", "pattern") and o.kind != best.kind for o in group[1:]
            ):
                best.confidence = min(0.97, best.confidence + 0.1)
            out.append(best.detection(extra))
        out.sort(key=lambda d: (d.location, d.category))
        return out


# --- app activity, diagnostics and user content: concept helpers -------------------------------


def _exposure_path(segment: str) -> tuple[KeyRule | None, str | None]:
    """A URL path segment saying the request reports exposures of an experiment or feature flag
    (`/exposures`, `/testImpressions`, `/flag-impressions`): which variant the user was shown."""
    words = set(keys.tokens(segment))
    if words & {"exposure", "exposures"} or (
        words & {"impression", "impressions"} and words & {"test", "flag", "flags", "feature", "experiment"}
    ):
        return _EXPOSURE, f"(the URL path segment {segment!r})"
    return None, None


def _chat_path(ctx: RecordContext) -> bool:
    """The URL path posts a message into a chat channel, room or group (`/group_channels/{id}/
    messages`, `/channels/messaging/{id}/message`, `/rooms/{id}/messages`): its text is what
    someone wrote in the chat."""
    found = ctx.memo.get("chat")
    if found is None:
        segs = [keys.normalise(seg) for seg in ctx.path_segments]
        found = False
        for i, seg in enumerate(segs):
            if seg in _CHAT_CONTAINERS and any(later in _CHAT_MESSAGES for later in segs[i + 1 :]):
                found = True
                break
        ctx.memo["chat"] = found
    return found


def _inline_media(value: str) -> str | None:
    """A photo, audio or video file in a text value: a `data:` URI of a media type, or base64
    whose first bytes are a media format's magic number (JPEG `/9j/`, PNG `iVBORw0KGgo`, …)."""
    if value.startswith("data:"):
        kind = value[5:].partition("/")[0]
        return kind if kind in ("image", "audio", "video") and ";base64," in value[:64] else None
    for prefix, kind in _MEDIA_MAGIC:
        if value.startswith(prefix):
            return kind
    return None


def _bookkeeping_event(name: str) -> bool:
    """An event named as the SDK's records being updated: a subject of bookkeeping (location,
    consent, attributes, subscription) and a change (`updated`, `recorded`, `granted`)."""
    words = set(keys.tokens(name))
    if not words.isdisjoint(_SDK_OPERATIONS):
        return True  # `wzrk_fetch`, `config_sync`: the SDK fetching or syncing its own data
    return not words.isdisjoint(_BOOKKEEPING_SUBJECTS) and not words.isdisjoint(_BOOKKEEPING_CHANGES)


def _names_no_route(value: str) -> bool:
    """A route pattern whose literal segments name nothing (`/:id`, `/{slug}/`, `/`): no screen is
    named, only the shape of a URL. `/orders/:id` names the order screen and stays a name."""
    segs = [s for s in value.partition("?")[0].split("/") if s]
    return " " not in value and all(_ROUTE_PARAM_RE.match(s) for s in segs)


_ACTIVITY_NAME_MEMO: dict[str, bool] = {}


def _activity_name(last: str) -> bool:
    """Does `_activity_rule` read leaves of this last name? (memoised: it gates every leaf no key
    rule named)."""
    found = _ACTIVITY_NAME_MEMO.get(last)
    if found is None:
        if len(_ACTIVITY_NAME_MEMO) > 65536:
            _ACTIVITY_NAME_MEMO.clear()
        found = _ACTIVITY_NAME_MEMO[last] = last in _ACTIVITY_LAST_NAMES or last.endswith(_PAGE_SUFFIXES)
    return found


def _activity_rule(value: str, path: _Path, ctx: RecordContext) -> tuple[KeyRule | None, str | None]:
    """What a leaf no key rule named says about the user's activity: the page or screen the user
    is on (a URL naming a content item or an app screen under a page/URL/referrer name, outside a
    request's or resource's object), a metric whose name is an action and its object, or the text
    of a note or activity entry written to a person's record (`/members/{id}/notes`)."""
    last = path.norms[-1]
    if last in _TEXT_WRAPPERS:
        if len(path.norms) < 2 or path.norms[-2] not in MESSAGE_TEXT_KEYS:
            return None, None
        last = path.norms[-2]  # `fields.text.stringValue`: the text under its typed wrapper
    crumb = "breadcrumbs" in path.tokens or "breadcrumb" in path.tokens
    if last in _BREADCRUMB_FIELDS and crumb:
        kind = _breadcrumb_kind(ctx, path)
        if kind is not None and "(" not in value:  # not a lifecycle callback (`CartActivity#onResume()`)
            return _BREADCRUMB_MOVE, f"(in a {kind!r} breadcrumb)"
    if last in _SESSION_STARTS:
        if (
            ("sessions" in path.tokens or "session" in path.tokens)
            and not path.timing
            and len(path.norms) >= 2
            and not _beside_error(ctx, path.grand_loc)  # the session a crash happened in
        ):
            return _SESSION_START, f"(in {path.norms[-2]!r}: a session record's start)"
        return None, None
    if last in _ITEM_TYPE_KEYS:
        if len(value) <= 40:
            kind = keys.normalise(value)
            if kind in _DIAGNOSTIC_ITEM_TYPES:
                return _DIAGNOSTIC_ITEM, "(the item's type)"
            if kind in _SESSION_MARKS:
                return _SESSION_MARK, "(the item's type: a session begun, ended or reported)"
            if kind in ("page", "screen") and (
                len(path.norms) == 1 or (len(path.norms) == 2 and path.norms[0] in _BATCH_NAMES)
            ):
                return _VIEW_HIT, "(a hit or batch entry typed as a page or screen view)"
        return None, None
    if last in _CRASH_PLACE_KEYS and _beside_error(ctx, path.parent_loc):
        return _CRASH_PLACE, "(beside the error of a crash report)"
    if last in _SHARE_KEYS and len(value) <= 9 and value.lower() in _SHARE_VALUES:
        return _SHARED, "(a link or action made for sharing: the user shares something)"
    if (
        last == "name"
        and len(path.norms) >= 2
        and not {"event", "events"}.isdisjoint(path.norms[-2].split("_"))
    ):
        return _POSTED_EVENT, f"(under {path.norms[-2]!r})"  # `eventList[0].name`, `event_queue[0].name`
    if last == "name" and len(path.norms) == 1:
        segs = ctx.path_segments
        if segs and keys.normalise(segs[-1]) in _EVENT_COLLECTIONS:
            return _POSTED_EVENT, f"(the top-level name of a request to /{segs[-1]})"
    if last in _OWN_TEXT_KEYS:
        if " " not in value:
            return None, None
        seg = _crm_record(ctx) if last in _NOTE_KEYS else None
        if seg is not None:
            return _CRM_NOTE, f"(posted to a person's /{seg})"
        if last in MESSAGE_TEXT_KEYS and not (path.tokens & DIAGNOSTIC_CONTEXT) and _chat_path(ctx):
            return _CHAT_MESSAGE, "(sent to a chat channel's or room's messages)"
        if not (path.tokens & DIAGNOSTIC_CONTEXT):
            word = patterns.first_person(value)
            if word is not None:
                return _OWN_WORDS, f"(the text is in the first person: {word!r})"
            sib = ctx.of(path.parent_loc)
            beside = next((k for k in _RATING_SIBLINGS if k in sib), None)
            if beside is not None:
                return (
                    _OWN_WORDS,
                    f"(beside {beside!r}: the user's comment on a rating or answer to a question)",
                )
        return None, None
    if (
        (last in _PAGE_URL_KEYS or "_".join(last.split("_")[-2:]) in _PAGE_URL_KEYS)
        and not (path.tokens & _REQUEST_CONTEXT)
        and not (crumb and _breadcrumb_kind(ctx, path) is None)  # a fetch breadcrumb's URL
    ):
        what = _visited_page(value)
        if what is not None:
            return _VISITED_PAGE, f"({what})"
    if last in _METRIC_NAME_KEYS and len(path.norms) >= 2 and path.norms[-2] in _METRIC_OBJECTS:
        if keys.action_name(keys.tokens(value)):
            return _ACTION_METRIC, "(a metric named as a user action)"
    return None, None


def _breadcrumb_kind(ctx: RecordContext, path: _Path) -> str | None:
    """The type or category of the breadcrumb holding a leaf (also one object up: Sentry's
    `data.to` beside `category: navigation`), when it records the user's moves."""
    for where in (path.parent_loc, path.grand_loc):
        sib = ctx.of(where)
        for t in ("type", "category", "kind"):
            kind = sib.get(t)
            if kind is not None and _BREADCRUMB_KINDS.intersection(keys.normalise(kind).split("_")):
                return kind  # `navigation`, `ui.click`, `click-event`, `user`
    return None


def _has_error_objects(ctx: RecordContext) -> bool:
    """Does any object of the record sit under an error-like name? A cheap scan of the holders'
    notation, so that `_beside_error` (which lists a holder's child objects) runs only in crash
    reports: listing them costs a pass over the record's leaves per holder."""
    found = ctx.memo.get("errors")
    if found is None:
        found = ctx.memo["errors"] = any(
            "rror" in h or "xception" in h or "rash" in h or "ault" in h or "tack" in h for h in ctx.siblings
        )
    return found


def _beside_error(ctx: RecordContext, parent: str) -> bool:
    """The object holding a leaf also holds an error or exception object: a crash report, whose
    `transaction`, `context` or screen names where the user was (Sentry, Bugsnag)."""
    if not _has_error_objects(ctx):
        return False  # most records: no error object anywhere (one scan of the holders per record)
    key = "error:" + parent
    found = ctx.memo.get(key)
    if found is None:
        found = any(
            not _ERROR_OBJECT_NAMES.isdisjoint(keys.tokens(head))  # `exception`, `$exception_list`
            for head in ctx.objects_in(parent)
        )
        ctx.memo[key] = found
    return found


def _order_record(ctx: RecordContext) -> bool:
    """The request writes an order: its URL path ends in an order collection (`…/orders`,
    `…/orders/ord-99812`), or its body holds line items (`lines[]`, `items[]` with two of price,
    quantity, sku, product id, one of them a price). Then order and product fields are app activity (what the user
    bought) although no event call carries them; a lookup (`/orders/lookup`) or a cart without
    prices is no order."""
    found = ctx.memo.get("order")
    if found is None:
        segs = [keys.normalise(seg) for seg in ctx.path_segments if seg]
        found = bool(segs) and (
            segs[-1] in _ORDER_COLLECTIONS
            or (len(segs) >= 2 and segs[-2] in _ORDER_COLLECTIONS and any(c.isdigit() for c in segs[-1]))
        )
        if not found:
            for parent, group in ctx.siblings.items():
                owner_name = keys.normalise(ctx.holder_name(parent))  # an object, or an array item
                if owner_name in _ORDER_COLLECTIONS and len(_ORDER_FIELDS.intersection(group)) >= 2:
                    found = True  # `$transactions: {order_id, product_id, amount}`: an order object
                    break
                item = ctx.anchor(parent)
                if (
                    item is not None
                    and item.kind == INDEX
                    and ("price" in group or "unit_price" in group)
                    and len(_LINE_FIELDS.intersection(group)) >= 2
                ):
                    name = item.names[-1] if item.names else ""  # the array's name
                    if keys.normalise(name) in _LINE_ITEMS:
                        found = True
                        break
        ctx.memo["order"] = found
    return found


def _crm_record(ctx: RecordContext) -> str | None:
    """The URL path names the notes, timeline or activities of one person's record
    (`/members/{id}/notes`, `/contacts/{id}/activities`): the segment, or `None`."""
    segs = ctx.path_segments
    for i in range(2, len(segs)):
        word = keys.normalise(segs[i])
        if word in _ACTIVITY_RECORDS and keys.normalise(segs[i - 2]) in COLLECTIONS:
            return segs[i]
    return None


def _visited_page(value: str) -> str | None:
    """How a URL names where the user is: an app's own scheme (`app://…/jobs`, a deep link) is an
    app screen; a web URL or path naming one item of a collection (`/jobs/4471`) is the item the
    user opened. A page without an item (`/index.html`, `/`) says nothing more than the site."""
    if len(value) > 2048 or " " in value:
        return None
    m = _URL_SCHEME_RE.match(value)
    if m is not None:
        try:
            url_path = urlsplit(value).path
        except ValueError:  # `http://[abc/…`: not a URL (hostile or broken input)
            return None
        if m.group(1).lower() not in _WEB_SCHEMES:
            if any(c.isalpha() for c in url_path):
                return f"an app screen's URL ({m.group(1)}://…{url_path})"
            return None
    elif value.startswith("/"):
        url_path = value.partition("?")[0].partition("#")[0]
    else:
        return None
    segs = [seg for seg in url_path.split("/") if seg]
    for prev, seg in zip(segs, segs[1:], strict=False):
        if _CONTENT_ID_RE.match(seg) and _COLLECTION_WORD_RE.match(prev) and prev.lower() != "api":
            return f"the URL names one item the user opened: /{prev}/{seg}"
    return None


def _protobuf_fields(loc: Location) -> tuple[str, ...] | None:
    """The field numbers of a leaf in a schemaless protobuf (`1[0].2.2[3].1` → 1, 2, 2, 1; a
    repeated field's index after each number, once), or None outside one."""
    if loc.innermost.name != "protobuf":
        return None
    out: list[str] = []
    indexed = False
    for node in loc.fields:
        if node.kind == KEY:
            out.append(node.name)
            indexed = False
        elif node.kind != INDEX or indexed or not out:
            return None
        else:
            indexed = True
    return tuple(out)


def _otlp_metric_cands(decoded: Decoded) -> list[_Cand]:
    """OTLP/protobuf metrics named as a user action (`applications.submitted`)."""
    out = []
    for leaf in decoded.leaves:
        loc = leaf.location
        if loc.kind == KEY and loc.name == "1" and _protobuf_fields(loc) == _OTLP_METRIC_NAME:
            if keys.action_name(keys.tokens(leaf.value)):
                out.append(
                    _Cand(
                        "app_activity",
                        loc,
                        leaf.decoding,
                        leaf.value,
                        "key",
                        f"key:{_ACTION_METRIC.name}",
                        0.7,
                        None,
                        "an OTLP metric's name (metrics.proto field 1) names an action and its object: "
                        "a count of something the user did",
                        "key",
                    )
                )
    return out


# --- value checks per shape: (category, confidence, what the value looks like) or None -----

_Result = tuple[str, float, str] | None


def _check_adid(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if patterns.is_zero_uuid(v):
        return None  # limit-ad-tracking zero id: nothing personal was sent
    if patterns.is_uuid(v):
        return cat, 0.9, "value is a UUID"
    if n == 32 and patterns.is_hex(v):
        return cat, 0.85, "value is 32 hex digits (a UUID without dashes)"
    if n in (40, 64) and patterns.is_hex(v):
        return cat, 0.8, f"value is {n} hex digits (a hashed id)"
    if n == 16 and patterns.is_hex(v):
        return cat, 0.7, "value is 16 hex digits (OAID-style id)"
    # advertising ids are UUIDs; anything else under `advertiser_id` & co. is more likely
    # an advertiser's account number than the device's ad id
    return None


def _check_hwid(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if rule.name in _UUID_ONLY_KEYS:
        # IDFV and App Set ID are UUIDs; `vendor_id: 4711` in a shop is a supplier number
        if patterns.is_uuid(v) and not patterns.is_zero_uuid(v):
            return cat, 0.85, "value is a UUID"
        return None
    if n == 16 and patterns.is_hex(v):
        if v in patterns.SHARED_ANDROID_IDS:
            return (
                cat,
                0.85,
                "value is the well-known ANDROID_ID many devices share (still the OS's device id)",
            )
        return cat, 0.9, "value is 16 hex digits (Android ID format)"
    shape_desc = patterns.id_shape(v)
    if shape_desc:
        return cat, 0.85, f"value is {shape_desc}"
    if n >= 6 and v.isalnum():
        return cat, 0.6, "value is a short alphanumeric id"
    return None


def _check_imei(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if patterns.imei(v):
        return cat, 0.95, "value is a Luhn-valid IMEI"
    if n == 15 and v.isdigit():
        return cat, 0.5, "value is 15 digits but fails the IMEI Luhn/TAC check"
    if patterns.meid(v):
        return cat, 0.7, "value is 14 hex digits (a MEID)"
    return None


def _check_meid(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if patterns.meid(v) or patterns.imei(v):
        return cat, 0.9, "value is a MEID/IMEI"
    return None


def _check_mac(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if patterns.mac(v, bare_ok=True):
        return cat, 0.9, "value is a MAC address"
    return None


def _hardware_keyed(rule: KeyRule, path: _Path) -> bool:
    """The id's name (or, for a generic `id`/`value`, its parent's) speaks of the device itself
    (`device_id`, `external_device_id`, `android_id`, `hardware_id`, `device.id`, `did`); not when
    a sibling flags it random (`_RANDOM_HWID`)."""
    if rule is _RANDOM_HWID:
        return False
    if _HARDWARE_ID_WORDS.intersection(rule.name.split("_")):
        return True
    norms = path.norms
    if not norms:
        return False
    if _HARDWARE_ID_WORDS.intersection(norms[-1].split("_")):
        return True
    return (
        len(norms) >= 2
        and norms[-1] in keys.GENERIC_CHILDREN
        and bool(_HARDWARE_ID_WORDS.intersection(norms[-2].split("_")))
    )


@lru_cache(maxsize=4096)
def _identity_map(owner: str) -> bool:
    """A map of a person's identities (`known_identities`, `identifiers`, `custom_ids`), whose
    values are each an id of the person whatever the vendor names them (`customerid`)."""
    words = owner.split("_")
    if _IDENTITY_MAP_WORDS.intersection(words):
        return True
    return "ids" in words and bool(_IDENTITY_MAP_OWNERS.intersection(words))


def _push_recipient_rule(value: str, ctx: RecordContext) -> tuple[KeyRule | None, str | None]:
    """The recipient of a push (`to`, `tokens`, `target` in a request to a push or notification
    API, one value or an array): a device's push token (APNs' 64 hex digits, a UUID-style
    subscription id, a provider's token), which reaches this one install. Long values only:
    topic names and conditions are shorter and not id-shaped."""
    words: set[str] = set()
    for seg in ctx.path_segments:
        words.update(_WORD_SPLIT_RE.split(seg.lower()))
    if not (words & _PUSH_PATH_WORDS or {"send", "messages"} <= words or {"send", "message"} <= words):
        return None, None
    if value.startswith("/topics/") or "topic" in value.lower():
        return None, None
    desc = patterns.id_shape(value)
    if desc is None:
        return None, None
    return _PUSH_RECIPIENT, "(the recipient of a push)"


def _place_shape_rule(
    location: Location, value: str, path: _Path, ctx: RecordContext
) -> tuple[KeyRule | None, str | None]:
    """Places whose name alone is not a lat/lon key, by the value's shape:

    * a geohash (`geohash: "u281z7j5"`): 7+ characters locate to ~150 m, fewer to a few km;
    * a GeoJSON position (`coordinates: [lon, lat]`, RFC 7946) beside `type: Point` or under a
      geo/location object;
    * a cell tower's identity (`lac`, `cell_id`; `cid`/`ci`/`pci`/`tac` under a cell object):
      tower positions are public, so the serving cell places the phone within a few km.

    Not under or beside a place that is not the user (`store.geo`)."""
    if path.tokens & keys.NON_USER_PLACES or ctx.is_place(path.parent_loc):
        return None, None
    norm = path.norms[-1]
    if norm in _GEOHASH_NAMES:
        if 5 <= len(value) <= 12 and _GEOHASH_RE.match(value) and not value.isdigit():
            precise = len(value) >= 7
            return (_GEOHASH_PRECISE if precise else _GEOHASH_COARSE), f"({len(value)} geohash characters)"
        return None, None
    if norm == "coordinates":
        return _geojson_position(location, value, path, ctx)
    if not (value.isdigit() and 1 <= len(value) <= 10) or value in _UNKNOWN_CELL_VALUES:
        return None, None
    if norm in _CELL_FIELDS or _CELL_WORDS.intersection(path.tokens):
        return _CELL_TOWER, "(a cell tower's identity)"
    return None, None


def _geojson_position(
    location: Location, value: str, path: _Path, ctx: RecordContext
) -> tuple[KeyRule | None, str | None]:
    if location.last_index not in (0, 1):
        return None, None
    lon = patterns.coordinate(ctx.value_at(location.with_last_index(0)) or "", limit=180)
    lat = patterns.coordinate(ctx.value_at(location.with_last_index(1)) or "", limit=90)
    if lon is None or lat is None:
        return None, None
    point = keys.normalise(ctx.of(path.parent_loc).get("type") or "") == "point"
    if not (point or path.tokens & _GEO_OBJECTS):
        return None, None
    precise = min(lon.decimals, lat.decimals) >= 3
    return (_GEOJSON_PRECISE if precise else _GEOJSON_COARSE), "(a GeoJSON position: longitude, latitude)"


def _hardware_key_rule(value: str, path: _Path) -> tuple[KeyRule | None, str | None]:
    """`device.key` of a feature-flag context (a context of kind `device`, keyed by the app's
    choice): when the key has the shape of the OS's or hardware's id, it is the device id. Other
    values under `device_key` are as often a crypto key and say nothing."""
    if len(path.norms) >= 2 and _HARDWARE_ID_WORDS.intersection(path.norms[-2].split("_")):
        if _hardware_id(value, len(value)) is not None:
            return _HARDWARE_KEY, f"under {path.norms[-2]!r}"
    return None, None


def _hardware_id(v: str, n: int) -> tuple[float, str] | None:
    """(confidence, evidence) when a value has the shape of an id the OS or the hardware gives the
    phone: an ANDROID_ID (a 64-bit number as 16 lower-case hex digits), a Luhn-valid IMEI, a MAC.
    SDKs make up UUIDs or longer random strings for their own device ids, never these shapes."""
    if n == 16 and _ANDROID_ID_RE.match(v):
        if v in patterns.SHARED_ANDROID_IDS:
            return 0.7, (
                "value is the well-known ANDROID_ID many Android 2.2 devices and emulators share"
                " (the OS's device id, though not unique to one phone)"
            )
        return 0.7, "value has the shape of an Android ID (16 lower-case hex digits)"
    if n == 15 and v.isdigit() and patterns.imei(v):
        return 0.85, "value is a Luhn-valid IMEI"
    if n == 17 and patterns.mac(v):  # with separators: 12 bare hex digits are as often a random id
        return 0.75, "value is a MAC address"
    return None


def _check_id(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if n in (15, 16, 17) and cat == "user_id" and _hardware_keyed(rule, path):
        # a device id of the OS's or the hardware's own shape is the phone's id, not the SDK's
        found = _hardware_id(v, n)
        if found is not None:
            return "device_id", found[0], found[1]
    shape_desc = patterns.id_shape(v)
    if shape_desc:
        return cat, 0.8, f"value is {shape_desc}"
    # short ids only under names that are unambiguous (`user_id: "u-4711"`); short values
    # under terse names (`uid: 10234` is an Android process uid) are not findings
    if n >= 4 and " " not in v and rule.suffix_ok:
        return cat, 0.55, "value is a short id"
    if (
        6 <= n <= 64
        and rule.name in _TERSE_ID_NAMES
        and _HANDLE_ID_RE.match(v)
        and not _DOTTED_VERSION_RE.match(v)
    ):
        # terse id names (`did`, `uid`, `cuid`): a short value mixing letters and digits is an
        # account or install handle (`azubi-58213`); bare numbers stay out (`uid: 10234` is an
        # Android process uid), so do versions (`v2.3.1`)
        return cat, 0.5, "value is a short id mixing letters and digits"
    return None


def _check_email(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    found = patterns.emails(v)
    if found:
        if all(e.role for e in found):
            return cat, 0.5, f"value is a role mailbox ({found[0].address}), likely not the user's"
        return cat, 0.95, "value is a valid e-mail address"
    algo = _HEX_DIGEST_LENGTHS.get(n)
    if algo and patterns.is_hex(v):
        return cat, 0.85, f"value is a {algo}-length hex digest (hashed e-mail)"
    return None


def _check_phone(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if patterns.phone_national(v):
        return cat, 0.9, "value is a phone number"
    algo = _HEX_DIGEST_LENGTHS.get(n)
    if algo and patterns.is_hex(v):
        return cat, 0.85, f"value is a {algo}-length hex digest (hashed phone number)"
    return None


def _check_name(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if 2 <= n <= 80 and any(c.isalpha() for c in v) and not any(c.isdigit() for c in v):
        return cat, 0.75, "value is a name-like text"
    algo = _HEX_DIGEST_LENGTHS.get(n)
    if algo and patterns.is_hex(v):
        return cat, 0.8, f"value is a {algo}-length hex digest (hashed name)"
    return None


def _check_password(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if set(v) <= {"*", "•", "●", "x", "X"}:
        return None  # masked
    return cat, 0.9, "value is non-empty"


def _check_ip(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if v.startswith(("0.", "127.", "255.")) or v in ("::", "::1"):
        return None
    if patterns.private_ipv4(v):
        return cat, 0.9, "value is a private IPv4 address"
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", v) or (":" in v and re.fullmatch(r"[0-9a-fA-F:]{3,39}", v)):
        return cat, 0.7, "value is an IP address"
    return None


def _check_mccmnc(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if v.isdigit() and (n in (5, 6) or (rule.name.endswith(("mcc", "mnc")) and 2 <= n <= 3)):
        return cat, 0.85, "value is an MCC/MNC code"
    if re.fullmatch(r"\d{3}[-_/ ]\d{2,3}", v):
        return cat, 0.85, "value is an MCC/MNC code"
    return None


def _check_ua(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    model = patterns.ua_model(v)
    if model:
        return cat, 0.85, f"user agent names the device model {model!r}"
    return None


def _check_model(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if rule.name in _DEVICE_WORDS and path.tokens & _NON_DEVICE_PARENTS:
        return None  # `product.brand`, `car.model`: not the phone
    if 2 <= n <= 64 and any(c.isalpha() for c in v) and "/" not in v:
        return cat, 0.8, "value is a device model name"
    return None


def _check_version(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _VERSION_RE.match(v):
        return cat, 0.75, "value is an OS version"
    return None


def _check_locale(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _LOCALE_RE.match(v):
        return cat, 0.75, "value is a locale/language code"
    return None


def _check_timezone(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _TZ_RE.match(v):
        return cat, 0.75, "value is a time zone"
    return None


def _check_number(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _NUMBER_RE.match(v):
        return cat, 0.6, "value is numeric"
    return None


def _check_event(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    low = v.lstrip("$_").lower()
    if low in _CONTROL_CALLS:
        return None  # `$identify`, `alias`: the SDK setting ids, not a user event
    if n <= 4 and low in _BOOKKEEPING_EVENT_CODES:
        return None  # a typed event list's code for SDK bookkeeping (location recorded, attribute set)
    if n <= 60 and _bookkeeping_event(v):
        return None  # `Location Updated`, `Consent Preference Updated`: the SDK keeping its records
    if _NUMBER_RE.match(v):
        return None  # a count, a timestamp, `screen: "1080x2400"`: not a name
    if v[0] == "/" and _names_no_route(v):
        return None  # `/:id`, `/{slug}`: a route pattern whose words name no screen
    if 1 <= n <= 200:
        return cat, 0.75, "value is an event name"
    return None


def _check_compact_event(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if v.lower() in _COMPACT_EVENT_TYPES:
        return cat, 0.7, f"value {v!r} is an event type of a compact tracking protocol"
    return None


def _check_commerce(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if ctx is None or n > 200:
        return None
    if ctx.event_call:
        if rule.name == "tap_target":  # `link_text` of a push or a config is no tap
            return cat, 0.7, "value is what the user tapped, inside an event"
        return cat, 0.7, "value is a purchase or product field of an event"
    if rule.name != "tap_target" and _order_record(ctx):
        return cat, 0.7, "value is a field of an order (the request writes an order or its line items)"
    return None


def _check_message(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    words = v.split()
    if len(words) >= 2 and any(c.isalpha() for c in v) and not v.startswith(("http://", "https://")):
        return cat, 0.7, f"value is free text ({len(words)} words)"
    return None


def _check_conn(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if rule is _CONNECTION_STRICT and v.lower() not in _DISTINCT_CONN_VALUES:
        return None  # `ct=cell`, `nt=none`: too common as other things under a compact name
    if v.lower() in _CONN_WORDS:
        return cat, 0.75, "value is a connection type"
    return None


def _check_os(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _OS_RE.match(v):
        return cat, 0.7, "value is an operating system"
    return None


def _check_hostname(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    low = v.lower()
    if (
        1 <= n <= 63
        and " " not in v
        and any(c.isalpha() for c in v)
        and low not in ("localhost", "unknown", "null")
        and (
            "." not in v
            or low.endswith((".local", ".lan", ".home", ".internal", ".localdomain", ".fritz.box"))
        )
    ):
        return cat, 0.75, "value is a machine's host name"
    return None


def _check_path_id(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    desc = patterns.id_shape(v)
    if desc:
        return cat, 0.8, f"value is {desc}"
    if 3 <= n <= 64 and any(c.isdigit() for c in v) and not re.fullmatch(r"v?\d{1,2}(?:\.\d+)*", v):
        return cat, 0.6, "value is a short id"
    return None


def _check_search(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if ":" in v and _FIELD_FILTER_RE.match(v):
        return None  # `email:kim@…`, `status:sent`: a backend's field filter, not a search box text
    # a search box's text, not a GraphQL/SQL/filter expression sent under `query`
    if (
        2 <= n <= 200
        and any(c.isalpha() for c in v)
        and not v.startswith(("http://", "https://"))
        and not any(c in v for c in "{}\n=<>")
    ):
        return cat, 0.7, "value is a search text"
    return None


def _check_package(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if _PACKAGE_RE.match(v):
        return cat, 0.85, "value is an app package name"
    return cat, 0.6, ""


def _check_text(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    cat = rule.category
    if rule.name in _DEVICE_WORDS and path.tokens & _NON_DEVICE_PARENTS:
        return None  # `product.brand`, `car.model`: not the phone
    if rule.name in _POSTAL_KEYS:
        # `zip: "gzip"`/`zip: true` is a compression flag, not a postal code
        if 3 <= n <= 10 and any(c.isdigit() for c in v):
            return cat, 0.75, "value is a postal code"
        return None
    if rule.name in _REGION_KEYS:
        # a region's name (`Bavaria`, `Île-de-France`), not a country code or a slot name
        if 3 <= n <= 60 and all(c.isalpha() or c in " -.'" for c in v):
            return cat, 0.7, "value is a region name"
        return None
    if rule.name in _CITY_KEYS:
        # a place name: letters, no digits, no `_`; not a locale (`locality: "de_DE"`, `de-DE`)
        if (
            2 <= n <= 60
            and any(c.isalpha() for c in v)
            and not any(c.isdigit() for c in v)
            and "_" not in v
            and not _LOCALE_PAIR_RE.match(v)
        ):
            return cat, 0.7, "value is a place name"
        return None
    if 2 <= n <= 200 and any(c.isalnum() for c in v) and not v.startswith(("http://", "https://")):
        return cat, 0.7, ""
    return None


def _check_any(rule: KeyRule, v: str, n: int, path: _Path, ctx: RecordContext | None) -> _Result:
    if n <= 5 and rule.name == _ACTION_RECORD and v.lower() in _FLAG_VALUES:
        return None  # `wishlist_added: yes`: a flag says whether, not what, when or how often
    return rule.category, 0.8, ""


_Checker = Callable[[KeyRule, str, int, _Path, RecordContext | None], _Result]
_CHECKERS: dict[Shape, _Checker] = {
    Shape.ADID: _check_adid,
    Shape.HWID: _check_hwid,
    Shape.IMEI: _check_imei,
    Shape.MEID: _check_meid,
    Shape.MAC: _check_mac,
    Shape.ID: _check_id,
    Shape.EMAIL: _check_email,
    Shape.PHONE: _check_phone,
    Shape.NAME: _check_name,
    Shape.PASSWORD: _check_password,
    Shape.IP: _check_ip,
    Shape.MCCMNC: _check_mccmnc,
    Shape.UA: _check_ua,
    Shape.MODEL: _check_model,
    Shape.VERSION: _check_version,
    Shape.LOCALE: _check_locale,
    Shape.TIMEZONE: _check_timezone,
    Shape.NUMBER: _check_number,
    Shape.EVENT: _check_event,
    Shape.COMPACT_EVENT: _check_compact_event,
    Shape.COMMERCE: _check_commerce,
    Shape.MESSAGE: _check_message,
    Shape.CONN: _check_conn,
    Shape.OS: _check_os,
    Shape.HOSTNAME: _check_hostname,
    Shape.PATH_ID: _check_path_id,
    Shape.SEARCH: _check_search,
    Shape.PACKAGE: _check_package,
    Shape.TEXT: _check_text,
    Shape.ANY: _check_any,
}
"""One value check per shape; `Detector._check_shape` handles the rest first (`PRECHECKED`)."""
PRECHECKED = frozenset({Shape.LAT, Shape.LON, Shape.LATLON, Shape.FLAG, Shape.DIGEST})
"""Shapes `Detector._check_shape` decides before the map: coordinates (need the profile
location), flags (booleans are placeholders elsewhere) and digests (also every hashed rule)."""
