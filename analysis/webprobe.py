"""The page probe: a small script phonehome puts first into every HTML page (opt-in).

Apps run their own JavaScript inside the pages of their in-app browser (`evaluateJavascript`);
that code never travels through the proxy. The probe, inserted by the live addon when
`phonehome_webprobe` is on, wraps the page APIs such code uses (listeners, reads of fields, the
cookie, storage, selection, network calls) and records the calls made by code that is **not the
page's own**: the page's own scripts (inline or loaded) have the page's URLs on their stack; code
run by the app through `evaluateJavascript` (or the DevTools protocol) has none. The stack is read
after the probe's own three frames (a V8 stack's leading `Error` line dropped; JavaScriptCore has none). It reports them
with `sendBeacon` to `PROBE_HOST`, a reserved name (`.invalid`) that the addon answers itself, so
nothing leaves the proxy.

Pure functions (no proxy imports): the probe's text and hash, `inject` (HTML bytes in, HTML bytes
out, CSP meta tags extended), `allow_probe` (a Content-Security-Policy extended by exactly the
probe's hash and the report origin), and `parse_report` (a hostile report body → bounded records).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from .webscript import (
    COOKIES_STORAGE,
    FORM,
    KEYBOARD,
    NETWORK,
    PAGE_CONTENT,
    SELECTION_CLIPBOARD,
    event_capability,
)

PROBE_HOST = "phonehome-probe.invalid"
PROBE_PATH = "/r"
PROBE_ORIGIN = f"https://{PROBE_HOST}"
MAX_REPORT_BYTES = 256 * 1024
MAX_RECORDS = 100
MAX_CODE = 4000
MAX_TEXT = 300
HEAD_WINDOW = 64 * 1024
"""Bytes of the document searched for `<head>`/`<html>` and CSP meta tags."""

PROBE_JS = (
    "(function(){if(window.__phonehomeProbe)return;window.__phonehomeProbe=1;"
    "var H='" + PROBE_ORIGIN + PROBE_PATH + "',Q=[],E=Error,N=navigator,B=N.sendBeacon&&N.sendBeacon.bind(N),"
    "T=setTimeout,F=Function.prototype.toString,P=false,R=/(https?|file|blob):\\/\\//,"
    "AE=EventTarget.prototype.addEventListener,SEEN={};"
    "function who(){var l=String((new E()).stack||'').split('\\n');if(/^Error/.test(l[0]||''))l.shift();l=l.slice(3);"
    "if(!l.length)return null;for(var i=0;i<l.length;i++){if(R.test(l[i]))return null;}return l[0].trim().slice(0,200);}"
    "function flush(){P=false;if(!Q.length||!B)return;try{B(H,JSON.stringify({v:1,page:String(location.href).slice(0,500),"
    "records:Q.splice(0,50)}));}catch(e){}if(Q.length)later();}"
    "function later(){if(!P){P=true;T(flush,300);}}"
    "function rec(api,detail,fn){var f=who();if(f===null)return;var c=null;"
    "try{c=typeof fn==='function'?F.call(fn).slice(0,4000):null;}catch(e){}"
    "var k=api+'|'+detail+'|'+(c||'');if(SEEN[k])return;SEEN[k]=1;"
    "if(Q.length<200)Q.push({api:api,detail:String(detail).slice(0,100),code:c,frame:f,t:Date.now()});later();}"
    "function wrap(o,n,api,d){try{var g=o[n];if(typeof g!=='function')return;"
    "o[n]=function(){rec(api,d?d(arguments):'',arguments[1]);return g.apply(this,arguments);};}catch(e){}}"
    "function getter(o,n,api){try{var x=Object.getOwnPropertyDescriptor(o,n);if(!x||!x.get)return;"
    "Object.defineProperty(o,n,{configurable:true,enumerable:x.enumerable,get:function(){rec(api,n);return x.get.call(this);},"
    "set:x.set});}catch(e){}}"
    "EventTarget.prototype.addEventListener=function(t,fn){rec('addEventListener',t,fn);return AE.apply(this,arguments);};"
    "['onkeydown','onkeyup','onkeypress','oninput','onclick','ontouchstart','ontouchend','onsubmit','onpaste','oncopy']"
    ".forEach(function(n){[HTMLElement.prototype,Document.prototype,window].forEach(function(o){try{var x=Object.getOwnPropertyDescriptor(o,n);"
    "if(!x||!x.set)return;Object.defineProperty(o,n,{configurable:true,enumerable:x.enumerable,get:x.get,"
    "set:function(v){rec('on-property',n.slice(2),v);x.set.call(this,v);}});}catch(e){}});});"
    "wrap(window,'fetch','fetch',function(a){return String(a[0]).slice(0,200);});"
    "wrap(XMLHttpRequest.prototype,'open','XMLHttpRequest',function(a){return String(a[1]).slice(0,200);});"
    "if(B){N.sendBeacon=function(u){rec('sendBeacon',String(u).slice(0,200));return B.apply(null,arguments);};}"
    "try{var W=window.WebSocket;if(W){window.WebSocket=function(u,p){rec('WebSocket',String(u).slice(0,200));"
    "return p===undefined?new W(u):new W(u,p);};window.WebSocket.prototype=W.prototype;}}catch(e){}"
    "getter(Document.prototype,'cookie','document.cookie');"
    "getter(HTMLInputElement.prototype,'value','input.value');getter(HTMLTextAreaElement.prototype,'value','textarea.value');"
    "getter(HTMLElement.prototype,'innerText','innerText');"
    "wrap(Storage.prototype,'getItem','storage.getItem',function(a){return String(a[0]).slice(0,100);});"
    "wrap(window,'getSelection','getSelection');wrap(Document.prototype,'querySelectorAll','querySelectorAll',"
    "function(a){return String(a[0]).slice(0,100);});"
    "try{if(N.clipboard)wrap(N.clipboard,'readText','clipboard.readText');}catch(e){}"
    "AE.call(window,'pagehide',flush);})();"
)
PROBE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(PROBE_JS.encode()).digest()).decode()
PROBE_TAG = f"<script>{PROBE_JS}</script>".encode()

API_CAPABILITY = {
    "fetch": NETWORK,
    "XMLHttpRequest": NETWORK,
    "sendBeacon": NETWORK,
    "WebSocket": NETWORK,
    "document.cookie": COOKIES_STORAGE,
    "storage.getItem": COOKIES_STORAGE,
    "input.value": KEYBOARD,
    "textarea.value": KEYBOARD,
    "innerText": PAGE_CONTENT,
    "querySelectorAll": PAGE_CONTENT,
    "getSelection": SELECTION_CLIPBOARD,
    "clipboard.readText": SELECTION_CLIPBOARD,
}


# ---- injection ----------------------------------------------------------------------------------

_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)
_HTML = re.compile(rb"<html(\s[^>]*)?>", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)
_META_CSP = re.compile(
    rb"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[\"']?[^>]*>", re.IGNORECASE
)
_CONTENT_ATTR = re.compile(rb"""(\bcontent\s*=\s*)("([^"]*)"|'([^']*)')""", re.IGNORECASE)


def is_html(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml")


def inject(document: bytes) -> bytes:
    """`document` with the probe first in `<head>` (else after `<html>` or the doctype, else at
    the start), and every CSP meta tag in the first `HEAD_WINDOW` bytes allowing it."""
    window = document[:HEAD_WINDOW]
    metas = list(_META_CSP.finditer(window))
    if metas:
        parts: list[bytes] = []
        last = 0
        for meta in metas:
            parts += [window[last : meta.start()], _rewrite_meta(meta.group(0))]
            last = meta.end()
        document = b"".join(parts) + document[last:]
        window = document[:HEAD_WINDOW]
    for pattern in (_HEAD, _HTML, _DOCTYPE):
        m = pattern.search(window)
        if m is not None:
            return document[: m.end()] + PROBE_TAG + document[m.end() :]
    return PROBE_TAG + document


def _rewrite_meta(tag: bytes) -> bytes:
    m = _CONTENT_ATTR.search(tag)
    if m is None:
        return tag
    raw = (m.group(3) if m.group(3) is not None else m.group(4)).decode("utf-8", "replace")
    policy = allow_probe(html.unescape(raw))
    quoted = b'"' + html.escape(policy, quote=True).encode() + b'"'
    return tag[: m.start(2)] + quoted + tag[m.end(2) :]


# ---- Content-Security-Policy --------------------------------------------------------------------

_NONCE_OR_HASH = re.compile(r"^'(nonce-|sha256-|sha384-|sha512-)", re.IGNORECASE)


def allow_probe(header: str) -> str:
    """A CSP header value (one or more policies, comma-separated) that also allows exactly the
    probe (its hash, for scripts) and its report origin (for connections); everything else as it was."""
    return ", ".join(_allow_in_policy(p) for p in header.split(","))


def _allow_in_policy(policy: str) -> str:
    directives: list[tuple[str, list[str]]] = []
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives.append((tokens[0].lower(), tokens[1:]))
    names = [d for d, _ in directives]
    default = next((v for d, v in directives if d == "default-src"), None)
    out: list[tuple[str, list[str]]] = []
    for name, values in directives:
        if name in ("script-src", "script-src-elem"):
            values = _with_hash(values)
        elif name == "connect-src":
            values = _with_source(values, PROBE_ORIGIN)
        out.append((name, values))
    if default is not None and "script-src" not in names:
        out.append(("script-src", _with_hash(list(default))))
    if default is not None and "connect-src" not in names:
        out.append(("connect-src", _with_source(list(default), PROBE_ORIGIN)))
    return "; ".join(" ".join([n, *v]) for n, v in out)


def _with_hash(values: list[str]) -> list[str]:
    lowered = [v.lower() for v in values]
    if "'none'" in lowered:
        return [PROBE_HASH_SOURCE]
    if (
        "'unsafe-inline'" in lowered
        and not any(_NONCE_OR_HASH.match(v) for v in values)
        and "'strict-dynamic'" not in lowered
    ):
        return values  # inline scripts are allowed already; a hash would switch 'unsafe-inline' off
    return [*values, PROBE_HASH_SOURCE]


def _with_source(values: list[str], source: str) -> list[str]:
    if "'none'" in [v.lower() for v in values]:
        return [source]
    return [*values, source]


PROBE_HASH_SOURCE = f"'{PROBE_HASH}'"


# ---- reports ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbeRecord:
    page: str
    api: str
    detail: str
    code: str | None
    frame: str
    ts: float | None
    capability: str | None


def parse_report(body: bytes) -> tuple[list[ProbeRecord], str | None]:
    """Records of one probe report, bounded; (records, problem). Never raises: a report is what a
    page sent, and any page can send one."""
    if len(body) > MAX_REPORT_BYTES:
        return [], f"probe report of {len(body)} bytes is larger than {MAX_REPORT_BYTES}; ignored"
    try:
        doc = json.loads(body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return [], "probe report is not JSON; ignored"
    if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
        return [], "probe report without records; ignored"
    page = _text(doc.get("page"), 500)
    out = []
    for r in doc["records"][:MAX_RECORDS]:
        if not isinstance(r, dict):
            continue
        api = _text(r.get("api"), 60)
        detail = _text(r.get("detail"), 100)
        code = r.get("code")
        t = r.get("t")
        out.append(
            ProbeRecord(
                page=page,
                api=api,
                detail=detail,
                code=code[:MAX_CODE] if isinstance(code, str) else None,
                frame=_text(r.get("frame"), 200),
                ts=t / 1000 if isinstance(t, (int, float)) and not isinstance(t, bool) else None,
                capability=record_capability(api, detail),
            )
        )
    return out, None


def record_capability(api: str, detail: str) -> str | None:
    if api in ("addEventListener", "on-property"):
        cap = event_capability(detail)
        return cap if cap is not None else None
    if api == "on-property" and detail == "submit":
        return FORM
    return API_CAPABILITY.get(api)


def _text(v: Any, limit: int) -> str:
    return v[:limit] if isinstance(v, str) else ""
