"""The report as Markdown (GitHub/CommonMark flavoured), with every string escaped.

Captured strings can contain Markdown or HTML (`[x](javascript:…)`, `<img onerror>`, `|` that
breaks a table, backticks). `md` turns them into inert text: control characters removed (by
`text.clean`), `&`, `<`, `>` as entities, every other ASCII punctuation that Markdown
interprets backslash-escaped, and `www.`/`scheme:` defused so renderers do not autolink them.
"""

from __future__ import annotations

import dataclasses
import re

from .. import where
from . import text as txt
from .model import ReportModel

_PUNCT = re.compile(r"([\\`*_{}\[\]()#+!|~:$@^])")
_WWW = re.compile(r"(?i)\b(www)\.")


def md(value: object, limit: int | None = 400) -> str:
    """A string as inert Markdown text (safe inside a paragraph, list item or table cell)."""
    text = txt.clean(value, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCT.sub(r"\\\1", text)
    return _WWW.sub(r"\1\\.", text)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> list[str]:  # type: ignore[assignment]
    out = [_row(head), "| " + " | ".join("---:" if i in numeric else "---" for i in range(len(head))) + " |"]
    out += [_row(r) for r in rows]
    return out + [""]


def _escaped_facts(facts: txt.SummaryFacts) -> txt.SummaryFacts:
    def names(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(md(n, 120) for n in items)

    return dataclasses.replace(
        facts,
        reach=tuple(txt.Reach(r.category, names(r.orgs)) for r in facts.reach),
        companies=names(facts.companies),
        first_party_orgs=names(facts.first_party_orgs),
        after_orgs=names(facts.after_orgs),
    )


def render_markdown(model: ReportModel) -> str:

    lang = model.lang
    t = txt.ui_table(lang)

    def cat(c: str) -> str:
        return md(txt.category_title(c, lang)) if not txt.known_category(c) else txt.category_title(c, lang)

    def join(items: list[str]) -> str:
        return txt.join(items, lang)

    title = t["title"].format(app=md(model.app, 120) if model.app else t["the_app"])
    lines: list[str] = [f"# {title}", "", t["subtitle"], ""]
    meta = []
    if model.app:
        meta.append(f"- **{t['app']}:** {md(model.app)}")
    if model.session:
        meta.append(f"- **{t['session']}:** {md(model.session)}")
    if model.start:
        meta.append(f"- **{t['recorded']}:** {txt.fmt_time(model.start)}")
    meta.append(f"- **{t['duration']}:** {txt.duration_short(model.duration_s, lang)}")
    lines += meta + ["", f"> {t['revealed_note'] if model.revealed else t['redacted_note']}", ""]

    # The summary's own wording stays readable; only the names in it are escaped.
    facts = _escaped_facts(model.summary.facts)
    lines += [f"## {t['h_summary']}", "", txt.summary_paragraph(facts, lang), ""]
    bullets = where.with_bullet(
        txt.summary_bullets(facts, lang), len(facts.reach), model.where_exposures, lang, esc=md
    )
    lines += [f"- {b}" for b in bullets] + [""]

    # Who gets what, as a table (the HTML report draws it).
    lines += [f"## {t['h_matrix']}", "", t["matrix_note"], ""]
    if model.orgs and model.categories:
        head = [t["col_company"]] + [cat(c) for c in model.categories]
        rows = [
            [f"**{md(o.name)}**" if o.third_party else md(o.name)] + [str(n) if n else "" for n in counts]
            for o, counts in zip(model.orgs, model.matrix, strict=True)
        ]
        lines += _table(head, rows, set(range(1, len(head))))
    else:
        lines += [t["none"], ""]

    lines += [f"## {t['h_consent']}", ""]
    if model.consent_marker:
        cm = model.consent_marker
        text = f" – {md(cm.text)}" if cm.text else ""
        lines += [
            f"**{t['consent_marker']}:** {md(cm.name)} – {txt.fmt_offset(cm.offset_s)} "
            f"({txt.fmt_time(cm.ts)}){text}",
            "",
        ]
    else:
        lines += [t["consent_none"], ""]
    if model.consent_rows:
        has_unmarked = any(r.unmarked for r in model.consent_rows)
        head = [t["col_company"], t["col_category"], t["before_consent"], t["after_consent"]]
        if has_unmarked:
            head.append(t["unmarked"])
        rows = []
        for r in model.consent_rows:
            row = [md(r.org), cat(r.category), str(r.before), str(r.after)]
            if has_unmarked:
                row.append(str(r.unmarked))
            rows.append(row)
        lines += _table(head, rows, set(range(2, len(head))))

    lc = model.label_check
    if lc is not None:
        store = t["store_play"] if lc.label.store == "play" else t["store_apple"]
        src = f" – {md(lc.label.source)}" if lc.label.source else ""
        lines += [f"## {t['h_labels']}", "", f"**{t['labels_source']}:** {store}{src}", ""]
        if lc.ok:
            lines += [t["labels_ok"], ""]
        for key, items in (
            ("labels_undeclared", lc.undeclared),
            ("labels_not_shared", lc.not_declared_shared),
        ):
            if items:
                lines += [f"### {t[key]}", ""]
                lines += _table(
                    [t["col_category"], t["col_company"], t["labels_expected"]],
                    [
                        [cat(u.category), join([md(o) for o in u.orgs]), md(" / ".join(u.expected))]
                        for u in items
                    ],
                )
        if lc.not_observed:
            lines += [f"### {t['labels_not_observed']}", ""]
            lines += _table(
                [t["labels_expected"], t["col_category"]],
                [
                    [md(n.type_name), join([txt.category_name(c, lang) for c in n.categories])]
                    for n in lc.not_observed
                ],
            )

    lines += [f"## {t['h_orgs']}", ""]
    lines += _table(
        [
            t[k]
            for k in (
                "col_company",
                "col_party",
                "col_country",
                "col_purpose",
                "col_data",
                "col_requests",
                "col_hosts",
            )
        ],
        [
            [
                md(o.name),
                t["third_party"] if o.third_party else t["first_party"],
                md(o.country or "–"),
                join([md(txt.purpose_name(p, lang)) for p in o.purposes]) or "–",
                join([txt.category_name(c, lang) for c in o.categories]),
                str(o.requests),
                md(", ".join(o.hosts)) + (f" ({t['cleartext']})" if o.cleartext else ""),
            ]
            for o in model.orgs
        ],
        {5},
    )

    if model.where:
        w = where.ui_table(lang)
        lines += [f"## {w['h_where']}", "", w["where_note"], ""]
        lines += _table(
            [
                w[k]
                for k in (
                    "col_company",
                    "col_company_country",
                    "col_parent",
                    "col_group",
                    "col_data",
                    "col_servers",
                )
            ],
            [
                [md(r.org), md(r.company_country), md(r.parent), md(r.group), r.categories, md(r.servers)]
                for r in model.where
            ],
        )
        lines += [w["servers_note"], ""]

    lines += [f"## {t['h_details']}", "", t["details_note"], ""]
    for o in model.orgs:
        lines += [f"### {md(o.name)} ({t['third_party'] if o.third_party else t['first_party']})", ""]
        for g in model.evidence:
            if g.org != o.name:
                continue
            lines += [f"#### {cat(g.category)} – {txt.requests(g.requests, lang)}", ""]
            rows = []
            for e in g.items:
                detector = md(e.detector) + (f" {md(e.rule)}" if e.rule else "")
                if e.evidence:
                    detector += f" – {md(e.evidence)}"
                request = md(e.request) + (f" ({t['cleartext']})" if e.cleartext else "")
                rows.append(
                    [
                        txt.fmt_offset(e.offset_s),
                        md(
                            txt.ui(e.consent, lang)
                            if e.consent in ("before", "after", "unmarked")
                            else e.consent
                        ),
                        request,
                        md(e.location),
                        md(e.decoding or "–"),
                        detector,
                        "" if e.confidence is None else f"{e.confidence:.2f}",
                        md(e.value),
                    ]
                )
            lines += _table(
                [
                    t[k]
                    for k in (
                        "col_time",
                        "col_consent",
                        "col_request",
                        "col_location",
                        "col_decoding",
                        "col_detector",
                        "col_confidence",
                        "col_value",
                    )
                ],
                rows,
                {6},
            )
            if g.omitted:
                lines += [t["more_omitted"].format(n=g.omitted), ""]

    if model.cleartext:
        lines += [f"## {t['h_cleartext']}", ""]
        lines += _table(
            [t["col_server"], t["col_company"], t["col_data"], t["col_requests"]],
            [
                [
                    md(r.host),
                    md(r.org),
                    join([txt.category_name(c, lang) for c in r.categories]),
                    str(r.requests),
                ]
                for r in model.cleartext
            ],
            {3},
        )
    if model.pinning:
        lines += [f"## {t['h_pinning']}", "", t["pinning_note"], ""]
        lines += _table(
            [t["col_server"], t["col_attempts"], t["col_time"], t["col_reason"]],
            [
                [
                    md(p.host + (f":{p.port}" if p.port else "")),
                    str(p.attempts),
                    txt.fmt_offset(p.first_offset_s),
                    md(p.reason),
                ]
                for p in model.pinning
            ],
            {1},
        )
    if model.unreadable:
        lines += [f"## {t['h_unreadable']}", "", t["unreadable_note"], ""]
        lines += _table(
            [
                t["col_server"],
                t["col_company"],
                t["col_connections"],
                t["col_sent"],
                t["col_received"],
                t["col_time"],
                t["col_reason"],
            ],
            [
                [
                    md(u.host),
                    md(u.org),
                    f"{u.connections} {u.transport}",
                    f"{u.bytes_up:,}",
                    f"{u.bytes_down:,}",
                    txt.fmt_offset(u.first_offset_s),
                    md(u.reason),
                ]
                for u in model.unreadable
            ],
            {2, 3, 4},
        )
    if model.looked_up:
        lines += [f"## {t['h_dns']}", "", md(", ".join(model.looked_up)), ""]
    if model.in_app:
        lines += [f"## {t['h_in_app']}", "", md(model.in_app_summary, None), "", t["in_app_note"], ""]
        for i, s in enumerate(model.in_app, 1):
            lines += [f"### {t['in_app_script']} {i} (sha256 `{s.sha256[:16]}…`)", ""]
            lines += [f"- {t['in_app_reads']}: " + (md("; ".join(s.reads)) or t["none"])]
            if s.actions:
                lines.append(f"- {t['in_app_can']}: " + md("; ".join(s.actions)))
            lines += [
                f"- {t['in_app_pages']}: " + (md(", ".join(s.pages)) or t["unknown"]),
                f"- {t['in_app_who']}: {md(s.who)}"
                + (f" – {md(s.injector)}" if s.injector else "")
                + f" ({md(s.api)}, {txt.fmt_offset(s.offset_s)})",
                f"- {t['in_app_times']}: {s.count}",
            ]
            if s.bridges:
                lines.append(f"- {t['in_app_bridges']}: {md(', '.join(s.bridges))}")
            if s.notes:
                lines.append(f"- {t['in_app_limits']}: {md('; '.join(s.notes))}")
            lines.append("")
            if s.evidence:
                lines += _table(
                    [t["col_capability"], "API", t["col_position"], t["col_code"]],
                    [
                        [
                            md(e.capability),
                            md(e.api),
                            e.position + (f" ({md(e.via)})" if e.via else ""),
                            md(e.code),
                        ]
                        for e in s.evidence
                    ],
                )
    if model.app_encrypted:
        lines += [f"## {t['h_app_encrypted']}", "", md(model.app_encrypted_summary, None), ""]
        lines += _table(
            [t["col_time"], "URL", t["col_company"], t["col_bytes"], t["col_reason_why"]],
            [
                [
                    txt.fmt_offset(r.offset_s),
                    md(r.url),
                    md(r.org or "–"),
                    str(r.size if r.size is not None else "–"),
                    md(r.reason),
                ]
                for r in model.app_encrypted
            ],
            {3},
        )
    if model.device_reads:
        lines += [f"## {t['h_device_reads']}", "", t["device_reads_note"], ""]
        lines += _table(
            [t[k] for k in ("col_time", "col_api", "col_category", "col_sdk", "col_company", "col_value")],
            [
                [
                    txt.fmt_offset(d.offset_s),
                    md(d.api),
                    md(txt.category_name(d.category, lang) if d.category else "–"),
                    md(d.sdk or "–"),
                    md(d.org or "–"),
                    md(d.value),
                ]
                for d in model.device_reads
            ],
        )
    if model.problems:
        lines += [f"## {t['h_problems']}", ""] + [f"- {md(p)}" for p in model.problems] + [""]
    lines += [
        f"## {t['h_method']}",
        "",
        t["method"],
        "",
        "---",
        "",
        t["generated_by"].format(version=md(model.version)),
        "",
    ]
    return "\n".join(lines)
