"""The report's "In-app browser" section: the scripts the app injected into web pages
(`analysis.inappbrowser`), as plain sentences first, then per script what it can do, the pages it
ran on, who injected it, and the evidence. Captured strings are cleaned (`text.clean`) and bounded."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from phonehome.analysis.appcrypto import APP_ENCRYPTED_EVENT
from phonehome.analysis.inappbrowser import Injection, injections_from_events
from phonehome.analysis.webscript import CAPABILITIES, OBSERVES, PLAIN, SENDS

from . import text as txt

EVIDENCE_PER_SCRIPT = 12
MAX_SCRIPTS = 50

PLAIN_DE = {
    "keyboard": "jede Taste, die Sie drücken, und was Sie in Felder eingeben",
    "pointer": "jedes Tippen, Klicken, Berühren und Scrollen",
    "form": "die Formulare, die Sie ausfüllen und absenden",
    "selection_clipboard": "den Text, den Sie markieren, und die Zwischenablage",
    "cookies_storage": "die Cookies und gespeicherten Daten der Seite (auch Ihre Anmeldung)",
    "page_content": "was die Seite zeigt (Text, Elemente und ihre Position)",
    "network": "Daten an Server im Internet senden",
    "native_bridge": "Daten an die App selbst übergeben",
    "dynamic_code": "während der Ausführung weiteren Code bauen und ausführen",
}


@dataclass(frozen=True, slots=True)
class InAppEvidence:
    capability: str
    api: str
    position: str
    code: str
    script: str
    """SHA-256 prefix of the script the position is in (an eval'd script has its own)."""
    via: str


@dataclass(frozen=True, slots=True)
class InAppScript:
    ts: datetime | None
    offset_s: float | None
    api: str
    who: str
    injector: str
    sha256: str
    size: int
    count: int
    capabilities: tuple[tuple[str, str], ...]
    """(capability id, phrase in the report's language)."""
    reads: tuple[str, ...]
    """Phrases of what it can observe ("every key you press …")."""
    actions: tuple[str, ...]
    """Phrases of what else it can do ("send data to servers …")."""
    pages: tuple[str, ...]
    bridges: tuple[str, ...]
    evidence: tuple[InAppEvidence, ...]
    notes: tuple[str, ...]
    excerpt: str


@dataclass(frozen=True, slots=True)
class AppEncryptedRow:
    """A request whose body the app encrypted itself and no hook explained."""

    offset_s: float | None
    url: str
    org: str
    reason: str
    size: int | None


MAX_APP_ENCRYPTED = 200


def app_encrypted_rows(
    events: Sequence[Mapping[str, Any]],
    offset: Callable[[datetime | None], float | None],
    to_time: Callable[[Any], datetime | None],
) -> tuple[AppEncryptedRow, ...]:
    rows = []
    seen: set[Any] = set()
    for e in events:
        if e.get("type") != APP_ENCRYPTED_EVENT or e.get("flow_id") in seen:
            continue
        seen.add(e.get("flow_id"))
        size = e.get("size")
        rows.append(
            AppEncryptedRow(
                offset_s=offset(to_time(e.get("ts"))),
                url=txt.clean(e.get("url"), 200),
                org=txt.clean(e.get("org") or "", 120),
                reason=txt.clean(e.get("reason"), 200),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            )
        )
        if len(rows) >= MAX_APP_ENCRYPTED:
            break
    return tuple(sorted(rows, key=lambda r: (r.offset_s is None, r.offset_s or 0.0)))


def app_encrypted_sentence(rows: Sequence[AppEncryptedRow], lang: str) -> str:
    if not rows:
        return ""
    orgs = _join(
        sorted({r.org for r in rows if r.org}) or (["unbekannt" if lang == "de" else "unknown"]),
        "und" if lang == "de" else "and",
    )
    n = len(rows)
    if lang == "de":
        return (
            f"Die App hat {'eine Anfrage' if n == 1 else f'{n} Anfragen'} (an {orgs}) selbst verschlüsselt, "
            "bevor sie gesendet wurde; ihr Inhalt war ohne die Krypto-Hooks nicht lesbar und fehlt in diesem Bericht."
        )
    return (
        f"The app encrypted {'one request' if n == 1 else f'{n} requests'} (to {orgs}) itself before sending "
        f"{'it' if n == 1 else 'them'}; without the crypto hooks {'its' if n == 1 else 'their'} content could not be "
        "read and is missing from this report."
    )


def phrase(capability: str, lang: str) -> str:
    return (PLAIN_DE if lang == "de" else PLAIN).get(capability, capability)


def in_app_scripts(
    events: Sequence[Mapping[str, Any]],
    offset: Callable[[datetime | None], float | None],
    to_time: Callable[[Any], datetime | None],
    lang: str,
) -> tuple[InAppScript, ...]:
    rows = []
    for inj in injections_from_events(events)[:MAX_SCRIPTS]:
        t = to_time(inj.first_ts)
        evidence = tuple(
            InAppEvidence(
                capability=phrase(e.capability, lang),
                api=txt.clean(e.api, 120),
                position=e.position,
                code=txt.clean(e.code, 200),
                script=e.script_sha256[:12],
                via=txt.clean(" > ".join(e.via), 200),
            )
            for e in inj.analysis.evidence[:EVIDENCE_PER_SCRIPT]
        )
        rows.append(
            InAppScript(
                ts=t,
                offset_s=offset(t),
                api=txt.clean(inj.api, 80),
                who=txt.clean(inj.who, 160),
                injector=txt.clean(inj.injector or "", 200),
                sha256=inj.sha256,
                size=inj.analysis.size,
                count=inj.count,
                capabilities=tuple((c, phrase(c, lang)) for c in CAPABILITIES if c in inj.capabilities),
                reads=tuple(phrase(c, lang) for c in OBSERVES if c in inj.capabilities),
                actions=tuple(
                    phrase(c, lang) for c in CAPABILITIES if c in inj.capabilities and c not in OBSERVES
                ),
                pages=tuple(txt.clean(p, 200) for p in inj.pages),
                bridges=tuple(txt.clean(b, 160) for b in inj.bridges),
                evidence=evidence,
                notes=tuple(txt.clean(n, 300) for n in inj.analysis.notes),
                excerpt=txt.clean(inj.script, 600),
            )
        )
    return tuple(rows)


def summary_sentence(scripts: Sequence[InAppScript], lang: str) -> str:
    """The section's first sentence, for people who are not engineers."""
    if not scripts:
        return ""
    de = lang == "de"
    caps = {c for s in scripts for c, _ in s.capabilities}
    observes = [phrase(c, lang) for c in OBSERVES if c in caps]
    sends = [phrase(c, lang) for c in SENDS if c in caps]
    who = _join(sorted({s.who for s in scripts}), "und" if de else "and")
    n = len(scripts)
    if de:
        text = (
            f"Während Sie Webseiten in der App benutzt haben, hat {who} "
            f"{'ein Skript' if n == 1 else f'{n} Skripte'} in diese Seiten eingeschleust"
        )
        if observes:
            text += (
                f", das {_join(observes, 'und')} lesen kann"
                if n == 1
                else f", die {_join(observes, 'und')} lesen können"
            )
            if sends:
                text += (
                    f", und es kann {_join(sends, 'oder')}"
                    if n == 1
                    else f", und sie können {_join(sends, 'oder')}"
                )
        elif sends:
            text += f", das {_join(sends, 'oder')} kann" if n == 1 else f", die {_join(sends, 'oder')} können"
        return text + "."
    text = f"While you used web pages inside the app, {who} injected {'a script' if n == 1 else f'{n} scripts'} into them"
    if observes:
        text += f" that can read {_join(observes, 'and')}"
        if sends:
            text += f", and {_join(sends, 'or')}"
    elif sends:
        text += f" that can {_join(sends, 'or')}"
    return text + "."


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


__all__ = [
    "AppEncryptedRow",
    "app_encrypted_rows",
    "app_encrypted_sentence",
    "InAppEvidence",
    "InAppScript",
    "Injection",
    "in_app_scripts",
    "phrase",
    "summary_sentence",
]
