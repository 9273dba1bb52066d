"""The web chat in a real browser: Debian's headless Chromium driven by Selenium.

A tmp store holds the real seed plus a hostile reader comment whose markup would set
``window.__pwned`` and ``document.title`` if it ever ran. We ask about it, wait for the
streamed answer, and check that citations and sources are on the page and nothing ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.build import build_index
from index.config import Settings

from tests.conftest import SEED, free_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
HOSTILE_AUTHOR = "Mallory <b>X</b>"
HOSTILE_BODY = (
    "Giving him space worked for me, the cave thing is real. "
    "<img src=x onerror=\"document.title='PWNED';window.__pwned=1\"> "
    "<script>window.__pwned=2</script> <svg onload=\"window.__pwned=3\"></svg>"
)
QUESTION = "What did Mallory say about giving him space? <img src=y onerror=\"window.__pwned=4\">"
SAFETY_QUESTION = "He pushed me against the wall when I asked why he went silent. Should I give him space?"
# [page width, viewport width, lines of text in the "New conversation" button, does its text fit in it]
LAYOUT = """
const b = document.getElementById('new-chat'), r = document.createRange();
r.selectNodeContents(b);
const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top))).size;
return [document.documentElement.scrollWidth, window.innerWidth, lines, b.scrollWidth <= b.clientWidth];
"""
# the scroll-to-latest arrow (when shown) against every message bubble: the bubbles it overlaps
ARROW_OVERLAPS = """
const a = document.querySelector('#chat .scroll-down-button-container button');
if (!a) return [];
const r = a.getBoundingClientRect();
return [...document.querySelectorAll('#chat .message-content')].map(m => m.getBoundingClientRect())
  .filter(m => m.left < r.right && r.left < m.right && m.top < r.bottom && r.top < m.bottom)
  .map(m => [m.left, m.right, r.left, r.right]);
"""


@pytest.fixture
def hostile_store(tmp_path, fake_embeddings) -> Settings:
    seed = tmp_path / "why-men-pull-away.txt"
    text = SEED.read_text(encoding="utf-8").rstrip("\n")
    seed.write_text(f"{text}\n\n  • {HOSTILE_AUTHOR}\n\n    {HOSTILE_BODY}\n", encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store")
    build_index([seed], settings, embeddings=fake_embeddings, progress=False)
    return settings


@pytest.fixture
def server(hostile_store, fake_embeddings):
    from bot.serve import ui
    from bot.api import Bot

    bot = Bot(settings=hostile_store, embeddings=fake_embeddings)
    app = ui.build_app(lambda spec: bot, generators=["extractive"])
    port = free_port()
    ui.launch(app, "127.0.0.1", port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture
def browser(tmp_path):
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.fail("Chromium is not installed: run `make browser` (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium-profile'}",
                 "--window-size=1280,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def screenshot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    driver.save_screenshot(str(path))
    if os.environ.get("SCREENSHOT_DIR"):
        out = Path(os.environ["SCREENSHOT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / name)
    return path


def ask(driver, question: str, answers_before: int, timeout: float = 120):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    done = "#chat .answer:not(.streaming)"
    WebDriverWait(driver, timeout).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, done)) > answers_before)
    return driver.find_elements(By.CSS_SELECTOR, done)[-1]


def test_a_question_gets_a_cited_streamed_answer_and_hostile_markup_stays_text(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
    answer = ask(browser, QUESTION, answers_before=0)

    assert "error" not in answer.get_attribute("class"), answer.text
    markers = answer.find_elements(By.CSS_SELECTOR, ".answer-text sup.cite")
    sources = answer.find_elements(By.CSS_SELECTOR, "li.source")
    assert markers and sources
    numbers = {s.find_element(By.CSS_SELECTOR, ".src-n").text for s in sources}
    assert {m.text for m in markers} <= numbers  # every marker has its numbered source
    assert all(s.find_element(By.CSS_SELECTOR, "blockquote.src-quote").text.strip() for s in sources)

    page = browser.find_element(By.ID, "chat").text
    assert "<img src=y" in page  # the question is shown as typed
    assert HOSTILE_AUTHOR in page and "<img src=x onerror=" in page  # the comment is cited, shown as text
    ran = browser.execute_script(
        "return [window.__pwned || null, document.title,"
        " document.querySelectorAll('#chat img[src=\"x\"], #chat img[src=\"y\"], #chat script, #chat svg[onload]').length]"
    )
    assert ran[0] is None and ran[1] != "PWNED" and ran[2] == 0, ran
    assert screenshot(browser, tmp_path, "browser-desktop.png").stat().st_size > 10_000

    # a follow-up in the same conversation, then a fresh start
    ask(browser, "Why does he need that space?", answers_before=1)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chat .question")) == 2
    browser.find_element(By.ID, "new-chat").click()
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#chat .question"))

    # the empty chat offers example questions; clicking one asks it
    example = browser.find_elements(By.CSS_SELECTOR, "#chat button.example")[0]
    asked = example.text
    example.click()
    WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .answer:not(.streaming)"))
    assert browser.find_element(By.CSS_SELECTOR, "#chat .question").text == asked
    assert browser.execute_script("return window.__pwned || null") is None
    page_width, viewport, lines, fits = browser.execute_script(LAYOUT)
    assert page_width <= viewport and lines == 1 and fits, (page_width, viewport, lines, fits)


def test_at_phone_width_nothing_is_wider_than_the_screen(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    browser.get(server)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
    # an answer with the helplines box: long URLs, a long question and the hostile comment's markup
    answer = ask(browser, SAFETY_QUESTION, answers_before=0)
    page_width, viewport, lines, fits = browser.execute_script(LAYOUT)
    assert viewport == 390 and page_width <= viewport, (page_width, viewport)
    box = answer.find_element(By.CSS_SELECTOR, ".safety").text.lower()
    # helplines in the page's order: US, then UK, then elsewhere
    assert 0 <= box.index("(us)") < box.index("(uk)") < box.index("(elsewhere)"), box
    assert lines == 1 and fits
    assert browser.execute_script(ARROW_OVERLAPS) == []
    ask(browser, QUESTION, answers_before=1)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(browser, tmp_path, "browser-phone.png")


def test_a_thumb_in_the_browser_and_a_rating_from_the_api_come_back_out_of_the_export(
        hostile_store, fake_embeddings, browser, tmp_path):
    """The feedback loop end to end: Selenium clicks the thumb under an answer and leaves a comment,
    a script rates an API answer, and `bot feedback export` gives both back."""
    import json
    import time
    from dataclasses import replace

    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from bot.api import Bot
    from bot.cli import main
    from bot.serve.server import create_app, start

    db = tmp_path / "ratings.sqlite3"
    settings = replace(hostile_store, rate_limit=0, feedback_path=db)
    bot = Bot(settings=settings, embeddings=fake_embeddings)
    app, answering = create_app(settings, "127.0.0.1", bot_factory=lambda spec: bot, generators=["extractive"])
    running = start(app, "127.0.0.1", free_port())
    try:
        browser.get(running.url + "/")
        WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
        ask(browser, "Why do men pull away?", answers_before=0)
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '#chat button[aria-label="Dislike"]'))
        browser.find_elements(By.CSS_SELECTOR, '#chat button[aria-label="Dislike"]')[-1].click()
        box = WebDriverWait(browser, 30).until(
            lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#feedback-comment textarea, #feedback-comment input")
                       if e.is_displayed()])[0]
        box.send_keys("It never says what to do.")
        browser.find_element(By.ID, "feedback-send").click()
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(  # the comment box closes once it is sent
            "const r = document.getElementById('feedback-row'); return !r || r.offsetParent === null;"))
        screenshot(browser, tmp_path, "browser-feedback.png")

        r = httpx.post(f"{running.url}/v1/chat/completions", timeout=120,
                       json={"model": "extractive", "messages": [{"role": "user", "content": "What is oxytocin?"}]})
        rated = httpx.post(f"{running.url}/v1/feedback", json={"answer_id": r.json()["id"], "rating": "up"})
        assert rated.status_code == 200, rated.text
        assert httpx.post(f"{running.url}/v1/feedback", json={"answer_id": "f" * 32, "rating": "up"}).status_code == 404

        deadline = time.monotonic() + 30
        while answering.feedback.store.count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        for fmt in ("jsonl", "csv"):
            out = tmp_path / f"export.{fmt}"
            assert main(["feedback", "export", "--format", fmt, "--feedback-path", str(db), "--out", str(out)]) == 0
            from bot.serve.feedback import read_export

            records = {rec["question"]: rec for rec in read_export(out)}
            web, api = records["Why do men pull away?"], records["What is oxytocin?"]
            assert (web["rating"], web["comment"]) == ("down", "It never says what to do.")
            assert (api["rating"], api["comment"]) == ("up", "")
            for rec in (web, api):
                assert rec["citations"] and rec["answer"] and rec["index_version"].startswith("v-")
                assert rec["generator"] == "extractive"
        assert json.loads((tmp_path / "export.jsonl").read_text().splitlines()[0])["answer_id"]
    finally:
        running.stop()
        answering.close()


def test_a_post_in_the_url_opens_its_page_and_an_unknown_one_names_the_posts(tmp_path, fake_embeddings, browser):
    """Two posts behind `bot serve`'s app: /?post=SLUG gives that post's title and examples with the picker
    hidden, and a question there is answered; /?post=nope shows a message naming both posts."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from bot.api import Bot
    from bot.serve.server import create_app, start

    sourdough = Path(__file__).resolve().parents[3] / "seeds" / "posts" / "sourdough-troubleshooting.txt"
    settings = Settings(store_dir=tmp_path / "store", rate_limit=0, feedback=False)
    build_index([SEED, sourdough], settings, embeddings=fake_embeddings, progress=False)
    bot = Bot(settings=settings, embeddings=fake_embeddings)
    app, answering = create_app(settings, "127.0.0.1", bot_factory=lambda spec: bot, generators=["extractive"])
    running = start(app, "127.0.0.1", free_port())
    try:
        browser.get(running.url + "/?post=sourdough-troubleshooting")
        WebDriverWait(browser, 60).until(lambda d: "Sourdough Flat" in d.find_element(By.ID, "title").text)
        assert not [e for e in browser.find_elements(By.ID, "post-picker") if e.is_displayed()]
        assert "Sourdough Flat" in browser.title
        answer = ask(browser, "Why is my loaf flat and dense?", answers_before=0)
        assert "error" not in answer.get_attribute("class") and answer.find_elements(By.CSS_SELECTOR, "li.source")
        assert "sourdough" in answer.text.lower() or "loaf" in answer.text.lower()
        screenshot(browser, tmp_path, "browser-post.png")

        browser.get(running.url + "/?post=nope")
        notice = WebDriverWait(browser, 60).until(
            lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#post-notice .post-notice") if e.is_displayed()])[0]
        assert "nope" in notice.text and "sourdough-troubleshooting" in notice.text and "why-men-pull-away" in notice.text
        assert [e for e in browser.find_elements(By.ID, "post-picker") if e.is_displayed()]
        screenshot(browser, tmp_path, "browser-post-unknown.png")
    finally:
        running.stop()
        answering.close()
