"""`phonehome report`: a report anyone can read (HTML or Markdown), or the tables behind it.

phonehome report captures/sample -o report.html
phonehome report session/ --lang de --labels play-label.yaml -o bericht.html
phonehome report flows.mitm --profile device.toml --app com.example -o report.md
phonehome report session/ -o findings.csv          # also writes findings-summary.csv
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from phonehome import __version__
from phonehome.analysis.labels import load_labels
from phonehome.analysis.profile import load_profile
from phonehome.analysis.sessions import load_inputs, load_session
from phonehome.commands.ipdb import add_ip_db_argument, open_ip_db
from phonehome.commands.replay import add_input_arguments, command_line_markers
from phonehome.store import FLOWS, SessionStore
from phonehome.store.safefile import atomic_output, check_output
from phonehome.views.inert import inert

log = logging.getLogger(__name__)

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".parquet": "parquet",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a report anyone can read (HTML, Markdown) or its tables (CSV, Parquet)",
        description="Write a self-contained report of what the app sent, to whom, before and after consent, "
        "with a check of the app's store privacy label. HTML has no script and loads nothing from "
        "the network; captured values are redacted unless --reveal.",
    )
    add_input_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to write: .html, .md, .csv or .parquet (CSV/Parquet also write FILE-summary)",
    )
    parser.add_argument(
        "--format",
        choices=("html", "md", "csv", "parquet"),
        help="output format (default: from the output file's suffix)",
    )
    parser.add_argument(
        "--labels",
        type=Path,
        metavar="FILE",
        help="the app's declared store privacy label, YAML or JSON (see docs/labels-example.yaml)",
    )
    parser.add_argument("--lang", choices=("en", "de"), default="en", help="report language (default: en)")
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="show captured values in full instead of redacted (the report then holds personal data)",
    )
    add_ip_db_argument(parser)
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="for a session directory: use the findings recorded live instead of replaying its flows",
    )
    parser.set_defaults(func=run)


def summary_path(path: Path) -> Path:
    """Where CSV/Parquet reports write their organisation × category table."""
    return path.with_name(f"{path.stem}-summary{path.suffix}")


def output_format(path: Path, explicit: str | None, formats: dict[str, str] | None = None) -> str:
    """The output format: `--format`, else told by the suffix (`formats`: suffix → format)."""
    formats = FORMATS if formats is None else formats
    if explicit:
        return explicit
    try:
        return formats[path.suffix.lower()]
    except KeyError:
        names = ", ".join(dict.fromkeys(formats))
        raise ValueError(
            f"{path}: cannot tell the format from {path.suffix or 'no suffix'!r}; use {names} or --format"
        ) from None


def load(args: argparse.Namespace):  # noqa: ANN201 - SessionData; imported lazily with the pipeline

    inputs: list[Path] = list(args.inputs)
    if len(inputs) == 1 and SessionStore.is_session(inputs[0]):
        only = inputs[0]
        replay_options = args.profile or args.app or args.first_party or args.extra_lists or args.consent_at
        if args.recorded or (not (only / FLOWS).exists() and not replay_options):
            return load_session(only)
    profile = load_profile(args.profile) if args.profile else None
    return load_inputs(
        inputs,
        profile=profile,
        app=args.app,
        first_party=args.first_party,
        extra_lists=args.extra_lists,
        keylog=args.keylog,
        markers=command_line_markers(args),
    )


def run(args: argparse.Namespace) -> int:
    # Lazy: the views (Jinja2) load only when this command runs, not when the CLI builds its parser.
    from phonehome.views.report import build_report, render_html, render_markdown, write_tables

    try:
        fmt = output_format(args.output, args.format)
        command_line_markers(args)
        labels = load_labels(args.labels) if args.labels else None
        ip_db = open_ip_db(args.ip_db)
    except ValueError as e:
        print(f"phonehome report: {inert(e)}", file=sys.stderr)
        return 2
    missing = [str(p) for p in args.inputs if not p.exists() and not p.is_symlink()]
    if missing:
        print(f"phonehome report: no such file or directory: {inert(', '.join(missing))}", file=sys.stderr)
        return 2
    outputs = [args.output, summary_path(args.output)] if fmt in ("csv", "parquet") else [args.output]
    try:
        for out in outputs:  # before the analysis, which a full disk would waste
            check_output(out)
    except OSError as e:
        print(f"phonehome report: {inert(e)}", file=sys.stderr)
        return 1
    try:
        data = load(args)
    except (OSError, ValueError) as e:
        print(f"phonehome report: cannot read the inputs: {inert(e)}", file=sys.stderr)
        return 1
    for problem in data.problems:
        log.warning("%s", inert(problem))
    model = build_report(
        data,
        lang=args.lang,
        reveal=args.reveal,
        labels=labels,
        version=__version__,
        server_country=ip_db.country if ip_db else None,
    )
    try:
        if fmt in ("csv", "parquet"):
            written = write_tables(data, model, args.output, fmt, reveal=args.reveal)
        else:
            text = render_html(model) if fmt == "html" else render_markdown(model)
            with atomic_output(args.output) as f:
                f.write(text.encode("utf-8", "backslashreplace"))
            written = [args.output]
    except OSError as e:  # OutputError/UnsafeFile: the previous file is unchanged
        print(f"phonehome report: {inert(e)}", file=sys.stderr)
        return 1
    companies = len(model.third_party_orgs)
    print(
        f"wrote {inert(', '.join(str(p) for p in written))}: {model.findings_count} findings, "
        f"{companies} third-party {'company' if companies == 1 else 'companies'}"
        + ("" if not data.problems else f", {len(data.problems)} problems while reading (see above)"),
        file=sys.stderr,
    )
    return 0
