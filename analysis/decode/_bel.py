"""Decoder `bel`: New Relic's compact "bel" serialisation (`bel.6;e,'fcp,44,6;5,'net-etype,'4g;…`).

Wire format (`@newrelic/browser-agent`, `src/common/serialize/bel-serializer.js` and the
`serializer`s of `features/page_view_timing`, `features/ajax`, `features/soft_navigations`): a
version prefix `bel.N;`, then records separated by `;`, fields separated by `,`. A string field is
written `'text` (`,` `;` `\\` escaped with `\\`) the first time and as its base-36 index in the
payload's string table afterwards; numbers are base 36 (`numeric`), an empty field is 0 or empty,
`!` is a null and needs no `,` after it. A record's first field is its type: `e` a page view
timing (name, value, number of attributes), `1` an interaction (route change, initial page load),
`2` an AJAX request, `b` the navigation timing of an initial page load; `5`..`9` a custom
attribute (string, double, true, false, null: key, value) attached to the node before it; nodes
say how many records attach to them. Attributes keep their real names (`enduser.id`,
`net-etype`), timings are written under `timing` with the W3C or New Relic name, so the generic
rules read them: `body.bel:[1].attributes["enduser.id"]`, `body.bel:[0].timing.fcp`.
"""

from __future__ import annotations

import re

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._tree import _Num, _walk

_PREFIX = re.compile(r"bel\.\d{1,3};")

_TOKEN = re.compile(r"!|'((?:\\.|[^\\,;])*)|[^,;!']*")

_UNESCAPE = re.compile(r"\\(.)", re.S)

_MAX_NESTING = 8

_NULL = object()
"""A `!` field."""


class _Str(str):
    """A field written as a quoted string (added to the string table)."""

    __slots__ = ()


_ATTRIBUTE_TYPES = {"5": "string", "6": "double", "7": True, "8": False, "9": None}

_NAV_TIMING = (
    "unloadEventStart",
    "redirectStart",
    "unloadEventEnd",
    "redirectEnd",
    "fetchStart",
    "domainLookupStart",
    "domainLookupEnd",
    "connectStart",
    "secureConnectionStart",
    "connectEnd",
    "requestStart",
    "responseStart",
    "responseEnd",
    "domLoading",
    "domInteractive",
    "domContentLoadedEventStart",
    "domContentLoadedEventEnd",
    "domComplete",
    "loadEventStart",
    "loadEventEnd",
)
"""The `b` node's values in order (`common/timing/nav-timing.js` `addPT`), each relative to the
one before."""

# Field layouts after the type and the attached-node count (interaction.js / ajax-node.js):
# `t` a time in ms under `timing`, `n` a number, `s` a string, `r` a raw field.
_INTERACTION = (
    ("start", "t"),
    ("duration", "t"),
    ("callbackEnd", "t"),
    ("callbackDuration", "t"),
    ("trigger", "s"),
    ("initialPageURL", "s"),
    ("oldURL", "s"),
    ("newURL", "s"),
    ("customName", "s"),
    ("navigationType", "r"),
    ("queueTime", "t"),
    ("appTime", "t"),
    ("oldRoute", "s"),
    ("newRoute", "s"),
    ("id", "s"),
    ("nodeId", "s"),
    ("firstPaint", "t"),
    ("firstContentfulPaint", "t"),
)
_AJAX = (
    ("start", "t"),
    ("duration", "t"),
    ("callbackEnd", "t"),
    ("callbackDuration", "t"),
    ("method", "s"),
    ("status", "n"),
    ("domain", "s"),
    ("path", "s"),
    ("requestSize", "n"),
    ("responseSize", "n"),
    ("requestedWith", "r"),
    ("nodeId", "s"),
    ("guid", "s"),
    ("traceId", "s"),
    ("timestamp", "n"),
)
_NODES = {"1": ("BrowserInteraction", _INTERACTION), "2": ("AjaxRequest", _AJAX)}


def _records(text: str, max_fields: int) -> tuple[list[list[object]], bool]:
    """The records of a bel payload (after its prefix), each a list of fields: `_Str` for quoted
    strings, `str` for bare fields, `_NULL` for `!`. Second value: cut at `max_fields`."""
    records: list[list[object]] = []
    fields: list[object] = []
    pos, n, count = 0, len(text), 0
    match = _TOKEN.match
    while pos < n:
        count += 1
        if count > max_fields:
            records.append(fields)
            return records, True
        m = match(text, pos)
        if m is None:  # not reachable: the bare alternative matches anywhere
            break
        pos = m.end()
        tok = m.group(0)
        if tok == "!":
            fields.append(_NULL)
            if pos < n and text[pos] in ",;":  # a `!` written with a separator after it
                if text[pos] == ";":
                    records.append(fields)
                    fields = []
                pos += 1
            continue
        quoted = m.group(1)
        if quoted is not None:
            fields.append(_Str(_UNESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted))
        else:
            fields.append(tok)
        if pos < n:
            sep = text[pos]
            if sep == ",":
                pos += 1
            elif sep == ";":
                records.append(fields)
                fields = []
                pos += 1
    records.append(fields)
    return records, False


def _base36(field: object) -> int | None:
    if type(field) is not str or not field:
        return None
    try:
        return int(field, 36) if len(field) <= 12 else None
    except ValueError:
        return None


class _Reader:
    """Resolves string references against the payload's string table, in the order fields are read
    (the order the agent wrote them)."""

    def __init__(self) -> None:
        self.table: list[str] = []

    def string(self, field: object) -> str | None:
        if field is _NULL or field == "":
            return None
        if type(field) is _Str:
            self.table.append(field)
            return field
        idx = _base36(field)
        if idx is not None and idx < len(self.table):
            return self.table[idx]
        return str(field)  # a reference outside the table: kept as written

    def number(self, field: object) -> _Num | None:
        if type(field) is _Str:
            self.table.append(field)
            return None
        v = _base36(field)
        return _Num(v) if v is not None else None

    def raw(self, field: object) -> object:
        if field is _NULL or field == "":
            return None
        if type(field) is _Str:
            self.table.append(field)
        return str(field)


def _node(records: list[list[object]], i: int, rd: _Reader, nesting: int) -> tuple[dict[str, object], int]:
    """The node at `records[i]` with the records attached to it; returns it and the next index."""
    rec = records[i]
    kind = rec[0] if rec and type(rec[0]) is str else ""
    i += 1
    node: dict[str, object] = {}
    event_type = "type_unknown"
    attached = 0
    if kind == "e":  # page view timing: name, value, number of attributes
        name = rd.string(rec[1]) if len(rec) > 1 else None
        ms = rd.number(rec[2]) if len(rec) > 2 else None
        if ms is None and len(rec) > 2 and rec[2] == "":
            ms = _Num(0)  # `numeric` writes 0 as an empty field
        event_type = "PageViewTiming"
        if name is not None:
            node["timingName"] = name
            if ms is not None:
                node["timing"] = {name: ms}
        attached = (_base36(rec[3]) or 0) if len(rec) > 3 else 0
    elif kind in _NODES:
        event_type, layout = _NODES[kind]
        attached = (_base36(rec[1]) or 0) if len(rec) > 1 else 0
        timing: dict[str, object] = {}
        for (name, how), field in zip(layout, rec[2:], strict=False):
            if how == "s":
                value: object = rd.string(field)
            elif how == "r":
                value = rd.raw(field)
            else:
                value = rd.number(field)
            if value is None:
                continue
            if how == "t":
                timing[name] = value
            else:
                node[name] = value
        if timing:
            node["timing"] = timing
        _rest(node, rec[2 + len(layout) :], rd)
    elif kind == "b":  # navigation timing: each value relative to the previous one
        event_type = "NavTiming"
        total, nav = 0, {}
        for name, field in zip(_NAV_TIMING, rec[1:], strict=False):
            delta = rd.number(field)
            if field is _NULL:
                continue
            total += int(delta) if delta is not None else 0
            nav[name] = _Num(total)
        node.update(nav)
    elif kind in _ATTRIBUTE_TYPES:
        return _attribute(kind, rec, rd), i
    elif kind == "a":
        apm = rd.string(rec[1]) if len(rec) > 1 else None
        event_type = "ApmAttributes"
        if apm is not None:
            node["value"] = apm
    else:  # a record type this decoder does not know: its fields by position
        event_type = f"type_{kind}" if kind.isalnum() and len(kind) <= 8 else "type_unknown"
        _rest(node, rec[1:], rd)
    attributes: dict[str, object] = {}
    children: list[object] = []
    while attached > 0 and i < len(records):
        attached -= 1
        sub = records[i]
        if sub and sub[0] in _ATTRIBUTE_TYPES:
            attributes.update(_attribute(str(sub[0]), sub, rd))
            i += 1
        elif nesting < _MAX_NESTING:
            child, i = _node(records, i, rd, nesting + 1)
            children.append(child)
        else:
            break
    if attributes:
        node["attributes"] = attributes
    if children:
        node["children"] = children
    return {event_type: node}, i


def _attribute(kind: str, rec: list[object], rd: _Reader) -> dict[str, object]:
    """A custom attribute record: `5,key,value` (string), `6,key,1.5` (double, decimal, not base
    36), `7,key` true, `8,key` false, `9,key` null."""
    key = rd.string(rec[1]) if len(rec) > 1 else None
    if key is None:
        return {}
    if kind == "5":
        value = rd.string(rec[2]) if len(rec) > 2 else None
        return {key: value if value is not None else ""}
    if kind == "6":
        field = rec[2] if len(rec) > 2 else ""
        if type(field) is _Str:
            rd.table.append(field)
        return {key: _Num(str(field))} if field not in ("", _NULL) else {}
    flag = _ATTRIBUTE_TYPES[kind]
    return {key: "true" if flag is True else "false"} if flag is not None else {}


def _rest(node: dict[str, object], fields: list[object], rd: _Reader) -> None:
    for j, field in enumerate(fields):
        value = rd.string(field) if type(field) is _Str else rd.raw(field)
        if value is not None:
            node[f"field{j}"] = value


def _bel(ctx: _Ctx, text: str, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    """A body `text` (stripped) that is a bel payload: its records walked as nodes; else False."""
    m = _PREFIX.match(text)
    if m is None:
        return False
    loc = base.step("bel")
    if ctx.deep(depth + 1, loc, "bel payload"):
        return True
    records, cut = _records(text[m.end() :], max(ctx.nodes_left, 0) + 1)
    if cut:
        ctx.note(f"max_nodes {ctx.lim.max_nodes} at {loc}: bel payload cut after that many fields")
    rd = _Reader()
    nodes: list[object] = []
    i = 0
    while i < len(records):
        if not records[i] or records[i] == [""]:
            i += 1
            continue
        node, i = _node(records, i, rd, 0)
        nodes.append(node)
    _walk(ctx, nodes, loc, chain + ("bel",), None, depth + 1)
    return True


register(Registered("bel", 100, _bel))
