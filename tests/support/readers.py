"""Helpers shared by the reader tests: flow files and HAR documents to read."""

from __future__ import annotations

import json
from pathlib import Path

from mitmproxy import io as mitm_io
from mitmproxy.test import tflow


def _flow(i: int, *, body: bytes = b"", scheme: str = "https", path: str | None = None):
    f = tflow.tflow(resp=True)
    f.request.scheme = scheme
    f.request.host = f"api{i}.example.com"
    f.request.port = 443 if scheme == "https" else 80
    f.request.path = path or f"/v1/item?n={i}"
    f.request.method = "POST" if body else "GET"
    f.request.content = body
    return f


def write_flows(path: Path, count: int) -> list[int]:
    """Write `count` flows and return the byte offset after each."""
    offsets = []
    with path.open("wb") as fh:
        writer = mitm_io.FlowWriter(fh)
        for i in range(count):
            writer.add(_flow(i, body=json.dumps({"n": i}).encode()))
            offsets.append(fh.tell())
    return offsets


def _har(entries: list[dict]) -> dict:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "t", "version": "1"},
            "pages": [{"title": 'a "entries": [ trap'}],
            "entries": entries,
        }
    }


def _entry(i: int, **request: object) -> dict:
    return {
        "startedDateTime": "2026-11-26T10:00:00.000Z",
        "time": 12,
        "request": {
            "method": "POST",
            "url": f"https://h{i}.example.com/p?q={i}",
            "httpVersion": "HTTP/2",
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "Content-Encoding", "value": "gzip"},
            ],
            "postData": {"mimeType": "application/json", "text": json.dumps({"i": i})},
            **request,
        },
        "response": {"status": 200, "httpVersion": "HTTP/2", "headers": [], "content": {"size": 0}},
    }
