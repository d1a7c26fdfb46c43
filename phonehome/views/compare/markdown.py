"""The comparison as Markdown; every captured string (app labels, company names, values, input
names) is escaped with the report's `md` before it is placed in a sentence or table cell."""

from __future__ import annotations

import dataclasses

from phonehome.analysis.linkable import SameKindOnly
from phonehome.views import where
from phonehome.views.report import md
from phonehome.views.report import text as rt

from . import text as ct
from .html import countries
from .model import AppColumn, CompareModel, SharedRow


def _names(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(md(n, 120) for n in items)


def escaped(model: CompareModel) -> CompareModel:
    """A copy whose captured strings are inert Markdown, headline rebuilt from them."""
    apps = tuple(
        dataclasses.replace(
            a,
            label=md(a.label, 80),
            inputs=_names(a.inputs),
            third_parties=_names(a.third_parties),
            first_parties=_names(a.first_parties),
            tracking_before_consent=_names(a.tracking_before_consent),
            tracking_unmarked=_names(a.tracking_unmarked),
            cleartext_orgs=_names(a.cleartext_orgs),
            exposures=tuple(
                dataclasses.replace(e, companies=_names(e.companies), via_parent=_names(e.via_parent))
                for e in a.exposures
            ),
            where=tuple(
                dataclasses.replace(
                    r,
                    org=md(r.org, 120),
                    company_country=md(r.company_country, 80),
                    parent=md(r.parent, 120),
                    group=md(r.group, 200),
                    servers=md(r.servers, 300),
                )
                for r in a.where
            ),
        )
        for a in model.apps
    )
    label = {a.label: e.label for a, e in zip(model.apps, apps, strict=True)}
    shared = tuple(
        SharedRow(
            md(s.org, 120), s.category, tuple(label.get(x, md(x, 80)) for x in s.apps), _names(s.values)
        )
        for s in model.shared
    )
    same = tuple(
        SameKindOnly(md(s.org, 120), s.category, tuple(label.get(x, md(x, 80)) for x in s.apps))
        for s in model.same_kind_only
    )
    matrix = lambda m: tuple(tuple(_names(cell) for cell in row) for row in m)  # noqa: E731
    extra = dict(model.extra)
    out = dataclasses.replace(
        model,
        apps=apps,
        shared=shared,
        same_kind_only=same,
        third_matrix=matrix(model.third_matrix),
        first_matrix=matrix(model.first_matrix),
        problems=_names(model.problems),
        extra=extra,
    )
    points = tuple(ct.headline(out))
    return dataclasses.replace(out, headline=points, in_short=ct.in_short(out, points))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), "| " + " | ".join("---" for _ in head) + " |", *(_row(r) for r in rows), ""]


def render_markdown(model: CompareModel) -> str:
    m = escaped(model)
    lang = m.lang
    t = ct.ui_table(lang)
    join = lambda items: rt.join(list(items), lang)  # noqa: E731
    cats = lambda ids: rt.join([rt.category_name(c, lang) for c in ids], lang)  # noqa: E731
    labels = [a.label for a in m.apps]
    out = [
        f"# {md(model.title, 200)}",
        "",
        f"{t['subtitle']}: {join(labels)}",
        "",
        f"*{t['revealed_note'] if m.revealed else t['redacted_note']}*",
        "",
        f"## {t['h_first']}",
        "",
    ]
    out += [f"**{m.in_short}**", ""]
    out += [f"{i}. **{p.title}:** {p.text}" for i, p in enumerate(m.headline, 1)] + [""]
    if m.duration_warning:
        out += [
            "**" + ct.ui("fairness_warning", lang, ratio=ct.ratio_text(m.duration_ratio or 0, lang)) + "**",
            "",
        ]
    for a in m.apps:
        if a.merged:
            out += [ct.ui("merged_note", lang, app=a.label, n=len(a.inputs)), ""]

    def glance(a: AppColumn) -> list[str]:
        return [
            f"{len(a.third_parties)}" + (f" ({ct.names(a.third_parties, lang)})" if a.third_parties else ""),
            f"{len(a.categories_third)}" + (f" ({cats(a.categories_third)})" if a.categories_third else ""),
            str(a.pairs),
            ct.names(a.tracking_before_consent, lang) if a.tracking_before_consent else t["none"],
            f"{len(a.third_country_orgs)}" + (f" ({countries(a, lang)})" if a.third_country_orgs else ""),
            f"{len(a.categories_first)}"
            + (f" ({ct.names(a.first_parties, lang)})" if a.first_parties else ""),
            f"{a.cleartext_requests}"
            + (f" ({ct.names(a.cleartext_orgs, lang)})" if a.cleartext_orgs else ""),
        ]

    heads = [
        t["col_companies"],
        t["col_kinds"],
        t["col_pairs"],
        t["col_tracking"],
        t["col_outside"],
        t["col_own"],
        t["col_cleartext"],
    ]
    cells = [glance(a) for a in m.apps]
    rows = [[h, *(c[i] for c in cells)] for i, h in enumerate(heads)]
    for extra_row in m.extra.get("glance_rows_md", []) or []:
        rows.insert(4, [extra_row["title"], *extra_row["cells"]])
    out += [f"## {t['h_glance']}", "", *_table([" ", *labels], rows), t["pairs_note"], ""]
    for section in m.extra.get("sections_md", []) or []:
        out += [section, ""]
    w = where.ui_table(lang)
    out += [f"## {w['h_where']}", "", w["where_note"], ""]
    out += _table(
        [
            t["col_app_company"],
            w["col_company_country"],
            w["col_parent"],
            w["col_group"],
            w["col_data"],
            w["col_servers"],
        ],
        [
            [f"{a.label}: {r.org}", r.company_country, r.parent, r.group, r.categories, r.servers]
            for a in m.apps
            for r in a.where
        ],
    )
    out += [w["servers_note"], ""]
    out += [f"## {t['h_third']}", "", t["third_note"], ""]
    out += _table(
        [t["col_category"], *labels],
        [
            [rt.category_title(c, lang), *(join(cell) if cell else "–" for cell in m.third_matrix[i])]
            for i, c in enumerate(m.categories)
        ],
    )
    out += [f"## {t['h_first_party']}", ""]
    out += _table(
        [t["col_category"], *labels],
        [
            [rt.category_title(c, lang), *(join(cell) if cell else "–" for cell in m.first_matrix[i])]
            for i, c in enumerate(m.categories)
        ],
    )
    out += [f"## {t['h_shared']}", "", t["shared_rule"], ""]
    if m.shared:
        out += _table(
            [t["col_company"], t["col_category"], t["col_apps"], t["col_values"]],
            [[s.org, rt.category_name(s.category, lang), join(s.apps), join(s.values)] for s in m.shared],
        )
    else:
        out += [t["shared_none"], ""]
    if m.same_kind_only:
        out += [t["same_kind_head"], ""]
        out += [
            f"- {s.org}: {rt.category_name(s.category, lang)} ({join(s.apps)})" for s in m.same_kind_only
        ] + [""]
    out += [f"## {t['h_fairness']}", ""]
    if m.duration_warning:
        out += [
            "**" + ct.ui("fairness_warning", lang, ratio=ct.ratio_text(m.duration_ratio or 0, lang)) + "**",
            "",
        ]
    out += _table(
        [
            t["col_app"],
            t["col_sessions"],
            t["col_duration"],
            t["col_requests"],
            t["col_per_min"],
            t["col_with_data"],
            t["col_per_min"],
            t["col_consent"],
        ],
        [
            [
                a.label,
                join(a.inputs),
                rt.duration_short(a.duration_s, lang),
                str(a.requests),
                ct.per_minute(a.per_minute(a.requests), lang),
                str(a.requests_with_data),
                ct.per_minute(a.per_minute(a.requests_with_data), lang),
                join(a.consent) if a.consent else t["no_marker"],
            ]
            for a in m.apps
        ],
    )
    if m.problems:
        out += [f"## {t['problems']}", "", *(f"- {p}" for p in m.problems), ""]
    out += ["---", "", ct.ui("footer", lang, version=md(m.version, 40))]
    return "\n".join(out) + "\n"
