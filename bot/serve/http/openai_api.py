"""OpenAI-compatible routes over the same Bot as the web chat, with citations kept.

    GET  /v1/models             the generators this server offers, as models; with several posts
                                indexed, also `<generator>:<slug>` for each post
    POST /v1/chat/completions   `messages` -> history + the last user question; `stream: true` gives
                                server-sent events ending with `data: [DONE]`
    POST /v1/feedback           {"answer_id", "rating": "up"|"down", "comment"}

A completion is a normal `chat.completion` plus top-level `citations` (n, source_id, author,
parent_author, quote, start, end, doc, section, kind), `safety` and `notes`; in a stream they
arrive in the last chunk before `[DONE]`. The completion `id` is the answer id that
/v1/feedback takes. With an LLM generator a stream carries only the checked answer (the
unverified draft is never sent): the text is streamed line by line once it is checked. (The
extractive answer is complete within tens of milliseconds; the Bot streams it the same way.)

Scoping to one post: the model `<generator>:<slug>` (e.g. `extractive:sourdough-troubleshooting`), or
an extra body field `"post": "<slug>"` with a plain model; both together must name the same post.
Without either the question searches every post, as always. An unknown post is a 404 with code
`post_not_found` whose message names the indexed posts.

Every failure is an OpenAI-style error JSON with a 4xx/5xx status (see errors.py), never a
traceback. Bodies over 64 KB are refused (413).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from fastapi import APIRouter, Request  # FastAPI reads these annotations: module level, not local
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from index.errors import InputError

from bot.serve.http.errors import ApiError, from_exception
from bot.serve.http.serialize import answer_payload

MAX_BODY = 64 * 1024
SYSTEM_NOTE = "System messages were ignored: answers come only from the article and its comments."
IGNORED_ROLES = ("system", "developer")
OWNER = "pullaway-bot"
log = logging.getLogger(__name__)


@dataclass
class ChatRequest:
    model: str  # as the client named it (echoed in the response)
    question: str
    history: list[tuple[str, str]] = field(default_factory=list)
    stream: bool = False
    notes: list[str] = field(default_factory=list)
    generator: str = ""  # the generator spec the model names (the model itself when unscoped)
    post: str | None = None  # the post to answer from; None: every post
    post_param: str = "post"  # where the post was named ("model" or "post"), for the error of an unknown one

    def __post_init__(self):
        self.generator = self.generator or self.model


def bad(message: str, param: str | None = None, code: str = "invalid_value", status: int = 400) -> ApiError:
    return ApiError(status, message, "invalid_request_error", param, code)


def _content(message: dict, where: str) -> str:
    content = message.get("content")
    if content is None and message.get("role") == "assistant":
        return ""  # an assistant turn that only called tools: nothing to keep
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for i, part in enumerate(content):
            if not (isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)):
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise bad(f"{where}.content[{i}] is {kind!r}: only text parts ({{\"type\": \"text\", \"text\": ...}}) "
                          "are supported.", f"{where}.content", "invalid_content_type")
            texts.append(part["text"])
        return "\n".join(texts)
    raise bad(f"{where}.content must be a string or a list of text parts.", f"{where}.content",
              "invalid_content_type")


def parse_chat_request(body, models: list[str]) -> ChatRequest:
    """Validate a /v1/chat/completions body; raises ApiError naming the field."""
    if not isinstance(body, dict):
        raise bad("The request body must be a JSON object.", None, "invalid_json")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad(f"`model` is required: one of {', '.join(models)} (see GET /v1/models).", "model", "missing_model")
    generator, post, post_param = split_model(model, models), None, "post"
    if generator != model:
        post, post_param = model[len(generator) + 1:], "model"
    named = body.get("post")
    if named is not None:
        if not isinstance(named, str) or not named:
            raise bad("`post` must be a post's slug (see GET /v1/models or `bot posts`).", "post")
        if post is not None and named != post:
            raise bad(f"The model names the post {post!r} but `post` is {named!r}: name one post.", "post",
                      "conflicting_post")
        post, post_param = named, "post"
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise bad("`stream` must be true or false.", "stream")
    if body.get("n", 1) != 1:
        raise bad("`n` must be 1: one answer per question.", "n")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad("`messages` must be a non-empty list of {role, content} objects.", "messages", "empty_messages")
    notes, turns = [], []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise bad(f"{where} must be an object with `role` and `content`.", where)
        role = message.get("role")
        if role in IGNORED_ROLES:
            _content(message, where)  # still validated
            if SYSTEM_NOTE not in notes:
                notes.append(SYSTEM_NOTE)
            continue
        if role not in ("user", "assistant"):
            raise bad(f"{where}.role is {role!r}: use user, assistant or system (this model has no tools).",
                      f"{where}.role", "invalid_role")
        turns.append((role, _content(message, where)))
    if not turns or turns[-1][0] != "user":
        raise bad("The last message must be from the user: it is the question to answer.", f"messages[{len(messages) - 1}].role",
                  "last_message_not_user")
    history, pending = [], []
    for role, text in turns[:-1]:
        if role == "user":
            pending.append(text)
        else:
            history.append(("\n".join(pending), text))
            pending = []
    question = "\n".join(pending + [turns[-1][1]])
    if not question.strip():
        raise bad("The question (the last user message) is empty.", f"messages[{len(messages) - 1}].content",
                  "empty_question")
    return ChatRequest(model, question, history, stream, notes, generator, post, post_param)


def split_model(model: str, models: list[str]) -> str:
    """The generator a model id names: itself, or the part before `:<slug>` (a scoped model id). Generator
    specs hold colons too (`local:smollm2-135m`): an exact generator wins. Unknown: a 404 naming the choices."""
    if model in models:
        return model
    generator, sep, slug = model.rpartition(":")
    if sep and slug and generator in models:
        return generator
    raise ApiError(404, f"The model {model!r} does not exist here. Available: {', '.join(models)}, or "
                   "<generator>:<post slug> to answer from one post (see GET /v1/models).",
                   "invalid_request_error", "model", "model_not_found")


def model_list(models: list[str], posts) -> list[dict]:
    """The plain generators, then (with several posts indexed) each generator scoped to each post."""
    data = [{"id": m, "object": "model", "created": 0, "owned_by": OWNER} for m in models]
    if len(posts) > 1:
        data += [{"id": f"{m}:{p.slug}", "object": "model", "created": 0, "owned_by": OWNER, "post": p.slug,
                  "title": p.title} for m in models for p in posts]
    return data


def completion(answer, model: str, notes: list[str]) -> dict:
    payload = answer_payload(answer)
    return {
        "id": payload["answer_id"],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": payload["text"]},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": None,
        "citations": payload["citations"],
        "safety": payload["safety"],
        "notes": notes,
    }


def _chunk(cid: str, model: str, created: int, delta: dict, finish: str | None = None, **extra) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def stream_chunks(answer, model: str, notes: list[str]):
    """Server-sent events of one checked answer: the role, the text line by line, then a last chunk
    with finish_reason "stop", the citations, the safety report and the notes; then [DONE]."""
    payload, created = answer_payload(answer), int(time.time())
    cid = payload["answer_id"]
    yield _chunk(cid, model, created, {"role": "assistant", "content": ""})
    for line in payload["text"].splitlines(keepends=True):
        yield _chunk(cid, model, created, {"content": line})
    yield _chunk(cid, model, created, {}, "stop", citations=payload["citations"], safety=payload["safety"], notes=notes)
    yield "data: [DONE]\n\n"


def make_router(answering, models: list[str]):
    """The routes, bound to one Answering service (bot/serve/answering.py) and the list of model names.
    Every request passes ``answering.authorize`` (the API key; see bot/serve/http/access.py)."""
    router = APIRouter()
    check_key = answering.authorize

    async def read_json(request: Request):
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY:
            raise bad(f"The request body is over {MAX_BODY // 1024} KB.", None, "body_too_large", 413)
        body = bytearray()
        async for piece in request.stream():
            body += piece
            if len(body) > MAX_BODY:
                raise bad(f"The request body is over {MAX_BODY // 1024} KB.", None, "body_too_large", 413)
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise bad("The request body is not valid JSON.", None, "invalid_json") from None

    async def check_post(req: ChatRequest) -> None:
        """A 404 naming the indexed posts when the request's post is not one of them."""
        try:
            await run_in_threadpool(answering.check_post, req.post)
        except InputError as exc:
            raise ApiError(404, f"{exc} Name one as \"post\" or as the model <generator>:<slug>.",
                           "invalid_request_error", req.post_param, "post_not_found") from None

    @router.get("/v1/models")
    async def list_models(request: Request):
        try:
            check_key(request)
        except Exception as exc:  # noqa: BLE001 - Unauthorized, as error JSON
            return from_exception(exc).response()
        try:
            posts = await run_in_threadpool(answering.posts)
        except Exception as exc:  # noqa: BLE001 - no index yet: the plain generators (questions will say why)
            log.info("no posts to list: %s", exc)
            posts = []
        return {"object": "list", "data": model_list(models, posts)}

    @router.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        try:
            check_key(request)
            req = parse_chat_request(await read_json(request), models)
            if req.post is not None:
                await check_post(req)
            answering.admit_request(request)
            answer = await answering.aask(req.generator, req.question, req.history, req.post)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error JSON
            return from_exception(exc).response()
        if not req.stream:
            return JSONResponse(completion(answer, req.model, req.notes))
        return StreamingResponse(stream_chunks(answer, req.model, req.notes), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/v1/feedback")
    async def feedback(request: Request):
        try:
            check_key(request)
            body = await read_json(request)
            if answering.feedback is None:
                raise ApiError(404, "Feedback is turned off on this server (--no-feedback).", "invalid_request_error",
                               None, "feedback_disabled")
            if not isinstance(body, dict) or not isinstance(body.get("answer_id"), str):
                raise bad("`answer_id` is required: the `id` of the completion being rated.", "answer_id")
            try:
                record = answering.feedback.rate(body["answer_id"], body.get("rating"), body.get("comment"))
            except InputError as exc:
                raise bad(str(exc), exc.param) from None
            if record is None:
                raise ApiError(404, f"No answer with id {body['answer_id'][:64]!r} was served here recently.",
                               "invalid_request_error", "answer_id", "answer_not_found")
        except Exception as exc:  # noqa: BLE001
            return from_exception(exc).response()
        return {"object": "feedback", "answer_id": record["answer_id"], "rating": record["rating"],
                "comment": record["comment"]}

    @router.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def unknown(request: Request, rest: str):
        return bad(f"No such endpoint: {request.method} /v1/{rest}. This server has GET /v1/models, "
                   "POST /v1/chat/completions and POST /v1/feedback.", None, "unknown_endpoint", 404).response()

    return router
