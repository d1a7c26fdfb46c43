"""In-app browser: the scripts an app injected into the web pages shown inside it.

Pure: hook events in, `Injection`s out. The hooks record every script an app runs in its web
views as `hook:webview` events (`WebView.evaluateJavascript`, `WebView.loadUrl("javascript:…")`,
`WKWebView.evaluateJavaScript`; `page_url` when the hook could read it) and every object it hands
to pages (`WebView.addJavascriptInterface`, `name` and `object_class`). Each distinct script is
analysed once (`webscript.analyse_script`) with the names of the objects the same process handed
to its pages as bridges, and is attributed to the class that injected it and that class's SDK and
organisation (from the hook's stack: the host's `sdk`/`org` fields, else the organisation
database).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .destinations import sdk_match_for_stack
from .webscript import CAPABILITIES, OBSERVES, PLAIN, SENDS, Evidence, ScriptAnalysis, analyse_script

WEBVIEW_EVENT = "hook:webview"
PROBE_EVENT = "proxy:webprobe"
PROBE_WHO = "code the app ran in the page (page probe)"
BRIDGE_API = "WebView.addJavascriptInterface"
MAX_PAGES = 20
MAX_SHOWN_SCRIPT = 4000
"""Characters of a script kept for display (the analysis sees all of it)."""
_PLATFORM = (
    "android.webkit.",
    "java.",
    "javax.",
    "kotlin.",
    "kotlinx.",
    "androidx.",
    "android.",
    "dalvik.",
    "com.android.",
    "sun.",
    "jdk.",
    "WKWebView",
    "-[WKWebView",
)


@dataclass
class Injection:
    """One distinct script (by SHA-256) the app ran in its web pages."""

    analysis: ScriptAnalysis
    script: str
    """The script's text, cut at `MAX_SHOWN_SCRIPT` characters."""
    api: str
    injector: str | None
    """The first frame below the web view that is the app's or an SDK's (`com.x.Y.m(Y.java:3)`)."""
    sdk: str | None
    org: str | None
    first_ts: float | None
    count: int = 0
    pages: list[str] = field(default_factory=list)
    event_ids: list[Any] = field(default_factory=list)
    bridges: list[str] = field(default_factory=list)
    """Objects the app handed to pages in the same process (`name (class)`)."""
    who_label: str | None = None
    """Who ran it, when no stack says (page-probe records)."""

    @property
    def sha256(self) -> str:
        return self.analysis.sha256

    @property
    def capabilities(self) -> tuple[str, ...]:
        return self.analysis.capabilities

    @property
    def who(self) -> str:
        if self.org and self.sdk:
            return f"{self.org} ({self.sdk})"
        return (
            self.org
            or self.sdk
            or (_class_of(self.injector) if self.injector else self.who_label or "the app")
        )


@dataclass(frozen=True)
class Bridge:
    name: str
    object_class: str | None
    sdk: str | None
    org: str | None
    pid: Any


def bridges_from_events(events: Iterable[Mapping[str, Any]]) -> list[Bridge]:
    out: dict[tuple[Any, str], Bridge] = {}
    for e in events:
        if e.get("type") == WEBVIEW_EVENT and e.get("api") == BRIDGE_API and isinstance(e.get("name"), str):
            key = (e.get("pid"), e["name"])
            out.setdefault(
                key,
                Bridge(
                    name=e["name"],
                    object_class=_opt_str(e.get("object_class")),
                    sdk=_opt_str(e.get("sdk")),
                    org=_opt_str(e.get("org")),
                    pid=e.get("pid"),
                ),
            )
    return list(out.values())


def injections_from_events(events: Sequence[Mapping[str, Any]]) -> list[Injection]:
    """The injected scripts, in the order first seen, each analysed once."""
    bridges = bridges_from_events(events)
    by_sha: dict[str, Injection] = {}
    analysed: dict[tuple[str, frozenset[str]], ScriptAnalysis] = {}
    for e in events:
        script = script_of(e)
        if script is None:
            continue
        names = frozenset(b.name for b in bridges if b.pid == e.get("pid"))
        key = (script, names)
        analysis = analysed.get(key)
        if analysis is None:
            analysis = analysed[key] = analyse_script(script, bridge_names=names)
        inj = by_sha.get(analysis.sha256)
        if inj is None:
            injector, sdk, org = injector_of(e)
            inj = by_sha[analysis.sha256] = Injection(
                analysis=analysis,
                script=script[:MAX_SHOWN_SCRIPT],
                api=str(e.get("api") or "?"),
                injector=injector,
                sdk=sdk,
                org=org,
                first_ts=_ts(e.get("ts")),
                bridges=[
                    f"{b.name} ({b.object_class})" if b.object_class else b.name
                    for b in bridges
                    if b.pid == e.get("pid")
                ],
            )
        inj.count += 1
        ts = _ts(e.get("ts"))
        if ts is not None and (inj.first_ts is None or ts < inj.first_ts):
            inj.first_ts = ts
        page = e.get("page_url")
        if isinstance(page, str) and page and page not in inj.pages and len(inj.pages) < MAX_PAGES:
            inj.pages.append(page)
        if len(inj.event_ids) < 50 and e.get("id") is not None:
            inj.event_ids.append(e.get("id"))
    for e in events:
        if e.get("type") == PROBE_EVENT:
            _add_probe_record(by_sha, e)
    return list(by_sha.values())


def _add_probe_record(by_sha: dict[str, Injection], e: Mapping[str, Any]) -> None:
    """A call the page probe saw from code that is not the page's own: the listener's source (when
    the probe could read it) is analysed like an injected script, and the call adds its capability."""
    api, detail = _opt_str(e.get("api")) or "?", _opt_str(e.get("detail")) or ""
    code = e.get("code") if isinstance(e.get("code"), str) else None
    analysis = analyse_script(code) if code else analyse_script(f"/* {api} {detail} */")
    inj = by_sha.get(analysis.sha256)
    if inj is None:
        inj = by_sha[analysis.sha256] = Injection(
            analysis=analysis,
            script=(code or "")[:MAX_SHOWN_SCRIPT],
            api=f"page probe: {api}",
            injector=None,
            sdk=None,
            org=None,
            first_ts=_ts(e.get("ts")),
            who_label=PROBE_WHO,
        )
    inj.count += 1
    cap = _opt_str(e.get("capability"))
    if cap in CAPABILITIES:
        seen = Evidence(
            capability=cap,
            api=f'{api}("{detail}")' if detail else api,
            code=(_opt_str(e.get("frame")) or "")[:160],
            line=0,
            column=0,
            script_sha256=inj.analysis.sha256,
            via=("seen by the page probe",),
        )
        caps = set(inj.analysis.capabilities) | {cap}
        if seen not in inj.analysis.evidence:
            inj.analysis = replace(
                inj.analysis,
                capabilities=tuple(c for c in CAPABILITIES if c in caps),
                evidence=(seen, *inj.analysis.evidence),
            )
    page = e.get("page")
    if isinstance(page, str) and page and page not in inj.pages and len(inj.pages) < MAX_PAGES:
        inj.pages.append(page[:500])


def script_of(e: Mapping[str, Any]) -> str | None:
    """The JavaScript an event carries: the script of evaluateJavascript, or the body of a
    `javascript:` URL (percent-decoded as the WebView does)."""
    if e.get("type") != WEBVIEW_EVENT:
        return None
    script = e.get("script")
    if not isinstance(script, str) or not script.strip():
        return None
    if script[:11].lower() == "javascript:":
        return urllib.parse.unquote(script[11:])
    return script


def injector_of(e: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(injecting frame, SDK, organisation) from the hook's stack."""
    raw = e.get("stack")
    stack = [f for f in raw if isinstance(f, str)] if isinstance(raw, list) else []
    injector = next((f for f in stack if not f.startswith(_PLATFORM)), None)
    sdk, org = _opt_str(e.get("sdk")), _opt_str(e.get("org"))
    if sdk is None and stack:
        match = sdk_match_for_stack(stack)
        if match is not None:
            sdk, org = match.prefix.rstrip("."), match.entry.org
    return injector, sdk, org


def plain_summary(injections: Sequence[Injection]) -> str:
    """The section's first sentence, for people who are not engineers."""
    if not injections:
        return "The app did not inject any script into the web pages it showed (as far as the hooks saw)."
    observes = [c for c in OBSERVES if any(c in i.capabilities for i in injections)]
    sends = [c for c in SENDS if any(c in i.capabilities for i in injections)]
    n = len(injections)
    who = sorted({i.who for i in injections})
    scripts = "a script" if n == 1 else f"{n} scripts"
    text = f"While you used web pages inside the app, {_join(who)} injected {scripts} into them"
    if observes:
        text += f" that can read {_join([PLAIN[c] for c in observes])}"
        if sends:
            text += f", and {_join([PLAIN[c] for c in sends], 'or')}"
    elif sends:
        text += f" that can {_join([PLAIN[c] for c in sends], 'or')}"
    else:
        text += "; none of them reads what you type, tap or see, as far as the analysis can tell"
    return text + "."


SHORT = {
    "keyboard": "keys",
    "pointer": "taps",
    "form": "forms",
    "selection_clipboard": "selection",
    "cookies_storage": "cookies",
    "page_content": "page",
    "network": "net",
    "native_bridge": "app",
    "dynamic_code": "eval",
}


def capability_digest(capabilities: Sequence[str]) -> str:
    """A few words for a narrow column: `keys, taps → app, net`."""
    seen = ", ".join(SHORT.get(c, c) for c in capabilities if c in OBSERVES or c == "dynamic_code")
    out = ", ".join(SHORT.get(c, c) for c in capabilities if c in SENDS)
    if seen and out:
        return f"{seen} → {out}"
    return seen or (f"→ {out}" if out else "nothing found")


def capability_phrase(capability: str) -> str:
    return PLAIN.get(capability, capability)


def _join(items: Sequence[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _class_of(frame: str) -> str:
    head = frame.split("(", 1)[0]
    return head.rsplit(".", 1)[0] if "." in head else head


def _opt_str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _ts(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
