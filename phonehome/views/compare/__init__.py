"""Several apps side by side: what each sends to whom, who can link a person across them, and
whether the sessions are comparable.

    items = [AppInput(app, label, [session, ...], [name, ...]), ...]   # commands/compare.py builds these
    model = build_compare(items, lang="de", reveal=False)
    html = render_html(model)        # self-contained, strict CSP, no script
    md = render_markdown(model)      # every captured string escaped

The same standards as `phonehome.views.report`: captured strings are cleaned and escaped,
identifier values redacted unless `reveal=True`.
"""

from .html import render_html
from .markdown import render_markdown
from .model import AppColumn, AppInput, CompareModel, build_compare

__all__ = ["AppColumn", "AppInput", "CompareModel", "build_compare", "render_html", "render_markdown"]
