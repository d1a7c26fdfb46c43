"""The page probe (analysis/webprobe.py, addons/_webprobe.py): pure parts, then real headless
Chromium through a real mitmdump with the addon on loopback pages. A script run through the
DevTools protocol stands in for the app's `evaluateJavascript`: it listens to keys and taps and
posts to a bridge; the page's own key listener must not be attributed to the app; pages with a
strict CSP header or a CSP meta tag keep running their own scripts and the probe; with the probe
off, responses pass byte for byte."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import subprocess
import time
from pathlib import Path

import pytest
from support.net import addon_args, run_mitmdump

from phonehome.analysis.inappbrowser import injections_from_events
from phonehome.analysis.webprobe import (
    MAX_REPORT_BYTES,
    PROBE_HASH,
    PROBE_JS,
    PROBE_ORIGIN,
    PROBE_TAG,
    allow_probe,
    inject,
    parse_report,
)
from phonehome.analysis.webscript import KEYBOARD, NATIVE_BRIDGE, POINTER

REPO = Path(__file__).resolve().parents[2]
H = f"'{PROBE_HASH}'"


def test_probe_hash_is_the_hash_of_the_inserted_script() -> None:
    assert PROBE_HASH == "sha256-" + base64.b64encode(hashlib.sha256(PROBE_JS.encode()).digest()).decode()
    assert PROBE_TAG == b"<script>" + PROBE_JS.encode() + b"</script>"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        pytest.param("img-src *", "img-src *", id="no-script-restriction"),
        pytest.param(
            "default-src 'none'",
            f"default-src 'none'; script-src {H}; connect-src {PROBE_ORIGIN}",
            id="default-none",
        ),
        pytest.param(
            "default-src 'self'; script-src 'self' 'nonce-abc'",
            f"default-src 'self'; script-src 'self' 'nonce-abc' {H}; connect-src 'self' {PROBE_ORIGIN}",
            id="nonce",
        ),
        pytest.param(
            "script-src 'self' 'unsafe-inline'",
            "script-src 'self' 'unsafe-inline'",
            id="unsafe-inline-kept-working",
        ),
        pytest.param(
            "script-src 'none'; connect-src 'none'", f"script-src {H}; connect-src {PROBE_ORIGIN}", id="none"
        ),
        pytest.param(
            "script-src 'strict-dynamic' 'nonce-x' 'unsafe-inline'",
            f"script-src 'strict-dynamic' 'nonce-x' 'unsafe-inline' {H}",
            id="strict-dynamic",
        ),
        pytest.param(
            "script-src-elem 'self'; script-src 'self'",
            f"script-src-elem 'self' {H}; script-src 'self' {H}",
            id="script-src-elem",
        ),
        pytest.param(
            "script-src 'self', connect-src 'self'",
            f"script-src 'self' {H}, connect-src 'self' {PROBE_ORIGIN}",
            id="two-policies",
        ),
    ],
)
def test_csp_allows_exactly_the_probe(policy: str, expected: str) -> None:
    assert allow_probe(policy) == expected


def test_inject_first_in_head_and_csp_meta_rewritten() -> None:
    doc = (
        b'<!DOCTYPE html><html lang=de><head data-x=1><meta http-equiv="Content-Security-Policy" '
        b"content=\"script-src 'self'\"><title>t</title></head><body>x</body></html>"
    )
    out = inject(doc)
    assert out.startswith(b"<!DOCTYPE html><html lang=de><head data-x=1>" + PROBE_TAG + b"<meta")
    assert f"script-src &#x27;self&#x27; &#x27;{PROBE_HASH}&#x27;".encode() in out
    assert out.endswith(b"<title>t</title></head><body>x</body></html>")
    assert inject(b"<html><body>x") == b"<html>" + PROBE_TAG + b"<body>x"
    assert inject(b"plain") == PROBE_TAG + b"plain"


def test_hostile_reports_are_bounded() -> None:
    assert parse_report(b"x" * (MAX_REPORT_BYTES + 1))[0] == []
    assert parse_report(b"not json")[1] and parse_report(b"[1,2]")[1] and parse_report(b"[" * 100000)[1]
    one = {
        "api": "addEventListener",
        "detail": "keydown" + "x" * 1000,
        "code": "c" * 5000,
        "frame": "\x1b[2J" * 300,
        "t": "x",
    }
    big = {"page": "p" * 10_000, "records": [one] + [{"api": "fetch", "detail": "u"}] * 149}
    records, problem = parse_report(json.dumps(big).encode())
    assert problem is None and len(records) == 100
    r = records[0]
    assert (
        len(r.page) == 500
        and len(r.detail) == 100
        and len(r.code) == 4000
        and len(r.frame) == 200
        and r.ts is None
    )


def test_probe_reports_in_report_and_dashboard_are_inert() -> None:
    from rich.console import Console

    from phonehome.analysis.schema import empty_findings
    from phonehome.analysis.sessions import SessionData
    from phonehome.views.dashboard.detail import injection_text
    from phonehome.views.dashboard.state import Batch, DashboardState
    from phonehome.views.report import build_report, render_html, render_markdown

    evil = "\x1b]0;pwned\x07\x1b[2J<img src=x onerror=alert(1)>[red]x[/red]\u202e" + "Z" * 5000
    events = [
        {
            "type": "proxy:webprobe",
            "ts": 1_700_000_001.0,
            "page": "https://p.example/<script>" + evil,
            "api": "addEventListener<b>",
            "detail": "keydown",
            "code": "function(e){" + evil + "}",
            "frame": evil[:200],
            "capability": "keyboard",
        }
    ]
    data = SessionData(
        root=None, meta={"start": 1_700_000_000.0}, findings=empty_findings(), proxy_events=events
    )
    html = render_html(build_report(data))
    section = html[html.index('<section id="in-app">') :]
    section = section[: section.index("</section>")]
    assert "<img" not in section, section
    assert "<script>" not in section and "addEventListener<b>" not in section
    assert (
        "\x1b" not in section and "\x07" not in section and "\u202e" not in section and len(section) < 20_000
    )
    md = render_markdown(build_report(data))
    assert "<img" not in md and "\x1b" not in md
    state = DashboardState()
    state.ingest(Batch(proxy_events=events))
    (row,) = state.reads.values()
    console = Console(width=100, force_terminal=True, color_system=None)
    with console.capture() as cap:
        console.print(injection_text(row.injection, "12:00", row.count))
    out = cap.get()
    assert "\x1b]" not in out and "\x07" not in out and "\u202e" not in out and len(out) < 12_000


# --- real mitmdump: with the probe off nothing changes ---------------------------------------------

OWN = "window.ownRan=true;document.addEventListener('keydown',function(){window.own=(window.own||0)+1});"
PAGE = f"<!doctype html><html><head><title>Bewerbung</title></head><body><input id=name><script>{OWN}</script></body></html>"
OWN_HASH = "sha256-" + base64.b64encode(hashlib.sha256(OWN.encode()).digest()).decode()
STRICT = "default-src 'none'; script-src 'nonce-r4nd0m'; style-src 'self'; base-uri 'none'"
META = (
    f'<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    f"script-src '{OWN_HASH}'\"><title>m</title></head><body><input id=name><script>{OWN}</script></body></html>"
)
PAGES = {
    "/plain": ({"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()),
    "/csp-header": (
        {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": STRICT},
        PAGE.replace("<script>", "<script nonce=r4nd0m>").encode(),
    ),
    "/csp-meta": ({"Content-Type": "text/html; charset=utf-8"}, META.encode()),
    "/gzip": (
        {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Security-Policy": STRICT},
        gzip.compress(PAGE.encode(), mtime=0),
    ),
}


def _curl(proxy, url: str) -> tuple[bytes, str]:
    out = subprocess.run(
        ["curl", "-sk", "--http1.1", "--suppress-connect-headers", "-x", proxy.proxy_url, "-D", "-", url],
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    return body, head.decode("latin-1").lower()


@pytest.mark.slow
@pytest.mark.parametrize("probe", [False, True])
def test_probe_off_changes_no_byte_and_on_changes_only_html(tmp_path: Path, probe: bool) -> None:
    from support.webprobe import PageServer

    args = addon_args(tmp_path / "s")
    if probe:
        args += ["--set", "phonehome_webprobe=true"]
    pages = {**PAGES, "/data.json": ({"Content-Type": "application/json"}, b'{"a":1}')}
    with PageServer(pages, tmp_path) as srv, run_mitmdump(*args, upstream=srv) as proxy:
        for path, (headers, body) in pages.items():
            got, head = _curl(proxy, f"https://jobs.example.org{path}")
            if not probe or path == "/data.json":
                assert got == body, path
                if "Content-Security-Policy" in headers:
                    assert f"content-security-policy: {headers['Content-Security-Policy'].lower()}" in head
            else:
                sent = gzip.decompress(body) if path == "/gzip" else body
                plain = gzip.decompress(got) if path == "/gzip" else got
                assert plain.count(PROBE_TAG) == 1, path
                if path == "/csp-meta":
                    assert f"&#x27;{OWN_HASH}&#x27; &#x27;{PROBE_HASH}&#x27;".encode() in plain
                else:
                    assert plain.replace(PROBE_TAG, b"") == sent, path
                if "Content-Security-Policy" in headers:
                    assert PROBE_HASH.lower() in head and "'nonce-r4nd0m'" in head


# --- real Chromium ---------------------------------------------------------------------------------

INJECTED = (
    "window.AppBridge={postMessage:function(){}};"
    "document.addEventListener('keydown',function(e){AppBridge.postMessage(JSON.stringify({k:e.key,"
    "v:e.target&&e.target.value}))});"
    "document.addEventListener('touchstart',function(e){AppBridge.postMessage('tap '+e.touches.length)});"
    "window.onkeyup=function(e){AppBridge.postMessage('up')};1"
)


def _probe_events(session: Path, page: str, timeout: float = 10.0) -> list[dict]:
    from phonehome.store import read_jsonl

    deadline = time.monotonic() + timeout
    found: list[dict] = []
    while time.monotonic() < deadline:
        rows = (
            read_jsonl(session / "proxy-events.jsonl").objects
            if (session / "proxy-events.jsonl").exists()
            else []
        )
        found = [e for e in rows if e.get("type") == "proxy:webprobe" and e.get("page", "").endswith(page)]
        if {e.get("detail") for e in found} >= {"keydown", "touchstart"}:
            break
        time.sleep(0.1)
    return found


@pytest.mark.slow
def test_chromium_injected_key_and_tap_logger_is_reported(tmp_path: Path, chromium_binary: str) -> None:
    from support.webprobe import DevTools, PageServer

    chromium = chromium_binary
    session = tmp_path / "s"
    args = addon_args(session, "--set", "phonehome_webprobe=true")
    with PageServer(PAGES, tmp_path) as srv, run_mitmdump(*args, upstream=srv) as proxy:
        browser = DevTools(chromium, tmp_path / "profile", proxy=proxy.proxy_url)
        try:
            for path in ("/plain", "/csp-header", "/csp-meta"):
                browser.open(f"https://jobs.example.org{path}")
                assert browser.evaluate("window.__phonehomeProbe") == 1, path  # the probe ran
                assert browser.evaluate("window.ownRan") is True, path  # and the page's own script
                browser.evaluate(INJECTED)
                browser.evaluate("document.getElementById('name').focus();1")
                browser.key("a")
                browser.tap(20, 20)
                assert browser.evaluate("window.own") == 1, path  # the page's own listener got the key
                events = _probe_events(session, path)
                details = {(e["api"], e["detail"], e["capability"]) for e in events}
                assert ("addEventListener", "keydown", KEYBOARD) in details, (path, events)
                assert ("addEventListener", "touchstart", POINTER) in details, (path, events)
                # the page's own key listener is not the app's
                assert not [e for e in events if "window.own" in (e.get("code") or "")], events
                assert all("<anonymous>:" in e["frame"] and "://" not in e["frame"] for e in events), events
                assert ("input.value", "value", KEYBOARD) in details  # the injected listener read the field
                assert ("on-property", "keyup", KEYBOARD) in details  # window.onkeyup = …
        finally:
            browser.close()
        assert not [h for h in srv.hits if "phonehome" in h]  # the reports never left the proxy
    from phonehome.store import read_jsonl

    all_events = read_jsonl(session / "proxy-events.jsonl").objects
    injected = injections_from_events(all_events)
    caps = {c for i in injected for c in i.capabilities}
    assert {KEYBOARD, POINTER, NATIVE_BRIDGE} <= caps
    pages = {p for i in injected for p in i.pages}
    assert pages == {f"https://jobs.example.org{p}" for p in ("/plain", "/csp-header", "/csp-meta")}
    assert not [e for e in all_events if e.get("type") == "proxy:error"], all_events


def test_session_webprobe_flag_sets_the_addon_option() -> None:
    from phonehome.cli import build_parser
    from phonehome.commands.session import config_from_args

    on = config_from_args(
        build_parser().parse_args(["session", "--local", "--webprobe", "--", "/usr/bin/true"])
    )
    off = config_from_args(build_parser().parse_args(["session", "--local", "--", "/usr/bin/true"]))
    assert "phonehome_webprobe=true" in on.mitmproxy_options and not off.mitmproxy_options


@pytest.mark.slow
def test_forged_hostile_report_through_the_proxy_is_bounded_and_inert(tmp_path: Path) -> None:
    """Any page can post to the probe's address: a report with markup, ANSI and huge strings, sent
    through the real proxy, is answered by the addon (nothing forwarded), kept bounded, and shown
    inert in the report."""
    from support.webprobe import PageServer

    from phonehome.analysis.sessions import load_inputs
    from phonehome.store import read_jsonl
    from phonehome.views.report import build_report, render_html

    evil = "\x1b]0;pwned\x07\x1b[2J<script>alert(1)</script>\u202e"
    record = {
        "api": "addEventListener",
        "detail": "keydown" + evil,
        "code": "function(){" + evil + "}",
        "frame": "at <anonymous>:1:1" + evil * 10,
        "t": 1,
    }
    report = {
        "page": "https://x.example/" + evil + "P" * 2000,
        "records": [{**record, "code": "function(){" + evil + "C" * 9000 + "}"}] + [record] * 119,
    }
    session = tmp_path / "s"
    args = addon_args(session, "--set", "phonehome_webprobe=true")
    with PageServer(PAGES, tmp_path) as srv, run_mitmdump(*args, upstream=srv) as proxy:
        body = json.dumps(report).encode()
        out = subprocess.run(
            [
                "curl",
                "-sk",
                "-x",
                proxy.proxy_url,
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--data-binary",
                "@-",
                "https://phonehome-probe.invalid/r",
            ],
            input=body,
            capture_output=True,
            timeout=30,
        )
        assert out.stdout == b"204"
        huge = subprocess.run(
            [
                "curl",
                "-sk",
                "-x",
                proxy.proxy_url,
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--data-binary",
                "@-",
                "https://phonehome-probe.invalid/r",
            ],
            input=b"[" * (MAX_REPORT_BYTES + 10),
            capture_output=True,
            timeout=30,
        )
        assert huge.stdout == b"204"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (session / "proxy-events.jsonl").exists():
            time.sleep(0.1)
        time.sleep(1.2)  # one stats tick: the events are written
        assert not srv.hits  # nothing was forwarded
    events = read_jsonl(session / "proxy-events.jsonl").objects
    probe = [e for e in events if e["type"] == "proxy:webprobe"]
    assert len(probe) == 100
    assert all(len(e["code"]) <= 4000 and len(e["page"]) <= 500 and len(e["detail"]) <= 100 for e in probe)
    assert any(e["type"] == "proxy:error" and "larger than" in e["error"] for e in events)
    html = render_html(build_report(load_inputs([session])))
    section = html[html.index('<section id="in-app">') :]
    section = section[: section.index("</section>")]
    assert "<script>alert" not in section and "\x1b" not in section and "\u202e" not in section
    assert len(section) < 40_000
