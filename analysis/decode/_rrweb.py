"""Decoder `rrweb`: session-replay events in rrweb's JSON format, wherever a JSON value holds them.

Wire format (rrweb-io/rrweb `packages/types/src/index.ts`, the "Dive into events" guide): every
event is `{type, data, timestamp}`; `type` is an `EventType` (0 DomContentLoaded, 1 Load,
2 FullSnapshot, 3 IncrementalSnapshot, 4 Meta, 5 Custom, 6 Plugin); an incremental snapshot's
`data.source` is an `IncrementalSource` (0 Mutation, 1 MouseMove, 2 MouseInteraction, 3 Scroll,
4 ViewportResize, 5 Input, …, 11 Log, …); a full snapshot's `data.node` and a mutation's
`adds[].node` are serialized DOM trees (`type` 2 element with `tagName`/`attributes`/
`childNodes`, 3 text with `textContent`); PostHog's mobile SDKs send the same events with
screens as `wireframes` (`RRWireframe`: type, text, label, value, `childWireframes`). PostHog
(`$snapshot_data`), Sentry Replay, LogRocket, Highlight, Datadog session replay and others send
these events. Each event becomes an object named after its kind (`Input`, `Mutation`,
`FullSnapshot`, `Meta`, `Custom.<tag>`, `Plugin.<plugin>`), its DOM trees and wireframes
flattened into `nodes[i]` (text, labels and attributes; ids, geometry, styles, images and scripts
left out), so the session-replay rule reads them: `body.json:[4]>rrweb:Input.text`,
`…>rrweb:FullSnapshot.nodes[12].textContent`.
"""

from __future__ import annotations

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx

_EVENT_TYPES = ("DomContentLoaded", "Load", "FullSnapshot", "IncrementalSnapshot", "Meta", "Custom", "Plugin")

_SOURCES = (
    "Mutation",
    "MouseMove",
    "MouseInteraction",
    "Scroll",
    "ViewportResize",
    "Input",
    "TouchMove",
    "MediaInteraction",
    "StyleSheetRule",
    "CanvasMutation",
    "Font",
    "Log",
    "Drag",
    "StyleDeclaration",
    "Selection",
    "AdoptedStyleSheet",
    "CustomElement",
)

_MOUSE_INTERACTIONS = (
    "MouseUp",
    "MouseDown",
    "Click",
    "ContextMenu",
    "DblClick",
    "Focus",
    "Blur",
    "TouchStart",
    "TouchMove_Departed",
    "TouchEnd",
    "TouchCancel",
)

_NODE_IDS = frozenset({"id", "parentId", "nextId", "previousId", "rootId", "source"})
"""Fields that only place a node in the tree (or say the event's kind, already in the name)."""

_NO_TEXT_TAGS = frozenset({"style", "script", "noscript"})

_NOISE_ATTRIBUTES = frozenset({"style", "class", "_cssText", "rr_dataURL", "d", "viewBox"})
"""Attributes that style or draw (CSS, SVG paths, inlined images), not data."""


_SHAPES = {2: "node", 3: "source", 5: "tag", 6: "plugin"}
"""The field an event type's `data` always has (Meta: `href` or a size; Load/DomContentLoaded:
an empty object)."""


def _is_event(obj: dict[object, object]) -> bool:
    t = obj.get("type")
    if type(t) is not int or not 0 <= t <= 6 or "timestamp" not in obj:
        return False
    data = obj.get("data")
    if t <= 1:
        return data is None or data == {}
    if type(data) is not dict:
        return False
    if t == 4:
        return "href" in data or ("width" in data and "height" in data)
    if t == 2 and "wireframes" in data:  # mobile SDKs' snapshots (see `_wireframes`)
        return True
    return _SHAPES[t] in data


def _nodes(ctx: _Ctx, root: object, out: list[object]) -> None:
    """A serialized DOM tree flattened in document order: text nodes' `textContent`, elements'
    `tagName` and attributes; bounded by the walk's node budget."""
    stack: list[tuple[object, str]] = [(root, "")]
    while stack:
        node, parent_tag = stack.pop()
        if type(node) is not dict:
            continue
        if len(out) >= ctx.nodes_left:  # the walk would stop at max_nodes anyway
            return
        kind = node.get("type")
        if kind == 3:  # text
            text = node.get("textContent")
            if (
                type(text) is str
                and text.strip()
                and parent_tag not in _NO_TEXT_TAGS
                and not node.get("isStyle")
            ):
                out.append({"textContent": text})
            continue
        tag = node.get("tagName")
        tag = tag.lower() if type(tag) is str else ""
        if kind == 2:  # element
            item: dict[str, object] = {"tagName": tag} if tag else {}
            attrs = node.get("attributes")
            if type(attrs) is dict:
                kept = {k: v for k, v in attrs.items() if type(k) is str and k not in _NOISE_ATTRIBUTES}
                if kept:
                    item["attributes"] = kept
            if item:
                out.append(item)
        children = node.get("childNodes")
        if type(children) is list:
            stack.extend((child, tag) for child in reversed(children))


def _items(value: object) -> list[object]:
    return value if type(value) is list else []


_WIREFRAME_FIELDS = ("type", "inputType", "text", "label", "value", "options")
"""What a mobile wireframe carries besides geometry, style and images (PostHog's Android/iOS
SDKs, `RRWireframe`: id, x, y, width, height, childWireframes, type, inputType, text, label,
value, base64, style, …)."""


def _wireframes(ctx: _Ctx, roots: object, out: list[object]) -> None:
    """Mobile screens as rrweb-style wireframe trees (`data.wireframes`, mutations' `wireframe`),
    flattened in order like `_nodes`."""
    stack: list[object] = list(reversed(roots)) if type(roots) is list else [roots]
    while stack:
        frame = stack.pop()
        if type(frame) is not dict:
            continue
        if len(out) >= ctx.nodes_left:
            return
        item = {k: frame[k] for k in _WIREFRAME_FIELDS if k in frame and frame[k] not in (None, "")}
        if set(item) - {"type"}:
            out.append(item)
        children = frame.get("childWireframes")
        if type(children) is list:
            stack.extend(reversed(children))


def _content(ctx: _Ctx, obj: dict[object, object]) -> tuple[str, object]:
    """The event's kind name and what it carries."""
    t = obj["type"]
    assert type(t) is int
    data = obj.get("data")
    kind = _EVENT_TYPES[t]
    if type(data) is not dict:
        return kind, data
    if t == 2:  # full snapshot
        nodes: list[object] = []
        if "wireframes" in data:
            _wireframes(ctx, data.get("wireframes"), nodes)
        else:
            _nodes(ctx, data.get("node"), nodes)
        return kind, {"nodes": nodes}
    if t == 3:  # incremental snapshot: named by its source
        source = data.get("source")
        if type(source) is int and 0 <= source < len(_SOURCES):
            kind = _SOURCES[source]
        if source == 0:  # mutation: added nodes, changed texts and attributes
            added: list[object] = []
            for add in _items(data.get("adds")) + _items(data.get("updates")):
                if type(add) is dict:
                    if "wireframe" in add:  # mobile SDKs
                        _wireframes(ctx, add.get("wireframe"), added)
                    else:
                        _nodes(ctx, add.get("node"), added)
            changed: dict[str, object] = {"nodes": added} if added else {}
            texts = [x.get("value") for x in _items(data.get("texts")) if type(x) is dict]
            if texts:
                changed["texts"] = texts
            attrs = [x.get("attributes") for x in _items(data.get("attributes")) if type(x) is dict]
            if attrs:
                changed["attributes"] = attrs
            return kind, changed
        fields = {k: v for k, v in data.items() if k not in _NODE_IDS}
        interaction = fields.get("type")
        if source == 2 and type(interaction) is int and 0 <= interaction < len(_MOUSE_INTERACTIONS):
            fields["type"] = _MOUSE_INTERACTIONS[interaction]
        return kind, fields
    if t == 5:  # custom event: named by its tag (`breadcrumb`, `performanceSpan`, `$pageview`)
        tag = data.get("tag")
        if type(tag) is str and tag:
            return kind, {tag[:64]: data.get("payload")}
    if t == 6:  # plugin: named by the plugin (`rrweb/console@1` → console)
        plugin = data.get("plugin")
        if type(plugin) is str:
            name = plugin.rpartition("/")[2].partition("@")[0] or plugin
            return kind, {name: data.get("payload")}
    return kind, data


def _rrweb(
    ctx: _Ctx,
    obj: dict[object, object],
    at: Location,
    chain: tuple[str, ...],
    depth: int,
) -> bool:
    """A JSON object that is an rrweb event: walked as `<json location>>rrweb:<Kind>.…`; else
    False (the caller walks it as plain JSON)."""
    if not _is_event(obj):
        return False
    ts = obj.get("timestamp")
    if ts is not None and not isinstance(ts, int | float | str):
        return False
    loc = at.step("rrweb")
    if ctx.deep(depth + 1, loc, "rrweb event"):
        return True
    kind, content = _content(ctx, obj)
    walked: dict[str, object] = {kind: content}
    if ts is not None:
        walked["timestamp"] = ts
    _walk(ctx, walked, loc, chain + ("rrweb",), None, depth + 1)
    return True


register(Registered("rrweb", 100, _rrweb))


from ._tree import _walk  # noqa: E402  (the walk calls back into this module)
