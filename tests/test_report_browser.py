"""report.html in a real browser: headless Chromium renders its charts, logs no error.

Chromium (Debian's `chromium`, installed by `make test` where it can be) is driven over
the DevTools protocol with a minimal websocket client: no network, no playwright. The
test skips, saying why, only when no Chromium binary is installed.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from websockets.sync.client import connect

from tests.report_helpers import build_edge_corpus, run_library

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-default-browser-check", "--hide-scrollbars", "--window-size=1280,900",
    "--remote-debugging-port=0", "--enable-logging=stderr", "--v=0",
)
EXPECTED_CHARTS = {"inputs", "removed-by-reason", "removal-share", "length", "languages",
                   "repairs"}
TIMEOUT_S = 60


def chromium_binary() -> str | None:
    found = os.environ.get("TEXTWASH_CHROMIUM") or shutil.which("chromium")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


class DevTools:
    """Just enough of the Chrome DevTools protocol: calls, and the events between them."""

    def __init__(self, url: str) -> None:
        self.ws = connect(url, max_size=None, open_timeout=TIMEOUT_S)
        self.events: list[dict[str, Any]] = []
        self.last_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        self.ws.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=TIMEOUT_S))
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            for message in self.events:
                if message.get("method") == event:
                    self.events.remove(message)
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv(timeout=left)))

    def drain(self, seconds: float) -> None:
        """Collect the events that arrive within `seconds` (late console messages)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return

    def errors(self) -> list[str]:
        found = []
        for message in self.events:
            method, params = message.get("method"), message.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(f"console.{params['type']}: {params['args']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']}")
        return found

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.drain(0.5)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def browser(tmp_path: Path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed: `make test` installs Debian's `chromium` when "
                    "run as root with apt-get; install it to run this test")
    process = subprocess.Popen(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace",
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr],
                     daemon=True).start()
    seen, endpoint, deadline = [], None, time.monotonic() + TIMEOUT_S
    while endpoint is None and time.monotonic() < deadline and process.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if "DevTools listening on ws://" in line:
            endpoint = line.split("ws://", 1)[1].split("/", 1)[0]
    try:
        assert endpoint, "Chromium did not start:\n" + "".join(seen[-20:])
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        targets = json.load(no_proxy.open(f"http://{endpoint}/json/list", timeout=TIMEOUT_S))
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            tools.call(f"{domain}.enable")
        yield tools
        tools.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


CHART_BOXES = """JSON.stringify([...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('.bar')];
  return {name: svg.dataset.chart, x: box.x + scrollX, y: box.y + scrollY,
          width: box.width, height: box.height,
          bars: bars.filter(b => Number(b.dataset.value) > 0).length,
          drawn: bars.filter(b => { const r = b.getBoundingClientRect();
                                     return r.width > 0 && r.height > 0; }).length};
}))"""


def screenshot(tools: DevTools, path: Path) -> Image.Image:
    size = tools.call("Page.getLayoutMetrics")["cssContentSize"]
    shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                            "scale": 1})
    path.write_bytes(base64.b64decode(shot["data"]))
    return Image.open(path).convert("RGB")


def coloured_pixels(image: Image.Image) -> int:
    """Pixels clearly not grey: the bars (text and rules are black, grey or white)."""
    pixels = np.asarray(image, dtype=np.int16)
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


def test_report_renders_its_charts_in_chromium_without_console_errors(browser, tmp_path: Path):
    raw = build_edge_corpus(tmp_path / "raw")
    result = run_library(raw, tmp_path / "clean")
    browser.open(Path(result["report"]).resolve().as_uri())
    assert browser.errors() == []

    charts = json.loads(browser.call("Runtime.evaluate", expression=CHART_BOXES)
                        ["result"]["value"])
    assert {chart["name"] for chart in charts} == EXPECTED_CHARTS
    image = screenshot(browser, tmp_path / "report.png")
    if os.environ.get("TEXTWASH_SCREENSHOT"):
        shutil.copy(tmp_path / "report.png", os.environ["TEXTWASH_SCREENSHOT"])
    assert image.width >= 1000 and image.height > 2000
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 20, chart
        assert chart["bars"] > 0 and chart["drawn"] == chart["bars"], chart
        box = (int(chart["x"]), int(chart["y"]), int(chart["x"] + chart["width"]),
               int(chart["y"] + chart["height"]))
        assert coloured_pixels(image.crop(box)) > 300, chart

    browser.open((Path(result["corpus_report"])).resolve().as_uri())
    assert browser.errors() == []
    names = json.loads(browser.call("Runtime.evaluate", expression=CHART_BOXES)
                       ["result"]["value"])
    assert {chart["name"] for chart in names} == {"corpus-languages", "runs"}


def test_console_errors_and_blocked_loads_are_caught(browser, tmp_path: Path):
    page = tmp_path / "bad.html"
    page.write_text(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
        "<p>blocked</p><script>console.error('should be caught')</script>", encoding="utf-8")
    browser.open(page.as_uri())
    errors = browser.errors()
    assert errors and any("Content Security Policy" in error for error in errors)
