"""Closed-loop clients against gunicorn: each client signs in like a browser, then asks for one page after
another as fast as the answers come, for a fixed time per page (issue 13: two clients, two sync workers).

Plain ``http.client`` on the loopback address only; bounded in requests and time.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.pages import Page

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_REQUESTS_PER_PAGE = 100_000  # a bound, never reached in the seconds a page is given


class Browser:
    """One signed-in client: its own cookies, a new connection per request (gunicorn's sync workers close
    each one)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, dict(response.headers), content
        finally:
            conn.close()

    def post_form(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        """GET the form for its CSRF token, then POST it."""
        _, _, content = self.request("GET", path)
        token = CSRF_FIELD.search(content.decode(errors="replace"))
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token.group(1) if token else ""})

    def sign_in(self, email: str, password: str) -> None:
        status, headers, _ = self.post_form("/accounts/login/", {"username": email, "password": password})
        if status != 302:
            raise SystemExit(f"The bench user could not sign in (HTTP {status}).")

    def page_path(self, page: Page) -> str:
        if page.search is None:
            return page.path
        status, headers, _ = self.post_form(page.path, {"q": page.search})
        return headers.get("Location", page.path) if status == 302 else page.path


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def hammer(browsers: list[Browser], paths: list[str], seconds: float) -> Sample:
    """Every browser asks for its path in a loop for ``seconds``; requests per second of all of them."""
    sample = Sample()
    lock = threading.Lock()
    start_line = threading.Barrier(len(browsers) + 1)

    def loop(browser: Browser, path: str) -> None:
        start_line.wait()
        deadline = time.perf_counter() + seconds
        mine, errors = [], 0
        while time.perf_counter() < deadline and len(mine) < MAX_REQUESTS_PER_PAGE:
            started = time.perf_counter()
            status, _, _ = browser.request("GET", path)
            mine.append(time.perf_counter() - started)
            errors += status != 200
        with lock:
            sample.latencies.extend(mine)
            sample.errors += errors

    threads = [threading.Thread(target=loop, args=(b, p)) for b, p in zip(browsers, paths, strict=True)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    sample.elapsed = time.perf_counter() - began
    return sample
