"""Run import-linter or mypy on phonehome as the wheel lays it out.

`phonehome.analysis`, `phonehome.addons` and `phonehome.hooks` live in the top-level folders
`analysis/`, `addons/` and `hooks/` (`package-dir` in pyproject.toml). Tools that walk a package's
folder (import-linter's grimp, mypy) cannot see them through an editable install: this copies the
Python files into the wheel's layout in a temporary folder and runs the tool there.

    .venv/bin/python .ci/staged.py lint-imports   # the layer contracts, [tool.importlinter]
    .venv/bin/python .ci/staged.py mypy           # [tool.mypy] (the whole package)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def stage(target: Path) -> None:
    """Copy every package's Python files to `target/<package path>`."""
    tool = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]
    # Parents first, so a subpackage mapped to its own folder is laid over its parent's copy.
    for package, folder in sorted(tool["package-dir"].items(), key=lambda kv: kv[0].count(".")):
        dest = target.joinpath(*package.split("."))
        for source in (ROOT / folder).rglob("*.py"):
            rel = source.relative_to(ROOT / folder)
            if any(part in ("node_modules", "__pycache__", "_build") for part in rel.parts):
                continue
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("lint-imports", "mypy"):
        print("usage: staged.py lint-imports|mypy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="phonehome-staged-") as tmp:
        stage(Path(tmp))
        # Both tools look in the working directory first: make it the staged copy, not the
        # checkout (whose phonehome/ lacks the mapped subpackages).
        if argv[0] == "mypy":
            cmd = [sys.executable, "-m", "mypy", "--config-file", str(PYPROJECT), "--cache-dir", os.devnull]
        else:
            cmd = [
                sys.executable,
                "-c",
                "import sys; from importlinter.cli import lint_imports_command; "
                "sys.exit(lint_imports_command())",
                "--config",
                str(PYPROJECT),
                "--no-cache",
            ]
        env = {**os.environ, "PYTHONPATH": tmp}
        return subprocess.run(cmd, cwd=tmp, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
