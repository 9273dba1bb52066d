"""The data the code reads at run time, shipped inside the package.

``prompts`` and ``seeds`` here are links to the project's top-level ``prompts/`` and ``seeds/``
folders (where people edit them). Building a wheel copies the files through the links, so an
installed package carries them, and ``bundled(...)`` finds them the same way in a checkout and in
an installed wheel, through ``importlib.resources``: the prompts, the helplines, the perspective
cards, the stance and claim annotations, the safety tags, the bundled article and the eval sets.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled(*parts: str) -> Path:
    """The path of a bundled file or folder, e.g. ``bundled("seeds", "why-men-pull-away.txt")``."""
    return Path(str(files(__name__).joinpath(*parts)))
