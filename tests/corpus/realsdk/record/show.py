"""Print the recorded requests of ../flows/*.mitm for reading and labelling by hand.

../../../../.venv/bin/python show.py [vendor ...] [--max 3000]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mitmproxy import io

FLOWS = Path(__file__).resolve().parent.parent / "flows"
SKIP_HEADERS = {
    "accept",
    "accept-encoding",
    "connection",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-fetch-dest",
    "priority",
    "sec-ch-ua",
    "sec-ch-ua-platform",
    "sec-ch-ua-mobile",
    "accept-language",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vendors", nargs="*")
    parser.add_argument("--max", type=int, default=3000)
    args = parser.parse_args()
    files = [FLOWS / f"{v}.mitm" for v in args.vendors] if args.vendors else sorted(FLOWS.glob("*.mitm"))
    for path in files:
        with path.open("rb") as f:
            for i, flow in enumerate(io.FlowReader(f).stream()):
                req = flow.request
                print(f"=== {path.stem}#{i} {req.method} {req.pretty_url}  [{req.http_version}]")
                for k, v in req.headers.items():
                    if k.lower() not in SKIP_HEADERS:
                        print(f"  {k}: {v[:300]}")
                try:
                    body = req.get_content(strict=False) or b""
                except Exception:
                    body = req.raw_content or b""
                text = body.decode("utf-8", "replace")
                if body and sum(c < 9 or 13 < c < 32 for c in body[:200]) > 5:
                    text = f"<binary {len(body)} bytes> " + body[:400].hex()
                print("  BODY:", text[: args.max])


if __name__ == "__main__":
    main()
