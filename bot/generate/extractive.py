"""The model-free default: the answer plan (bot/compose/plan.py) written out with template words.

Every quote is verbatim and cited; connecting words come from the templates below and make no
claim of their own. Layout by the kind of question:

    advice   the article's steps as a numbered list, in order; what the article adds; readers
    thread   "Isabel replied to Veronica: “…” [2]"
    opinion  readers grouped: those who push back or add nuance, those who agree
    other    the best answering sentence first, then the article's support, then readers
"""

from __future__ import annotations

from typing import Iterator


from bot.answer import Source
from bot.compose.plan import Plan, Quote
from bot.compose.leads import who_named

_ARTICLE_LEADS = ("The article says: ", "It adds: ", "It also says: ")
_READER_LEADS = ("{who} wrote: ", "{who} also wrote: ")


class ExtractiveGenerator:
    name = "extractive"
    prompt_version = None

    def stream(self, question: str, sources: list[Source], history=None, *, plan: Plan | None) -> Iterator[str]:
        """The composer's plan written out (None: there is nothing to write)."""
        if plan is not None:
            yield from render(plan)


def render(plan: Plan) -> Iterator[str]:
    quotes = plan.quotes
    if plan.note:  # a lead read off the index stands alone when no passage reads close enough to quote under it
        yield plan.note + "\n"
    if not quotes:
        return
    steps = [q for q in quotes if q.role == "step"]
    lead = quotes[0]
    # the best answer first, then the steps in order; or the one step asked for, with what its section says to do
    led = lead.role != "step" and (bool(steps) or (bool(lead.step) and lead.role == "answer"))
    if led:
        if lead.step:
            yield f"The article's step {lead.step}: {_quote(lead)} [{lead.source.rank}]\n"
        elif lead.source.kind == "article":
            yield f"The article says: {_quote(lead)} [{lead.source.rank}]\n"
        else:
            yield f"{_reader_lead(lead, quotes)}{_quote(lead)} [{lead.source.rank}]\n"
        quotes = quotes[1:]
        said = 0 if lead.step else 1  # under a heading "It says"; after a sentence that sets out a situation "It goes on"
        while quotes and quotes[0].role == "under":  # what a step named only by its heading, or a situation, says to do
            yield f"{'It says' if not said else 'It goes on'}: {_quote(quotes[0])} [{quotes[0].source.rank}]\n"
            quotes, said = quotes[1:], said + 1
    if steps:
        yield ("**The article's other steps, in order**\n" if led and lead.step else "**The article's advice, step by step**\n")
        says = {q.step: q for q in quotes if q.role == "says"}
        for q in steps:
            more = says.get(q.step)  # a step that is only a heading, with what it says to do
            yield f"{q.step}. {_quote(q)} [{q.source.rank}]\n"
            if more:  # on a line of its own under the heading: each line is one verbatim quote the verifier checks
                yield f"   {_quote(more)} [{more.source.rank}]\n"
    if plan.kind == "opinion":
        yield from _opinion(quotes)
        return
    article_n = 1 if led and not steps and lead.source.kind == "article" else 0  # what follows the step "adds"
    readers_open = False
    for q in quotes:
        if q.role in ("step", "says"):
            continue
        if q.role == "closest":  # the text does not cover the question (the lead says so): label, don't answer
            where = "the article" if q.source.kind == "article" else f"{_who(q.author)}’s comment"
            yield f"The closest passage, in {where}: {_quote(q)} [{q.source.rank}]\n"
            continue
        if q.source.kind == "article":
            opening = _ARTICLE_LEADS[min(article_n + bool(steps), len(_ARTICLE_LEADS) - 1)]
            if readers_open:  # under the readers' heading, "It adds:" would read as the reader above adding it
                opening = "The article adds: " if article_n else "The article says: "
            if q.step and not steps:
                opening = f"The article's step {q.step}: " if article_n == 0 else f"Step {q.step}: "
            article_n += 1
            yield f"{opening}{_quote(q)} [{q.source.rank}]\n"
            continue
        if not readers_open and (article_n or steps):
            yield "\n**What readers said in the comments**\n"
        readers_open = True
        yield f"{_reader_lead(q, quotes)}{_quote(q)} [{q.source.rank}]\n"


def _reader_lead(q: Quote, quotes: list[Quote]) -> str:
    who = _who(q.author)
    if q.role == "asked" and q.relation.endswith("asked the same"):
        return f"{who} asked the same in the comments: "
    if q.role == "reply" and q.relation:
        before = quotes[quotes.index(q) - 1] if quotes.index(q) else None
        if before is not None and before.record_id == q.record_id:
            return f"{who} also wrote: "
        return f"{q.relation}: "
    if q.role == "asked":
        return f"{who} asked: "
    earlier = [o for o in quotes if o is not q and o.author == q.author and o.source.kind == "comment"]
    if earlier and quotes.index(earlier[0]) < quotes.index(q):
        return f"{who} also wrote: "
    return f"{who} wrote: "


def _opinion(quotes: list[Quote]) -> Iterator[str]:
    groups = (("disagrees", "**Readers who push back or add nuance**"), ("agrees", "**Readers who agree with the article**"),
              ("reader", "**Other readers**"), ("support", "**What the article itself says**"))
    for role, title in groups:
        members = [q for q in quotes if q.role == role]
        if not members:
            continue
        yield f"{title}\n"
        for q in members:
            lead = "The article says: " if q.source.kind == "article" else _reader_lead(q, quotes)
            yield f"{lead}{_quote(q)} [{q.source.rank}]\n"


def _quote(q: Quote) -> str:
    return f"“{q.text.strip('“”')}”"


def _who(author: str | None) -> str:
    return who_named(author, "A reader who left no name")  # it starts a line
