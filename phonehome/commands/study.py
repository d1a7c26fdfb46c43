"""`phonehome study` (many captures → a Parquet dataset, on Dask) and `phonehome study-report`."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from phonehome.study import StudyError, run_study
from phonehome.views.inert import inert


def register(subparsers: argparse._SubParsersAction) -> None:
    study = subparsers.add_parser(
        "study",
        help="analyse many captures into a Parquet dataset (Dask)",
        description="Analyse every session directory and capture under the inputs (one task each, the "
        "same pipeline as replay) into a Parquet dataset partitioned by app: findings/, "
        "requests/, sessions/, failures/. Runs on a local Dask cluster (one worker process "
        "per core) or on an existing Dask scheduler.",
    )
    study.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help="session directories, flow/HAR files, or folders of them",
    )
    study.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="DATASET_DIR",
        help="the dataset folder (created owner-only)",
    )
    study.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: one per core)"
    )
    study.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="use an existing Dask scheduler instead of a local cluster",
    )
    study.add_argument(
        "--resume",
        action="store_true",
        help="continue a study in DATASET_DIR: captures already done are skipped",
    )
    study.add_argument(
        "--app", metavar="PACKAGE", help="app id for captures that are not session directories"
    )
    study.add_argument(
        "--profile",
        type=Path,
        metavar="TOML",
        help="device profile for captures that are not session directories",
    )
    study.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    study.set_defaults(func=run_study_command)

    report = subparsers.add_parser(
        "study-report",
        help="the tables studies publish, from a study dataset",
        description="Per data category the share of apps sending it to third parties (before consent "
        "where marked), receiving organisations, SDK prevalence, third parties per app, "
        "countries, per-app rows; every figure with its denominator.",
    )
    report.add_argument("dataset", type=Path, metavar="DATASET")
    report.add_argument(
        "-o", "--output", required=True, type=Path, metavar="OUT", help="study.html or study.md"
    )
    report.add_argument("--lang", default="en", choices=("en", "de"))
    report.set_defaults(func=run_study_report)


def run_study_command(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.workers is not None and args.workers < 1:
        console.print(Text("phonehome study: --workers must be at least 1", style="red"))
        return 2
    show = not args.no_progress and console.is_terminal
    progress = Progress(
        TextColumn("study"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed · {task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not show,
    )
    bar = progress.add_task("study", total=None, failed=0, rate="")

    def on_result(summary, result) -> None:
        progress.update(
            bar,
            total=summary.tasks - summary.skipped,
            completed=summary.ok + summary.damaged + summary.failed,
            failed=summary.failed,
            rate=f"{summary.flows_per_s:,.0f} flows/s",
        )

    try:
        with progress:
            summary = run_study(
                args.inputs,
                args.output,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                app=args.app,
                profile=args.profile,
                on_result=on_result,
            )
    except StudyError as e:
        console.print(Text(f"phonehome study: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 2
    out = Console()
    out.print(
        Text(
            f"{summary.tasks} captures: {summary.ok} analysed, {summary.damaged} damaged (analysed up to the "
            f"damage), {summary.failed} failed, {summary.skipped} already done; {summary.flows:,} flows, "
            f"{summary.findings:,} findings in {summary.seconds:.1f} s ({summary.flows_per_s:,.0f} flows/s)"
        ),
        soft_wrap=True,
    )
    out.print(
        Text(f"dataset: {inert(str(args.output), None)} (findings/, requests/, sessions/, failures/)"),
        soft_wrap=True,
    )
    for line in summary.failures[:10]:
        console.print(Text(f"failed: {inert(line, 300)}", style="yellow"), soft_wrap=True)
    return 0


def run_study_report(args: argparse.Namespace) -> int:
    # Lazy: the views (Jinja2) load only when this command runs, not when the CLI builds its parser.
    from phonehome.views.study_report import StudyReportError, write_study_report

    console = Console(stderr=True)
    try:
        path = write_study_report(args.dataset, args.output, lang=args.lang)
    except StudyReportError as e:
        console.print(Text(f"phonehome study-report: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 2
    Console().print(Text(f"wrote {inert(str(path), None)}"))
    return 0
