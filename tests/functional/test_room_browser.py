"""One real browser in the room: Debian's Chromium, driven by Selenium through chromedriver,
opens the room, joins, answers the first step and is told "✓ Right."

xterm.js draws the terminal on a canvas, so the text the page shows is read where xterm.js
gets it: a small script added before the page's own wraps WebSocket and keeps the terminal
bytes the page receives. `.ci/run` installs chromium and chromium-driver when missing."""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest

pytest.importorskip("textual_serve", reason="pip install -e '.[test]' again: the room needs textual-serve")
pytest.importorskip("selenium", reason="pip install -e '.[test]' again: the browser test needs selenium")

from tests.functional.test_room import CODE, make_room
from tutor.room.client import ANSI
from tutor.room.server import RoomServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif((not CHROMIUM or not DRIVER) and not os.environ.get("CI"),
                                   reason="Chromium and chromedriver are not installed (.ci/run installs them)")

KEEP_TERMINAL_TEXT = """
window.__terminal = "";
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  const decoder = new TextDecoder();
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") window.__terminal += decoder.decode(e.data, {stream: true});
  });
  return ws;
};
window.WebSocket.prototype = Native.prototype;
"""


def screen_text(driver) -> str:
    return ANSI.sub("", driver.execute_script("return window.__terminal || ''"))


def wait_until(driver, predicate, timeout: float = 60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"the page did not show it in {timeout} s; it shows:\n{screen_text(driver)[-2000:]}")


@needs_browser
def test_chromium_joins_and_answers_the_first_step(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    room, path = make_room(tmp_path / "home")
    server = RoomServer(room, path, port=0)
    server.start()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL_TEXT})
        driver.get(f"http://127.0.0.1:{server.port}/")
        assert "phones or tablets" in driver.page_source
        driver.find_element(By.ID, "name").send_keys("ann lee ")
        driver.find_element(By.ID, "code").send_keys(CODE.lower())
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_until(driver, lambda: "step 1 of 32" in screen_text(driver))
        box = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        before = len(screen_text(driver))
        box.send_keys("0.3775", Keys.ENTER)
        wait_until(driver, lambda: "✓ Right." in screen_text(driver)[before:])
        assert re.search(r"step 2 of 32", screen_text(driver)[before:])
        if os.environ.get("BPTUTOR_BROWSER_SHOT"):
            driver.save_screenshot(os.environ["BPTUTOR_BROWSER_SHOT"])
    finally:
        driver.quit()
        server.stop()
    from tutor.room.board import read_events

    assert [(e.learner, e.step, e.verdict) for e in read_events(room)] == [("Ann Lee", "net_h1", "right")]
