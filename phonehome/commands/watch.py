"""`phonehome watch`: the live terminal dashboard on a session store."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from phonehome.store.live import newest_session
from phonehome.views.inert import inert


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="live dashboard: which companies receive which personal data, as it happens",
        description="Open a full-screen dashboard on a session directory and follow it as it grows "
        "(or show a finished session), or watch a saved file (flow file, HAR, packet capture) "
        "fill it at its recorded pace. Keys: m consent given, M consent refused, "
        "r reveal/redact values, / filter, enter details, p pause, q quit.",
    )
    parser.add_argument(
        "session",
        nargs="?",
        type=Path,
        metavar="SESSION_DIR_OR_FILE",
        help="session directory (default: the newest one under ./captures/), or a saved file: "
        "mitmproxy flow file, HAR, packet capture (.pcap, .pcapng)",
    )
    parser.add_argument(
        "--keylog",
        type=Path,
        metavar="FILE",
        help="for a packet capture: TLS key log (keys embedded in a pcapng need none)",
    )
    parser.add_argument(
        "--app",
        metavar="PACKAGE",
        help="for a saved file: the app under test (PCAPdroid's "
        "trailer in a capture keeps only this app's traffic)",
    )
    parser.add_argument("--fast", action="store_true", help="for a saved file: show everything at once")
    parser.add_argument(
        "--interval",
        type=float,
        default=0.25,
        help="seconds between reads of the session files (default 0.25)",
    )
    parser.add_argument(
        "--reveal", action="store_true", help="start with captured values shown, not redacted"
    )
    parser.add_argument(
        "--feed-rows", type=int, default=200, help="findings kept in the live feed (default 200)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Lazy: the dashboard (textual) loads only when this command runs, not when the CLI builds its parser.
    from phonehome.views.dashboard import run_watch

    err = Console(stderr=True)
    session: Path | None = args.session
    if session is None:
        session = newest_session(Path("captures"))
        if session is None:
            err.print(
                Text(
                    "phonehome watch: no session under ./captures/; name one: phonehome watch SESSION_DIR",
                    style="red",
                )
            )
            return 2
    if args.interval <= 0 or args.feed_rows < 1:
        err.print(Text("phonehome watch: --interval must be > 0 and --feed-rows >= 1", style="red"))
        return 2
    if session.is_file():
        # Lazy: the dashboard (textual) loads only when this command runs.
        from phonehome.views.dashboard import run_file_dashboard

        status, problems = run_file_dashboard(
            session,
            keylog=args.keylog,
            app=args.app,
            pace=0.0 if args.fast else 1.0,
            interval=args.interval,
            reveal=args.reveal,
        )
        for problem in problems:
            err.print(Text(f"phonehome watch: error: {inert(problem, None)}", style="red"), soft_wrap=True)
        return 1 if problems else status
    if not session.is_dir():
        err.print(
            Text(
                f"phonehome watch: no such session directory or file: {inert(str(session), 200)}", style="red"
            )
        )
        return 2
    return run_watch(session, interval=args.interval, reveal=args.reveal, feed_rows=args.feed_rows)
