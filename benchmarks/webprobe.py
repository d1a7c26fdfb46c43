"""What the page probe's hooks cost the proxy's event loop. With the probe off (the default) the
addon's extra hooks (`request`, `http_connect`, `tls_clienthello`, `server_connect`) and the
`response` branch must stay negligible: each is timed against an empty method call in the same
process. With the probe on, the cost of
putting the probe into an HTML page (decode, insert, CSP rewrite, re-encode) is printed per page size.

    .venv/bin/python benchmarks/webprobe.py [--calls N]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mitmproxy.test import tflow

REPO = Path(__file__).resolve().parent.parent


def _addon_module() -> Any:
    spec = importlib.util.spec_from_file_location("phonehome_addon_bench", REPO / "addons" / "phonehome.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_call(fn: Callable[[], Any], n: int) -> float:
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


class _Empty:
    def hook(self, f: Any) -> None:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args(argv)
    module = _addon_module()
    from phonehome.addons import _webprobe

    addon = module.PhoneHome()
    flow = tflow.tflow(resp=True)
    hello = type("Hello", (), {"client_hello": type("CH", (), {"sni": "example.org"})()})()
    server = type("Data", (), {"server": flow.server_conn})()
    empty = _Empty()
    base = per_call(lambda: empty.hook(flow), args.calls)
    print(f"baseline: empty method call {base * 1e9:.0f} ns")
    for name, call in [
        ("request", lambda: addon.request(flow)),
        ("http_connect", lambda: addon.http_connect(flow)),
        ("tls_clienthello", lambda: addon.tls_clienthello(hello)),
        ("server_connect", lambda: addon.server_connect(server)),
    ]:
        t = per_call(call, args.calls)
        print(f"probe off: {name:<16} {t * 1e9:6.0f} ns per call, {t / base:4.2f}x the empty call")
    print("(for scale: the addon's response hook takes ~25 µs of CPU at p50 in a live proxy, docs/live.md)")
    for size_kb in (10, 100, 1000):
        page = (
            b"<!doctype html><html><head><title>x</title></head><body>"
            + b"<p>text</p>" * (size_kb * 100)
            + b"</body></html>"
        )
        for encoding in ("", "gzip"):
            f = tflow.tflow(resp=True)
            f.response.headers["content-type"] = "text/html"
            f.response.headers["content-security-policy"] = "default-src 'self'; script-src 'self' 'nonce-x'"
            if encoding:
                f.response.headers["content-encoding"] = encoding
                f.response.raw_content = gzip.compress(page)
            else:
                f.response.raw_content = page

            def once(f: Any = f, raw: bytes = f.response.raw_content) -> None:
                f.response.raw_content = raw
                f.response.headers["content-security-policy"] = (
                    "default-src 'self'; script-src 'self' 'nonce-x'"
                )
                _webprobe.inject_response(f)

            t = per_call(once, 50)
            print(
                f"probe on: inject into a {size_kb:>4} KB page{' (gzip)' if encoding else '       '} "
                f"{t * 1e3:7.2f} ms per page"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
