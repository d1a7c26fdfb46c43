"""The loopback test helpers themselves, through a bare real mitmdump."""

from __future__ import annotations

import json

import pytest
from support import tools
from support.net import (
    curl,
    http1_request,
    http2_request,
    python_client_argv,
    run_mitmdump,
    websocket_session,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def proxy(upstream):
    """One mitmdump in front of the module's upstream server for every test here."""
    with run_mitmdump("-q", upstream=upstream) as p:
        yield p


def test_curl_http1_and_http2(server, proxy):
    r1 = curl(proxy, "https://api.example.test/a?x=1", http="1.1")
    r2 = curl(proxy, "https://api.example.test/b", http="2", data=b'{"k":1}', headers={"X-T": "1"})
    assert r1.returncode == 0, r1.stderr
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["received"] == 7
    got = {(r.path, r.http_version, r.host) for r in server.requests}
    assert ("/a?x=1", "HTTP/1.1", "api.example.test") in got
    assert ("/b", "HTTP/2", "api.example.test") in got
    assert server.requests[-1].header("x-t") == "1"


def test_python_clients(server, proxy):
    r = http1_request(proxy, "https://h1.example.test/p?q=1", method="POST", body=b"x" * 100_000)
    assert r.status == 200 and r.json()["received"] == 100_000
    r = http2_request(
        proxy, "https://h2.example.test/p", method="POST", body=b"y" * 100_000, headers={"X-Id": "7"}
    )
    assert r.status == 200 and r.json()["received"] == 100_000 and r.http_version == "HTTP/2"
    r = http1_request(proxy, "http://plain.example.test/c?z=2")
    assert r.status == 200
    versions = [(q.scheme, q.http_version, q.host) for q in server.requests]
    assert versions == [
        ("https", "HTTP/1.1", "h1.example.test"),
        ("https", "HTTP/2", "h2.example.test"),
        ("http", "HTTP/1.1", "plain.example.test"),
    ]


def test_websocket_echo(server, proxy):
    assert websocket_session(proxy, "wss://ws.example.test/chat", ["hello", b"\x00\x01"]) == [
        "hello",
        b"\x00\x01",
    ]
    assert websocket_session(proxy, "ws://ws.example.test/plain", ["hi"]) == ["hi"]
    assert [(m.scheme, m.path, m.data) for m in server.ws_messages] == [
        ("wss", "/chat", "hello"),
        ("wss", "/chat", b"\x00\x01"),
        ("ws", "/plain", "hi"),
    ]


def test_stdlib_client_under_system_python(server, proxy):
    import os
    import subprocess

    from support.net import SYSTEM_PYTHON

    if not os.path.exists(SYSTEM_PYTHON):
        tools.missing(f"no {SYSTEM_PYTHON}")
    p = subprocess.run(
        python_client_argv(proxy, "https://sys.example.test/s?id=1", method="POST", body="{}"),
        capture_output=True,
        timeout=30,
    )
    assert p.returncode == 0, p.stderr
    assert server.requests[-1].path == "/s?id=1"


def test_curl_rejects_proxy_without_ca(proxy):
    r = curl(proxy, "https://pinned.example.test/", trust_proxy_ca=False)
    assert r.returncode == 60
