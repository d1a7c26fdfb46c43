"""In-app browser findings from `hook:webview` events (analysis/inappbrowser.py): pure tests on
events, and the JVM test double under real Frida: a class named like a ByteDance SDK hands a page a
bridge object and injects a key logger with `android.webkit.WebView.evaluateJavascript`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from phonehome.analysis.inappbrowser import injections_from_events, plain_summary
from phonehome.analysis.webscript import DYNAMIC_CODE, KEYBOARD, NATIVE_BRIDGE, POINTER
from phonehome.store import SessionStore

STACK = [
    "android.webkit.WebView.evaluateJavascript(WebView.java:1)",
    "com.bytedance.ies.webview.InAppBrowser.open(InAppBrowser.java:20)",
    "com.example.app.Main.main(Main.java:3)",
]


def _ev(i: int, **kw) -> dict:
    return {"type": "hook:webview", "id": i, "ts": 1_700_000_000.0 + i, "pid": 7, "agent": "api", **kw}


def test_one_injection_per_script_with_pages_bridges_and_sdk_from_stack() -> None:
    script = "document.addEventListener('keydown',e=>TTBridge.log(e.key))"
    events = [
        _ev(1, api="WebView.addJavascriptInterface", name="TTBridge", object_class="com.x.Bridge"),
        _ev(
            2,
            api="WebView.evaluateJavascript",
            script=script,
            page_url="https://jobs.example/apply",
            stack=STACK,
        ),
        _ev(
            3,
            api="WebView.evaluateJavascript",
            script=script,
            page_url="https://jobs.example/form",
            stack=STACK,
        ),
        _ev(
            4,
            api="WebView.loadUrl",
            script="javascript:document.addEventListener(%22click%22,f)",
            stack=STACK,
        ),
        {"type": "hook:read", "id": 5, "api": "x"},
    ]
    first, second = injections_from_events(events)
    assert set(first.capabilities) == {KEYBOARD, NATIVE_BRIDGE}
    assert first.count == 2 and first.pages == ["https://jobs.example/apply", "https://jobs.example/form"]
    assert first.bridges == ["TTBridge (com.x.Bridge)"]
    assert first.injector == STACK[1] and first.org == "ByteDance" and first.sdk == "com.bytedance"
    assert first.event_ids == [2, 3]
    assert second.capabilities == (POINTER,) and second.api == "WebView.loadUrl"
    text = plain_summary([first, second])
    assert text.startswith(
        "While you used web pages inside the app, ByteDance (com.bytedance) injected 2 scripts"
    )
    assert "every key you press" in text and "every tap" in text and "hand data to the app itself" in text


def test_a_bridge_of_another_process_is_not_this_scripts_bridge() -> None:
    events = [
        {**_ev(1, api="WebView.addJavascriptInterface", name="appHost"), "pid": 8},
        _ev(2, api="WebView.evaluateJavascript", script="appHost.log(document.cookie)"),
    ]
    (inj,) = injections_from_events(events)
    assert NATIVE_BRIDGE not in inj.capabilities


def test_hostile_events_are_skipped_or_bounded() -> None:
    huge = "eval(" * 2000 + "'x'" + ")" * 2000
    events = [
        _ev(1, api="WebView.evaluateJavascript", script=None),
        _ev(2, api="WebView.evaluateJavascript", script=5),
        _ev(3, api="WebView.evaluateJavascript", script=huge, stack="not a list", ts="x"),
        _ev(4, api="WebView.evaluateJavascript", script="\x1b[2J<script>alert(1)</script>"),
    ]
    injs = injections_from_events(events)
    assert len(injs) == 2
    assert DYNAMIC_CODE in injs[0].capabilities and len(injs[0].script) <= 4000
    assert injs[0].who == "the app"


def test_no_injection_said_plainly() -> None:
    assert "did not inject" in plain_summary([])


@pytest.mark.slow
def test_jvm_sdk_injects_a_key_logger(tmp_path: Path) -> None:
    from support.hooks import events, java_argv, of_type, run_hooked, stdout_of

    host = run_hooked(
        java_argv("--webview", "https://jobs.example.org/apply"), tmp_path, agents=("api",), timeout=60
    )
    assert "WEBVIEW opened" in stdout_of(host)
    evs = events(tmp_path)
    (evaluate,) = of_type(evs, "hook:webview", api="WebView.evaluateJavascript")
    assert evaluate["org"] == "ByteDance" and evaluate["page_url"] == "https://jobs.example.org/apply"
    (inj, title) = injections_from_events(evs)
    assert set(inj.capabilities) == {KEYBOARD, POINTER, NATIVE_BRIDGE}
    assert inj.org == "ByteDance" and inj.injector.startswith("com.bytedance.ies.webview.InAppBrowser.open(")
    assert inj.pages == ["https://jobs.example.org/apply"]
    assert inj.bridges == ["TTBridge (com.bytedance.ies.webview.InAppBrowser$Bridge)"]
    keys = inj.analysis.evidence_for(KEYBOARD)
    assert any(e.api == 'addEventListener("keydown")' for e in keys)
    assert all(e.script_sha256 == inj.sha256 for e in keys)
    assert title.capabilities == () and title.api == "WebView.loadUrl"


# --- report ---------------------------------------------------------------------------------


def _session_with(events: list[dict]):
    from phonehome.analysis.schema import empty_findings
    from phonehome.analysis.sessions import SessionData

    return SessionData(
        root=None,
        meta={"app": "com.example.app", "start": 1_700_000_000.0},
        findings=empty_findings(),
        hook_events=events,
    )


KEYLOG_EVENTS = [
    _ev(1, api="WebView.addJavascriptInterface", name="TTBridge", object_class="com.x.Bridge"),
    _ev(
        2,
        api="WebView.evaluateJavascript",
        script="document.addEventListener('keydown',e=>TTBridge.log(e.key));"
        "document.addEventListener('touchstart',e=>TTBridge.log(e.type))",
        page_url="https://jobs.example/apply",
        stack=STACK,
    ),
]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_report_section_plain_language_first_then_evidence(lang: str) -> None:
    from phonehome.views.report import build_report, render_html, render_markdown

    model = build_report(_session_with(KEYLOG_EVENTS), lang=lang)
    (script,) = model.in_app
    assert [c for c, _ in script.capabilities] == [KEYBOARD, POINTER, NATIVE_BRIDGE]
    assert script.who == "ByteDance (com.bytedance)" and script.pages == ("https://jobs.example/apply",)
    html = render_html(model)
    section = html[html.index('<section id="in-app">') :]
    section = section[: section.index("</section>")]
    if lang == "en":
        assert model.in_app_summary == (
            "While you used web pages inside the app, ByteDance (com.bytedance) injected a script into them that can "
            "read every key you press and what you type into fields and every tap, click, touch and scroll, and hand "
            "data to the app itself."
        )
        assert section.index("While you used web pages") < section.index(
            "addEventListener(&#34;keydown&#34;)"
        )
    else:
        assert model.in_app_summary.startswith(
            "Während Sie Webseiten in der App benutzt haben, hat ByteDance"
        )
        assert "jede Taste, die Sie drücken" in section
    assert "InAppBrowser.open(InAppBrowser.java:20)" in section and "TTBridge (com.x.Bridge)" in section
    markdown = render_markdown(model)
    assert ("## In-app browser" if lang == "en" else "## In-App-Browser") in markdown
    assert 'addEventListener\\("keydown"\\)' in markdown


def test_report_in_app_strings_are_inert_and_bounded() -> None:
    from phonehome.views.report import build_report, render_html, render_markdown

    evil = "\x1b[2J\x1b]0;pwned\x07<img src=x onerror=alert(1)>" + "A" * 100_000
    events = [
        _ev(
            1,
            api="WebView.evaluateJavascript",
            script="document.cookie;//" + evil,
            page_url="https://x.example/<script>alert(1)</script>\u202e" + "B" * 10_000,
            stack=[evil],
        ),
        _ev(2, api="WebView.addJavascriptInterface", name="<b>x</b>" + "C" * 5000, object_class=evil),
    ]
    model = build_report(_session_with(events))
    html = render_html(model)
    section = html[html.index('<section id="in-app">') :]
    section = section[: section.index("</section>")]
    assert "<img" not in section and "<script>" not in section and "<b>x" not in section
    assert "\x1b" not in section and "\u202e" not in section and "\x07" not in section
    assert len(section) < 20_000
    markdown = render_markdown(model)
    assert "<img" not in markdown and "\x1b" not in markdown


# --- dashboard (device-reads panel) ---------------------------------------------------------


def test_dashboard_device_reads_panel_shows_each_injected_script_once() -> None:
    from phonehome.views.dashboard.state import Batch, DashboardState

    state = DashboardState()
    state.ingest(
        Batch(
            hook_events=[*KEYLOG_EVENTS, {**KEYLOG_EVENTS[1], "id": 3, "page_url": "https://jobs.example/2"}]
        )
    )
    (row,) = state.reads.values()
    assert row.injection is not None and row.count == 2
    assert row.api == "WebView.evaluateJavascript" and row.category == "webview" and row.org == "ByteDance"
    assert row.value == "keys, taps → app"
    assert row.injection.pages == ["https://jobs.example/apply", "https://jobs.example/2"]
    assert state.take_changes().reads == {row.key}


def test_dashboard_detail_page_is_inert_and_bounded() -> None:
    from rich.console import Console

    from phonehome.views.dashboard.detail import injection_text
    from phonehome.views.dashboard.state import Batch, DashboardState

    evil = "\x1b[2J\x1b]0;pwned\x07[bold]x[/bold]\u202e" + "A" * 50_000
    state = DashboardState()
    state.ingest(
        Batch(
            hook_events=[
                _ev(
                    1,
                    api="WebView.evaluateJavascript",
                    script="document.cookie//" + evil,
                    page_url=evil,
                    stack=[evil],
                )
            ]
        )
    )
    (row,) = state.reads.values()
    console = Console(width=100, force_terminal=True, color_system=None)
    with console.capture() as cap:
        console.print(injection_text(row.injection, "12:00:00", row.count))
    out = cap.get()
    assert "\x1b]" not in out and "\x07" not in out and "\u202e" not in out and "\x1b[2J" not in out
    assert "read the page's cookies" in out or "cookies" in out
    assert len(out) < 12_000


def test_replay_reads_webview_events_from_a_session(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from phonehome.store import SessionStore

    store = SessionStore.create(tmp_path / "s")
    store.write_meta({"app": "com.example.app", "start": 1_700_000_000.0})
    with open(store.hook_events, "w") as fh:
        for e in KEYLOG_EVENTS:
            fh.write(json.dumps(e) + "\n")
    (store.root / "flows.mitm").write_bytes(b"")
    out = subprocess.run(
        [sys.executable, "-m", "phonehome.cli", "replay", str(store.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert (
        "In-app browser: While you used web pages inside the app, ByteDance (com.bytedance) injected a script"
        in text
    )
    assert "keys, taps → app" in text


async def test_dashboard_app_shows_the_injection_in_device_reads(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    from datetime import UTC

    from support.dashboard import SCENARIO, T0, FixedClock, append, screen_text, wait_for

    from phonehome.views.dashboard import Dashboard

    store = new_session(SCENARIO[:2])
    app = Dashboard(store.root, clock=FixedClock(T0 + 100), tz=UTC, interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == 2)
        append(store.hook_events, [{**e, "ts": T0 + 1} for e in KEYLOG_EVENTS])
        await wait_for(pilot, lambda: "keys, taps → app" in screen_text(app))
        text = screen_text(app)
        assert "WebView.evaluateJavascript" in text and "webview" in text and "script in a web page" in text
        app.query_one("#reads").focus()
        await pilot.press("enter")
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "While you used web pages inside the app, ByteDance" in text
        assert 'addEventListener("keydown")' in text
