"""`phonehome compare`: several apps side by side (HTML or Markdown).

phonehome compare captures/sample captures/tiktok-format captures/career-app -o compare.html
phonehome compare a/ b/ --lang de --name de.azubiapp.demo=AzubiApp -o vergleich.html
phonehome compare a/ b/ --labels de.azubiapp.demo=play-label.yaml -o compare.md

Every input is one app: a session directory, or a flow/HAR file (with --app when the file does
not say which app it is). Inputs of the same app are merged into one column, and the output
says so.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from phonehome import __version__
from phonehome.analysis.labels import load_labels
from phonehome.analysis.profile import load_profile
from phonehome.analysis.sessions import load_inputs, load_session
from phonehome.commands.ipdb import add_ip_db_argument, open_ip_db
from phonehome.commands.replay import add_input_arguments, command_line_markers
from phonehome.commands.report import output_format as report_output_format
from phonehome.store import FLOWS, SessionStore
from phonehome.store.safefile import atomic_output, check_output
from phonehome.views.inert import inert

log = logging.getLogger(__name__)

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare apps side by side: what each sends to whom (HTML, Markdown)",
        description="Compare several apps: which sends the most personal data to other companies, which sends "
        "advertising or device IDs before consent, which companies can link a person across the apps, and "
        "whether the sessions are comparable. One column per app; sessions of the same app are merged. HTML "
        "has no script and loads nothing; captured values are redacted unless --reveal.",
    )
    add_input_arguments(parser)
    parser.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE", help="where to write: .html or .md"
    )
    parser.add_argument("--format", choices=("html", "md"), help="output format (default: from the suffix)")
    parser.add_argument("--lang", choices=("en", "de"), default="en", help="language (default: en)")
    parser.add_argument(
        "--labels",
        nargs="+",
        default=[],
        metavar="APP=FILE",
        help="an app's declared store privacy label (YAML or JSON, see docs/labels-example.yaml)",
    )
    parser.add_argument(
        "--name",
        nargs="+",
        default=[],
        metavar="APP=NAME",
        help="the name to show for an app (default: its package or bundle id)",
    )
    parser.add_argument(
        "--reveal",
        action="store_true",
        help="show identifier values in full instead of redacted (the output then holds personal data)",
    )
    add_ip_db_argument(parser)
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="for session directories: use the findings recorded live instead of replaying the flows",
    )
    parser.set_defaults(func=run)


def output_format(path: Path, explicit: str | None) -> str:
    return report_output_format(path, explicit, FORMATS)


def pairs(values: Sequence[str], what: str) -> dict[str, str]:
    """`APP=VALUE` arguments as a mapping; a malformed one is an error that names it."""
    out: dict[str, str] = {}
    for item in values:
        app, sep, value = item.partition("=")
        if not sep or not app.strip() or not value.strip():
            raise ValueError(f"{what} {item!r} is not APP={'FILE' if what == '--labels' else 'NAME'}")
        out[app.strip()] = value.strip()
    return out


def load_one(path: Path, args: argparse.Namespace) -> Any:
    """One input as a `SessionData`: a session as recorded or replayed, or a flow/HAR file replayed."""
    session = SessionStore.is_session(path)
    if session:
        replay_options = args.profile or args.first_party or args.extra_lists
        if args.recorded or (not (path / FLOWS).exists() and not replay_options):
            return load_session(path)
    profile = load_profile(args.profile) if args.profile else None
    # --app names the app of flow, HAR and capture files; a session directory knows its own.
    return load_inputs(
        [path],
        profile=profile,
        app=None if session else args.app,
        first_party=args.first_party,
        extra_lists=args.extra_lists,
        keylog=getattr(args, "keylog", None),
        markers=command_line_markers(args),
    )


def app_of(data: Any, path: Path, given: str | None = None) -> str:
    """The input's app: the session's own, else `--app`, else the findings', else the file name."""
    app = (data.meta or {}).get("app")
    if isinstance(app, str) and app.strip():
        return app.strip()
    if given and not SessionStore.is_session(path):
        return given
    findings = data.findings
    if "app" in findings.columns:
        apps = findings["app"].dropna().astype(str)
        apps = apps[apps.str.strip() != ""]
        if len(apps):
            return str(apps.mode().iloc[0])
    return path.name


def group_inputs(
    loaded: Sequence[tuple[Path, Any]], names: dict[str, str], app: str | None = None
) -> list[Any]:
    """One `AppInput` per app, in the order the apps first appear."""
    # Lazy: the views (Jinja2) load only when this command runs, not when the CLI builds its parser.
    from phonehome.views.compare import AppInput

    grouped: dict[str, list[tuple[Path, Any]]] = {}
    for path, data in loaded:
        grouped.setdefault(app_of(data, path, app), []).append((path, data))
    return [
        AppInput(
            app=app,
            label=names.get(app, app),
            sessions=[d for _p, d in items],
            names=[p.name or str(p) for p, _d in items],
        )
        for app, items in grouped.items()
    ]


def run(args: argparse.Namespace) -> int:
    # Lazy: the views (Jinja2) load only when this command runs, not when the CLI builds its parser.
    from phonehome.views.compare import build_compare, render_html, render_markdown

    try:
        fmt = output_format(args.output, args.format)
        names = pairs(args.name, "--name")
        labels = {app: load_labels(path) for app, path in pairs(args.labels, "--labels").items()}
        ip_db = open_ip_db(args.ip_db)
    except (ValueError, OSError) as e:
        print(f"phonehome compare: {inert(e)}", file=sys.stderr)
        return 2
    missing = [str(p) for p in args.inputs if not p.exists() and not p.is_symlink()]
    if missing:
        print(f"phonehome compare: no such file or directory: {inert(', '.join(missing))}", file=sys.stderr)
        return 2
    try:
        check_output(args.output)  # before the analysis, which a full disk would waste
    except OSError as e:
        print(f"phonehome compare: {inert(e)}", file=sys.stderr)
        return 1
    try:
        loaded = [(path, load_one(path, args)) for path in args.inputs]
    except (OSError, ValueError) as e:
        print(f"phonehome compare: cannot read the inputs: {inert(e)}", file=sys.stderr)
        return 1
    items = group_inputs(loaded, names, args.app)
    by_label = {names.get(a, a): a for a in labels}
    labels = {by_label.get(k, k): v for k, v in labels.items()}
    unknown = sorted(set(labels) - {i.app for i in items})
    if unknown:
        print(
            f"phonehome compare: --labels names apps not in the inputs: {inert(', '.join(unknown))}",
            file=sys.stderr,
        )
        return 2
    for _path, data in loaded:
        for problem in data.problems:
            log.warning("%s", inert(problem))
    model = build_compare(
        items,
        lang=args.lang,
        reveal=args.reveal,
        labels=labels,
        version=__version__,
        server_country=ip_db.country if ip_db else None,
    )
    text = render_html(model) if fmt == "html" else render_markdown(model)
    try:
        with atomic_output(args.output) as f:
            f.write(text.encode("utf-8", "surrogateescape"))
    except OSError as e:  # the previous file is unchanged
        print(f"phonehome compare: {inert(e)}", file=sys.stderr)
        return 1
    merged = [a for a in model.apps if a.merged]
    print(
        inert(
            f"wrote {args.output}: {len(model.apps)} {'app' if len(model.apps) == 1 else 'apps'}"
            + "".join(f"; {a.app}: {len(a.inputs)} inputs merged into one column" for a in merged)
        ),
        file=sys.stderr,
    )
    return 0
