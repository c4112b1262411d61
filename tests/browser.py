"""What the end-to-end tests share: the demo's ids they use, the check for
Debian's Chromium, the demo server in its own process, and a signed-in
browser session (fixtures ``demo_server``, ``browser`` and ``session_of`` in
conftest.py).  Not a test module.

Screenshots land in ``test-artifacts/e2e/`` (gitignored).  Chromium comes
from ``make browser`` (apt-get); without it the browser tests are skipped,
except under CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from graphcrm.config import Settings
from graphcrm.demo import DEMO_PASSWORD
from graphcrm.graph import embedded_server, open_store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"
XSS = "<img src=x onerror=alert(1)>"
#: a stakeholder with a hostile name, added to lina's account by ``serve_demo``
XSS_ID = "p-e2e-xss"
ACCOUNT = "acc-metro-group"        # lina's account in the demo
OTHER_TEAMS_ACCOUNT = "acc-citybureau"


def require_chromium() -> None:
    """Skip the calling test module when Chromium is missing (fail under CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` before the tests")
        pytest.skip(f"{CHROMIUM} is missing (run `make browser`)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"graphcrm serve exited with {process.returncode}; {log} ends with:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"graphcrm serve did not answer on {url} within {timeout:.0f} s; {log} ends with:\n{_tail(log)}")


@contextmanager
def serve_demo(tmp_path_factory):
    """``graphcrm serve --demo`` on a free port; yields its base URL and settings."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    settings = Settings(data_dir=data_dir, secret_key="e2e-secret")
    port = _free_port()
    env = {**os.environ, "GRAPHCRM_DATA_DIR": str(data_dir), "GRAPHCRM_SECRET_KEY": "e2e-secret"}
    # its output, the request log included, goes to a file: a pipe nobody reads would
    # fill up and block the server
    log = tmp_path_factory.mktemp("e2e-serve") / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "graphcrm.cli", "serve", "--demo", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/login", process, log)
        # a stakeholder with a hostile name on lina's account, known to her
        with open_store(settings) as store:
            store.create_person(ACCOUNT, {"name": XSS, "title": XSS, "department": "运营部",
                                          "influence": 3, "stance": "champion"}, id=XSS_ID)
            store.relate("RELATIONSHIP", "u-lina", XSS_ID, {"strength": 3})
        yield base, settings
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        embedded_server(settings).stop()


class Session:
    """One signed-in browser context; records page errors and CSP violations."""

    def __init__(self, browser, base: str, username: str, locale: str = "en-US"):
        self.base = base
        self.context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("dialog", self._dialog)
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form.card button[type=submit]")

    def _console(self, message):
        # failed loads are reported by _response (a 404 page itself is expected)
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def wait_for_network(self, timeout: float = 20.0) -> None:
        """Wait until the network is drawn and laid out for good: network.js marks its
        container ``data-settled`` once stabilization has ended and physics is off, so
        no node moves after that (the force layout has no fixed seed)."""
        # polled from here: page.wait_for_function evaluates strings, which the CSP forbids
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(
                "!!window.graphcrmNetwork && document.getElementById('network').dataset.settled === 'true'"):
            assert time.monotonic() < deadline, "the network's layout did not settle"
            time.sleep(0.1)

    def wait_until(self, check: str, timeout: float = 15.0) -> None:
        """Poll ``check`` (a script expression) until it is true (page.wait_for_function
        evaluates strings, which the CSP forbids)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(check):
            assert time.monotonic() < deadline, check
            time.sleep(0.05)

    def text_matching(self, selector: str, pattern: str, timeout: float = 15.0) -> str:
        """The text of ``selector`` (a status line) once it matches ``pattern`` (a regular expression)."""
        deadline = time.monotonic() + timeout
        while True:
            said = self.page.text_content(selector) or ""
            if re.search(pattern, said):
                return said
            assert time.monotonic() < deadline, f"{selector} {said!r} never matched {pattern!r}"
            time.sleep(0.05)

    def point_on_node(self, node_id: str) -> dict:
        """A point of the canvas (page coordinates) where the network finds the node
        ``node_id`` on top, after zooming in on it: its centre unless another node
        covers that, else the first such point of its bounding box."""
        point = self.page.evaluate("""(nodeId) => {
            const network = window.graphcrmNetwork;
            network.focus(nodeId, {scale: 1.5, animation: false});
            const centre = network.canvasToDOM(network.getPositions([nodeId])[nodeId]);
            if (network.getNodeAt(centre) === nodeId) { return centre; }
            const box = network.getBoundingBox(nodeId);
            for (let i = 0; i <= 10; i++) {
                for (let j = 0; j <= 10; j++) {
                    const dom = network.canvasToDOM({x: box.left + (box.right - box.left) * j / 10,
                                                     y: box.top + (box.bottom - box.top) * i / 10});
                    if (network.getNodeAt(dom) === nodeId) { return dom; }
                }
            }
            return null;
        }""", node_id)
        assert point is not None, f"{node_id} is covered by other nodes"
        box = self.page.locator("#network canvas").bounding_box()
        return {"x": box["x"] + point["x"], "y": box["y"] + point["y"]}

    def close(self) -> None:
        self.context.close()
