"""Unit tests for the hook host's pure parts: plaintext reassembly, correlation, event decoding,
bundle loading. No Frida process is started here."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest
from support import tools

from phonehome.analysis.correlate import Correlator, describe_read, known_values_from_events
from phonehome.analysis.plaintext import PlaintextAssembler
from phonehome.analysis.profile import KnownValue
from phonehome.hooks import build
from phonehome.hooks.host import AgentConfig, HookHost, Target, describe_sdk


def chunk(
    data: bytes,
    conn: str = "1:1",
    direction: str = "write",
    host: str = "graph.facebook.com",
    ts: float = 1.0,
):
    return {
        "type": "hook:tls-plaintext",
        "conn": conn,
        "direction": direction,
        "host": host,
        "port": 443,
        "ts": ts,
    }, data


# ---------------------------------------------------------------------------------- plaintext


def test_http1_request_split_across_writes_with_keepalive():
    body = b'{"advertiser_id":"38400000-8cf0-11bd-b23e-10b96e40000d"}'
    req = (
        b"POST /v1/activities?x=1 HTTP/1.1\r\nHost: graph.facebook.com\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    second = b"GET /ping HTTP/1.1\r\nHost: graph.facebook.com\r\n\r\n"
    a = PlaintextAssembler(app="com.example.app")
    out = []
    for i in range(0, len(req), 7):
        out += a.feed(*chunk(req[i : i + 7]))
    assert len(out) == 1
    out += a.feed(*chunk(second))
    r1, r2 = out
    assert (r1.method, r1.host, r1.path, r1.body, r1.source, r1.app) == (
        "POST",
        "graph.facebook.com",
        "/v1/activities?x=1",
        body,
        "tls-hook",
        "com.example.app",
    )
    assert r1.url == "https://graph.facebook.com/v1/activities?x=1"
    assert (r2.method, r2.path, r2.body) == ("GET", "/ping", b"")
    assert r1.flow_id != r2.flow_id


def test_http1_chunked_gzip_body_and_reads_ignored():
    payload = gzip.compress(b'{"email":"alice@example.com"}')
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    head = b"POST /e HTTP/1.1\r\nHost: t.appsflyer.com\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
    a = PlaintextAssembler()
    assert a.feed(*chunk(b"HTTP/1.1 200 OK\r\n\r\n", direction="read")) == []
    (r,) = a.feed(*chunk(head + chunked, host="t.appsflyer.com"))
    assert r.body == b'{"email":"alice@example.com"}'
    assert r.host == "t.appsflyer.com"


def test_sni_host_wins_over_host_header_but_not_over_an_ip():
    req = b"GET / HTTP/1.1\r\nHost: front.example\r\n\r\n"
    (r,) = PlaintextAssembler().feed(*chunk(req, host="real.example"))
    assert r.host == "real.example"  # what the TLS connection went to (domain fronting shows here)
    (r,) = PlaintextAssembler().feed(*chunk(req, host="10.1.2.3"))
    assert r.host == "front.example"


def test_incomplete_body_is_emitted_on_close_with_a_note():
    a = PlaintextAssembler()
    assert a.feed(*chunk(b"POST /x HTTP/1.1\r\nHost: h.example\r\nContent-Length: 100\r\n\r\nabc")) == []
    (r,) = a.close()
    assert r.body == b"abc"
    assert any("incomplete" in n for n in r.notes)


def test_http2_requests_are_reassembled():
    import h2.config
    import h2.connection

    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    client.initiate_connection()
    client.send_headers(
        1,
        [
            (":method", "POST"),
            (":scheme", "https"),
            (":authority", "graph.facebook.com"),
            (":path", "/v2/events"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
    )
    body = b"adid=38400000-8cf0-11bd-b23e-10b96e40000d&" * 1200  # several DATA frames, within one window
    for i in range(0, len(body), 16000):
        client.send_data(1, body[i : i + 16000], end_stream=i + 16000 >= len(body))
    client.send_headers(
        3,
        [
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", "graph.facebook.com"),
            (":path", "/v2/ping"),
        ],
        end_stream=True,
    )
    data = client.data_to_send()
    a = PlaintextAssembler()
    out = []
    for i in range(0, len(data), 5000):
        out += a.feed(*chunk(data[i : i + 5000]))
    r, ping = out
    assert ping.path == "/v2/ping" and ping.method == "GET"
    assert (r.method, r.host, r.path, r.http_version) == (
        "POST",
        "graph.facebook.com",
        "/v2/events",
        "HTTP/2",
    )
    assert r.body == body
    assert r.header("content-type") == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x16\x03\x01\x02\x00" + bytes(range(256)) * 4, id="binary-garbage"),
        pytest.param(b"GET " + b"A" * 200_000, id="endless-request-line"),
        pytest.param(b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", id="negative-length"),
        pytest.param(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", id="bad-chunk"),
        pytest.param(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\xff" * 64, id="broken-h2"),
        pytest.param(b"GET /\x1b[31mred HTTP/1.1\r\nHost: \x1b]0;x\x07\r\n\r\n", id="escape-sequences"),
    ],
)
def test_hostile_plaintext_never_raises(data):
    a = PlaintextAssembler()
    for i in range(0, len(data), 1000):
        a.feed(*chunk(data[i : i + 1000]))
    a.close()


# ---------------------------------------------------------------------------------- correlation


def _read(id_, api, value, category, kind="id", sdk=None, org=None, ts=1795000000.0):
    return {
        "type": "hook:read",
        "id": id_,
        "ts": ts,
        "api": api,
        "value": value,
        "category": category,
        "kind": kind,
        "sdk": sdk,
        "org": org,
    }


def test_reads_become_known_values_with_provenance():
    ev = _read(
        12,
        "Settings.Secure.getString",
        "9774d56d682e549c",
        "device_id",
        sdk="com.facebook",
        org="Meta",
        ts=1795000000.0 + 3723,
    )
    (kv,) = known_values_from_events([ev, _read(13, "WifiInfo.getSSID", "null", "network")])
    assert kv == KnownValue(
        "hook:Settings.Secure.getString", "9774d56d682e549c", "device_id", "id", describe_read(ev)
    )
    assert kv.provenance.startswith("hook#12 Settings.Secure.getString by com.facebook (Meta) at ")


def test_digest_of_a_read_email_is_known_even_when_the_read_arrives_later():
    email = "bob@example.org"
    digest = hashlib.sha256(email.encode()).digest()
    dig = {
        "type": "hook:digest",
        "id": 5,
        "ts": 2.0,
        "api": "MessageDigest.digest",
        "algorithm": "SHA-256",
        "input_b64": base64.b64encode(email.encode()).decode(),
        "digest_b64": base64.b64encode(digest).decode(),
    }
    c = Correlator()
    assert [kv.category for kv in c.add(dict(dig))] == ["contact_info"] * 3  # e-mail pattern fallback
    # batches from different agents can arrive out of order: the digest first, the read after
    c2 = Correlator()
    salted = b"salt:" + email.encode()  # not an e-mail pattern by itself
    c2.add(
        {
            **dig,
            "input_b64": base64.b64encode(salted).decode(),
            "digest_b64": base64.b64encode(hashlib.sha256(salted).digest()).decode(),
        }
    )
    new = c2.add(_read(4, "Cursor.getString", email, "contacts", "email", ts=1.0))
    values = {kv.value for kv in new if kv.category == "contacts"}
    assert hashlib.sha256(b"salt:" + email.encode()).hexdigest() in values
    (late,) = c2.take_late()
    assert late["type"] == "hook:derived" and late["of"] == 5 and late["category"] == "contacts"
    # a consumer that only sees the late event still learns the values
    assert {kv.value for kv in Correlator().add(late)} >= {
        hashlib.sha256(b"salt:" + email.encode()).hexdigest()
    }


def test_ciphertext_of_a_payload_carries_every_category_inside():
    plain = b'{"id":"9774d56d682e549c","lat":52.520008}'
    cipher = bytes(range(48))
    events = [
        _read(1, "Settings.Secure.getString", "9774d56d682e549c", "device_id"),
        _read(2, "Location.getLatitude", "52.520008", "location_precise", "text"),
        {
            "type": "hook:crypto",
            "id": 3,
            "ts": 1795000001.0,
            "api": "Cipher.doFinal",
            "op": "encrypt",
            "algorithm": "AES/CBC/PKCS5Padding",
            "input_b64": base64.b64encode(plain).decode(),
            "output_b64": base64.b64encode(cipher).decode(),
        },
    ]
    kvs = known_values_from_events(events)
    derived = [kv for kv in kvs if kv.name.startswith("hook:Cipher.doFinal")]
    assert {kv.category for kv in derived} == {"device_id", "location_precise"}
    assert base64.b64encode(cipher).decode() in {kv.value for kv in derived}
    assert all("AES/CBC/PKCS5Padding encryption of a value that contains" in kv.provenance for kv in derived)


def test_profile_values_seed_correlation():
    seed = [KnownValue("person.email", "alice@example.com", "contact_info", "email")]
    ev = {
        "type": "hook:encode",
        "id": 9,
        "ts": 1.0,
        "api": "Base64.encode",
        "input_b64": base64.b64encode(b"u=alice@example.com").decode(),
        "output_text": "dT1hbGljZUBleGFtcGxlLmNvbQ==",
    }
    kvs = known_values_from_events([ev], seed=seed)
    assert kvs and all(
        kv.category == "contact_info" and "profile person.email" in kv.provenance for kv in kvs
    )


# ---------------------------------------------------------------------------------- host plumbing


def test_batch_decoding_numbering_and_blobs(tmp_path: Path):
    host = HookHost(
        AgentConfig(target=Target(spawn=["/bin/true"]), agents=("tls",), session=tmp_path, analyse=False)
    )
    host.sink.open()
    data = b"digest-bytes" + b"GET / HTTP/1.1\r\n\r\n"
    batch = {
        "type": "batch",
        "agent": "crypto",
        "events": [
            {
                "type": "hook:digest",
                "ts": 1.0,
                "pid": 7,
                "api": "MessageDigest.digest",
                "blobs": {"digest": [0, 12, 12]},
            },
            {"type": "hook:tls-plaintext", "ts": 1.1, "pid": 7, "blobs": {"data": [12, 18, 4000]}},
        ],
    }
    host._handle_message(7, "crypto", {"type": "send", "payload": batch}, data)
    host._handle_message(
        7, "crypto", {"type": "error", "description": "ReferenceError: x", "stack": "at y"}, None
    )
    host.sink.close()
    evs = [json.loads(line) for line in (tmp_path / "hook-events.jsonl").read_text().splitlines()]
    assert [e["id"] for e in evs] == [1, 2, 3]
    assert (
        base64.b64decode(evs[0]["digest_b64"]) == b"digest-bytes"
        and evs[0]["digest_hex"] == b"digest-bytes".hex()
    )
    assert (
        evs[1]["data_text"] == "GET / HTTP/1.1\r\n\r\n"
        and evs[1]["data_size"] == 4000
        and evs[1]["data_truncated"]
    )
    assert evs[2]["type"] == "hook:agent-error" and evs[2]["error"] == "ReferenceError: x"
    # a second host on the same session continues the numbering
    host2 = HookHost(
        AgentConfig(target=Target(spawn=["/bin/true"]), agents=("tls",), session=tmp_path, analyse=False)
    )
    host2.sink.open()
    assert host2.sink.next_id == 4
    host2.sink.close()


def test_missing_bundle_says_how_to_build(tmp_path: Path):
    (tmp_path / "api").mkdir()
    with pytest.raises(build.MissingBundleError, match=r"python -m phonehome\.hooks\.build"):
        build.load_bundle("api", root=tmp_path)


def test_config_validation():
    with pytest.raises(ValueError, match="exactly one"):
        Target()
    with pytest.raises(ValueError, match="unknown agent"):
        AgentConfig(target=Target(attach=1), agents=("nope",))
    with pytest.raises(ValueError, match="HOST"):
        AgentConfig(target=Target(attach=1), device="remote")


def test_describe_sdk_accepts_match_or_entry():
    from phonehome.analysis.destinations import sdk_match_for_stack

    stack = [
        "android.provider.Settings$Secure.getString(Native Method)",
        "com.appsflyer.internal.AFa1.run(AFa1.java:3)",
        "com.example.app.Main.main(Main.java:1)",
    ]
    m = sdk_match_for_stack(stack)
    assert m is not None
    assert describe_sdk(m, stack) == ("com.appsflyer", "AppsFlyer")
    assert describe_sdk(m.entry, stack)[1] == "AppsFlyer"


def test_spawn_failure_cleans_up(tmp_path: Path):
    pytest.importorskip("frida")
    import frida

    host = HookHost(
        AgentConfig(target=Target(spawn=["/nonexistent/binary"]), agents=("tls",), session=tmp_path)
    )
    try:
        build.load_bundle("tls")
    except build.MissingBundleError:
        tools.missing("tls agent not built (./bootstrap setup builds it when npm is there)")
    with pytest.raises(frida.ExecutableNotFoundError):
        host.start()
    assert host.sink.events_out is None and (host._thread is None or not host._thread.is_alive())


def test_plaintext_through_a_proxy_tunnel_keeps_the_requested_port() -> None:
    """An app tunnelling through mitmproxy talks TLS to the proxy's port; the record must carry
    the port from the Host header (or 443), so it matches the proxied copy of the request."""
    ev, data = chunk(b"GET /a?x=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n", host="api.example.com")
    ev["port"] = 18080
    (record,) = PlaintextAssembler().feed(ev, data)
    assert (record.host, record.port) == ("api.example.com", 443)
    ev2, data2 = chunk(
        b"GET / HTTP/1.1\r\nHost: api.example.com:8443\r\n\r\n", conn="1:2", host="api.example.com"
    )
    ev2["port"] = 18080
    (record2,) = PlaintextAssembler().feed(ev2, data2)
    assert record2.port == 8443


def test_printed_events_are_inert_text(capsys) -> None:
    from phonehome.commands.hooks import _printer
    from phonehome.hooks.host import describe_event

    hostile = {
        "type": "hook:tls-plaintext",
        "direction": "write",
        "ts": 1.0,
        "api": "SSL_write",
        "host": "\x1b]0;pwned\x07evil.example",
        "port": 443,
        "data_size": 3,
        "data_text": "GET /\x1b[2J",
    }
    _printer(describe_event)(hostile)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "evil.example" in out
