"""Record the other-vendor probe corpus (tests/corpus/othersdk) with the real-SDK corpus's recorder.

    cd tests/corpus/othersdk/record && npm install --ignore-scripts --no-audit --no-fund
    sudo ../../../../.venv/bin/python record.py [--only A-mixpanel,A-sentry] [--list] [--out DIR]

This is `tests/corpus/realsdk/record/record.py` (the namespace, its checks, mitmdump, the sink,
Chromium and Node) with this folder's vendor table, app code (`browser/`, `node/`), package pins
and sink answers (`sink_addon.py`, which extends the real-SDK one): the recorder is imported and
pointed here, not copied. Vendor names carry their set: `A-<vendor>` (open) and `B-<vendor>`
(held out; its table is `vendors_b.py`).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REALSDK_RECORD = HERE.parents[1] / "realsdk" / "record"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


recorder = _load("realsdk_record", REALSDK_RECORD / "record.py")
sys.path.insert(0, str(HERE))
from vendors_a import VENDORS_A  # noqa: E402

try:
    from vendors_b import VENDORS_B  # noqa: E402
except ImportError:  # batch B not present in this checkout
    VENDORS_B = {}

VENDORS = {**VENDORS_A, **VENDORS_B}


def point_recorder_here() -> None:
    """The real-SDK recorder reads its folder, flows and vendor table from module globals."""
    recorder.HERE = HERE
    recorder.FLOWS = HERE.parent / "flows"
    recorder.VENDORS = VENDORS


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated vendor names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the vendors and exit")
    parser.add_argument("--out", type=Path, default=HERE.parent / "flows", help="folder for the flow files")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list:
        for name, v in VENDORS.items():
            print(f"{name:22} {v.kind:8} {', '.join(v.hosts)}")
        return
    names = args.only.split(",") if args.only else list(VENDORS)
    unknown = [n for n in names if n not in VENDORS]
    if unknown:
        sys.exit(f"unknown vendors: {', '.join(unknown)}; known: {', '.join(VENDORS)}")
    point_recorder_here()
    if not args.inside:
        if os.geteuid() != 0:
            sys.exit("record.py: run as root (it creates a network namespace and iptables rules)")
        # The same test person as the real-SDK corpus (the app code reads ../testperson.json below
        # /srv/app, a bind mount of this folder, so a copy is put here; it is not committed).
        shutil.copyfile(REALSDK_RECORD / "testperson.json", HERE / "testperson.json")
        os.execvp(
            "unshare",
            ["unshare", "-n", "-m", "-u", "--", sys.executable, __file__, "--inside", *sys.argv[1:]],
        )
    recorder.inside(names, args.out.resolve())


if __name__ == "__main__":
    main()
