"""The comparison as one self-contained HTML page: Jinja2 template (autoescaped), the report's
stylesheet plus a few rules, a Content-Security-Policy without any script source."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from phonehome.views import where
from phonehome.views.report import content_security_policy
from phonehome.views.report import stylesheet as report_stylesheet
from phonehome.views.report import text as rt

from . import text as ct
from .model import AppColumn, CompareModel

_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("phonehome.views.compare", "templates"),
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html", "html.j2"), default_for_string=True, default=True
            ),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def stylesheet() -> str:
    own = _env().loader.get_source(_env(), "compare.css")[0]  # type: ignore[union-attr]
    return report_stylesheet() + "\n" + own


def countries(a: AppColumn, lang: str) -> str:
    """`United States, Singapore, China` — third countries of an app's receivers."""
    return rt.join(
        [where.country_name(e.country, lang) for e in a.exposures if e.group == "third_country"], lang
    )


def glance_rows(model: CompareModel) -> list[dict[str, Any]]:
    """Extra rows of the side-by-side table (title, one text cell per app)."""
    rows = model.extra.get("glance_rows")
    return list(rows) if isinstance(rows, list) else []


def _globals(model: CompareModel) -> dict[str, Any]:
    lang = model.lang
    return {
        "m": model,
        "t": ct.ui_table(lang),
        "w": where.ui_table(lang),
        "countries": lambda a: countries(a, lang),
        "cat": lambda c: rt.category_name(c, lang),
        "cat_title": lambda c: rt.category_title(c, lang),
        "cats": lambda ids: rt.join([rt.category_name(c, lang) for c in ids], lang),
        "join": lambda items: rt.join([str(i) for i in items], lang),
        "names": lambda items: ct.names(items, lang),
        "companies_n": lambda n: ct.ui("companies_n", lang, n=n),
        "duration": lambda s: rt.duration_short(s, lang),
        "per_min": lambda a, n: ct.per_minute(a.per_minute(n), lang),
        "merged": lambda a: ct.ui("merged_note", lang, app=a.label, n=len(a.inputs)),
        "fairness_warning": ct.ui(
            "fairness_warning", lang, ratio=ct.ratio_text(model.duration_ratio or 0, lang)
        ),
        "any_labels": any(a.label_checked for a in model.apps),
        "glance_rows": glance_rows(model),
        "footer": ct.ui("footer", lang, version=model.version),
    }


def render_html(model: CompareModel) -> str:
    """The comparison as one self-contained HTML document (inline CSS; no script, no external
    reference; a Content-Security-Policy forbids both anyway)."""
    css = stylesheet()
    template = _env().get_template("compare.html.j2")
    return template.render(**_globals(model), css=Markup(css), csp=content_security_policy(css))


__all__ = ["AppColumn", "render_html", "stylesheet"]
