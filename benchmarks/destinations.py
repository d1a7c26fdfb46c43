"""Destination lookup speed: cold (first lookup of each distinct host) against cached (repeats).

    .venv/bin/python benchmarks/destinations.py [--hosts 20000] [--repeats 10] [--rounds 3]

Builds N distinct host names shaped like real capture traffic (numbered/regional tracker hosts
such as log16-normal-c-useast1a.tiktokv.com and o123.ingest.sentry.io, CDN hosts, unknown hosts
under multi-label public suffixes, IP literals), then for each round makes a fresh
`Destinations` (so the per-host cache is empty), looks every host up once (cold), then
`--repeats` more times (cached). Prints lookups/s for both, the ratio, and the cost per lookup
for a small and a large host set. A cached lookup is one dict hit whatever the host or the size
of the database; what difference remains between the small and the large set is the CPU's
memory caches (20 000 cached results no longer fit in them), not work done per lookup.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from phonehome.analysis.destinations import Destinations, orgs_db

TEMPLATES = (
    "log{n}-normal-c-useast{r}a.tiktokv.com",
    "api{n}-normal-c-alisg.tiktokv.com",
    "mon{n}.byteoversea.com",
    "o{n}.ingest.sentry.io",
    "o{n}.ingest.us.sentry.io",
    "sdk.iad-0{r}.braze.com",
    "{n}-launches.appsflyersdk.com",
    "region{r}.app-measurement.com",
    "d{n}.cloudfront.net",
    "scontent-fra{r}-{n}.xx.fbcdn.net",
    "pinpoint.eu-west-{r}.amazonaws.com",
    "api{n}.some-random-startup{r}.co.uk",
    "cdn{n}.shop-{r}.example.com",
    "10.{r}.{m}.{k}",
)


def make_hosts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    hosts: set[str] = set()
    while len(hosts) < count:
        template = rng.choice(TEMPLATES)
        hosts.add(
            template.format(
                n=rng.randrange(1, 10**6), r=rng.randrange(1, 9), m=rng.randrange(256), k=rng.randrange(256)
            )
        )
    return sorted(hosts)


def measure(hosts: list[str], repeats: int) -> tuple[float, float]:
    destinations = Destinations(app="com.example.shop", cache_size=len(hosts) + 1)
    lookup = destinations.lookup
    t = time.perf_counter()
    for host in hosts:
        lookup(host)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(repeats):
        for host in hosts:
            lookup(host)
    cached = time.perf_counter() - t
    return len(hosts) / cold, len(hosts) * repeats / cached


PATHS = ("/v1/events?x=1", "/api/2/track", "/collect", "/batch", "/i", "/log/batch?format=json_proto3")


def measure_request(hosts: list[str], repeats: int) -> tuple[float, float]:
    """Per-call cost of `lookup` against `lookup_request` (the pipeline's call: the cached host
    lookup plus the self-hosted path shapes for hosts the database does not know), warm cache."""
    destinations = Destinations(app="com.example.shop", cache_size=len(hosts) + 1)
    pairs = [(h, PATHS[i % len(PATHS)]) for i, h in enumerate(hosts)]
    for host in hosts:
        destinations.lookup(host)
    t = time.perf_counter()
    for _ in range(repeats):
        for host, _path in pairs:
            destinations.lookup(host)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(repeats):
        for host, path in pairs:
            destinations.lookup_request(host, path)
    with_path = time.perf_counter() - t
    calls = len(pairs) * repeats
    return 1e6 * plain / calls, 1e6 * with_path / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    db = orgs_db()  # parse the bundled database once, outside the timings
    print(
        f"phonehome-orgs: {len(db.entries)} entries, {db.pattern_count} host patterns, "
        f"{len(db.org_names)} organisations"
    )
    small = max(100, args.hosts // 100)
    for count in (small, args.hosts):
        hosts = make_hosts(count)
        results = [measure(hosts, args.repeats) for _ in range(args.rounds)]
        cold = statistics.median(r[0] for r in results)
        cached = statistics.median(r[1] for r in results)
        print(
            f"{count:>7} distinct hosts: cold {cold:>11,.0f} lookups/s ({1e6 / cold:6.2f} µs)   "
            f"cached {cached:>11,.0f} lookups/s ({1e6 / cached:6.3f} µs)   "
            f"cached/cold {cached / cold:5.1f}x"
        )
    hosts = make_hosts(small)
    results = [measure_request(hosts, args.repeats * 10) for _ in range(args.rounds)]
    plain = statistics.median(r[0] for r in results)
    with_path = statistics.median(r[1] for r in results)
    print(
        f"{small:>7} hosts, warm: lookup {plain:6.3f} µs   lookup_request (host + path shapes) "
        f"{with_path:6.3f} µs per call"
    )


if __name__ == "__main__":
    main()
