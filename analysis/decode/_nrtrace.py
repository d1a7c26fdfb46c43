"""Decoder `nrtrace`: New Relic browser agent session-trace nodes (`{"n","s","e","o","t"}`).

Wire format (`@newrelic/browser-agent`, `src/features/session_trace/aggregate/trace/node.js`
`TraceNode(name, start, end, origin, type)` stored as one-letter fields; sent as a JSON array to
`/browser/blobs?type=BrowserSessionChunk`): each node is a timed browser event, resource load,
AJAX call, history change or error of the page. Recognised by that exact shape (five keys `n`,
`s`, `e`, `o`, `t`, numeric start and end), not by host; each node is read with the agent's own
field names (`t`, the node's type, as `nodeType`: a DOM event in a performance trace is not an
analytics event `type`), its two times under `timing`: `body.json:[4]>nrtrace:name`,
`body.json:[4]>nrtrace:timing.start`, so the generic timing rule reads them.
"""

from __future__ import annotations

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx

_KEYS = frozenset({"n", "s", "e", "o", "t"})


def _nrtrace(
    ctx: _Ctx,
    obj: dict[object, object],
    at: Location,
    chain: tuple[str, ...],
    depth: int,
) -> bool:
    """A JSON object that is a session-trace node: walked with its full field names; else False."""
    if len(obj) != 5 or obj.keys() != _KEYS:
        return False
    start, end = obj["s"], obj["e"]
    if not isinstance(start, int | float | str) or not isinstance(end, int | float | str):
        return False
    if not (type(obj["n"]) is str and type(obj["t"]) is str):
        return False
    loc = at.step("nrtrace")
    if ctx.deep(depth + 1, loc, "session-trace node"):
        return True
    node = {
        "name": obj["n"],
        "nodeType": obj["t"],
        "origin": obj["o"],
        "timing": {"start": start, "end": end},
    }
    _walk(ctx, node, loc, chain + ("nrtrace",), None, depth + 1)
    return True


register(Registered("nrtrace", 100, _nrtrace))


from ._tree import _walk  # noqa: E402  (the walk calls back into this module)
