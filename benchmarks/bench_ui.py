"""Drive the real web chat in headless Chromium: screenshots and streaming times.

Starts `bot serve` on a free loopback port (the real index and models), asks a question and a
follow-up at desktop (1280x900) and phone (390x844) size, in the light and dark themes, saves
screenshots and prints time to first streamed text and to the full answer, measured in the page.

    .venv/bin/python benchmarks/bench_ui.py [--out screenshots] [--generator extractive]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from _net import free_port  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["Why do men pull away?", "What should I do while he is away?"]
SAFETY_QUESTION = "He pushed me against the wall when I asked why he went silent. Should I give him space?"
VIEWS = [("desktop", 1280, 900, 1, False), ("phone", 390, 844, 2, True)]

WATCH = """
const n0 = document.querySelectorAll('#chat .answer:not(.streaming)').length;
window.__t = {start: performance.now(), first: null, done: null};
new MutationObserver((_, obs) => {
  const now = performance.now();
  if (!window.__t.first && document.querySelector('#chat .answer.streaming .answer-text')) window.__t.first = now;
  if (document.querySelectorAll('#chat .answer:not(.streaming)').length > n0) {
    window.__t.done = now; window.__t.first = window.__t.first || now; obs.disconnect();
  }
}).observe(document.querySelector('#chat'), {subtree: true, childList: true, characterData: true});
document.querySelector('#ask').click();
"""


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            sys.exit(f"bot serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read(100)
            return time.perf_counter() - t0
        except OSError:
            time.sleep(0.2)
    sys.exit("bot serve did not come up")


def browser(profile: str, width: int, height: int, scale: int, mobile: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})
    return driver


def ask(driver, question: str, timeout: float = 300) -> tuple[float, float]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, "#question textarea").send_keys(question)
    driver.execute_script(WATCH)
    WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: d.execute_script("return window.__t.done"))
    t = driver.execute_script("return window.__t")
    return (t["first"] - t["start"]) / 1000, (t["done"] - t["start"]) / 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "screenshots"))
    ap.add_argument("--generator", default=None)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    port = free_port()
    cmd = [str(ROOT / ".venv/bin/bot"), "serve", "--port", str(port)]
    if args.generator:
        cmd += ["--generator", args.generator]
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        print(f"server up in {wait_http(url, proc):.1f} s")
        for theme in ("light", "dark"):
            for name, width, height, scale, mobile in VIEWS:
                with tempfile.TemporaryDirectory() as profile:
                    driver = browser(profile, width, height, scale, mobile)
                    try:
                        driver.get(f"{url}?__theme={theme}")
                        from selenium.webdriver.common.by import By
                        from selenium.webdriver.support.ui import WebDriverWait

                        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#question textarea"))
                        for i, q in enumerate(QUESTIONS, 1):
                            first, done = ask(driver, q)
                            print(f"{theme:5} {name:7} turn {i}: first text {first:.2f} s, full answer {done:.2f} s  ({q})")
                            time.sleep(0.8)  # the page scrolls to the new question
                            shot = out / f"{name}-{theme}-turn{i}.png"
                            driver.save_screenshot(str(shot))
                        if theme == "light":  # a fresh conversation that needs the safety box
                            driver.find_element(By.ID, "new-chat").click()
                            time.sleep(0.5)
                            first, done = ask(driver, SAFETY_QUESTION)
                            print(f"{theme:5} {name:7} safety: first text {first:.2f} s, full answer {done:.2f} s")
                            time.sleep(0.8)
                            driver.save_screenshot(str(out / f"{name}-{theme}-safety.png"))
                        if mobile:  # the controls and the about panel below the chat
                            driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
                            time.sleep(0.5)
                            driver.save_screenshot(str(out / f"{name}-{theme}-bottom.png"))
                        print(f"      saved {shot.parent}/{name}-{theme}-*.png")
                    finally:
                        driver.quit()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
