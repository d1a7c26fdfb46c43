"""Device profile: parsing, validation messages, and the known values it yields."""

from __future__ import annotations

from pathlib import Path

import pytest

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.profile import ProfileError, load_profile, parse_profile

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample" / "device.toml"


def test_sample_profile_loads_with_every_section() -> None:
    p = load_profile(SAMPLE)
    assert p.platform == "android" and p.app_under_test == "de.azubiapp.demo"
    assert p.first_party_domains == ("azubiapp.de",)
    assert p.latitude == pytest.approx(52.520008) and len(p.contacts) == 2
    names = {kv.name: kv for kv in p.known_values()}
    assert names["device.android_id"].category == "device_id"
    assert names["device.advertising_id"].category == "advertising_id"
    assert names["person.email"].kind == "email" and names["person.password"].category == "credentials"
    assert names["contacts[1].phone"].category == "contacts"
    assert names["clipboard.text"].category == "clipboard"
    assert names["location.latitude"].category == "location_precise"
    assert all(kv.category in CATEGORY_IDS for kv in names.values())
    assert all(kv.provenance == "profile" for kv in names.values())


def test_app_under_test_is_not_an_installed_app_value() -> None:
    p = parse_profile({"apps": {"under_test": "a.b", "installed": ["a.b", "c.d"]}})
    assert [kv.value for kv in p.known_values()] == ["c.d"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"device": {"andriod_id": "x"}}, "unknown key device.andriod_id", id="typo-in-device"),
        pytest.param({"phone": {}}, "unknown key phone", id="unknown-section"),
        pytest.param({"person": {"email": ["a"]}}, "person.email: expected a string", id="wrong-type"),
        pytest.param(
            {"location": {"latitude": "52.5"}}, "location.latitude: expected a number", id="lat-string"
        ),
        pytest.param(
            {"contacts": [{"name": "x", "nickname": "y"}]},
            "unknown key contacts[0].nickname",
            id="contact-key",
        ),
        pytest.param({"contacts": {"name": "x"}}, "expected an array of tables", id="contacts-not-array"),
        pytest.param(
            {"apps": {"installed": "com.x"}}, "apps.installed: expected a list", id="installed-not-list"
        ),
    ],
)
def test_profile_errors_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(data)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[device\nandroid_id = 1")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(bad)
    typo = tmp_path / "typo.toml"
    typo.write_text('[device]\nimie = "1"\n')
    with pytest.raises(ProfileError, match=r"typo.toml: unknown key device.imie"):
        load_profile(typo)


def test_every_key_is_optional() -> None:
    p = parse_profile({})
    assert p.known_values() == [] and p.app_under_test is None
