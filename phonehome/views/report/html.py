"""The report as one self-contained HTML page: Jinja2 template (autoescaped), inline CSS and SVG
charts, a Content-Security-Policy without any script source."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jinja2
from markupsafe import Markup

from .. import where
from . import svg
from . import text as txt
from .model import TIMELINE_LANES, ReportModel


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("phonehome.views.report", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2", "svg"), default_for_string=True, default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def stylesheet() -> str:
    return _env().loader.get_source(_env(), "report.css")[0]  # type: ignore[union-attr]


def content_security_policy(css: str, *, images: bool = True) -> str:
    """No script, no fetch, no frame, no form, no base; only the page's own stylesheet (by hash)
    and, with `images`, data: images."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    img = "data:" if images else "'none'"
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src {img}; font-src 'none'; "
        "script-src 'none'; connect-src 'none'; object-src 'none'; frame-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def charts(model: ReportModel) -> dict[str, Markup]:
    lang = model.lang
    cat_names = [txt.category_title(c, lang) for c in model.categories]
    rows = [svg.Row(o.name, o.third_party) for o in model.orgs]
    out: dict[str, Markup] = {}
    if model.orgs and model.categories:
        out["matrix"] = svg.matrix_svg(rows, cat_names, model.matrix, title=txt.ui("h_matrix", lang))
        bars = sorted(
            ((svg.Row(o.name, o.third_party), len(o.categories)) for o in model.orgs if o.third_party),
            key=lambda item: -item[1],
        )
        if bars:
            units = ("Datenart", "Datenarten") if lang == "de" else ("kind", "kinds")
            out["bars"] = svg.bars_svg(
                bars, maximum=max(n for _r, n in bars), title=txt.ui("h_bars", lang), units=units
            )
    if model.timeline or model.markers:
        lane_names = [o.name for o in model.orgs][:TIMELINE_LANES]
        lanes = [svg.Row(o.name, o.third_party) for o in model.orgs][:TIMELINE_LANES]
        others = [o for o in model.orgs[TIMELINE_LANES:]]
        if others:
            label = f"{len(others)} weitere" if lang == "de" else f"{len(others)} others"
            lanes.append(svg.Row(label, True))
        index = {name: i for i, name in enumerate(lane_names)}
        third = {o.name: o.third_party for o in model.orgs}
        points = [
            svg.Point(off, index.get(org, len(lane_names)), third.get(org, True))
            for off, org in model.timeline
        ]
        marks = [
            svg.Mark(m.offset_s, f"{m.name}{': ' + m.text if m.text else ''}", m.consent)
            for m in model.markers
        ]
        out["timeline"] = svg.timeline_svg(
            lanes,
            points,
            marks,
            duration_s=model.duration_s or max([p.offset_s for p in points] + [1.0]),
            shade_until_s=model.consent_marker.offset_s if model.consent_marker else None,
            title=txt.ui("h_timeline", lang),
            axis_label=(txt.ui("minutes_axis", lang), txt.ui("seconds_axis", lang)),
        )
    return out


def _template_globals(model: ReportModel) -> dict[str, Any]:
    lang = model.lang
    return {
        "m": model,
        "t": txt.ui_table(lang),
        "w": where.ui_table(lang),
        "cat": lambda c: txt.category_name(c, lang),
        "cat_title": lambda c: txt.category_title(c, lang),
        "purpose": lambda p: txt.purpose_name(p, lang),
        "consent_name": lambda c: txt.ui(c, lang) if c in ("before", "after", "unmarked") else c,
        "fmt_time": txt.fmt_time,
        "fmt_offset": txt.fmt_offset,
        "duration": lambda s: txt.duration_short(s, lang),
        "join": lambda items: txt.join(list(items), lang),
        "n_requests": lambda n: txt.requests(n, lang),
        "cats": lambda ids: txt.join([txt.category_name(c, lang) for c in ids], lang),
        "purposes": lambda ps: txt.join([txt.purpose_name(p, lang) for p in ps], lang),
        "conf": lambda c: "" if c is None else f"{c:.2f}",
    }


def render_html(model: ReportModel) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG; no script, no
    external reference; a Content-Security-Policy forbids both anyway)."""
    css = stylesheet()
    template = _env().get_template("report.html.j2")
    return template.render(
        **_template_globals(model), css=Markup(css), csp=content_security_policy(css), charts=charts(model)
    )
