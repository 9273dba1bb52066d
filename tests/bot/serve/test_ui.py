"""The web chat: HTML formatting (pure), and a real round trip through gradio_client."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.render import html as fmt
from bot.answer import Answer, AnswerMeta, Citation, Perspective, SafetyReport, Source, TextDelta
from index.errors import StoreError
from bot.errors import GeneratorError
from tests.fakes import FakeBot
from tests.conftest import free_port

HOSTILE = 'Thanks Renee! <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> *bold* $$x$$ [a](javascript:alert(1))'
ARTICLE_QUOTE = "Leave him alone. Let him be."


def make_answer(text="He needs space [1]. A reader agreed [2].", **kw) -> Answer:
    src_text = f"1) {ARTICLE_QUOTE} Don't question him."
    sources = [
        Source(rank=1, chunk_id="doc/article:what-men-want:p3#0", doc="doc", kind="article", text=src_text,
               start=100, end=100 + len(src_text), score=1.0, section="What Men Really Want from You"),
        Source(rank=2, chunk_id="doc/comment:07-eve#0", doc="doc", kind="comment", text=HOSTILE, start=500,
               end=500 + len(HOSTILE), score=0.5, author="<b>Eve</b>", parent="comment:06-renee", depth=1),
    ]
    citations = [
        Citation(n=1, source_id="article:what-men-want:p3", kind="article", author=None, quote=ARTICLE_QUOTE,
                 start=103, end=103 + len(ARTICLE_QUOTE), doc="doc", section="What Men Really Want from You"),
        Citation(n=2, source_id="comment:07-eve", kind="comment", author="<b>Eve</b>", quote=HOSTILE, start=500,
                 end=500 + len(HOSTILE), doc="doc", parent="comment:06-renee", parent_author="Renee <i>"),
    ]
    fields = dict(question="q", citations=citations, sources=sources,
                  meta=AnswerMeta(generator="extractive", prompt_version="answer.v1", timings={"total": 0.42}))
    fields.update(kw)
    return Answer(text=text, **fields)


class Tags(HTMLParser):
    """Every start tag and attribute the browser would create from the HTML."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


SAFE_TAGS = {"div", "span", "sup", "ol", "li", "blockquote", "details", "summary", "mark", "br", "strong", "ul", "p", "a"}


@pytest.mark.parametrize("build", [
    lambda: fmt.answer_html(make_answer()),
    lambda: fmt.answer_html(make_answer(text=HOSTILE + " [2]")),
    lambda: fmt.streaming_html(HOSTILE + " [1]"),
    lambda: fmt.question_html(HOSTILE),
    lambda: fmt.error_html(HOSTILE),
])
def test_corpus_and_user_text_never_become_markup(build):
    markup = build()
    tags = Tags(markup).tags
    assert {t for t, _ in tags} <= SAFE_TAGS
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert "<img" not in markup and "<script" not in markup and "<b>" not in markup
    assert "&lt;img src=x onerror=" in markup or "&lt;img src=x onerror=" in markup.replace("&quot;", '"')
    # one line that starts with a block tag: the Markdown renderer passes it through untouched
    assert "\n" not in markup and markup.startswith("<div")


def test_sources_are_numbered_like_the_markers_with_quote_author_and_place():
    markup = fmt.answer_html(make_answer())
    parsed = Tags(markup)
    numbers = [a["value"] for t, a in parsed.tags if t == "li" and a.get("class") == "source"]
    assert numbers == ["1", "2"]
    text = "".join(parsed.text)
    assert ARTICLE_QUOTE in text
    assert "The article" in text and "Section: What Men Really Want from You" in text
    assert "Reply by <b>Eve</b> to Renee <i>" in text  # names shown as text, with who they replied to
    assert "reply thread" in text
    # markers in the answer become superscripts whose tooltip holds the quote
    sups = [a for t, a in parsed.tags if t == "sup"]
    assert len(sups) == 2 and ARTICLE_QUOTE in sups[0]["title"]
    assert "generator: extractive" in text and "answer.v1" in text


def test_bold_headings_render_but_stay_escaped():
    markup = fmt.answer_html(make_answer(text="**What the article says**\nHe needs space [1]. **<img src=x>**"))
    assert "<strong>What the article says</strong><br>" in markup
    assert "<strong>&lt;img src=x&gt;</strong>" in markup and "<img" not in markup


def test_the_passage_around_a_quote_is_one_click_away_with_the_quote_marked():
    markup = fmt.answer_html(make_answer())
    ctx = re.search(r'<details class="ctx">.*?</details>', markup).group(0)
    assert f"<mark>{ARTICLE_QUOTE}</mark>" in ctx and "Don&#x27;t question him." in ctx


def test_safety_box_comes_first_and_perspectives_are_set_apart():
    safety = SafetyReport(
        flags=["self_harm"],
        resources=[{"name": "Lifeline", "contact": "call 988", "region": "US", "url": "https://988lifeline.org"},
                   {"name": "Bad", "contact": "x", "url": "javascript:alert(1)"}],
        perspectives=[Perspective(title="Space is not always healthy", text="Some readers disagreed [2].",
                                  origin="comment", citations=(2,))],
    )
    markup = fmt.answer_html(make_answer(safety=safety))
    assert markup.index('class="safety"') < markup.index('class="answer-text"') < markup.index('class="perspective"')
    assert markup.index('class="perspective"') < markup.index('class="sources"')
    links = [a["href"] for t, a in Tags(markup).tags if t == "a"]
    assert links == ["https://988lifeline.org"]  # a javascript: URL is not made a link
    assert "Another perspective" in markup


def _real_layer_output(report: SafetyReport, answer: Answer | None = None) -> Answer:
    """What the real SafetyLayer makes of an answer (no model needed: apply() reads the report)."""
    from bot.safety import SafetyLayer

    return SafetyLayer(embeddings=object()).apply(answer or make_answer(), report)


def test_real_safety_output_lays_out_care_helplines_and_plan_in_the_box_and_no_article_text():
    out = _real_layer_output(SafetyReport(flags=["self_harm", "abuse"], tier="danger"))
    markup = fmt.answer_html(out)
    box = re.search(r'<div class="safety" role="alert">.*?</ul></div>', markup).group(0)
    for needle in ("988", "116 123", "1-800-799-7233", "0808 2000 247", "findahelpline.com", "keep talking",
                   "safety plan", "emergency number"):
        assert needle in box, needle
    order = [box.index(name) for name in ("988 Suicide", "Samaritans", "Find A Helpline")]
    assert order == sorted(order), "helplines go US, then UK and Ireland, then elsewhere"
    assert 'href="https://988lifeline.org"' in box
    assert out.text == "" and out.citations == [] and "Leave him alone" not in markup
    assert markup.index('class="safety"') < markup.index('class="answer-text"')
    assert "not professional advice" in markup


def test_real_perspectives_and_the_note_are_set_apart_from_the_answer():
    from bot.safety.perspectives import load_cards

    card = next(c for c in load_cards() if c.name.startswith("hormones"))
    answer = make_answer(text="Oxytocin lowers his testosterone [1].")
    out = _real_layer_output(SafetyReport(scores={"personal": 1.0}), answer)
    assert card.name in [p.card for p in out.safety.perspectives if p.origin == "card"]
    markup = fmt.answer_html(out)
    body = re.search(r'<div class="answer-text">(.*?)</div>', markup).group(1)
    assert "Oxytocin lowers" in body and card.title not in body and "not professional advice" not in body
    persp = re.search(r'<div class="perspective">.*?</ul>', markup).group(0)
    assert card.title in persp and "Where this comes from" in persp
    assert markup.index('class="answer-text"') < markup.index('class="perspective"') < markup.index('class="disclaimer"')


def test_helplines_are_listed_us_then_uk_and_ireland_then_elsewhere_and_the_page_keeps_that_order():
    from bot.safety import policy

    data = {"resources": [{"name": n, "contact": "c", "region": r, "url": "https://x.org", "applies_to": ["abuse"]}
                          for n, r in [("Anywhere", "elsewhere"), ("Uk line", "UK"), ("Us line", "US"), ("Ie line", "Ireland")]]}
    resources = policy.resources_for(["abuse"], data)
    assert [r["name"] for r in resources] == ["Us line", "Uk line", "Ie line", "Anywhere"]
    box = fmt.safety_html(make_answer(safety=SafetyReport(flags=["abuse"], resources=resources)))
    order = [box.index(n) for n in ("Us line", "Uk line", "Ie line", "Anywhere")]
    assert order == sorted(order), box


def test_no_safety_box_without_a_reason():
    assert 'class="safety"' not in fmt.answer_html(make_answer())


# --- a real server, driven through gradio_client -------------------------------


def fake_bot(fail: Exception | None = None) -> FakeBot:
    return FakeBot(lambda question, post: make_answer(question=question), fail=fail, pieces="words")


@pytest.fixture
def served():
    """Start an app on a free loopback port; yields (url, bots by spec); closes it after."""
    from bot.serve import ui

    apps = []

    def start(bots: dict[str, FakeBot]):
        def factory(spec):
            if spec == "missing-index":
                raise StoreError("No index at /nowhere. Run `bot index` first.")
            return bots[spec]

        app = ui.build_app(factory, generators=[*bots, "missing-index"])
        port = free_port()
        ui.launch(app, "127.0.0.1", port, block=False)
        apps.append(app)
        return f"http://127.0.0.1:{port}/"

    yield start
    for app in apps:
        app.close()


@pytest.mark.slow
def test_gradio_client_round_trip_keeps_the_conversation_and_reports_errors(served):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    bots = {"extractive": fake_bot(), "broken": fake_bot(fail=GeneratorError("The LLM server at http://x is unreachable."))}
    client = Client(served(bots), analytics_enabled=False, verbose=False)

    first = client.predict("Why do men pull away?", "extractive", api_name="/chat")
    assert first["text"] == make_answer().text
    assert [c["n"] for c in first["citations"]] == [1, 2] and first["citations"][1]["quote"] == HOSTILE
    second = client.predict("And what should I do?", "extractive", api_name="/chat")
    assert second["question"] == "And what should I do?"
    # the follow-up was asked with the first turn as history
    assert bots["extractive"].calls[1] == ("And what should I do?", [("Why do men pull away?", first["text"])])

    with pytest.raises(AppError, match="unreachable"):
        client.predict("Why?", "broken", api_name="/chat")
    with pytest.raises(AppError, match="Run `bot index`"):
        client.predict("Why?", "missing-index", api_name="/chat")
    with pytest.raises(AppError, match="empty"):
        client.predict("   ", "extractive", api_name="/chat")
    # still serving after the errors
    assert client.predict("Why again?", "extractive", api_name="/chat")["text"] == make_answer().text


@pytest.mark.slow
def test_chat_handler_streams_then_shows_sources_and_turns_errors_into_messages():
    """The UI's own event (not the API): several streamed updates, then the formatted answer."""
    from bot.serve import ui

    bot = fake_bot()
    app = ui.build_app(lambda spec: bot)
    respond = next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    updates = list(respond("Why?", [], [], "extractive"))
    assert len(updates) >= 2
    chat, history, ids = updates[-1]
    assert 'class="sources"' in chat[-1]["content"] and history == [["Why?", make_answer().text]]
    assert ids == {}  # the fake answer has no answer id, so it cannot be rated

    failing = ui.build_app(lambda spec: fake_bot(fail=RuntimeError("boom at line 3")))
    respond = next(f.fn for f in failing.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    chat, history, _ = list(respond("Why?", [], [], "extractive"))[-1]
    assert "Something went wrong" in chat[-1]["content"] and "boom" not in chat[-1]["content"]
    assert history == []
    chat, _, _ = list(respond("  ", [], [], "extractive"))[-1]
    assert "empty" in chat[-1]["content"]


@pytest.mark.slow
def test_over_the_rate_limit_the_chat_says_so_and_the_bot_is_not_asked():
    from types import SimpleNamespace

    from bot.serve import ui
    from bot.serve.answering import Answering, RateLimiter

    bot = fake_bot()
    app = ui.build_app(lambda spec: bot, answering=Answering(lambda spec: bot, limiter=RateLimiter(2)))
    respond = next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    visitor = SimpleNamespace(client=SimpleNamespace(host="198.51.100.7"))
    for _ in range(2):
        chat, _, _ = list(respond("Why?", [], [], "extractive", {}, visitor))[-1]
        assert 'class="sources"' in chat[-1]["content"]
    chat, history, _ = list(respond("Why?", [], [], "extractive", {}, visitor))[-1]
    assert "Too many questions" in chat[-1]["content"] and "wait" in chat[-1]["content"]
    assert len(bot.calls) == 2 and history == []
    other = SimpleNamespace(client=SimpleNamespace(host="198.51.100.8"))  # another address is not affected
    assert 'class="sources"' in list(respond("Why?", [], [], "extractive", {}, other))[-1][0][-1]["content"]


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_only_loopback_hosts_count_as_local(host, loopback):
    from bot.serve.http.access import is_loopback

    assert is_loopback(host) is loopback


def test_auth_must_be_user_colon_password():
    from bot.serve.ui import parse_auth
    from index.errors import InputError

    assert parse_auth("ann:s3:cret") == ("ann", "s3:cret") and parse_auth(None) is None
    for bad in ("ann", ":pw", "ann:"):
        with pytest.raises(InputError):
            parse_auth(bad)
