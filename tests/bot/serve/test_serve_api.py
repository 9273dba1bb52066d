"""`bot serve` end to end: the real Bot on the real seed behind uvicorn, driven by the official
`openai` client (plain, streaming, multi-turn, every bad request) and the official `mcp` client."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.api import Bot
from bot.serve.server import create_app, start

from tests.conftest import SEED, free_port
from tests.fakes import UnreachableBot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(real_store, real_embeddings, tmp_path_factory):
    """One server for the module: key required, rate limit off, feedback in a tmp file, MCP on."""
    settings = replace(real_store, api_key="test-key", rate_limit=0,
                       feedback_path=tmp_path_factory.mktemp("fb") / "feedback.sqlite3")
    bot = Bot(settings=settings, embeddings=real_embeddings)
    app, answering = create_app(settings, "127.0.0.1", bot_factory=lambda spec: bot, mcp=True,
                                generators=["extractive"])
    running = start(app, "127.0.0.1", free_port())
    yield running.url, answering, settings
    running.stop()
    answering.close()


@pytest.fixture
def client(served):
    from openai import OpenAI

    return OpenAI(base_url=f"{served[0]}/v1", api_key="test-key", max_retries=0, timeout=120)


def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def assert_exact(citations: list[dict]) -> None:
    text = seed()
    assert citations
    for c in citations:
        assert text[c["start"]:c["end"]] == c["quote"], c
        assert c["source_id"] and c["doc"] == "why-men-pull-away"


def test_plain_request_with_the_official_client(client, served):
    r = client.chat.completions.create(model="extractive", messages=[
        {"role": "system", "content": "Answer like a pirate."},
        {"role": "user", "content": "Why do men pull away?"}])
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop"
    assert "[1]" in r.choices[0].message.content
    extra = r.model_extra
    assert_exact(extra["citations"])
    assert {"flags", "resources", "perspectives"} <= set(extra["safety"])
    assert any("System messages were ignored" in n for n in extra["notes"])
    assert served[1].feedback.rate(r.id, "up") is not None  # the completion id names the answer


def test_streaming_request_ends_with_citations(client):
    chunks = list(client.chat.completions.create(
        model="extractive", stream=True, messages=[{"role": "user", "content": "What does oxytocin do to men?"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "[1]" in text and len({c.id for c in chunks}) == 1
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert_exact(last.model_extra["citations"])
    assert "flags" in last.model_extra["safety"]
    assert all("citations" not in (c.model_extra or {}) for c in chunks[:-1])


def test_stream_on_the_wire_ends_with_done(served):
    import httpx

    with httpx.stream("POST", f"{served[0]}/v1/chat/completions", headers={"Authorization": "Bearer test-key"},
                      json={"model": "extractive", "stream": True,
                            "messages": [{"role": "user", "content": "Why do men pull away?"}]}, timeout=120) as r:
        events = [line for line in r.iter_lines() if line]
    assert events[-1] == "data: [DONE]" and "citations" in json.loads(events[-2][len("data: "):])


def test_multi_turn_request_uses_the_history(client, served):
    first = client.chat.completions.create(
        model="extractive", messages=[{"role": "user", "content": "Why do men pull away?"}])
    follow = client.chat.completions.create(model="extractive", messages=[
        {"role": "user", "content": "Why do men pull away?"},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "and what should I do when he comes back?"}])
    assert_exact(follow.model_extra["citations"])
    assert follow.id != first.id
    record = served[1].feedback.rate(follow.id, "up")  # what the server answered with
    assert record["history"] == [["Why do men pull away?", first.choices[0].message.content]]


def test_every_bad_request_is_a_4xx_with_an_openai_error(client, served):
    import openai

    cases = [
        (openai.BadRequestError, dict(model="extractive", messages=[])),
        (openai.BadRequestError, dict(model="extractive", messages=[{"role": "user", "content": "q"},
                                                                   {"role": "assistant", "content": "a"}])),
        (openai.BadRequestError, dict(model="extractive", messages=[{"role": "tool", "content": "x", "tool_call_id": "1"}])),
        (openai.BadRequestError, dict(model="extractive", messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}])),
        (openai.NotFoundError, dict(model="gpt-4o", messages=[{"role": "user", "content": "q"}])),
        (openai.APIStatusError, dict(model="extractive", messages=[{"role": "user", "content": "x" * 70_000}])),
    ]
    for error, kwargs in cases:
        with pytest.raises(error) as caught:
            client.chat.completions.create(**kwargs)
        assert 400 <= caught.value.status_code < 500
        body = caught.value.body
        assert set(body) == {"message", "type", "param", "code"} and body["message"]
    assert caught.value.status_code == 413

    import httpx
    from openai import OpenAI

    wrong = OpenAI(base_url=f"{served[0]}/v1", api_key="wrong-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.chat.completions.create(model="extractive", messages=[{"role": "user", "content": "q"}])
    r = httpx.post(f"{served[0]}/v1/chat/completions",  # no Authorization header at all (the client always sends one)
                   json={"model": "extractive", "messages": [{"role": "user", "content": "q"}]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_rate_limit_and_unreachable_llm_through_the_client(real_store, real_embeddings, tmp_path):
    import openai
    from openai import OpenAI

    spec = "openai:nothing@http://127.0.0.1:9/v1"
    settings = replace(real_store, rate_limit=2, feedback=False, generator=spec)
    bots = {"extractive": Bot(settings=settings, embeddings=real_embeddings, generator="extractive"),
            spec: Bot(settings=settings, embeddings=real_embeddings)}
    app, answering = create_app(settings, "127.0.0.1", bot_factory=bots.__getitem__, generators=["extractive", spec])
    running = start(app, "127.0.0.1", free_port())
    try:
        client = OpenAI(base_url=f"{running.url}/v1", api_key="unused", max_retries=0, timeout=120)
        with pytest.raises(openai.InternalServerError) as caught:  # 5xx: the LLM server, not the request
            client.chat.completions.create(model=spec, messages=[{"role": "user", "content": "Why do men pull away?"}])
        assert caught.value.status_code == 502 and "\n" not in caught.value.body["message"]
        client.chat.completions.create(model="extractive", messages=[{"role": "user", "content": "Why?"}])
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="extractive", messages=[{"role": "user", "content": "Why?"}])
        assert caught.value.status_code == 429 and int(caught.value.response.headers["retry-after"]) >= 1
    finally:
        running.stop()
        answering.close()


def test_mcp_tool_answers_with_citations_as_structured_content(served):
    import asyncio

    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    import httpx

    async def talk():
        keyed = httpx.AsyncClient(headers={"Authorization": "Bearer test-key"}, timeout=120)
        async with keyed, streamable_http_client(f"{served[0]}/gradio_api/mcp/", http_client=keyed) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = (await session.list_tools()).tools
                first = await session.call_tool("ask", {"question": "Why do men pull away?"})
                follow = await session.call_tool("ask", {
                    "question": "and what should I do when he comes back?",
                    "history": [["Why do men pull away?", first.structuredContent["text"]]]})
                return tools, first, follow

    tools, first, follow = asyncio.run(talk())
    assert sorted(t.name for t in tools) == ["ask", "posts"]
    ask = next(t for t in tools if t.name == "ask")
    assert "Why Do Men Pull Away" in ask.description and "comments" in ask.description
    assert set(ask.inputSchema["properties"]) == {"question", "history", "post"}
    for result in (first, follow):
        assert not result.isError
        data = result.structuredContent
        assert {"answer_id", "text", "citations", "safety"} <= set(data)
        assert_exact(data["citations"])
        assert {"flags", "resources", "perspectives"} <= set(data["safety"])
        assert json.loads(result.content[0].text) == data  # the same answer as text, for older clients


def test_mcp_needs_the_key_like_every_other_door(served):
    """With a key set, MCP (like /v1) refuses a client without it; the official client sees the 401."""
    import asyncio

    import httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    r = httpx.post(f"{served[0]}/gradio_api/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                   headers={"Accept": "application/json, text/event-stream"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"

    async def talk():
        async with streamable_http_client(f"{served[0]}/gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as session:
                await asyncio.wait_for(session.initialize(), 30)

    with pytest.raises(BaseException) as caught:
        asyncio.run(talk())
    assert "401" in repr(caught.value) or "Unauthorized" in repr(caught.value)


def test_beyond_loopback_without_a_key_mcp_and_the_chat_endpoint_refuse(real_store, tmp_path):
    """Bound to 0.0.0.0 with no key: MCP and the /chat, /ask script endpoints answer 401 to a remote client
    (simulated with the test client's address: no real network); with the key they answer."""
    from fastapi.testclient import TestClient

    for key in (None, "k"):
        settings = replace(real_store, api_key=key, feedback=False)
        # the refusal comes before any answer: the bot is never reached
        app, answering = create_app(settings, "0.0.0.0", bot_factory=lambda spec: UnreachableBot(), mcp=True,
                                    generators=["extractive"])
        try:
            remote = TestClient(app, client=("203.0.113.5", 4000), raise_server_exceptions=False)
            r = remote.post("/gradio_api/mcp/", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                            headers={"Accept": "application/json, text/event-stream"})
            assert r.status_code == 401
            assert r.json()["error"]["code"] == ("api_key_required" if key is None else "invalid_api_key")
            assert remote.get("/v1/models").status_code == 401
            if key:
                ok = remote.get("/v1/models", headers={"Authorization": f"Bearer {key}"})
                assert ok.status_code == 200
        finally:
            answering.close()
