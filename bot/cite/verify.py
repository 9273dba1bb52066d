"""Citation verification, by code, for every generator.

A draft's [n] markers refer to retrieved sources by 1-based rank. For each
sentence of the draft:

1. markers are parsed and bounds-checked: [0] and [n > len(sources)] are
   dropped (Python's sources[-1] would silently cite the last passage for [0]);
2. the sentence is checked against each passage it cites; a citing passage
   that does not support it is dropped;
3. a sentence left with no supporting citation is matched to the passage that
   supports it best; if none reaches the threshold it is removed (and counted);
4. each kept citation becomes a Citation whose quote is the exact sentence of
   the seed that best supports the claim, numbered in order of appearance.

Lines that only frame the answer (bold headings, lines ending with ":") and
sentences with fewer than three content words are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.lexical import tokenize
from index.sentences import sentence_spans

from bot.cite import markers
from bot.answer import Citation, Source
from bot.cite.support import SUPPORTED, SupportScorer, claim_of

QUOTED_LINE = markers.QUOTED_LINE


def find_span(seed: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """The exact seed span inside [start, end) whose whitespace-collapsed text is ``quote``."""
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, seed[start:end])
    return (start + m.start(), start + m.end()) if m else None


@dataclass
class Verification:
    text: str
    citations: list[Citation]
    sentences: int = 0  # claim sentences checked
    unsupported: int = 0  # removed or marked
    reassigned: int = 0  # sentences whose citation was moved to a better passage
    invalid_markers: list[int] = field(default_factory=list)
    dropped_leads: int = 0  # bold fact lines that were not the plan's lead (a model's own "**Yes: ...**")


def parse_markers(sentence: str, n_sources: int) -> tuple[list[int], list[int]]:
    """(valid 1-based markers, invalid ones) in order of appearance, without repeats (bot/cite/markers.py)."""
    return markers.numbers_in(sentence, n_sources)


# a lead: a bold line that states something ("**No: nobody replied to Joni’s question.**"), not a section title
LEAD_LINE = re.compile(r"^\*\*.+[.:]\*\*$", re.M)


def is_framing(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or (stripped.startswith("**") and stripped.endswith("**"))
        or stripped.startswith("#")
        or (stripped.endswith(":") and not markers.MARKER.search(stripped))
    )


class CitationVerifier:
    def __init__(self, scorer: SupportScorer, threshold: float = SUPPORTED):
        self.scorer = scorer
        self.threshold = threshold

    def verify(self, draft: str, sources: list[Source], version, leads: frozenset[str] | None = None) -> Verification:
        """``version``: the index version the sources come from (its texts and records give each citation's
        exact span, record and author). ``leads``: the bold fact lines the answer may state (the plan's,
        bot/compose/leads.py); any other bold line that states something (ends with a full stop) is dropped and
        counted. None: not checked."""
        texts = version.sources

        def cite(source: Source, start: int, end: int, n: int, support: float) -> Citation:
            """The Citation of ``seed[start:end]`` inside one of the source's records."""
            records = version.records_by_id
            record = record_at(records, source, start) or records[f"{source.doc}/{source.record_ids[0]}"]
            return citation_for(version, record, start, end, n, support)

        result = Verification(text="", citations=[])
        keys: dict[tuple[int, int, int], int] = {}  # (source rank, start, end) -> citation n
        out_lines = []
        for line in draft.split("\n"):
            if leads is not None and LEAD_LINE.match(line.strip()) and line.strip() not in leads:
                result.dropped_leads += 1
                continue
            if is_framing(line):
                out_lines.append(line)
                continue
            quoted = self._quoted_line(line, sources, texts, keys, result, cite)
            if quoted is not None:  # one verbatim quote, possibly of several sentences: one claim
                if quoted:
                    out_lines.append(quoted)
                continue
            kept = []
            for s, e in sentence_spans(line):
                sentence = line[s:e]
                fixed = self._sentence(sentence, sources, texts, keys, result, cite)
                if fixed:
                    kept.append(fixed)
            if kept:
                out_lines.append(" ".join(kept))
        result.text = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()
        result.text = _drop_empty_headings(result.text)
        return result

    def _quoted_line(self, line, sources, texts, keys, result, cite) -> str | None:
        """A line that is a lead-in, one “quote” and its markers: the quote must be verbatim in a cited
        passage; its citation covers the whole quote. None when the line is not of that shape."""
        m = QUOTED_LINE.match(line)
        if not m:
            return None
        valid, invalid = parse_markers(m.group("markers"), len(sources))
        result.invalid_markers.extend(invalid)
        result.sentences += 1
        quote = m.group("quote")
        for n in valid + [s.rank for s in sources if s.rank not in valid]:
            src = sources[n - 1]
            span = find_span(texts[src.doc], src.start, src.end, quote)
            if span is None:
                continue
            key = (n, *span)
            if key not in keys:
                keys[key] = len(result.citations) + 1
                result.citations.append(cite(src, span[0], span[1], keys[key], 1.0))
            if n not in valid:
                result.reassigned += 1
            return f"{m.group('lead')}“{quote}” [{keys[key]}]"
        result.unsupported += 1
        return ""

    def _sentence(self, sentence, sources, texts, keys, result, cite) -> str | None:
        valid, invalid = parse_markers(sentence, len(sources))
        result.invalid_markers.extend(invalid)
        bare = markers.strip(sentence).strip()
        if len(tokenize(claim_of(bare))) < 3:
            return bare or None
        result.sentences += 1
        scored = {}
        for n in valid:
            scored[n] = self._support(bare, sources[n - 1], texts)
        keep = [n for n in valid if scored[n][0] >= self.threshold]
        if not keep:
            best_n, best = None, (0.0, (0, 0))
            for src in sources:
                got = scored.get(src.rank) or self._support(bare, src, texts)
                if got[0] > best[0]:
                    best_n, best = src.rank, got
            if best_n is not None and best[0] >= self.threshold:
                keep, scored[best_n] = [best_n], best
                result.reassigned += 1
        if not keep:
            result.unsupported += 1
            return None
        numbers = []
        for n in keep:
            score, (qs, qe) = scored[n]
            key = (n, qs, qe)
            if key not in keys:
                keys[key] = len(result.citations) + 1
                result.citations.append(cite(sources[n - 1], qs, qe, keys[key], round(score, 3)))
            if keys[key] not in numbers:
                numbers.append(keys[key])
        return bare + "".join(f" [{k}]" for k in numbers)

    def _support(self, sentence: str, source: Source, texts: dict[str, str]):
        """Support score and the best quote's absolute span in the seed."""
        seed = texts[source.doc]
        passage = seed[source.start : source.end]
        score, (s, e) = self.scorer.support(sentence, passage)
        return score, (source.start + s, source.start + e)


def _drop_empty_headings(text: str) -> str:
    """Remove framing lines whose section lost every sentence. A bold line that ends with a full stop is
    a lead (a fact read off the index, bot/compose/plan.py), not a section title: it stays."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if is_framing(line) and line.strip() and not line.strip().endswith(".**"):
            rest = next((x for x in lines[i + 1 :] if x.strip()), None)
            if rest is None or is_framing(rest):
                continue
        out.append(line)
    return "\n".join(out).strip()


def record_at(records: dict, source: Source, at: int):
    """The record of ``source`` holding seed offset ``at`` (``records`` keyed "doc/id"), or None."""
    for rid in source.record_ids:
        record = records.get(f"{source.doc}/{rid}")
        if record is not None and record.start <= at < record.end:
            return record
    return None


def citation_for(version, record, start: int, end: int, n: int, support: float | None = None) -> Citation:
    """The Citation of ``seed[start:end]`` inside ``record`` (one place builds them)."""
    parent = version.records_by_id.get(f"{record.doc}/{record.parent}") if record.parent else None
    return Citation(
        n=n, source_id=record.id, kind=record.kind, author=record.author, quote=version.sources[record.doc][start:end],
        start=start, end=end, doc=record.doc, section=record.section, parent=record.parent,
        parent_author=parent.author if parent else None, support=support,
    )
