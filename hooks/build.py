"""Build the Frida agents: `python -m phonehome.hooks.build [AGENT ...] [--no-install]`.

Each agent lives in `hooks/<agent>/` with `agent.ts`, a strict `tsconfig.json`, and a
`package.json`/`package-lock.json` pinning `frida-java-bridge` / `frida-objc-bridge` and
`@types/frida-gum`. Building an agent means:

1. `npm ci` in its folder when `node_modules/` is missing or older than `package-lock.json`
   (exact, reproducible versions from the lock file);
2. `frida.Compiler().build("agent.ts", project_root=<folder>, type_check="full")`, which
   type-checks against the strict tsconfig and bundles the bridge and `hooks/common/` into
   `hooks/<agent>/_build/agent.js`.

`hooks/ios/pure.ts` is also bundled as an ES module (`_build/pure.mjs`) so its table and
formatting functions can be tested with `node --test` without Frida.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HOOKS_DIR = Path(__file__).resolve().parent
AGENTS = ("api", "crypto", "tls", "unpin", "ios")
BUILD_DIR = "_build"
BUNDLE = "agent.js"
BUILD_COMMAND = "python -m phonehome.hooks.build"


class BuildError(RuntimeError):
    pass


class MissingBundleError(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Extra:
    entry: str
    output: str
    bundle_format: str
    platform: str


EXTRAS: dict[str, tuple[Extra, ...]] = {
    "ios": (Extra("pure.ts", "pure.mjs", "esm", "neutral"),),
}


def agent_dir(agent: str, root: Path = HOOKS_DIR) -> Path:
    if agent not in AGENTS:
        raise BuildError(f"unknown agent {agent!r}; known: {', '.join(AGENTS)}")
    return root / agent


def bundle_path(agent: str, root: Path = HOOKS_DIR) -> Path:
    return agent_dir(agent, root) / BUILD_DIR / BUNDLE


def load_bundle(agent: str, root: Path = HOOKS_DIR) -> str:
    """The built bundle's source; a missing bundle raises an error that says how to build it."""
    path = bundle_path(agent, root)
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise MissingBundleError(
            f"Frida agent {agent!r} is not built ({path} is missing). Build the agents with:\n"
            f"    {BUILD_COMMAND}\n"
            f"(needs node/npm and network access to the npm registry for the first `npm ci`)."
        ) from None


def needs_install(folder: Path) -> bool:
    lock = folder / "package-lock.json"
    marker = folder / "node_modules" / ".package-lock.json"
    if not marker.exists():
        return True
    return lock.exists() and lock.stat().st_mtime > marker.stat().st_mtime


def npm_ci(folder: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is not on PATH: install Node.js 20 (with npm) to build the Frida agents")
    if not (folder / "package-lock.json").exists():
        raise BuildError(
            f"{folder}: no package-lock.json; run `npm install` there once and commit the lock file"
        )
    log.info("npm ci in %s", folder)
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise BuildError(f"npm ci failed in {folder}:\n{proc.stdout}\n{proc.stderr}")


def compile_entry(folder: Path, entry: str, *, bundle_format: str = "iife", platform: str = "gum") -> str:
    # Lazy: frida loads a native library; only compiling an agent needs it.
    import frida

    diagnostics: list[str] = []

    def on_diagnostics(items: list[Any]) -> None:
        for d in items:
            where = ""
            if "file" in d:
                f = d["file"]
                where = f"{f['path']}:{f['line'] + 1}:{f['character'] + 1}: "
            diagnostics.append(
                f"{where}{d.get('category', 'error')} TS{d.get('code', '')}: {d.get('text', '')}"
            )

    compiler = frida.Compiler()
    compiler.on("diagnostics", on_diagnostics)
    try:
        return compiler.build(
            entry,
            project_root=str(folder),
            type_check="full",
            source_maps="included",
            bundle_format=bundle_format,
            platform=platform,
        )
    except frida.InvalidArgumentError as e:
        raise BuildError(
            f"{folder / entry}: compilation failed:\n  " + "\n  ".join(diagnostics or [str(e)])
        ) from None


def build_agent(agent: str, *, install: bool = True, root: Path = HOOKS_DIR) -> Path:
    folder = agent_dir(agent, root)
    if install and needs_install(folder):
        npm_ci(folder)
    out_dir = folder / BUILD_DIR
    out_dir.mkdir(exist_ok=True)
    out = out_dir / BUNDLE
    code = compile_entry(folder, "agent.ts")
    tmp = out.with_suffix(".tmp")
    tmp.write_text(code, "utf-8")
    tmp.replace(out)
    for extra in EXTRAS.get(agent, ()):
        code = compile_entry(folder, extra.entry, bundle_format=extra.bundle_format, platform=extra.platform)
        if extra.bundle_format == "esm":
            code = esm_module(code, "/" + Path(extra.entry).with_suffix(".js").name)
        (out_dir / extra.output).write_text(code, "utf-8")
    return out


def esm_module(package: str, name: str) -> str:
    """One module out of Frida's ESM package format:
    `📦\n<size> <path>\n...✄\n<module>\n✄\n<module>...` (sizes in UTF-8 bytes)."""
    if not package.startswith("📦\n"):
        return package
    header, sep, body = package[len("📦\n") :].partition("✄\n")
    if not sep:
        raise BuildError("unexpected ESM bundle layout from frida.Compiler")
    data = body.encode("utf-8")
    pos = 0
    for line in header.splitlines():
        size_text, _, path = line.partition(" ")
        size = int(size_text)
        if path == name:
            return data[pos : pos + size].decode("utf-8")
        pos += size + len("\n✄\n".encode())
    raise BuildError(f"{name} not found in the ESM bundle (has: {header.split()})")


def build_all(agents: tuple[str, ...] = AGENTS, *, install: bool = True) -> list[Path]:
    return [build_agent(a, install=install) for a in agents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=BUILD_COMMAND, description="Build the phonehome Frida agents.")
    parser.add_argument("agents", nargs="*", help=f"agents to build (default: all of {', '.join(AGENTS)})")
    parser.add_argument("--no-install", action="store_true", help="do not run `npm ci`")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        for agent in args.agents or AGENTS:
            t = time.monotonic()
            path = build_agent(agent, install=not args.no_install)
            print(f"built {agent}: {path} ({path.stat().st_size // 1024} KiB, {time.monotonic() - t:.1f} s)")
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
