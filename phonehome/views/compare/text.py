"""Wording of the comparison in English and German: fixed strings (data: `data/phrases.toml`,
validated by `phrases.py`) and the first-screen sentences built from them.

Every sentence is built from numbers and names of the model; names are captured strings, so the
renderers escape them (HTML autoescape, `markdown.md`). Every ranking names its measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from phonehome.views import where
from phonehome.views.compare.phrases import bundled_phrases
from phonehome.views.report.text import (
    category_name,
    check_lang,
    clean,
    companies,
    duration_short,
    join,
    object_phrase,
)

if TYPE_CHECKING:
    from .model import AppColumn, CompareModel

__all__ = ["check_lang", "clean", "headline", "ui", "ui_table"]

NAMES_SHOWN = 4
"""Companies named in a first-screen sentence before "and N more"."""

_PHRASES = bundled_phrases()  # data/phrases.toml, validated
_UI = _PHRASES.ui


def ui(key: str, lang: str, **fmt: object) -> str:
    text = _UI[key][1 if lang == "de" else 0]
    return text.format(**fmt) if fmt else text


def ui_table(lang: str) -> dict[str, str]:
    return {key: pair[1 if lang == "de" else 0] for key, pair in _UI.items()}


def names(items: Sequence[str], lang: str, shown: int = NAMES_SHOWN) -> str:
    """`A, B, C and 2 more` — at most `shown` names."""
    items = list(items)
    if len(items) <= shown:
        return join(items, lang)
    return join(items[:shown] + [ui("more", lang, n=len(items) - shown)], lang)


def consent_at(name: str, offset_s: float | None, lang: str) -> str:
    at = duration_short(offset_s, lang)
    return f"{name} {'bei' if lang == 'de' else 'at'} {at}"


def ratio_text(ratio: float, lang: str) -> str:
    text = f"{ratio:.1f}×"
    return text.replace(".", ",") if lang == "de" else text


def per_minute(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "de" else text


def _ranking(model: CompareModel) -> str:
    de = model.lang == "de"
    ranked = sorted(model.apps, key=lambda a: (-a.pairs, -len(a.third_parties), a.label))
    lead = ranked[0]

    def own(a: AppColumn) -> str:
        kinds = len(a.categories_first)
        if not kinds:
            return ""
        who = names(a.first_parties, model.lang)
        if de:
            return f" (das Unternehmen hinter der App, {who}, erhielt selbst {kinds} {'Datenart' if kinds == 1 else 'Datenarten'})"
        return f" (the app's own company, {who}, itself received {kinds} {'kind' if kinds == 1 else 'kinds'} of data)"

    def figures(a: AppColumn) -> str:
        if not a.third_parties:
            return ("kein anderes Unternehmen" if de else "no other company") + own(a)
        kinds = len(a.categories_third)
        if de:
            return (
                f"{companies(len(a.third_parties), 'de')}, {kinds} {'Datenart' if kinds == 1 else 'Datenarten'}, "
                f"{a.pairs} {'Paar' if a.pairs == 1 else 'Paare'}"
            )
        return (
            f"{companies(len(a.third_parties), 'en')}, {kinds} {'kind' if kinds == 1 else 'kinds'} of data, "
            f"{a.pairs} {'pair' if a.pairs == 1 else 'pairs'}"
        )

    rest = "; ".join(f"{a.label}: {figures(a)}" for a in ranked[1:])
    if not lead.third_parties:
        return (
            "Keine der Apps hat personenbezogene Daten an andere Unternehmen gesendet."
            if de
            else "None of the apps sent personal data to other companies."
        )
    if de:
        return (
            f"Die meisten personenbezogenen Daten an andere Unternehmen sendete {lead.label}: {figures(lead)} "
            f"(gemessen an Unternehmen-Daten-Paaren: jedes andere Unternehmen einmal pro erhaltener Datenart). "
            f"Dahinter {rest}."
        )
    return (
        f"{lead.label} sent the most personal data to other companies: {figures(lead)} (measured in "
        f"company–data pairs: each other company counted once per kind of data it received). Then {rest}."
    )


def _tracking(model: CompareModel) -> str:
    de = model.lang == "de"
    parts: list[str] = []
    clean_apps: list[str] = []
    for a in sorted(model.apps, key=lambda a: -len(a.tracking_before_consent)):
        if a.tracking_before_consent:
            n = len(a.tracking_before_consent)
            who = names(a.tracking_before_consent, model.lang, shown=6)
            parts.append(f"{a.label} ({'an' if de else 'to'} {companies(n, model.lang)}: {who})")
        elif a.tracking_unmarked:
            n = len(a.tracking_unmarked)
            parts.append(
                f"{a.label} ({'ohne Einwilligungsmarke; an' if de else 'no consent marker; to'} "
                f"{companies(n, model.lang)}: {names(a.tracking_unmarked, model.lang)})"
            )
        else:
            clean_apps.append(a.label)
    ids = f"{object_phrase('advertising_id', model.lang)}, {object_phrase('device_id', model.lang)}"
    if not parts:
        return (
            f"Keine App sendete Kennungen, mit denen Unternehmen eine Person über Apps hinweg verfolgen "
            f"können ({ids}), vor der Einwilligung."
            if de
            else f"No app sent identifiers that let companies follow a person across apps ({ids}) before consent."
        )
    if de:
        text = (
            f"Kennungen, mit denen Unternehmen eine Person über Apps hinweg verfolgen können ({ids}), "
            f"schon vor der Einwilligung gesendet: {'; '.join(parts)}."
        )
        return text + (f" {join(clean_apps, 'de')}: nicht." if clean_apps else "")
    text = (
        f"Sent identifiers that let companies follow a person across apps ({ids}) before consent: "
        f"{'; '.join(parts)}."
    )
    return text + (f" {join(clean_apps, 'en')}: no." if clean_apps else "")


def _cleartext(model: CompareModel) -> str:
    de = model.lang == "de"
    sent = [a for a in model.apps if a.cleartext_requests]
    if not sent:
        return (
            "Keine App sendete personenbezogene Daten unverschlüsselt."
            if de
            else "No app sent personal data unencrypted."
        )
    parts = []
    for a in sent:
        n = a.cleartext_requests
        req = (
            ("eine Anfrage" if n == 1 else f"{n} Anfragen")
            if de
            else ("1 request" if n == 1 else f"{n} requests")
        )
        parts.append(f"{a.label} ({req} {'an' if de else 'to'} {names(a.cleartext_orgs, model.lang)})")
    others = [a.label for a in model.apps if not a.cleartext_requests]
    if de:
        text = f"Unverschlüsselt gesendet (jeder im selben WLAN kann mitlesen): {'; '.join(parts)}."
        return text + (f" {join(others, 'de')}: nichts." if others else "")
    text = f"Sent personal data unencrypted (anyone on the same Wi-Fi can read it): {'; '.join(parts)}."
    return text + (f" {join(others, 'en')}: nothing." if others else "")


def _linkable(model: CompareModel) -> str:
    de = model.lang == "de"
    if not model.shared:
        return ui("shared_none", model.lang)
    parts = [
        f"{s.org} ({category_name(s.category, model.lang)}: {join(list(s.apps), model.lang)})"
        for s in model.shared[:NAMES_SHOWN]
    ]
    more = len(model.shared) - NAMES_SHOWN
    tail = f"; {ui('more', model.lang, n=more)}" if more > 0 else ""
    if de:
        return (
            f"Diese Unternehmen erhielten denselben Kennungswert von mehreren der Apps und können eine Person "
            f"über sie hinweg verknüpfen: {'; '.join(parts)}{tail}."
        )
    return (
        f"These companies received the same identifier value from more than one of the apps and can link a "
        f"person across them: {'; '.join(parts)}{tail}."
    )


def _where(model: CompareModel) -> str:
    parts = where.third_country_parts({a.label: a.exposures for a in model.apps}, model.lang)
    if not parts:
        return where.ui("headline_none", model.lang)
    clean_apps = [a.label for a in model.apps if not a.third_country_orgs]
    tail = f" {join(clean_apps, model.lang)}: {where.ui('nothing', model.lang)}." if clean_apps else ""
    return where.ui("headline", model.lang, parts="; ".join(parts)) + tail


def _fairness(model: CompareModel) -> str | None:
    if not model.duration_warning or model.duration_ratio is None:
        return None
    return ui("fairness_warning", model.lang, ratio=ratio_text(model.duration_ratio, model.lang))


def _undeclared(model: CompareModel) -> str | None:
    checked = [a for a in model.apps if a.label_checked and a.undeclared]
    if not checked:
        return None
    de = model.lang == "de"
    parts = [
        f"{a.label} ({join([category_name(c, model.lang) for c in a.undeclared], model.lang)})"
        for a in checked
    ]
    if de:
        return f"Gesendet, aber nicht im Datenschutz-Label des Stores angegeben: {'; '.join(parts)}."
    return f"Sent, but not declared on the app's store privacy label: {'; '.join(parts)}."


@dataclass(frozen=True, slots=True)
class Point:
    """One sentence of the first screen: a short title, the sentence, and the apps it counts against."""

    title: str
    text: str
    apps: tuple[str, ...]


_TITLES = _PHRASES.titles


def headline(model: CompareModel) -> list[Point]:
    """The first screen: what differs between the apps, most decisive first."""
    lang = model.lang
    linked = {app for s in model.shared for app in s.apps}

    def point(key: str, text: str, apps: Sequence[str]) -> Point:
        return Point(_TITLES[key][1 if lang == "de" else 0], text, tuple(apps))

    points = [
        point("ranking", _ranking(model), [a.label for a in model.apps if a.pairs]),
        point("tracking", _tracking(model), [a.label for a in model.apps if a.tracking_before_consent]),
        point("where", _where(model), [a.label for a in model.apps if a.third_country_orgs]),
        point("linkable", _linkable(model), [a.label for a in model.apps if a.label in linked]),
        point("cleartext", _cleartext(model), [a.label for a in model.apps if a.cleartext_requests]),
    ]
    undeclared = _undeclared(model)
    if undeclared:
        points.append(point("undeclared", undeclared, [a.label for a in model.apps if a.undeclared]))
    return points


def in_short(model: CompareModel, points: Sequence[Point]) -> str:
    """How many of the points apply to each app: a count anyone can check, not a score."""
    n = len(points)
    counts = sorted(
        ((sum(a.label in p.apps for p in points), a.label) for a in model.apps), key=lambda c: -c[0]
    )
    if model.lang == "de":
        parts = "; ".join(f"{label}: {k} von {n}" for k, label in counts)
        return f"Kurz gesagt – wie viele der {n} Punkte unten auf jede App zutreffen: {parts}."
    parts = "; ".join(f"{label}: {k} of {n}" for k, label in counts)
    return f"In short — how many of the {n} points below apply to each app: {parts}."
