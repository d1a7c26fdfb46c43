"""Record the real-SDK corpus: official SDK packages, called with the test person and phone, behind a
real mitmdump, inside a loopback-only network namespace. Nothing leaves the machine.

    cd tests/corpus/realsdk/record && npm install --ignore-scripts --no-audit --no-fund
    sudo ../../../../.venv/bin/python record.py [--only braze,countly] [--list]

What it does (as root; the SDKs themselves run as uid 65534 with `env -i` and a minimal environment):

1. re-executes itself under `unshare -n -m -u`; inside: `lo` up, checks that `ip route` and
   `ip -6 route` are empty and that a connect to a non-loopback address fails, mounts a private
   tmpfs on /srv (the SDKs' home, the mitmproxy CA, the app folder bind-mounted to /srv/app so
   stack traces name no path of this machine) and a private /etc/hosts that maps the hosts of the
   vendor being recorded (`VENDORS[...].hosts`) to 127.0.0.1 (other names do not resolve);
2. an iptables REDIRECT of the SDK uid's TCP 80/443 to a transparent-mode `mitmdump` (the
   project's .venv), which writes `../flows/<vendor>.mitm` (browser CORS preflights are not
   saved) and sends every upstream connection to a local HTTPS/HTTP sink
   (`tests/support/net.LocalServer`, TLS with ALPN h2 and http/1.1; `sink_addon.py` gives the
   answers SDKs need to go on);
3. browser SDKs: `browser/<vendor>.js` bundled by esbuild, loaded from a local page
   (http://localhost:8000, not redirected) in headless Chromium with a WebView user agent of the
   test phone; Node SDKs: `node/<vendor>.mjs` run by node with NODE_EXTRA_CA_CERTS.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
FLOWS = HERE.parent / "flows"
MITMDUMP = REPO / ".venv" / "bin" / "mitmdump"
CHROMIUM = "/usr/bin/chromium"
NODE = "/usr/bin/node"
SDK_UID = 65534
PROXY_PORT = 8080
PAGE_PORT = 8000
SRV = Path("/srv")
HOSTS_FILE = SRV / "hosts"


@dataclass(frozen=True)
class Vendor:
    kind: str  # "browser" or "node"
    hosts: tuple[str, ...]
    seconds: float = 20.0


VENDORS: dict[str, Vendor] = {
    "adjust": Vendor(
        "browser",
        (
            "app.adjust.com",
            "gdpr.adjust.com",
            "subscription.adjust.com",
            "app.eu.adjust.com",
            "gdpr.eu.adjust.com",
            "subscription.eu.adjust.com",
            "app.adjust.net.in",
            "app.adjust.world",
            "gdpr.adjust.net.in",
            "gdpr.adjust.world",
        ),
    ),
    "braze": Vendor("browser", ("sdk.fra-02.braze.eu", "js.appboycdn.com")),
    "branch": Vendor(
        "browser", ("api2.branch.io", "api.branch.io", "app.link", "cdn.branch.io", "azubiapp.app.link")
    ),
    "countly": Vendor("browser", ("azubiapp.count.ly",)),
    "datadog": Vendor(
        "browser",
        (
            "browser-intake-datadoghq.eu",
            "rum.browser-intake-datadoghq.eu",
            "logs.browser-intake-datadoghq.eu",
            "session-replay.browser-intake-datadoghq.eu",
            "api.azubiapp.de",
        ),
    ),
    "appinsights": Vendor(
        "browser",
        (
            "westeurope-5.in.applicationinsights.azure.com",
            "dc.services.visualstudio.com",
            "js.monitor.azure.com",
            "westeurope.livediagnostics.monitor.azure.com",
        ),
    ),
    "newrelic": Vendor("browser", ("bam.eu01.nr-data.net", "js-agent.newrelic.com", "bam.nr-data.net")),
    "logrocket": Vendor(
        "browser",
        (
            "r.lr-ingest.io",
            "r.lr-in-prod.com",
            "r.lr-intake.com",
            "r.logrocket.io",
            "cdn.logrocket.io",
            "cdn.lr-ingest.io",
            "cdn.lr-in-prod.com",
            "cdn.lr-intake.com",
            "cdn.lr-ingest.com",
            "r.lr-ingest.com",
            "cdn.ingest-lr.com",
            "cdn.intake-lr.com",
            "cdn.lgrckt-in.com",
            "cdn.logr-in.com",
            "cdn.logr-ingest.com",
            "cdn.logrocket.com",
            "cdn.lr-in.com",
            "r.ingest-lr.com",
            "r.intake-lr.com",
            "r.lr-in.com",
            "r.lrkt-in.com",
        ),
    ),
    "elastic": Vendor("browser", ("azubiapp-4f2c1e.apm.europe-west3.gcp.cloud.es.io",)),
    "faro": Vendor("browser", ("faro-collector-prod-eu-west-2.grafana.net",)),
    "openreplay": Vendor("browser", ("api.openreplay.com", "static.openreplay.com", "api.azubiapp.de")),
    "optimizely": Vendor(
        "browser", ("logx.optimizely.com", "cdn.optimizely.com", "odp.optimizely.com", "api.zaius.com")
    ),
    "statsig": Vendor(
        "browser",
        (
            "featureassets.org",
            "prodregistryv2.org",
            "api.statsig.com",
            "statsigapi.net",
            "events.statsigapi.net",
            "beyondwickedmapping.org",
            "assetsconfigcdn.org",
        ),
    ),
    "firebase": Vendor(
        "browser",
        (
            "firebaseinstallations.googleapis.com",
            "firebaseremoteconfig.googleapis.com",
            "fcmregistrations.googleapis.com",
            "firebaselogging-pa.googleapis.com",
            "firebase.googleapis.com",
            "content-firebaseappcheck.googleapis.com",
            "www.googletagmanager.com",
            "fcm.googleapis.com",
        ),
        25.0,
    ),
    "matomo": Vendor("node", ("analytics.azubiapp.de",)),
    "firebase-admin": Vendor(
        "node",
        (
            "oauth2.googleapis.com",
            "fcm.googleapis.com",
            "www.googleapis.com",
            "accounts.google.com",
            "metadata.google.internal",
        ),
    ),
    "apns": Vendor("node", ("api.push.apple.com", "api.sandbox.push.apple.com")),
    "expo": Vendor("node", ("exp.host", "api.expo.dev")),
    "intercom": Vendor("node", ("api.intercom.io", "api.eu.intercom.io")),
    "hubspot": Vendor("node", ("api.hubapi.com", "api-eu1.hubapi.com")),
    "twilio": Vendor(
        "node",
        (
            "api.twilio.com",
            "verify.twilio.com",
            "messaging.twilio.com",
            "lookups.twilio.com",
            "conversations.twilio.com",
        ),
    ),
    "mailchimp": Vendor("node", ("us21.api.mailchimp.com",)),
    "otel": Vendor("node", ("otlp.eu01.nr-data.net",)),
    "otel-metrics-logs": Vendor("node", ("otlp.eu01.nr-data.net",)),
    "newrelic-telemetry": Vendor(
        "node",
        (
            "insights-collector.eu01.nr-data.net",
            "log-api.eu.newrelic.com",
            "trace-api.eu.newrelic.com",
            "metric-api.eu.newrelic.com",
        ),
    ),
    "mailchimp-transactional": Vendor("node", ("mandrillapp.com",)),
    "countly-node": Vendor("node", ("azubiapp.count.ly",)),
    "elastic-node": Vendor("node", ("azubiapp-4f2c1e.apm.europe-west3.gcp.cloud.es.io",)),
    "statsig-node": Vendor(
        "node",
        (
            "api.statsig.com",
            "statsigapi.net",
            "api.statsigcdn.com",
            "events.statsigapi.net",
            "statsigcdn.com",
            "featuregates.org",
            "idliststorage.statsigapi.net",
        ),
    ),
    "faro-tracing": Vendor("browser", ("faro-collector-prod-eu-west-2.grafana.net", "api.azubiapp.de")),
    # Recorded last (other regions and calls of the same packages), landed at the end of the session.
    "datadog-us5": Vendor("browser", ("browser-intake-us5-datadoghq.com",)),
    "braze-us": Vendor("browser", ("sdk.iad-05.braze.com",)),
    "newrelic-us": Vendor("browser", ("bam.nr-data.net", "js-agent.newrelic.com")),
    "adjust-eu": Vendor("browser", ("app.eu.adjust.com", "gdpr.eu.adjust.com", "subscription.eu.adjust.com")),
    "faro-us": Vendor("browser", ("faro-collector-prod-us-east-0.grafana.net",)),
    "elastic-aws": Vendor("browser", ("7d3f9a2c1b.apm.us-east-1.aws.cloud.es.io",)),
    "intercom-eu": Vendor("node", ("api.eu.intercom.io",)),
    "countly-selfhosted": Vendor("node", ("countly.azubiapp.de",)),
    "mailchimp-us6": Vendor("node", ("us6.api.mailchimp.com",)),
    "expo-batch": Vendor("node", ("exp.host", "api.expo.dev")),
    "otel-grafana": Vendor("node", ("otlp-gateway-prod-eu-west-2.grafana.net",)),
    "apns-sandbox": Vendor("node", ("api.sandbox.push.apple.com",)),
    "twilio-whatsapp": Vendor("node", ("api.twilio.com",)),
    "matomo-cloud": Vendor("node", ("azubiapp.matomo.cloud",)),
    "optimizely-late": Vendor("browser", ("logx.optimizely.com", "cdn.optimizely.com")),
    "branch-late": Vendor("browser", ("api2.branch.io", "api.branch.io", "app.link", "cdn.branch.io")),
    "openreplay-late": Vendor("browser", ("api.openreplay.com", "static.openreplay.com")),
    "firebase-late": Vendor(
        "browser",
        (
            "firebaseinstallations.googleapis.com",
            "firebaseremoteconfig.googleapis.com",
            "firebaselogging-pa.googleapis.com",
            "firebase.googleapis.com",
        ),
    ),
    "statsig-late": Vendor(
        "browser",
        (
            "featureassets.org",
            "prodregistryv2.org",
            "api.statsig.com",
            "statsigapi.net",
            "events.statsigapi.net",
            "beyondwickedmapping.org",
            "assetsconfigcdn.org",
        ),
    ),
    # Held-out set h4 (recorded and labelled before the detectors ran on it; names end in -h4).
    "braze-h4": Vendor("browser", ("sdk.fra-01.braze.eu",)),
    "adjust-h4": Vendor("browser", ("app.adjust.com", "gdpr.adjust.com", "subscription.adjust.com")),
    "branch-h4": Vendor("browser", ("api2.branch.io", "api.branch.io", "app.link", "cdn.branch.io")),
    "countly-h4": Vendor("browser", ("azubiapp.count.ly",)),
    "datadog-h4": Vendor("browser", ("browser-intake-datadoghq.com",)),
    "faro-h4": Vendor("browser", ("faro-collector-prod-eu-west-0.grafana.net",)),
    "firebase-h4": Vendor(
        "browser",
        (
            "firebaseinstallations.googleapis.com",
            "firebaseremoteconfig.googleapis.com",
            "firebaselogging-pa.googleapis.com",
            "firebase.googleapis.com",
        ),
    ),
    "newrelic-h4": Vendor("browser", ("bam.eu01.nr-data.net", "js-agent.newrelic.com")),
    "elastic-h4": Vendor("browser", ("azubiapp-9c1d.apm.westeurope.azure.elastic-cloud.com",)),
    "optimizely-h4": Vendor("browser", ("logx.optimizely.com", "cdn.optimizely.com")),
    "statsig-h4": Vendor(
        "browser",
        (
            "featureassets.org",
            "prodregistryv2.org",
            "api.statsig.com",
            "statsigapi.net",
            "events.statsigapi.net",
            "beyondwickedmapping.org",
            "assetsconfigcdn.org",
        ),
    ),
    "appinsights-h4": Vendor(
        "browser",
        (
            "germanywestcentral-1.in.applicationinsights.azure.com",
            "germanywestcentral.livediagnostics.monitor.azure.com",
            "js.monitor.azure.com",
        ),
    ),
    "openreplay-h4": Vendor("browser", ("api.openreplay.com", "static.openreplay.com")),
    "intercom-h4": Vendor("node", ("api.intercom.io",)),
    "hubspot-h4": Vendor("node", ("api.hubapi.com",)),
    "twilio-h4": Vendor("node", ("verify.twilio.com", "conversations.twilio.com", "api.twilio.com")),
    "mailchimp-h4": Vendor("node", ("us14.api.mailchimp.com",)),
    "firebase-admin-h4": Vendor(
        "node", ("oauth2.googleapis.com", "fcm.googleapis.com", "iid.googleapis.com")
    ),
    "apns-h4": Vendor("node", ("api.push.apple.com",)),
    "expo-h4": Vendor("node", ("exp.host", "api.expo.dev")),
    "otel-h4": Vendor("node", ("otlp.nr-data.net",)),
    "matomo-h4": Vendor("node", ("stats.azubiapp.de",)),
    "countly-node-h4": Vendor("node", ("azubiapp.count.ly",)),
    "otel-traces-h4": Vendor("node", ("otlp-gateway-prod-eu-west-0.grafana.net",)),
    "statsig-node-h4": Vendor(
        "node",
        (
            "api.statsig.com",
            "statsigapi.net",
            "api.statsigcdn.com",
            "events.statsigapi.net",
            "statsigcdn.com",
            "featuregates.org",
            "idliststorage.statsigapi.net",
        ),
    ),
}


def run(*argv: str, check: bool = True, **kw) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, check=False, text=True, capture_output=True, **kw)
    if check and done.returncode != 0:
        sys.exit(f"record.py: {' '.join(argv[:3])} … failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


# --- the namespace ------------------------------------------------------------------------


def enter_namespace(argv: list[str]) -> None:
    if os.geteuid() != 0:
        sys.exit("record.py: run as root (it creates a network namespace and iptables rules)")
    os.execvp("unshare", ["unshare", "-n", "-m", "-u", "--", sys.executable, __file__, "--inside", *argv])


def assert_isolated(when: str) -> None:
    """No route but loopback, and a connect to a non-loopback address (IPv4 and IPv6) fails."""
    for family in ("-4", "-6"):
        routes = run("ip", family, "route").stdout.strip()
        routes = "\n".join(r for r in routes.splitlines() if " dev lo " not in f" {r} ")
        if routes:
            sys.exit(f"record.py: not isolated {when}, {family} routes present:\n{routes}")
    for addr in ("198.51.100.1", "2001:db8::1"):  # documentation ranges; only tried once no route exists
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            try:
                s.connect((addr, 443))
            except OSError as e:
                if e.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
                    sys.exit(f"record.py: unexpected error connecting to {addr} {when}: {e}")
            else:
                sys.exit(f"record.py: a connect to {addr} succeeded {when}: not isolated")


def isolate(hosts: list[str]) -> None:
    run("ip", "link", "set", "lo", "up")
    assert_isolated("with lo up")
    # Chromium reports navigator.onLine = false without a non-loopback interface, and some SDKs
    # then never send. A veth pair holds the test phone's Wi-Fi address: it is connected only to
    # its own peer, both ends inside this namespace, and adds no route to the main table.
    run("ip", "link", "add", "wlan0", "type", "veth", "peer", "name", "wlan0peer")
    for dev in ("wlan0", "wlan0peer"):  # no IPv6 link-local route either
        Path(f"/proc/sys/net/ipv6/conf/{dev}/disable_ipv6").write_text("1\n")
    run("ip", "addr", "add", "192.168.178.42/32", "dev", "wlan0")
    run("ip", "link", "set", "wlan0peer", "up")
    run("ip", "link", "set", "wlan0", "up")
    assert_isolated("with the veth pair up")
    run("mount", "--make-rprivate", "/")
    run("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", str(SRV))
    for d in ("app", "home", "conf"):
        (SRV / d).mkdir()
    run("mount", "--bind", str(HERE), str(SRV / "app"))
    os.chown(SRV / "home", SDK_UID, SDK_UID)
    write_hosts(hosts)
    run("mount", "--bind", str(HOSTS_FILE), "/etc/hosts")
    run("hostname", "azubi-testphone")
    for ports in ("80,443",):
        run(
            "iptables",
            "-t",
            "nat",
            "-A",
            "OUTPUT",
            "-p",
            "tcp",
            "-m",
            "owner",
            "--uid-owner",
            str(SDK_UID),
            "-m",
            "multiport",
            "--dports",
            ports,
            "-j",
            "REDIRECT",
            "--to-ports",
            str(PROXY_PORT),
        )


def write_hosts(hosts: list[str] | tuple[str, ...]) -> None:
    """The private /etc/hosts (a bind mount of this file, rewritten in place per vendor, so a
    recording never depends on which other vendors ran in the same session)."""
    lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost", *(f"127.0.0.1 {h}" for h in hosts)]
    with HOSTS_FILE.open("r+" if HOSTS_FILE.exists() else "w") as f:
        f.seek(0)
        f.truncate()
        f.write("\n".join(lines) + "\n")


# --- parts ----------------------------------------------------------------------------------


def start_page_server() -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(SRV / "app" / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PAGE_PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def build_browser_bundles(names: list[str]) -> None:
    build = HERE / "build"
    build.mkdir(exist_ok=True)
    esbuild = HERE / "node_modules" / ".bin" / "esbuild"
    for name in names:
        run(
            str(esbuild),
            str(HERE / "browser" / f"{name}.js"),
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--target=chrome120",
            f"--outfile={build / name}.js",
            "--log-level=warning",
            '--define:process.env.NODE_ENV="production"',
            "--loader:.json=json",
        )
        (build / f"{name}.html").write_text(
            f"<!doctype html><html lang=de><head><meta charset=utf-8><title>AzubiApp</title></head>"
            f"<body><h1>AzubiApp</h1><div id=app><button id=apply>Bewerben</button></div>"
            f'<script type=module src="{name}.js"></script></body></html>\n'
        )
    (build / "done.html").write_text("<!doctype html><title>done</title>done\n")
    (build / "firebase-messaging-sw.js").write_text("self.addEventListener('push', () => {});\n")


def sdk_env() -> dict[str, str]:
    return {
        "HOME": str(SRV / "home"),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": "Europe/Berlin",
        "NODE_EXTRA_CA_CERTS": str(SRV / "home" / "ca.pem"),
    }


def as_sdk_user(argv: list[str]) -> list[str]:
    return [
        "setpriv",
        f"--reuid={SDK_UID}",
        f"--regid={SDK_UID}",
        "--clear-groups",
        "env",
        "-i",
        *(f"{k}={v}" for k, v in sdk_env().items()),
        *argv,
    ]


def record_vendor(
    name: str, vendor: Vendor, sink_https: int, sink_http: int, log_dir: Path, flows: Path
) -> None:
    out = flows / f"{name}.mitm"
    out.unlink(missing_ok=True)
    env = dict(
        os.environ, SINK_HTTPS_PORT=str(sink_https), SINK_HTTP_PORT=str(sink_http), PYTHONUNBUFFERED="1"
    )
    dump_log = (log_dir / f"{name}.mitmdump.log").open("w")
    dump = subprocess.Popen(
        [
            str(MITMDUMP),
            "--mode",
            "transparent",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(PROXY_PORT),
            "--set",
            f"confdir={SRV / 'conf'}",
            "--set",
            "ssl_insecure=true",
            "-s",
            str(HERE / "sink_addon.py"),
            "-w",
            str(out),
            "--set",
            "save_stream_filter=!~m OPTIONS",
            "--flow-detail",
            "1",
        ],
        stdout=dump_log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", PROXY_PORT), timeout=0.5),
            ):
                break
            if dump.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mitmdump did not start, see {log_dir / (name + '.mitmdump.log')}")
            time.sleep(0.1)
        ca = SRV / "home" / "ca.pem"
        shutil.copyfile(SRV / "conf" / "mitmproxy-ca-cert.pem", ca)
        ca.chmod(0o644)
        if vendor.kind == "browser":
            profile = SRV / "home" / f"chromium-{name}"
            argv = [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--ignore-certificate-errors",
                f"--user-data-dir={profile}",
                "--lang=de-DE",
                "--enable-logging=stderr",
                "--v=0",
                f"--user-agent={webview_user_agent()}",
                "--window-size=412,915",
                f"http://localhost:{PAGE_PORT}/{name}.html",
            ]
        else:
            argv = [NODE, str(SRV / "app" / "node" / f"{name}.mjs")]
        with (log_dir / f"{name}.sdk.log").open("w") as sdk_log:
            proc = subprocess.Popen(
                as_sdk_user(argv),
                stdout=sdk_log,
                stderr=subprocess.STDOUT,
                cwd=SRV / "app",
                start_new_session=True,
            )
            try:
                proc.wait(vendor.seconds)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 15)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(5)
                if proc.poll() is None:
                    os.killpg(proc.pid, 9)
                    proc.wait()
        time.sleep(1.0)
    finally:
        dump.terminate()
        try:
            dump.wait(15)
        except subprocess.TimeoutExpired:
            dump.kill()
            dump.wait()
        dump_log.close()
    if out.exists():
        out.chmod(0o644)


@functools.cache
def webview_user_agent() -> str:
    import json

    return json.loads((HERE / "testperson.json").read_text())["webview_user_agent"]


def inside(names: list[str], flows: Path) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from support.net import LocalServer  # noqa: PLC0415  (the tests' real TLS/h2 sink)

    hosts = sorted({h for n in names for h in VENDORS[n].hosts})
    isolate(hosts)
    log_dir = HERE / "logs"
    log_dir.mkdir(exist_ok=True)
    build_browser_bundles([n for n in names if VENDORS[n].kind == "browser"])
    flows.mkdir(parents=True, exist_ok=True)
    page = start_page_server()
    with LocalServer(names=("localhost",), record=False) as sink:
        for name in names:
            print(f"recording {name} …", flush=True)
            write_hosts(VENDORS[name].hosts)
            try:
                record_vendor(name, VENDORS[name], sink.https_port, sink.http_port, log_dir, flows)
            except Exception as e:
                print(f"  {name}: failed: {e}", flush=True)
                continue
            print(f"  {name}: {count_flows(flows / f'{name}.mitm')} flows", flush=True)
    page.shutdown()


def count_flows(path: Path) -> int:
    if not path.exists():
        return 0
    from mitmproxy import io

    with path.open("rb") as f:
        return sum(1 for _ in io.FlowReader(f).stream())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated vendor names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the vendors and exit")
    parser.add_argument(
        "--out",
        type=Path,
        default=FLOWS,
        help="folder for the flow files (default: the corpus; another folder to check a re-recording)",
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list:
        for name, v in VENDORS.items():
            print(f"{name:16} {v.kind:8} {', '.join(v.hosts)}")
        return
    names = args.only.split(",") if args.only else list(VENDORS)
    unknown = [n for n in names if n not in VENDORS]
    if unknown:
        sys.exit(f"unknown vendors: {', '.join(unknown)}; known: {', '.join(VENDORS)}")
    if not args.inside:
        enter_namespace(sys.argv[1:])
    inside(names, args.out.resolve())


if __name__ == "__main__":
    main()
