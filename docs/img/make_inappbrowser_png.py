"""Regenerate docs/img/inappbrowser-report.png: the "In-app browser" section of the report of the
bundled TikTok-format session, rendered by headless Chromium (/usr/bin/chromium).

    .venv/bin/python docs/img/make_inappbrowser_png.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from support.report import Chromium  # noqa: E402
from support.tools import require_chromium  # noqa: E402

from phonehome.analysis.sessions import load_inputs  # noqa: E402
from phonehome.views.report import build_report, render_html  # noqa: E402


def main() -> int:
    html = render_html(build_report(load_inputs([REPO / "captures" / "tiktok-format"])))
    body = html.index(">", html.index("<body")) + 1
    start = html.index('<section id="in-app">')
    end = html.index("</section>", start) + len("</section>")
    page = (
        html[:body] + "<main>" + html[start:end] + "</main></body></html>"
    )  # the section alone, same styles
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "section.html"
        path.write_text(page, encoding="utf-8")
        out = REPO / "docs" / "img" / "inappbrowser-report.png"
        Chromium(require_chromium(), Path(tmp) / "profile").screenshot(
            path.as_uri(), out, width=1100, height=1350
        )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
