"""Loading sessions: recorded findings, hook findings the proxy also saw, consent, replay of the sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from phonehome.analysis.readers import ReadStats
from phonehome.analysis.sessions import load_inputs, load_session, without_proxied_duplicates
from phonehome.store import SessionStore

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample"


def _row(ts: float, source: str, value: str = "9774d56d682e549c", host: str = "api.example.com") -> dict:
    return {
        "ts": ts,
        "source": source,
        "host": host,
        "url": f"https://{host}/v1?id={value}",
        "location": "query:id",
        "category": "device_id",
        "value": value,
        "org": "unknown",
        "detector": "profile",
        "rule": "profile:device.android_id exact",
        "confidence": 0.99,
    }


def test_hook_findings_the_proxy_also_saw_are_dropped() -> None:
    proxy = [_row(100.0, "proxy")]
    hooks = [
        _row(100.4, "tls-hook"),
        _row(300.0, "tls-hook"),
        _row(100.2, "tls-hook", host="pinned.example.com"),
    ]
    kept = without_proxied_duplicates(hooks, proxy)
    assert [(r["ts"], r["host"]) for r in kept] == [(300.0, "api.example.com"), (100.2, "pinned.example.com")]


def test_load_session_reads_both_streams_and_labels_consent(tmp_path: Path) -> None:
    store = SessionStore.create(tmp_path / "s")
    with open(store.findings, "w") as f:
        f.write(json.dumps(_row(100.0, "proxy")) + "\n")
        f.write('{"torn": \n')
    with open(store.hook_findings, "w") as f:
        f.write(
            json.dumps(_row(100.5, "tls-hook"))
            + "\n"
            + json.dumps(_row(200.0, "tls-hook", host="pin.example.com"))
            + "\n"
        )
    store.mark("consent-given", ts=150.0)
    data = load_session(store.root)
    assert list(data.findings["host"]) == ["api.example.com", "pin.example.com"]
    assert list(data.findings["consent"].astype(str)) == ["before", "after"]
    assert any("damaged line" in p for p in data.problems)


def test_replaying_the_sample_session_matches_what_it_recorded(tmp_path: Path) -> None:
    """The sample was recorded live through the addon; replay must find the same things."""
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    recorded = load_session(copy).findings
    replayed = load_inputs([copy]).findings
    key = ["flow_id", "location", "category", "detector", "rule", "consent"]
    as_set = lambda frame: {tuple(str(v) for v in row) for row in frame[key].itertuples(index=False)}  # noqa: E731
    assert len(recorded) > 50
    assert as_set(replayed) == as_set(recorded)


def test_replay_uses_the_sessions_own_body_cap(tmp_path: Path) -> None:
    from phonehome.analysis.sessions import plan_replay

    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    store = SessionStore(copy)
    store.update_meta(body_cap=64)
    plan = plan_replay([copy])
    assert plan.body_cap == 64
    rows = list(plan.rows(ReadStats()))
    assert any("capped at 64" in (r.get("notes") or "") for r in rows)
