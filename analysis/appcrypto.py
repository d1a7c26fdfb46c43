"""App-encrypted payloads: bodies an SDK encrypted itself before TLS.

Some SDKs encrypt their reports in the app, so even the proxy sees only an opaque body (ByteDance's
AppLog: `application/octet-stream;tt-data=a`, `ttEncrypt(gzip(JSON))`). Two things help:

- The crypto agent's table of app-level encryption entry points (`hooks/crypto/agent.ts`,
  `APP_ENCRYPTORS`) records the plaintext and the ciphertext of each call as a `hook:crypto`
  event with `app_level: true`. `AppCiphertexts` indexes them by the ciphertext's MD5, and
  `match` finds the request that carried one: the same bytes as the body, the body as Base64 of
  them, or a content-digest header naming them (`X-SS-STUB` = MD5 of the body). The analyser then
  analyses the plaintext as that request's body; its findings say "plaintext from hook" in their
  decoding chain and name the hook event in their notes.
- Without hooks, `opaque_reason` labels a body that was encrypted by the app before sending: a
  content type that says so (`tt-data=a`), or a high-entropy body where the content type promises
  structure (JSON, a form, text, XML).

Pure: no Frida, no proxy.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .model import Record

APP_ENCRYPTED_EVENT = "proxy:app-encrypted"
"""The event (live: the addon's worker; replay: `load_inputs`) that labels a body encrypted by the app."""
PLAINTEXT_STEP = "plaintext from hook"
"""The decoding step a plaintext finding starts with."""
MAX_INDEXED = 4096
MIN_CIPHERTEXT = 16
ENTROPY_BITS = 7.2
"""Bits per byte above which a body is taken as encrypted or compressed (text is below 6)."""
MIN_ENTROPY_BODY = 128
DIGEST_HEADERS = ("x-ss-stub", "content-md5", "x-content-md5")
"""Headers carrying the MD5 of the body (hex, or Base64 for Content-MD5)."""
_STRUCTURED = ("json", "x-www-form-urlencoded", "text/", "xml", "javascript")


@dataclass(frozen=True, slots=True)
class AppCiphertext:
    plaintext: bytes
    ciphertext: bytes
    api: str
    sdk: str | None
    org: str | None
    event_id: Any
    ts: float | None

    @property
    def provenance(self) -> str:
        who = f" by {self.sdk} ({self.org or '?'})" if self.sdk else ""
        return f"hook#{self.event_id} {self.api}{who}"


@dataclass(frozen=True, slots=True)
class Match:
    item: AppCiphertext
    how: str
    """`same bytes`, `base64 of the same bytes`, or `X-SS-STUB = MD5 of the body`."""


def app_ciphertexts_from_events(events: Iterable[Mapping[str, Any]]) -> list[AppCiphertext]:
    """The app-level encryption calls among hook events (plaintext and ciphertext both recorded)."""
    out = []
    for e in events:
        if e.get("type") != "hook:crypto" or not e.get("app_level"):
            continue
        plain = _b64(e.get("input_b64"))
        cipher = _b64(e.get("output_b64"))
        if not plain or cipher is None or len(cipher) < MIN_CIPHERTEXT:
            continue
        ts = e.get("ts")
        out.append(
            AppCiphertext(
                plaintext=plain,
                ciphertext=cipher,
                api=str(e.get("api") or "?"),
                sdk=e.get("sdk") if isinstance(e.get("sdk"), str) else None,
                org=e.get("org") if isinstance(e.get("org"), str) else None,
                event_id=e.get("id"),
                ts=float(ts) if isinstance(ts, (int, float)) else None,
            )
        )
    return out


class AppCiphertexts:
    """Recorded ciphertexts by MD5 (the newest `MAX_INDEXED`)."""

    def __init__(self) -> None:
        self._by_md5: OrderedDict[str, AppCiphertext] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_md5)

    def add(self, items: Iterable[AppCiphertext]) -> None:
        for item in items:
            key = hashlib.md5(item.ciphertext).hexdigest()
            self._by_md5[key] = item
            self._by_md5.move_to_end(key)
            while len(self._by_md5) > MAX_INDEXED:
                self._by_md5.popitem(last=False)

    def match(self, record: Record) -> Match | None:
        if not self._by_md5 or not record.body:
            return None
        body = record.body if record.body_size == len(record.body) else None
        if body is not None:
            item = self._by_md5.get(hashlib.md5(body).hexdigest())
            if item is not None and item.ciphertext == body:
                return Match(item, "same bytes")
            decoded = _b64(body.strip().decode("ascii", "replace")) if len(body) < 4 << 20 else None
            if decoded:
                item = self._by_md5.get(hashlib.md5(decoded).hexdigest())
                if item is not None and item.ciphertext == decoded:
                    return Match(item, "Base64 of the same bytes")
        for name in DIGEST_HEADERS:
            value = record.header(name)
            if not value:
                continue
            digest = _digest_hex(value.strip())
            item = self._by_md5.get(digest) if digest else None
            if item is not None:
                return Match(item, f"{name} = MD5 of the body")
        return None


def plaintext_record(record: Record, match: Match) -> Record:
    """`record` with the hooked plaintext as its body (for the analyser)."""
    note = f"{PLAINTEXT_STEP}: {match.item.provenance}, tied to this request by {match.how}"
    return replace(
        record,
        body=match.item.plaintext,
        body_size=len(match.item.plaintext),
        content_encoding="",
        request_headers=tuple((k, v) for k, v in record.request_headers if k.lower() != "content-type"),
        notes=(*record.notes, note),
    )


def opaque_reason(record: Record) -> str | None:
    """Why `record`'s body looks encrypted by the app before sending, or None."""
    ctype = (record.header("content-type") or "").lower()
    if "tt-data=" in ctype or ("tt_data=" in record.path.lower() and "octet-stream" in ctype):
        return f"encrypted by the app before sending (Content-Type {ctype[:80]})"
    body = record.body
    if record.content_encoding or len(body) < MIN_ENTROPY_BODY or not any(s in ctype for s in _STRUCTURED):
        return None
    if body[:2] == b"\x1f\x8b" or body[:4] == b"\x28\xb5\x2f\xfd":
        return None  # compressed without saying so: the decoder handles it
    bits = _entropy(body[:65536])
    if bits >= ENTROPY_BITS:
        return (
            f"encrypted by the app before sending (Content-Type {ctype[:60]} promises structure, the body is "
            f"{bits:.2f} bits/byte of entropy)"
        )
    return None


def _entropy(data: bytes) -> float:
    counts = Counter(data)
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None


def _digest_hex(value: str) -> str | None:
    v = value.lower()
    if len(v) == 32 and all(c in "0123456789abcdef" for c in v):
        return v
    raw = _b64(value)
    return raw.hex() if raw is not None and len(raw) == 16 else None
