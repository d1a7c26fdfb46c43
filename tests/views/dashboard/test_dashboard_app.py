"""The dashboard driven headless over a session store that grows while the test runs."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from support.dashboard import (
    HOSTILE,
    SCENARIO,
    T0,
    FixedClock,
    append,
    finding,
    screen_segments,
    screen_text,
    wait_for,
)

from phonehome.store import SessionStore
from phonehome.store.live import newest_session
from phonehome.views.dashboard import Dashboard, FeedTable, MatrixTable

SIZE = (160, 45)


def app_for(root: Path, **kw) -> Dashboard:
    kw.setdefault("interval", 0.05)
    return Dashboard(root, clock=FixedClock(T0 + 100), tz=UTC, **kw)


async def test_rows_appear_as_the_session_grows(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session()
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.polls >= 2)
        assert "Google" not in screen_text(app)
        append(store.findings, SCENARIO[:3])
        await wait_for(pilot, lambda: app.applied_findings == 3)
        text = screen_text(app)
        assert "Example GmbH" in text and "app-measurement.com" in text
        append(store.findings, SCENARIO[3:])
        append(store.findings, b := finding(99, org="Torn Ltd"))
        # a line being written (no newline yet) is not shown until it is complete
        with store.findings.open("ab") as f:
            f.write(json.dumps(finding(100, org="Half Written Inc")).encode()[:40])
        await wait_for(pilot, lambda: app.applied_findings == len(SCENARIO) + 1)
        text = screen_text(app)
        assert "AppsFlyer" in text and "Torn Ltd" in text and "Half Written" not in text
        assert b["value"] not in text  # redacted by default
        matrix = app.query_one("#matrix")
        assert (
            matrix.get_row_index("Example GmbH")
            < matrix.get_row_index("\x00third")
            < matrix.get_row_index("Google")
        )


async def test_keys_mark_reveal_filter_evidence_pause_quit(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO)
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == len(SCENARIO))
        secret = "anna@example.org"
        assert secret not in screen_text(app)

        # m / M: consent markers in markers.jsonl, picked up by the status line
        await pilot.press("m")
        await wait_for(pilot, lambda: app.state.consent_marker is not None)
        await pilot.press("M")
        await wait_for(pilot, lambda: len(app.state.markers) == 2)
        markers = SessionStore(store.root).read_markers()
        assert [(m["label"], m["source"], m["ts"]) for m in markers] == [
            ("consent-given", "dashboard", T0 + 100),
            ("consent-refused", "dashboard", T0 + 100),
        ]
        assert "consent-refused 0s ago: 8 before / 0 after" in screen_text(app)

        # r: reveal and redact again
        await pilot.press("r")
        await pilot.pause()
        assert secret in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert secret not in screen_text(app)

        # enter: the evidence of the highlighted (latest) finding, value still redacted
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        for expected in (
            "Finding #8",
            "POST https://api.example.com/a?adid=anna@e",
            "body.json:email",
            "decoding      json",
            "rule          profile:device.advertising_id",
            "confidence 0.95",
            "evidence      value anna@e",
        ):
            assert expected in text, expected
        assert secret not in text
        await pilot.press("escape")
        await pilot.pause()
        assert "Finding #8" not in screen_text(app)

        # /: filter by organisation, then by category name, escape clears
        await pilot.press("slash", *"meta", "enter")
        await pilot.pause()
        feed = app.query_one("#feed", FeedTable)
        assert {f.org for f in app.query_one("#feed", FeedTable).items.values()} == {
            "Meta"
        } and feed.row_count == 2
        assert "filter: meta" in screen_text(app)
        assert "Google" not in screen_text(app)
        await pilot.press("slash", *"ctrl+u".split(), *"precise", "enter")  # no match
        await pilot.pause()
        assert feed.row_count == 0
        await pilot.press("slash")
        await pilot.press(
            "ctrl+u", *"device", "enter"
        )  # category name "device details" / "device identifiers"
        await pilot.pause()
        assert {f.category for f in app.query_one("#feed", FeedTable).items.values()} == {
            "device_info",
            "device_id",
        }
        await pilot.press("escape")
        await pilot.pause()
        assert feed.row_count == len(SCENARIO)

        # p: pause keeps the screen still while the session grows, resume catches up
        await pilot.press("p")
        append(store.findings, finding(50, org="Paused Corp"))
        await wait_for(pilot, lambda: app.state.findings == len(SCENARIO) + 1)
        assert "Paused Corp" not in screen_text(app)
        assert "PAUSED +1 new" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert "Paused Corp" in screen_text(app)

        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


def _assert_inert_screen(app: Dashboard) -> str:
    segments = screen_segments(app)
    text = "".join(s.text for s in segments)
    bad = [
        hex(ord(c)) for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    ]
    assert bad == [], bad
    for seg in segments:
        style = seg.style
        if style is None:
            continue
        assert not style.link, seg
        assert not (style.meta or {}).get("@click"), seg
        assert not style.blink, seg
    return text


async def test_hostile_content_is_shown_literally(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session([HOSTILE], app="\x1b]0;x\x07[b]app")
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == 1)
        text = _assert_inert_screen(app)
        assert "[bold red]EVIL[/] [@cli" in text
        assert "\\x1b]0;pwned\\x07evil.example" in text
        assert "body.json:\\u202egnp.exe\\u202c" in text
        assert "[blink]cat" in text
        assert "app \\x1b]0;x\\x07[b]app" in text
        assert app.title == "phonehome watch"

        await pilot.press("r")
        await pilot.pause()
        text = _assert_inert_screen(app)
        assert "\\x1b[31mred\\x1b[0m\\x9b1;1H" in text
        assert "A" * 100 not in text  # cut with an ellipsis in the feed

        await pilot.press("enter")
        await pilot.pause()
        text = _assert_inert_screen(app)
        assert "\\x1b]8;;https://evil.example\\x07click" in text
        assert ":smile: [i]x[/i]" in text
        assert "\\x1b[6n" in text
        assert "\\u202egnp.exe\\u202c\\u200b[link=https://x.example]here[/link]" in text
        assert "[bold red]EVIL[/] [@click=app.quit]org[/]" in text
        assert "characters in all" in text
        await pilot.press("escape")
        await pilot.press("q")
    assert app.return_value == 0


async def test_device_reads_panel_links_values_that_left(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO[:2])
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == 2)
        assert not app.query_one("#reads-panel").display
        append(
            store.hook_events,
            [
                {
                    "type": "hook:read",
                    "id": "12",
                    "ts": T0 + 0.5,
                    "api": "android.provider.Settings$Secure.getString",
                    "category": "device_id",
                    "value": "9774d56d682e549c",
                    "sdk": "com.appsflyer",
                    "org": "AppsFlyer",
                },
                {
                    "type": "hook:read",
                    "id": "13",
                    "ts": T0 + 0.7,
                    "api": "android.telephony.TelephonyManager.getImei",
                    "category": "device_id",
                    "value": "352916084017398",
                    "sdk": "com.example.app",
                    "org": "Example GmbH",
                },
            ],
        )
        await wait_for(pilot, lambda: len(app.state.reads) == 2)
        assert app.query_one("#reads-panel").display
        assert "not seen leaving" in screen_text(app)
        append(store.findings, SCENARIO[4])
        await wait_for(pilot, lambda: app.applied_findings == 3)
        text = screen_text(app)
        assert "Secure.getString" in text and "com.appsflyer" in text
        assert "1 values read" not in text and "2 values read, 1 seen leaving" in text
        app.query_one("#reads").focus()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "seen leaving to" in text and "AppsFlyer" in text


async def test_status_line_shows_proxy_stats_and_pinning(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO)
    append(
        store.proxy_events,
        [
            {"type": "proxy:stats", "flows": 1234, "findings": 8, "backlog": 7, "dropped": 2, "ts": T0},
            {"type": "proxy:pinning_suspected", "host": "pinned.bank.example", "ts": T0},
        ],
    )
    append(store.markers, {"ts": T0 + 3.5, "label": "consent-given", "text": "", "source": "cli"})
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == len(SCENARIO) and app.state.pinning)
        await pilot.pause(0.1)
        status = screen_text(app).splitlines()[-2]
        for part in (
            "flows 1,234",
            "findings 8 (1 cleartext)",
            "backlog 7 (2 dropped)",
            "pinning? 1 (pinned.bank.example)",
            "consent-given 1m 36s ago: 4 before / 4 after",
        ):
            assert part in status, (part, status)


async def test_opens_a_finished_session_and_a_missing_one(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session([finding(i) for i in range(3000)], end=T0 + 4000, name="done")
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == 3000)
        assert app.query_one("#feed").row_count == app.feed_rows
        assert "finished session" in screen_text(app)
    app = app_for(tmp_path / "not-yet")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.polls >= 2)
        assert "no consent marker yet" in screen_text(app)
        assert "waiting for findings.jsonl" in screen_text(app)
        await pilot.press("m")  # no directory to write the marker to: says so, keeps running
        await wait_for(
            pilot, lambda: any("could not write the marker" in n.message for n in app._notifications)
        )
        assert not (tmp_path / "not-yet").exists()


def test_newest_session_picks_the_latest_written(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    import os

    assert newest_session(tmp_path / "none") is None
    a = new_session(SCENARIO[:1], name="a")
    b = new_session(SCENARIO[:1], name="b")
    (tmp_path / "not-a-session").mkdir()
    os.utime(a.findings, (T0, T0))
    os.utime(a.session_json, (T0, T0))
    assert newest_session(tmp_path) == b.root
    append(a.findings, SCENARIO[1])
    assert newest_session(tmp_path) == a.root


async def test_filter_text_is_never_markup(tmp_path: Path, new_session: Callable[..., SessionStore]) -> None:
    store = new_session(SCENARIO + [finding(20, org="[/]Odd [b]Org")])
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == len(SCENARIO) + 1)
        await pilot.press("slash", *"[/]odd [b]", "enter")
        await pilot.pause()
        text = _assert_inert_screen(app)
        assert "filter: [/]odd [b]" in text
        assert {f.org for f in app.query_one("#feed", FeedTable).items.values()} == {"[/]Odd [b]Org"}


async def test_demo_replay_feeds_the_dashboard(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    from phonehome.views.dashboard.replay import replay_session

    src = new_session(SCENARIO, end=T0 + 60, name="recorded")
    with replay_session(src.root, pace=0) as replay:
        app = app_for(replay.target)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.applied_findings == len(SCENARIO))
            text = screen_text(app)
            assert "AppsFlyer" in text and "recorded" in text


async def test_thousands_of_organisations_show_the_top_ones(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    rows = [finding(i, org=f"host{i}.example", host=f"host{i}.example") for i in range(400)]
    rows += [finding(400 + i, org="Big Tracker", host="t.example") for i in range(5)]
    store = new_session(rows)
    app = app_for(store.root)
    app.matrix_rows = 50
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.applied_findings == len(rows))
        matrix = app.query_one("#matrix")
        assert matrix.row_count == 51  # 50 organisations + the third-party heading
        assert matrix.get_row_index("Big Tracker") == 1
        assert "top 50 of 401 organisations" in screen_text(app)
        append(store.findings, [finding(500 + i, org="Late Giant", host="g.example") for i in range(10)])
        await wait_for(pilot, lambda: app.applied_findings == len(rows) + 10)
        await wait_for(
            pilot, lambda: "Late Giant" in app.query_one("#matrix", MatrixTable).rows_by_org, timeout=5
        )
        assert matrix.get_row_index("Late Giant") == 1


async def test_status_line_says_saving_stopped(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO)
    append(
        store.proxy_events,
        [
            {"type": "proxy:stats", "flows": 80, "findings": 8, "backlog": 0, "dropped": 0, "ts": T0},
            {
                "type": "proxy:saving-stopped",
                "reason": "cannot write flows.journal: the disk is full\x1b[2J",
                "ts": T0,
            },
        ],
    )
    app = app_for(store.root)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.saving_stopped is not None)
        await pilot.pause(0.1)
        status = screen_text(app)
        assert "SAVING STOPPED" in status and "the disk is full" in status and "\x1b" not in status
