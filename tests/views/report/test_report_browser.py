"""Reports in real headless Chromium: hostile captured content never runs, nothing leaves the page.

Each injection payload, if it ever ran or loaded, would request `http://127.0.0.1:<port>/pwned…`
from a listener this test runs, and set `document.title`. The page is loaded from `file://` with
no other network but loopback.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from support import report as rs

from phonehome.views.report import build_report, render_html, render_markdown

pytestmark = pytest.mark.slow


def _title(dom: str) -> str:
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert match, "no <title> in the DOM"
    return match.group(1)


def _strip_csp(html: str) -> str:
    out, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert n == 1
    return out


@pytest.mark.parametrize("csp", [pytest.param(True, id="with-csp"), pytest.param(False, id="escaping-alone")])
def test_injection_attempts_stay_text(chromium, tmp_path, csp):
    """With the CSP, and again without it (so escaping is shown to hold on its own)."""
    with rs.listener() as (port, hits):
        data = rs.hostile_session(port)
        model = build_report(data, lang="en", reveal=True)
        html = render_html(model)
        page = tmp_path / "hostile.html"
        page.write_text(html if csp else _strip_csp(html), encoding="utf-8")
        dom = chromium.dump_dom(page.as_uri(), budget_ms=3000)
        md_dom = None
        if csp:  # once is enough: the Markdown page never had a CSP
            # The Markdown as HTML body, to be sure it holds no live HTML either.
            md_page = tmp_path / "hostile-md.html"
            md_page.write_text(
                "<!DOCTYPE html><html><head><title>md</title></head><body>"
                + render_markdown(model)
                + "</body></html>",
                encoding="utf-8",
            )
            md_dom = chromium.dump_dom(md_page.as_uri(), budget_ms=2000)
        assert hits == [], f"the page made requests: {hits}"
    # The title still is the report's own (the payload in the app name is part of it, as text).
    assert html_lib.unescape(_title(dom)) == model.title
    for tag in ("<script", "<img", "<iframe", "<object", "<link", "<base", "<textarea"):
        assert tag not in dom.lower(), tag
    if md_dom is not None:
        assert _title(md_dom) == "md"
        for tag in ("<script", "<img", "<iframe", "<object", "<link", "<base", "<textarea", "<svg", "<a "):
            assert tag not in md_dom.lower(), tag
    assert dom.count("<style>") == 1
    # The payloads are in the DOM as text (serialised with entities), in every place they were put.
    assert dom.count("&lt;script&gt;fetch('http://127.0.0.1:") >= 10
    assert "onerror=" in dom  # as text only: no element exists to carry it
    assert 'id="summary"' in dom and 'id="details"' in dom and 'id="device-reads"' in dom


def test_screenshot_of_a_normal_report(chromium, tmp_path):
    model = build_report(rs.summary_session(), lang="en", labels=None)
    page = tmp_path / "report.html"
    page.write_text(render_html(model), encoding="utf-8")
    with rs.listener() as (_port, hits):
        dom = chromium.dump_dom(page.as_uri())
        png = chromium.screenshot(page.as_uri(), tmp_path / "report.png", width=1280, height=2000)
        assert hits == []
    for section in (
        "summary",
        "pictures",
        "matrix",
        "bars",
        "timeline",
        "consent",
        "companies",
        "details",
        "method",
    ):
        assert f'id="{section}"' in dom, section
    assert model.summary.paragraph.split(",")[0] in dom
    width, height, distinct = rs.png_info(png)
    assert (width, height) == (1280, 2000)
    assert png.stat().st_size > 30_000 and distinct > 50, "screenshot looks blank"


def test_the_harness_sees_a_payload_that_runs(chromium, tmp_path):
    """Control: the same payloads, unescaped, do reach the listener and retitle the page, so the
    tests above cannot pass by accident."""
    with rs.listener() as (port, hits):
        page = tmp_path / "live.html"
        page.write_text(
            "<!DOCTYPE html><html><head><title>report</title></head><body>"
            + rs.payloads(port)[0]
            + rs.payloads(port)[2]
            + "</body></html>",
            encoding="utf-8",
        )
        dom = chromium.dump_dom(page.as_uri(), budget_ms=3000)
        requested = list(hits)
    assert _title(dom) == "PWNED"
    assert any("/pwned" in h for h in requested), requested


def test_hostile_traffic_through_the_real_pipeline(chromium, tmp_path):
    """Payloads in captured traffic (flow file -> records -> decoders -> detectors -> report)."""
    from phonehome.analysis.profile import load_profile
    from phonehome.analysis.sessions import load_inputs

    with rs.listener() as (port, hits):
        flows = rs.write_hostile_flows(tmp_path / "hostile.mitm", port)
        data = load_inputs([flows], profile=load_profile(rs.SAMPLE / "device.toml"), app="com.evil")
        assert len(data.findings) >= 12
        assert data.findings["location"].str.contains("<script>", regex=False).any()
        model = build_report(data, reveal=True)
        page = tmp_path / "hostile.html"
        page.write_text(_strip_csp(render_html(model)), encoding="utf-8")
        dom = chromium.dump_dom(page.as_uri(), budget_ms=3000)
        assert hits == []
    assert html_lib.unescape(_title(dom)) == model.title
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "&lt;script&gt;fetch(" in dom
