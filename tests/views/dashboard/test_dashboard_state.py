"""Incremental aggregation and tailing behind the dashboard (no UI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.dashboard import SCENARIO, T0, append, finding

from phonehome.store import SessionStore
from phonehome.views.dashboard.state import Batch, DashboardState, Query
from phonehome.views.dashboard.tail import SessionTail, read_chunk


def state_with(rows: list[dict], **batch: list) -> DashboardState:
    s = DashboardState(history=100)
    s.ingest(Batch(findings=rows, **batch))
    return s


def test_matrix_counts_first_seen_party_and_cleartext() -> None:
    s = state_with(SCENARIO)
    google = s.orgs["Google"]
    assert google.requests == 3 and google.findings == 3
    assert google.first_seen == T0 + 1
    assert google.cells["advertising_id"].requests == 1
    assert google.party == "third"
    assert s.orgs["Example GmbH"].is_first_party
    assert s.orgs["AppsFlyer"].cells["device_id"].cleartext == 1
    assert s.cleartext == 1
    order = [o.org for o in s.ordered_orgs()]
    assert order == ["Example GmbH", "Google", "Meta", "AppsFlyer"]
    assert s.ordered_categories()[:2] == ["advertising_id", "device_id"]


def test_changes_say_only_what_moved() -> None:
    s = state_with(SCENARIO)
    first = s.take_changes()
    assert first.new_categories and len(first.feed) == len(SCENARIO)
    s.ingest(Batch(findings=[finding(20, org="Meta", host="graph.facebook.com")]))
    ch = s.take_changes()
    assert ch.orgs == {"Meta"}
    assert not ch.new_categories
    assert [f.seq for f in ch.feed] == [len(SCENARIO) + 1]
    assert not s.take_changes()


def test_feed_overflow_asks_for_a_rebuild() -> None:
    s = DashboardState(history=10)
    s.ingest(Batch(findings=[finding(i) for i in range(25)]))
    ch = s.take_changes()
    assert ch.feed_overflow
    assert [f.seq for f in s.latest(5)] == [21, 22, 23, 24, 25]


def test_filtered_feed_reaches_back_beyond_the_shared_ring() -> None:
    s = DashboardState(history=40)
    rows = [finding(0, org="Rare Corp", category="contacts")] + [finding(i) for i in range(1, 200)]
    s.ingest(Batch(findings=rows))
    assert [f.org for f in s.latest(10, Query("rare"))] == ["Rare Corp"]
    assert [f.category for f in s.latest(10, Query("contact list"))] == ["contacts"]
    assert len(s.latest(10, Query("goo"))) == 10


def test_consent_counts_follow_the_last_consent_marker() -> None:
    s = state_with([finding(i) for i in range(10)])
    assert s.consent_counts() is None
    s.ingest(Batch(markers=[{"ts": T0 + 4, "label": "consent-given", "text": "", "source": "cli"}]))
    assert s.consent_counts() == (4, 6)
    s.ingest(
        Batch(markers=[{"ts": T0 + 7.5, "label": "consent-withdrawn"}, {"ts": T0 + 9.5, "label": "note"}])
    )
    assert s.consent_counts() == (8, 2)
    assert s.last_marker["label"] == "note"
    s.ingest(Batch(findings=[finding(0, ts=T0 - 5)]))  # late, out-of-order line
    assert s.consent_counts() == (9, 2)


READ = {
    "type": "hook:read",
    "id": "12",
    "ts": T0 + 0.5,
    "pid": 1,
    "api": "android.provider.Settings$Secure.getString",
    "category": "device_id",
    "value": "9774d56d682e549c",
    "sdk": "com.appsflyer",
    "org": "AppsFlyer",
}


@pytest.mark.parametrize("read_first", [True, False], ids=["read-then-finding", "finding-then-read"])
def test_device_read_linked_by_value(read_first: bool) -> None:
    s = DashboardState()
    batches = [Batch(hook_events=[READ]), Batch(findings=[SCENARIO[4]])]
    for b in batches if read_first else batches[::-1]:
        s.ingest(b)
    (r,) = s.reads.values()
    assert r.left_to == {"AppsFlyer": T0 + 4}


@pytest.mark.parametrize("read_first", [True, False], ids=["read-then-finding", "finding-then-read"])
def test_device_read_linked_by_runtime_reference(read_first: bool) -> None:
    read = {
        **READ,
        "id": "31",
        "value": "02:00:00:00:00:00",
        "api": "android.net.wifi.WifiInfo.getMacAddress",
    }
    hashed = finding(
        9,
        org="Adjust",
        host="app.adjust.com",
        category="device_id",
        value="5f1e…sha1",
        detector="runtime",
        rule="runtime:hook#31 WifiInfo.getMacAddress sha1",
        device_read="hook#31 WifiInfo.getMacAddress sha1",
    )
    s = DashboardState()
    batches = [Batch(hook_events=[read]), Batch(findings=[hashed])]
    for b in batches if read_first else batches[::-1]:
        s.ingest(b)
    (r,) = s.reads.values()
    assert list(r.left_to) == ["Adjust"]


def test_repeated_reads_aggregate_and_unsent_values_stay_unlinked() -> None:
    s = DashboardState()
    s.ingest(
        Batch(hook_events=[READ, {**READ, "id": "13", "ts": T0 + 9}, {**READ, "value": "other", "id": "14"}])
    )
    s.ingest(Batch(hook_events=[{"type": "hook:crypto", "id": "15"}]))
    assert len(s.reads) == 2
    r = s.reads[(READ["api"], READ["sdk"], READ["value"])]
    assert r.count == 2 and r.first_ts == T0 + 0.5 and r.ids == ["12", "13"]
    assert not r.left_to


def test_proxy_events_feed_the_status() -> None:
    s = DashboardState()
    s.ingest(
        Batch(
            proxy_events=[
                {"type": "proxy:stats", "flows": 120, "findings": 40, "backlog": 3, "dropped": 0},
                {"type": "proxy:pinning_suspected", "host": "api.pinned.example", "ts": T0},
                {"type": "proxy:pinning-suspected", "host": "api.pinned.example", "ts": T0 + 1},
                {"type": "proxy:error", "message": "x"},
            ]
        )
    )
    assert s.proxy_stats == {"flows": 120, "findings": 40, "backlog": 3, "dropped": 0}
    assert list(s.pinning) == ["api.pinned.example"]


def test_odd_rows_do_not_break_aggregation() -> None:
    s = state_with(
        [
            {},
            {"ts": "2026-11-26T14:00:00Z", "org": None, "host": "h.example", "category": "nope"},
            {"ts": "garbage", "value": 12345, "cleartext": "yes"},
            {"ts": True},
        ]
    )
    assert s.findings == 4
    assert "h.example" in s.orgs and "(unattributed)" in s.orgs
    assert s.orgs["h.example"].first_seen == T0
    assert s.cleartext == 0
    assert s.undated == 3


def test_read_chunk_leaves_torn_line_and_skips_damage(tmp_path: Path) -> None:
    p = tmp_path / "findings.jsonl"
    p.write_bytes(b'{"a":1}\nnot json\n[1]\n{"b":2}\n{"c":')
    objs, off, problems, more = read_chunk(p, 0)
    assert objs == [{"a": 1}, {"b": 2}]
    assert len(problems) == 2 and not more
    assert p.read_bytes()[off:] == b'{"c":'
    with p.open("ab") as f:
        f.write(b"3}\n")
    objs, off2, _, _ = read_chunk(p, off)
    assert objs == [{"c": 3}] and off2 == p.stat().st_size


def test_read_chunk_is_bounded_but_reads_a_long_line_whole(tmp_path: Path) -> None:
    p = tmp_path / "f.jsonl"
    long = '{"v":"' + "x" * 5000 + '"}\n'
    p.write_text('{"a":1}\n' * 100 + long + '{"z":1}\n')
    objs, off, _, more = read_chunk(p, 0, max_bytes=64)
    assert len(objs) == 8 and more
    total = objs
    while more:
        objs, off, _, more = read_chunk(p, off, max_bytes=64)
        total += objs
    assert len(total) == 102 and total[-2]["v"] == "x" * 5000


def test_tail_follows_all_session_files(tmp_path: Path, new_session: Callable[..., SessionStore]) -> None:
    store = new_session(SCENARIO[:2])
    tail = SessionTail(store, chunk=1 << 20)
    b = tail.poll()
    assert len(b.findings) == 2 and not b.more
    assert not tail.poll()
    append(store.hook_findings, finding(30, source="tls-hook"))
    append(store.markers, {"ts": T0, "label": "consent-given"})
    append(store.hook_events, READ)
    append(store.proxy_events, {"type": "proxy:stats", "flows": 1})
    b = tail.poll()
    assert (len(b.findings), len(b.markers), len(b.hook_events), len(b.proxy_events)) == (1, 1, 1, 1)


def test_tls_hook_copy_of_a_proxied_request_is_counted_once() -> None:
    from phonehome.views.dashboard.state import HOOK_HOLD_S, Batch, DashboardState

    now = [1000.0]
    state = DashboardState(clock=lambda: now[0])
    row = {
        "ts": 50.0,
        "host": "api.example.com",
        "url": "https://api.example.com/v1?id=1",
        "location": "query:id",
        "category": "device_id",
        "value": "9774d56d682e549c",
        "org": "Example",
    }
    hook_only = {
        **row,
        "host": "pinned.example.com",
        "url": "https://pinned.example.com/v1?id=1",
        "source": "tls-hook",
    }
    state.ingest(Batch(findings=[{**row, "source": "tls-hook"}, hook_only]))
    assert state.findings == 0  # both held while the proxy's analysis may still come
    state.ingest(Batch(findings=[{**row, "ts": 50.4, "source": "proxy"}]))
    assert state.findings == 1
    now[0] += HOOK_HOLD_S
    assert state.release_held() == 1  # only what the proxy never saw
    assert state.findings == 2
    assert {f.host for f in state.feed} == {"api.example.com", "pinned.example.com"}
