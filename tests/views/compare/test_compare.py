"""`phonehome compare`: three sessions recorded for real, the shared-receiver rule, fairness,
merging, escaping (Markdown and real headless Chromium)."""

from __future__ import annotations

import html as html_lib
import re
import stat
from pathlib import Path

import pandas as pd
import pytest
from support import compare as cs
from support import report as rs

from phonehome.analysis.linkable import normalise, shared_receivers
from phonehome.analysis.sessions import SessionData
from phonehome.cli import main
from phonehome.views.compare import AppInput, build_compare, render_html, render_markdown

SAMPLE_APP = "de.azubiapp.demo"
TIKTOK_APP = "com.zhiliaoapp.musically"
CAREER_APP = "de.karrierekompass.demo"


@pytest.fixture(scope="module")
def three(tmp_path_factory, tiktok_session, career_session) -> dict[str, Path]:
    sample = cs.record_sample(tmp_path_factory.mktemp("three") / "sample")
    return {"sample": sample, "tiktok": tiktok_session, "career": career_session}


def _compare(tmp: Path, inputs: list[Path], name: str, *extra: str) -> tuple[Path, str]:
    out = tmp / name
    assert main(["compare", *map(str, inputs), "-o", str(out), *extra]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    return out, out.read_text("utf-8")


def _first_screen(html: str) -> list[str]:
    section = html.split('<section id="first">', 1)[1].split("</section>", 1)[0]
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def _in_short(html: str) -> str:
    section = html.split('<section id="first">', 1)[1]
    return html_lib.unescape(re.search(r'<p class="lead">(.*?)</p>', section, re.S).group(1))


# ---------------------------------------------------------------------------------------------
# Three real recordings


@pytest.mark.slow
def test_three_recorded_apps_side_by_side(three, tmp_path):
    inputs = [three["sample"], three["tiktok"], three["career"]]
    _out, html = _compare(
        tmp_path,
        inputs,
        "c.html",
        "--name",
        f"{SAMPLE_APP}=AzubiApp",
        f"{TIKTOK_APP}=TikTok-format",
        f"{CAREER_APP}=KarriereKompass",
    )
    first = _first_screen(html)
    # Ranking by its named measure: the sample app sends the most to other companies.
    assert first[0].startswith(
        "Data to other companies: AzubiApp sent the most personal data to other companies"
    )
    # In short: a count of the points below, per app, not a score.
    assert _in_short(html) == (
        "In short — how many of the 5 points below apply to each app: AzubiApp: 5 of 5; "
        "TikTok-format: 3 of 5; KarriereKompass: 2 of 5."
    )
    assert "company–data pairs" in first[0] and "TikTok-format: no other company" in first[0]
    assert "KarriereKompass: 1 company, 2 kinds of data, 2 pairs" in first[0]  # Sentry: crash + OS (#12)
    # Identifiers before consent: the sample and the TikTok-format app, never the career app.
    assert (
        "AzubiApp (to" in first[1] and "TikTok-format (to" in first[1] and "KarriereKompass: no." in first[1]
    )
    # TikTok got the same advertising ID from two apps: linkable.
    assert any("TikTok (advertising ID: AzubiApp and TikTok-format)" in line for line in first)
    assert any(
        line.startswith("Outside the EU:") and "KarriereKompass — United States (Sentry)" in line
        for line in first
    )
    assert any("AzubiApp (1 request to InMobi)" in line for line in first)
    # Standards of the report: strict CSP, no script, values redacted.
    assert "script-src 'none'" in html_lib.unescape(html) and "<script" not in html.lower()
    assert "38400000-8cf0-11bd-b23e-10b96e40000d" not in html
    matrix = html.split('<section id="third">', 1)[1].split("</section>", 1)[0]
    assert "InMobi" in matrix and "Sentry" in matrix and "ByteDance" not in matrix  # first party apart
    own = html.split('<section id="own">', 1)[1].split("</section>", 1)[0]
    assert "ByteDance" in own and "TikTok" in own
    fairness = html.split('<section id="fairness">', 1)[1].split("</section>", 1)[0]
    assert "consent given at" in fairness and "per minute" in fairness

    _out, de = _compare(tmp_path, inputs, "c-de.html", "--lang", "de")
    assert _first_screen(de)[0].startswith(
        f"Daten an andere Unternehmen: Die meisten personenbezogenen Daten an andere Unternehmen sendete {SAMPLE_APP}"
    )
    assert any(
        line.startswith("Außerhalb der EU:") and "China (ByteDance; Muttergesellschaft von TikTok)" in line
        for line in _first_screen(de)
    )
    assert '<html lang="de">' in de

    _out, md = _compare(tmp_path, inputs, "c.md", "--reveal")
    assert md.startswith("# 3 apps compared")
    assert "38400000-8cf0-11bd-b23e-10b96e40000d" in md  # --reveal shows the shared value
    assert "| TikTok | advertising ID |" in md


@pytest.mark.slow
def test_differing_identifier_values_do_not_link(three):
    """TikTok receives "a device ID" from the sample app and from the TikTok-format app, but each
    app has its own Android ID: same kind, different values, not linkable."""
    from phonehome.analysis.sessions import load_inputs

    frames = {name: load_inputs([three[name]]).findings for name in ("sample", "tiktok", "career")}
    shared, same_kind = shared_receivers(frames)
    assert ("TikTok", "advertising_id", ("sample", "tiktok")) in [(s.org, s.category, s.apps) for s in shared]
    assert ("TikTok", "device_id") not in [(s.org, s.category) for s in shared]
    assert ("TikTok", "device_id", ("sample", "tiktok")) in [(s.org, s.category, s.apps) for s in same_kind]
    assert not any("career" in s.apps for s in shared)


@pytest.mark.slow
def test_two_sessions_of_one_app_are_one_column(three, tmp_path):
    _out, md = _compare(tmp_path, [three["sample"], cs.CAPTURES / "sample", three["career"]], "m.md")
    assert "2 apps compared" in md
    assert "de.azubiapp.demo: 2 sessions of the same app, merged into one column." in md
    assert re.search(r"\| de\.azubiapp\.demo \| sample and sample \|", md)


# ---------------------------------------------------------------------------------------------
# The shared-receiver rule on its own


def _frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["org", "category", "value"])


def test_shared_receiver_rule():
    adid = "38400000-8cf0-11bd-b23e-10b96e40000d"
    frames = {
        "A": _frame(
            [
                ("Google", "advertising_id", adid),
                ("Meta", "device_id", "9774d56d682e549c"),
                ("Meta", "user_id", "install-aaaa-1111"),
                ("unknown", "advertising_id", adid),
                ("Adjust", "device_info", "SM-A546B"),
                ("Branch", "advertising_id", "1"),
            ]
        ),
        "B": _frame(
            [
                ("Google", "advertising_id", adid.upper().replace("-", "")),
                ("Meta", "device_id", "5e1c2a9f03b7d846"),
                ("Meta", "user_id", "install-bbbb-2222"),
                ("unknown", "advertising_id", adid),
                ("Adjust", "device_info", "SM-A546B"),
                ("Branch", "advertising_id", "1"),
                ("AppsFlyer", "advertising_id", adid),
            ]
        ),
        "C": _frame(
            [
                ("AppsFlyer", "advertising_id", adid),
                ("Google", "advertising_id", "ffff0000-1111-2222-3333-444455556666"),
            ]
        ),
    }
    shared, same_kind = shared_receivers(frames)
    got = {(s.org, s.category): s.apps for s in shared}
    # Same value (after normalising case and separators) from two apps: linkable.
    assert got[("Google", "advertising_id")] == ("A", "B")  # C sent Google another ID: not linked
    assert got[("AppsFlyer", "advertising_id")] == ("B", "C")
    # Different values of the same kind: not linkable, said separately.
    assert ("Meta", "device_id") not in got and ("Meta", "user_id") not in got
    assert {(s.org, s.category) for s in same_kind} == {("Meta", "device_id"), ("Meta", "user_id")}
    # Never: an unnamed receiver, a category that does not identify, a value too short to identify.
    assert all(s.org != "unknown" for s in shared)
    assert ("Adjust", "device_info") not in got and ("Branch", "advertising_id") not in got
    assert normalise(" 38400000-8CF0:11bd.b23e_10b96e40000d ") == adid.replace("-", "")


# ---------------------------------------------------------------------------------------------
# Fairness


def _session(app: str, duration_s: float, rows: list[dict] | None = None) -> SessionData:
    data = rs.synthetic_session(rows, app=app)
    data.meta = {"start": rs.START, "end": rs.START + duration_s, "app": app}
    data.markers = []
    return data


def test_duration_warning_and_per_minute_figures():
    long = AppInput("com.example.a", "A", [_session("com.example.a", 1000.0)], ["a"])
    short = AppInput("com.example.b", "B", [_session("com.example.b", 400.0)], ["b"])
    model = build_compare([long, short])
    assert model.duration_warning and model.duration_ratio == pytest.approx(2.5)
    html = render_html(model)
    assert "differ by 2.5× (more than 2×)" in html
    a = model.apps[0]
    assert a.duration_s == pytest.approx(1000.0)
    assert a.per_minute(a.requests) == pytest.approx(a.requests * 60 / 1000.0)
    assert "per minute" in html
    # Within 2×: no warning.
    close = AppInput("com.example.b", "B", [_session("com.example.b", 600.0)], ["b"])
    model = build_compare([long, close])
    assert not model.duration_warning and "more than 2×" not in render_html(model)
    assert "**The sessions" not in render_markdown(model)


# ---------------------------------------------------------------------------------------------
# Hostile content


def _hostile_apps(port: int) -> list[AppInput]:
    bad = rs.payloads(port)
    one = rs.hostile_session(port)
    two = rs.hostile_session(port)
    two.meta = dict(two.meta, app=f"com.other {bad[5]}")
    return [
        AppInput(one.meta["app"], f"{bad[5]} {bad[-1]}", [one], [bad[1]]),
        AppInput(two.meta["app"], f"{bad[0]}|app", [two], [bad[18]]),
    ]


def test_markdown_escapes_every_captured_string():
    model = build_compare(_hostile_apps(9), reveal=True)
    assert model.shared, "the hostile sessions share receivers and values"
    md = render_markdown(model)
    assert "<script" not in md and "<img" not in md and "</style" not in md
    assert "\x1b" not in md and "\u202e" not in md
    assert "\\[click\\]\\(javascript\\:" in md
    # A `|` in a name cannot break a table: every row has as many cells as its header.
    lines = md.splitlines()
    tables = 0
    for i, line in enumerate(lines):
        if line.startswith("| ---"):
            tables += 1
            width = len(re.split(r"(?<!\\)\|", lines[i - 1])) - 2
            for row in lines[i + 1 :]:
                if not row.startswith("| "):
                    break
                assert len(re.split(r"(?<!\\)\|", row)) - 2 == width, row
    assert tables >= 4


@pytest.mark.slow
@pytest.mark.parametrize("csp", [pytest.param(True, id="with-csp"), pytest.param(False, id="escaping-alone")])
def test_hostile_comparison_in_chromium(chromium, tmp_path, csp):
    with rs.listener() as (port, hits):
        model = build_compare(_hostile_apps(port), reveal=True)
        html = render_html(model)
        if not csp:
            html, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
            assert n == 1
        page = tmp_path / "hostile.html"
        page.write_text(html, encoding="utf-8")
        dom = chromium.dump_dom(page.as_uri(), budget_ms=3000)
        md_page = tmp_path / "hostile-md.html"
        md_page.write_text(
            "<!DOCTYPE html><html><head><title>md</title></head><body>"
            + render_markdown(model)
            + "</body></html>",
            encoding="utf-8",
        )
        md_dom = chromium.dump_dom(md_page.as_uri(), budget_ms=2000)
        assert hits == [], f"the page made requests: {hits}"
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title and html_lib.unescape(title.group(1)) == model.title
    for d in (dom, md_dom):
        for tag in ("<script", "<img", "<iframe", "<object", "<link", "<base", "<textarea", "<svg"):
            assert tag not in d.lower(), tag
    assert dom.count("<style>") == 1
    assert "\u202e" not in dom and "\x1b" not in dom
    # The payloads are there, as text: in the app labels, company names, shared values.
    assert dom.count("&lt;script&gt;fetch('http://127.0.0.1:") >= 5
    assert 'id="first"' in dom and 'id="shared"' in dom


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "de"])
def test_demo_compare_writes_and_names_the_comparison(tmp_path, capsys, lang):
    out = tmp_path / f"demo-{lang}.html"
    assert main(["demo", "--compare", "-o", str(out), "--lang", lang]) == 0
    said = capsys.readouterr()
    assert str(out) in said.out.replace("\n", " ").replace("  ", " ") or str(out) in said.err
    html = out.read_text()
    first = _first_screen(html)
    if lang == "en":
        assert _in_short(html).startswith(
            "In short — how many of the 5 points below apply to each app: AzubiApp (sample)"
        )
        assert "TikTok (reconstructed)" in html and "KarriereKompass (career app)" in html
    else:
        assert _in_short(html).startswith("Kurz gesagt")
        assert "TikTok (nachgebaut)" in html and "KarriereKompass (Karriere-App)" in html
    assert len(first) == 5


@pytest.mark.slow
def test_hostile_traffic_through_the_real_pipeline_in_chromium(chromium, tmp_path):
    """Payloads in a flow file's hosts, paths, headers and values, in the app id (--app) and the
    shown name (--name): replayed, compared, rendered; nothing runs, nothing leaves the page."""
    with rs.listener() as (port, hits):
        bad = rs.payloads(port)
        flows = rs.write_hostile_flows(tmp_path / "hostile.mitm", port)
        app = f"com.evil{bad[5]}"
        out = tmp_path / "c.html"
        assert (
            main(
                [
                    "compare",
                    str(flows),
                    str(cs.CAPTURES / "career-app"),
                    "--app",
                    app,
                    "--name",
                    f"{app}={bad[0]}\u202e{bad[-1]}",
                    "--reveal",
                    "-o",
                    str(out),
                ]
            )
            == 0
        )
        md_out = tmp_path / "c.md"
        assert (
            main(
                [
                    "compare",
                    str(flows),
                    str(cs.CAPTURES / "career-app"),
                    "--app",
                    app,
                    "--reveal",
                    "-o",
                    str(md_out),
                ]
            )
            == 0
        )
        dom = chromium.dump_dom(out.as_uri(), budget_ms=3000)
        assert hits == [], f"the page made requests: {hits}"
    assert "<script" not in dom.lower() and "<img" not in dom.lower() and dom.count("<style>") == 1
    assert "\u202e" not in dom and "\x1b" not in dom
    assert "&lt;script&gt;fetch(" in dom  # the name, as text
    assert 'id="first"' in dom and 'id="where"' in dom
    md = md_out.read_text()
    assert "<script" not in md and "</style" not in md and "\x1b" not in md
    assert "de.karrierekompass.demo" in md  # the session kept its own app despite --app


def test_app_option_names_files_not_sessions():
    import argparse

    from phonehome.commands.compare import load_one

    args = argparse.Namespace(
        profile=None, app="com.other", first_party=[], extra_lists=[], recorded=False, keylog=None
    )
    data = load_one(cs.CAPTURES / "career-app", args)
    assert set(data.findings["app"].dropna()) == {"de.karrierekompass.demo"}
    assert "first" in set(data.findings["party"].astype(str))  # its own domain stays first party


def test_empty_and_damaged_inputs_of_one_app(tmp_path):
    """An input without findings and a truncated flow file, both named by --app: one column, the
    damage said in the output, nothing lost before it."""
    empty = tmp_path / "empty.har"
    empty.write_text('{"log": {"version": "1.2", "entries": []}}')
    damaged = tmp_path / "damaged.mitm"
    damaged.write_bytes((cs.CAPTURES / "sample" / "flows.mitm").read_bytes()[:3000])
    out, md = _compare(tmp_path, [empty, damaged], "e.md", "--app", "com.example.x")
    assert md.startswith("# One app")
    assert "com.example.x: 2 sessions of the same app, merged into one column." in md
    assert "## Problems while reading the inputs" in md and "damaged.mitm" in md
    assert "| Other companies that received personal data | 1 " in md  # the flow before the damage
