"""`phonehome mark`: put a consent decision or a note on a session's timeline.

    phonehome mark captures/run1 consent-given "tapped Accept all on the first screen"

Appends `{ts, label, text, source: "cli"}` to the session's `markers.jsonl` (the same log the
mitmproxy command `:phonehome.mark` and the dashboard write). Findings are labelled before/after
the last consent decision.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from phonehome.store import CONSENT_LABELS, SessionStore
from phonehome.views.inert import inert


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mark",
        help="mark consent given/refused/withdrawn (or a note) in a session",
        description="Record a consent decision or a note, with the current time, in a session directory "
        "(also possible from mitmproxy: :phonehome.mark LABEL [TEXT]).",
    )
    parser.add_argument("session", type=Path, metavar="DIR", help="the session directory")
    parser.add_argument(
        "label", choices=CONSENT_LABELS, metavar="LABEL", help=f"one of: {', '.join(CONSENT_LABELS)}"
    )
    parser.add_argument(
        "text", nargs="*", metavar="TEXT", help="free text (what was tapped, what the screen said)"
    )
    parser.add_argument(
        "--after-end",
        action="store_true",
        help="record a consent decision in a session that has ended (every finding then counts as before it)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.session
    if not root.is_dir():
        print(f"phonehome mark: {inert(root)} is not a directory", file=sys.stderr)
        return 2
    if not SessionStore.is_session(root):
        print(
            f"phonehome mark: {inert(root)} is not a session directory (no session.json or flows.mitm)",
            file=sys.stderr,
        )
        return 2
    store = SessionStore(root)
    end = store.read_meta().get("end")
    if end and args.label != "note" and not args.after_end:
        print(
            f"phonehome mark: the session ended at {inert(end)}; a consent marker now would come after every "
            "finding and make all of them 'before consent'. Use --after-end to record it anyway.",
            file=sys.stderr,
        )
        return 2
    try:
        marker = store.mark(args.label, " ".join(args.text), source="cli")
    except (ValueError, OSError) as e:
        print(f"phonehome mark: {inert(e)}", file=sys.stderr)
        return 1
    when = datetime.fromtimestamp(marker["ts"], UTC).isoformat(timespec="seconds")
    print(f"{when} {marker['label']}" + (f": {inert(marker['text'])}" if marker["text"] else ""))
    return 0
