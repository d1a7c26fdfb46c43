"""The bundled TikTok-format and career-app sessions, recorded for real through mitmdump."""

from __future__ import annotations

import stat

import pytest
from support import compare as cs

from phonehome.analysis.sessions import load_inputs, load_session

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sessions(tiktok_session, career_session):
    return {"tiktok": tiktok_session, "career": career_session}


def _by_org(path):
    f = load_inputs([path]).findings
    return f, {org: set(g["category"]) for org, g in f.groupby("org")}


def test_tiktok_format_session_sends_identifiers_to_bytedance_before_consent(sessions):
    f, orgs = _by_org(sessions["tiktok"])
    assert set(orgs) == {"TikTok", "ByteDance"}
    assert {"advertising_id", "device_id", "contacts", "installed_apps", "network"} <= orgs["TikTok"]
    assert (f["party"] == "first").all(), "TikTok's own package: its hosts are the first party"
    before = f[f["consent"] == "before"]
    assert {"advertising_id", "device_id"} <= set(before["category"])
    # The recording is a real session store, owner-only.
    for path in sessions["tiktok"].iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_career_app_talks_to_its_own_api_and_one_crash_reporter_after_consent(sessions):
    f, orgs = _by_org(sessions["career"])
    third = f[f["party"] == "third"]
    assert set(third["org"]) == {"Sentry"}
    assert set(third["consent"]) == {"after"}
    assert set(third["host"]).pop().endswith(".ingest.de.sentry.io")
    assert not ({"advertising_id", "device_id"} & set(f["category"]))
    assert load_session(sessions["career"]).meta["app"] == "de.karrierekompass.demo"


def test_bundled_sessions_are_there():
    for name in ("tiktok-format", "career-app"):
        path = cs.CAPTURES / name
        assert (path / "flows.mitm").stat().st_size > 0, path
        assert load_session(path).meta["app"]
