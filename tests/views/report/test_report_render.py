"""The report model, its HTML and Markdown, the exported tables: structure, redaction, escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from support import report as rs
from support import tools

from phonehome.analysis.redact import redact, scrub
from phonehome.analysis.schema import Col
from phonehome.views.report import (
    build_report,
    findings_table,
    md,
    render_html,
    render_markdown,
    spreadsheet_safe,
    summary_table,
    write_tables,
)


@pytest.fixture(scope="module")
def model(synthetic_session):
    return build_report(synthetic_session, lang="en")


@pytest.fixture(scope="module")
def html(model):
    return render_html(model)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# --- model ----------------------------------------------------------------------------------


def test_model_aggregates(model):
    assert model.third_party_orgs[0] == "Meta"  # most kinds of data first
    assert model.orgs[0].name == "ByteDance" and not model.orgs[0].third_party  # first party first
    assert model.categories[:3] == ("location_precise", "advertising_id", "contacts")
    meta = model.org("Meta")
    row = model.orgs.index(meta)
    assert model.matrix[row][model.categories.index("contacts")] == 1
    assert model.consent_marker.label == "consent-given" and model.consent_marker.offset_s == 150
    google = {(r.category): (r.before, r.after) for r in model.consent_rows if r.org == "Google"}
    assert google == {"location_precise": (1, 0), "advertising_id": (1, 0), "device_info": (0, 1)}
    assert [p.host for p in model.pinning] == ["api-pinned.shortvideo.example"] and model.pinning[
        0
    ].attempts == 3
    assert [(c.host, c.requests) for c in model.cleartext] == [("ms.applovin.com", 1)]
    assert {d.sdk for d in model.device_reads} == {"com.adjust.sdk", "com.appsflyer"}
    assert model.duration_s == 360


def test_model_never_mutates_the_findings(synthetic_session):
    before = synthetic_session.findings.copy()
    build_report(synthetic_session, lang="de", reveal=True)
    findings_table(synthetic_session)
    pd.testing.assert_frame_equal(synthetic_session.findings, before)


def test_empty_session():
    data = rs.synthetic_session([])
    model = build_report(data)
    assert "sent no personal data" in model.summary.paragraph
    assert "<svg" in render_html(model)  # the timeline still shows the markers
    assert "## Summary" in render_markdown(model)


# --- redaction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("352916084017398", "352916•••••7398", id="imei"),
        pytest.param("abc", "•••", id="short"),
        pytest.param("12345678", "••••••••", id="eight"),
        pytest.param("0123456789", "01••••••89", id="ten"),
        pytest.param("38400000-8cf0-11bd-b23e-10b96e40000d", "384000••••••000d", id="uuid-capped"),
        pytest.param("", "", id="empty"),
        pytest.param("ab\x1b[31mcdefghijklmnop", "ab[31m••••••mnop", id="controls-dropped"),
    ],
)
def test_redact(value, expected):
    assert redact(value) == expected


def test_scrub_removes_plain_and_percent_encoded_values():
    url = "https://x.example/c?e=max%40example.com&id=352916084017398&b=max+mustermann%40example.com"
    out = scrub(url, ["max@example.com", "352916084017398", "max mustermann@example.com"])
    assert "352916084017398" not in out and "max%40example.com" not in out and "mustermann%40" not in out


def test_values_are_redacted_everywhere_by_default(model, html):
    md_text = render_markdown(model)
    for secret in (rs.ADID, rs.IMEI, rs.ANDROID_ID):
        assert secret not in html and secret not in md_text
    assert redact(rs.IMEI) in html
    assert "Captured values are shortened" in html


def test_reveal_shows_values(synthetic_session):
    html = render_html(build_report(synthetic_session, reveal=True))
    assert rs.IMEI in html and rs.ADID in html and "shows captured values in full" in html


def test_tables_redact_unless_revealed(synthetic_session):
    redacted = findings_table(synthetic_session)
    assert not redacted[Col.value].str.contains(rs.ADID, regex=False).any()
    assert not redacted[Col.url].str.contains(rs.ADID, regex=False).any()
    assert findings_table(synthetic_session, reveal=True)[Col.value].str.contains(rs.ADID, regex=False).any()
    assert list(redacted.columns) == list(synthetic_session.findings.columns)


# --- HTML -----------------------------------------------------------------------------------


def test_html_sections_in_reading_order(html):
    ids = [a.get("id") for _tag, a in _tags(html) if _tag == "section"]
    assert ids == [
        "summary",
        "pictures",
        "consent",
        "companies",
        "where",
        "details",
        "cleartext",
        "pinning",
        "device-reads",
        "method",
    ]
    assert html.count("<svg") == 3


def test_html_is_self_contained(html):
    tags = _tags(html)
    assert not [
        t for t, _a in tags if t in ("script", "link", "iframe", "object", "embed", "img", "base", "form")
    ]
    csp = next(
        a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "script-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    # Captured URLs appear only as text; no attribute holds a URL except the SVG namespace name
    # (an identifier, never fetched), and the stylesheet references nothing.
    for _tag, attrs in tags:
        for name, value in attrs.items():
            assert not name.startswith("on")
            if name in ("href", "src", "xlink:href"):
                assert value.startswith("#"), value
            if name == "xmlns":
                assert value == "http://www.w3.org/2000/svg"
            elif value and name != "content":
                assert not re.search(r"(?i)(https?|ftp|wss?|javascript|data):", value), (name, value)
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "url(" not in css and "@import" not in css


def test_style_hash_matches_the_inline_stylesheet(html):
    import base64
    import hashlib

    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = next(
        a["content"]
        for t, a in _tags(html)
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert f"style-src 'sha256-{digest}'" in csp
    assert "@media print" in css


def test_german_html(synthetic_session):
    html = render_html(build_report(synthetic_session, lang="de"))
    assert '<html lang="de">' in html
    for heading in (
        "Zusammenfassung",
        "Wer bekommt was",
        "Vor und nach der Einwilligung",
        "Details für Fachleute",
    ):
        assert heading in html


def test_hostile_strings_are_escaped_in_html():
    port = 9
    html = render_html(build_report(rs.hostile_session(port)))
    tags = _tags(html)
    assert [
        t for t, _a in tags if t in ("script", "img", "a", "iframe", "link", "base", "object", "textarea")
    ] == ["a" for t, _a in tags if t == "a"]  # only the table-of-contents links
    assert all(a.get("href", "").startswith("#") for t, a in tags if t == "a")
    assert html.count("<style>") == 1 and html.count("</style>") == 1
    head_title = re.search(r"<head>.*?<title>(.*?)</title>", html, re.S).group(1)
    assert head_title.startswith("What com.evil &lt;script&gt;fetch(")
    assert "&lt;script&gt;fetch(" in html
    assert "\x1b" not in html and "\u202e" not in html
    assert "pwned" in html  # the payloads are shown, as text


# --- Markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "must_not_contain"),
    [
        pytest.param("a|b", "a|b", id="pipe"),
        pytest.param("<img src=x onerror=alert(1)>", "<img", id="html"),
        pytest.param("[x](javascript:alert(1))", "](", id="link"),
        pytest.param("`code`", "`code`", id="backtick"),
        pytest.param("line\nbreak", "\n", id="newline"),
        pytest.param("\x1b[31mred", "\x1b", id="escape"),
        pytest.param("www.evil.example", "www.evil", id="autolink-www"),
        pytest.param("https://evil.example", "https://", id="autolink-scheme"),
        pytest.param("**bold** _em_", "**", id="emphasis"),
    ],
)
def test_markdown_escaping(raw, must_not_contain):
    assert must_not_contain not in md(raw)


def test_markdown_report_with_hostile_content():
    text = render_markdown(build_report(rs.hostile_session(9)))
    assert "<script" not in text and "<img" not in text and "<svg" not in text
    assert "](javascript" not in text and "\x1b" not in text
    # Every table row has the same number of unescaped pipes as its header.
    for block in re.split(r"\n\n", text):
        rows = [r for r in block.splitlines() if r.startswith("| ")]
        if rows:
            counts = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
            assert len(counts) == 1, block[:400]


def test_markdown_sections(model):
    text = render_markdown(model)
    for heading in (
        "## Summary",
        "## Who gets what",
        "## Before and after consent",
        "## Companies",
        "## Details for experts",
        "## Destinations phonehome could not look into",
    ):
        assert heading in text


# --- tables ---------------------------------------------------------------------------------


def test_summary_table(model):
    table = summary_table(model)
    meta = table[table["org"] == "Meta"].iloc[0]
    assert meta["party"] == "third" and meta["contacts"] == 1 and meta["location_precise"] == 1
    assert table.iloc[0]["org"] == "ByteDance"  # first party first


def test_spreadsheet_formulas_are_neutralised():
    frame = pd.DataFrame(
        {"a": pd.array(['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok", None], dtype="string")}
    )
    out = spreadsheet_safe(frame)
    assert list(out["a"][:5]) == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "ok"]
    assert pd.isna(out["a"].iloc[5])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_tables(tmp_path, synthetic_session, model, fmt):
    paths = write_tables(synthetic_session, model, tmp_path / f"findings.{fmt}", fmt, reveal=False)
    assert [p.name for p in paths] == [f"findings.{fmt}", f"findings-summary.{fmt}"]
    for p in paths:
        assert p.stat().st_mode & 0o777 == 0o600
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    findings, summary = read(paths[0]), read(paths[1])
    assert len(findings) == len(synthetic_session.findings)
    assert rs.ADID not in " ".join(findings[Col.value].astype(str))
    assert set(summary["org"]) == {o.name for o in model.orgs}


# --- browser requirement --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("require", "outcome"), [("1", pytest.fail.Exception), (None, pytest.skip.Exception)]
)
def test_missing_tools_skip_locally_and_fail_in_ci(monkeypatch, require, outcome):
    monkeypatch.setattr(tools, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(tools.shutil, "which", lambda _name: None)
    if require:
        monkeypatch.setenv("PHONEHOME_REQUIRE_ALL", require)
    else:
        monkeypatch.delenv("PHONEHOME_REQUIRE_ALL", raising=False)
    with pytest.raises(outcome):
        tools.require_chromium()
    with pytest.raises(outcome):
        tools.require_tool("tshark", "apt-get install -y tshark")
