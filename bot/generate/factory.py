"""One factory from a spec string to a generator.

    extractive                 quotes the best sentences, no model (default)
    openai:MODEL@BASE_URL      any OpenAI-compatible server (vLLM, llama.cpp, LM Studio, OpenAI)
    ollama:MODEL               an Ollama server
    local:NAME | local:PATH.gguf   a packaged GGUF model served in-process (see bot models)

Any model spec may end with #PROMPT to pick a prompt file, e.g. local:qwen2.5-coder-0.5b#answer.v2
(prompts/answer.v2.md); without it the generator uses DEFAULT_PROMPT.

A chat model can also be injected directly (tests, users with their own).
"""

from __future__ import annotations

from bot.errors import GeneratorError


def make_generator(spec: str | None, chat_model=None):
    """Every generator is handed the answer plan (bot/compose/plan.py): the extractive one writes it out,
    a model drafts from the planned passages only."""
    from bot.generate.extractive import ExtractiveGenerator
    from bot.generate.llm import LLMGenerator

    if chat_model is not None:
        injected = spec if spec and spec.strip() != "extractive" else None
        return LLMGenerator(chat_model, name=injected or getattr(chat_model, "model_name", None) or type(chat_model).__name__)
    spec = (spec or "extractive").strip()
    if spec == "extractive":
        return ExtractiveGenerator()
    model_spec, _, prompt = spec.partition("#")
    version = _prompt_version(prompt, spec)  # before a local server is started for nothing
    return LLMGenerator(chat_model_for(model_spec), name=spec, prompt_version=version)


def _prompt_version(prompt: str, spec: str) -> str:
    from bot.generate.prompts import PROMPTS_DIR
    from bot.generate.llm import DEFAULT_PROMPT

    if not prompt:
        return DEFAULT_PROMPT
    if not (PROMPTS_DIR / f"{prompt}.md").is_file():
        known = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("answer.*.md")))
        raise GeneratorError(f"generator {spec!r} names prompt {prompt!r}, which is not in {PROMPTS_DIR}; known: {known}")
    return prompt


def chat_model_for(spec: str, settings=None):
    """The LangChain chat model for a local or remote spec (see backends.py); malformed specs list the accepted forms."""
    from bot.generate.backends import chat_model_for as build

    return build(spec, settings)


def available_generators(settings=None) -> list[str]:
    """Specs that work on this machine now: extractive, plus each packaged local model whose
    packages are installed (the web chat offers these). Remote servers are never probed."""
    specs = ["extractive"]
    try:
        from bot.generate.local.catalog import describe
    except ImportError:  # the local extra is not installed
        return specs
    specs += [f"local:{row['name']}" for row in describe(settings) if row["installed"]]
    return specs
