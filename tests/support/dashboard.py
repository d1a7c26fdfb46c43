"""Helpers for the dashboard tests and benchmark: finding rows, a growing session, waits."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from phonehome.store import JsonlWriter, SessionStore

T0 = datetime(2026, 11, 26, 14, 0, 0, tzinfo=UTC).timestamp()
"""Fixed start of the test sessions (14:00:00 UTC)."""


def finding(
    i: int = 0,
    *,
    org: str = "Google",
    host: str = "app-measurement.com",
    category: str = "advertising_id",
    value: str = "38400000-8cf0-11bd-b23e-10b96e40000d",
    location: str = "body.json:events[0].adid",
    party: str = "third",
    cleartext: bool = False,
    ts: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A finding row as the live worker writes it to findings.jsonl."""
    scheme = "http" if cleartext else "https"
    row: dict[str, Any] = {
        "flow_id": f"flow-{i}",
        "ts": T0 + i if ts is None else ts,
        "source": "proxy",
        "app": "com.example.app",
        "kind": "http",
        "method": "POST",
        "url": f"{scheme}://{host}/a?adid={value}",
        "host": host,
        "domain": host,
        "category": category,
        "org": org,
        "parent": None,
        "purpose": "advertising" if party == "third" else "first_party",
        "party": party,
        "country": "US",
        "org_source": "bundled",
        "cleartext": cleartext,
        "location": location,
        "key": location.split(":")[-1].rsplit(".", 1)[-1],
        "decoding": "json",
        "value": value,
        "detector": "profile",
        "rule": "profile:device.advertising_id",
        "confidence": 0.95,
        "consent": "unmarked",
        "device_read": None,
        "evidence": f"value {value} matched the device profile",
        "notes": None,
    }
    row.update(extra)
    return row


SCENARIO: list[dict[str, Any]] = [
    finding(
        0,
        org="Example GmbH",
        host="api.example.com",
        category="user_id",
        value="user-4711",
        location="header:X-User",
        party="first",
    ),
    finding(1),
    finding(2, category="device_info", value="Pixel 7", location="header:User-Agent"),
    finding(
        3,
        org="Meta",
        host="graph.facebook.com",
        category="advertising_id",
        location="body.form:advertiser_id",
    ),
    finding(
        4,
        org="AppsFlyer",
        host="t.appsflyer.com",
        category="device_id",
        value="9774d56d682e549c",
        location="body.json:android_id",
        cleartext=True,
    ),
    finding(
        5,
        org="Meta",
        host="graph.facebook.com",
        category="location_coarse",
        value="Berlin",
        location="body.form:city",
    ),
    finding(
        6,
        org="Google",
        host="firebaselogging-pa.googleapis.com",
        category="app_activity",
        value="screen_view",
        location="body.json:events[3].name",
    ),
    finding(
        7,
        org="Example GmbH",
        host="api.example.com",
        category="contact_info",
        value="anna@example.org",
        location="body.json:email",
        party="first",
    ),
]


# A finding whose every field tries to act on the terminal or on markup parsers.
HOSTILE = finding(
    1,
    org="[bold red]EVIL[/] [@click=app.quit]org[/]",
    host="\x1b]0;pwned\x07evil.example\x1b[2J\x1b[H",
    category="[blink]cat\x1b[5m",
    location="body.json:\u202egnp.exe\u202c\u200b[link=https://x.example]here[/link]",
    value="\x1b[31mred\x1b[0m\x9b1;1H\x90dcs\x9c\x1bP+q\x1b\\" + "A" * 20000,
    evidence="\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 :smile: [i]x[/i]",
    url="https://evil.example/\x1b[6n",
    party="third",
)


class FixedClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_session(root: Path, rows: list[dict[str, Any]] = (), **meta: Any) -> SessionStore:  # type: ignore[assignment]
    store = SessionStore.create(root)
    store.write_meta({"start": T0, "app": "com.example.app", **meta})
    if rows:
        append(store.findings, rows)
    return store


def append(path: Path, rows: list[dict[str, Any]] | dict[str, Any]) -> None:
    with JsonlWriter(path) as w:
        w.write_many(rows if isinstance(rows, list) else [rows])


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `predicate()` holds (fails the test after `timeout`)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the dashboard")
        await pilot.pause(0.02)
    await pilot.pause()


def screen_segments(app: Any) -> list[Any]:
    """The text segments the app would write to the terminal for a full repaint (cursor
    movements, which the compositor adds itself, left out)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [seg for seg in console.render(update) if not seg.control]


def screen_text(app: Any) -> str:
    """What the terminal shows right now, as plain text (one line per terminal row)."""
    return "".join(seg.text for seg in screen_segments(app))


def wait_sync(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
