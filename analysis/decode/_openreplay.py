"""Decoder `openreplay`: OpenReplay tracker message batches (`POST /ingest/v1/web/i`).

Wire format (`@openreplay/tracker`, `app/messages.gen.ts` for the message names and fields, the
worker's `MessageEncoder.gen.ts` / `BatchWriter.ts` for the bytes): a batch starts with the
message type 81 `BatchMetadata` (varint type, then version, page number, first index, timestamp,
location, no size); every message after it is its type (a LEB128 varint), its size (3 bytes,
little endian) and its fields: `u` an unsigned LEB128 varint, `i` a zig-zag varint, `s` a varint
length and UTF-8 bytes, `b` one byte. Sniffed by that structure (`Q` = 81, a small version, and
every message's size adding up to the body exactly), not by host. Each message becomes an object
named after its type with its fields (`body.openreplay:[9].SetInputValue.value`), a message of one
field its value (`body.openreplay:[3].UserID`); name/value messages (`Metadata`, `SetNodeAttribute`,
the dictionary-compressed attributes, resolved through the batch's string dictionary) become
`<Message>.<name>`; node ids and indexes (tree structure, no data) are left out.
"""

from __future__ import annotations

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._tree import _Num, _walk
from ._wire import read_varint

_BATCH_METADATA = 81

_MAX_VERSION = 15

_MESSAGES: dict[int, tuple[str, str]] = {
    0: ("Timestamp", "timestamp:u"),
    4: ("SetPageLocationDeprecated", "url:s referrer:s navigationStart:u"),
    5: ("SetViewportSize", "width:u height:u"),
    6: ("SetViewportScroll", "x:i y:i"),
    7: ("CreateDocument", ""),
    8: ("CreateElementNode", "id:u parentID:u index:u tag:s svg:b"),
    9: ("CreateTextNode", "id:u parentID:u index:u"),
    10: ("MoveNode", "id:u parentID:u index:u"),
    11: ("RemoveNode", "id:u"),
    12: ("SetNodeAttribute", "id:u name:s value:s"),
    13: ("RemoveNodeAttribute", "id:u name:s"),
    14: ("SetNodeData", "id:u data:s"),
    16: ("SetNodeScroll", "id:u x:i y:i"),
    17: ("SetInputTarget", "id:u label:s"),
    18: ("SetInputValue", "id:u value:s mask:i"),
    19: ("SetInputChecked", "id:u checked:b"),
    20: ("MouseMove", "x:u y:u"),
    21: (
        "NetworkRequestDeprecated",
        "type:s method:s url:s request:s response:s status:u timestamp:u duration:u",
    ),
    22: ("ConsoleLog", "level:s value:s"),
    23: (
        "PageLoadTiming",
        "requestStart:u responseStart:u responseEnd:u domContentLoadedEventStart:u domContentLoadedEventEnd:u loadEventStart:u loadEventEnd:u firstPaint:u firstContentfulPaint:u",
    ),
    24: ("PageRenderTiming", "speedIndex:u visuallyComplete:u timeToInteractive:u"),
    27: ("CustomEvent", "name:s payload:s"),
    28: ("UserID", "id:s"),
    29: ("UserAnonymousID", "id:s"),
    30: ("Metadata", "key:s value:s"),
    34: ("StringDictGlobal", "key:u value:s"),
    35: ("SetNodeAttributeDictGlobal", "id:u name:u value:u"),
    36: ("NodeAnimationResult", "id:u styles:s"),
    40: ("Profiler", "name:s duration:u args:s result:s"),
    41: ("OTable", "key:s value:s"),
    42: ("StateAction", "type:s"),
    43: ("StringDict", "key:s value:s"),
    44: ("ReduxDeprecated", "action:s state:s duration:u"),
    45: ("Vuex", "mutation:s state:s"),
    46: ("MobX", "type:s payload:s"),
    47: ("NgRx", "action:s state:s duration:u"),
    48: ("GraphQLDeprecated", "operationKind:s operationName:s variables:s response:s duration:i"),
    49: ("PerformanceTrack", "frames:i ticks:i totalJSHeapSize:u usedJSHeapSize:u"),
    50: ("StringDictDeprecated", "key:u value:s"),
    51: ("SetNodeAttributeDictDeprecated", "id:u nameKey:u valueKey:u"),
    52: ("SetNodeAttributeDict", "id:u name:s value:s"),
    53: (
        "ResourceTimingDeprecatedDeprecated",
        "timestamp:u duration:u ttfb:u headerSize:u encodedBodySize:u decodedBodySize:u url:s initiator:s",
    ),
    54: ("ConnectionInformation", "downlink:u type:s"),
    55: ("SetPageVisibility", "hidden:b"),
    57: ("LoadFontFace", "parentID:u family:s source:s descriptors:s"),
    58: ("SetNodeFocus", "id:i"),
    60: ("SetNodeAttributeURLBased", "id:u name:s value:s baseURL:s"),
    61: ("SetCSSDataURLBased", "id:u data:s baseURL:s"),
    63: ("TechnicalInfo", "type:s value:s"),
    64: ("CustomIssue", "name:s payload:s"),
    65: ("SetNodeSlot", "id:u slotID:u"),
    68: ("MouseClick", "id:u hesitationTime:u label:s selector:s normalizedX:u normalizedY:u"),
    69: ("MouseClickDeprecated", "id:u hesitationTime:u label:s selector:s"),
    70: ("CreateIFrameDocument", "frameID:u id:u"),
    71: ("AdoptedSSReplaceURLBased", "sheetID:u text:s baseURL:s"),
    73: ("AdoptedSSInsertRuleURLBased", "sheetID:u rule:s index:u baseURL:s"),
    75: ("AdoptedSSDeleteRule", "sheetID:u index:u"),
    76: ("AdoptedSSAddOwner", "sheetID:u id:u"),
    77: ("AdoptedSSRemoveOwner", "sheetID:u id:u"),
    78: ("JSException", "name:s message:s payload:s metadata:s"),
    79: ("Zustand", "mutation:s state:s"),
    83: (
        "NetworkRequest",
        "type:s method:s url:s request:s response:s status:u timestamp:u duration:u transferredBodySize:u",
    ),
    84: ("WSChannel", "chType:s channelName:s data:s timestamp:u dir:s messageType:s"),
    85: (
        "ResourceTiming",
        "timestamp:u duration:u ttfb:u headerSize:u encodedBodySize:u decodedBodySize:u url:s initiator:s transferredSize:u cached:b queueing:u dnsLookup:u initialConnection:u ssl:u contentDownload:u total:u stalled:u",
    ),
    87: ("Incident", "label:s startTime:i endTime:i"),
    89: (
        "LongAnimationTask",
        "name:s duration:i blockingDuration:i firstUIEventTimestamp:i startTime:i scripts:s",
    ),
    112: ("InputChange", "id:u value:s valueMasked:b label:s hesitationTime:i inputDuration:i"),
    113: ("SelectionChange", "selectionStart:u selectionEnd:u selection:s"),
    114: ("MouseThrashing", "timestamp:u"),
    115: ("UnbindNodes", "totalRemovedPercent:u"),
    116: (
        "ResourceTimingDeprecated",
        "timestamp:u duration:u ttfb:u headerSize:u encodedBodySize:u decodedBodySize:u url:s initiator:s transferredSize:u cached:b",
    ),
    117: ("TabChange", "tabId:s"),
    118: ("TabData", "tabId:s"),
    119: ("CanvasNode", "nodeId:s timestamp:u"),
    120: ("TagTrigger", "tagId:i"),
    121: ("Redux", "action:s state:s duration:u actionTime:u"),
    122: ("SetPageLocation", "url:s referrer:s navigationStart:u documentTitle:s"),
    123: ("GraphQL", "operationKind:s operationName:s variables:s response:s duration:u"),
    124: ("WebVitals", "name:s value:s"),
    125: ("IssueEvent", "messageID:u timestamp:u type:s contextString:s context:s payload:s url:s"),
}
"""Type id → (name, `field:kind …`), from `@openreplay/tracker` 19.0.1 `messages.gen` and its
encoder (every message the web tracker writes)."""

_SCHEMA: dict[int, tuple[str, tuple[tuple[str, str], ...]]] = {
    t: (name, tuple((f.partition(":")[0], f.partition(":")[2]) for f in spec.split()))
    for t, (name, spec) in _MESSAGES.items()
}

_STRUCTURE_FIELDS = frozenset({"id", "parentID", "index", "nodeId", "sheetID", "frameID", "slotID"})
"""Integer fields that only place a node in the page's tree."""

_PAIRS = {12: ("name", "value"), 30: ("key", "value"), 41: ("key", "value"), 60: ("name", "value")}
"""Messages whose first string names the second."""

_DICT_ENTRIES = frozenset({34, 43, 50})
_DICT_ATTRIBUTES = {35: ("name", "value"), 51: ("nameKey", "valueKey"), 52: ("name", "value")}


class _Bad(Exception):
    """Not (or no longer) an OpenReplay batch."""


def _uint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """A varint (protobuf's encoding, at most 10 bytes); `_Bad` when truncated or longer."""
    read = read_varint(data, pos, end)
    if read is None:
        raise _Bad
    return read


def _fields(data: bytes, pos: int, end: int, spec: tuple[tuple[str, str], ...]) -> tuple[list[object], int]:
    values: list[object] = []
    for _name, kind in spec:
        if kind == "s":
            n, pos = _uint(data, pos, end)
            if pos + n > end:
                raise _Bad
            values.append(data[pos : pos + n].decode("utf-8", "replace"))
            pos += n
        elif kind == "b":
            if pos >= end:
                raise _Bad
            values.append(data[pos] != 0)
            pos += 1
        else:
            v, pos = _uint(data, pos, end)
            values.append((v >> 1) ^ -(v & 1) if kind == "i" else v)
    return values, pos


def _messages(data: bytes, limit: int) -> tuple[list[tuple[int, list[object]]], int, bool]:
    """The batch's messages (type, field values; values None for types this decoder does not
    know), how many were of unknown types, and whether `limit` cut the list. Raises `_Bad` when
    the bytes are not a batch."""
    end = len(data)
    t, pos = _uint(data, 0, end)
    if t != _BATCH_METADATA:
        raise _Bad
    header, pos = _fields(
        data,
        pos,
        end,
        (("version", "u"), ("pageNo", "u"), ("firstIndex", "u"), ("timestamp", "i"), ("location", "s")),
    )
    if not 0 < int(header[0]) <= _MAX_VERSION:  # type: ignore[call-overload]
        raise _Bad
    out: list[tuple[int, list[object]]] = [(_BATCH_METADATA, header)]
    unknown = 0
    while pos < end:
        if len(out) > limit:
            return out, unknown, True
        t, pos = _uint(data, pos, end)
        if pos + 3 > end:
            raise _Bad
        size = data[pos] | data[pos + 1] << 8 | data[pos + 2] << 16
        pos += 3
        stop = pos + size
        if stop > end:
            raise _Bad
        schema = _SCHEMA.get(t)
        if schema is None:
            unknown += 1
            out.append((t, []))
        else:
            values, at = _fields(data, pos, stop, schema[1])
            if at != stop:
                raise _Bad
            out.append((t, values))
        pos = stop
    if len(out) < 2 or unknown * 2 > len(out):
        raise _Bad
    return out, unknown, False


_MOBILE_BATCH_META = 107

_MOBILE: dict[int, tuple[str, str]] = {
    92: ("MobileMetadata", "key:s value:s"),
    93: ("MobileEvent", "name:s payload:s"),
    94: ("MobileUserID", "id:s"),
    95: ("MobileUserAnonymousID", "id:s"),
    96: ("MobileScreenChanges", "x:u y:u width:u height:u"),
    97: ("MobileCrash", "name:s reason:s stacktrace:s"),
    98: ("MobileViewComponentEvent", "screenName:s viewName:s visible:b"),
    100: ("MobileClickEvent", "label:s x:u y:u"),
    101: ("MobileInputEvent", "value:s valueMasked:b label:s"),
    102: ("MobilePerformanceEvent", "name:s value:u"),
    103: ("MobileLog", "severity:s content:s"),
    104: ("MobileInternalError", "content:s"),
    105: ("MobileNetworkCall", "type:s method:s url:s request:s response:s status:u duration:u"),
    106: ("MobileSwipeEvent", "label:s x:u y:u direction:s"),
    107: ("MobileBatchMeta", "firstIndex:u"),
}
"""The mobile trackers' messages (openreplay `tracker/tracker-ios` `ORMessages.swift`, the same ids
in `tracker-android` and `mobs/mobile_messages.rb`): each message is its type (varint), its
timestamp (varint, ms) and its body (varint length, then the fields), and a batch starts with
`MobileBatchMeta` (107)."""

_MOBILE_SCHEMA = {
    t: (name, tuple((f.partition(":")[0], f.partition(":")[2]) for f in spec.split()))
    for t, (name, spec) in _MOBILE.items()
}

_EPOCH_MS = (1_400_000_000_000, 4_100_000_000_000)
"""Plausible message timestamps (2014..2099): text or random bytes are not a mobile batch."""


def _mobile_messages(data: bytes, limit: int) -> tuple[list[tuple[int, list[object]]], bool]:
    end, pos = len(data), 0
    out: list[tuple[int, list[object]]] = []
    while pos < end:
        if len(out) >= limit:
            return out, True
        t, pos = _uint(data, pos, end)
        ts, pos = _uint(data, pos, end)
        n, pos = _uint(data, pos, end)
        stop = pos + n
        if stop > end or not _EPOCH_MS[0] <= ts <= _EPOCH_MS[1] or (not out and t != _MOBILE_BATCH_META):
            raise _Bad
        schema = _MOBILE_SCHEMA.get(t)
        if schema is None:
            raise _Bad  # every message type of the mobile trackers is known
        values, at = _fields(data, pos, stop, schema[1])
        if at != stop:
            raise _Bad
        out.append((t, values))
        pos = stop
    if len(out) < 2:
        raise _Bad
    return out, False


def _mobile(ctx: _Ctx, data: bytes, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    """A body that is a mobile tracker's batch: its messages walked as objects; else False."""
    if len(data) < 10 or data[1] < 0x80:  # the timestamp after the type is a long varint
        return False
    try:
        messages, cut = _mobile_messages(data, max(ctx.nodes_left, 0))
    except _Bad:
        return False
    loc = base.step("openreplay")
    if ctx.deep(depth + 1, loc, "OpenReplay mobile batch"):
        return True
    if cut:
        ctx.note(f"max_nodes {ctx.lim.max_nodes} at {loc}: OpenReplay batch cut after that many messages")
    nodes: list[object] = []
    for t, values in messages:
        name, spec = _MOBILE_SCHEMA[t]
        fields = dict(zip((f for f, _ in spec), values, strict=False))
        if t == 92:  # MobileMetadata: the key names the value
            fields = {str(fields["key"]): fields["value"]}
        obj = {
            f: _Num(v) if type(v) is int else ("true" if v else "false") if type(v) is bool else v
            for f, v in fields.items()
        }
        nodes.append({name: next(iter(obj.values()))} if len(obj) == 1 and len(spec) == 1 else {name: obj})
    _walk(ctx, nodes, loc, chain + ("openreplay",), None, depth + 1)
    return True


def _openreplay(ctx: _Ctx, data: bytes, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    """A body that is an OpenReplay batch (web or mobile): its messages walked as objects; else
    False."""
    if len(data) > 1 and data[0] == _MOBILE_BATCH_META:
        return _mobile(ctx, data, base, chain, depth)
    if len(data) < 4 or data[0] != _BATCH_METADATA or not 0 < data[1] <= _MAX_VERSION:
        return False
    try:
        messages, unknown, cut = _messages(data, max(ctx.nodes_left, 0))
    except _Bad:
        return False
    loc = base.step("openreplay")
    if ctx.deep(depth + 1, loc, "OpenReplay batch"):
        return True
    if cut:
        ctx.note(f"max_nodes {ctx.lim.max_nodes} at {loc}: OpenReplay batch cut after that many messages")
    if unknown:
        ctx.note(f"openreplay at {loc}: {unknown} messages of types this decoder does not know skipped")
    strings: dict[str, str] = {}
    nodes: list[object] = []
    for t, values in messages:
        if t == _BATCH_METADATA:
            names: tuple[str, ...] = ("version", "pageNo", "firstIndex", "timestamp", "location")
            name = "BatchMetadata"
        elif not values and t not in _SCHEMA:
            nodes.append({f"type_{t}": {}})
            continue
        else:
            name, spec = _SCHEMA[t]
            names = tuple(f for f, _ in spec)
        fields = dict(zip(names, values, strict=False))
        if t in _DICT_ENTRIES:
            strings[str(fields["key"])] = str(fields["value"])
            nodes.append({name: {}})  # read into the attributes that use it; keeps the indexes
            continue
        if t in _DICT_ATTRIBUTES:
            k, v = _DICT_ATTRIBUTES[t]
            ref_name, ref_value = str(fields[k]), str(fields[v])
            fields = {strings.get(ref_name, ref_name): strings.get(ref_value, ref_value)}
        elif t in _PAIRS:
            k, v = _PAIRS[t]
            rest = {f: x for f, x in fields.items() if f not in (k, v)}
            fields = {str(fields[k]): fields[v], **rest}
        obj: dict[str, object] = {}
        for field, item in fields.items():
            if type(item) is int:
                if field in _STRUCTURE_FIELDS:
                    continue
                obj[field] = _Num(item)
            elif type(item) is bool:
                obj[field] = "true" if item else "false"
            else:
                obj[field] = item
        if len(names) == 1 and len(obj) == 1:
            nodes.append({name: next(iter(obj.values()))})  # a one-field message is its value
        else:
            nodes.append({name: obj})
    _walk(ctx, nodes, loc, chain + ("openreplay",), None, depth + 1)
    return True


register(Registered("openreplay", 100, _openreplay))
