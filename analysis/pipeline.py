"""decode → detect → attribute: one record in, finding rows out.

`Analyser` holds what stays fixed for a session (profile, app, first-party domains, the known-value
automaton, the destination cache) so each record costs only its own decoding and detection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .appcrypto import (
    PLAINTEXT_STEP,
    AppCiphertexts,
    app_ciphertexts_from_events,
    opaque_reason,
    plaintext_record,
)
from .decode import DecodeLimits, decode_record
from .destinations import Destination, Destinations
from .detect import Detector
from .model import Detection, Record
from .profile import KnownValue, Profile
from .records import DEFAULT_BODY_CAP
from .schema import DECODING_SEPARATOR, Col


class Analyser:
    def __init__(
        self,
        *,
        profile: Profile | None = None,
        app: str | None = None,
        first_party: Sequence[str] = (),
        extra_lists: Sequence[Path] = (),
        limits: DecodeLimits | None = None,
        body_cap: int = DEFAULT_BODY_CAP,
    ) -> None:
        self.profile = profile
        self.app = app or (profile.app_under_test if profile else None)
        first = list(first_party) + (list(profile.first_party_domains) if profile else [])
        self.destinations = Destinations(first_party=first, app=self.app, extra_lists=extra_lists)
        self.detector = Detector(profile)
        self.limits = limits
        self.body_cap = body_cap
        self.notes_without_findings = 0
        """Records whose decoding hit a limit or skipped a part but that yielded no finding."""
        self.recent_notes: deque[str] = deque(maxlen=20)
        self.app_crypto = AppCiphertexts()
        """Plaintext and ciphertext of app-level encryption calls seen by the hooks."""
        self.app_encrypted: deque[dict[str, Any]] = deque(maxlen=1000)
        """Requests whose body the app encrypted and no hook explained (newest last); see `take_app_encrypted`."""
        self.app_encrypted_count = 0

    def add_known_values(self, values: Iterable[KnownValue]) -> None:
        """Values observed at run time (Frida hook reads), searched like profile values."""
        self.detector.add_known_values(values)

    def add_hook_events(self, events: Iterable[dict[str, Any]]) -> None:
        """Hook events besides reads: app-level encryption calls (plaintext for opaque bodies)."""
        self.app_crypto.add(app_ciphertexts_from_events(events))

    def take_app_encrypted(self) -> list[dict[str, Any]]:
        out = list(self.app_encrypted)
        self.app_encrypted.clear()
        return out

    def analyse_record(self, record: Record) -> list[dict[str, Any]]:
        if not record.outgoing:
            return []
        rows = self._analyse(record)
        match = self.app_crypto.match(record)
        if match is not None:
            for row in self._analyse(plaintext_record(record, match)):
                row[Col.decoding] = DECODING_SEPARATOR.join(
                    x for x in (PLAINTEXT_STEP, row[Col.decoding]) if x
                )
                rows.append(row)
        elif not rows:
            reason = opaque_reason(record)
            if reason is not None:
                self.app_encrypted_count += 1
                destination = self.destinations.lookup_request(record.host, record.path)
                self.app_encrypted.append(
                    {
                        "flow_id": record.flow_id,
                        "ts": record.ts,
                        "url": record.url,
                        "host": record.host,
                        "org": destination.org,
                        "reason": reason,
                        "size": record.body_size,
                    }
                )
        return rows

    def _analyse(self, record: Record) -> list[dict[str, Any]]:
        decoded = decode_record(record, self.limits)
        detections = self.detector.detect(record, decoded)
        notes = "; ".join([*record.notes, *decoded.notes])
        if not detections:
            if notes:
                # No finding carries these notes, so keep them: a limit hit must never go unsaid.
                self.notes_without_findings += 1
                self.recent_notes.append(f"{record.request_line}: {notes}")
            return []
        destination = self.destinations.lookup_request(record.host, record.path)
        return [finding_row(record, d, destination, notes) for d in detections]


def _address_ip(address: str) -> str:
    """The IP of an `ip:port` (or `[ip]:port`) address as packet captures give it; "" when none."""
    if not address:
        return ""
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    return address.rsplit(":", 1)[0] if ":" in address else address


def finding_row(record: Record, detection: Detection, destination: Destination, notes: str) -> dict[str, Any]:
    return {
        Col.flow_id: record.flow_id,
        Col.ts: record.ts,
        Col.source: record.source,
        Col.app: record.app,
        Col.kind: record.kind,
        Col.method: record.method,
        Col.url: record.url,
        Col.host: record.host,
        Col.domain: destination.domain,
        Col.category: detection.category,
        Col.org: destination.org,
        Col.parent: destination.parent,
        Col.purpose: destination.purpose,
        Col.party: destination.party,
        Col.country: destination.country,
        Col.parent_country: destination.parent_country or None,
        Col.dpf: destination.dpf or None,
        Col.server_ip: record.server_ip or _address_ip(record.server_address) or None,
        Col.org_source: destination.source,
        Col.cleartext: record.cleartext,
        Col.location: detection.location,
        Col.key: detection.key,
        Col.decoding: DECODING_SEPARATOR.join(detection.decoding),
        Col.value: detection.value,
        Col.detector: detection.detector,
        Col.rule: detection.rule,
        Col.confidence: float(detection.confidence),
        Col.consent: "unmarked",
        Col.device_read: detection.rule.removeprefix("runtime:") if detection.detector == "runtime" else None,
        Col.evidence: detection.evidence,
        Col.notes: notes or None,
    }
