"""What a value is, read from where it sits: its siblings, its parent object, the URL around it.

A key name alone cannot say that `name` is an event name (beside `type: "track"`), a person's name
(under `user`) or a product's (under `properties`); that `value` is an e-mail address (beside
`key: "email"`, or under `email: {value: …}`); that a path segment is a customer id (after
`/customers/`). `RecordContext` indexes one record's leaves by their parent object, once, and
`context_rule` reads a leaf's meaning from it. Every rule here is a concept that holds across SDKs;
the word lists say which words carry it.

Rules, in the order they are tried (the first that gives a rule wins):

* key/value pairs: `value` (or a typed `stringValue`, `intValue`, …) beside `key`/`name`/`attribute`
  names the value by that sibling (`[{"key": "host.name", "value": {"stringValue": "lab-7"}}]`);
* attribute maps: `value` under a parent key takes the parent's name (`email: {value: …}`);
* tokens: the `sub` claim of a JWT is the account it was issued for;
* the call's type: `name`/`key`/`title` beside `type`/`kind`/`event_type` naming an event kind
  (`track`, `screen`, `page`, `custom`, …) is the event's name; `key` beside `kind: user` an id;
* a single-event body: a top-level `name` beside event payload objects (`properties`, `params`);
* the current screen (`screen`, `view`, `page`, `route`) beside an event is app activity;
* personal fields without a profile: `name`, `gender`, `birthday`, `address` … directly under a
  user/person/customer/traits/profile object (or `user_details`, `customer_info`) are the
  person's — not when the object or its call is typed a group, company or account;
* free-text messages: `text`/`body`/`content`/`message` … in a message context (a chat, a push
  notification, a ticket, or beside `to`/`from`/`recipient`) are user content — never inside
  error, log or crash objects;
* session records (`sessions[0]` with `started` and `status`), and durations inside spans,
  transactions and traces (diagnostics).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from . import keys
from ._rulesdb import Shape, words
from .keys import KeyRule
from .location import INDEX, KEY, PARAM, STEP, Location

_W = words()
VALUE_WORDS = _W.set("value_words")
NAME_WORDS = _W.lists["name_words"]
TYPE_WORDS = _W.lists["type_words"]
EVENT_KINDS = _W.set("event_kinds")
DIAGNOSTIC_KINDS = _W.set("diagnostic_kinds")
PERSON_KINDS = _W.set("person_kinds")
EVENT_PAYLOADS = _W.set("event_payloads")
EVENT_MARKERS = _W.set("event_markers")
PERSON_OBJECTS = _W.set("person_objects")
PERSON_PLACES = _W.set("person_places")
PERSON_OBJECT_SUFFIXES = _W.set("person_object_suffixes")
GROUP_KINDS = _W.set("group_kinds")
IDENTITY_TYPE_WORDS = _W.lists["identity_type_words"]
IDENTITY_VALUE_KEYS = frozenset({"id", "identity", "identifier", "value"})
_IDENTITY_CATEGORIES = frozenset({"user_id", "device_id", "advertising_id", "contact_info"})
ADDRESS_LINES = _W.set("address_lines")
SCREEN_KEYS = _W.set("screen_keys")
MESSAGE_TEXT_KEYS = _W.set("message_text_keys")
MESSAGE_CONTEXT = _W.set("message_context")
MESSAGE_PEERS = _W.set("message_peers")
MESSAGE_KINDS = _W.set("message_kinds")
DIAGNOSTIC_CONTEXT = _W.set("diagnostic_context")
ERROR_OBJECTS = _W.set("error_objects")
ERROR_FIELDS = _W.set("error_fields")
LOG_LEVELS = _W.lists["log_levels"]
LEVEL_WORDS = _W.set("level_words")
SESSION_RECORD = _W.set("session_record")
PERF_CONTEXT = _W.set("perf_context")
DURATION_WORDS = _W.set("duration_words")
RANDOM_FLAGS = _W.set("random_flags")
MESSAGE_AUTHORS = frozenset({"author", "sender"})
"""Who wrote a message: given as an id, the id of a user."""
PUSH_PATHS = frozenset({"alert", "aps", "notification", "notifications", "push"})
"""URL path segments of a push: its text is a message only when it relays a conversation."""
MESSAGE_PATHS = MESSAGE_CONTEXT - {"message", "messages", "note", "notes"} - PUSH_PATHS
"""URL path segments that make a request's text a message (`/conversations`, `/tickets`); not
`/messages/send` (also how apps send their own template mails) nor `/notes` (a CRM's notes are
the operator's)."""
_CONVERSATION_WORDS = frozenset({"chat", "conversation", "thread"})
COLLECTIONS = _W.set("collections")
PERSON_FIELDS: dict[str, tuple[Shape, str]] = _W.person_fields
"""Word lists and person fields: `data/words.toml` (which rule reads each is said there)."""

_RULES: dict[str, KeyRule] = {
    "event": KeyRule("event_name", "app_activity", Shape.EVENT, "an event name (the call's type says so)"),
    "screen": KeyRule("current_screen", "app_activity", Shape.EVENT, "the current screen beside an event"),
    "subject": KeyRule(
        "subject_key", "user_id", Shape.ID, "the id of the call's subject (`kind` says so)", True
    ),
    "transaction": KeyRule(
        "transaction_name", "app_activity", Shape.EVENT, "an APM transaction's name (the screen or route)"
    ),
    "crash_screen": KeyRule(
        "crash_screen", "app_activity", Shape.EVENT, "the screen the user was on when it failed"
    ),
    "author": KeyRule("message_author", "user_id", Shape.ID, "the id of a message's author", True),
    "jwt_sub": KeyRule(
        "jwt_sub", "user_id", Shape.ID, "the account a token was issued for (JWT `sub`)", True
    ),
    "message": KeyRule("message_text", "user_content", Shape.MESSAGE, "a message's text"),
    "session": KeyRule("session_record", "app_activity", Shape.ANY, "a session record (start, status)"),
    "perf": KeyRule("performance", "diagnostics", Shape.NUMBER, "a duration inside a span or transaction"),
    "error": KeyRule("error_detail", "diagnostics", Shape.ANY, "an error's detail (under an error object)"),
    "log": KeyRule("log_message", "diagnostics", Shape.ANY, "a log record's message (beside its level)"),
    "diag_kind": KeyRule(
        "diagnostic_item", "diagnostics", Shape.ANY, "an item the call's type calls diagnostics"
    ),
    "person_place": KeyRule("person.place", "location_coarse", Shape.TEXT, "where the person lives"),
}


@lru_cache(maxsize=4096)
def _person_rule(field_name: str) -> KeyRule:
    shape, what = PERSON_FIELDS[field_name]
    return KeyRule(f"person.{field_name}", "contact_info", shape, f"{what} (under a person's object)", True)


def in_jwt_payload(location: Location) -> bool:
    """The value is (inside) a claim of a JWT's payload (`…>jwt:payload.sub`)."""
    node: Location | None = location
    while node is not None:
        parent = node.parent
        if (
            node.kind == KEY
            and node.name == "payload"
            and parent is not None
            and parent.kind == STEP
            and parent.name == "jwt"
        ):
            return True
        node = parent
    return False


class RecordContext:
    """One record's leaves by parent object: parent location → normalised key → first value.

    Built on first use from `(leaf, path)` pairs whose path has `norms`, `parent_loc` (the
    leaf's `Location.holder`) and `event_hint` (see `analysis.detect._Path`): most records never
    need it.
    """

    __slots__ = (
        "_items",
        "_siblings",
        "_anchors",
        "_event_call",
        "_places",
        "_values",
        "_url_path",
        "_segments",
        "_below",
        "memo",
    )

    def __init__(self, items: Sequence[tuple[Any, Any]] = (), url_path: str = "/") -> None:
        self._items = items
        self._siblings: dict[str, dict[str, str]] | None = None
        self._anchors: dict[str, tuple[Location | None, str, str]] = {}
        self._event_call: bool | None = None
        self._places: dict[str, bool] = {}
        self._values: dict[int, str] | None = None
        """Leaf values by `id` of their location: one record's locations are interned together."""
        self._url_path = url_path
        self._segments: tuple[str, ...] | None = None
        self._below: dict[int, list[tuple[tuple[str, ...], str]]] | None = None
        """For each location (by `id`), the key/param nodes right below it that lead to a leaf: their
        `names` and that leaf's holder (built once, for `objects_in`)."""
        self.memo: dict[str, bool] = {}
        """Record-level concepts `analysis.detect` computes on first use (`order`, `crm_record`)."""

    @property
    def path_segments(self) -> tuple[str, ...]:
        """The URL path split at `/`, as the decoder numbers `path[i]`."""
        found = self._segments
        if found is None:
            found = self._segments = tuple(self._url_path.partition("?")[0].split("/")[1:])
        return found

    @property
    def siblings(self) -> dict[str, dict[str, str]]:
        if self._siblings is None:
            index: dict[str, dict[str, str]] = {}
            for leaf, path in self._items:
                key = path.sibling_key
                if key is not None:
                    group = index.get(key[0])
                    if group is None:
                        index[key[0]] = {key[1]: leaf.value}
                        self._anchors[key[0]] = path.holder_parts
                        if path.grand_loc not in self._anchors:  # (an object holding only objects)
                            self._anchors[path.grand_loc] = path.grand_parts
                    elif key[1] not in group:
                        group[key[1]] = leaf.value
            self._siblings = index
        return self._siblings

    @property
    def event_call(self) -> bool:
        """Some leaf of the record is an event (a name, a type, a payload of properties)."""
        if self._event_call is None:
            self._event_call = any(path.event_hint for _, path in self._items)
        return self._event_call

    def value_at(self, location: Location) -> str | None:
        """The value of the leaf at `location` (protobuf leaves have numbers, not names)."""
        if self._values is None:
            self._values = {id(leaf.location): leaf.value for leaf, _ in self._items}
        return self._values.get(id(location))

    def holds_object(self, location: Location) -> bool:
        """Some leaf of the record is inside an object or an encoded value at `location` (`x[1].a`,
        `x[1]>json:…`), not only inside an array there (`x[1][0]`)."""
        for leaf, path in self._items:
            if path.sibling_key is None:
                continue
            node = leaf.location
            while node.parent is not None and node.parent is not location:
                node = node.parent
            if node.parent is not None and node.kind != INDEX:
                return True
        return False

    def anchor(self, holder: str) -> Location | None:
        """The node a holder (a `siblings` key) is, when it is one (`Location.holder_parts`
        mode ""): an object's key or an array item; else None."""
        anchor, mode, _ = self._anchor_parts(holder)
        return anchor if mode == "" else None

    def holder_name(self, holder: str) -> str:
        """The name of the object a holder is (`body.json:order` → order, an item of
        `body.json:items[0]` → items, `query:order` of `query:order.id` → order); "" for a
        step's or part's top level and for decoded values."""
        anchor, mode, prefix = self._anchor_parts(holder)
        if anchor is None:
            return ""
        if mode == "":
            return anchor.names[-1] if anchor.names else ""
        if mode == ":" and prefix:
            return prefix.rpartition(".")[2]
        return ""

    def _anchor_parts(self, holder: str) -> tuple[Location | None, str, str]:
        if self._siblings is None:
            self.siblings  # noqa: B018 - builds the anchors too
        return self._anchors.get(holder, (None, "", ""))

    def objects_in(self, holder: str) -> set[str]:
        """The names of the fields of the object `holder` (a `Location.holder`) below which more
        leaves sit: objects, arrays of objects, encoded values (`properties` of `properties.x`,
        `custom_data` of `custom_data>json:…`, `user` of `query:user.id`)."""
        anchor, mode, prefix = self._anchor_parts(holder)
        if anchor is None or mode == ">":
            return set()
        base = anchor.names
        inner = tuple(p for p in prefix.split(".") if p)
        depth = len(base) + len(inner)
        out: set[str] = set()
        for names, leaf_holder in self._nodes_below().get(id(anchor), ()):
            if leaf_holder != holder and len(names) > depth and names[len(base) : depth] == inner:
                out.add(names[depth])
        return out

    def _nodes_below(self) -> dict[int, list[tuple[tuple[str, ...], str]]]:
        """One pass over the leaves (not one per holder asked: a batch of thousands of objects)."""
        below = self._below
        if below is None:
            below = self._below = {}
            for leaf, path in self._items:
                if path.sibling_key is None:
                    continue
                node = leaf.location
                while node.parent is not None:
                    if node.kind == KEY or node.kind == PARAM:
                        below.setdefault(id(node.parent), []).append((node.names, path.parent_loc))
                    node = node.parent
        return below

    def of(self, parent: str) -> dict[str, str]:
        return self.siblings.get(parent, _EMPTY)

    def is_place(self, parent: str) -> bool:
        """Does the object at `parent` describe a place other than the user (`place_context`)?"""
        found = self._places.get(parent)
        if found is None:
            found = self._places[parent] = place_context(self.of(parent))
        return found


_EMPTY: dict[str, str] = {}


CONTEXT_KEYS = (
    VALUE_WORDS
    | frozenset(NAME_WORDS)
    | {"sub", "title", "action", "event"}
    | ERROR_FIELDS
    | PERSON_PLACES
    | PERSON_KINDS
    | SCREEN_KEYS
    | frozenset(PERSON_FIELDS)
    | ADDRESS_LINES
    | MESSAGE_TEXT_KEYS
    | SESSION_RECORD
    | DURATION_WORDS
    | MESSAGE_AUTHORS
    | {"id", "transaction"}
)
"""Normalised leaf names some context rule reads; other leaves skip `context_rule` entirely."""


def context_rule(
    location: Location,
    norm: str,
    names: tuple[str, ...],
    tokens: frozenset[str],
    ctx: RecordContext,
    parent: str | None = None,
    grand: str | None = None,
) -> tuple[KeyRule, str] | None:
    """(rule, how the context says so) for a leaf whose own name said nothing, or `None`.

    `norm` is the leaf's normalised key, `names` the normalised field names along its location
    (outermost first), `tokens` their words, `parent` and `grand` its `Location.holder` and
    `Location.grand_holder` (derived from `location` when not given).
    """
    if parent is None:
        parent = location.holder
    if grand is None:
        grand = location.grand_holder
    sib = ctx.of(parent)
    # key/value pairs and attribute maps
    if norm in VALUE_WORDS:
        named = pair_name(sib)
        if named is None and norm != "value" and names[-2:-1] == ("value",):
            named = pair_name(ctx.of(grand))  # OTLP `value: {stringValue: …}`
        if named is not None:
            rule = keys.lookup(named)
            if rule is not None and not rule.container:
                return rule, f"the pair's name {named!r}"
        if len(names) >= 2 and names[-2] not in VALUE_WORDS:
            rule = keys.lookup(names[-2])
            if rule is not None and not rule.container:
                return rule, f"the parent key {names[-2]!r}"
    if norm in VALUE_WORDS or norm in IDENTITY_VALUE_KEYS:
        typed = _typed_identity(sib)
        if typed is not None:
            return typed
    if norm == "sub" and in_jwt_payload(location):
        if sib.get("iss") == sib.get("sub"):
            return None  # a client's own assertion (`iss` = `sub`): the client, not a user
        return _RULES["jwt_sub"], "a JWT's subject claim"
    # errors and log records
    if norm in ERROR_FIELDS and len(names) >= 2 and not ERROR_OBJECTS.isdisjoint(keys.tokens(names[-2])):
        return _RULES["error"], f"under {names[-2]!r}"
    if norm in ("message", "msg", "body", "text") and any(
        (sib.get(w) or "").lower() in LEVEL_WORDS for w in LOG_LEVELS
    ):
        return _RULES["log"], "beside a log level"
    if norm == "id":  # `{"type": "user", "id": …}`: the object's type says whose id it is
        for t in TYPE_WORDS:
            kind = sib.get(t)
            if kind is not None and keys.normalise(kind) in PERSON_KINDS:
                if keys.normalise(kind) in {keys.normalise(o) for o in ctx.objects_in(parent)}:
                    # `{"type": "profile", "profile": {…}, "id": …}`: the type names the payload
                    # beside it, so the `id` is the message's or the account's, not the person's
                    break
                return _RULES["subject"], f"beside {t}={kind!r}"
        if len(names) == 1:  # the object a request to `/customers` writes: a customer's id
            segs = ctx.path_segments
            if segs and keys.normalise(segs[-1]) in COLLECTIONS:
                return _RULES["subject"], f"(the top-level id of a request to /{segs[-1]})"
        return None
    if norm == "transaction" and any(
        keys.normalise(sib.get(t) or "") == "transaction" for t in ("type", "kind")
    ):
        return _RULES["transaction"], "(beside type='transaction')"
    if norm in MESSAGE_AUTHORS and (any(k in sib for k in MESSAGE_TEXT_KEYS) and _message_path(ctx)):
        return _RULES["author"], "(a message's author)"
    # the call's type
    if norm in ("name", "key", "title", "label", "action", "event"):
        # the type beside the field, or beside the object holding it (`data.base_type` for
        # `data.base_data.name`)
        above_sib = ctx.of(grand) if len(names) >= 2 else _EMPTY
        for group, where in ((sib, "beside"), (above_sib, "in an object beside")):
            for t in TYPE_WORDS:
                kind = group.get(t)
                if kind is None:
                    continue
                k = keys.normalise(kind)
                words = set(k.split("_"))
                if k in EVENT_KINDS or (words & EVENT_KINDS and len(k) <= 24):
                    return _RULES["event"], f"{where} {t}={kind!r}"
                if words & DIAGNOSTIC_KINDS and len(k) <= 32:
                    return _RULES["diag_kind"], f"{where} {t}={kind!r}"
                if norm == "key" and k in PERSON_KINDS and group is sib:
                    return _RULES["subject"], f"beside {t}={kind!r}"
    if len(names) >= 2 and names[-2].endswith(("_keys", "_ids")) and norm in PERSON_KINDS:
        return _RULES["subject"], f"under {names[-2]!r}"
    if norm == "name" and len(names) == 1 and _has_child_object(ctx, location, EVENT_PAYLOADS):
        return _RULES["event"], "a top-level name beside an event payload"
    # the current screen beside an event, or in a crash or error report (where the user was)
    if norm in SCREEN_KEYS and (
        tokens & EVENT_MARKERS
        or any(m in sib for m in EVENT_MARKERS)
        or (len(names) >= 2 and any(m in ctx.of(grand) for m in EVENT_MARKERS))
    ):  # beside the event, or in its properties (`batch[0].event` + `batch[0].properties.screen`)
        return _RULES["screen"], "beside an event"
    if norm in SCREEN_KEYS and tokens & ERROR_OBJECTS:
        return _RULES["crash_screen"], "in a crash or error report"
    # personal fields without a profile (not the traits of a group call: a company's or team's)
    if len(names) >= 2 and not group_object(ctx, parent, grand, sib):
        owner = names[-2]
        if norm in PERSON_FIELDS and person_owner(owner):
            return _person_rule(norm), f"under {owner!r}"
        if owner == "address" and norm in ADDRESS_LINES and len(names) >= 3 and names[-3] in PERSON_OBJECTS:
            return _person_rule("address"), f"under {names[-3]!r}.address"
        if norm in PERSON_PLACES and (
            person_owner(owner) or owner == "address" and names[-3:-2] and names[-3] in PERSON_OBJECTS
        ):
            return _RULES["person_place"], f"under {owner!r}"
    # free-text messages
    if norm in MESSAGE_TEXT_KEYS and not (tokens & DIAGNOSTIC_CONTEXT):
        ancestors = frozenset(t for n in names[:-1] for t in keys.tokens(n))
        around = ancestors & MESSAGE_CONTEXT
        if (
            (around and (not around <= PUSH_PATHS or _relays_conversation(ctx)))
            or any(p in sib for p in MESSAGE_PEERS)
            or any(keys.normalise(sib.get(t) or "") in MESSAGE_KINDS for t in TYPE_WORDS)
        ):
            return _RULES["message"], "in a message"
        if len(names) == 1 and _message_path(ctx):
            return _RULES["message"], "in a message (the URL path names a conversation or push)"
    # session records and performance data
    if norm in SESSION_RECORD and (
        "session" in tokens or "sessions" in tokens or "sid" in sib or "session_id" in sib
    ):  # `sessions[0]`, or a record holding a session id (Sentry's session items: `sid`, `started`, `status`)
        if sum(1 for k in SESSION_RECORD if k in sib) >= 2:
            return _RULES["session"], "in a session record"
    if norm in DURATION_WORDS and tokens & PERF_CONTEXT and "session" not in tokens:
        return _RULES["perf"], "inside a span, transaction or trace"
    return None


_ANY_VALUE_FIELDS = frozenset({"1", "2", "3", "4"})
"""`AnyValue`'s scalar fields (string, bool, int, double) in OpenTelemetry's protobuf."""
_ATTRIBUTE_RE = re.compile(r"^[A-Za-z_][\w.\-]{1,63}$")


def protobuf_pair(location: Location, ctx: RecordContext) -> tuple[KeyRule, str] | None:
    """A schemaless protobuf key/value pair: a value in field 2 (or its scalar `AnyValue` field
    1-4) beside an attribute name in field 1, as OpenTelemetry's `KeyValue` and most
    `map<string, …>` entries are encoded (`1.1[0].1` = "enduser.id", `1.1[0].2.1` = the id)."""
    if location.kind != KEY or location.innermost.name != "protobuf":
        return None
    value = location
    if location.name != "2":
        up = location.parent
        if location.name not in _ANY_VALUE_FIELDS or up is None or up.kind != KEY or up.name != "2":
            return None
        value = up
    name = ctx.value_at(value.parent.key("1"))  # type: ignore[union-attr]
    if name is None or not _ATTRIBUTE_RE.match(name) or not any(c.isalpha() for c in name):
        return None
    rule = keys.lookup(name)
    if rule is None or rule.container:
        return None
    return rule, f"(the pair's name {name!r})"


def array_pair(location: Location, ctx: RecordContext) -> tuple[KeyRule, str] | None:
    """A two-element `[name, value]` array: the second element is named by the first
    (`["city", "Berlin"]`, `"cvar": {"2": ["postcode", "10115"]}`), as custom variables and
    attribute lists of many trackers send them. Names of three or more characters only, and
    not the raw names of compact protocols (`en`, `e`), which say nothing outside their query."""
    if location.last_index != 1:
        return None
    name = ctx.value_at(location.with_last_index(0))
    if name is None or len(name) < 3 or ctx.value_at(location.with_last_index(2)) is not None:
        return None
    if not _ATTRIBUTE_RE.match(name) or not any(c.isalpha() for c in name):
        return None
    rule = keys.lookup(name)
    if rule is None or rule.container or rule.name in keys.RAW_TABLE:
        return None
    return rule, f"(named by the array's first element {name!r})"


_EVENT_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[_.:\-][a-z0-9]+)+$")


def array_event(location: Location, ctx: RecordContext) -> tuple[KeyRule, str] | None:
    """A two-element `[name, {properties}]` array whose name is an event-shaped identifier
    (`["application_submitted", {"job_id": …}]`): a tracked event and its properties, as call
    queues (`track(name, props)`) and compact batches send them."""
    if location.last_index != 0:
        return None
    name = ctx.value_at(location)
    if (
        name is None
        or not _EVENT_NAME_RE.match(name)
        or ctx.value_at(location.with_last_index(2)) is not None
    ):
        return None
    second = location.with_last_index(1)
    named = keys.lookup(name)
    if ctx.value_at(second) is not None or (named is not None and named.category != "app_activity"):
        return None  # the second element is a value (a `[name, value]` pair), or the name is a key
    if not ctx.holds_object(second):
        return None
    return _RULES["event"], "(an array of an event's name and its properties)"


def _message_path(ctx: RecordContext) -> bool:
    """The URL path names a conversation, or a push that relays one (a thread or conversation id
    in the payload); an app's own reminder pushed to the user is not the user's content."""
    segs = {keys.normalise(seg) for seg in ctx.path_segments}
    if segs & MESSAGE_PATHS:
        return True
    if segs & PUSH_PATHS:
        return _relays_conversation(ctx)
    return False


def _relays_conversation(ctx: RecordContext) -> bool:
    """A thread, conversation or chat id in the payload, or a push category or channel named for
    chats (`aps.category: CHAT_REPLY`, `channel_id: chat`): the push relays a conversation (its
    text is someone's message); without one it is the app's own notice (a reminder, an offer)."""
    found = ctx.memo.get("conversation")
    if found is None:
        found = ctx.memo["conversation"] = any(
            _CONVERSATION_WORDS.intersection(k.split("_"))
            or (k in _PUSH_KIND_KEYS and _CHAT_KIND_WORDS.intersection(keys.normalise(v).split("_")))
            for group in ctx.siblings.values()
            for k, v in group.items()
        )
    return found


_PUSH_KIND_KEYS = frozenset(
    {"category", "channel_id", "android_channel_id", "channel", "collapse_key", "tag"}
)
"""Names of a push's category or notification channel (APNs `category`, Android `channel_id`)."""
_CHAT_KIND_WORDS = frozenset(
    {"chat", "chats", "conversation", "dm", "message", "messages", "reply", "thread"}
)


def pair_name(sib: dict[str, str]) -> str | None:
    """The name half of a key/value pair object (`key`, `name`, `attribute`, … beside `value`)."""
    for w in NAME_WORDS:
        v = sib.get(w)
        if v is not None and 0 < len(v) <= 64 and not v.isdigit():
            return v
    return None


def _has_child_object(ctx: RecordContext, location: Location, names: frozenset[str]) -> bool:
    """Beside the top-level field `location`, an object (or an encoded value) under a name in
    `names` (`properties: {…}`, `custom_data>json:…`)."""
    return any(keys.normalise(head) in names for head in ctx.objects_in(location.holder))


def _typed_identity(sib: dict[str, str]) -> tuple[KeyRule, str] | None:
    """`{"type": "email", "value": …}`, `{"identity_type": "customer_id", "id": …}`: an identity
    list's entry whose type names an id or contact field (mParticle, Customer.io, Braze aliases):
    the value is what the type's name says."""
    for t in IDENTITY_TYPE_WORDS:
        kind = sib.get(t)
        if kind is None or not 2 <= len(kind) <= 40 or keys.normalise(kind) in keys.GENERIC_CHILDREN:
            continue  # `type: "uuid"` says how the value is written, not whose it is
        rule = keys.lookup(kind)
        if rule is not None and rule.category in _IDENTITY_CATEGORIES and not rule.container:
            return rule, f"(the entry's {t} {kind!r})"
    return None


def group_object(ctx: RecordContext, parent: str, grand: str, sib: dict[str, str] | None = None) -> bool:
    """The object `parent` (or the call holding it, `grand`: `Location.holder` and
    `grand_holder`) is typed as a group, company or account (`type: group` beside `traits` in CDP
    batches, `kind: organization`): its name and place are not a person's."""
    above = ctx.of(grand)
    for group in (ctx.of(parent) if sib is None else sib, above):
        for t in TYPE_WORDS:
            kind = group.get(t)
            if kind is not None and keys.normalise(kind) in GROUP_KINDS:
                return True
    return False


@lru_cache(maxsize=4096)
def person_owner(owner: str) -> bool:
    """An object that is a person's: `user`, `customer`, `traits`, or such a name with a suffix
    (`user_details`, `customer_info`, `member_profile`, `app_user`)."""
    if owner in PERSON_OBJECTS or owner.endswith(("_profile", "_user")):
        return True
    words = owner.split("_")
    return len(words) == 2 and words[0] in PERSON_OBJECTS and words[1] in PERSON_OBJECT_SUFFIXES


def is_random_flagged(sib: dict[str, str]) -> bool:
    """A sibling says the id beside it is random (`is_random: true`, `id_type: "random"`) or not
    the real one (`is_hardware_id_real: false`)."""
    for k, v in sib.items():
        lv = v.strip().lower()
        if k in RANDOM_FLAGS and lv in ("true", "1", "yes"):
            return True
        if (k == "real" or k.endswith("_real")) and lv in ("false", "0", "no"):
            return True  # `is_hardware_id_real: false` (Branch's open/install requests)
        if k in ("type", "id_type", "kind", "source") and lv in ("random", "randomized", "generated"):
            return True
    return False


def place_context(sib: dict[str, str]) -> bool:
    """Siblings that mark the object as a place other than the user (`store_id`, `venue`)."""
    for k in sib:
        if any(t in keys.NON_USER_PLACES for t in k.split("_")):
            return True
    return False
