"""Where in a request a value was found, and how it was reached: the typed location.

A location is a chain of nodes, outermost first (docs/decode.md, "Location notation"):

* a **part** of the request: `body`, `ws` (a WebSocket message), `query`, `header`, `cookie`, or a
  URL path segment `path[i]`;
* decoding **steps** (`json`, `base64`, `gzip`, `grpc[i]`, ...), each named as in `Leaf.decoding`;
* inside a structured step, its **fields**: names (`events`, `adid`, protobuf field numbers) and
  array **indexes** (`[0]`). Name/value lists (query, header, cookie, form, url, multipart,
  trailer) hold *params*: one name, written as sent, whose dots do not nest.

Decoders build locations by appending (`Location.BODY.step("json").key("events").index(0)`);
readers use the typed properties (`names`, `holder`, `ancestors`, `steps`, `last_index`, ...)
instead of re-parsing the text. `str(location)` is the notation every output shows, byte for byte
the same as the strings written before the type existed (`body.form:d>base64>json:events[0].adid`).

Locations are interned: extending a location the same way twice gives the same object, so a
location's text and derived properties are computed once per distinct location, not per leaf. The
table is bounded (`_MAX_NODES`); `Location.trim()` (called between records by the decoder) starts
it afresh when it is full. Equality and hashing go by the text, so two equal locations built
before and after a trim still compare equal; within one record (trim runs only between records)
each location is one object, which lets detection key tables by identity.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Final

ROOT: Final = 0
STEP: Final = 1
KEY: Final = 2
PARAM: Final = 3
INDEX: Final = 4

_BARE_FLAT = re.compile(r'[^\s"\\>\[\]]+')
_BARE_NESTED = re.compile(r'[^\s"\\>\[\].]+')

_MAX_NODES = 131_072
"""Distinct locations kept in the intern table before `trim` starts it afresh. A location with
what detection derives from it (`memo`) costs about 1 KiB: at most ~130 MiB, no more than the
string-keyed cache of derived paths it replaces held (131,072 entries)."""


@functools.lru_cache(maxsize=4096)
def _flat_text(name: str) -> str:
    """A param as written: bare, or as a JSON string in brackets."""
    if _BARE_FLAT.fullmatch(name) and name.isprintable():
        return name
    return "[" + json.dumps(name, ensure_ascii=False) + "]"


@functools.lru_cache(maxsize=4096)
def _nested_text(name: str) -> str:
    """A nested field name as written after its parent: `.name`, or `["as JSON"]`."""
    if _BARE_NESTED.fullmatch(name) and name.isprintable():
        return "." + name
    return "[" + json.dumps(name, ensure_ascii=False) + "]"


def _read_names(name: str, flat: bool) -> tuple[str, ...]:
    """The field names a reader sees in one key: a quoted key is one name (its JSON escapes kept);
    a bare param's dots separate names (`query:user.id` reads as user, id, as `qs` nests them)."""
    text = _flat_text(name) if flat else _nested_text(name)
    if text[0] == "[":
        return (text[2:-2],)
    if flat:
        return tuple(p for p in name.split(".") if p)
    return (name,)


class Location:
    """One node of a location chain; see the module docstring. Immutable; build with the methods
    (`step`, `key`, `param`, `index`) or the part constructors (`Location.BODY`, `query()`, ...)."""

    __slots__ = (
        "parent",
        "kind",
        "name",
        "idx",
        "_text",
        "_hash",
        "_kids",
        "_names",
        "_ancestors",
        "_protobuf_path",
        "memo",
    )

    parent: Location | None
    kind: int
    name: str
    """The part's, step's or field's name ("" for an index)."""
    idx: int | None
    """The index of an `index` node, a `path[i]` part or a `grpc[i]` step; else None."""
    memo: object
    """Free for one reader to cache what it derives from the location (detect's `_Path`)."""

    # Part singletons, set below the class.
    BODY: Location
    WS: Location
    QUERY: Location
    HEADER: Location
    COOKIE: Location

    def __init__(self, parent: Location | None, kind: int, name: str, idx: int | None) -> None:
        self.parent = parent
        self.kind = kind
        self.name = name
        self.idx = idx
        self._text: str | None = None
        self._hash: int | None = None
        self._kids: dict | None = None
        self._names: tuple[str, ...] | None = None
        self._ancestors: tuple[Location, ...] | None = None
        self._protobuf_path: str | None = None
        self.memo = None

    # --- building ---------------------------------------------------------------------------

    def _child(self, kind: int, name: str, idx: int | None, key: object) -> Location:
        global _count
        kids = self._kids
        if kids is None:
            kids = self._kids = {}
        else:
            found = kids.get(key)
            if found is not None:
                return found
        # setdefault: a location built at once by two threads is still one object
        node = kids.setdefault(key, Location(self, kind, name, idx))
        _count += 1
        return node

    def step(self, name: str, frame: int | None = None) -> Location:
        """A decoding step applied to the value here (`>base64`; `.json` right after the body);
        `frame` numbers a step's frames (`grpc[0]`)."""
        return self._child(STEP, name, frame, (STEP, name, frame))

    def key(self, name: str) -> Location:
        """A field of a structure (JSON, msgpack, CBOR, JWT, protobuf field number)."""
        kids = self._kids
        if kids is not None:
            found = kids.get(name)
            if found is not None:
                return found
        return self._child(KEY, name, None, name)

    def param(self, name: str) -> Location:
        """A name of a flat name/value list (query, header, cookie, form, url, multipart)."""
        return self._child(PARAM, name, None, (PARAM, name))

    def index(self, i: int) -> Location:
        """An array item, or the i-th occurrence of a repeated param or protobuf field."""
        kids = self._kids
        if kids is not None:
            found = kids.get(i)
            if found is not None:
                return found
        return self._child(INDEX, "", i, i)

    @staticmethod
    def part(name: str) -> Location:
        """The part singleton `body`, `ws`, `query`, `header` or `cookie`."""
        return _PARTS[name]

    @staticmethod
    def url_segment(i: int) -> Location:
        """The i-th URL path segment, `path[i]`."""
        found = _SEGMENTS.get(i)
        if found is None:
            found = _SEGMENTS[i] = Location(None, ROOT, "path", i)
        return found

    @staticmethod
    def trim() -> None:
        """Start the intern table afresh when it holds more than `_MAX_NODES` locations (locations
        already handed out stay valid)."""
        global _count
        if _count > _MAX_NODES:
            for root in _PARTS.values():
                root._kids = None
            _SEGMENTS.clear()
            _count = 0

    # --- the notation -----------------------------------------------------------------------

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = self._text = self._render()
        return text

    @property
    def text(self) -> str:
        return str(self)

    def _render(self) -> str:
        kind = self.kind
        parent = self.parent
        if parent is None:
            return self.name if self.idx is None else f"{self.name}[{self.idx}]"
        head = str(parent)
        opens = parent.kind <= STEP  # the first field of a part or step follows a ":"
        if kind == KEY:
            seg = _nested_text(self.name)
            if opens:
                return f"{head}:{seg[1:]}" if seg[0] == "." else f"{head}:{seg}"
            return head + seg
        if kind == INDEX:
            return f"{head}:[{self.idx}]" if opens else f"{head}[{self.idx}]"
        if kind == PARAM:
            return f"{head}:{_flat_text(self.name)}"
        sep = "." if parent.kind == ROOT and parent.idx is None and parent.name in ("body", "ws") else ">"
        return f"{head}{sep}{self.name}" if self.idx is None else f"{head}{sep}{self.name}[{self.idx}]"

    def __repr__(self) -> str:
        return f"Location({str(self)!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = self._hash = hash(str(self))
        return h

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is Location:
            return str(self) == str(other)
        if type(other) is str:  # a location equals its notation (tests, tables keyed by text)
            return str(self) == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __lt__(self, other: Location) -> bool:
        return str(self) < str(other)

    def __reduce__(self) -> tuple:
        return (Location.parse, (str(self),))

    # --- derived properties -----------------------------------------------------------------

    @property
    def chain(self) -> tuple[Location, ...]:
        """Every node from the part to this one, outermost first."""
        out = []
        node: Location | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        out.reverse()
        return tuple(out)

    @property
    def root(self) -> Location:
        """The part this location is in."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    @property
    def part_name(self) -> str:
        """`body`, `ws`, `query`, `header`, `cookie` or `path`."""
        return self.root.name

    @property
    def steps(self) -> tuple[str, ...]:
        """The decoding steps' names, outermost first (`grpc[0]` is `grpc`)."""
        return tuple(n.name for n in self.chain if n.kind == STEP)

    @property
    def innermost(self) -> Location:
        """The innermost step (or the part when there is none) the value is in."""
        node = self
        while node.kind > STEP:
            node = node.parent  # type: ignore[assignment]
        return node

    @property
    def fields(self) -> tuple[Location, ...]:
        """The field nodes (keys, params, indexes) after the innermost step, outermost first."""
        out = []
        node = self
        while node.kind > STEP:
            out.append(node)
            node = node.parent  # type: ignore[assignment]
        out.reverse()
        return tuple(out)

    @property
    def names(self) -> tuple[str, ...]:
        """Field names along the whole location, outermost first; indexes, parts and steps are not
        names (`body.form:d>base64>json:events[0].adid` → d, events, adid)."""
        found = self._names
        if found is None:
            parent = self.parent
            above = parent.names if parent is not None else ()
            if self.kind == KEY:
                found = above + _read_names(self.name, False)
            elif self.kind == PARAM:
                found = above + _read_names(self.name, True)
            else:
                found = above
            self._names = found
        return found

    @property
    def name_nodes(self) -> tuple[Location, ...]:
        """For each of `names`, the key or param node it was read from (a param with dots gives
        one name per part, all from the same node)."""
        parent = self.parent
        above = parent.name_nodes if parent is not None else ()
        if self.kind == KEY or self.kind == PARAM:
            return above + (self,) * (len(self.names) - len(above))
        return above

    @property
    def holder(self) -> str:
        """The notation of the object holding the value, the key under which its siblings are
        grouped: a key's parent (`body.json:events[0].name` → `body.json:events[0]`), an array
        item's holder is its array's (`body.json:a.ids[3]` → `body.json:a`), a first-level field's
        is its step or part, open (`body.json:`, `query:`), a param with dots reads as nested
        (`query:user.id` → `query:user`), a decoded value's is the location it was decoded from,
        open (`query:d>base64` → `query:d>`; `body.text` → `body`); a path segment has none ("")."""
        anchor, mode, prefix = self._holder()
        return _holder_text(anchor, mode, prefix)

    @property
    def holder_parts(self) -> tuple[Location | None, str, str]:
        """`holder` as (anchor, mode, param prefix): the holder is the anchor node itself (mode
        ""), the anchor's fields (":"; with a dotted param's prefix, its nested part: `query:user`),
        or what was decoded from the anchor (">"); no anchor: a path segment or a part."""
        return self._holder()

    @property
    def grand_holder(self) -> str:
        """The holder of `holder` (an open step or a decoded value's holder is its own)."""
        return _holder_text(*self.grand_holder_parts)

    @property
    def grand_holder_parts(self) -> tuple[Location | None, str, str]:
        """`grand_holder` as (anchor, mode, param prefix), like `holder_parts`."""
        anchor, mode, prefix = self._holder()
        if anchor is None:
            return None, "", ""
        if mode == "":
            return anchor._holder()
        if mode == ":" and prefix:
            cut = prefix.rfind(".")
            return anchor, ":", prefix[:cut] if cut > 0 else ""
        return anchor, mode, prefix

    def _holder(self) -> tuple[Location | None, str, str]:
        """(anchor, mode, param prefix): the holder is the anchor itself (mode ""), the anchor's
        fields (":", plus the dotted prefix of a param), or what was decoded from it (">")."""
        node = self
        while True:
            parent = node.parent
            if parent is None:
                return None, "", ""
            kind = node.kind
            if kind == INDEX:
                if parent.kind <= STEP:
                    return parent, ":", ""
                node = parent
                continue
            if kind == STEP:
                if parent.kind == ROOT and parent.idx is None and parent.name in ("body", "ws"):
                    return parent, "", ""
                return parent, ">", ""
            if kind == PARAM:
                name = node.name
                cut = name.rfind(".") if _flat_text(name)[0] != "[" else -1  # bare: its dots nest
                return parent, ":", name[:cut] if cut > 0 else ""
            return (parent, ":", "") if parent.kind <= STEP else (parent, "", "")

    @property
    def is_url_segment(self) -> bool:
        """A URL path segment itself (`path[i]`), not a value decoded out of one."""
        return self.parent is None and self.name == "path"

    @property
    def last_index(self) -> int | None:
        """The index the location ends with (`…[1]`, `path[1]`, `body.grpc[1]`), else None."""
        return self.idx

    def with_last_index(self, i: int) -> Location:
        """The same location ending in index `i` instead (only for a location with `last_index`)."""
        parent = self.parent
        if parent is None:
            return Location.url_segment(i)
        if self.kind == INDEX:
            return parent.index(i)
        return parent.step(self.name, i)

    def has_step(self, name: str) -> bool:
        node: Location | None = self
        while node is not None:
            if node.kind == STEP and node.name == name:
                return True
            node = node.parent
        return False

    @property
    def ancestors(self) -> tuple[Location, ...]:
        """The encoded locations this one was decoded from, outermost first: the location before
        each step written with `>` (`query:d>base64>json:a` → `query:d`, `query:d>base64`)."""
        found = self._ancestors
        if found is None:
            found = self._ancestors = self._find_ancestors()
        return found

    def _find_ancestors(self) -> tuple[Location, ...]:
        out = []
        node = self
        while node.parent is not None:
            parent = node.parent
            if node.kind == STEP and not (
                parent.kind == ROOT and parent.idx is None and parent.name in ("body", "ws")
            ):
                out.append(parent)
            node = parent
        out.reverse()
        return tuple(out)

    @property
    def protobuf_path(self) -> str:
        """The field numbers of a value in a schemaless protobuf (the innermost step), indexes
        dropped (`body.protobuf:1[2].2[0].2` → `1.2.2`); "" outside one."""
        found = self._protobuf_path
        if found is None:
            found = ""
            if self.innermost.name == "protobuf":
                found = ".".join(node.name for node in self.fields if node.kind == KEY)
            self._protobuf_path = found
        return found

    def within(self, other: Location) -> bool:
        """This location is `other` or was reached through it (`other` is on its chain)."""
        node: Location | None = self
        while node is not None:
            if node is other:  # (one record's locations are interned together)
                return True
            node = node.parent
        return False

    # --- reading the notation back (tests, saved outputs) ------------------------------------

    @staticmethod
    def parse(text: str) -> Location:
        """The location `text` renders; raises ValueError on text no decoder writes."""
        return _parse(text)


def _holder_text(anchor: Location | None, mode: str, prefix: str) -> str:
    if anchor is None:
        return ""
    if mode == ":" and prefix:
        return f"{anchor}:{prefix}"
    return f"{anchor}{mode}"


_count = 0
_PARTS: dict[str, Location] = {
    name: Location(None, ROOT, name, None) for name in ("body", "ws", "query", "header", "cookie")
}
_SEGMENTS: dict[int, Location] = {}
Location.BODY = _PARTS["body"]
Location.WS = _PARTS["ws"]
Location.QUERY = _PARTS["query"]
Location.HEADER = _PARTS["header"]
Location.COOKIE = _PARTS["cookie"]

_FLAT_STEPS = frozenset({"form", "url", "multipart", "trailer"})
"""Steps whose fields are params (name/value lists); the others hold nested keys."""

_PATH_RE = re.compile(r"path\[(\d+)\]")
_STEP_RE = re.compile(r"([A-Za-z0-9_\-]+)(?:\[(\d+)\])?")
_QUOTED_RE = re.compile(r'\["(?:[^"\\]|\\.)*"\]')
_INDEX_RE = re.compile(r"\[(\d+)\]")


def _parse(text: str) -> Location:
    pos = 0
    m = _PATH_RE.match(text)
    if m:
        node = Location.url_segment(int(m.group(1)))
        pos = m.end()
        flat = False
    else:
        for name in ("body", "ws", "query", "header", "cookie"):
            if text.startswith(name) and (len(text) == len(name) or text[len(name)] in ".:"):
                break
        else:
            raise ValueError(f"not a location: {text!r}")
        node = _PARTS[name]
        pos = len(name)
        flat = name in ("query", "header", "cookie")
        if name in ("body", "ws") and pos < len(text):
            if text[pos] != ".":
                raise ValueError(f"not a location: {text!r}")
            node, pos, flat = _parse_step(text, pos + 1, node)
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == ":":
            if node.kind > STEP:
                raise ValueError(f"not a location: {text!r}")
            node, pos = _parse_fields(text, pos + 1, node, flat)
        elif c == ">":
            node, pos, flat = _parse_step(text, pos + 1, node)
        else:
            raise ValueError(f"not a location: {text!r} at {pos}")
    return node


def _parse_step(text: str, pos: int, node: Location) -> tuple[Location, int, bool]:
    m = _STEP_RE.match(text, pos)
    if not m:
        raise ValueError(f"not a location: {text!r} at {pos}")
    frame = int(m.group(2)) if m.group(2) is not None else None
    return node.step(m.group(1), frame), m.end(), m.group(1) in _FLAT_STEPS


def _parse_fields(text: str, pos: int, node: Location, flat: bool) -> tuple[Location, int]:
    n = len(text)
    first = True
    while pos < n and text[pos] != ">":
        c = text[pos]
        if c == "[":
            m = _INDEX_RE.match(text, pos)
            if m:
                node = node.index(int(m.group(1)))
                pos = m.end()
                first = False
                continue
            m = _QUOTED_RE.match(text, pos)
            if not m:
                raise ValueError(f"not a location: {text!r} at {pos}")
            name = json.loads(m.group(0)[1:-1])
            pos = m.end()
        else:
            if c == "." and not flat:
                if first:
                    raise ValueError(f"not a location: {text!r} at {pos}")
                pos += 1
            stop = pos
            while stop < n and text[stop] not in (".[>" if not flat else "[>"):
                stop += 1
            name = text[pos:stop]
            if not name:
                raise ValueError(f"not a location: {text!r} at {pos}")
            pos = stop
        if flat:
            if not first:
                raise ValueError(f"not a location: {text!r}: a second name after a param")
            node = node.param(name)
        else:
            node = node.key(name)
        first = False
    return node, pos
