"""Versioned prompt files in prompts/, rendered with string.Template.

A file ``prompts/<name>.<version>.md`` has a ``## system`` and a ``## user``
part. ``$var`` placeholders are filled with ``Template.substitute`` (literal
braces are safe); a missing variable is an error, not a silent gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from string import Template

from index.bundled import bundled

PROMPTS_DIR = bundled("prompts")


@dataclass(frozen=True)
class Prompt:
    version: str  # "answer.v1"
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        try:
            return Template(self.system).substitute(values), Template(self.user).substitute(values)
        except KeyError as exc:
            raise ValueError(f"prompt {self.version} needs a value for ${exc.args[0]}") from None


@lru_cache(maxsize=None)
def load_prompt(version: str = "answer.v1") -> Prompt:
    path = PROMPTS_DIR / f"{version}.md"
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^## (system|user)\s*$", text, flags=re.M)
    sections = dict(zip(parts[1::2], (p.strip("\n") for p in parts[2::2])))
    if set(sections) != {"system", "user"}:
        raise ValueError(f"{path} needs a '## system' and a '## user' part")
    return Prompt(version, sections["system"], sections["user"])
