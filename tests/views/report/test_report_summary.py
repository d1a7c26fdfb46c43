"""The plain-language summary in English and German, from the findings of a session.

`support.report.SESSION_SOURCE` switches these tests from the synthetic session to the bundled
sample; the exact-sentence tests are pinned to the synthetic session, the rest hold for any.
"""

from __future__ import annotations

import re

import pytest
from support import report as rs

from phonehome.views.report import build_report
from phonehome.views.report import text as txt


@pytest.fixture(scope="module")
def session():
    return rs.summary_session()


def test_english_summary_of_the_synthetic_session(synthetic_session):
    model = build_report(synthetic_session, lang="en")
    assert model.summary.paragraph == (
        "During 6 minutes of use, the app sent your precise location to 3 companies, your advertising ID "
        "to 9, your contact list to 1 (Meta) and 4 other kinds of data (see the list below). 38% of this "
        "happened before you agreed to anything. In addition, the app's own company (ByteDance) received "
        "your advertising ID, your approximate location, what you did in the app and details of your device."
    )
    assert model.summary.bullets[:3] == (
        "Precise location: 3 companies (AppsFlyer, Google and Meta)",
        "Advertising ID: 9 companies (Adjust, AppLovin, AppsFlyer, Braze, Google, IronSource and 3 more)",
        "Contact list: 1 company (Meta)",
    )
    assert "1 request carrying personal data was sent without encryption" in model.summary.bullets[-2]
    assert model.summary.bullets[-1].startswith("For 1 destination the app blocked")


def test_german_summary_of_the_synthetic_session(synthetic_session):
    model = build_report(synthetic_session, lang="de")
    assert model.summary.paragraph == (
        "Während 6 Minuten Nutzung hat die App Ihren genauen Standort an 3 Unternehmen gesendet, Ihre "
        "Werbe-ID an 9, Ihr Adressbuch an ein Unternehmen (Meta) und 4 weitere Datenarten (siehe Liste). "
        "38 % dieser Übermittlungen fanden statt, bevor Sie irgendetwas zugestimmt hatten. Außerdem hat "
        "der Anbieter der App selbst (ByteDance) Folgendes erhalten: Ihre Werbe-ID, Ihren ungefähren "
        "Standort, Ihr Verhalten in der App und Angaben zu Ihrem Gerät."
    )
    assert model.summary.bullets[:3] == (
        "Genauer Standort: 3 Unternehmen (AppsFlyer, Google und Meta)",
        "Werbe-ID: 9 Unternehmen (Adjust, AppLovin, AppsFlyer, Braze, Google, IronSource und 3 weitere)",
        "Adressbuch: ein Unternehmen (Meta)",
    )
    assert model.summary.bullets[-2].startswith(
        "Eine Anfrage mit personenbezogenen Daten wurde unverschlüsselt"
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_summary_numbers_come_from_the_findings(session, lang):
    """Whatever the session: the paragraph names the duration, the number of third parties per
    category and the share before consent, all recomputed here from the findings."""
    model = build_report(session, lang=lang)
    f = session.findings
    third = f[f["party"].astype("object") != "first"]
    facts = model.summary.facts
    for reach in facts.reach:
        expected = third[third["category"].astype("object") == reach.category]["org"].nunique()
        assert len(reach.orgs) == expected
    assert len(f), "the session has no findings"
    if facts.duration_s:
        assert model.summary.paragraph.startswith("Während " if lang == "de" else "During ")
    if facts.reach:
        first = facts.reach[0]
        n = len(first.orgs)
        target = txt.companies(n, lang)
        assert (
            f"{txt.object_phrase(first.category, lang)} {'an' if lang == 'de' else 'to'} {target}"
            in model.summary.paragraph
        )
    if facts.consent_label == "consent-given" and 0 < facts.before < facts.transmissions:
        share = txt.percent(facts.before, facts.transmissions, lang)
        assert share in model.summary.paragraph
        assert re.search(r"\d+ %" if lang == "de" else r"\d+%", share)
    for org in facts.first_party_orgs:
        assert org not in facts.companies


@pytest.mark.parametrize(
    ("seconds", "lang", "expected"),
    [
        pytest.param(40, "en", "40 seconds", id="en-seconds"),
        pytest.param(1, "en", "1 second", id="en-second"),
        pytest.param(60, "en", "1 minute", id="en-minute"),
        pytest.param(360, "en", "6 minutes", id="en-minutes"),
        pytest.param(4800, "en", "1 hour and 20 minutes", id="en-hour"),
        pytest.param(60, "de", "einer Minute", id="de-minute"),
        pytest.param(360, "de", "6 Minuten", id="de-minutes"),
        pytest.param(7260, "de", "2 Stunden und einer Minute", id="de-hours"),
        pytest.param(1, "de", "einer Sekunde", id="de-second"),
    ],
)
def test_durations(seconds, lang, expected):
    assert txt.duration_phrase(seconds, lang) == expected


def _facts(**kw):
    base = dict(
        duration_s=60,
        reach=(),
        companies=(),
        first_party_orgs=(),
        first_party_categories=(),
        transmissions=0,
        before=0,
        after=0,
        consent_label=None,
        after_orgs=(),
        cleartext_requests=0,
        pinned_destinations=0,
    )
    base.update(kw)
    return txt.SummaryFacts(**base)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param(
            "en", "During 1 minute of use, the app sent your contact list to 1 company (ByteDance).", id="en"
        ),
        pytest.param(
            "de",
            "Während einer Minute Nutzung hat die App Ihr Adressbuch an ein Unternehmen (ByteDance) gesendet.",
            id="de",
        ),
    ],
)
def test_singular(lang, expected):
    facts = _facts(reach=(txt.Reach("contacts", ("ByteDance",)),), companies=("ByteDance",))
    assert txt.summary_paragraph(facts, lang).startswith(expected)


@pytest.mark.parametrize(
    ("label", "lang", "fragment"),
    [
        pytest.param(
            "consent-refused",
            "en",
            "50% of this happened before you answered the consent request. "
            "After you refused, the app still sent data to 2 companies.",
            id="refused-en",
        ),
        pytest.param(
            "consent-refused",
            "de",
            "50 % dieser Übermittlungen fanden statt, bevor Sie die Einwilligungsabfrage "
            "beantwortet hatten. Nachdem Sie abgelehnt hatten, hat die App trotzdem noch Daten an 2 Unternehmen gesendet.",
            id="refused-de",
        ),
        pytest.param(None, "en", "No consent moment was marked", id="unmarked-en"),
        pytest.param(None, "de", "Ein Einwilligungszeitpunkt wurde nicht markiert", id="unmarked-de"),
    ],
)
def test_consent_sentences(label, lang, fragment):
    facts = _facts(
        reach=(txt.Reach("advertising_id", ("A", "B")),),
        companies=("A", "B"),
        transmissions=4,
        before=2,
        after=2,
        consent_label=label,
        after_orgs=("A", "B"),
    )
    assert fragment in txt.summary_paragraph(facts, lang)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_nothing_sent_to_third_parties(lang):
    facts = _facts(first_party_orgs=("ByteDance",), first_party_categories=("device_info",))
    text = txt.summary_paragraph(facts, lang)
    assert ("keine personenbezogenen Daten" if lang == "de" else "sent no personal data") in text
    assert "ByteDance" in text


@pytest.mark.parametrize(
    ("part", "whole", "lang", "expected"),
    [(1, 1000, "en", "1%"), (999, 1000, "de", "99 %"), (0, 5, "en", "0%"), (5, 5, "de", "100 %")],
)
def test_percent_never_rounds_to_the_wrong_extreme(part, whole, lang, expected):
    assert txt.percent(part, whole, lang) == expected
