"""How phonehome does on SDKs of OTHER vendors (tests/corpus/othersdk): the real-SDK benchmark
(`benchmarks/realsdk.py`: decode → detect → destinations, with and without the profile) run on a
second, disjoint set of vendors that nobody on the team had looked at.

    .venv/bin/python benchmarks/othersdk.py [--set A|B] [--json] [--misses]

The corpus has two halves, by vendor: batch **A** (`flows/A-*.mitm`, `labels-A.toml`; open, its
misses may be read) and batch **B** (`flows/B-*.mitm`, `labels-B.toml`; held out: only its
aggregate figures are printed; `--misses` leaves it out unless `--held-out-misses` is given, which
is for the lead). Without `--set` both tables are printed, A first, then one summary line per set.
Same test person and profile as the real-SDK corpus (`tests/corpus/realsdk/device.toml`).

Organisation accuracy is printed as measured, with the hosts phonehome could not name.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus" / "othersdk"
PROFILE = REPO / "tests" / "corpus" / "realsdk" / "device.toml"
SETS = ("A", "B")
HELD_OUT = "B"


def _realsdk() -> ModuleType:
    """The real-SDK benchmark module: its corpus reader, label type, runner and tables."""
    name = "realsdk_benchmark"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "realsdk.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


realsdk = _realsdk()
APP = realsdk.APP
FIRST_PARTY = realsdk.FIRST_PARTY


def _fmt(x: float) -> str:
    return "  —  " if x != x else f"{x:5.3f}"


def set_of(key: str) -> str:
    """A request key's set: its recording's name starts with `A-` or `B-`."""
    return key.split("-", 1)[0]


def label_names(corpus: Path = CORPUS) -> list[str]:
    return [f"labels-{s}.toml" for s in SETS if (corpus / f"labels-{s}.toml").exists()]


def label_files(corpus: Path = CORPUS) -> list[Path]:
    return [corpus / name for name in label_names(corpus)]


def raw_labels(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    return realsdk.raw_labels(corpus, label_names(corpus))


def load_labels(corpus: Path = CORPUS) -> dict[str, Any]:
    return realsdk.load_labels(corpus, label_names(corpus))


def labelled_corpus(corpus: Path = CORPUS) -> list[Any]:
    return realsdk.labelled_corpus(corpus, label_names(corpus))


def analysers() -> dict[str, Any]:
    from phonehome.analysis.pipeline import Analyser  # noqa: PLC0415
    from phonehome.analysis.profile import load_profile  # noqa: PLC0415

    return {
        "profile": Analyser(profile=load_profile(PROFILE), app=APP, first_party=FIRST_PARTY),
        "no-profile": Analyser(profile=None, app=APP, first_party=FIRST_PARTY),
        # First party from the package name alone: neither a profile nor --first-party.
        "package-only": Analyser(profile=None, app=APP),
    }


def run_all(requests: list[Any], by_name: dict[str, Any]) -> list[Any]:
    return [realsdk.run(name, requests, analyser) for name, analyser in by_name.items()]


def unknown_hosts(requests: list[Any], analyser: Any) -> list[str]:
    """Hosts whose organisation phonehome does not name (no org at all, not a wrong one)."""
    hosts = set()
    for request in requests:
        dest = realsdk.destination(analyser, request.records[0])
        if not dest.org or dest.org.strip().casefold() == "unknown":
            hosts.add(request.records[0].host)
    return sorted(hosts)


def summary_line(name: str, results: list[Any]) -> str:
    profile, no_profile = results[0], results[1]
    p, r = profile.micro()
    np_p, np_r = no_profile.micro()
    f = _fmt
    return (
        f"{name:3} {profile.requests:4} requests  profile P {f(p)} R {f(r)}  no-profile P {f(np_p)} R {f(np_r)}"
        f" unhashed {f(no_profile.unhashed_recall())}  organisation {f(profile.org_accuracy())}"
        f"  party {f(profile.party_accuracy())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", dest="which", choices=SETS, help="only batch A (open) or B (held out)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list disagreeing pairs of batch A")
    parser.add_argument(
        "--held-out-misses", action="store_true", help="with --misses: also batch B's (for the lead only)"
    )
    args = parser.parse_args()
    requests = labelled_corpus()
    sets = [args.which] if args.which else [s for s in SETS if any(set_of(r.key) == s for r in requests)]
    by_name = analysers()
    results = {s: run_all([r for r in requests if set_of(r.key) == s], by_name) for s in sets}
    if len(sets) > 1:
        results["all"] = run_all(requests, by_name)
    unknown = {
        s: unknown_hosts([r for r in requests if s == "all" or set_of(r.key) == s], by_name["profile"])
        for s in results
    }
    if args.json:
        out = {
            s: {
                **realsdk.as_json(rs[:2]),
                "package_only_party": rs[2].party_accuracy(),
                "unknown_org_hosts": len(unknown[s]),
            }
            for s, rs in results.items()
        }
        print(json.dumps(out, indent=2))
    else:
        for s in sets:
            subset = [r for r in requests if set_of(r.key) == s]
            held = " (HELD OUT: aggregate figures only)" if s == HELD_OUT else " (open)"
            print(f"\n== batch {s}{held}")
            realsdk.print_table(results[s][:2], subset)
            print(
                "first/third party from the package name alone (no profile, no --first-party): "
                f"{_fmt(results[s][2].party_accuracy())}"
            )
            if s == HELD_OUT:
                print(f"hosts with no organisation: {len(unknown[s])}")
            else:
                print(f"hosts with no organisation: {', '.join(unknown[s]) or 'none'}")
        print()
        for s, rs in results.items():
            print(summary_line(s, rs))
    if args.misses:
        for s in sets:
            if s == HELD_OUT and not args.held_out_misses:
                print(f"\nbatch {s}: held out, misses not shown (--held-out-misses, for the lead)")
                continue
            for r in results[s][:2]:
                print(f"\nbatch {s} {r.name}: {len(r.misses)} disagreements")
                for line in r.misses:
                    print("  " + line)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
