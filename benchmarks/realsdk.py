"""How well phonehome finds the data categories and names the receiving organisation in traffic of
real SDK packages that nobody wrote a fixture for (tests/corpus/realsdk: recorded by
`tests/corpus/realsdk/record/record.py`, labelled by hand in `labels.toml`).

    .venv/bin/python benchmarks/realsdk.py [--set all|old|late|h4] [--json] [--misses]
    .venv/bin/python benchmarks/realsdk.py --corpus othersdk [--set A|B]   # other vendors' corpus

Replays every recorded request through phonehome's real pipeline (`Analyser`: decode → detect →
destinations) twice:

- **profile**: with the test person's and phone's profile (`tests/corpus/realsdk/device.toml`);
- **no profile**: a user who only has the capture; first party still told apart by the app's
  package name and `--first-party azubiapp.de`, as on the command line.

A (request, category) pair is a true positive when the labels and phonehome both say the request
carries that category. Prints precision and recall per category, micro precision and recall over
all pairs, organisation accuracy (share of requests whose receiving organisation phonehome names as
the label does; "first party" labels ask for a first-party destination), first/third party
accuracy, and, for the no-profile run, recall on the pairs whose values travel unhashed (labels
list hashed-only categories). A last line gives the first/third party accuracy when phonehome knows
only the app's package name (no profile, no `--first-party`).

Sets: `old` (the first 121 requests, seen while detectors were tuned), `late` (59 requests held out
until the end of the third session), `h4` (the held-out set of the fourth session: recordings named
`*-h4`, labels in `labels-h4.toml`), `all`. The default run prints `all`, then one summary line per
set, then the h4 set's table apart.

`--misses` lists the disagreeing pairs: it is for reviewing the labels, not for tuning detectors
against this corpus (the point of the corpus is traffic nobody tuned for). It leaves the held-out
h4 requests out unless `--set h4` asks for them (only the corpus owner and the lead read those).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from phonehome.analysis.categories import CATEGORY_IDS  # noqa: E402
from phonehome.analysis.model import Record  # noqa: E402
from phonehome.analysis.pipeline import Analyser  # noqa: E402
from phonehome.analysis.profile import load_profile  # noqa: E402
from phonehome.analysis.readers import read_records  # noqa: E402

CORPUS = REPO / "tests" / "corpus" / "realsdk"
APP = "de.azubiapp.demo"
FIRST_PARTY = ("azubiapp.de",)
FIRST_PARTY_LABEL = "first party"
LATE_RECORDINGS = (
    "adjust-eu",
    "apns-sandbox",
    "branch-late",
    "braze-us",
    "countly-selfhosted",
    "datadog-us5",
    "elastic-aws",
    "expo-batch",
    "faro-us",
    "firebase-late",
    "intercom-eu",
    "mailchimp-us6",
    "matomo-cloud",
    "newrelic-us",
    "openreplay-late",
    "optimizely-late",
    "otel-grafana",
    "statsig-late",
    "twilio-whatsapp",
)
"""Recorded and labelled after the detectors and the organisation database had been measured on the
rest, and landed at the end of that session: a held-out check (`--late`)."""
HELD_OUT_SUFFIX = "-h4"
"""Recordings of the fourth session's held-out set end in this (`flows/braze-h4.mitm`, labels in
`labels-h4.toml`), recorded and labelled before phonehome's detectors were run on them."""
LABEL_FILES = ("labels.toml", "labels-h4.toml")
SETS = ("all", "old", "late", "h4")


def recording_of(key: str) -> str:
    return key.split("#")[0]


def set_of(recording: str) -> str:
    """Which set a recording belongs to: "h4", "late" or "old"."""
    if recording.endswith(HELD_OUT_SUFFIX):
        return "h4"
    return "late" if recording in LATE_RECORDINGS else "old"


def in_set(request_key: str, wanted: str) -> bool:
    return wanted == "all" or set_of(recording_of(request_key)) == wanted


@dataclass(frozen=True)
class Label:
    key: str
    categories: frozenset[str]
    orgs: tuple[str, ...]
    hashed: frozenset[str]
    reason: str


@dataclass
class CorpusRequest:
    key: str
    records: list[Record]
    label: Label | None = None


@dataclass
class RunResult:
    name: str
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    org_right: int = 0
    party_right: int = 0
    requests: int = 0
    unhashed_tp: int = 0
    unhashed_fn: int = 0
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def micro(self) -> tuple[float, float]:
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        return _ratio(tp, tp + fp), _ratio(tp, tp + fn)

    def macro(self) -> tuple[float, float]:
        """Unweighted mean over the categories the labels contain (device_info, common in every
        browser request, weighs as much as credentials)."""
        present = [c for c in CATEGORY_IDS if self.tp[c] + self.fn[c]]
        precisions = [_ratio(self.tp[c], self.tp[c] + self.fp[c]) for c in present if self.tp[c] + self.fp[c]]
        recalls = [_ratio(self.tp[c], self.tp[c] + self.fn[c]) for c in present]
        return (
            sum(precisions) / len(precisions) if precisions else float("nan"),
            sum(recalls) / len(recalls) if recalls else float("nan"),
        )

    def org_accuracy(self) -> float:
        return _ratio(self.org_right, self.requests)

    def party_accuracy(self) -> float:
        return _ratio(self.party_right, self.requests)

    def unhashed_recall(self) -> float:
        return _ratio(self.unhashed_tp, self.unhashed_tp + self.unhashed_fn)


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def request_key(vendor: str, index: int, record: Record) -> str:
    path = urlsplit(record.url).path if "://" in record.url else record.path.split("?")[0]
    return f"{vendor}#{index} {record.method} {record.host}{path}"


def load_corpus(corpus: Path = CORPUS) -> list[CorpusRequest]:
    """Every recorded request, in file order, keyed `<vendor>#<index> <METHOD> <host><path>`."""
    out: list[CorpusRequest] = []
    for path in sorted((corpus / "flows").glob("*.mitm")):
        by_flow: dict[str, list[Record]] = {}
        for record in read_records(path, app=APP):
            by_flow.setdefault(record.flow_id, []).append(record)
        for index, records in enumerate(by_flow.values()):
            outgoing = [r for r in records if r.outgoing] or records
            out.append(CorpusRequest(request_key(path.stem, index, outgoing[0]), records))
    return out


def raw_labels(corpus: Path = CORPUS, label_files: Sequence[str] = LABEL_FILES) -> list[dict[str, Any]]:
    """Every `[[request]]` table of the label files, in file order."""
    items: list[dict[str, Any]] = []
    for name in label_files:
        path = corpus / name
        if path.exists():
            items.extend(tomllib.loads(path.read_text(encoding="utf-8")).get("request", []))
    return items


def load_labels(corpus: Path = CORPUS, label_files: Sequence[str] = LABEL_FILES) -> dict[str, Label]:
    labels: dict[str, Label] = {}
    for item in raw_labels(corpus, label_files):
        org = item["org"]
        labels[item["key"]] = Label(
            key=item["key"],
            categories=frozenset(item.get("categories", [])),
            orgs=tuple(org) if isinstance(org, list) else (org,),
            hashed=frozenset(item.get("hashed", [])),
            reason=item.get("reason", ""),
        )
    return labels


def labelled_corpus(corpus: Path = CORPUS, label_files: Sequence[str] = LABEL_FILES) -> list[CorpusRequest]:
    requests = load_corpus(corpus)
    labels = load_labels(corpus, label_files)
    for request in requests:
        request.label = labels.get(request.key)
    return requests


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace(",", " ").replace(".", " ").split())


def destination(analyser: Analyser, record: Record) -> Any:
    """The destination the pipeline names for this request (by host, and by path where the
    database does not know the host)."""
    by_request = getattr(analyser.destinations, "lookup_request", None)
    return by_request(record.host, record.path) if by_request else analyser.destinations.lookup(record.host)


def org_matches(label: Label, dest: Any) -> tuple[bool, str]:
    said = dest.org
    for want in label.orgs:
        if _norm(want) == FIRST_PARTY_LABEL:
            if dest.party == "first":
                return True, said
        elif _norm(want) in {_norm(dest.org), _norm(dest.legal_name)}:
            return True, said
    return False, said


def run(name: str, requests: list[CorpusRequest], analyser: Analyser) -> RunResult:
    result = RunResult(name)
    start = time.perf_counter()
    for request in requests:
        label = request.label
        if label is None:
            continue
        found: set[str] = set()
        for record in request.records:
            found.update(row["category"] for row in analyser.analyse_record(record))
        result.requests += 1
        dest = destination(analyser, request.records[0])
        right, said = org_matches(label, dest)
        result.org_right += right
        labelled_first = any(_norm(o) == FIRST_PARTY_LABEL for o in label.orgs)
        result.party_right += labelled_first == (dest.party == "first")
        if not right:
            result.misses.append(f"{request.key}: org {said!r}, label {' | '.join(label.orgs)}")
        for category in found & label.categories:
            result.tp[category] += 1
            if category not in label.hashed:
                result.unhashed_tp += 1
        for category in found - label.categories:
            result.fp[category] += 1
            result.misses.append(f"{request.key}: extra {category}")
        for category in label.categories - found:
            result.fn[category] += 1
            if category not in label.hashed:
                result.unhashed_fn += 1
            result.misses.append(f"{request.key}: missed {category}")
    result.seconds = time.perf_counter() - start
    return result


def _fmt(x: float) -> str:
    return "  —  " if x != x else f"{x:5.3f}"


def print_table(results: list[RunResult], requests: list[CorpusRequest]) -> None:
    labelled = [r for r in requests if r.label is not None]
    vendors = {recording_of(r.key) for r in labelled}
    negatives = sum(1 for r in labelled if r.label is not None and not r.label.categories)
    print(
        f"corpus: {len(labelled)} labelled requests ({negatives} without personal data) in {len(vendors)} "
        f"vendor recordings; {len(requests) - len(labelled)} unlabelled"
    )
    head = f"{'category':18}" + "".join(f"{'  ' + r.name + ' P':>14}{'R':>7}{'n':>5}" for r in results)
    print(head)
    for category in CATEGORY_IDS:
        cells = ""
        for r in results:
            tp, fp, fn = r.tp[category], r.fp[category], r.fn[category]
            cells += f"{_fmt(_ratio(tp, tp + fp)):>14}{_fmt(_ratio(tp, tp + fn)):>7}{tp + fn:>5}"
        print(f"{category:18}{cells}")
    print()
    for r in results:
        p, rec = r.micro()
        print(
            f"{r.name:11} micro precision {_fmt(p)}  recall {_fmt(rec)}  organisation {_fmt(r.org_accuracy())}"
            f"  first/third party {_fmt(r.party_accuracy())}  ({r.requests} requests, {r.seconds:.2f} s)"
        )
    for r in results:
        mp, mr = r.macro()
        print(
            f"{r.name:11} macro precision {_fmt(mp)}  recall {_fmt(mr)}  (mean over the labelled categories)"
        )
    no_profile = next((r for r in results if r.name == "no-profile"), None)
    if no_profile is not None:
        print(
            f"no-profile  recall on values not hashed {_fmt(no_profile.unhashed_recall())}"
            f"  ({no_profile.unhashed_tp}/{no_profile.unhashed_tp + no_profile.unhashed_fn} pairs)"
        )


def as_json(results: list[RunResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in results:
        p, rec = r.micro()
        out[r.name] = {
            "precision": p,
            "recall": rec,
            "macro_precision": r.macro()[0],
            "macro_recall": r.macro()[1],
            "organisation": r.org_accuracy(),
            "party": r.party_accuracy(),
            "requests": r.requests,
            "unhashed_recall": r.unhashed_recall(),
            "per_category": {
                c: {"tp": r.tp[c], "fp": r.fp[c], "fn": r.fn[c]}
                for c in CATEGORY_IDS
                if r.tp[c] + r.fp[c] + r.fn[c]
            },
        }
    return out


def summary_line(name: str, results: list[RunResult]) -> str:
    profile, no_profile = results[0], results[1]
    p, r = profile.micro()
    np_p, np_r = no_profile.micro()
    return (
        f"{name:5} {profile.requests:4} requests  profile P {_fmt(p)} R {_fmt(r)}  "
        f"no-profile P {_fmt(np_p)} R {_fmt(np_r)} unhashed {_fmt(no_profile.unhashed_recall())}  "
        f"organisation {_fmt(profile.org_accuracy())}  party {_fmt(profile.party_accuracy())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list disagreeing pairs (to review labels; held-out h4 requests only with --set h4)",
    )
    parser.add_argument(
        "--set",
        dest="which",
        choices=SETS,
        help="only one set: old (seen while tuning), late (held out in session 3), h4 (held out in session 4)",
    )
    parser.add_argument(
        "--recordings",
        metavar="NAMES",
        help="only these recordings (comma-separated flow file stems, e.g. the late ones: "
        + ",".join(LATE_RECORDINGS)
        + ")",
    )
    parser.add_argument("--late", action="store_true", help="only the late recordings (same as --set late)")
    args = parser.parse_args()
    which = "late" if args.late else args.which
    requests = labelled_corpus()
    if args.recordings:
        wanted = set(args.recordings.split(","))
        unknown = wanted - {recording_of(r.key) for r in requests}
        if unknown:
            parser.error(f"no such recordings: {', '.join(sorted(unknown))}")
        requests = [r for r in requests if recording_of(r.key) in wanted]
    elif which is not None:
        requests = [r for r in requests if in_set(r.key, which)]
    profile = load_profile(CORPUS / "device.toml")
    analysers = {
        "profile": Analyser(profile=profile, app=APP, first_party=FIRST_PARTY),
        "no-profile": Analyser(profile=None, app=APP, first_party=FIRST_PARTY),
        # First party from the package name alone: neither a profile nor --first-party.
        "package-only": Analyser(profile=None, app=APP),
    }

    def run_all(subset: list[CorpusRequest]) -> list[RunResult]:
        return [run(name, subset, analyser) for name, analyser in analysers.items()]

    results = run_all(requests)
    by_set: dict[str, list[RunResult]] = {}
    if which is None and not args.recordings:
        for name in SETS[1:]:
            subset = [r for r in requests if in_set(r.key, name)]
            if subset:
                by_set[name] = run_all(subset)
    if args.json:
        out = {**as_json(results[:2]), "package_only_party": results[2].party_accuracy()}
        if by_set:
            out["sets"] = {
                name: {**as_json(rs[:2]), "package_only_party": rs[2].party_accuracy()}
                for name, rs in by_set.items()
            }
        print(json.dumps(out, indent=2))
    else:
        if which is not None:
            print(f"set: {which}")
        print_table(results[:2], requests)
        print(
            f"first/third party from the package name alone (no profile, no --first-party): "
            f"{_fmt(results[2].party_accuracy())}"
        )
        if by_set:
            print(
                "\nby set (old: seen while tuning; late: held out in session 3; h4: held out in session 4):"
            )
            for name, rs in by_set.items():
                print("  " + summary_line(name, rs))
            print("  " + summary_line("all", results))
            if "h4" in by_set:
                h4 = [r for r in requests if in_set(r.key, "h4")]
                print("\nheld-out set h4 (recordings *-h4, labels-h4.toml):")
                print_table(by_set["h4"][:2], h4)
                print(
                    f"first/third party from the package name alone (no profile, no --first-party): "
                    f"{_fmt(by_set['h4'][2].party_accuracy())}"
                )
    if args.misses:
        show_h4 = which == "h4"
        for r in results[:2]:
            lines = [line for line in r.misses if show_h4 or set_of(recording_of(line.split(" ")[0])) != "h4"]
            hidden = len(r.misses) - len(lines)
            note = f" ({hidden} of the held-out h4 set not shown; --set h4 shows them)" if hidden else ""
            print(f"\n{r.name}: {len(lines)} disagreements{note}")
            for line in lines:
                print("  " + line)


def run_corpus_choice() -> None:
    """`--corpus othersdk` runs the other-vendor probe corpus's benchmark (benchmarks/othersdk.py,
    sets A and B) with the remaining arguments; `--corpus realsdk` (the default) this one."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--corpus", choices=("realsdk", "othersdk"), default="realsdk")
    known, rest = pre.parse_known_args()
    if known.corpus == "othersdk":
        import runpy  # noqa: PLC0415

        other = REPO / "benchmarks" / "othersdk.py"
        sys.argv = [str(other), *rest]
        runpy.run_path(str(other), run_name="__main__")
        return
    sys.argv = [sys.argv[0], *rest]
    main()


if __name__ == "__main__":
    run_corpus_choice()
