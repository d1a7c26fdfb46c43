"""`phonehome hooks`: run the Frida agents in an app and record what it reads, encrypts and sends.

    phonehome hooks --usb --spawn com.example.app --session captures/run1 --profile device.toml
    phonehome hooks --local --spawn /usr/bin/curl https://example.org/ --agents tls
    phonehome hooks --remote 127.0.0.1:27042 --attach 1234 --agents api,crypto,unpin

Writes `hook-events.jsonl` (and `hook-findings.jsonl` from TLS plaintext) into the session
directory; the live proxy addon and `phonehome replay/report` pick the runtime values up from
there. The logic lives in `phonehome.hooks.host`; build the agents first with
`python -m phonehome.hooks.build` (or pass --build).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from phonehome.analysis.profile import ProfileError, load_profile
from phonehome.hooks.build import BuildError, MissingBundleError, build_agent
from phonehome.hooks.host import AgentConfig, HookHost, Target, describe_event
from phonehome.views.inert import inert

AGENT_HELP = "comma-separated agents: api, crypto, tls, unpin, ios (default: api,crypto,tls,unpin)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hooks",
        help="run the Frida hooks in an app (device reads, plaintext, unpinning)",
        description="Spawn or attach to an app with the Frida agents and record what it reads on the device, "
        "what it encrypts or hashes, and its TLS plaintext, into a session directory.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--usb", action="store_true", help="the USB device (frida-server running on it)")
    where.add_argument("--remote", metavar="HOST[:PORT]", help="a frida-server reachable at HOST[:PORT]")
    where.add_argument("--local", action="store_true", help="this machine (desktop processes, tests)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--spawn",
        nargs=argparse.REMAINDER,
        metavar="TARGET [ARGS...]",
        help="spawn TARGET (an app identifier, or a real binary path with its arguments); must come last",
    )
    what.add_argument("--attach", metavar="PID_OR_NAME", help="attach to a running process")
    parser.add_argument(
        "--session",
        type=Path,
        metavar="DIR",
        help="session directory (default: captures/hooks-YYYYmmdd-HHMMSS)",
    )
    parser.add_argument("--agents", default="api,crypto,tls,unpin", help=AGENT_HELP)
    parser.add_argument(
        "--respawn", action="store_true", help="spawn the target again when it crashes or exits"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="device.toml", help="device profile (seeds the correlation)"
    )
    parser.add_argument(
        "--app", help="app identifier for the findings (default: the profile's apps.under_test)"
    )
    parser.add_argument("--no-children", action="store_true", help="do not follow child processes")
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="leave a spawned target running when the hooks stop (default: kill it, as frida does)",
    )
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="stop after this long")
    parser.add_argument(
        "--max-bytes", type=int, default=65536, help="bytes kept per captured buffer (default 65536)"
    )
    parser.add_argument(
        "--crash-details",
        action="store_true",
        help="report native crashes with their address (hook:crash); can cost the session of a "
        "process that forks",
    )
    parser.add_argument(
        "--build", action="store_true", help="build the agents first (npm ci + frida.Compiler)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print events as they arrive")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.spawn is not None and not args.spawn:
        print("phonehome hooks: --spawn needs a TARGET", file=sys.stderr)
        return 2
    agents = tuple(a.strip() for a in args.agents.split(",") if a.strip())
    profile = None
    if args.profile is not None:
        try:
            profile = load_profile(args.profile)
        except ProfileError as e:
            print(f"phonehome hooks: {inert(e)}", file=sys.stderr)
            return 2
    session = args.session or Path("captures") / time.strftime("hooks-%Y%m%d-%H%M%S")
    try:
        target = Target(spawn=args.spawn, attach=args.attach)
        config = AgentConfig(
            target=target,
            device="usb" if args.usb else "remote" if args.remote else "local",
            remote=args.remote,
            agents=agents,
            session=session,
            respawn=args.respawn,
            follow_children=not args.no_children,
            app=args.app,
            profile=profile,
            agent_settings={"maxBytes": args.max_bytes},
            crash_reporter=args.crash_details,
            kill_on_stop=not args.keep_running,
        )
    except ValueError as e:
        print(f"phonehome hooks: {inert(e)}", file=sys.stderr)
        return 2
    try:
        if args.build:
            for agent in agents:
                build_agent(agent)
        on_event = None if args.quiet else _printer(describe_event)
        host = HookHost(config, on_event=on_event)
        host.start()
    except (MissingBundleError, BuildError) as e:
        print(f"phonehome hooks: {inert(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - Frida errors: device not found, process not found, ...
        print(f"phonehome hooks: {type(e).__name__}: {inert(e)}", file=sys.stderr)
        return 1
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops as cleanly as Ctrl-C
    # Said once SIGTERM is handled: a supervisor (or a test) may stop us from here on.
    print(
        f"phonehome hooks: pid {host.main_pid}, agents {', '.join(agents)}, session {inert(session)}",
        file=sys.stderr,
        flush=True,
    )
    try:
        host.wait(timeout=args.timeout)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        host.stop()
    print(
        f"phonehome hooks: {host.events_seen} events, {host.findings_written} findings from TLS plaintext "
        f"in {session}",
        file=sys.stderr,
    )
    return 1 if host.errors else 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _printer(describe):
    def on_event(event: dict) -> None:
        line = describe(event)
        if line:
            # Hosts (SNI), class names and values come from the app: never let them reach the
            # terminal as escape sequences.
            print(inert(line, 400), flush=True)

    return on_event
