"""Generator specs -> LangChain chat models, and backend errors -> GeneratorError.

    local:NAME               a packaged model (see `bot models`), served in-process by xllamacpp;
                             `local` alone (or local:default) is the recommended one (catalog.DEFAULT)
    local:PATH.gguf          any GGUF file
    openai:MODEL@BASE_URL    any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, OpenAI);
                             key from OPENAI_API_KEY, not needed for loopback servers
    openai:MODEL             OpenAI itself (https://api.openai.com/v1)
    ollama:MODEL[@BASE_URL]  an Ollama server (default http://127.0.0.1:11434)

Nothing here touches the network when a model is created; a local server is started on
first use of a `local:` spec. Requests have time-outs; LLMGenerator retries a transient
failure (connection, time-out, 429, 5xx) once, and as_generator_error() turns what is left
into a GeneratorError that names the server and suggests --generator extractive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.errors import GeneratorError

OPENAI_URL = "https://api.openai.com/v1"
OLLAMA_URL = "http://127.0.0.1:11434"
KEY_VAR = "OPENAI_API_KEY"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 180.0  # between streamed chunks; a small CPU model reads a long prompt before its first token
MAX_TOKENS = 400
TEMPERATURE = 0.1
RETRY_PAUSE = 0.5  # seconds before the one retry (LLMGenerator.stream)
def _error_types() -> dict[str, tuple[type, ...]]:
    """The backends' exception classes, by what they mean (imported only when an error happened)."""
    import httpx
    import openai

    libraries = [httpx]
    try:
        import httpx2  # what openai 3.x runs on

        libraries.append(httpx2)
    except ImportError:
        pass
    types = {
        "unreachable": (openai.APIConnectionError, openai.APITimeoutError, ConnectionError, TimeoutError)
        + tuple(e for lib in libraries for e in (lib.TransportError, lib.TimeoutException)),
        "busy": (openai.InternalServerError, openai.RateLimitError),
        "auth": (openai.AuthenticationError,),
        "unknown_model": (openai.NotFoundError,),
        "backend": (openai.OpenAIError,) + tuple(lib.HTTPError for lib in libraries),
    }
    try:
        import ollama

        types["ollama"] = (ollama.ResponseError, ollama.RequestError)
    except ImportError:  # the ollama client is optional
        types["ollama"] = ()
    return types


@dataclass(frozen=True)
class BackendSpec:
    kind: str  # "local" | "openai" | "ollama"
    model: str  # catalog name, GGUF path, or the server's model name
    url: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.model}" + (f"@{self.url}" if self.url and self.kind != "local" else "")


def accepted_forms() -> str:
    from bot.generate.local.catalog import CATALOG

    return (
        "extractive, local:NAME (" + ", ".join(CATALOG) + "; `local` alone: the default), local:PATH.gguf, "
        "openai:MODEL@http(s)://HOST[:PORT]/v1, openai:MODEL, ollama:MODEL[@http://HOST:PORT]"
    )


def _bad(spec: str, why: str) -> GeneratorError:
    return GeneratorError(f"bad generator spec {spec!r}: {why}; accepted forms: {accepted_forms()}")


def _check_url(spec: str, url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise _bad(spec, f"{url!r} is not an http(s) URL")
    return url.rstrip("/")


def parse_spec(spec: str) -> BackendSpec:
    """Parse a model spec (everything but `extractive`); errors list the accepted forms."""
    kind, sep, rest = (spec or "").strip().partition(":")
    if kind == "local" and rest.strip() in ("", "default"):
        from bot.generate.local.catalog import DEFAULT

        return BackendSpec("local", DEFAULT)
    if not sep or not rest.strip():
        raise _bad(spec, "expected KIND:MODEL")
    rest = rest.strip()
    if kind == "local":
        from bot.generate.local.catalog import CATALOG

        if rest in CATALOG or rest.lower().endswith(".gguf"):
            return BackendSpec("local", rest)
        raise _bad(spec, f"{rest!r} is neither a packaged model nor a .gguf path")
    if kind in ("openai", "ollama"):
        m = re.fullmatch(r"(?P<model>[^@\s]+?)(?:@(?P<url>\S+))?", rest)
        if not m:
            raise _bad(spec, "expected MODEL or MODEL@URL without spaces")
        url = m["url"]
        if url is not None:
            url = _check_url(spec, url)
        return BackendSpec(kind, m["model"], url or (OPENAI_URL if kind == "openai" else OLLAMA_URL))
    raise _bad(spec, f"unknown kind {kind!r}")


def is_loopback(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def chat_model_for(spec: str | BackendSpec, settings=None, max_tokens: int = MAX_TOKENS):
    """A streaming LangChain chat model for a spec. `local:` specs start (or reuse) the in-process server."""
    b = spec if isinstance(spec, BackendSpec) else parse_spec(spec)
    if b.kind == "local":
        from bot.generate.local.catalog import CATALOG, ensure_model
        from bot.generate.local.server import ensure_server

        path = ensure_model(b.model, settings) if b.model in CATALOG else b.model
        running = ensure_server(path)
        return _openai(b.model, running.url + "/v1", "none", max_tokens)
    if b.kind == "openai":
        from index.config import openai_api_key

        key = openai_api_key(KEY_VAR)
        if not key:
            if not is_loopback(b.url or ""):  # no url: not loopback, as before
                raise GeneratorError(
                    f"{b.label} needs an API key: set the environment variable {KEY_VAR} "
                    "(not needed for servers on 127.0.0.1/localhost), or use --generator extractive"
                )
            key = "none"
        return _openai(b.model, b.url, key, max_tokens)
    import httpx
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=b.model,
        base_url=b.url,
        temperature=TEMPERATURE,
        num_predict=max_tokens,
        client_kwargs={"timeout": _timeout(httpx.Timeout)},
    )


def _timeout(timeout_class):
    """Our timeouts in the HTTP library of the client that gets them: the ollama client runs on httpx,
    openai 3.x on httpx2 (``openai.Timeout``), which refuses an httpx.Timeout."""
    return timeout_class(READ_TIMEOUT, connect=CONNECT_TIMEOUT)


def _openai(model: str, base_url: str | None, key: str, max_tokens: int):
    import openai
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=key,  # type: ignore[arg-type]  # pydantic turns a str into the SecretStr the field declares
        streaming=True,
        temperature=TEMPERATURE,
        max_tokens=max_tokens,  # type: ignore[call-arg]  # a field with an alias (max_completion_tokens); set by name
        timeout=_timeout(openai.Timeout),
        max_retries=0,  # LLMGenerator retries once, for every backend alike
    )


def describe_url(chat_model) -> str | None:
    """The server a chat model talks to, for messages."""
    for attr in ("openai_api_base", "base_url"):
        url = getattr(chat_model, attr, None)
        if url:
            return str(url)
    return None


def is_transient(exc: BaseException) -> bool:
    """Worth one retry: the server could not be reached, timed out, or was busy."""
    types = _error_types()
    return isinstance(exc, types["unreachable"] + types["busy"])


def as_generator_error(exc: BaseException, where: str | None = None) -> GeneratorError | None:
    """A clear GeneratorError for a backend failure, or None when `exc` is not one we recognise."""
    if isinstance(exc, GeneratorError):
        return exc
    at = f" at {where}" if where else ""
    hint = "check the server, fix --generator / BOT_GENERATOR, or use --generator extractive"
    name = type(exc).__name__
    types = _error_types()
    if isinstance(exc, types["unreachable"]):
        return GeneratorError(f"cannot reach the generator server{at} ({name}: {exc}); {hint}")
    if isinstance(exc, types["auth"]):
        return GeneratorError(f"the generator server{at} rejected the API key ({exc}); set {KEY_VAR} correctly, or use --generator extractive")
    if isinstance(exc, types["unknown_model"]) or (types["ollama"] and isinstance(exc, types["ollama"][:1])
                                                   and getattr(exc, "status_code", None) == 404):
        return GeneratorError(f"the generator server{at} does not know this model ({exc}); check the model name (for Ollama: `ollama pull MODEL`), or use --generator extractive")
    if isinstance(exc, types["backend"] + types["ollama"]):
        return GeneratorError(f"the generator server{at} failed ({name}: {exc}); {hint}")
    return None
