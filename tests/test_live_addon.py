"""The live addon in-process: options, hooks that never raise, the worker's per-item error handling,
FlowWriter-identical serialisation, and the consent marker (mitmproxy command and CLI)."""

from __future__ import annotations

import json
import logging
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
from phonehome.addons import _flowbytes, _worker
from phonehome.addons.phonehome import PhoneHome

from phonehome.cli import main as cli_main
from phonehome.store import SessionStore, read_jsonl

REPO = Path(__file__).resolve().parent.parent
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


class FakeWorker:
    """Stands in for the worker process: records what the addon hands over."""

    def __init__(self, config: _worker.WorkerConfig, *, queue_size: int, max_bytes: int) -> None:
        self.config = config
        self.queue_size = queue_size
        self.items: list[_worker.Item] = []
        self.batch_bytes = 0
        self.restarts = 0
        self.pid = 4242
        self.full = False

    def start(self) -> None:
        pass

    def submit(self, item: _worker.Item, size: int = 0) -> bool:
        if self.full:
            return False
        self.items.append(item)
        return True

    def flush(self) -> int:
        return 0

    def backlog(self) -> int:
        return 0

    def backlog_bytes(self) -> int:
        return 0

    def counter(self, index: int) -> int:
        return 0

    def check(self) -> None:
        return None

    def stop(self, timeout: float) -> int:
        return 0


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
        pytest.param({"phonehome_first_party": ["https://x.de/"]}, "phonehome_first_party", id="first-party-url"),
        pytest.param({"phonehome_app": "de.example app"}, "phonehome_app", id="app-with-space"),
    ],
)
def test_bad_options_are_options_errors(tmp_path: Path, options: dict[str, Any], message: str) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match=message):
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), **options)


def test_missing_profile_names_the_file(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
    missing = tmp_path / "nope.toml"
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match=r"phonehome_profile: .*nope\.toml: no such profile file"):
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), phonehome_profile=str(missing))


def test_bad_profile_key_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[device]\nandroid_idd = "x"\n')
    addon = PhoneHome(worker_factory=FakeWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError) as e:
            tctx.configure(addon, phonehome_session=str(tmp_path / "s"), phonehome_profile=str(bad))
    assert "bad.toml" in str(e.value) and "device.android_idd" in str(e.value)


def test_session_dir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    addon = PhoneHome(worker_factory=FakeWorker)
    with taddons.context(addon) as tctx:
        with pytest.raises(exceptions.OptionsError, match="not a directory"):
            tctx.configure(addon, phonehome_session=str(f))


def test_default_session_dir_is_captures_timestamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    addon = PhoneHome(worker_factory=FakeWorker)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_queue=10)
        addon.running()
        root = addon.config.session_dir
        assert root.parent == tmp_path / "captures"
        assert root.name.endswith("Z") and len(root.name) == len("20260101T000000Z")
        addon.done()
    assert (root / "session.json").exists()


def test_options_cannot_change_while_recording(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
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
    addon = PhoneHome(worker_factory=FakeWorker, clock=lambda: 1_800_000_000.0)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root), phonehome_profile=str(profile),
                       phonehome_first_party=["Example-App.de", "cdn.example-app.de"], phonehome_body_cap=1234)
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
    assert addon.stats["flows"] == 1 and addon.stats["saved"] == 1
    from mitmproxy import io as mitm_io

    with (root / "flows.mitm").open("rb") as fh:
        assert [x.id for x in mitm_io.FlowReader(fh).stream()] == [f.id]


def test_websocket_hooks_hand_over_client_messages_only(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
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
        kinds = [i[0] for i in addon.worker.items]
        n_client = sum(1 for m in messages if m.from_client)
        assert kinds == ["ws-start"] + ["ws-msg"] * n_client + ["ws-end"]
        indexes = [i[2] for i in addon.worker.items if i[0] == "ws-msg"]
        assert indexes == [i for i, m in enumerate(messages) if m.from_client]
        addon.done()


def test_full_queue_drops_analysis_but_saves_the_flow(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        addon.worker.full = True
        for _ in range(3):
            addon.response(tflow.tflow(resp=True))
        addon.tick()
        addon.tick()  # nothing new dropped: no second backlog event
        addon.done()
    assert addon.stats["dropped"] == 3 and addon.stats["saved"] == 3
    backlog = [e for e in events(root) if e["type"] == "proxy:backlog"]
    assert len(backlog) == 1 and backlog[0]["dropped"] == 3
    stats = [e for e in events(root) if e["type"] == "proxy:stats"]
    assert stats[-1]["final"] is True and stats[-1]["dropped"] == 3


def test_hook_never_raises_and_logs_the_flow_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
    root = tmp_path / "s"
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()

        class Boom:
            def __call__(self, _f: Any) -> bytes:
                raise RuntimeError("serialiser exploded")

            parts = __call__

        addon.serialise = Boom()  # type: ignore[assignment]
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
    addon = PhoneHome(worker_factory=FakeWorker)
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


def test_worker_analysis_error_is_logged_with_flow_id(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    findings, evts = ListWriter(), ListWriter()
    counters = [0] * _worker.N_COUNTERS
    f = tflow.tflow(resp=True)
    flows_path = tmp_path / "flows.mitm"
    flows_path.write_bytes(_flowbytes.plain_bytes(f))
    proc = _worker.Processor(ExplodingAnalyser(), findings=findings, events=evts, counters=counters, body_cap=100,
                             flows=flows_path)
    with caplog.at_level(logging.ERROR):
        proc.handle(("flow", f.id, 0, flows_path.stat().st_size))
        proc.handle(("ws-msg", "no-such-flow", 0, (1, True, b"x", 0.0, False, False)))
    assert f.id in caplog.text and "no-such-flow" in caplog.text
    assert [e["flow_id"] for e in evts.lines] == [f.id, "no-such-flow"]
    assert counters[_worker.C_ERRORS] == 2 and counters[_worker.C_ITEMS] == 2
    assert findings.lines == []


class OneFinding:
    app = "de.example.app"

    def analyse_record(self, record: Any) -> list[dict[str, Any]]:
        return [{"flow_id": record.flow_id, "ts": record.ts, "location": "x", "category": "device_id"}]


def test_worker_caps_bodies_and_reports_it(tmp_path: Path) -> None:
    findings, evts = ListWriter(), ListWriter()
    counters = [0] * _worker.N_COUNTERS
    f = tflow.tflow(resp=True)
    f.request.content = b"a" * 100
    data = _flowbytes.plain_bytes(f)
    flows_path = tmp_path / "flows.mitm"
    flows_path.write_bytes(b"junk before" + data)
    proc = _worker.Processor(OneFinding(), findings=findings, events=evts, counters=counters, body_cap=10,
                             flows=flows_path)
    proc.handle(("flow", f.id, len(b"junk before"), len(data)))
    assert [e["type"] for e in evts.lines] == ["proxy:body-capped"]
    assert evts.lines[0]["size"] == 100 and evts.lines[0]["cap"] == 10
    assert len(findings.lines) == 1 and findings.lines[0]["flow_id"] == f.id
    assert counters[_worker.C_BYTES_DONE] == len(data) and counters[_worker.C_CAPPED] == 1


def test_worker_catches_up_from_the_flow_file_after_the_proxy_died(tmp_path: Path) -> None:
    flows_path = tmp_path / "flows.mitm"
    old = tflow.tflow(resp=True)  # from before this worker started
    flows = [tflow.tflow(resp=True) for _ in range(3)]
    ws = tflow.twebsocketflow()
    messages, ws.websocket.messages = ws.websocket.messages, []
    ws_start = _flowbytes.plain_bytes(ws)  # at websocket_start: no messages yet
    ws.websocket.messages = messages
    with flows_path.open("wb") as fh:
        fh.write(_flowbytes.plain_bytes(old))
        start = fh.tell()
        starts = []
        for f in [flows[0], ws, flows[1], flows[2]]:
            starts.append(fh.tell())
            fh.write(_flowbytes.plain_bytes(f))
        fh.write(_flowbytes.plain_bytes(tflow.tflow(resp=True))[:50])  # torn by the kill
    findings, evts = ListWriter(), ListWriter()
    counters = [0] * _worker.N_COUNTERS
    proc = _worker.Processor(OneFinding(), findings=findings, events=evts, counters=counters, body_cap=10**6,
                             flows=flows_path, flows_offset=start)
    proc.handle(("flow", flows[0].id, starts[0], starts[1] - starts[0]))
    proc.handle(("ws-start", ws.id, ws_start))  # its messages came one by one
    assert [r["flow_id"] for r in findings.lines] == [flows[0].id, ws.id]
    proc.catch_up()  # flows[1] and flows[2] were saved but never handed over
    assert [r["flow_id"] for r in findings.lines] == [flows[0].id, ws.id, flows[1].id, flows[2].id]


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


@pytest.mark.parametrize("name", [
    "float-timestamps", "big-bodies", "no-content", "trailers", "unicode-host", "replay-marked", "intercepted",
    "no-timestamps", "http2", "empty-headers", "no-response",
])
def test_fast_paths_equal_flowwriter(name: str) -> None:
    fb = _flowbytes.FlowBytes(verify_first=0, verify_every=10**9)
    f = _variant(name)
    assert fb(f) == _flowbytes.plain_bytes(f)


def test_fast_serialisation_switches_off_on_mismatch(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    fb = _flowbytes.FlowBytes(verify_first=5)
    f = tflow.tflow(resp=True)
    monkeypatch.setattr(fb, "_fast", lambda _f: [b"wrong"])
    with caplog.at_level(logging.WARNING):
        assert fb(f) == _flowbytes.plain_bytes(f)
    assert not fb.fast and f.id in caplog.text


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.binary(max_size=20) | st.text(max_size=20)
_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_values)
def test_encoder_equals_mitmproxy_tnetstring(value: Any) -> None:
    assert _flowbytes.dumps(value) == tnetstring.dumps(value)


# -- consent markers ---------------------------------------------------------------------------------


def test_mark_command(tmp_path: Path) -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
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
        ("consent-given", "tapped Accept all", "mitmproxy"), ("note", "", "mitmproxy")]
    assert json.loads((root / "session.json").read_text())["markers"] == markers


def test_mark_command_without_session() -> None:
    addon = PhoneHome(worker_factory=FakeWorker)
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
def test_flow_file_is_flowwriter_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_write: bool) -> None:
    if short_write:  # writev may take less than everything (disk nearly full): the rest is written after it
        real = os.writev
        monkeypatch.setattr(os, "writev", lambda fd, parts: real(fd, [b"".join(parts)[:7]]))
    addon = PhoneHome(worker_factory=FakeWorker)
    root = tmp_path / "s"
    flows = [_variant(n) for n in ("float-timestamps", "big-bodies", "no-content", "trailers")]
    with taddons.context(addon) as tctx:
        tctx.configure(addon, phonehome_session=str(root))
        addon.running()
        for f in flows:
            addon.response(f)
        items = list(addon.worker.items)  # type: ignore[union-attr]
        addon.done()
    data = (root / "flows.mitm").read_bytes()
    assert data == b"".join(_flowbytes.plain_bytes(f) for f in flows)
    offsets = [(item[2], item[3]) for item in items]
    assert offsets[0][0] == 0 and sum(n for _, n in offsets) == len(data)


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
