"""One factory from a spec string to a generator.

    extractive                 quotes the best sentences, no model (default)
    openai:MODEL@BASE_URL      any OpenAI-compatible server (vLLM, llama.cpp, LM Studio, OpenAI)
    ollama:MODEL               an Ollama server
    local:NAME | local:PATH.gguf   a packaged GGUF model served in-process (see bot models)

A chat model can also be injected directly (tests, users with their own).
"""

from __future__ import annotations

from index.errors import GeneratorError

FORMS = "extractive, openai:MODEL@BASE_URL, ollama:MODEL, local:NAME or local:PATH.gguf"


def make_generator(spec: str | None, chat_model=None, *, scorer=None, texts_for=None, headings_for=None):
    from .extractive import ExtractiveGenerator
    from .llm import LLMGenerator

    if chat_model is not None:
        return LLMGenerator(chat_model, name=spec or getattr(chat_model, "model_name", None) or type(chat_model).__name__)
    spec = (spec or "extractive").strip()
    if spec == "extractive":
        return ExtractiveGenerator(scorer, texts_for, headings_for)
    kind, _, rest = spec.partition(":")
    if kind in ("openai", "ollama", "local") and rest:
        return LLMGenerator(chat_model_for(kind, rest), name=spec)
    raise GeneratorError(f"unknown generator '{spec}'. Use one of: {FORMS}.")


def chat_model_for(kind: str, rest: str):
    """Build the LangChain chat model for a remote or local spec (filled in by the generators issue)."""
    raise GeneratorError(f"the '{kind}:' generator is not available in this build. Use --generator extractive.")
