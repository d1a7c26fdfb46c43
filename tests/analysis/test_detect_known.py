"""Known-value matching (analysis.known) and its use by the Detector: every transform, runtime
provenance, tolerance rules for coordinates, generic-value rules, blob search, merge rules."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

import pytest
from support.detect import decoded, default_profile, record

from phonehome.analysis.detect import Detector
from phonehome.analysis.known import KnownMatcher, b64_cores, phone_forms
from phonehome.analysis.location import Location
from phonehome.analysis.model import Blob
from phonehome.analysis.profile import KnownValue

EMAIL = KnownValue("person.email", "Erika.Mustermann@posteo.de", "contact_info", "email")
PHONE = KnownValue("person.phone", "+49 171 2345678", "contact_info", "phone")
MAC = KnownValue("device.wifi_mac", "a4:5e:60:d2:3b:71", "device_id", "mac")
ADID = KnownValue("device.advertising_id", "38400000-8cf0-11bd-b23e-10b96e40000d", "advertising_id", "id")
ANDROID_ID = KnownValue("device.android_id", "9f3c2a71b5e04d68", "device_id", "id")
IMEI = KnownValue("device.imei", "352099001761481", "device_id", "imei")
OSV = KnownValue("device.os_version", "14", "device_info", "version")
LOCALE = KnownValue("device.locale", "de_DE", "device_info", "locale")
MAKER = KnownValue("device.manufacturer", "Google", "device_info", "model")
MODEL = KnownValue("device.model", "Pixel 7", "device_info", "model")
ALL = [EMAIL, PHONE, MAC, ADID, ANDROID_ID, IMEI, OSV, LOCALE, MAKER, MODEL]


@pytest.fixture(scope="module")
def matcher():
    return KnownMatcher(ALL)


def hits(matcher, text):
    return {(m.known.name, m.transform) for m in matcher.search(text)}


def h(algo, s):
    return hashlib.new(algo, s.encode()).hexdigest()


def b64d(algo, s, urlsafe=False, pad=True):
    raw = hashlib.new(algo, s.encode()).digest()
    out = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return out if pad else out.rstrip("=")


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("Erika.Mustermann@posteo.de", ("person.email", "exact"), id="exact"),
        pytest.param("erika.mustermann@posteo.de", ("person.email", "lower"), id="lower"),
        pytest.param("ERIKA.MUSTERMANN@POSTEO.DE", ("person.email", "upper"), id="upper"),
        pytest.param(
            "x=" + quote("erika.mustermann@posteo.de", safe=""),
            ("person.email", "url-encoded(lower)"),
            id="url-encoded",
        ),
        pytest.param(
            h("sha256", "erika.mustermann@posteo.de"),
            ("person.email", "sha256(lower)"),
            id="sha256-lower-email",
        ),
        pytest.param(
            h("sha256", "erika.mustermann@posteo.de").upper(),
            ("person.email", "sha256(lower) HEX"),
            id="sha256-upper-hex",
        ),
        pytest.param(
            h("md5", "erika.mustermann@posteo.de"), ("person.email", "md5(lower)"), id="md5-lower-email"
        ),
        pytest.param(h("sha1", "Erika.Mustermann@posteo.de"), ("person.email", "sha1"), id="sha1-raw"),
        pytest.param(
            b64d("sha256", "erika.mustermann@posteo.de"),
            ("person.email", "sha256(lower) base64"),
            id="sha256-base64",
        ),
        pytest.param(
            b64d("sha256", "erika.mustermann@posteo.de", urlsafe=True, pad=False),
            ("person.email", "sha256(lower) base64"),
            id="sha256-base64url-unpadded",
        ),
        pytest.param(b"erika.mustermann@posteo.de".hex(), ("person.email", "hex(lower)"), id="hex"),
        pytest.param(
            h("sha256", "491712345678"), ("person.phone", "sha256(e164-no-plus)"), id="sha256-phone-meta"
        ),
        pytest.param(h("sha256", "+491712345678"), ("person.phone", "sha256(e164)"), id="sha256-phone-e164"),
        pytest.param("tel:01712345678;", ("person.phone", "national"), id="phone-national"),
        pytest.param("a45e60d23b71", ("device.wifi_mac", "no-separators"), id="mac-no-separators"),
        pytest.param("A4-5E-60-D2-3B-71", ("device.wifi_mac", "dashes"), id="mac-dashes"),
        pytest.param("mac=A4:5E:60:D2:3B:71&x=1", ("device.wifi_mac", "upper"), id="mac-upper"),
        pytest.param(h("md5", "A4:5E:60:D2:3B:71"), ("device.wifi_mac", "md5(upper)"), id="mac-md5-upper"),
        pytest.param(
            "384000008CF011BDB23E10B96E40000D",
            ("device.advertising_id", "no-separators"),
            id="adid-no-dashes",
        ),
        pytest.param(h("sha1", "9f3c2a71b5e04d68"), ("device.android_id", "sha1"), id="android-id-sha1"),
        pytest.param(h("md5", "352099001761481"), ("device.imei", "md5"), id="imei-md5"),
        pytest.param(
            "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A)",
            ("device.model", "exact"),
            id="model-in-ua",
        ),
    ],
)
def test_transforms(matcher, text, expected):
    assert expected in hits(matcher, text)


@pytest.mark.parametrize("prefix", [b"", b"x", b"xy"], ids=["shift0", "shift1", "shift2"])
@pytest.mark.parametrize("urlsafe", [False, True], ids=["std", "url"])
def test_base64_at_all_alignments(matcher, prefix, urlsafe):
    payload = prefix + b'{"adid":"38400000-8cf0-11bd-b23e-10b96e40000d","n":1}'
    enc = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(payload).decode()
    names = {n for n, t in hits(matcher, enc) if t.startswith("base64")}
    assert "device.advertising_id" in names


def test_b64_cores_are_substrings_at_every_shift():
    data = b"9f3c2a71b5e04d68"
    for shift, core in b64_cores(data):
        for pre in (b"", b"a", b"ab", b"abc"):
            for post in (b"", b"z", b"zz"):
                blob = pre + b"\0" * 0 + data + post
                if (len(pre)) % 3 == shift:
                    assert core in base64.b64encode(blob).decode()


def test_phone_forms():
    forms = dict(phone_forms("+49 171 2345678"))
    assert forms["e164"] == "+491712345678" and forms["e164-no-plus"] == "491712345678"
    assert forms["national"] == "01712345678"
    assert dict(phone_forms("+1 415 555 0132"))["national"] == "4155550132"


def test_no_substring_of_longer_word(matcher):
    assert ("device.model", "exact") not in hits(matcher, "Pixel 70 Pro")


def test_generic_values_only_whole_and_flagged(matcher):
    found = [m for m in matcher.search("14")]
    assert found and all(m.generic and m.whole for m in found)
    assert not any(m.known is OSV for m in matcher.search("version 14.2"))
    assert not any(m.known is MAKER for m in matcher.search("Google Play Services"))
    # mixed letters/separators values (de_DE) match a whole leaf anywhere, not flagged generic
    loc = [m for m in matcher.search("de_DE") if m.known is LOCALE]
    assert loc and not loc[0].generic


def test_random_hex_is_not_a_known_digest(matcher):
    assert hits(matcher, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") == set()


# --- through the Detector --------------------------------------------------------------------------


def detect(det, *leaves, blobs=(), path="/"):
    return det.detect(record(path), decoded(*leaves, blobs=blobs))


def test_known_value_rule_and_evidence():
    det = Detector(known=[EMAIL])
    [d] = detect(
        det, ("body.form:ud>json:em", "em", h("sha256", "erika.mustermann@posteo.de"), ("form", "json"))
    )
    assert d.detector == "profile" and d.rule == "profile:person.email sha256(lower)"
    assert d.confidence >= 0.99 and d.category == "contact_info"
    assert "sha256 of lower-cased person.email matched" in d.evidence


def test_generic_value_needs_key_context():
    det = Detector(known=[OSV])
    assert detect(det, ("body.json:extinfo[4]", "extinfo", "14", ("json",))) == []
    [d] = detect(det, ("query:os_version", "os_version", "14"))
    assert d.detector == "profile" and d.category == "device_info"


def test_runtime_provenance_and_lazy_rebuild():
    det = Detector()
    leaf = ("query:aid", "aid", h("md5", "f00dfacecafe1234"))
    assert detect(det, leaf) == []
    det.add_known_values(
        [
            KnownValue(
                "hook:Settings$Secure.getString(android_id)",
                "f00dfacecafe1234",
                "device_id",
                "id",
                provenance="hook#12 Settings.Secure.getString android_id @10:23:45",
            )
        ]
    )
    [d] = detect(det, leaf)
    assert d.detector == "runtime" and d.category == "device_id"
    assert d.rule == "runtime:hook#12 Settings.Secure.getString android_id @10:23:45 md5"
    assert "read it at run time" in d.evidence


def test_runtime_wins_tie_with_profile_and_keeps_both_in_evidence():
    det = Detector(
        known=[ANDROID_ID, KnownValue("hook:android_id", ANDROID_ID.value, "device_id", "id", "hook#3")]
    )
    [d] = detect(det, ("query:andi", "andi", ANDROID_ID.value))
    assert d.detector == "runtime" and "profile:device.android_id exact" in d.evidence


def test_whole_known_value_decides_category():
    det = Detector(known=[ANDROID_ID])
    out = detect(det, ("query:device_id", "device_id", ANDROID_ID.value))
    assert [(d.category, d.detector) for d in out] == [("device_id", "profile")]


def test_decoded_child_preferred_over_encoded_parent():
    det = Detector(known=[ADID])
    raw = base64.b64encode(b'{"adid":"38400000-8cf0-11bd-b23e-10b96e40000d"}').decode()
    out = detect(
        det,
        ("body.form:d", "d", raw, ("form",)),
        ("body.form:d>base64>json:adid", "adid", ADID.value, ("form", "base64", "json")),
    )
    assert [d.location for d in out] == ["body.form:d>base64>json:adid"]


def test_blob_only_when_leaves_missed_it():
    det = Detector(known=[ADID, MODEL])
    body = b"\x0a\x2a\x12\x24" + ADID.value.encode() + b"\x52\x07Pixel 7"
    out = detect(det, ("body.json:adid", "adid", ADID.value, ("json",)), blobs=(Blob(Location.BODY, body),))
    assert {(d.location, d.category) for d in out} == {
        ("body.json:adid", "advertising_id"),
        ("body", "device_info"),
    }
    blob_d = next(d for d in out if d.location == "body")
    assert "raw bytes at offset" in blob_d.evidence
    # found in a header leaf, still reported in a body blob the decoder could not open
    out = detect(
        det,
        ("header:X-Ad-Id", "X-Ad-Id", ADID.value),
        blobs=(Blob(Location.BODY, b"\x00\x01" + ADID.value.encode()),),
    )
    assert {d.location for d in out} == {"header:X-Ad-Id", "body"}


def test_contacts_container_with_known_hashes():
    det = Detector(default_profile())
    leaves = [
        (f"body.json:contacts[{i}].phone_sha256", "phone_sha256", v, ("json",))
        for i, v in enumerate(
            [h("sha256", "491609876543"), h("sha256", "491511112223"), h("sha256", "491729998877")]
        )
    ]
    [d] = detect(det, *leaves)
    assert d.category == "contacts" and d.location == "body.json:contacts" and d.detector == "profile"
    assert "2 known values" in d.evidence


# --- coordinates -------------------------------------------------------------------------------------


def test_coordinates_within_tolerance_need_both_axes():
    det = Detector(default_profile())  # 52.5163, 13.3777
    out = detect(
        det, ("body.json:a", "a", "52.51912", ("json",)), ("body.json:b", "b", "13.38104", ("json",))
    )
    assert {(d.location, d.category, d.detector) for d in out} == {
        ("body.json:a", "location_precise", "profile"),
        ("body.json:b", "location_precise", "profile"),
    }
    assert "within" in out[0].evidence
    # one axis alone is not enough
    assert detect(det, ("body.json:a", "a", "52.51912", ("json",))) == []
    # too far (> 0.01°)
    assert (
        detect(det, ("body.json:a", "a", "52.5412", ("json",)), ("body.json:b", "b", "13.38104", ("json",)))
        == []
    )


def test_coarse_coordinates_need_key_context():
    det = Detector(default_profile())
    assert (
        detect(
            det,
            ("body.json:price", "price", "52.52", ("json",)),
            ("body.json:tax", "tax", "13.38", ("json",)),
        )
        == []
    )
    out = detect(det, ("query:lat", "lat", "52.52"), ("query:lon", "lon", "13.38"))
    assert {(d.category, d.detector) for d in out} == {("location_coarse", "profile")}


def test_profile_coordinates_override_store_keys():
    """Under a store key, the profile location counts only at the value's own precision: the
    profile's 52.5163, 13.3777 rounded to what was sent is the user's position, a store 20 m away
    (inside the 0.01° GPS tolerance) is not."""
    det = Detector(default_profile())
    out = detect(det, ("query:store_lat", "store_lat", "52.5163"), ("query:store_lng", "store_lng", "13.378"))
    assert {d.detector for d in out} == {"profile"}
    near = detect(
        det, ("query:store_lat", "store_lat", "52.5165"), ("query:store_lng", "store_lng", "13.3779")
    )
    assert near == []


def test_coordinate_pair_string():
    det = Detector(default_profile())
    [d] = detect(det, ("query:ll", "ll", "52.516274,13.377704"))
    assert d.category == "location_precise" and d.detector == "profile"


def test_websocket_server_messages_are_not_examined():
    det = Detector(known=[ADID])
    assert (
        det.detect(record(direction="server"), decoded(("ws.json:adid", "adid", ADID.value, ("json",)))) == []
    )


def test_numbers_inside_longer_numbers_do_not_match():
    m = KnownMatcher([KnownValue("device.local_ip", "192.168.178.23", "network", "ip"), PHONE, IMEI])
    assert hits(m, "ip=192.168.178.230") == set()
    assert hits(m, "4917123456789") == set()
    assert hits(m, "13520990017614810") == set()
    assert ("device.local_ip", "exact") in hits(m, "ip=192.168.178.23&x=1")
    assert ("person.phone", "e164-no-plus") in hits(m, "tel:491712345678")


@pytest.mark.parametrize(
    "template",
    [
        "https://t.example.net/v1/u/{hex}/ping",
        "sha256-{hex}",
        "0x{hex}",
        "/v1/u/{b64}",
        "{b64}=",
    ],
)
def test_digests_inside_paths_and_prefixes(matcher, template):
    text = template.format(
        hex=h("sha256", "erika.mustermann@posteo.de"),
        b64=b64d("sha256", "erika.mustermann@posteo.de", pad=False),
    )
    assert any(n == "person.email" and t.startswith("sha256(lower)") for n, t in hits(matcher, text))


def test_system_packages_are_not_searched():
    m = KnownMatcher(
        [
            KnownValue("apps.installed[0]", "com.android.chrome", "installed_apps", "package"),
            KnownValue("apps.installed[1]", "com.grindrapp.android", "installed_apps", "package"),
        ]
    )
    assert hits(m, "installer=com.android.chrome") == set()
    assert hits(m, "com.grindrapp.android") == {("apps.installed[1]", "exact")}


def test_a_value_added_after_a_search_is_found_by_the_next_search_of_the_same_text():
    # search results of leaf values are kept per text; adding values must not leave stale ones
    m = KnownMatcher([EMAIL])
    text = "member 9f3c2a71b5e04d68 logged in"
    assert hits(m, text) == set()
    m.add([ANDROID_ID])
    assert hits(m, text) == {("device.android_id", "exact")}
    found = m.search(text)
    found.clear()  # a caller changing the returned list does not change the next answer
    assert hits(m, text) == {("device.android_id", "exact")}
