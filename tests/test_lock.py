"""The lock files in requirements/ match pyproject.toml, so nobody edits a pin and forgets `make lock`."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("lock", ROOT / "requirements" / "lock.py")
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REQ = ROOT / "requirements"


def test_every_lock_was_made_from_this_pyproject():
    assert lock.stale() == [], "pyproject.toml's dependencies changed since the locks were made: run `make lock`"


def test_the_fingerprint_sees_a_changed_pin(tmp_path):
    changed = (ROOT / "pyproject.toml").read_text().replace('"pyyaml==6.0.3"', '"pyyaml==6.0.2"')
    assert changed != (ROOT / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(changed)
    assert lock.fingerprint(tmp_path / "pyproject.toml") != lock.fingerprint()


@pytest.mark.parametrize("name, groups", [
    ("run.lock", [PROJECT["dependencies"], PROJECT["optional-dependencies"]["mcp"]]),
    ("test.lock", [PROJECT["dependencies"]] + [PROJECT["optional-dependencies"][e] for e in lock.TEST_EXTRAS]),
    ("qwen.lock", [PROJECT["optional-dependencies"]["qwen05"], PROJECT["optional-dependencies"]["qwen15"]]),
])
def test_each_direct_requirement_is_locked_at_a_version_it_allows(name, groups):
    pins = lock.pinned(REQ / name)
    for requirement in (Requirement(r) for group in groups for r in group):
        key = lock.normalise(requirement.name)
        assert key in pins, f"{requirement.name} is not in {name}: run `make lock`"
        assert requirement.specifier.contains(pins[key], prereleases=True), \
            f"{name} pins {requirement.name}=={pins[key]}, outside {requirement.specifier}: run `make lock`"


def test_locks_agree_with_each_other_and_carry_hashes():
    run, test = lock.pinned(REQ / "run.lock"), lock.pinned(REQ / "test.lock")
    assert set(run) <= set(test)
    assert {n: v for n, v in run.items() if test[n] != v} == {}
    for name in ("run.lock", "test.lock", "smollm2.lock", "qwen.lock"):
        text = (REQ / name).read_text()
        assert text.count("==") <= text.count("--hash=sha256:"), f"{name}: every pin needs its hashes"
    # the CPU build of torch: anything else is a multi-GB CUDA download
    assert run["torch"].endswith("+cpu")
