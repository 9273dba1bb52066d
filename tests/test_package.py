"""The installable package: a wheel built from this checkout, installed elsewhere, works on its own.

Slow: builds the wheel and installs it (with --no-deps, using the project's installed dependencies)
into a fresh folder, then runs from a folder outside the checkout: it indexes the bundled article
and answers an abuse message (care and helplines, no article text) and an article question after it
(cited quotes, exact, from passages safe after that message)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

SCRIPT = r'''
import json, sys
import bot
from bot import Bot
from index.config import DEFAULT_SEED
b = Bot(store_dir=sys.argv[1])
first = "He grabbed me by the throat last night and now he's gone quiet. Should I give him space?"
abuse = b.ask(first)
after = b.ask("I'm safe now. What does the article say about why men pull away?", history=[(first, str(abuse))])
seed = DEFAULT_SEED.read_text(encoding="utf-8")
print(json.dumps({
    "bot_file": bot.__file__, "seed": str(DEFAULT_SEED),
    "flags": abuse.safety.flags, "tier": abuse.safety.tier, "resources": [r["name"] for r in abuse.safety.resources],
    "abuse_citations": len(abuse.citations), "after_tier": after.safety.tier,
    "after": [[c.quote, seed[c.start:c.end]] for c in after.citations],
}))
'''


def run(args, cwd, env, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_wheel_installs_elsewhere_and_answers_with_its_bundled_data(tmp_path):
    wheels, target, outside = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run([sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels)], outside, env)
    (wheel,) = wheels.glob("pullaway_bot-*.whl")
    run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], outside, env)
    env.update(PYTHONPATH=str(target), HOME=str(tmp_path), HF_HUB_OFFLINE="1")
    assert run([sys.executable, "-m", "bot.cli", "--version"], outside, env).strip().startswith("bot 0.")
    store = outside / "store"
    run([sys.executable, "-m", "bot.cli", "index", "--store", str(store), "--quiet"], outside, env)
    got = json.loads(run([sys.executable, "-c", SCRIPT, str(store)], outside, env).strip().splitlines()[-1])

    assert got["bot_file"].startswith(str(target)) and got["seed"].startswith(str(target))  # not the checkout
    assert "abuse" in got["flags"] and got["tier"] == "danger" and got["abuse_citations"] == 0
    assert "National Domestic Violence Hotline" in got["resources"]
    assert got["after_tier"] == "aftercare" and got["after"]
    assert all(quote == exact for quote, exact in got["after"])
