"""`phonehome doctor`: check the set-up, one pass/fail line each, with the fix for each failure."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from phonehome.doctor import Check, failed, run_checks
from phonehome.views.inert import inert

MARKS = {
    "pass": ("PASS", "green"),
    "fail": ("FAIL", "bold red"),
    "warn": ("WARN", "yellow"),
    "skip": ("SKIP", "dim"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check the set-up (and the phone, if given)",
        description="Check Python and packages, the Frida agents, mitmproxy's CA, the proxy, and with "
        "--usb/--remote the phone: frida-server, its version, and the CA in the system store.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--usb", action="store_true", help="check the phone connected by USB")
    where.add_argument(
        "--remote", metavar="HOST[:PORT]", help="check a frida-server reachable over the network"
    )
    parser.add_argument(
        "--confdir", type=Path, help="mitmproxy's configuration folder (default ~/.mitmproxy)"
    )
    parser.add_argument(
        "--proxy", metavar="HOST:PORT", help="also check that the proxy accepts connections there"
    )
    parser.set_defaults(func=run)


def render(check: Check) -> Text:
    label, style = MARKS[check.status]
    line = Text()
    line.append(f"{label} ", style=style)
    line.append(f"{check.name}: ", style="bold")
    line.append(inert(check.detail, 400))
    if check.fix and check.status in ("fail", "warn"):
        line.append("\n     fix: ", style="cyan")
        line.append(inert(check.fix, 600))
    return line


def run(args: argparse.Namespace) -> int:
    proxy = None
    if args.proxy:
        host, _, port = args.proxy.rpartition(":")
        if not port.isdigit():
            Console(stderr=True).print(
                Text(f"phonehome doctor: --proxy needs HOST:PORT, got {args.proxy!r}", style="red")
            )
            return 2
        proxy = (host or "127.0.0.1", int(port))
    checks = run_checks(usb=args.usb, remote=args.remote, confdir=args.confdir, proxy=proxy)
    console = Console(highlight=False)
    for check in checks:
        console.print(render(check))
    bad = [c for c in checks if c.status == "fail"]
    console.print(Text(f"\n{len(bad)} problem(s) found." if bad else "\nAll checks passed."))
    return 1 if failed(checks) else 0
