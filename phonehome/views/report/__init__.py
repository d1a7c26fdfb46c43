"""Reports anyone can read: a typed model of one session, rendered as HTML or Markdown.

    data = sessions.load_session(path)          # or load_inputs([...])
    model = build_report(data, lang="de", reveal=False, labels=load_labels("label.yaml"))
    html = render_html(model)                   # self-contained, no script, no external URL
    md = render_markdown(model)

Everything in a report came from the network, so every captured string is treated as hostile:
control characters are removed (`text.clean`), HTML is autoescaped by Jinja2 and
guarded by a Content-Security-Policy without any script source, SVG text is escaped by
`svg`, Markdown escapes its metacharacters (`markdown`). Values are redacted
(`analysis.redact`) unless `reveal=True`.
"""

from .html import content_security_policy, render_html, stylesheet
from .markdown import md, render_markdown
from .model import ReportModel, SessionLike, build_report
from .tables import findings_table, spreadsheet_safe, summary_table, write_tables

__all__ = [
    "ReportModel",
    "SessionLike",
    "build_report",
    "content_security_policy",
    "findings_table",
    "md",
    "render_html",
    "render_markdown",
    "spreadsheet_safe",
    "stylesheet",
    "summary_table",
    "write_tables",
]
