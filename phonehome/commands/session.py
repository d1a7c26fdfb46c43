"""`phonehome session`: proxy, Frida hooks and dashboard for one device session, in one command."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Literal

from phonehome.session import DeviceSession, SessionConfig
from phonehome.views.inert import inert


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "session",
        help="run a whole device session: proxy, hooks and dashboard",
        description="Start mitmdump with the phonehome addon, the Frida hooks in the app and the live "
        "dashboard on a new session directory; stop them all together on quit, Ctrl-C, or "
        "when one of them ends. --local runs a program on this computer through the proxy: "
        "phonehome session --local -- /usr/bin/curl https://example.org/",
        epilog="Anything after -- is the program to run with --local.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--usb", action="store_true", help="the phone connected by USB (frida-server running)")
    where.add_argument(
        "--remote", metavar="HOST[:PORT]", help="a phone whose frida-server listens on the network"
    )
    where.add_argument("--local", action="store_true", help="a program on this computer (after --)")
    parser.add_argument("--app", metavar="PACKAGE", help="package or bundle id of the app under test")
    parser.add_argument(
        "--mode",
        choices=("regular", "wireguard"),
        default="regular",
        help="proxy mode: regular (HTTP proxy settings) or wireguard (the WireGuard app routes "
        "the phone's traffic; the client configuration is printed)",
    )
    parser.add_argument(
        "--listen-host",
        default=None,
        help="address to listen on (default 127.0.0.1 for --local, 0.0.0.0 for a phone)",
    )
    parser.add_argument(
        "--listen-port", type=int, default=None, help="port (default 8080, 51820 for wireguard)"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="device.toml", help="device profile with known values"
    )
    parser.add_argument(
        "--first-party", nargs="+", default=[], metavar="DOMAIN", help="the app's own domains"
    )
    parser.add_argument("--no-hooks", action="store_true", help="proxy only, no Frida")
    parser.add_argument(
        "--attach", action="store_true", help="attach to the running app instead of spawning it"
    )
    parser.add_argument("--agents", help="Frida agents (default api,crypto,tls,unpin; tls for --local)")
    parser.add_argument("--name", help="session directory name under --captures (default session-DATE-TIME)")
    parser.add_argument(
        "--captures", type=Path, default=Path("captures"), help="where sessions go (default captures/)"
    )
    parser.add_argument("--confdir", type=Path, help="mitmproxy's folder with its CA (default ~/.mitmproxy)")
    parser.add_argument(
        "--no-dashboard", action="store_true", help="no dashboard: log to the terminal, stop on Ctrl-C"
    )
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="end the session after this long")
    parser.add_argument(
        "--mitmproxy-script",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="another mitmproxy addon script to load (advanced)",
    )
    parser.add_argument(
        "--mitmproxy-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="another mitmproxy option, as for --set (advanced)",
    )
    parser.add_argument(
        "--webprobe",
        action="store_true",
        help="put phonehome's page probe into every HTML page the device loads (changes those "
        "pages; shows what code the app runs in its in-app browser; docs/inappbrowser.md)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> SessionConfig:
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    device: Literal["usb", "remote", "local"] = "usb" if args.usb else "remote" if args.remote else "local"
    listen_host = args.listen_host or ("127.0.0.1" if device == "local" else "0.0.0.0")
    listen_port = args.listen_port or (51820 if args.mode == "wireguard" else 8080)
    kwargs = {}
    if args.confdir:
        kwargs["confdir"] = args.confdir
    return SessionConfig(
        device=device,
        app=args.app,
        remote=args.remote,
        mode=args.mode,
        listen_host=listen_host,
        listen_port=listen_port,
        profile=args.profile,
        first_party=args.first_party,
        hooks=not args.no_hooks,
        attach=args.attach,
        agents=args.agents.split(",") if args.agents else None,
        name=args.name,
        captures=args.captures,
        command=command,
        mitmproxy_scripts=args.mitmproxy_script,
        mitmproxy_options=[*args.mitmproxy_option, *(["phonehome_webprobe=true"] if args.webprobe else [])],
        **kwargs,
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except ValueError as e:
        print(f"phonehome session: {inert(e)}", file=sys.stderr)
        return 2
    if config.profile is not None and not config.profile.is_file():
        print(f"phonehome session: no such profile file: {inert(config.profile)}", file=sys.stderr)
        return 2
    session = DeviceSession(config)
    session.install_signal_handlers()
    try:
        session.start()
    except (RuntimeError, FileExistsError, OSError) as e:
        print(f"phonehome session: {inert(e)}", file=sys.stderr)
        return 1
    print(f"session directory: {inert(session.root)}", file=sys.stderr)
    if config.device != "local":
        print(
            f"proxy: {config.listen_host}:{config.listen_port} ({config.mode} mode); "
            f"mitmproxy CA: {config.ca_cert}",
            file=sys.stderr,
        )
    if args.no_dashboard or not sys.stdout.isatty():
        reason = session.wait_headless(timeout=args.timeout)
    else:
        reason = _run_with_dashboard(session, args.timeout)
    session.stop(reason)
    print(session.closing_words(), file=sys.stderr)
    ok = ("interrupted", "dashboard closed", "time limit reached", "terminated", "terminal closed")
    return 0 if reason.endswith("finished") or reason in ok else 1


def _run_with_dashboard(session: DeviceSession, timeout: float | None) -> str:
    # Lazy: the dashboard (textual) loads only when a session shows it.
    from phonehome.views.dashboard import Dashboard

    app = Dashboard(session.root)
    reason: list[str] = []
    done = threading.Event()
    parent = os.getppid()

    def watch_children() -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not done.is_set():
            ended = session.ended()
            if ended is None and os.getppid() != parent:
                ended = "terminal closed"  # the terminal (or tmux) that started us is gone
            if ended is None and deadline is not None and time.monotonic() > deadline:
                ended = "time limit reached"
            if ended:
                reason.append(ended)
                # Stop the children from here: with the terminal gone the UI may never return.
                session.stop(ended)
                threading.Thread(target=app.call_from_thread, args=(app.exit,), daemon=True).start()
                if not done.wait(5.0):
                    # The UI is wedged writing to a terminal nobody reads: the session is already
                    # stopped and finalised, so leave without printing (that would block too).
                    os._exit(0)
                return
            done.wait(0.5)

    watcher = threading.Thread(target=watch_children, name="phonehome-session-watch", daemon=True)
    watcher.start()
    try:
        app.run()
    except KeyboardInterrupt:
        reason.append("interrupted")
    finally:
        done.set()
    return reason[0] if reason else "dashboard closed"
