"""Answers drafted by a LangChain chat model, from numbered, delimited passages.

The draft is only a draft: the Bot verifies every sentence against the
passages (bot/cite/verify.py) before anything is shown as an answer.
"""

from __future__ import annotations

import time
from typing import Iterator

from bot.errors import GeneratorError
from index.parse import NO_AUTHOR

from bot.answer import Source
from bot.compose.plan import Plan
from bot.generate.prompts import load_prompt
from bot.generate.backends import RETRY_PAUSE, as_generator_error, describe_url, is_transient

DEFAULT_PROMPT = "answer.v1"  # see README, "Local models": which prompt won the eval


def format_passages(sources: list[Source]) -> str:
    blocks = []
    for s in sources:
        who = "the article" if s.kind == "article" else f"comment by {s.author or NO_AUTHOR}"
        where = f", section: {s.section}" if s.kind == "article" and s.section else ""
        body = s.text.replace("<passage", "‹passage").replace("</passage", "‹/passage")
        blocks.append(f'<passage n="{s.rank}" from="{who}{where}">\n{body}\n</passage>')
    return "\n".join(blocks)


def format_plan(plan: Plan) -> str:
    """The planned quotes only, numbered by their passage, with who wrote them and to whom they
    replied: a short prompt (~100-400 tokens instead of every retrieved chunk)."""
    blocks = []
    for q in plan.quotes:
        s = q.source
        if s.kind == "article":
            who = f"the article{', step ' + str(q.step) if q.step else ''}{', section: ' + s.section if s.section else ''}"
        else:
            who = q.relation or f"comment by {q.author or NO_AUTHOR}"
        body = q.text.replace("<passage", "‹passage").replace("</passage", "‹/passage")
        blocks.append(f'<passage n="{s.rank}" from="{who}">\n{body}\n</passage>')
    return "\n".join(blocks)


def format_history(history: list[tuple[str, str]] | None) -> str:
    if not history:
        return ""
    lines = ["Conversation so far:"]
    for q, a in history[-3:]:
        lines.append(f"User: {q}\nAssistant: {a[:400]}")
    return "\n".join(lines) + "\n"


class LLMGenerator:
    def __init__(self, chat_model, name: str = "llm", prompt_version: str | None = None):
        self.chat_model = chat_model
        self.name = name
        self.prompt_version = prompt_version or DEFAULT_PROMPT

    def messages(self, question: str, sources: list[Source], history=None, plan: Plan | None = None):
        """``plan`` (bot/compose/plan.py) says which passages the prompt holds; None: every source."""
        from langchain_core.messages import HumanMessage, SystemMessage

        passages = format_plan(plan) if plan is not None and plan.quotes else format_passages(sources)
        system, user = load_prompt(self.prompt_version).render(
            question=question, passages=passages, history=format_history(history)
        )
        return [SystemMessage(system), HumanMessage(user)]

    def stream(self, question: str, sources: list[Source], history=None, *, plan: Plan | None) -> Iterator[str]:
        """The plan's lead first (facts read off the index, bot/compose/leads.py: never the model's words), then
        the model's draft from the planned passages (None: from every source, and no lead)."""
        if plan is not None and plan.note:
            yield plan.note + "\n"
        messages = self.messages(question, sources, history, plan=plan)
        for attempt in (1, 2):  # one retry, only when the failure came before any text
            started = False
            try:
                for chunk in self.chat_model.stream(messages):
                    text = chunk.content if isinstance(chunk.content, str) else "".join(
                        p.get("text", "") for p in chunk.content if isinstance(p, dict)
                    )
                    if text:
                        started = True
                        yield text
                return
            except GeneratorError:
                raise
            except Exception as exc:  # the chat model's transport errors vary by provider
                if attempt == 1 and not started and is_transient(exc):
                    time.sleep(RETRY_PAUSE)
                    continue
                known = as_generator_error(exc, describe_url(self.chat_model))
                raise known or GeneratorError(
                    f"the answer model ({self.name}) failed: {type(exc).__name__}: {str(exc)[:200]}. "
                    "Check the server named in --generator / BOT_GENERATOR, or use --generator extractive."
                ) from exc
