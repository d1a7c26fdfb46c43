"""Hook events → runtime known values, so findings can say "read by SDK X via API Y at t0".

Every value an app reads through a hooked API (`hook:read`) becomes a `KnownValue` with the
category of the API and a provenance like
`hook#12 Settings.Secure.getString by com.facebook (Meta) at 12:01:03`. Values derived from
known values on the way out become known values too, with the category they inherit:

- `hook:digest` (MessageDigest, Mac): when the hashed input is, or contains, a known value (or
  looks like an e-mail address), the digest (hex, base64, base64url) is known, once per data
  category the input carries: `SHA-256 of a value that is contacts (hook#7 …)`;
- `hook:crypto` (Cipher): ciphertext of a plaintext that contains known values (encrypt), or the
  ciphertext whose decrypted plaintext contains them (decrypt);
- `hook:encode` (Base64): the encoded text of an input that contains known values.

`known_values_from_events(events)` replays a whole event list (report/replay);
`Correlator.add(event)` is the incremental form the live host uses.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from phonehome.analysis.profile import KnownValue, ValueKind

MIN_VALUE_LENGTH = 4
TRIVIAL = frozenset(
    {
        "null",
        "none",
        "true",
        "false",
        "unknown",
        "0.0",
        "00:00:00:00:00:00",
        "02:00:00:00:00:00",
        "<unknown ssid>",
    }
)
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
# The kinds a hook event may declare: every value kind except `place` (the profile's address parts).
VALID_KINDS = frozenset(get_args(ValueKind)) - {"place"}


def event_time(ts: Any) -> str:
    try:
        return time.strftime("%H:%M:%S", time.gmtime(float(ts)))
    except (TypeError, ValueError):
        return "?"


def describe_read(event: dict[str, Any]) -> str:
    """`hook#12 Settings.Secure.getString by com.facebook (Meta) at 12:01:03`."""
    who = ""
    sdk, org = event.get("sdk"), event.get("org")
    if sdk and org and sdk != org:
        who = f" by {sdk} ({org})"
    elif sdk or org:
        who = f" by {sdk or org}"
    return f"hook#{event.get('id', '?')} {event.get('api', event.get('type', '?'))}{who} at {event_time(event.get('ts'))}"


def _usable(value: str) -> bool:
    v = value.strip()
    return len(v) >= MIN_VALUE_LENGTH and v.lower() not in TRIVIAL


def _read_values(event: dict[str, Any]) -> list[str]:
    out: list[str] = []
    value = event.get("value")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        out.append(str(value))
    values = event.get("values")
    if isinstance(values, list):
        out.extend(str(v) for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool))
    return [v for v in out if _usable(v)]


def _bytes_field(event: dict[str, Any], name: str) -> bytes | None:
    b64 = event.get(f"{name}_b64")
    if isinstance(b64, str):
        try:
            return base64.b64decode(b64)
        except ValueError:
            return None
    text = event.get(f"{name}_text")
    if isinstance(text, str):
        return text.encode("utf-8")
    return None


def _forms(data: bytes) -> list[tuple[str, str]]:
    """How derived bytes can appear in traffic: (form, value)."""
    forms = [("hex", data.hex())]
    b64 = base64.b64encode(data).decode("ascii")
    forms.append(("base64", b64))
    url = base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    if url != b64:
        forms.append(("base64url", url))
    return forms


@dataclass
class Correlator:
    """Incremental: `add(event)` returns the known values that event makes new."""

    seed: Sequence[KnownValue] = ()
    """Values known before any event (the device profile), used to recognise derived values."""
    known: list[KnownValue] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)
    _unmatched: list[dict[str, Any]] = field(default_factory=list)
    late: list[dict[str, Any]] = field(default_factory=list)
    """Recent derive events (digest/crypto/encode) that matched nothing yet: agents batch
    separately, so a read can arrive after the hash of its value."""

    MAX_UNMATCHED = 500

    def __post_init__(self) -> None:
        self._seed = list(self.seed)

    def add(self, event: dict[str, Any]) -> list[KnownValue]:
        """New known values from this event. A derive event that matches is annotated in place
        with `correlated` (category, source provenance, relation) so a reader that sees it
        without the earlier read (a tailing consumer) still knows what it carries."""
        etype = event.get("type")
        if etype == "hook:read":
            out = self._add_read(event)
            if out and self._unmatched:
                retry, self._unmatched = self._unmatched, []
                for ev in retry:
                    derived = self._derive_event(ev)
                    if derived:
                        out.extend(derived)
                        self.late.append(derived_event(ev, derived))
                    else:
                        self._unmatched.append(ev)
            return out
        if etype == "hook:derived":
            return self._add_derived(event)
        found = self._derive_event(event)
        if (
            not found
            and etype in ("hook:digest", "hook:crypto", "hook:encode")
            and "correlated" not in event
            and "input_b64" in event
        ):
            self._unmatched.append(event)
            del self._unmatched[: -self.MAX_UNMATCHED]
        return found

    def take_late(self) -> list[dict[str, Any]]:
        """`hook:derived` events for derive events that matched only after a later read."""
        out, self.late = self.late, []
        return out

    def _add_derived(self, event: dict[str, Any]) -> list[KnownValue]:
        out = []
        for item in event.get("values") or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                continue
            kv = KnownValue(
                name=str(item.get("name", "hook:derived")),
                value=item["value"],
                category=str(event.get("category")),
                kind="id",
                provenance=str(item.get("provenance", "")),
            )
            if kv.category and self._new(kv):
                out.append(kv)
        return out

    def _derive_event(self, event: dict[str, Any]) -> list[KnownValue]:
        etype = event.get("type")
        if etype == "hook:digest":
            return self._derive(
                event, inputs=("input",), outputs=("digest",), verb=str(event.get("algorithm") or "digest")
            )
        if etype == "hook:crypto":
            op = str(event.get("op") or "")
            alg = str(event.get("algorithm") or "cipher")
            if op == "decrypt":
                return self._derive(event, inputs=("output",), outputs=("input",), verb=f"{alg} ciphertext")
            return self._derive(event, inputs=("input",), outputs=("output",), verb=f"{alg} encryption")
        if etype == "hook:encode":
            return self._derive(
                event, inputs=("input",), outputs=("output",), verb=str(event.get("api") or "encoding")
            )
        return []

    def _new(self, kv: KnownValue) -> bool:
        key = (kv.value, kv.category)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.known.append(kv)
        return True

    def _add_read(self, event: dict[str, Any]) -> list[KnownValue]:
        category = event.get("category")
        if not isinstance(category, str) or not category:
            return []
        kind = event.get("kind") if event.get("kind") in VALID_KINDS else "text"
        out = []
        for v in _read_values(event):
            kv = KnownValue(
                name=f"hook:{event.get('api', '?')}",
                value=v.strip(),
                category=category,
                kind=kind,  # type: ignore[arg-type]
                provenance=describe_read(event),
            )
            if self._new(kv):
                out.append(kv)
        return out

    def _match(self, text: str) -> list[tuple[KnownValue, str]]:
        """Known values the text is or contains: the longest per category, with `is`/`contains`."""
        if not text:
            return []
        best: dict[str, KnownValue] = {}
        lowered = text.lower()
        for kv in [*self.known, *self._seed]:
            v = kv.value
            if len(v) < MIN_VALUE_LENGTH:
                continue
            if v in text or (kv.kind == "email" and v.lower() in lowered):
                cur = best.get(kv.category)
                if cur is None or len(v) > len(cur.value):
                    best[kv.category] = kv
        stripped = text.strip()
        if not best and EMAIL.match(stripped):
            return [
                (
                    KnownValue(
                        "hook:email-pattern", stripped, "contact_info", "email", "e-mail address pattern"
                    ),
                    "is",
                )
            ]
        return [(kv, "is" if stripped == kv.value else "contains") for kv in best.values()]

    def _derive(
        self, event: dict[str, Any], *, inputs: tuple[str, ...], outputs: tuple[str, ...], verb: str
    ) -> list[KnownValue]:
        ann = event.get("correlated")
        if isinstance(ann, list) and ann:
            # computed by the live host with every earlier read known: better than what a reader
            # of a slice of the events (a tailing consumer) can work out again
            return self._derived_values(
                event,
                [a for a in ann if isinstance(a, dict) and isinstance(a.get("category"), str)],
                outputs,
                verb,
            )
        matches: list[tuple[KnownValue, str]] = []
        for name in inputs:
            data = _bytes_field(event, name)
            if data is None:
                continue
            matches = self._match(data.decode("utf-8", "replace"))
            if matches:
                break
        sources: list[dict[str, str]] = []
        for kv, relation in matches:
            origin = kv.provenance if kv.provenance != "profile" else f"profile {kv.name}"
            sources.append({"category": kv.category, "source": origin, "relation": relation})
        if not sources:
            return []
        event["correlated"] = sources
        return self._derived_values(event, sources, outputs, verb)

    def _derived_values(
        self, event: dict[str, Any], sources: list[dict[str, Any]], outputs: tuple[str, ...], verb: str
    ) -> list[KnownValue]:
        outputs_data = [d for d in (_bytes_field(event, n) for n in outputs) if d and len(d) >= 4]
        out: list[KnownValue] = []
        for src in sources:
            prov = f"{describe_read(event)}: {verb} of a value that {src.get('relation', 'contains')} {src['category']} ({src.get('source', '')})"
            for data in outputs_data:
                for form, value in _forms(data):
                    kv = KnownValue(
                        name=f"hook:{event.get('api', '?')} {form}",
                        value=value,
                        category=src["category"],
                        kind="id",
                        provenance=prov,
                    )
                    if self._new(kv):
                        out.append(kv)
        return out


def derived_event(source: dict[str, Any], values: list[KnownValue]) -> dict[str, Any]:
    return {
        "type": "hook:derived",
        "of": source.get("id"),
        "ts": source.get("ts"),
        "pid": source.get("pid"),
        "category": values[0].category if values else None,
        "values": [{"name": v.name, "value": v.value, "provenance": v.provenance} for v in values],
    }


def known_values_from_events(
    events: Iterable[dict[str, Any]], *, seed: Sequence[KnownValue] = ()
) -> list[KnownValue]:
    """All runtime known values a list of hook events yields (in event order)."""
    c = Correlator(seed=seed)
    for event in sorted(events, key=lambda e: (float(e.get("ts") or 0.0), int(e.get("id") or 0))):
        c.add(dict(event))
    return list(c.known)
