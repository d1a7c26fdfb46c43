"""The live addon in-process: options, hooks that never raise, the worker's per-item error handling,
FlowWriter-identical serialisation, and the consent marker (mitmproxy command and CLI)."""

from __future__ import annotations

import json
import logging
import marshal
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mitmproxy import exceptions, http, tls
from mitmproxy.io import tnetstring
from mitmproxy.proxy import context
from mitmproxy.test import taddons, tflow

from phonehome.addons import _worker
from phonehome.addons.phonehome import PhoneHome
from phonehome.analysis.records import records_from_state
from phonehome.cli import main as cli_main
from phonehome.store import SessionStore, read_jsonl
from phonehome.store import flowbytes as _flowbytes
from phonehome.store import journal as _journal

REPO = Path(__file__).resolve().parents[2]
ADDON = REPO / "addons" / "phonehome.py"

PROFILE = """\
[device]
android_id = "9774d56d682e549c"
advertising_id = "38400000-8cf0-11bd-b23e-10b96e40000d"

[person]
email = "lena.beispiel@posteo.de"

[apps]
under_test = "de.example.app"
"""


class NoProcessWorker(_worker.Worker):
    """The real proxy-side handle without its process: the addon's journal stays for the test to
    read (and `done()` saves it to flows.mitm with `_journal.recover`, as after a failed worker)."""

    def start(self) -> None:
        pass


def journal_records(root: Path) -> list[tuple[str, Any]]:
    """(kind, payload) of every record in root/flows.journal; marshal payloads decoded."""
    fd = os.open(root / _journal.JOURNAL, os.O_RDONLY)
    try:
        out = []
        for rec in _journal.read_records(fd, 0, os.fstat(fd).st_size):
            kind = chr(rec.kind)
            out.append((kind, marshal.loads(rec.payload) if kind in "chme" else rec.payload))
        return out
    finally:
        os.close(fd)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    p = tmp_path / "device.toml"
    p.write_text(PROFILE)
    return p


def events(root: Path) -> list[dict[str, Any]]:
    return read_jsonl(root / "proxy-events.jsonl").objects


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"phonehome_queue": 0}, "phonehome_queue", id="queue-zero"),
        pytest.param({"phonehome_queue": -5}, "phonehome_queue", id="queue-negative"),
        pytest.param({"phonehome_queue_mb": 0}, "phonehome_queue_mb", id="queue-mb-zero"),
        pytest.param({"phonehome_body_cap": 0}, "phonehome_body_cap", id="body-cap-zero"),
        pytest.param({"phonehome_worker_share": 0.0}, "phonehome_worker_share", id="worker-share-zero"),
        pytest.param({"phonehome_worker_share": 1.5}, "phonehome_worker_share", id="worker-share-above-one"),
        pytest.param(
            {"phonehome_first_party": ["https://x.de/"]}, "phonehome_first_party", id="first-party-url"
        ),
        pytest.param({"phonehome_app": "de.example app"}, "phonehome_app", id="app-with-space"),
    ],
)
def test_bad_options_are_options_errors(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match=message):
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), **options)


def test_missing_profile_names_the_file(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    missing = tmp_path / "nope.toml"
    with taddons.context(addon) as tctx:
        with pytest.raises(
            exceptions.OptionsError, match=r"phonehome_profile: .*nope\.toml: no such profile file"
        ):
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), phonehome_profile=str(missing))


def test_bad_profile_key_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[device]\nandroid_idd = "x"\n')
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError) as e:
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), phonehome_profile=str(bad))
    assert "bad.toml" in str(e.value) and "device.android_idd" in str(e.value)


def test_session_dir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match="not a directory"):
            tctx.configure(addon, phonehome_session=str(f))


def test_default_session_dir_is_captures_timestamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_queue=10)
        addon.running()
        root = addon.config.session_dir
        assert root.parent == tmp_path / "captures"
        assert root.name.endswith("Z") and len(root.name) == len("20260101T000000Z")
        addon.done()
    assert (root / "session.json").exists()


def test_options_cannot_change_while_recording(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(tmp_path / "s"))
        addon.running()
        with pytest.raises(exceptions.OptionsError, match="cannot be changed"):
            tctx.configure(addon, phonehome_queue=5)
        addon.done()


def test_script_drops_its_folder_from_sys_path() -> None:
    addon_dir = str(ADDON.parent)
    with taddons.context() as tctx:
        module = tctx.script(str(ADDON))
        assert type(module.addons[0]).__name__ == "PhoneHome"
        assert addon_dir not in [os.path.abspath(p or os.curdir) for p in sys.path]
        # `phonehome` resolved to the package, not to the script itself
        assert module.SessionStore.__module__ == "phonehome.store"
        assert Path(sys.modules["phonehome"].__file__).parent.name == "phonehome"


# -- the session store --------------------------------------------------------------------------


def test_session_files_and_meta(tmp_path: Path, profile: Path) -> None:
    root = tmp_path / "s"
    addon = PhoneHome(worker_factory=NoProcessWorker, clock=lambda: 1_800_000_000.0)
    with taddons.context(addon) as tctx:
        tctx.configure(
            addon,
            phonehome_session=str(root),
            phonehome_profile=str(profile),
            phonehome_first_party=["Example-App.de", "cdn.example-app.de"],
            phonehome_body_cap=1234,
        )
        addon.running()
        f = tflow.tflow(resp=True)
        addon.response(f)
        addon.response(f)  # a second hook for the same flow is not a second flow
        addon.done()
    assert oct(root.stat().st_mode & 0o777) == "0o700"
    for name in ("session.json", "flows.mitm", "proxy-events.jsonl", "device.toml"):
        assert oct((root / name).stat().st_mode & 0o777) == "0o600", name
    meta = json.loads((root / "session.json").read_text())
    assert meta["start_ts"] == meta["end_ts"] == 1_800_000_000.0
    assert meta["start"].startswith("2027-01-15T")
    assert meta["app"] == "de.example.app"  # from the profile
    assert meta["first_party"] == ["example-app.de", "cdn.example-app.de"]
    assert meta["body_cap"] == 1234
    assert meta["profile_copy"] == "device.toml"
    assert set(meta["versions"]) >= {"phonehome", "mitmproxy", "python"}
    assert (root / "device.toml").read_text() == PROFILE
    assert addon.stats["flows"] == 1 and addon.stats["enqueued"] == 1
    assert not (root / _journal.JOURNAL).exists() and not (root / _journal.POSITION).exists()
    from mitmproxy import io as mitm_io

    with (root / "flows.mitm").open("rb") as fh:
        assert [x.id for x in mitm_io.FlowReader(fh).stream()] == [f.id]


def test_websocket_hooks_hand_over_client_messages_only(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(tmp_path / "s"))
        addon.running()
        f = tflow.twebsocketflow()
        messages = list(f.websocket.messages)
        f.websocket.messages = []
        addon.response(f)  # the handshake's response hook: saved at websocket_end instead
        addon.websocket_start(f)
        for m in messages:
            f.websocket.messages.append(m)
            addon.websocket_message(f)
        addon.websocket_end(f)
        records = journal_records(addon.store.root)
        n_client = sum(1 for m in messages if m.from_client)
        assert [k for k, _ in records if k != "c"] == ["s"] + ["m"] * n_client + ["v", "e"]
        indexes = [p[1] for k, p in records if k == "m"]
        assert indexes == [i for i, m in enumerate(messages) if m.from_client]
        assert {p[0] for k, p in records if k == "m"} == {f.id} and records[-1] == ("e", f.id)
        assert addon.worker.backlog() == 1 + n_client  # the handshake and the client's messages
        addon.done()


def test_analysis_dropped_by_the_worker_is_reported_once(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        for _ in range(3):
            addon.response(tflow.tflow(resp=True))
        addon.worker.counters[_worker.C_DROPPED] = 3  # the worker skipped their analysis
        addon.tick()
        addon.tick()  # nothing new dropped: no second backlog event
        addon.done()
    assert addon.stats["enqueued"] == 3
    backlog = [e for e in events(root) if e["type"] == "proxy:backlog"]
    assert len(backlog) == 1 and backlog[0]["dropped"] == 3 and backlog[0]["backlog"] == 3
    stats = [e for e in events(root) if e["type"] == "proxy:stats"]
    assert stats[-1]["final"] is True and stats[-1]["dropped"] == 3


def test_hook_never_raises_and_logs_the_flow_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()

        def boom(*_args: Any) -> None:
            raise RuntimeError("serialiser exploded")

        addon.journal.http_flow = boom  # type: ignore[method-assign]
        addon.journal.raw = boom  # type: ignore[method-assign]
        f = tflow.tflow(resp=True)
        with caplog.at_level(logging.ERROR):
            addon.response(f)
            addon.error(tflow.tflow(err=True))
            addon.websocket_start(tflow.twebsocketflow())
        addon.done()
    assert f.id in caplog.text and "serialiser exploded" in caplog.text
    errors = [e for e in events(root) if e["type"] == "proxy:error"]
    assert errors[0]["flow_id"] == f.id and errors[0]["where"] == "response"
    assert addon.stats["hook_errors"] == 3


def test_tls_failed_client_is_a_pinning_event(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        client = tflow.tclient_conn()
        client.sni = "pinned.example.test"
        client.error = "Client TLS handshake failed. The client does not trust the proxy's certificate"
        client.peername = ("127.0.0.1", 51234)
        ctx = context.Context(client, tctx.options)
        addon.tls_failed_client(tls.TlsData(client, ctx))
        addon.done()
    [e] = [e for e in events(root) if e["type"] == "proxy:pinning_suspected"]
    assert e["host"] == "pinned.example.test" and e["client"] == "127.0.0.1:51234"
    assert "does not trust" in e["error"] and isinstance(e["ts"], float)


# -- worker-side processing -----------------------------------------------------------------------


class ListWriter:
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def write(self, obj: dict[str, Any]) -> None:
        self.lines.append(obj)

    def write_many(self, objs: list[dict[str, Any]]) -> None:
        self.lines.extend(objs)


class ExplodingAnalyser:
    app = None

    def analyse_record(self, record: Any) -> list[dict[str, Any]]:
        raise ValueError(f"cannot analyse {record.flow_id}")


def _journal_of(path: Path, write: Any) -> list[_journal.Record]:
    """Records written by `write(JournalWriter)` to `path`, read back."""
    w = _journal.JournalWriter(path)
    write(w)
    w.close()
    fd = os.open(path, os.O_RDONLY)
    try:
        return list(_journal.read_records(fd, 0, os.fstat(fd).st_size))
    finally:
        os.close(fd)


def _processor(
    tmp_path: Path, analyser: Any, **kw: Any
) -> tuple[_worker.Processor, ListWriter, ListWriter, list[int]]:
    findings, evts = ListWriter(), ListWriter()
    counters = [0] * _worker.N_COUNTERS
    fd = os.open(tmp_path / "flows.mitm", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    kw.setdefault("body_cap", 10**6)
    return (
        _worker.Processor(analyser, findings=findings, events=evts, counters=counters, flows_fd=fd, **kw),
        findings,
        evts,
        counters,
    )


def test_worker_analysis_error_is_logged_with_flow_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    f = tflow.tflow(resp=True)
    records = _journal_of(
        tmp_path / "j",
        lambda w: (
            w.http_flow(f),
            w.marshalled(_journal.KIND_WS_MSG, ("no-such-flow", 0, (1, True, b"x", 0.0, False, False))),
        ),
    )
    proc, findings, evts, counters = _processor(tmp_path, ExplodingAnalyser(), body_cap=100)
    with caplog.at_level(logging.ERROR):
        for rec in records:
            assert proc.handle(rec) is False
    assert f.id in caplog.text and "no-such-flow" in caplog.text
    assert [e["flow_id"] for e in evts.lines] == [f.id, "no-such-flow"]
    assert counters[_worker.C_ERRORS] == 2 and counters[_worker.C_ITEMS] == 2
    assert findings.lines == []
    # the flow was saved before its analysis failed
    assert (tmp_path / "flows.mitm").read_bytes() == _flowbytes.plain_bytes(f)
    assert counters[_worker.C_SAVED] == 1 and counters[_worker.C_JOURNAL_DONE] == records[-1].end


class OneFinding:
    app = "de.example.app"

    def analyse_record(self, record: Any) -> list[dict[str, Any]]:
        return [{"flow_id": record.flow_id, "ts": record.ts, "location": "x", "category": "device_id"}]


def test_worker_caps_bodies_and_reports_it(tmp_path: Path) -> None:
    f = tflow.tflow(resp=True)
    f.request.content = b"a" * 100
    records = _journal_of(tmp_path / "j", lambda w: w.http_flow(f))
    proc, findings, evts, counters = _processor(tmp_path, OneFinding(), body_cap=10)
    for rec in records:
        proc.handle(rec)
    assert [e["type"] for e in evts.lines] == ["proxy:body-capped"]
    assert evts.lines[0]["size"] == 100 and evts.lines[0]["cap"] == 10
    assert len(findings.lines) == 1 and findings.lines[0]["flow_id"] == f.id
    assert counters[_worker.C_CAPPED] == 1


def test_worker_behind_saves_without_analysing(tmp_path: Path) -> None:
    flows = [tflow.tflow(resp=True) for _ in range(4)]
    records = _journal_of(tmp_path / "j", lambda w: [w.http_flow(f) for f in flows])
    proc, findings, _evts, counters = _processor(tmp_path, OneFinding(), queue_size=1)
    counters[_worker.C_SUBMITTED] = 4  # the proxy journaled four at once
    for rec in records:
        proc.handle(rec)
    # taken one by one: 3 and 2 still waiting behind the first two (more than 1), then 1 and 0
    assert counters[_worker.C_DROPPED] == 2 and counters[_worker.C_ITEMS] == 4
    assert [r["flow_id"] for r in findings.lines] == [flows[2].id, flows[3].id]
    assert counters[_worker.C_SAVED] == 4
    assert (tmp_path / "flows.mitm").read_bytes() == b"".join(_flowbytes.plain_bytes(f) for f in flows)


def test_worker_keeps_to_its_share_of_a_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    naps: list[float] = []
    monkeypatch.setattr(_worker.time, "sleep", naps.append)
    proc, *_ = _processor(tmp_path, OneFinding(), cpu_share=0.25)
    proc._pace(0.001)  # owes 3 ms: less than a nap
    assert naps == []
    proc._pace(0.001)  # owes 6 ms: sleeps them off
    assert naps == [pytest.approx(0.006)] and proc.slept == pytest.approx(0.006)
    full, *_ = _processor(tmp_path, OneFinding(), cpu_share=1.0)
    full._pace(1.0)
    assert naps == [pytest.approx(0.006)]  # a whole core: never sleeps


def test_worker_finishes_the_journal_after_the_proxy_died(tmp_path: Path) -> None:
    flows = [tflow.tflow(resp=True) for _ in range(3)]
    ws = tflow.twebsocketflow()
    messages, ws.websocket.messages = ws.websocket.messages, []
    journal = tmp_path / "j"

    def write(w: _journal.JournalWriter) -> None:
        w.http_flow(flows[0])
        w.raw(_journal.KIND_WS_START, w.flow_bytes.parts(ws))
        for i, m in enumerate(messages):
            if m.from_client:
                w.marshalled(_journal.KIND_WS_MSG, (ws.id, i, m.get_state()))
        w.http_flow(flows[1])
        w.http_flow(flows[2])

    records = _journal_of(journal, write)
    with journal.open("ab") as fh:  # the proxy was killed in the middle of a record
        fh.write(_journal.HEADER.pack(5000, _journal.KIND_HTTP) + b"\x00" * 100)
    proc, findings, evts, counters = _processor(tmp_path, OneFinding())
    fd = os.open(journal, os.O_RDONLY)
    try:
        how = proc.follow(fd, 0, parent_alive=lambda: False, journal_path=journal)
    finally:
        os.close(fd)
    assert how == "proxy gone"
    n_client = sum(1 for m in messages if m.from_client)
    assert [r["flow_id"] for r in findings.lines] == [flows[0].id, ws.id] + [ws.id] * n_client + [
        flows[1].id,
        flows[2].id,
    ]
    assert counters[_worker.C_JOURNAL_DONE] == records[-1].end
    assert "incomplete record of 105 bytes" in evts.lines[-1]["error"]
    assert (tmp_path / "flows.mitm").read_bytes() == b"".join(_flowbytes.plain_bytes(f) for f in flows)


def test_worker_stops_at_a_damaged_record(tmp_path: Path) -> None:
    f = tflow.tflow(resp=True)
    journal = tmp_path / "j"
    _journal_of(journal, lambda w: w.http_flow(f))
    with journal.open("ab") as fh:
        fh.write(b"\x05\x00\x00\x00?garbage")
    proc, _findings, evts, _counters = _processor(tmp_path, OneFinding())
    fd = os.open(journal, os.O_RDONLY)
    try:
        assert proc.follow(fd, 0, parent_alive=lambda: True, journal_path=journal) == "damaged"
    finally:
        os.close(fd)
    assert "unknown record kind 63" in evts.lines[-1]["error"]
    assert (tmp_path / "flows.mitm").read_bytes() == _flowbytes.plain_bytes(f)


# -- serialisation identical to FlowWriter ----------------------------------------------------------


def _flows() -> list[Any]:
    f1 = tflow.tflow(resp=True)
    f2 = tflow.tflow(err=True)
    f3 = tflow.twebsocketflow()
    f4 = tflow.tflow(resp=True)
    f4.request.content = "Grüße ✓".encode() * 1000
    f4.metadata["note"] = {"a": [1, 2.5, None, True], "ü": b"\x00"}
    f4.comment = "kommentar ✓"
    f5 = tflow.tflow(resp=True, client_conn=f1.client_conn, server_conn=f1.server_conn)
    return [f1, f2, f3, f4, f5]


def test_fast_serialisation_equals_flowwriter() -> None:
    fb = _flowbytes.FlowBytes(verify_first=0, verify_every=10**9)
    flows = _flows()
    for f in flows:
        assert fb(f) == _flowbytes.plain_bytes(f)
    assert fb.conn_hits >= 2  # f5 reuses f1's connections
    # A connection that changes is encoded again.
    flows[0].server_conn.timestamp_end = 1234.5
    flows[0].client_conn.sni = "changed.example"
    assert fb(flows[0]) == _flowbytes.plain_bytes(flows[0])
    assert fb.fast


def _variant(name: str) -> Any:
    """A flow off the usual shape in one way (each takes another branch of the fast path)."""
    f = tflow.tflow(resp=True)
    f.request.timestamp_start = 1795714797.7005284  # float timestamps as in live traffic
    f.response.timestamp_end = 1795714797.7009578
    if name == "float-timestamps":
        pass
    elif name == "big-bodies":
        f.request.content = b"{" + b"x" * 200_000 + b"}"
        f.response.content = b"\x00\xff" * 50_000
    elif name == "no-content":
        f.request.content = None
        f.response.content = None
    elif name == "trailers":
        f.response.trailers = http.Headers([(b"grpc-status", b"0")])
    elif name == "unicode-host":
        f.request.host = "bücher.example"
        f.request.authority = "bücher.example".encode("idna")
    elif name == "replay-marked":
        f.is_replay = "request"
        f.marked = ":star:"
    elif name == "intercepted":
        f.intercepted = True
    elif name == "no-timestamps":
        f.response.timestamp_end = None
    elif name == "http2":
        f.request.http_version = "HTTP/2.0"
        f.request.headers = http.Headers([(b":custom", b"1"), (b"x-empty", b"")])
    elif name == "empty-headers":
        f.response.headers = http.Headers()
    elif name == "no-response":
        f.response = None
    return f


@pytest.mark.parametrize(
    "name",
    [
        "float-timestamps",
        "big-bodies",
        "no-content",
        "trailers",
        "unicode-host",
        "replay-marked",
        "intercepted",
        "no-timestamps",
        "http2",
        "empty-headers",
        "no-response",
    ],
)
def test_fast_paths_equal_flowwriter(name: str) -> None:
    fb = _flowbytes.FlowBytes(verify_first=0, verify_every=10**9)
    f = _variant(name)
    assert fb(f) == _flowbytes.plain_bytes(f)


def test_fast_serialisation_switches_off_on_mismatch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fb = _flowbytes.FlowBytes(verify_first=5)
    f = tflow.tflow(resp=True)
    monkeypatch.setattr(fb, "_fast", lambda _f: [b"wrong"])
    with caplog.at_level(logging.WARNING):
        assert fb(f) == _flowbytes.plain_bytes(f)
    assert not fb.fast and f.id in caplog.text


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.binary(max_size=20)
    | st.text(max_size=20)
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_values)
def test_encoder_equals_mitmproxy_tnetstring(value: Any) -> None:
    assert _flowbytes.dumps(value) == tnetstring.dumps(value)


# -- consent markers ---------------------------------------------------------------------------------


def test_mark_command(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        tctx.command(addon.mark, "consent-given", "tapped", "Accept", "all")
        tctx.command(addon.mark, "note")
        with pytest.raises(exceptions.CommandError, match="unknown marker"):
            tctx.command(addon.mark, "consent-maybe")
        addon.done()
    markers = SessionStore(root).read_markers()
    assert [(m["label"], m["text"], m["source"]) for m in markers] == [
        ("consent-given", "tapped Accept all", "mitmproxy"),
        ("note", "", "mitmproxy"),
    ]
    assert json.loads((root / "session.json").read_text())["markers"] == markers


def test_mark_command_without_session() -> None:
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.CommandError, match="no session"):
            tctx.command(addon.mark, "consent-given")


def test_mark_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "s"
    SessionStore.create(root).write_meta({"app": "x"})
    assert cli_main(["mark", str(root), "consent-refused", "closed", "the", "banner"]) == 0
    assert "consent-refused: closed the banner" in capsys.readouterr().out
    [m] = SessionStore(root).read_markers()
    assert (m["label"], m["text"], m["source"]) == ("consent-refused", "closed the banner", "cli")
    assert oct((root / "markers.jsonl").stat().st_mode & 0o777) == "0o600"
    assert cli_main(["mark", str(tmp_path / "missing"), "note"]) == 2
    (tmp_path / "empty").mkdir()
    assert cli_main(["mark", str(tmp_path / "empty"), "note"]) == 2
    with pytest.raises(SystemExit) as e:
        cli_main(["mark", str(root), "consent-perhaps"])
    assert e.value.code == 2


@pytest.mark.parametrize("short_write", [False, True], ids=["writev", "short-writev"])
def test_flow_file_is_flowwriter_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_write: bool
) -> None:
    if short_write:  # writev may take less than everything (disk nearly full): the rest is written after it
        real = os.writev
        monkeypatch.setattr(os, "writev", lambda fd, parts: real(fd, [b"".join(parts)[:7]]))
    addon = PhoneHome(worker_factory=NoProcessWorker)
    root = tmp_path / "s"
    flows = [
        _variant(n) for n in ("float-timestamps", "big-bodies", "no-content", "trailers", "replay-marked")
    ]
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        for f in flows:
            addon.response(f)
        kinds = [k for k, _ in journal_records(root)]
        addon.done()  # no worker ran: the journal is saved by recover()
    assert [k for k in kinds if k != "c"] == ["h", "h", "h", "h", "f"]  # a marked replay is not usual
    assert kinds.count("c") == 8  # each flow came on connections of its own
    data = (root / "flows.mitm").read_bytes()
    assert data == b"".join(_flowbytes.plain_bytes(f) for f in flows)
    assert not (root / _journal.JOURNAL).exists()


@pytest.mark.parametrize(
    "name",
    [
        "float-timestamps",
        "big-bodies",
        "no-content",
        "trailers",
        "unicode-host",
        "replay-marked",
        "intercepted",
        "no-timestamps",
        "http2",
        "empty-headers",
    ],
)
def test_journal_rebuilds_flowwriter_bytes(tmp_path: Path, name: str) -> None:
    f = _variant(name)
    conns = _journal.Connections()
    records = _journal_of(tmp_path / "j", lambda w: w.http_flow(f))
    decoded = [d for d in (_journal.decode(r, conns) for r in records) if d[0] is not None]
    assert [b for b, _ in decoded] == [_flowbytes.plain_bytes(f)]
    # The state handed to the analysis is what replay reads from those bytes (tuples aside), so
    # live records equal replayed ones.
    ((data, state),) = decoded
    if state is not None:
        assert _lists(state) == _lists(tnetstring.loads(data))
        assert records_from_state(state, source="proxy", app=None, body_cap=10**6) == records_from_state(
            tnetstring.loads(data), source="proxy", app=None, body_cap=10**6
        )


def _lists(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_lists(x) for x in v]
    if isinstance(v, dict):
        return {k: _lists(x) for k, x in v.items()}
    return v


def test_journal_checks_itself_against_flowwriter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_journal, "http_parts", lambda record, conns: [b"wrong"])
    f = tflow.tflow(resp=True)
    w = _journal.JournalWriter(tmp_path / "j", verify_first=5)
    with caplog.at_level(logging.WARNING):
        w.http_flow(f)
    w.close()
    assert not w.fast and f.id in caplog.text
    fd = os.open(tmp_path / "j", os.O_RDONLY)
    kinds = [chr(r.kind) for r in _journal.read_records(fd, 0, os.fstat(fd).st_size)]
    os.close(fd)
    assert kinds == ["c", "c", "f"]  # the flow went as FlowWriter bytes


def test_recover_resumes_where_the_worker_stopped(tmp_path: Path) -> None:
    flows = [tflow.tflow(resp=True) for _ in range(4)]
    shared = tflow.tflow(resp=True, client_conn=flows[0].client_conn, server_conn=flows[0].server_conn)
    journal = tmp_path / _journal.JOURNAL
    records = _journal_of(journal, lambda w: [w.http_flow(f) for f in [*flows[:2], shared, *flows[2:]]])
    done = [r for r in records if r.kind == _journal.KIND_HTTP][1]  # the worker had saved two flows...
    first_two = _flowbytes.plain_bytes(flows[0]) + _flowbytes.plain_bytes(flows[1])
    (tmp_path / "flows.mitm").write_bytes(first_two + b"half of the third")  # ...and was killed writing one
    _journal.Position(tmp_path / _journal.POSITION).write(done.end, len(first_two))
    with journal.open("ab") as fh:
        fh.write(b"\x10\x00")  # and the proxy in the middle of a header
    got = _journal.recover(tmp_path)
    assert got is not None and got.flows == 3 and got.torn_tail == 2
    expected = first_two + b"".join(_flowbytes.plain_bytes(f) for f in [shared, *flows[2:]])
    assert (tmp_path / "flows.mitm").read_bytes() == expected  # `shared` needed connections from before
    assert not journal.exists() and not (tmp_path / _journal.POSITION).exists()
    assert _journal.recover(tmp_path) is None


def test_a_journal_left_by_a_killed_run_is_saved_at_start(tmp_path: Path) -> None:
    root = tmp_path / "s"
    old = tflow.tflow(resp=True)
    root.mkdir()
    _journal_of(root / _journal.JOURNAL, lambda w: w.http_flow(old))  # the run before was killed
    addon = PhoneHome(worker_factory=NoProcessWorker)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        assert (root / "flows.mitm").read_bytes() == _flowbytes.plain_bytes(old)
        new = tflow.tflow(resp=True)
        addon.response(new)
        addon.done()
    assert (root / "flows.mitm").read_bytes() == _flowbytes.plain_bytes(old) + _flowbytes.plain_bytes(new)
    [e] = [e for e in events(root) if e["type"] == "proxy:recovered"]
    assert e["flows"] == 1 and e["torn_tail"] == 0


def test_recover_leaves_a_live_workers_journal_alone(tmp_path: Path) -> None:
    _journal_of(tmp_path / _journal.JOURNAL, lambda w: w.http_flow(tflow.tflow(resp=True)))
    held = _journal.Position(tmp_path / _journal.POSITION)
    assert held.lock()
    try:
        assert _journal.recover(tmp_path) is None
        assert (tmp_path / _journal.JOURNAL).exists() and not (tmp_path / "flows.mitm").exists()
    finally:
        held.close()
    assert _journal.recover(tmp_path).flows == 1


def test_connection_cache_is_bounded_and_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_flowbytes, "CONN_CACHE_MAX", 4)
    fb = _flowbytes.FlowBytes(verify_first=0, verify_every=10**9)
    kept = []
    for i in range(12):
        f = tflow.tflow(resp=True)
        f.request.path = f"/{i}"
        assert fb(f) == _flowbytes.plain_bytes(f)
        if i % 3 == 0:
            kept.append(f)  # some connections stay alive, the others die with their flow
        assert len(fb._conns) <= 4
    for f in kept:  # still exact for live connections after pruning (re-encoded or cached)
        assert fb(f) == _flowbytes.plain_bytes(f)
