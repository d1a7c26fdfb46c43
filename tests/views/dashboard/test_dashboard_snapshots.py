"""The dashboard's layout pinned by SVG snapshots at 160x45 (fixed data, clock and time zone).

Update after an intended change: `.venv/bin/pytest tests/views/dashboard/test_dashboard_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from support.dashboard import HOSTILE, SCENARIO, T0, FixedClock, append, finding, make_session, wait_for

from phonehome.views.dashboard import Dashboard

SIZE = (160, 45)

READS = [
    {
        "type": "hook:read",
        "id": "12",
        "ts": T0 + 0.5,
        "pid": 4242,
        "api": "android.provider.Settings$Secure.getString",
        "category": "device_id",
        "value": "9774d56d682e549c",
        "sdk": "com.appsflyer",
        "org": "AppsFlyer",
    },
    {
        "type": "hook:read",
        "id": "13",
        "ts": T0 + 0.6,
        "pid": 4242,
        "api": "com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo",
        "category": "advertising_id",
        "value": "38400000-8cf0-11bd-b23e-10b96e40000d",
        "sdk": "com.google.firebase.analytics",
        "org": "Google",
    },
    {
        "type": "hook:read",
        "id": "14",
        "ts": T0 + 0.9,
        "pid": 4242,
        "api": "android.telephony.TelephonyManager.getImei",
        "category": "device_id",
        "value": "352916084017398",
        "sdk": "com.example.app",
        "org": "Example GmbH",
    },
]


def _session(tmp_path: Path, rows: list[dict]) -> Path:
    store = make_session(tmp_path / "session-2026-11-26", rows)
    append(store.hook_events, READS)
    append(
        store.proxy_events,
        [
            {
                "type": "proxy:stats",
                "flows": 57,
                "findings": len(rows),
                "backlog": 0,
                "dropped": 0,
                "ts": T0 + 9,
            },
            {"type": "proxy:pinning_suspected", "host": "api.bank.example", "ts": T0 + 2},
        ],
    )
    append(store.markers, {"ts": T0 + 3.5, "label": "consent-given", "text": "", "source": "cli"})
    return store.root


def _app(root: Path, n: int) -> tuple[Dashboard, object]:
    app = Dashboard(root, interval=0.05, clock=FixedClock(T0 + 125), tz=UTC)

    async def loaded(pilot) -> None:
        await wait_for(
            pilot,
            lambda: (
                app.applied_findings == n and len(app.state.reads) == len(READS) and bool(app.state.pinning)
            ),
        )

    return app, loaded


@pytest.fixture
def scenario(tmp_path: Path) -> tuple[Dashboard, object]:
    rows = SCENARIO + [
        finding(
            8 + i,
            org="Google",
            category="app_activity",
            value=f"event_{i}",
            location=f"body.json:events[{i}].name",
        )
        for i in range(6)
    ]
    return _app(_session(tmp_path, rows), len(rows))


def test_snapshot_overview(snap_compare, scenario) -> None:
    app, loaded = scenario
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_snapshot_evidence(snap_compare, scenario) -> None:
    app, loaded = scenario
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded, press=["enter"])


def test_snapshot_filtered_and_revealed(snap_compare, scenario) -> None:
    app, loaded = scenario
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded, press=["slash", *"meta", "enter", "r"])


def test_snapshot_hostile_content(snap_compare, tmp_path: Path) -> None:
    app, loaded = _app(_session(tmp_path, [HOSTILE]), 1)
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded, press=["r"])
