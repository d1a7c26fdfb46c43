"""Helpers for the page-probe tests: a loopback page server (HTTPS and HTTP, fixed pages with their
own headers) and headless Chromium driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: NUL-separated JSON on file descriptors 3 and 4, no WebSocket library)."""

from __future__ import annotations

import http.server
import json
import os
import select
import ssl
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from support.net import make_self_signed_cert


class PageServer:
    """Serves `pages` (path → (headers, body)) on loopback; `https_port`/`http_port` as
    `support.net.run_mitmdump(upstream=...)` expects. Unknown paths: 404."""

    def __init__(self, pages: Mapping[str, tuple[Mapping[str, str], bytes]], workdir: Path) -> None:
        self.pages = dict(pages)
        self.hits: list[str] = []
        cert, key = make_self_signed_cert(workdir, ("localhost",))
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.hits.append(self.path)
                headers, body = outer.pages.get(self.path.split("?")[0], ({}, b""))
                self.send_response(200 if self.path.split("?")[0] in outer.pages else 404)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._https = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self._https.socket = ctx.wrap_socket(self._https.socket, server_side=True)
        self.http_port = self._http.server_address[1]
        self.https_port = self._https.server_address[1]
        self._threads = [
            threading.Thread(target=s.serve_forever, daemon=True) for s in (self._http, self._https)
        ]

    def __enter__(self) -> PageServer:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for s in (self._http, self._https):
            s.shutdown()
            s.server_close()


def _as_fds_3_and_4(read_end: int, write_end: int) -> None:
    high_r, high_w = os.dup(read_end), os.dup(write_end)  # above 4 (3..6 are the pipes), so no clobbering
    os.dup2(high_r, 3)
    os.dup2(high_w, 4)


class DevTools:
    """Headless Chromium with the DevTools protocol on a pipe; one page session at a time."""

    def __init__(self, binary: str, profile: Path, *, proxy: str) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # fds 3 and 4 in the child: it reads commands from 3 and writes to 4
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--metrics-recording-only",
                "--no-default-browser-check",
                "--disable-features=Translate,OptimizationHints",
                f"--user-data-dir={profile}",
                f"--proxy-server={proxy}",
                "--proxy-bypass-list=<-loopback>",
                "--ignore-certificate-errors",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: _as_fds_3_and_4(to_child_r, from_child_w),
            close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - the process is killed below anyway
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_one(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        session: bool = False,
        timeout: float = 20,
    ) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": dict(params or {})}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_one(deadline)
            if reply is None:
                raise TimeoutError(f"no DevTools reply to {method}")
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            e = self._read_one(deadline)
            if e is None:
                raise TimeoutError(f"no {method} event")
            self.events.append(e)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Run `expression` in the page like an app's `evaluateJavascript` (no script URL)."""
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True
        )
        return result.get("result", {}).get("value")

    def key(self, char: str) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                {
                    "type": kind,
                    "key": char,
                    "text": char if kind == "keyDown" else "",
                    "code": f"Key{char.upper()}",
                },
                session=True,
            )

    def tap(self, x: int, y: int) -> None:
        self.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]},
            session=True,
        )
        self.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []}, session=True)
