"""`phonehome replay`: analyse saved flows offline and show who got what."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from phonehome.analysis.consent import marker_at
from phonehome.analysis.export import FindingsWriter, format_for
from phonehome.analysis.inappbrowser import capability_digest, injections_from_events, plain_summary
from phonehome.analysis.profile import ProfileError, load_profile
from phonehome.analysis.readers import ReadStats, total_size
from phonehome.analysis.sessions import ReplayPlan, plan_replay
from phonehome.store.safefile import check_output
from phonehome.views.inert import inert
from phonehome.views.summary import Summary

PROGRESS_MIN_BYTES = 2_000_000


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads saved traffic shares."""
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="FILE_OR_DIR",
        help="mitmproxy flow files (.mitm, .flows), HAR files, packet captures (.pcap, .pcapng), "
        "session directories or folders of them",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="TOML",
        help="device profile with the test phone's known values (see captures/sample/device.toml)",
    )
    parser.add_argument("--app", metavar="PACKAGE", help="package or bundle id of the app under test")
    parser.add_argument(
        "--first-party",
        nargs="+",
        default=[],
        metavar="DOMAIN",
        help="domains that belong to the app's own company",
    )
    parser.add_argument(
        "--list",
        dest="extra_lists",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a tracker list you downloaded yourself (DuckDuckGo Tracker Radar, Disconnect, Ghostery)",
    )
    parser.add_argument(
        "--consent-at",
        metavar="WHEN",
        help="when consent was given (ISO 8601 with timezone, e.g. 2026-12-04T16:41:30+01:00, or "
        "epoch seconds), for inputs without markers such as packet captures",
    )
    parser.add_argument(
        "--consent-label",
        default="consent-given",
        choices=("consent-given", "consent-refused", "consent-withdrawn"),
        help="what happened at --consent-at (default: consent-given)",
    )
    parser.add_argument(
        "--keylog",
        type=Path,
        metavar="FILE",
        help="TLS key log (SSLKEYLOGFILE format) for packet captures; keys embedded in a pcapng "
        "are used without it",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="analyse saved flows offline",
        description="Analyse saved traffic offline: print who received which kinds of personal data, "
        "and write every finding with its evidence.",
    )
    add_input_arguments(parser)
    parser.add_argument(
        "--findings",
        type=Path,
        metavar="OUT",
        help="write every finding to OUT: .jsonl (JSON Lines), .csv or .parquet",
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for flow files of 16 MB or more (default: one per core; "
        "1 = this process only); the output is the same either way",
    )
    parser.set_defaults(func=run)


def make_plan(args: argparse.Namespace) -> ReplayPlan:
    profile = load_profile(args.profile) if args.profile else None
    return plan_replay(
        args.inputs,
        profile=profile,
        app=args.app,
        first_party=args.first_party,
        extra_lists=args.extra_lists,
        keylog=getattr(args, "keylog", None),
        markers=command_line_markers(args),
    )


def command_line_markers(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The consent marker `--consent-at` gives (raises `ValueError` on a bad time)."""
    when = getattr(args, "consent_at", None)
    return [marker_at(when, getattr(args, "consent_label", "consent-given"))] if when else []


def replay_to(
    plan: ReplayPlan, summary: Summary, writer: FindingsWriter | None, *, console: Console, progress: bool
) -> ReadStats:
    stats = ReadStats()
    plan.start_workers()
    total = total_size(plan.files)
    show = progress and total >= PROGRESS_MIN_BYTES and console.is_terminal
    with Progress(
        TextColumn("replaying"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[flows]} flows"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task("replay", total=total, flows=0)
        last = 0.0
        for row in plan.rows(stats):
            summary.add(row)
            if writer is not None:
                writer.write(row)
            now = time.monotonic()
            if show and now - last > 0.1:
                last = now
                bar.update(task, completed=stats.bytes_done, flows=stats.flows)
    return stats


def print_summary(summary: Summary, stats: ReadStats, plan: ReplayPlan, console: Console) -> None:
    if summary.findings:
        console.print(summary.table(width=console.width))
    what = f"{stats.flows} flows, {stats.records} requests and messages, {summary.findings} findings"
    third = {r.org for r in summary.orgs.values() if r.party == "third"}
    console.print(Text(f"{what}; {len(third)} third-party organisations received personal data."))
    if summary.before_consent:
        orgs = len(summary.third_parties_before_consent)
        console.print(
            Text(
                f"{summary.before_consent} of {summary.findings} findings happened before the consent marker, "
                f"{orgs} third-party organisation{'s' if orgs != 1 else ''} among the receivers.",
                style="yellow",
            )
        )
    if plan.analyser.notes_without_findings:
        console.print(
            Text(
                f"{plan.analyser.notes_without_findings} requests without findings hit a decoding limit or had "
                f"parts skipped, e.g. {inert(plan.analyser.recent_notes[-1], 300)}",
                style="yellow",
            ),
            soft_wrap=True,
        )
    pinned = sorted(
        {
            str(e.get("host") or e.get("sni"))
            for e in plan.proxy_events
            if e.get("type") == "proxy:pinning_suspected"
        }
    )
    if pinned:
        console.print(
            Text(
                "could not be inspected (certificate pinning suspected): "
                + ", ".join(inert(h, 80) for h in pinned)
            )
        )
    opaque = plan.analyser.take_app_encrypted()
    if opaque:
        hosts = sorted({str(o["host"]) for o in opaque})
        console.print(
            Text(
                f"{plan.analyser.app_encrypted_count} requests were encrypted by the app before sending "
                f"(content not readable without the crypto hooks): "
                + ", ".join(inert(h, 80) for h in hosts[:10]),
                style="yellow",
            ),
            soft_wrap=True,
        )
    injected = injections_from_events(plan.hook_events)
    if injected:
        console.print(
            Text("In-app browser: " + inert(plain_summary(injected), 600), style="yellow"), soft_wrap=True
        )
        for inj in injected[:10]:
            console.print(
                Text(
                    f"  script {inj.sha256[:12]} ({inert(inj.who, 80)}, {inj.count}x): "
                    f"{capability_digest(inj.capabilities)}"
                    + (f"; {inert('; '.join(inj.analysis.notes), 200)}" if inj.analysis.notes else "")
                )
            )
    print_capture_events(plan.capture_events, console)


def print_capture_events(events: list[dict[str, Any]], console: Console) -> None:
    """What a packet capture showed besides readable requests: connections whose content stayed
    encrypted (by destination, with organisation and bytes), and the hosts looked up by plain DNS."""
    for e in events:
        if e.get("type") == "capture:keylog":
            console.print(
                Text(
                    f"TLS keys for {inert(str(e.get('capture')), 200)} read from "
                    f"{inert(str(e.get('path')), 200)} (the key log beside it)"
                ),
                soft_wrap=True,
            )
    for line in unreadable_lines(events):
        console.print(Text(line), soft_wrap=True)
    looked_up = sorted({str(e.get("name")) for e in events if e.get("type") == "capture:dns"})
    if looked_up:
        console.print(
            Text(
                f"hosts looked up by plain DNS ({len(looked_up)}): "
                + ", ".join(inert(n, 80) for n in looked_up[:40])
                + (" …" if len(looked_up) > 40 else "")
            ),
            soft_wrap=True,
        )


def unreadable_lines(events: list[dict[str, Any]]) -> list[str]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for e in events:
        if e.get("type") == "capture:unreadable":
            key = (str(e.get("host")), str(e.get("org") or "unknown organisation"), str(e.get("transport")))
            groups.setdefault(key, []).append(e)
    if not groups:
        return []
    lines = [f"contacted, content not readable ({sum(len(g) for g in groups.values())} connections):"]
    for (host, org, transport), group in sorted(
        groups.items(), key=lambda kv: -sum(e["bytes_up"] for e in kv[1])
    ):
        up, down = (
            sum(int(e.get("bytes_up", 0)) for e in group),
            sum(int(e.get("bytes_down", 0)) for e in group),
        )
        lines.append(
            f"  {inert(host, 80)} ({inert(org, 60)}): {len(group)} {transport} connection"
            f"{'s' if len(group) != 1 else ''}, {up:,} bytes sent, {down:,} received; "
            f"{inert(str(group[0].get('reason')), 120)}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=False)
    err = Console(stderr=True)
    try:
        if args.findings:
            format_for(args.findings)
    except ValueError as e:
        err.print(Text(f"phonehome replay: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 2
    try:
        if args.findings:
            check_output(args.findings)  # before the analysis, which a full disk would waste
    except OSError as e:
        err.print(Text(f"phonehome replay: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 1
    try:
        if args.jobs < 0:
            raise ValueError("--jobs must be 0 (one per core) or more")
        plan = make_plan(args)
        plan.jobs = args.jobs or os.cpu_count() or 1
    except (ProfileError, ValueError) as e:
        err.print(Text(f"phonehome replay: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 2
    if not plan.files:
        for problem in plan.problems:
            err.print(Text(f"phonehome replay: {inert(problem, None)}", style="red"), soft_wrap=True)
        return 2
    for note in plan.notes:
        err.print(Text(f"phonehome replay: {inert(note, None)}"), soft_wrap=True)
    summary = Summary()
    try:
        writer = FindingsWriter(args.findings) if args.findings else None
        try:
            stats = replay_to(plan, summary, writer, console=err, progress=not args.no_progress)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        if writer is not None:
            writer.close()
    except OSError as e:  # OutputError/UnsafeFile: the previous findings file is unchanged
        err.print(Text(f"phonehome replay: {inert(str(e), None)}", style="red"), soft_wrap=True)
        return 1
    print_summary(summary, stats, plan, console)
    if writer is not None:
        console.print(Text(f"wrote {writer.count} findings to {inert(args.findings, None)}"))
    for problem in plan.problems:
        err.print(Text(f"phonehome replay: error: {inert(problem, None)}", style="red"), soft_wrap=True)
    return 1 if plan.problems else 0
