"""The same request seen twice: by the proxy and by the TLS hooks inside the app.

When an app's TLS is intercepted by both, each request is analysed twice; the proxied copy is kept
and the hook copy dropped. What only the hooks saw (pinned or unproxied connections) stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schema import Col

SAME_REQUEST_WINDOW_S = 10.0
"""A TLS-hook finding within this many seconds of an identical proxied one is the same request."""


def request_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        row.get(Col.host),
        str(row.get(Col.url) or "").split("://", 1)[-1],
        row.get(Col.location),
        row.get(Col.category),
        row.get(Col.value),
    )


class ProxiedRequests:
    """What the proxy saw, indexed so a TLS-hook finding can be checked as it arrives."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Any, ...], list[float]] = {}

    def add(self, row: Mapping[str, Any]) -> None:
        ts = row.get(Col.ts)
        if isinstance(ts, (int, float)):
            self._seen.setdefault(request_key(row), []).append(float(ts))

    def saw(self, hook_row: Mapping[str, Any]) -> bool:
        """True when the proxy saw the same request within `SAME_REQUEST_WINDOW_S`."""
        ts = hook_row.get(Col.ts)
        times = self._seen.get(request_key(hook_row), ())
        return isinstance(ts, (int, float)) and any(abs(t - ts) <= SAME_REQUEST_WINDOW_S for t in times)


def without_proxied_duplicates(
    hook_rows: list[dict[str, Any]], proxy_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """TLS-hook findings the proxy did not also see."""
    proxied = ProxiedRequests()
    for row in proxy_rows:
        proxied.add(row)
    return [row for row in hook_rows if not proxied.saw(row)]
