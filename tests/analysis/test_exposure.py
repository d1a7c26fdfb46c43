"""The one "who gets what" aggregate (`analysis/exposure.py`) and the three views that read it."""

from __future__ import annotations

from support.dashboard import T0, finding

from phonehome.analysis.exposure import ExposureTable, who_gets_what
from phonehome.analysis.schema import findings_frame
from phonehome.analysis.sessions import SessionData
from phonehome.views.dashboard.state import Batch, DashboardState
from phonehome.views.report import build_report
from phonehome.views.summary import Summary

ROWS = [
    # Google: one request carrying the advertising ID in two places, a second with device details.
    finding(1, location="query:adid"),
    finding(1, location="body.json:adid"),
    finding(2, category="device_info", value="Pixel 7", location="header:User-Agent"),
    # Meta: two kinds of data in one request, then the same kind in three more.
    finding(
        3, org="Meta", host="graph.facebook.com", category="user_id", value="u-1", location="body.form:uid"
    ),
    finding(
        3,
        org="Meta",
        host="graph.facebook.com",
        category="device_info",
        value="Pixel 7",
        location="header:User-Agent",
    ),
    *[
        finding(
            i,
            org="Meta",
            host="graph.facebook.com",
            category="user_id",
            value="u-1",
            location="body.form:uid",
        )
        for i in (4, 5, 6)
    ],
    # The first party: one kind of data, so it would sort last by size.
    finding(
        7,
        org="Example GmbH",
        host="api.example.com",
        category="user_id",
        value="user-4711",
        location="header:X-User",
        party="first",
    ),
    # Unnamed: shown by its domain.
    finding(
        8,
        org="unknown",
        host="x.tracker.example",
        domain="tracker.example",
        category="device_id",
        value="9774d56d682e549c",
        location="query:aid",
    ),
]


def test_counts_requests_not_findings() -> None:
    table = ExposureTable()
    table.extend(ROWS)
    google = table.orgs["Google"]
    assert (google.requests, google.findings) == (2, 3)
    assert google.cells["advertising_id"].requests == 1 and google.cells["advertising_id"].findings == 2
    meta = table.orgs["Meta"]
    assert (meta.requests, meta.count("user_id"), meta.count("device_info")) == (4, 4, 1)
    assert table.orgs["tracker.example"].count("device_id") == 1  # named by its domain
    assert google.first_seen == T0 + 1 and google.last_seen == T0 + 2


def test_order_first_party_first_then_kinds_then_requests() -> None:
    order = [e.org for e in who_gets_what(ROWS)]
    # Google and Meta both got two kinds: Meta had more requests.
    assert order == ["Example GmbH", "Meta", "Google", "tracker.example"]


def test_a_third_party_is_never_hidden_behind_a_first_party_label() -> None:
    rows = [
        finding(1, org="Acme", party="first"),
        finding(2, org="Acme", party="third"),
        finding(3, org="Acme", party="first"),
    ]
    (acme,) = who_gets_what(rows)
    assert acme.party == "third" and acme.third_party


def test_cli_report_and_dashboard_agree() -> None:
    expected = [(e.org, e.requests, {c: e.count(c) for c in e.cells}) for e in who_gets_what(ROWS)]

    summary = Summary()
    for row in ROWS:
        summary.add(dict(row))
    cli = [(e.org, e.requests, {c: e.count(c) for c in e.cells}) for e in summary.sorted_rows()]

    state = DashboardState(history=100)
    state.ingest(Batch(findings=[dict(r) for r in ROWS]))
    dashboard = [(e.org, e.requests, {c: e.count(c) for c in e.cells}) for e in state.ordered_orgs()]

    model = build_report(SessionData(root=None, meta={}, findings=findings_frame([dict(r) for r in ROWS])))
    report = [
        (o.name, o.requests, {c: model.matrix[i][model.categories.index(c)] for c in o.categories})
        for i, o in enumerate(model.orgs)
    ]
    assert cli == expected
    assert dashboard == expected
    assert report == expected
