"""Load generator: concurrent browser-like clients against a running GraphCRM.

Used by ``bench/bench_load.py`` (30 s) and ``tests/test_load.py`` (~10 s).
Each client signs in as one of the demo users and, until the time is up,
mixes page views, JSON API calls, searches and (for users who may edit)
"log an interaction" form posts with their CSRF token, as a browser would.
Every answer other than the expected one (200 for a read, 302 for a saved
form) counts as an error.  Every acknowledged write is remembered by its
unique summary so that it can be looked for afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class Browser:
    """One keep-alive HTTP connection with a session cookie."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookie: str | None = None
        self.conn = http.client.HTTPConnection(host, port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # a keep-alive connection the server closed: one new connection
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read().decode("utf-8", errors="replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def login(self, username: str, password: str) -> str:
        """Sign in; return the session's CSRF token."""
        status, page = self.request("GET", "/login")
        token = _CSRF.search(page).group(1)
        status, _ = self.request("POST", "/login", {"csrf_token": token, "username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")
        status, page = self.request("GET", "/")
        return _CSRF.search(page).group(1)


@dataclass
class Plan:
    """What one user may do: accounts to read, people whose page may log interactions."""

    username: str
    accounts: list[str]
    people: list[str]
    editable_people: list[str]


@dataclass
class Results:
    requests: int = 0
    reads: int = 0
    writes: list[str] = field(default_factory=list)  # summaries of acknowledged writes
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self) -> dict:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "writes_acknowledged": len(self.writes),
            "writes_per_s": round(len(self.writes) / self.seconds, 1) if self.seconds else 0,
            "errors": len(self.errors),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }


def plans(store, usernames: list[str]) -> list[Plan]:
    """Each user's accounts and people, from the store (the same rules as the app)."""
    every_account = [a["id"] for a in store.list_nodes("Account")]
    result = []
    for username in usernames:
        user = store.user_by_username(username)
        sees_all = user["role"] in ("admin", "director")
        accounts = every_account if sees_all else sorted(store.member_accounts(user["id"]))
        people = [p["id"] for a in accounts for p in store.people_of_account(a)]
        editable = people if user["role"] in ("admin", "manager", "bid") else []
        result.append(Plan(username, accounts, people, editable))
    return result


def _client(host: str, port: int, plan: Plan, password: str, number: int, deadline, results: Results) -> None:
    try:
        _session(host, port, plan, password, number, deadline, results)
    except Exception as exc:  # a client that cannot go on is an error, not a silent gap
        with results.lock:
            results.errors.append(f"client {number} ({plan.username}) stopped: {exc!r}")


def _session(host: str, port: int, plan: Plan, password: str, number: int, deadline,
             results: Results) -> None:
    rng = random.Random(number)
    browser = Browser(host, port)
    token = browser.login(plan.username, password)
    n = 0
    while not deadline():
        n += 1
        roll = rng.random()
        account = rng.choice(plan.accounts)
        if roll < 0.25 and plan.editable_people:
            person = rng.choice(plan.editable_people)
            summary = f"load {plan.username} #{number}-{n} 负载测试"
            form = {"csrf_token": token, "kind": rng.choice(["meeting", "call", "wechat", "visit"]),
                    "channel": "other", "at": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00",
                    "summary": summary, "sentiment": str(rng.randint(-2, 2))}
            method, path, expected = "POST", f"/people/{person}", 302
        elif roll < 0.45:
            form, method, path, expected = None, "GET", f"/api/accounts/{account}", 200
        elif roll < 0.7:
            form, method, path, expected = None, "GET", f"/accounts/{account}", 200
        elif roll < 0.85 and plan.people:
            form, method, path, expected = None, "GET", f"/people/{rng.choice(plan.people)}", 200
        elif roll < 0.93:
            form, method, path, expected = None, "GET", "/", 200
        else:
            form, method, path, expected = None, "GET", "/search?q=" + quote(rng.choice(["集团", "Li", "局"])), 200
        started = time.perf_counter()
        try:
            status, body = browser.request(method, path, form)
        except (http.client.HTTPException, OSError) as exc:
            status, body = 0, repr(exc)
        elapsed = time.perf_counter() - started
        ok = status == expected
        if ok and path.startswith("/api/"):
            ok = isinstance(json.loads(body), dict)
        with results.lock:
            results.requests += 1
            results.latencies.append(elapsed)
            if not ok:
                results.errors.append(f"{method} {path} -> {status}: {body[:200]}")
            elif method == "POST":
                results.writes.append(form["summary"])
            else:
                results.reads += 1


def run(host: str, port: int, plans_: list[Plan], password: str, *, clients: int = 16,
        seconds: float = 30.0, min_writes: int = 0) -> Results:
    """``clients`` threads, client k signed in as ``plans_[k % len(plans_)]``,
    for ``seconds``, or longer (at most a minute more) until ``min_writes``
    writes are acknowledged: a loaded machine still gives a test enough writes."""
    results = Results()
    started = time.monotonic()

    def deadline() -> bool:
        elapsed = time.monotonic() - started
        return elapsed >= seconds and (len(results.writes) >= min_writes or elapsed >= seconds + 60)

    threads = [
        threading.Thread(target=_client, args=(host, port, plans_[k % len(plans_)], password, k, deadline, results))
        for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.seconds = time.monotonic() - started
    return results


@contextmanager
def production_server(port: int, env: dict, host: str = "127.0.0.1"):
    """``graphcrm serve --prod`` (waitress, 16 threads) in a process of its own,
    stopped with SIGTERM (which stops it cleanly) on leaving.  Its output goes
    to a temporary file (a pipe nobody reads would stop it once full)."""
    graphcrm = Path(sys.executable).with_name("graphcrm")
    output = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [str(graphcrm), "serve", "--prod", "--plain-http", "--host", host, "--port", str(port)],
        env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output.seek(0)
                raise RuntimeError("graphcrm serve ended: " + output.read()[-2000:])
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("graphcrm serve does not answer") from None
                time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
