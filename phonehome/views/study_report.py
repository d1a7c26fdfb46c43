"""`phonehome study-report`: the tables of a study dataset as a self-contained HTML or Markdown file.

Same standards as the session report: no script, no remote load, a strict Content-Security-Policy
that allows exactly the inline stylesheet by hash, every captured string autoescaped (HTML) or
escaped (Markdown), and the file written owner-only through a temporary name.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from phonehome.analysis.categories import category as lookup
from phonehome.analysis.categories import display_name
from phonehome.analysis.study_tables import Share, StudyTables, study_tables
from phonehome.store.safefile import check_output, write_atomic
from phonehome.views.report import content_security_policy
from phonehome.views.report.markdown import md

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Study: what {apps} apps sent to third parties",
        "lead": "{apps} apps analysed ({sessions} captures, {flows} flows, {findings} findings). "
        "Every figure names its denominator.",
        "failed": "{n} captures could not be analysed (see failures/ in the dataset).",
        "h_categories": "Kinds of personal data sent to third parties",
        "c_category": "data category",
        "c_third": "apps sending it to ≥ 1 third party",
        "c_before": "… before consent (of apps with a consent marker)",
        "h_receivers": "Receiving organisations",
        "c_org": "organisation",
        "c_parent": "parent",
        "c_country": "country",
        "c_apps": "apps",
        "c_categories": "data categories received",
        "h_sdks": "SDK prevalence",
        "sdk_hosts": "Third parties the apps contacted at all (from hosts)",
        "sdk_stacks": "Code that read device data, from the hooks' stacks (of the {n} apps analysed with hooks)",
        "no_hooks": "No capture of this study ran with the Frida hooks.",
        "h_per_app": "Third parties per app",
        "per_app_stats": "Median {median}, 90th percentile {p90} "
        "third-party organisations per app that received personal data (of {apps} apps).",
        "h_countries": "Countries of the receiving companies",
        "c_app": "app",
        "c_sessions": "captures",
        "c_duration": "duration",
        "c_consent": "consent marker",
        "c_third_parties": "third parties",
        "none": "—",
        "not_marked": "none",
        "of": "of",
        "unknown": "unknown",
        "subtitle": "phonehome study-report · values are never shown, only counts",
        "s_top": "{count} of {total} apps ({pct}) sent {what} to at least one third party",
        "s_before": "; {count} of the {total} apps with a consent marker did so before consent",
        "s_median": "The median app sent personal data to {median} third-party companies (90th percentile: {p90}).",
        "s_receivers": "The most common receivers: {names}.",
        "s_apps": "{name} ({count} of {total} apps)",
        "and": "and",
    },
    "de": {
        "title": "Studie: was {apps} Apps an Dritte gesendet haben",
        "lead": "{apps} Apps analysiert ({sessions} Aufzeichnungen, {flows} Flows, {findings} Befunde). "
        "Jede Zahl nennt ihre Bezugsgröße.",
        "failed": "{n} Aufzeichnungen konnten nicht analysiert werden (siehe failures/ im Datensatz).",
        "h_categories": "Arten personenbezogener Daten, die an Dritte gingen",
        "c_category": "Datenkategorie",
        "c_third": "Apps, die sie an ≥ 1 Dritten senden",
        "c_before": "… vor der Einwilligung (von Apps mit Einwilligungsmarke)",
        "h_receivers": "Empfangende Organisationen",
        "c_org": "Organisation",
        "c_parent": "Mutterkonzern",
        "c_country": "Land",
        "c_apps": "Apps",
        "c_categories": "empfangene Datenkategorien",
        "h_sdks": "Verbreitung von SDKs",
        "sdk_hosts": "Dritte, die die Apps überhaupt kontaktierten (nach Hosts)",
        "sdk_stacks": "Code, der Gerätedaten las, nach den Stacks der Hooks (von {n} mit Hooks analysierten Apps)",
        "no_hooks": "Keine Aufzeichnung dieser Studie lief mit den Frida-Hooks.",
        "h_per_app": "Dritte pro App",
        "per_app_stats": "Median {median}, 90. Perzentil {p90} "
        "Drittorganisationen pro App, die personenbezogene Daten erhielten (von {apps} Apps).",
        "h_countries": "Länder der empfangenden Unternehmen",
        "c_app": "App",
        "c_sessions": "Aufzeichnungen",
        "c_duration": "Dauer",
        "c_consent": "Einwilligungsmarke",
        "c_third_parties": "Dritte",
        "none": "—",
        "not_marked": "keine",
        "of": "von",
        "unknown": "unbekannt",
        "subtitle": "phonehome study-report · es werden nie Werte gezeigt, nur Anzahlen",
        "s_top": "{count} von {total} Apps ({pct}) sendeten {what} an mindestens einen Dritten",
        "s_before": "; {count} der {total} Apps mit Einwilligungsmarke taten das vor der Einwilligung",
        "s_median": "Die mittlere App (Median) sendete personenbezogene Daten an {median} Drittunternehmen "
        "(90. Perzentil: {p90}).",
        "s_receivers": "Die häufigsten Empfänger: {names}.",
        "s_apps": "{name} ({count} von {total} Apps)",
        "and": "und",
    },
}

CSS = """
body{margin:0;padding:0 1.5rem 3rem;color:#1c2833;font:16px/1.5 system-ui,"DejaVu Sans",sans-serif}
main{max-width:72rem;margin:0 auto}h1{font-size:1.9rem;margin:1.5rem 0 .25rem;overflow-wrap:anywhere}
h2{font-size:1.35rem;margin:2.2rem 0 .6rem;border-bottom:1px solid #d5d8dc}.sub{color:#566573}
.lead{font-size:1.15rem}table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #d5d8dc;overflow-wrap:anywhere}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}.warn{background:#fdebd0;padding:.4rem .75rem}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><style>{{ css }}</style></head><body><main>
<h1>{{ title }}</h1><p class="sub">{{ t.subtitle }}</p>
<p class="lead">{% for line in summary %}{{ line }} {% endfor %}</p>
<p>{{ lead }}</p>
{% if s.failed_sessions %}<p class="warn">{{ failed }}</p>{% endif %}
<h2>{{ t.h_categories }}</h2><div class="scroll"><table>
<tr><th>{{ t.c_category }}</th><th>{{ t.c_third }}</th><th>{{ t.c_before }}</th></tr>
{% for r in s.categories %}<tr><td>{{ cat(r.category) }}</td><td class="n">{{ share(r.third_party) }}</td>
<td class="n">{{ share(r.before_consent) if r.before_consent else t.none }}</td></tr>{% endfor %}
</table></div>
<h2>{{ t.h_receivers }}</h2><div class="scroll"><table>
<tr><th>{{ t.c_org }}</th><th>{{ t.c_parent }}</th><th>{{ t.c_country }}</th><th>{{ t.c_apps }}</th><th>{{ t.c_categories }}</th></tr>
{% for r in s.receivers %}<tr><td>{{ r.org }}</td><td>{{ r.parent }}</td><td>{{ r.country or t.unknown }}</td>
<td class="n">{{ share(r.apps) }}</td><td>{{ cats(r.categories) }}</td></tr>{% endfor %}
</table></div>
<h2>{{ t.h_sdks }}</h2><h3>{{ t.sdk_hosts }}</h3><div class="scroll"><table>
<tr><th>{{ t.c_org }}</th><th>{{ t.c_parent }}</th><th>{{ t.c_country }}</th><th>{{ t.c_apps }}</th></tr>
{% for r in s.sdk_hosts %}<tr><td>{{ r.org }}</td><td>{{ r.parent }}</td><td>{{ r.country or t.unknown }}</td>
<td class="n">{{ share(r.apps) }}</td></tr>{% endfor %}</table></div>
<h3>{{ stacks_title }}</h3>
{% if s.sdk_stacks %}<table><tr><th>{{ t.c_org }}</th><th>{{ t.c_apps }}</th></tr>
{% for org, sh in s.sdk_stacks %}<tr><td>{{ org }}</td><td class="n">{{ share(sh) }}</td></tr>{% endfor %}</table>
{% else %}<p>{{ t.no_hooks }}</p>{% endif %}
<h2>{{ t.h_per_app }}</h2><p>{{ per_app_stats }}</p>
<h2>{{ t.h_countries }}</h2><table><tr><th>{{ t.c_country }}</th><th>{{ t.c_apps }}</th></tr>
{% for c, sh in s.countries %}<tr><td>{{ c if c != "unknown" else t.unknown }}</td><td class="n">{{ share(sh) }}</td></tr>{% endfor %}</table>
<h2>{{ t.c_app }}</h2><div class="scroll"><table>
<tr><th>{{ t.c_app }}</th><th>{{ t.c_sessions }}</th><th>{{ t.c_duration }}</th><th>{{ t.c_consent }}</th>
<th>{{ t.c_third_parties }}</th>{% for c in matrix_cats %}<th>{{ short(c) }}</th>{% endfor %}</tr>
{% for r in s.per_app %}<tr><td>{{ r.app }}</td><td class="n">{{ r.sessions }}</td><td class="n">{{ minutes(r.duration_s) }}</td>
<td>{{ r.consent or t.not_marked }}</td><td class="n">{{ r.third_parties }}</td>
{% for c in matrix_cats %}<td class="n">{{ r.categories.get(c, "") }}</td>{% endfor %}</tr>{% endfor %}
</table></div>
</main></body></html>
"""


def plain_summary(s: StudyTables, lang: str) -> list[str]:
    """The first sentences a non-specialist reads: the most widespread kinds of data, the median
    app, the most common receivers — each with its denominator."""
    t = TEXT[lang]
    out = []
    sent = [r for r in s.categories if r.third_party.count]
    lead = sent[:3] + [r for r in sent[3:] if r.category == "advertising_id"]  # the ad ID always said
    for row in lead:
        sentence = t["s_top"].format(
            count=row.third_party.count,
            total=row.third_party.total,
            pct=f"{100 * row.third_party.ratio:.0f} %",
            what=_object(row.category, lang),
        )
        if row.before_consent and row.before_consent.total:
            sentence += t["s_before"].format(count=row.before_consent.count, total=row.before_consent.total)
        out.append(sentence + ".")
    if s.apps:
        out.append(t["s_median"].format(median=f"{s.third_parties_median:g}", p90=f"{s.third_parties_p90:g}"))
    named = [r for r in s.receivers if not r.org.startswith("unknown (")][:5]
    if named:
        names = [t["s_apps"].format(name=r.org, count=r.apps.count, total=r.apps.total) for r in named]
        joined = ", ".join(names[:-1]) + f" {t['and']} " + names[-1] if len(names) > 1 else names[0]
        out.append(t["s_receivers"].format(names=joined))
    return out


def _object(category: str, lang: str) -> str:
    name = display_name(category, lang)
    return name if lang == "de" else f"the {name}" if category == "advertising_id" else name


class StudyReportError(Exception):
    pass


def _n(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "de" else text


def _pct(share: Share) -> str:
    return f"{share.count} / {share.total} ({100 * share.ratio:.0f} %)"


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f} min"


def _short(category: str) -> str:
    try:
        return lookup(category).short
    except KeyError:
        return category


def render_html(s: StudyTables, lang: str = "en") -> str:
    t = TEXT[lang]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(TEMPLATE)
    matrix_cats = [r.category for r in s.categories if r.third_party.count]
    return template.render(
        lang=lang,
        t=t,
        s=s,
        css=jinja2.utils.markupsafe.Markup(CSS),
        csp=content_security_policy(CSS, images=False),  # the study report has no pictures
        title=t["title"].format(apps=s.apps),
        lead=t["lead"].format(
            apps=s.apps, sessions=s.sessions, flows=_n(s.flows, lang), findings=_n(s.findings, lang)
        ),
        failed=t["failed"].format(n=s.failed_sessions),
        stacks_title=t["sdk_stacks"].format(n=s.apps_with_hooks),
        per_app_stats=t["per_app_stats"].format(
            median=f"{s.third_parties_median:g}", p90=f"{s.third_parties_p90:g}", apps=s.apps
        ),
        summary=plain_summary(s, lang),
        matrix_cats=matrix_cats,
        share=_pct,
        cat=lambda c: display_name(c, lang) if c else "",
        cats=lambda ids: ", ".join(display_name(c, lang) for c in ids),
        short=_short,
        minutes=_minutes,
    )


def render_markdown(s: StudyTables, lang: str = "en") -> str:
    t = TEXT[lang]
    lines = [
        f"# {md(t['title'].format(apps=s.apps))}",
        "",
        t["subtitle"],
        "",
        md(
            t["lead"].format(
                apps=s.apps, sessions=s.sessions, flows=_n(s.flows, lang), findings=_n(s.findings, lang)
            )
        ),
        "",
    ]
    lines += [" ".join(md(line) for line in plain_summary(s, lang)), ""]
    if s.failed_sessions:
        lines += [md(t["failed"].format(n=s.failed_sessions)), ""]

    def table(head: list[str], rows: list[list[str]]) -> None:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        lines.extend("| " + " | ".join(c or " " for c in r) + " |" for r in rows)
        lines.append("")

    lines += [f"## {t['h_categories']}", ""]
    table(
        [t["c_category"], t["c_third"], t["c_before"]],
        [
            [
                md(display_name(r.category, lang)),
                _pct(r.third_party),
                _pct(r.before_consent) if r.before_consent else t["none"],
            ]
            for r in s.categories
        ],
    )
    lines += [f"## {t['h_receivers']}", ""]
    table(
        [t["c_org"], t["c_parent"], t["c_country"], t["c_apps"], t["c_categories"]],
        [
            [
                md(r.org),
                md(r.parent),
                md(r.country or t["unknown"]),
                _pct(r.apps),
                md(", ".join(display_name(c, lang) for c in r.categories)),
            ]
            for r in s.receivers
        ],
    )
    lines += [f"## {t['h_sdks']}", "", f"### {t['sdk_hosts']}", ""]
    table(
        [t["c_org"], t["c_parent"], t["c_country"], t["c_apps"]],
        [[md(r.org), md(r.parent), md(r.country or t["unknown"]), _pct(r.apps)] for r in s.sdk_hosts],
    )
    lines += [f"### {md(t['sdk_stacks'].format(n=s.apps_with_hooks))}", ""]
    if s.sdk_stacks:
        table([t["c_org"], t["c_apps"]], [[md(org), _pct(sh)] for org, sh in s.sdk_stacks])
    else:
        lines += [t["no_hooks"], ""]
    lines += [
        f"## {t['h_per_app']}",
        "",
        md(
            t["per_app_stats"].format(
                median=f"{s.third_parties_median:g}", p90=f"{s.third_parties_p90:g}", apps=s.apps
            )
        ),
        "",
    ]
    lines += [f"## {t['h_countries']}", ""]
    table(
        [t["c_country"], t["c_apps"]],
        [[md(c if c != "unknown" else t["unknown"]), _pct(sh)] for c, sh in s.countries],
    )
    cats = [r.category for r in s.categories if r.third_party.count]
    lines += [f"## {t['c_app']}", ""]
    table(
        [
            t["c_app"],
            t["c_sessions"],
            t["c_duration"],
            t["c_consent"],
            t["c_third_parties"],
            *[md(_short(c)) for c in cats],
        ],
        [
            [
                md(r.app),
                str(r.sessions),
                _minutes(r.duration_s),
                md(r.consent or t["not_marked"]),
                str(r.third_parties),
                *[str(r.categories.get(c, "")) for c in cats],
            ]
            for r in s.per_app
        ],
    )
    return "\n".join(lines)


def write_study_report(dataset: Path, output: Path, *, lang: str = "en") -> Path:
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise StudyReportError(f"{output}: write .html or .md")
    if not (dataset / "sessions").is_dir():
        raise StudyReportError(
            f"{dataset}: not a study dataset (no sessions/ folder; run phonehome study first)"
        )
    try:
        check_output(output)  # before reading a dataset that may be large
        tables = study_tables(dataset)
        text = render_html(tables, lang) if suffix in (".html", ".htm") else render_markdown(tables, lang)
        write_atomic(output, text.encode("utf-8", "surrogateescape"))
    except OSError as e:  # OutputError, UnsafeFile: their message names the file and the reason
        raise StudyReportError(str(e)) from None
    return output
