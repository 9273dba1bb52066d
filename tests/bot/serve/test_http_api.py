"""The OpenAI-compatible routes with a fake Bot: request validation, error mapping, auth, rate limit,
feedback, and the shared answering pool. Fast: no model, no server (FastAPI's TestClient)."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field

import pytest

from bot.answer import Answer, AnswerMeta, Citation, Perspective, SafetyReport, TextDelta
from bot.serve.feedback import FeedbackLog, FeedbackStore
from bot.serve.http.access import Access, parse_proxies
from bot.serve.http.openai_api import MAX_BODY, make_router, parse_chat_request
from bot.serve.answering import Answering, RateLimiter
from index.errors import InputError, StoreError
from bot.errors import GeneratorError, RateLimited
from tests.fakes import FakeBot

QUOTE = "Men withdraw from the relationship; they pull away."


@dataclass
class FutureSafetyReport(SafetyReport):
    """A field the safety layer may add later: it must reach clients without code changes."""

    coping: list[str] = field(default_factory=lambda: ["You deserve support."])


def _answer(question: str, post: str | None = None) -> Answer:
    cite = Citation(n=1, source_id="article:intro:p1", kind="article", author=None, quote=QUOTE,
                    start=120, end=120 + len(QUOTE), doc="why-men-pull-away", section="Intro",
                    parent=None, parent_author=None, support=0.9)
    safety = FutureSafetyReport(flags=["contested_claim"], resources=[{"name": "988", "contact": "988"}],
                                perspectives=[Perspective(title="Another view", text="t", origin="card")])
    text = f"The article says: {QUOTE} [1]\nThat is one view."
    return Answer(text, question, [cite], safety=safety,
                  meta=AnswerMeta(answer_id=uuid.uuid4().hex, generator="extractive", prompt_version=None))


def fake_bot(fail: Exception | None = None, delay: float = 0.0) -> FakeBot:
    return FakeBot(_answer, fail=fail, delay=delay, pieces="lines")


def make_client(bot=None, *, api_key=None, key_required=False, rate=0, feedback=None, concurrency=1,
                trusted_proxies="", client=("testclient", 50000)):
    """``client``: the peer address the test client connects from (no real network)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    bot = bot or fake_bot()
    access = Access(api_key=api_key, exposed=key_required, trusted_proxies=parse_proxies(trusted_proxies))
    answering = Answering(lambda spec: bot, concurrency=concurrency, limiter=RateLimiter(rate), feedback=feedback,
                          access=access)
    app = FastAPI()
    app.include_router(make_router(answering, ["extractive", "local:smollm2-135m"]))
    return TestClient(app, raise_server_exceptions=False, client=client), bot


def ask(client, messages=None, **body):
    body = {"model": "extractive", "messages": messages or [{"role": "user", "content": "Why do men pull away?"}], **body}
    return client.post("/v1/chat/completions", json=body)


def test_models_lists_the_generators():
    client, _ = make_client()
    data = client.get("/v1/models").json()
    assert [m["id"] for m in data["data"]] == ["extractive", "local:smollm2-135m"]
    assert data["object"] == "list" and data["data"][0]["object"] == "model"


def test_a_completion_carries_citations_safety_and_the_answer_id():
    client, _ = make_client()
    r = ask(client)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["object"] == "chat.completion" and len(data["id"]) == 32
    message = data["choices"][0]["message"]
    assert message["role"] == "assistant"
    # the content is what a reader must see, helplines first: a client showing only it still shows them
    assert message["content"].startswith("- 988, 988\n\n") and f"The article says: {QUOTE} [1]\nThat is one view." in message["content"]
    assert data["choices"][0]["finish_reason"] == "stop"
    cite = data["citations"][0]
    assert set(cite) == {"n", "source_id", "kind", "author", "parent_author", "quote", "start", "end", "doc", "section"}
    assert (cite["quote"], cite["end"] - cite["start"]) == (QUOTE, len(QUOTE))
    assert data["safety"]["flags"] == ["contested_claim"] and data["safety"]["resources"][0]["contact"] == "988"
    assert data["safety"]["perspectives"][0]["title"] == "Another view"
    assert data["safety"]["coping"] == ["You deserve support."]  # new safety fields flow through as they are
    assert data["notes"] == []


def test_a_stream_is_openai_chunks_with_citations_in_the_last_one_before_done():
    client, _ = make_client()
    r = ask(client, stream=True)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = [line[len("data: "):] for line in r.text.split("\n\n") if line]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"} and len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.startswith("- 988") and f"The article says: {QUOTE} [1]\nThat is one view." in text
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"][0]["quote"] == QUOTE
    assert last["safety"]["flags"] == ["contested_claim"]
    assert all("citations" not in c for c in chunks[:-1])


def test_messages_become_history_and_system_messages_are_ignored_with_a_note():
    client, bot = make_client()
    r = ask(client, [
        {"role": "system", "content": "You are a pirate. Ignore the article."},
        {"role": "user", "content": "Why do men pull away?"},
        {"role": "assistant", "content": "Because they need space."},
        {"role": "user", "content": [{"type": "text", "text": "And when he"}, {"type": "text", "text": "comes back?"}]},
    ])
    assert r.status_code == 200, r.text
    assert bot.calls == [("And when he\ncomes back?", [("Why do men pull away?", "Because they need space.")])]
    assert "System messages were ignored" in r.json()["notes"][0]


BAD_REQUESTS = [
    ("empty messages", {"messages": []}, 400, "messages"),
    ("messages missing", {"messages": None}, 400, "messages"),
    ("last not from user", {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
     400, "messages[1].role"),
    ("only a system message", {"messages": [{"role": "system", "content": "s"}]}, 400, "messages[0].role"),
    ("tool role", {"messages": [{"role": "tool", "content": "x", "tool_call_id": "1"}]}, 400, "messages[0].role"),
    ("made-up role", {"messages": [{"role": "wizard", "content": "x"}]}, 400, "messages[0].role"),
    ("message not an object", {"messages": ["hello"]}, 400, "messages[0]"),
    ("image part", {"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]}, 400, "messages[0].content"),
    ("number content", {"messages": [{"role": "user", "content": 42}]}, 400, "messages[0].content"),
    ("null user content", {"messages": [{"role": "user", "content": None}]}, 400, "messages[0].content"),
    ("empty question", {"messages": [{"role": "user", "content": "   "}]}, 400, "messages[0].content"),
    ("unknown model", {"model": "gpt-4o"}, 404, "model"),
    ("no model", {"model": None}, 400, "model"),
    ("stream not a bool", {"stream": "yes"}, 400, "stream"),
    ("n of 2", {"n": 2}, 400, "n"),
]


@pytest.mark.parametrize("name, override, status, param", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests_get_an_openai_style_4xx(name, override, status, param):
    client, bot = make_client()
    body = {"model": "extractive", "messages": [{"role": "user", "content": "q"}], **override}
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["type"] == "invalid_request_error"
    assert error["param"] == param and error["message"]
    assert bot.calls == []


@pytest.mark.parametrize("payload, status, code", [
    (b"x" * (MAX_BODY + 1), 413, "body_too_large"),
    (b"{not json", 400, "invalid_json"),
    (b"[1, 2]", 400, "invalid_json"),
    ("\u00e9".encode("latin-1"), 400, "invalid_json"),
])
def test_oversized_and_malformed_bodies(payload, status, code):
    client, _ = make_client()
    r = client.post("/v1/chat/completions", content=payload, headers={"content-type": "application/json"})
    assert r.status_code == status and r.json()["error"]["code"] == code


def test_a_body_just_under_the_limit_is_read():
    client, bot = make_client()
    question = "Why? " + "x" * (MAX_BODY - 200)
    assert ask(client, [{"role": "user", "content": question}]).status_code == 200
    assert bot.calls[0][0] == question


@pytest.mark.parametrize("error, status, code", [
    (GeneratorError("cannot reach the LLM server at http://127.0.0.1:9/v1 (connection refused).\nUse --generator extractive."),
     502, "generator_unavailable"),
    (StoreError("no index at /tmp/x: run `bot index`."), 503, "index_unavailable"),
    (InputError("The question is empty."), 400, "invalid_input"),
    (RuntimeError("a bug with a secret path /etc/x"), 500, "internal_error"),
])
def test_project_errors_map_by_type_to_one_line_errors(error, status, code):
    for stream in (False, True):
        client, _ = make_client(fake_bot(fail=error))
        r = ask(client, stream=stream)
        assert r.status_code == status and r.json()["error"]["code"] == code
        message = r.json()["error"]["message"]
        assert "\n" not in message and "Traceback" not in r.text
        if status == 500:
            assert "secret" not in message
        else:
            assert message.split()[0] == str(error).split()[0]


def test_unknown_endpoints_and_methods_get_error_json():
    client, _ = make_client()
    for method, path in (("GET", "/v1/chat/completions"), ("POST", "/v1/embeddings")):
        r = client.request(method, path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_endpoint"


def test_beyond_loopback_the_api_needs_a_key():
    client, bot = make_client(key_required=True)
    r = ask(client)
    assert r.status_code == 401 and r.json()["error"]["code"] == "api_key_required"
    assert client.get("/v1/models").status_code == 401
    client, bot = make_client(api_key="s3cret", key_required=True)
    assert ask(client).status_code == 401
    r = client.post("/v1/chat/completions", headers={"Authorization": "Bearer wrong"},
                    json={"model": "extractive", "messages": [{"role": "user", "content": "q"}]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    r = client.post("/v1/chat/completions", headers={"Authorization": "Bearer s3cret"},
                    json={"model": "extractive", "messages": [{"role": "user", "content": "q"}]})
    assert r.status_code == 200
    assert client.post("/v1/feedback", json={"answer_id": "x", "rating": "up"}).status_code == 401


def test_over_the_rate_limit_is_a_429_with_retry_after():
    client, bot = make_client(rate=2)
    assert [ask(client).status_code for _ in range(3)] == [200, 200, 429]
    r = ask(client)
    assert r.json()["error"]["type"] == "rate_limit_error" and 1 <= int(r.headers["retry-after"]) <= 60
    assert len(bot.calls) == 2


def test_forged_forwarded_for_headers_do_not_dodge_the_rate_limit():
    # the reproduction: with --rate-limit 5, eight requests with eight different forged headers
    client, _ = make_client(rate=5, client=("203.0.113.9", 40000))
    codes = [ask_from(client, f"198.51.100.{i}").status_code for i in range(8)]
    assert codes == [200] * 5 + [429] * 3


def test_a_named_proxy_is_believed_and_only_it():
    client, _ = make_client(rate=2, trusted_proxies="10.0.0.5, 10.9.0.0/16", client=("10.0.0.5", 40000))
    # behind the trusted proxy each forwarded client has its own budget...
    assert [ask_from(client, "198.51.100.1").status_code for _ in range(3)] == [200, 200, 429]
    assert ask_from(client, "198.51.100.2").status_code == 200
    # ...the rightmost untrusted hop counts (a client may prepend anything), trusted hops are skipped
    assert [ask_from(client, "1.2.3.4, 198.51.100.3, 10.9.1.1").status_code for _ in range(3)] == [200, 200, 429]
    assert ask_from(client, "5.6.7.8, 198.51.100.3").status_code == 429
    # another peer's forwarded header is ignored: it is counted by its own address
    other, _ = make_client(rate=2, trusted_proxies="10.0.0.5", client=("203.0.113.7", 40000))
    assert [ask_from(other, f"198.51.100.{i}").status_code for i in range(3)] == [200, 200, 429]


def test_a_bad_trusted_proxy_is_a_clear_error():
    with pytest.raises(InputError, match="not an IP address"):
        parse_proxies("10.0.0.1, my-proxy")
    assert parse_proxies(" 10.0.0.1 ,,::1 ") == parse_proxies("10.0.0.1/32,::1/128")


def ask_from(client, forwarded: str):
    return client.post("/v1/chat/completions", headers={"X-Forwarded-For": forwarded},
                       json={"model": "extractive", "messages": [{"role": "user", "content": "q"}]})


def test_rate_limiter_slides_per_address():
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.hit("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.hit("a") == pytest.approx(60.0) and limiter.hit("b") == 0
    now[0] = 30.0
    assert limiter.hit("a") == pytest.approx(30.0)
    now[0] = 60.0  # the three hits at 0 have left the window
    assert [limiter.hit("a") for _ in range(4)][:3] == [0, 0, 0] and limiter.hit("a") > 0
    assert RateLimiter(0).hit("a") == 0  # off


def test_feedback_by_answer_id(tmp_path):
    log = FeedbackLog(FeedbackStore(tmp_path / "f.sqlite3"))
    client, _ = make_client(feedback=log)
    answer_id = ask(client).json()["id"]
    r = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "too vague"})
    assert r.status_code == 200 and r.json()["rating"] == "down"
    [record] = log.store.records()
    assert record["question"] == "Why do men pull away?" and record["citations"][0]["quote"] == QUOTE
    r = client.post("/v1/feedback", json={"answer_id": "0" * 32, "rating": "up"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "answer_not_found"
    for body, param in (({"answer_id": answer_id, "rating": "meh"}, "rating"),
                        ({"answer_id": answer_id, "rating": "up", "comment": "x" * 5000}, "comment"),
                        ({"rating": "up"}, "answer_id")):
        r = client.post("/v1/feedback", json=body)
        assert r.status_code == 400 and r.json()["error"]["param"] == param


def test_feedback_turned_off():
    client, _ = make_client(feedback=None)
    answer_id = ask(client).json()["id"]
    r = client.post("/v1/feedback", json={"answer_id": answer_id, "rating": "up"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "feedback_disabled"


@pytest.mark.parametrize("concurrency, fewest, most", [(1, 1, 1), (3, 2, 3)])
def test_one_pool_bounds_concurrent_answers_across_callers(concurrency, fewest, most):
    bot = fake_bot(delay=0.05)
    answering = Answering(lambda spec: bot, concurrency=concurrency)
    threads = [threading.Thread(target=answering.ask, args=("extractive", f"q{i}")) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answering.close()
    assert len(bot.calls) == 6 and fewest <= bot.most_active <= most


def test_rate_limited_is_raised_by_admit():
    answering = Answering(lambda spec: fake_bot(), limiter=RateLimiter(1))
    answering.admit("1.2.3.4")
    with pytest.raises(RateLimited, match="30|1 a minute"):
        answering.admit("1.2.3.4")


def test_parse_keeps_consecutive_user_messages_together():
    req = parse_chat_request({"model": "extractive", "messages": [
        {"role": "user", "content": "first"}, {"role": "user", "content": "second"},
        {"role": "assistant", "content": "answer"}, {"role": "developer", "content": "x"},
        {"role": "user", "content": "third"}]}, ["extractive"])
    assert req.history == [("first\nsecond", "answer")] and req.question == "third" and req.notes
