"""What a script injected into a web page can observe, and where it can send it.

Pure: text in, `ScriptAnalysis` out (no Frida, no proxy). Used for the scripts an app runs inside
its in-app browser (`WebView.evaluateJavascript`, `loadUrl("javascript:…")`,
`WKWebView.evaluateJavaScript`, recorded as `hook:webview` events) and for what the page probe
reports.

The script is parsed with tree-sitter's JavaScript grammar (`tree-sitter` +
`tree-sitter-javascript` from PyPI: maintained, current ECMAScript syntax, and error-tolerant, so
a minified or partly broken script still yields a tree; `docs/inappbrowser.md` says why not
esprima). The walk:

- folds constant expressions to strings: literals, templates, `+`, `concat`, `join`,
  `split("").reverse().join("")`, `String.fromCharCode`, `atob`, constant variables and arrays of
  constants (`_0x[1]`), so `document["add"+"EventListener"]("key"+"down", …)` is seen as what it is;
- resolves member chains to dotted names (`window["document"]["cookie"]` → `document.cookie`),
  through aliases (`var d = document`);
- follows scripts built and run with `eval`, `Function`, `setTimeout`/`setInterval(string)`
  within `ScriptLimits` (depth, number, size); a limit hit or a parse error is said in `notes`,
  never raised.

Each capability carries its evidence: the API (`addEventListener("keydown")`), the code, its
position in the script (1-based line and column) and the script's SHA-256, plus the chain of
`eval`s that led to it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# ---- capabilities -----------------------------------------------------------------------------

KEYBOARD = "keyboard"
POINTER = "pointer"
FORM = "form"
SELECTION_CLIPBOARD = "selection_clipboard"
COOKIES_STORAGE = "cookies_storage"
PAGE_CONTENT = "page_content"
NETWORK = "network"
NATIVE_BRIDGE = "native_bridge"
DYNAMIC_CODE = "dynamic_code"

OBSERVES = (KEYBOARD, POINTER, FORM, SELECTION_CLIPBOARD, COOKIES_STORAGE, PAGE_CONTENT)
"""What a script can see of the person and the page."""
SENDS = (NETWORK, NATIVE_BRIDGE)
"""Ways out of the page."""
CAPABILITIES = (*OBSERVES, *SENDS, DYNAMIC_CODE)

PLAIN = {
    KEYBOARD: "every key you press and what you type into fields",
    POINTER: "every tap, click, touch and scroll",
    FORM: "the forms you fill in and submit",
    SELECTION_CLIPBOARD: "the text you select and the clipboard",
    COOKIES_STORAGE: "the page's cookies and stored data (which can include your login)",
    PAGE_CONTENT: "what the page shows (its text, elements and their positions)",
    NETWORK: "send data to servers on the internet",
    NATIVE_BRIDGE: "hand data to the app itself",
    DYNAMIC_CODE: "build and run further code while it runs",
}
"""One phrase per capability for people who are not engineers."""

_KEY_EVENTS = {
    "keydown",
    "keyup",
    "keypress",
    "input",
    "beforeinput",
    "change",
    "compositionend",
    "compositionstart",
    "compositionupdate",
    "textinput",
}
_POINTER_EVENTS = {
    "click",
    "dblclick",
    "auxclick",
    "contextmenu",
    "mousedown",
    "mouseup",
    "mousemove",
    "mouseover",
    "mouseout",
    "mouseenter",
    "mouseleave",
    "touchstart",
    "touchend",
    "touchmove",
    "touchcancel",
    "pointerdown",
    "pointerup",
    "pointermove",
    "pointercancel",
    "pointerover",
    "gesturestart",
    "gesturechange",
    "gestureend",
    "scroll",
    "scrollend",
    "wheel",
    "tap",
    "drag",
    "dragstart",
    "drop",
}
_FORM_EVENTS = {"submit", "formdata", "reset"}
_SELECTION_EVENTS = {"selectionchange", "selectstart", "select", "copy", "cut", "paste"}
_FOCUS_EVENTS = {"focus", "blur", "focusin", "focusout"}
"""Focus on a field: where the person types (counted as keyboard)."""


def event_capability(event: str) -> str | None:
    e = event.strip().lower().removeprefix("on")
    if e in _KEY_EVENTS or e in _FOCUS_EVENTS:
        return KEYBOARD
    if e in _POINTER_EVENTS:
        return POINTER
    if e in _FORM_EVENTS:
        return FORM
    if e in _SELECTION_EVENTS:
        return SELECTION_CLIPBOARD
    return None


# jQuery-style listener shortcuts: `$(document).keydown(fn)`.
_SHORTCUT_LISTENERS = {
    "keydown",
    "keyup",
    "keypress",
    "input",
    "change",
    "click",
    "dblclick",
    "mousedown",
    "mouseup",
    "mousemove",
    "touchstart",
    "touchend",
    "touchmove",
    "scroll",
    "submit",
    "select",
    "focus",
    "blur",
    "focusin",
    "focusout",
}
_LISTEN_METHODS = {"addEventListener", "attachEvent", "on", "bind", "live", "delegate", "one"}
_CONTENT_PROPS = {"innerText", "innerHTML", "outerHTML", "outerText", "textContent", "documentElement"}
_CONTENT_METHODS = {
    "querySelectorAll",
    "getElementsByTagName",
    "getElementsByClassName",
    "getElementsByName",
    "getElementsByTagNameNS",
    "createTreeWalker",
    "createNodeIterator",
    "getBoundingClientRect",
    "getClientRects",
    "elementFromPoint",
    "elementsFromPoint",
    "evaluate",
}
_GEOMETRY_PROPS = {
    "offsetTop",
    "offsetLeft",
    "offsetWidth",
    "offsetHeight",
    "clientTop",
    "clientLeft",
    "scrollHeight",
    "scrollWidth",
}
_ENUM_COLLECTIONS = {
    "document.forms",
    "document.images",
    "document.links",
    "document.all",
    "document.anchors",
    "document.scripts",
    "document.embeds",
}
_STORAGE_ROOTS = {"localStorage", "sessionStorage", "indexedDB", "cookieStore", "caches", "openDatabase"}
_LOOKUPS = {
    "getElementById",
    "querySelector",
    "querySelectorAll",
    "getElementsByTagName",
    "getElementsByClassName",
    "getElementsByName",
    "elementFromPoint",
    "item",
    "namedItem",
}
_VALUE_PROPS = {"value", "checked", "selectedIndex", "selectionStart", "selectionEnd", "files"}
_EVAL_CALLS = {"eval", "execScript"}
_TIMER_CALLS = {"setTimeout", "setInterval", "setImmediate"}
_GLOBAL_PREFIXES = ("window.", "self.", "globalThis.", "top.", "parent.", "frames.", "this.")
_BRIDGE_NAME = re.compile(
    r"(?i)(bridge|^native(app|interface|api|host)?$|^android$|^ios$|^webviewjavascript)"
)
_CUSTOM_SCHEME = re.compile(
    r"^(?!https?:|about:|data:|blob:|javascript:|mailto:|tel:)[a-z][a-z0-9+.-]{1,40}://", re.IGNORECASE
)


# ---- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    capability: str
    api: str
    """What was matched, e.g. `addEventListener("keydown")`, `document.cookie`, `fetch`."""
    code: str
    """The source text of the call or access (at most `MAX_CODE` characters)."""
    line: int
    column: int
    script_sha256: str
    """The script this position is in (an eval'd script has its own)."""
    via: tuple[str, ...] = ()
    """The eval chain that produced that script, outermost first: `eval at 1:5 of <sha256[:12]>`."""

    @property
    def position(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class ScriptAnalysis:
    sha256: str
    size: int
    capabilities: tuple[str, ...]
    """In the order of `CAPABILITIES`."""
    evidence: tuple[Evidence, ...]
    notes: tuple[str, ...] = ()
    """Parse errors, limits hit, code built at run time that could not be computed."""
    scripts: int = 1
    """Scripts analysed: this one and those built and eval'd from it."""

    @property
    def complete(self) -> bool:
        return not self.notes

    def evidence_for(self, capability: str) -> list[Evidence]:
        return [e for e in self.evidence if e.capability == capability]


@dataclass(frozen=True, slots=True)
class ScriptLimits:
    max_bytes: int = 2 << 20
    """Bytes of one script parsed (a longer one is cut and that is said)."""
    max_depth: int = 4
    """eval inside eval'd code, at most this deep."""
    max_scripts: int = 32
    """Scripts analysed per top-level script, eval'd ones included."""
    max_nodes: int = 400_000
    """Syntax nodes visited per top-level script."""
    max_fold: int = 1 << 20
    """Characters of one folded string."""
    max_evidence: int = 200


MAX_CODE = 160
_FOLD_DEPTH = 300


# ---- entry point ------------------------------------------------------------------------------


def analyse_script(
    source: str | bytes, *, bridge_names: Iterable[str] = (), limits: ScriptLimits | None = None
) -> ScriptAnalysis:
    """What `source` can observe and where it can send it. Never raises on any input.

    `bridge_names` are the names the app gave its objects with `addJavascriptInterface`: a call
    on one of them hands data to the app."""
    lim = limits or ScriptLimits()
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    run = _Run(lim, frozenset(bridge_names))
    top_sha = _sha(source)
    try:
        run.script(source, via=())
    except Exception as e:  # noqa: BLE001 - hostile input is said, never raised
        run.note(f"analysis stopped in script {top_sha[:12]}: {type(e).__name__}: {str(e)[:200]}")
    caps = tuple(c for c in CAPABILITIES if c in run.caps)
    return ScriptAnalysis(
        sha256=top_sha,
        size=len(source.encode("utf-8", "replace")),
        capabilities=caps,
        evidence=tuple(run.evidence),
        notes=tuple(run.notes),
        scripts=run.scripts,
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


@cache
def _parser() -> Any:
    # Lazy: tree-sitter's native parser only once a script is analysed.
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


# ---- the walk ---------------------------------------------------------------------------------

_UNKNOWN = object()
"""A variable bound more than once, or to something not constant."""

Folded = str | float | list[Any]


@dataclass
class _Scope:
    """Flow-insensitive bindings of one script: a name bound exactly once to a constant or to a
    member chain. Minified code reuses short names in many functions; a name bound twice (or a
    parameter) is unknown, so a wrong fold is never made."""

    consts: dict[str, Any] = field(default_factory=dict)
    aliases: dict[str, Any] = field(default_factory=dict)
    image_names: set[str] = field(default_factory=set)
    decoders: dict[str, tuple[tuple[str, ...], Any]] = field(default_factory=dict)
    """Functions whose body is one `return EXPR` (obfuscators' string decoders): parameters, EXPR."""
    overlay: list[dict[str, Any]] = field(default_factory=list)
    """Parameter values while a decoder call is folded."""


class _Run:
    def __init__(self, limits: ScriptLimits, bridges: frozenset[str]) -> None:
        self.lim = limits
        self.bridges = bridges
        self.caps: set[str] = set()
        self.evidence: list[Evidence] = []
        self._seen: set[tuple[str, str, str, int, int]] = set()
        self.notes: list[str] = []
        self.scripts = 0
        self.nodes = 0
        self._stopped = False

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < 20:
            self.notes.append(text)

    # -- one script ---------------------------------------------------------------------------

    def script(self, source: str, *, via: tuple[str, ...]) -> None:
        if self._stopped:
            return
        self.scripts += 1
        sha = _sha(source)
        data = source.encode("utf-8", "replace")
        if len(data) > self.lim.max_bytes:
            self.note(
                f"script {sha[:12]} is {len(data)} bytes; only the first {self.lim.max_bytes} were analysed"
            )
            data = data[: self.lim.max_bytes]
        tree = _parser().parse(data)
        root = tree.root_node
        if root.has_error:
            where = _first_error(root)
            self.note(f"script {sha[:12]} has syntax errors (first at {where}); what parsed was analysed")
        ctx = _Script(self, data, sha, via)
        ctx.bind(root)
        ctx.detect(root)

    def count(self) -> bool:
        self.nodes += 1
        if self.nodes > self.lim.max_nodes:
            if not self._stopped:
                self.note(
                    f"stopped after {self.lim.max_nodes} syntax nodes (limit); the rest was not analysed"
                )
            self._stopped = True
            return False
        return True

    def add(self, capability: str, api: str, node: Any, s: _Script) -> None:
        line, col = node.start_point[0] + 1, node.start_point[1] + 1
        key = (capability, api, s.sha, line, col)
        self.caps.add(capability)
        if key in self._seen:
            return
        if len(self.evidence) >= self.lim.max_evidence:
            self.note(f"more than {self.lim.max_evidence} pieces of evidence; the rest are not listed")
            return
        self._seen.add(key)
        self.evidence.append(
            Evidence(
                capability=capability,
                api=api,
                code=_code(s, node),
                line=line,
                column=col,
                script_sha256=s.sha,
                via=s.via,
            )
        )


def _first_error(root: Any) -> str:
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            return f"{n.start_point[0] + 1}:{n.start_point[1] + 1}"
        if n.has_error:
            stack.extend(reversed(n.children))
    return "?"


def _code(s: _Script, node: Any) -> str:
    text = s.data[node.start_byte : min(node.end_byte, node.start_byte + MAX_CODE * 4)].decode(
        "utf-8", "replace"
    )
    text = " ".join(text.split())
    return text if len(text) <= MAX_CODE else text[: MAX_CODE - 1] + "…"


def _walk(root: Any) -> Iterator[Any]:
    """Every node, depth first, without recursion (minified code nests deeply)."""
    stack = [root]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


class _Script:
    def __init__(self, run: _Run, data: bytes, sha: str, via: tuple[str, ...]) -> None:
        self.run = run
        self.data = data
        self.sha = sha
        self.via = via
        self.scope = _Scope()

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # -- bindings -------------------------------------------------------------------------------

    def bind(self, root: Any) -> None:
        """First pass: which names are bound once to a constant or a member chain."""
        counts: dict[str, int] = {}
        values: dict[str, Any] = {}
        for n in _walk(root):
            name_node, value_node = None, None
            if n.type == "variable_declarator":
                name_node, value_node = n.child_by_field_name("name"), n.child_by_field_name("value")
            elif n.type == "assignment_expression":
                name_node, value_node = n.child_by_field_name("left"), n.child_by_field_name("right")
            elif n.type in ("augmented_assignment_expression", "update_expression"):
                target = n.child_by_field_name("left") or n.child_by_field_name("argument")
                if target is not None and target.type == "identifier":
                    counts[self.text(target)] = counts.get(self.text(target), 0) + 2
                continue
            elif n.type in ("formal_parameters",):
                for p in n.named_children:
                    if p.type == "identifier":
                        counts[self.text(p)] = counts.get(self.text(p), 0) + 2
                continue
            elif n.type in ("arrow_function",):
                p = n.child_by_field_name("parameter")
                if p is not None and p.type == "identifier":
                    counts[self.text(p)] = counts.get(self.text(p), 0) + 2
                continue
            elif n.type == "function_declaration":
                self._decoder(n)
                target = n.child_by_field_name("name")
                if target is not None:
                    counts[self.text(target)] = counts.get(self.text(target), 0) + 2
                continue
            elif n.type in ("catch_clause", "for_in_statement"):
                target = (
                    n.child_by_field_name("name")
                    or n.child_by_field_name("parameter")
                    or n.child_by_field_name("left")
                )
                if target is not None and target.type == "identifier":
                    counts[self.text(target)] = counts.get(self.text(target), 0) + 2
                continue
            if name_node is None or name_node.type != "identifier":
                continue
            name = self.text(name_node)
            counts[name] = counts.get(name, 0) + 1
            values[name] = value_node
        once = {name: v for name, v in values.items() if counts.get(name) == 1 and v is not None}
        for _round in range(3):  # a constant may be built from one declared after it
            for name, value_node in once.items():
                if name in self.scope.consts:
                    continue
                folded = self.fold(value_node)
                if folded is not None:
                    self.scope.consts[name] = folded
                    self.scope.aliases.pop(name, None)
                elif value_node.type in ("identifier", "member_expression", "subscript_expression"):
                    path = self.path(value_node)
                    if path is not None and path != name:
                        self.scope.aliases[name] = path
                elif value_node.type == "new_expression" and self._new_name(value_node) == "Image":
                    self.scope.image_names.add(name)

    def _decoder(self, fn: Any) -> None:
        name, params, body = (fn.child_by_field_name(f) for f in ("name", "parameters", "body"))
        if name is None or params is None or body is None:
            return
        stmts = body.named_children
        if len(stmts) != 1 or stmts[0].type != "return_statement" or not stmts[0].named_children:
            return
        names = tuple(self.text(p) for p in params.named_children)
        if all(p.type == "identifier" for p in params.named_children):
            self.scope.decoders[self.text(name)] = (names, stmts[0].named_children[0])

    # -- folding --------------------------------------------------------------------------------

    def fold(self, node: Any, depth: int = 0) -> Folded | None:
        """The constant value of an expression, or None."""
        if node is None or depth > _FOLD_DEPTH:
            return None
        t = node.type
        if t == "string":
            return _unescape(self.text(node)[1:-1])
        if t == "number":
            try:
                return (
                    float(int(self.text(node), 0))
                    if self.text(node).lower().startswith("0x")
                    else float(self.text(node))
                )
            except ValueError:
                return None
        if t == "template_string":
            out = []
            for c in node.named_children:
                if c.type == "string_fragment":
                    out.append(self.text(c))
                elif c.type == "escape_sequence":
                    out.append(_unescape(self.text(c)))
                elif c.type == "template_substitution":
                    inner = self.fold(c.named_children[0] if c.named_children else None, depth + 1)
                    if inner is None:
                        return None
                    out.append(_str(inner))
            return self._cap("".join(out))
        if t == "parenthesized_expression":
            return self.fold(node.named_children[-1] if node.named_children else None, depth + 1)
        if t == "sequence_expression":
            return self.fold(node.named_children[-1] if node.named_children else None, depth + 1)
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is None or self.text(op) != "+":
                return None
            left = self.fold(node.child_by_field_name("left"), depth + 1)
            if left is None:
                return None
            right = self.fold(node.child_by_field_name("right"), depth + 1)
            if right is None:
                return None
            if isinstance(left, float) and isinstance(right, float):
                return left + right
            return self._cap(_str(left) + _str(right))
        if t == "identifier":
            name = self.text(node)
            if self.scope.overlay and name in self.scope.overlay[-1]:
                return self.scope.overlay[-1][name]
            return self.scope.consts.get(name)
        if t == "array":
            items = [self.fold(c, depth + 1) for c in node.named_children]
            if any(i is None for i in items):
                return None
            return items
        if t == "subscript_expression":
            obj = self.fold(node.child_by_field_name("object"), depth + 1)
            idx = self.fold(node.child_by_field_name("index"), depth + 1)
            if (
                isinstance(obj, list | str)
                and isinstance(idx, float)
                and 0 <= idx < len(obj)
                and idx == int(idx)
            ):
                return obj[int(idx)]
            return None
        if t == "call_expression":
            return self._fold_call(node, depth)
        return None

    def _cap(self, s: str) -> str | None:
        if len(s) > self.run.lim.max_fold:
            self.run.note(
                f"a string built in script {self.sha[:12]} is longer than {self.run.lim.max_fold} characters; not followed"
            )
            return None
        return s

    def _fold_call(self, node: Any, depth: int) -> Folded | None:
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        args = [] if args_node is None else args_node.named_children
        if fn is None:
            return None
        if fn.type in ("member_expression", "subscript_expression"):
            method = self.prop_name(fn)
            if method is None:
                return None
            obj_node = fn.child_by_field_name("object")
            path = self.path(obj_node) if obj_node is not None and obj_node.type == "identifier" else None
            if path == "String" and method == "fromCharCode":
                codes = [self.fold(a, depth + 1) for a in args]
                if all(isinstance(c, float) and 0 <= c < 0x110000 for c in codes):
                    return "".join(chr(int(c)) for c in codes)  # type: ignore[arg-type]
                return None
            obj = self.fold(obj_node, depth + 1)
            if obj is None:
                return None
            vals = [self.fold(a, depth + 1) for a in args]
            known = [v for v in vals if v is not None]
            if len(known) != len(vals):
                return None
            return _method(obj, method, known)
        name = self.path(fn) if fn.type == "identifier" else None
        decoder = self.scope.decoders.get(name or "")
        if decoder is not None and len(self.scope.overlay) < 8:
            params, expr = decoder
            vals = [self.fold(a, depth + 1) for a in args]
            if any(v is None for v in vals):
                return None
            self.scope.overlay.append(dict(zip(params, vals, strict=False)))
            try:
                return self.fold(expr, depth + 1)
            finally:
                self.scope.overlay.pop()
        if name in ("atob", "decodeURIComponent", "unescape", "decodeURI") and len(args) == 1:
            v = self.fold(args[0], depth + 1)
            if not isinstance(v, str):
                return None
            if name == "atob":
                try:
                    return base64.b64decode(v + "=" * (-len(v) % 4), validate=False).decode("latin-1")
                except (binascii.Error, ValueError):
                    return None
            return urllib.parse.unquote(v)
        if name == "String" and len(args) == 1:
            v = self.fold(args[0], depth + 1)
            return None if v is None else _str(v)
        return None

    # -- names ----------------------------------------------------------------------------------

    def prop_name(self, node: Any) -> str | None:
        """The property a member or subscript expression accesses."""
        if node.type == "member_expression":
            p = node.child_by_field_name("property")
            return None if p is None else self.text(p)
        if node.type == "subscript_expression":
            v = self.fold(node.child_by_field_name("index"))
            if isinstance(v, str):
                return v
            if isinstance(v, float) and v == int(v):
                return str(int(v))
        return None

    def path(self, node: Any, depth: int = 0) -> str | None:
        """Dotted name of a member chain (`document.cookie`), globals prefixes removed; a call in
        the chain is `name()`. None when a part cannot be computed."""
        if node is None or depth > 60:
            return None
        t = node.type
        if t == "identifier":
            name = self.text(node)
            alias = self.scope.aliases.get(name)
            return alias if isinstance(alias, str) else name
        if t in ("this",):
            return "this"
        if t == "parenthesized_expression" or t == "sequence_expression":
            return self.path(node.named_children[-1], depth + 1) if node.named_children else None
        if t in ("member_expression", "subscript_expression"):
            base = self.path(node.child_by_field_name("object"), depth + 1)
            prop = self.prop_name(node)
            if prop is None:
                return None
            return (
                _normalise(
                    prop
                    if base is None or base in ("window", "self", "globalThis", "top")
                    else f"{base}.{prop}"
                )
                if base is not None
                else f"?.{prop}"
            )
        if t == "call_expression":
            fn = self.path(node.child_by_field_name("function"), depth + 1)
            return None if fn is None else f"{fn}()"
        return None

    def _new_name(self, node: Any) -> str | None:
        c = node.child_by_field_name("constructor")
        return None if c is None else (self.path(c) or None)

    # -- detection ------------------------------------------------------------------------------

    def detect(self, root: Any) -> None:
        run = self.run
        for n in _walk(root):
            if not run.count():
                return
            t = n.type
            if t == "call_expression":
                self._call(n)
            elif t == "new_expression":
                self._new(n)
            elif t in ("member_expression", "subscript_expression"):
                self._member(n)
            elif t == "identifier":
                self._identifier(n)
            elif t == "assignment_expression":
                self._assignment(n)

    def _add(self, capability: str, api: str, node: Any) -> None:
        self.run.add(capability, api, node, self)

    def _call(self, n: Any) -> None:
        fn = n.child_by_field_name("function")
        args_node = n.child_by_field_name("arguments")
        args = [] if args_node is None else args_node.named_children
        if fn is None:
            return
        path = self.path(fn)
        method = (
            path.rsplit(".", 1)[-1] if path else (self.prop_name(fn) if fn.type != "identifier" else None)
        )
        if method is None:
            if fn.type in ("member_expression", "subscript_expression"):
                self.run.note(
                    f"a method name computed at run time in script {self.sha[:12]} at "
                    f"{n.start_point[0] + 1}:{n.start_point[1] + 1} could not be resolved"
                )
            return
        # listeners
        if method in _LISTEN_METHODS and args:
            ev = self.fold(args[0])
            if isinstance(ev, str):
                for name in re.split(r"[\s,]+", ev.strip()):
                    cap = event_capability(name.split(".")[0])
                    if cap is not None:
                        self._add(cap, f'{method}("{name}")', n)
        elif (
            method in _SHORTCUT_LISTENERS
            and args
            and fn.type != "identifier"
            and args[0].type in ("arrow_function", "function_expression", "function", "identifier")
        ):
            cap = event_capability(method)
            if cap is not None:
                self._add(cap, f"{method}(handler)", n)
        # code built at run time
        if (path in _EVAL_CALLS or method in _EVAL_CALLS) and args:
            self._eval(n, args[0], "eval")
        elif (
            path in _TIMER_CALLS
            and args
            and args[0].type not in ("arrow_function", "function_expression", "function")
        ):
            if args[0].type != "identifier" or isinstance(self.fold(args[0]), str):
                self._eval(n, args[0], path)
        elif path == "Function" and args:
            self._eval(n, args[-1], "Function")
        # page content, selection, clipboard
        if method in _CONTENT_METHODS:
            self._add(PAGE_CONTENT, f"{method}()", n)
        if method == "getSelection":
            self._add(SELECTION_CLIPBOARD, "getSelection()", n)
        if path is not None and (path.startswith("navigator.clipboard.") or path.startswith("clipboard.")):
            self._add(SELECTION_CLIPBOARD, path, n)
        if method == "execCommand" and args:
            cmd = self.fold(args[0])
            if isinstance(cmd, str) and cmd.lower() in ("copy", "paste", "cut"):
                self._add(SELECTION_CLIPBOARD, f'execCommand("{cmd}")', n)
        if method == "submit" and not args and fn.type != "identifier":
            self._add(FORM, "submit()", n)
        # ways out
        if (
            path in ("fetch",)
            or method == "sendBeacon"
            or (path or "").endswith(("$.ajax", "$.post", "$.get", "jQuery.ajax", "axios.post", "axios.get"))
        ):
            self._add(NETWORK, path or method, n)
        self._bridge_call(n, path, method)

    def _bridge_call(self, n: Any, path: str | None, method: str) -> None:
        if path is None or "." not in path:
            return
        parts = path.split(".")
        if parts[0] == "webkit" and len(parts) >= 3 and parts[1] == "messageHandlers":
            if method == "postMessage":
                self._add(NATIVE_BRIDGE, ".".join(parts[:3]) + ".postMessage", n)
            return
        root = parts[0].rstrip("()")
        if (
            root in self.run.bridges
            or root == "ReactNativeWebView"
            or (_BRIDGE_NAME.search(root) and root not in ("navigator",))
        ):
            self._add(NATIVE_BRIDGE, f"{root}.{parts[-1]}", n)

    def _eval(self, n: Any, arg: Any, how: str) -> None:
        self._add(DYNAMIC_CODE, how, n)
        code = self.fold(arg)
        where = f"{n.start_point[0] + 1}:{n.start_point[1] + 1}"
        if not isinstance(code, str):
            self.run.note(
                f"{how} at {where} of script {self.sha[:12]} runs code built at run time that could not be "
                "computed; it was not analysed"
            )
            return
        if len(self.via) + 1 > self.run.lim.max_depth:
            self.run.note(
                f"{how} at {where} of script {self.sha[:12]}: code nested deeper than "
                f"{self.run.lim.max_depth} evals was not analysed (limit)"
            )
            return
        if self.run.scripts >= self.run.lim.max_scripts:
            self.run.note(
                f"more than {self.run.lim.max_scripts} scripts built at run time; the rest were not analysed (limit)"
            )
            return
        self.run.script(code, via=(*self.via, f"{how} at {where} of {self.sha[:12]}"))

    def _new(self, n: Any) -> None:
        name = self._new_name(n)
        if name in ("XMLHttpRequest", "WebSocket", "EventSource", "ActiveXObject"):
            self._add(NETWORK, f"new {name}", n)
        elif name == "Image":
            self._add(NETWORK, "new Image (pixel)", n)
        elif name == "FormData":
            self._add(FORM, "new FormData", n)
        elif name in ("MutationObserver", "WebKitMutationObserver", "IntersectionObserver"):
            self._add(PAGE_CONTENT, f"new {name}", n)
        elif name == "Function":
            args_node = n.child_by_field_name("arguments")
            args = [] if args_node is None else args_node.named_children
            if args:
                self._eval(n, args[-1], "Function")

    def _identifier(self, n: Any) -> None:
        """Bare globals: `localStorage`, `fetch` as a value, a bridge object."""
        name = self.text(n)
        if name in _STORAGE_ROOTS and self.scope.aliases.get(name) is None:
            self._add(COOKIES_STORAGE, name, n)

    def _member(self, n: Any) -> None:
        parent = n.parent
        # only the outermost member of a chain is judged as a whole, but each link is checked
        path = self.path(n)
        prop = self.prop_name(n)
        if path is None or prop is None:
            return
        is_write = (
            parent is not None
            and parent.type == "assignment_expression"
            and parent.child_by_field_name("left") == n
        )
        if path == "document.cookie" or path.endswith(".document.cookie"):
            self._add(COOKIES_STORAGE, "document.cookie", n)
        elif prop in _STORAGE_ROOTS and (path == prop or path.endswith("." + prop)):
            self._add(COOKIES_STORAGE, prop, n)
        if prop in _CONTENT_PROPS and not is_write and prop != "documentElement":
            self._add(PAGE_CONTENT, prop, n)
        elif prop in _GEOMETRY_PROPS and not is_write:
            self._add(PAGE_CONTENT, prop, n)
        elif path in _ENUM_COLLECTIONS:
            self._add(PAGE_CONTENT, path, n)
        if prop in _VALUE_PROPS and not is_write:
            obj = self.path(n.child_by_field_name("object")) or ""
            last = obj.rsplit(".", 1)[-1]
            if (
                last in ("target", "srcElement", "activeElement", "currentTarget")
                or last.rstrip("()") in _LOOKUPS
                or last.endswith("()")
                and last[:-2] in _LOOKUPS
            ):
                self._add(KEYBOARD, f"reads .{prop} of a field", n)
        if prop.startswith("on") and is_write:
            cap = event_capability(prop)
            if cap is not None:
                self._add(cap, f"{prop} = handler", n)
        if prop == "src" and is_write:
            obj_node = n.child_by_field_name("object")
            if (
                obj_node is not None
                and obj_node.type == "identifier"
                and self.text(obj_node) in self.scope.image_names
            ):
                self._add(NETWORK, "image pixel (.src)", n)

    def _assignment(self, n: Any) -> None:
        left = n.child_by_field_name("left")
        right = n.child_by_field_name("right")
        if left is None or right is None:
            return
        path = self.path(left)
        if path in ("location", "location.href", "document.location", "document.location.href") or (
            path or ""
        ).endswith(".src"):
            v = self.fold(right)
            if isinstance(v, str) and _CUSTOM_SCHEME.match(v):
                self._add(NATIVE_BRIDGE, f"navigation to {v.split('://', 1)[0]}://", n)
        elif path is not None and path.endswith(".prototype.submit"):
            self._add(FORM, "replaces HTMLFormElement.submit", n)


def _normalise(path: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in _GLOBAL_PREFIXES:
            if path.startswith(p) and path.count(".") >= 1:
                path = path[len(p) :]
                changed = True
    return path


def _str(v: Folded) -> str:
    if isinstance(v, float):
        return str(int(v)) if v == int(v) and abs(v) < 1e21 else repr(v)
    if isinstance(v, list):
        return ",".join(_str(x) for x in v)
    return v


def _method(obj: Folded, method: str, args: list[Folded]) -> Folded | None:
    if isinstance(obj, str):
        if method == "split" and len(args) == 1 and isinstance(args[0], str):
            return list(obj) if args[0] == "" else obj.split(args[0])
        if method == "concat":
            return obj + "".join(_str(a) for a in args)
        if method in ("toLowerCase", "toUpperCase") and not args:
            return obj.lower() if method == "toLowerCase" else obj.upper()
        if method in ("trim",) and not args:
            return obj.strip()
        if method == "replace" and len(args) == 2 and all(isinstance(a, str) for a in args):
            return obj.replace(args[0], args[1], 1)  # type: ignore[arg-type]
        if method in ("substr", "substring", "slice") and args and all(isinstance(a, float) for a in args):
            nums = [int(x) for x in args if isinstance(x, float)]
            if method == "substr":
                return obj[nums[0] : nums[0] + nums[1]] if len(nums) > 1 else obj[nums[0] :]
            return obj[nums[0] : nums[1]] if len(nums) > 1 else obj[nums[0] :]
        if method == "charAt" and len(args) == 1 and isinstance(args[0], float):
            i = int(args[0])
            return obj[i] if 0 <= i < len(obj) else ""
        return None
    if isinstance(obj, list):
        if method == "join":
            sep = _str(args[0]) if args else ","
            return sep.join(_str(x) for x in obj)
        if method == "reverse" and not args:
            return list(reversed(obj))
        if method == "concat":
            joined: list[Any] = list(obj)
            for item in args:
                joined.extend(item if isinstance(item, list) else [item])
            return joined
    return None


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|[0-7]{1,3}|\r\n|[\s\S])")
_SIMPLE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
    "\n": "",
    "\r\n": "",
    "\u2028": "",
    "\u2029": "",
}


def _unescape(s: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e.startswith("u{"):
            cp = int(e[2:-1], 16)
            return chr(cp) if cp < 0x110000 else ""
        if e[0] == "u" and len(e) == 5:
            return chr(int(e[1:], 16))
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e.isdigit():
            return chr(int(e, 8))
        return e

    return _ESCAPE.sub(one, s) if "\\" in s else s
