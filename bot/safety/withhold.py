"""Passages never quoted to someone who said, in this conversation, that they are in danger.

Which passages: the index's model of each post (``index/understand``) tags advice that is unsafe in a
controlling or violent relationship ("give him space", "don't question him", "let her check your
phone", "keep it in the family", blaming the reader...), computed for any post and reviewed where a
person reviewed it (``seeds/safety_tags.v1.yaml`` for the bundled article). It fails closed: a
passage tagged "uncertain" is withheld like a tagged one, and an index with no model of a post
withholds every sentence of that post's article that gives advice.

The tagged spans become seed spans; retrieved sources are cut around them before any generator sees
them, and a last guard drops any citation that still overlaps one. Offsets stay exact: a cut source is
a sub-span of the seed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from index.chunk import is_step, section_of
from index.parse import is_heading
from index.sentences import normalise, sentence_spans
from index.understand import rules

from bot.answer import Citation, Source


@lru_cache(maxsize=4)
def withheld_spans(version) -> dict[str, list[tuple[int, int, str]]]:
    """doc -> [(start, end, record id)] of the passages withheld after a disclosure in this index (once per
    index version; read it, don't change it)."""
    models = getattr(version, "post_models", None)
    known = set(models.posts) if models is not None else set()
    out: dict[str, list[tuple[int, int, str]]] = {}
    for record in version.records:
        if models is None or record.doc not in known:  # never modelled: every sentence of advice in the article (fail closed)
            if record.kind == "article":
                for s, e in sentence_spans(record.text, record.start):
                    if rules.advice_score(record.text[s - record.start : e - record.start]):
                        out.setdefault(record.doc, []).append((s, e, record.id))
            continue
        model = models.get(f"{record.doc}/{record.id}")
        if model is None or not model.unsafe:
            continue
        if not model.unsafe_sentences:
            out.setdefault(record.doc, []).append((record.start, record.end, record.id))
            continue
        hints = [normalise(h) for h in model.unsafe_sentences]
        matched = False
        for s, e in sentence_spans(record.text, record.start):
            text = normalise(record.text[s - record.start : e - record.start])
            if any(h in text or (text and text in h) for h in hints):
                out.setdefault(record.doc, []).append((s, e, record.id))
                matched = True
        if not matched:  # the tagged sentence is not found as such: withhold the whole passage
            out.setdefault(record.doc, []).append((record.start, record.end, record.id))
    _titles_of_withheld(version, out)
    _quoted_elsewhere(version, out)
    for spans in out.values():
        spans.sort()
    return out


def _titles_of_withheld(version, out: dict[str, list[tuple[int, int, str]]]) -> None:
    """A step that is its section's title ("Rule 6: Stop Nagging Before It Starts") makes the section one piece of
    advice: when any passage of it is withheld, the whole section is, title included (fail closed: the title's few
    words, or the section's story of what he does, read as harmless alone)."""
    withheld = {(doc, section_of(rid)) for doc, spans in out.items() for *_, rid in spans}
    titled = {(r.doc, section_of(r.id)) for r in version.records if r.kind == "article" and is_step(r) and is_heading(r.text)}
    for record in version.records:
        span = (record.start, record.end, record.id)
        if record.kind == "article" and (record.doc, section_of(record.id)) in withheld & titled and span not in out[record.doc]:
            out[record.doc].append(span)


def _quoted_elsewhere(version, out: dict[str, list[tuple[int, int, str]]]) -> None:
    """A reader quoting withheld advice word for word ("'Let her check your phone' is controlling") would show
    it all the same: the sentence holding the quotation is withheld too (its other sentences are not)."""
    withheld = {doc: [_folded(version.sources[doc][s:e]) for s, e, _ in spans] for doc, spans in out.items()}
    if not any(withheld.values()):
        return
    for record in version.records:
        texts = withheld.get(record.doc)
        if not texts:
            continue
        for s, e in sentence_spans(record.text, record.start):
            sentence = record.text[s - record.start : e - record.start]
            for quoted in re.findall(r"[\"“]([^\"“”]{12,300})[\"”]", sentence):
                q = _folded(quoted).strip(" .,!?")
                if len(q.split()) >= 4 and any(q in t for t in texts):
                    out[record.doc].append((s, e, record.id))
                    break


def _folded(text: str) -> str:
    """For "does this reader quote it?": case, curly quotes and spacing do not count ("let her check" quotes
    "Let her check")."""
    return normalise(rules.plain(text)).casefold()


def cut_sources(sources: list[Source], spans: dict[str, list[tuple[int, int, str]]], seeds: dict[str, str]) -> tuple[list[Source], list[str]]:
    """Sources with the withheld spans cut out (a source may become several, or none), and the withheld
    passages as "post/record id" keys."""
    out: list[Source] = []
    withheld: list[str] = []
    for src in sources:
        blocked = blocking(spans, src.doc, src.start, src.end)
        if not blocked:
            out.append(src)
            continue
        withheld = list(dict.fromkeys(withheld + [f"{src.doc}/{rid}" for *_, rid in blocked]))
        cursor = src.start
        seed = seeds[src.doc]
        for s, e, _ in blocked + [(src.end, src.end, "")]:
            piece_start, piece_end = cursor, min(s, src.end)
            text = seed[piece_start:piece_end]
            if len(text.split()) >= 4:
                lead = len(text) - len(text.lstrip())
                piece_start += lead
                piece_end = piece_start + len(text.strip())
                out.append(replace(src, text=normalise(seed[piece_start:piece_end]), start=piece_start, end=piece_end))
            cursor = max(cursor, e)
    for rank, src in enumerate(out, 1):
        out[rank - 1] = replace(src, rank=rank)
    return out, withheld


def blocking(spans: dict[str, list[tuple[int, int, str]]], doc: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The withheld spans that overlap ``doc[start:end]``."""
    return [(s, e, rid) for s, e, rid in spans.get(doc, []) if s < end and e > start]


def overlaps(citation: Citation, spans: dict[str, list[tuple[int, int, str]]]) -> bool:
    return bool(blocking(spans, citation.doc, citation.start, citation.end))
