"""An Answer as plain JSON for the outside world (HTTP API, MCP tool): one function, one shape.

The safety report is serialised generically (``dataclasses.asdict``), so fields the safety
layer adds later reach clients without a change here.
"""

from __future__ import annotations

from dataclasses import asdict

CITATION_FIELDS = ("n", "source_id", "kind", "author", "parent_author", "quote", "start", "end", "doc", "section")


def citation_payload(citation) -> dict:
    return {k: getattr(citation, k, None) for k in CITATION_FIELDS}


def answer_payload(answer) -> dict:
    """{answer_id, text, answer, citations, safety, generator, prompt_version, abstained}.

    ``text`` is what a reader must see, in order (``str(answer)``: care and helplines first, the
    answer, other perspectives, the note), so a client that shows only the message content still
    shows the helplines; ``answer`` is the answer alone, and ``safety`` holds every part as data."""
    meta = answer.meta
    return {
        "answer_id": meta.answer_id or None,
        "text": str(answer),
        "answer": answer.text,
        "citations": [citation_payload(c) for c in answer.citations],
        "safety": asdict(answer.safety),
        "generator": meta.generator,
        "prompt_version": meta.prompt_version,
        "abstained": meta.abstained,
    }
