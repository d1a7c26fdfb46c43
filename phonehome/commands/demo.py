"""`phonehome demo`: the main job on the bundled sample session, no phone needed."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from phonehome.analysis.sessions import plan_replay
from phonehome.cli import build_parser
from phonehome.commands import compare
from phonehome.views.inert import inert
from phonehome.views.summary import Summary

from .replay import print_summary, replay_to

CAPTURES = Path(__file__).resolve().parents[2] / "captures"
SAMPLE = CAPTURES / "sample"
COMPARED = (
    # (session directory, app id, name shown in English, in German)
    ("sample", "de.azubiapp.demo", "AzubiApp (sample)", "AzubiApp (Beispiel)"),
    ("tiktok-format", "com.zhiliaoapp.musically", "TikTok (reconstructed)", "TikTok (nachgebaut)"),
    (
        "career-app",
        "de.karrierekompass.demo",
        "KarriereKompass (career app)",
        "KarriereKompass (Karriere-App)",
    ),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="replay the bundled sample session and show who got what",
        description="Replay the bundled sample session (a fictional app with real SDK wire formats, "
        "recorded through a real mitmdump) and show which companies received which data.",
    )
    parser.add_argument("--session", type=Path, default=SAMPLE, help=argparse.SUPPRESS)
    parser.add_argument(
        "--watch",
        action="store_true",
        help="open the live dashboard and replay the session into it at a realistic pace",
    )
    parser.add_argument("--fast", action="store_true", help="with --watch: replay at full speed")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="write the comparison of the three bundled sessions (sample, TikTok-format, career app)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("compare.html"),
        metavar="FILE",
        help="with --compare: where to write, .html or .md (default: compare.html)",
    )
    parser.add_argument(
        "--lang", choices=("en", "de"), default="en", help="with --compare: language (default: en)"
    )
    parser.set_defaults(func=run)


def run_compare(args: argparse.Namespace) -> int:
    """`phonehome demo --compare`: the three bundled sessions side by side, written to a file."""
    inputs = [CAPTURES / name for name, *_rest in COMPARED]
    missing = [str(p) for p in inputs if not (p / "flows.mitm").exists()]
    if missing:
        Console(stderr=True).print(
            Text(f"phonehome demo: bundled session missing: {inert(', '.join(missing))}", style="red")
        )
        return 2
    argv = [
        "compare",
        *map(str, inputs),
        "-o",
        str(args.output),
        "--lang",
        args.lang,
        "--name",
        *(f"{app}={de if args.lang == 'de' else en}" for _name, app, en, de in COMPARED),
    ]
    status = compare.run(build_parser().parse_args(argv))
    if status == 0:
        Console().print(
            Text(
                f"Comparison of the three bundled sessions written to {inert(args.output)} — open it in a "
                "browser. The TikTok session is reconstructed from public documentation, not a recording "
                "of TikTok."
            )
        )
    return status


def run(args: argparse.Namespace) -> int:
    if args.compare:
        return run_compare(args)
    console = Console()
    session: Path = args.session
    if not (session / "flows.mitm").exists():
        Console(stderr=True).print(
            Text(f"phonehome demo: the sample session is missing ({inert(session)})", style="red")
        )
        return 2
    if args.watch:
        # Lazy: the dashboard (textual) loads only with --watch.
        from phonehome.views.dashboard import run_demo_dashboard

        return run_demo_dashboard(session, pace=0.0 if args.fast else 1.0)
    plan = plan_replay([session])
    console.print(
        Text(
            f"Sample session of the fictional app {plan.analyser.app or 'unknown'}, "
            "recorded through mitmdump with real SDK wire formats",
            style="bold",
        )
    )
    summary = Summary()
    stats = replay_to(plan, summary, None, console=console, progress=False)
    print_summary(summary, stats, plan, console)
    console.print(Text(f"\nNext: phonehome report {session} -o report.html   ·   phonehome demo --watch"))
    for problem in plan.problems:
        Console(stderr=True).print(Text(f"phonehome demo: error: {inert(problem)}", style="red"))
    return 1 if plan.problems else 0
