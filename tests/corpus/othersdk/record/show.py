"""Print the recorded requests of ../flows/*.mitm for labelling by hand (the real-SDK corpus's
show.py pointed at this corpus).

../../../../.venv/bin/python show.py [A-vendor ...] [--max 3000]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "realsdk_show", Path(__file__).resolve().parents[2] / "realsdk" / "record" / "show.py"
)
assert _spec and _spec.loader
show = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(show)
show.FLOWS = Path(__file__).resolve().parent.parent / "flows"

if __name__ == "__main__":
    show.main()
