"""Where the data goes: Chapter V groups, company and parent countries, server addresses and their
country from an offline .mmdb made in the test (`--ip-db`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from support import compare as cs
from support import mmdb

from phonehome.analysis.ipdb import IpCountries, IpDbError
from phonehome.analysis.readers import read_records
from phonehome.analysis.transfers import exposures, place, receivers
from phonehome.cli import main

ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"


@pytest.mark.parametrize(
    ("country", "dpf", "group", "dpf_missing"),
    [
        pytest.param("DE", "unknown", "eu_eea", False, id="eu"),
        pytest.param("no", "unknown", "eu_eea", False, id="eea-lower-case"),
        pytest.param("JP", "unknown", "adequacy", False, id="adequacy"),
        pytest.param("IL", "no", "adequacy", False, id="adequacy-dpf-irrelevant"),
        pytest.param("US", "yes", "adequacy", False, id="us-dpf-certified"),
        pytest.param("US", "unknown", "third_country", True, id="us-not-checked"),
        pytest.param("US", "no", "third_country", True, id="us-not-certified"),
        pytest.param("CN", "unknown", "third_country", False, id="third-country"),
        pytest.param("", "unknown", "unknown", False, id="empty"),
        pytest.param("unknown", "unknown", "unknown", False, id="unknown"),
        pytest.param("<b>", "yes", "unknown", False, id="garbage"),
    ],
)
def test_chapter_v_groups(country, dpf, group, dpf_missing):
    p = place(country, dpf)
    assert (p.group, p.dpf_missing) == (group, dpf_missing)
    if group == "adequacy":
        assert re.search(r"(Decision|Implementing).* of \d{4}-\d\d-\d\d$", p.decision), p.decision


def test_company_and_parent_countries():
    f = pd.DataFrame(
        [
            {
                "org": "Adjust",
                "party": "third",
                "category": "advertising_id",
                "country": "DE",
                "parent": "AppLovin",
                "parent_country": "US",
                "dpf": "unknown",
                "server_ip": "203.0.113.7",
            },
            {
                "org": "TikTok",
                "party": "third",
                "category": "device_id",
                "country": "SG",
                "parent": "ByteDance",
                "parent_country": "CN",
                "dpf": "unknown",
                "server_ip": "203.0.113.8",
            },
            {
                "org": "ByteDance",
                "party": "third",
                "category": "contacts",
                "country": "CN",
                "parent": "",
                "parent_country": "CN",
                "dpf": "unknown",
                "server_ip": None,
            },
            {
                "org": "Batch",
                "party": "third",
                "category": "user_id",
                "country": "FR",
                "parent": "",
                "parent_country": "FR",
                "dpf": "unknown",
                "server_ip": "203.0.113.9",
            },
        ]
    )
    found = {r.org: r for r in receivers(f)}
    assert found["Adjust"].company.group == "eu_eea" and found["Adjust"].parent_place.country == "US"
    assert found["Adjust"].outside_eu_eea and not found["Batch"].outside_eu_eea
    assert found["TikTok"].server_ips == ("203.0.113.8",)
    by_country = {e.country: e for e in exposures(tuple(found.values()))}
    assert set(by_country) == {"US", "SG", "CN"}
    assert by_country["CN"].companies == ("ByteDance",) and by_country["CN"].via_parent == ("TikTok",)
    assert by_country["US"].companies == () and by_country["US"].via_parent == ("Adjust",)
    assert by_country["US"].dpf_missing


def test_har_server_ip_is_carried(tmp_path):
    har = tmp_path / "s.har"
    har.write_text(
        json.dumps(
            {
                "log": {
                    "version": "1.2",
                    "entries": [
                        {
                            "startedDateTime": "2026-11-26T10:00:00.000Z",
                            "serverIPAddress": "[2001:db8::7]",
                            "request": {
                                "method": "GET",
                                "url": f"https://googleads.g.doubleclick.net/mads/gma?rdid={ADID}",
                                "httpVersion": "HTTP/2",
                                "headers": [],
                                "queryString": [],
                            },
                            "response": {"status": 200},
                        }
                    ],
                }
            }
        )
    )
    (record,) = list(read_records(har))
    assert record.server_ip == "2001:db8::7"


def test_ip_db_reads_country_records(tmp_path):
    db = mmdb.write_mmdb(
        tmp_path / "t.mmdb",
        {
            "127.0.0.0/8": {"country": {"iso_code": "DE", "names": {"en": "Germany"}}},
            "203.0.113.0/24": {"registered_country": {"iso_code": "us"}},
            "2001:db8::/32": {"country_code": "JP"},
            "198.51.100.0/24": {"country": {"iso_code": "<script>"}},
        },
    )
    countries = IpCountries.open(db)
    assert [
        countries.country(ip)
        for ip in ("127.0.0.1", "203.0.113.5", "2001:db8::5", "8.8.8.8", "198.51.100.1", "not an ip")
    ] == ["DE", "US", "JP", "", "", ""]
    (tmp_path / "bad.mmdb").write_bytes(b"not a database")
    with pytest.raises(IpDbError, match="not a readable MaxMind DB"):
        IpCountries.open(tmp_path / "bad.mmdb")


@pytest.fixture(scope="module")
def career(career_session: Path) -> Path:
    return career_session


@pytest.mark.slow
def test_report_and_compare_with_ip_db(career, tmp_path):
    """A real recording (upstream on loopback, so the server is 127.0.0.1): its country only with
    --ip-db, from the test's own database."""
    db = mmdb.write_mmdb(tmp_path / "t.mmdb", {"127.0.0.0/8": {"country": {"iso_code": "DE"}}})
    for lang, germany in (("en", "Germany"), ("de", "Deutschland")):
        out = tmp_path / f"r-{lang}.html"
        assert main(["report", str(career), "-o", str(out), "--lang", lang, "--ip-db", str(db)]) == 0
        html = out.read_text()
        where = html.split('<section id="where">', 1)[1].split("</section>", 1)[0]
        assert f"127.0.0.1 ({germany})" in where
        assert "Sentry" in where and ("United States" in where or "USA" in where)
        assert ("not legal advice" if lang == "en" else "keine Rechtsberatung") in where
    out = tmp_path / "plain.md"
    assert main(["report", str(career), "-o", str(out)]) == 0
    text = out.read_text()
    assert "127.0.0.1" in text and "127.0.0.1 (Germany)" not in text
    assert "Outside the EU/EEA without an EU adequacy decision" in text and "United States (Sentry)" in text
    out = tmp_path / "c.html"
    assert (
        main(["compare", str(career), str(cs.CAPTURES / "tiktok-format"), "-o", str(out), "--ip-db", str(db)])
        == 0
    )
    html = out.read_text()
    assert "127.0.0.1 (Germany)" in html
    assert "China (ByteDance; parent company of TikTok)" in html
    assert (
        main(["report", str(career), "-o", str(tmp_path / "x.html"), "--ip-db", str(tmp_path / "none.mmdb")])
        == 2
    )


@pytest.mark.slow
def test_replay_table_names_company_and_parent_country(capsys):
    assert main(["replay", str(cs.CAPTURES / "tiktok-format"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "country (parent)" in out.replace("\n", " ") or "country" in out
    assert "SG (CN)" in out and re.search(r"ByteDance\s.*\bCN\b", out)


def test_findings_recorded_before_parent_country_use_the_org_database():
    f = pd.DataFrame(
        [{"org": "TikTok", "party": "third", "category": "device_id", "country": "SG", "parent": "ByteDance"}]
    )
    (tiktok,) = receivers(f)
    assert tiktok.parent_place.country == "CN" and tiktok.parent_place.group == "third_country"
