"""Shared by the benchmark scripts that score another checkout of the project in the same run (--compare)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def child_json(code: Path, body: str):
    """Run ``body`` in a child Python that imports the project from the checkout at ``code``; the JSON it prints last."""
    script = (
        "import json, sys, logging; logging.disable(logging.WARNING)\n"
        f"sys.path.insert(0, {str(code)!r})\n"
        "import yaml\nfrom pathlib import Path\nfrom bot.api import Bot\nfrom index.config import load_settings\n" + body
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=str(code), check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
