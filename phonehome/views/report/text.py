"""Wording of reports in English and German: labels, the plain-language summary, plurals.

Fixed strings and the sensitivity order are data (`data/phrases.toml`, validated by
`phrases.py`); every sentence a reader sees is built here from them, numbers and names. Nothing
captured is interpreted as markup (escaping is the renderer's job, `clean` removes control
characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from phonehome.analysis.categories import BY_ID, display_name

from .phrases import LANGS, bundled_phrases

_PHRASES = bundled_phrases()  # data/phrases.toml, validated

SENSITIVITY: tuple[str, ...] = _PHRASES.sensitivity
"""The order in which categories are named: most sensitive first."""
_OBJECT: dict[str, tuple[str, str]] = _PHRASES.objects
"""Object phrases ("the app sent ___ to 3 companies"): English, German accusative."""
_UI: dict[str, tuple[str, str]] = _PHRASES.ui
"""Fixed strings of the report, (English, German)."""
PURPOSE_NAMES: dict[str, tuple[str, str]] = _PHRASES.purposes
MARKER_NAMES: dict[str, tuple[str, str]] = _PHRASES.markers

_CONTROL = re.compile(
    r"[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; use one of: {', '.join(LANGS)}")
    return lang


def ui(key: str, lang: str, **fmt: object) -> str:
    text = _UI[key][1 if lang == "de" else 0]
    return text.format(**fmt) if fmt else text


def ui_table(lang: str) -> dict[str, str]:
    """All fixed strings in `lang`, for templates."""
    return {key: pair[1 if lang == "de" else 0] for key, pair in _UI.items()}


def clean(value: object, limit: int | None = 400) -> str:
    """A captured string made safe to lay out: control, bidi-override and zero-width characters
    replaced (newlines and tabs by a space, others by U+FFFD), cut to `limit` characters with `…`."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN / NA
            return ""
    except (TypeError, ValueError):
        return ""
    text = str(value)
    if limit is not None and len(text) > 4 * limit:
        text = text[: 4 * limit]  # cleaning never lengthens much; don't scan megabytes
    if not text.isprintable():  # False for any Cc, Cf, Cs, Co, Cn, Zl, Zp character
        text = re.sub(r"[\r\n\t\v\f]+", " ", text)
        text = _CONTROL.sub("\ufffd", text)
        text = "".join(ch if unicodedata.category(ch) not in ("Cs", "Co", "Cn") else "\ufffd" for ch in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def category_name(category_id: str, lang: str) -> str:
    try:
        return display_name(category_id, lang)
    except KeyError:
        return clean(category_id, 60)


def category_title(category_id: str, lang: str) -> str:
    name = category_name(category_id, lang)
    return name[:1].upper() + name[1:]


def purpose_name(purpose: str | None, lang: str) -> str:
    if not purpose:
        return ui("unknown", lang)
    pair = PURPOSE_NAMES.get(purpose)
    return pair[1 if lang == "de" else 0] if pair else clean(purpose, 40)


def marker_name(label: str, lang: str) -> str:
    pair = MARKER_NAMES.get(label)
    return pair[1 if lang == "de" else 0] if pair else clean(label, 40)


def object_phrase(category_id: str, lang: str) -> str:
    pair = _OBJECT.get(category_id)
    if pair:
        return pair[1 if lang == "de" else 0]
    return category_name(category_id, lang)


def join(items: Sequence[str], lang: str) -> str:
    """`A`, `A and B`, `A, B and C` (German `und`)."""
    conj = " und " if lang == "de" else " and "
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + conj + items[-1]


def percent(part: int, whole: int, lang: str) -> str:
    """`41%` / `41 %`, never rounding a non-zero share to 0 or a partial one to 100."""
    value = round(100 * part / whole) if whole else 0
    if part and value == 0:
        value = 1
    if part < whole and value == 100:
        value = 99
    return f"{value} %" if lang == "de" else f"{value}%"


def companies(n: int, lang: str) -> str:
    if lang == "de":
        return "ein Unternehmen" if n == 1 else f"{n} Unternehmen"
    return "1 company" if n == 1 else f"{n} companies"


def requests(n: int, lang: str) -> str:
    if lang == "de":
        return "eine Anfrage" if n == 1 else f"{n} Anfragen"
    return "1 request" if n == 1 else f"{n} requests"


def duration_phrase(seconds: float | None, lang: str) -> str:
    """`6 minutes` / `6 Minuten`; German in the genitive after "Während" (`einer Minute`)."""
    if seconds is None or seconds <= 0:
        return ""
    s = round(seconds)
    de = lang == "de"

    def unit(n: int, en: tuple[str, str], de_: tuple[str, str]) -> str:
        if de:
            return f"einer {de_[0]}" if n == 1 else f"{n} {de_[1]}"
        return f"1 {en[0]}" if n == 1 else f"{n} {en[1]}"

    sec = (("second", "seconds"), ("Sekunde", "Sekunden"))
    minute = (("minute", "minutes"), ("Minute", "Minuten"))
    hour = (("hour", "hours"), ("Stunde", "Stunden"))
    if s < 60:
        return unit(max(s, 1), *sec)
    minutes = round(s / 60)
    if minutes < 60:
        return unit(minutes, *minute)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return unit(hours, *hour)
    return unit(hours, *hour) + (" und " if de else " and ") + unit(rest, *minute)


def duration_short(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return ui("unknown", lang)
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


@dataclass(frozen=True, slots=True)
class Reach:
    """One category and the third-party companies that received it (most active first)."""

    category: str
    orgs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    duration_s: float | None
    reach: tuple[Reach, ...]
    """Third-party reach, most sensitive category first."""
    companies: tuple[str, ...]
    first_party_orgs: tuple[str, ...]
    first_party_categories: tuple[str, ...]
    transmissions: int
    before: int
    after: int
    consent_label: str | None
    after_orgs: tuple[str, ...]
    cleartext_requests: int
    pinned_destinations: int
    undeclared_categories: tuple[str, ...] = ()


NAME_ORGS_UP_TO = 2
"""In the paragraph, companies are named when a category went to at most this many."""

PARAGRAPH_CATEGORIES = 3


def _reach_clause(r: Reach, lang: str, first: bool) -> str:
    n = len(r.orgs)
    obj = object_phrase(r.category, lang)
    names = f" ({join(list(r.orgs), lang)})" if n <= NAME_ORGS_UP_TO else ""
    if lang == "de":
        target = companies(n, lang) if (first or n == 1) else str(n)
        return f"{obj} an {target}{names}"
    target = companies(n, lang) if first else str(n)
    return f"{obj} to {target}{names}"


def summary_paragraph(facts: SummaryFacts, lang: str) -> str:
    """The one-paragraph summary a non-technical reader sees first."""
    de = lang == "de"
    dur = duration_phrase(facts.duration_s, lang)
    if de:
        opening = f"Während {dur} Nutzung hat die App" if dur else "In dieser Sitzung hat die App"
    else:
        opening = f"During {dur} of use, the app" if dur else "During this session, the app"
    sentences: list[str] = []
    if facts.reach:
        shown = facts.reach[:PARAGRAPH_CATEGORIES]
        clauses = [_reach_clause(r, lang, i == 0) for i, r in enumerate(shown)]
        rest = len(facts.reach) - len(shown)
        if rest:
            clauses.append(
                (f"{'eine weitere Datenart' if rest == 1 else f'{rest} weitere Datenarten'} (siehe Liste)")
                if de
                else (
                    f"{'1 other kind' if rest == 1 else f'{rest} other kinds'} of data (see the list below)"
                )
            )
        body = join(clauses, lang)
        if de:
            # German: the participle goes after the first object ("… an 3 Unternehmen gesendet, …").
            first, *others = clauses
            if others:
                body = f"{first} gesendet, " + join(others, lang)
                sentences.append(f"{opening} {body}.")
            else:
                sentences.append(f"{opening} {first} gesendet.")
        else:
            sentences.append(f"{opening} sent {body}.")
        sentences.append(_consent_sentence(facts, lang))
    else:
        sentences.append(
            f"{opening} keine personenbezogenen Daten an andere Unternehmen gesendet, die phonehome erkennen konnte."
            if de
            else f"{opening} sent no personal data to other companies that phonehome could detect."
        )
    if facts.first_party_orgs and facts.first_party_categories:
        org = join(list(facts.first_party_orgs), lang)
        data = join([object_phrase(c, lang) for c in facts.first_party_categories], lang)
        sentences.append(
            f"Außerdem hat der Anbieter der App selbst ({org}) Folgendes erhalten: {data}."
            if de
            else f"In addition, the app's own company ({org}) received {data}."
        )
    return " ".join(s for s in sentences if s)


def _consent_sentence(facts: SummaryFacts, lang: str) -> str:
    de = lang == "de"
    label = facts.consent_label
    total = facts.transmissions
    if label is None or not total:
        return (
            "Ein Einwilligungszeitpunkt wurde nicht markiert; ob das vor oder nach Ihrer Zustimmung geschah, lässt sich daher nicht sagen."
            if de
            else "No consent moment was marked, so this report cannot say whether this happened before or after you agreed."
        )
    share = percent(facts.before, total, lang)
    if label == "consent-given":
        if facts.before == 0:
            return (
                "Keine dieser Übermittlungen fand statt, bevor Sie zugestimmt hatten."
                if de
                else "None of this happened before you agreed."
            )
        if facts.before == total:
            return (
                "Alle diese Übermittlungen fanden statt, bevor Sie irgendetwas zugestimmt hatten."
                if de
                else "All of this happened before you agreed to anything."
            )
        return (
            f"{share} dieser Übermittlungen fanden statt, bevor Sie irgendetwas zugestimmt hatten."
            if de
            else f"{share} of this happened before you agreed to anything."
        )
    moment_de, moment_en, after_de, after_en = {
        "consent-refused": (
            "die Einwilligungsabfrage beantwortet hatten",
            "answered the consent request",
            "Nachdem Sie abgelehnt hatten,",
            "After you refused",
        ),
        "consent-withdrawn": (
            "Ihre Einwilligung widerrufen hatten",
            "withdrew your consent",
            "Nach dem Widerruf",
            "After you withdrew it",
        ),
    }.get(
        label,
        ("den Einwilligungszeitpunkt erreicht hatten", "reached the consent moment", "Danach", "Afterwards"),
    )
    if de:
        first = f"{share} dieser Übermittlungen fanden statt, bevor Sie {moment_de}."
        if facts.after_orgs:
            return (
                first
                + f" {after_de} hat die App trotzdem noch Daten an {companies(len(facts.after_orgs), lang)} gesendet."
            )
        return first + f" {after_de} hat die App keine Daten mehr an andere Unternehmen gesendet."
    first = f"{share} of this happened before you {moment_en}."
    if facts.after_orgs:
        return first + f" {after_en}, the app still sent data to {companies(len(facts.after_orgs), lang)}."
    return first + f" {after_en}, the app sent no more data to other companies."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary_bullets(facts: SummaryFacts, lang: str, *, max_names: int = 6) -> list[str]:
    """The short list under the paragraph: one line per category, then warnings."""
    de = lang == "de"
    out: list[str] = []
    for r in facts.reach:
        names = list(r.orgs[:max_names])
        more = len(r.orgs) - len(names)
        if more:
            names.append(("ein weiteres" if more == 1 else f"{more} weitere") if de else f"{more} more")
        out.append(
            f"{category_title(r.category, lang)}: {companies(len(r.orgs), lang)} ({join(names, lang)})"
        )
    if facts.cleartext_requests:
        n = facts.cleartext_requests
        out.append(
            (
                f"{_cap(requests(n, lang))} mit personenbezogenen Daten "
                f"{'wurde' if n == 1 else 'wurden'} unverschlüsselt gesendet – jeder im selben WLAN hätte mitlesen können."
            )
            if de
            else f"{_cap(requests(n, lang))} carrying personal data {'was' if n == 1 else 'were'} sent "
            f"without encryption – anyone on the same Wi-Fi could have read {'it' if n == 1 else 'them'}."
        )
    if facts.pinned_destinations:
        n = facts.pinned_destinations
        out.append(
            (
                f"Bei {'einem Ziel' if n == 1 else f'{n} Zielen'} hat die App die Prüfung durch phonehome abgewehrt; "
                "was dorthin ging, fehlt in diesem Bericht."
            )
            if de
            else f"For {'1 destination' if n == 1 else f'{n} destinations'} the app blocked phonehome's inspection; "
            "what went there is missing from this report."
        )
    if facts.undeclared_categories:
        n = len(facts.undeclared_categories)
        undeclared = join([category_name(c, lang) for c in facts.undeclared_categories], lang)
        out.append(
            (
                f"Das Datenschutz-Label der App im Store nennt {'eine gesendete Datenart' if n == 1 else f'{n} gesendete Datenarten'} nicht: {undeclared}."
            )
            if de
            else f"The app's store privacy label does not declare {'1 kind' if n == 1 else f'{n} kinds'} of data it sent: {undeclared}."
        )
    return out


def known_category(category_id: str) -> bool:
    return category_id in BY_ID


def fmt_time(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S UTC") if t else ""


def fmt_offset(s: float | None) -> str:
    if s is None:
        return ""
    sign = "-" if s < 0 else ""
    s = abs(s)
    m, sec = divmod(int(round(s)), 60)
    return f"{sign}{m}:{sec:02d}"
