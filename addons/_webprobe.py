"""The page probe's part of the live addon (opt-in: `--set phonehome_webprobe=true`).

- `inject_response`: puts the probe (`analysis/webprobe.py`) first into an HTML response and lets
  it through the page's Content-Security-Policy (header and meta) by its hash; the flow was
  journaled before, so `flows.mitm` keeps the page as the server sent it.
- `is_probe_connect` / `is_probe_request`: the reserved host `phonehome-probe.invalid` is
  answered by the addon itself (no upstream connection, no DNS): CONNECT gets a 200, the report a
  204, and the report's records become `proxy:webprobe` events.

Only reached when the option is on: with it off, the addon's hooks return after one attribute
check and responses pass unchanged.
"""

from __future__ import annotations

from typing import Any

from mitmproxy import http

from phonehome.analysis.webprobe import PROBE_HOST, allow_probe, inject, is_html, parse_report

MAX_RECORDS_PER_SESSION = 5000
CSP = "content-security-policy"


def is_probe_host(host: str | None) -> bool:
    return (host or "").lower().rstrip(".") == PROBE_HOST


def answer_connect(f: http.HTTPFlow) -> None:
    """Accept the tunnel ourselves: with a response set, mitmproxy opens no upstream connection."""
    f.response = http.Response.make(200, b"", {})


def inject_response(f: http.HTTPFlow) -> bool:
    """Insert the probe into an HTML response; True when the page was changed."""
    r = f.response
    if (
        r is None
        or f.request.method == "HEAD"
        or r.status_code in (204, 304)
        or not is_html(r.headers.get("content-type"))
    ):
        return False
    try:
        content = r.get_content()
    except ValueError:
        return False  # a body we cannot decode is left alone
    if content is None:
        return False
    policies = r.headers.get_all(CSP)
    if policies:
        r.headers.set_all(CSP, [allow_probe(p) for p in policies])
    r.content = inject(content)
    return True


def answer_report(f: http.HTTPFlow, recorded: int) -> tuple[list[dict[str, Any]], str | None]:
    """Answer a probe report (204) and return its records as proxy events (at most what is left
    of `MAX_RECORDS_PER_SESSION`) and a problem, if any."""
    body = f.request.get_content(strict=False) or b""
    f.response = http.Response.make(204, b"", {"access-control-allow-origin": "*"})
    records, problem = parse_report(body)
    room = max(0, MAX_RECORDS_PER_SESSION - recorded)
    if len(records) > room:
        problem = f"more than {MAX_RECORDS_PER_SESSION} probe records in this session; the rest are not kept"
        records = records[:room]
    events = [
        {
            "type": "proxy:webprobe",
            "page": r.page,
            "api": r.api,
            "detail": r.detail,
            "code": r.code,
            "frame": r.frame,
            "capability": r.capability,
            "page_ts": r.ts,
        }
        for r in records
    ]
    return events, problem
