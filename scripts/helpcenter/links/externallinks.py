"""External links, checked on demand (never in the tests: CI has no internet).

The link check (:mod:`helpcenter.links.linkcheck`) only collects the external URLs of the built site and where
they are used; :func:`check_external` asks each one (HEAD, else GET), a few at a time and politely per
host, and :func:`external_problems` turns the failures into problems on the Markdown that uses them.
"""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol
from urllib.parse import urlsplit

from helpcenter.source.problems import Problem


class UsedAt(Protocol):
    """Where external URLs are used, e.g. a :class:`helpcenter.linkcheck.Report`."""

    def sources(self, url: str) -> list[tuple[str, int | None]]:
        """(Markdown file, line) of the first uses of an external URL."""


USER_AGENT = "ProAbono-help-center-linkcheck/1.0 (+https://www.proabono.com)"
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _fetch(url: str, timeout: float) -> str | None:
    """None when the URL answers with a non-error status, else the reason."""
    host = (urlsplit(url).hostname or "").lower()
    handlers = [urllib.request.ProxyHandler({})] if host in _LOCAL_HOSTS else []
    opener = urllib.request.build_opener(*handlers)
    last = None
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        try:
            with opener.open(req, timeout=timeout) as resp:
                if method == "GET":
                    resp.read(1024)
                return None
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if method == "HEAD" and exc.code in (400, 403, 405, 501):
                continue                  # some servers refuse HEAD: ask with GET
            return last
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"no answer ({reason})"
    return last


def check_external(urls, timeout: float = 10.0, workers: int = 8, per_host: int = 2, retries: int = 1,
                   retry_delay: float = 0.5) -> dict[str, str | None]:
    """Check external URLs: {url: None if fine, else the reason}.

    At most ``workers`` requests at once and ``per_host`` per host; a failed request (no answer, 429 or
    5xx) is retried ``retries`` times after ``retry_delay`` seconds. HEAD first, GET if HEAD is refused.
    """
    urls = sorted(set(urls))
    host_locks: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    guard = threading.Lock()

    def one(url: str) -> tuple[str, str | None]:
        host = urlsplit(url).netloc.lower()
        with guard:
            sem = host_locks[host]
        err = None
        for attempt in range(retries + 1):
            with sem:
                err = _fetch(url, timeout)
            transient = err is not None and (err.startswith("no answer") or err == "HTTP 429"
                                             or err.startswith("HTTP 5"))
            if not transient:
                break
            if attempt < retries:
                time.sleep(retry_delay)
        return url, err

    if not urls:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
        return dict(pool.map(one, urls))


def external_problems(report: UsedAt, results: dict[str, str | None]) -> list[Problem]:
    """One problem per failing URL and place it is used (``?`` when the report does not know where)."""
    problems = []
    for url, err in sorted(results.items()):
        if err is None:
            continue
        for file, line in report.sources(url) or [("?", None)]:
            problems.append(Problem(file, line, f"external link '{url}' fails: {err}",
                                    "fix or remove the link (the site may also be down: check it in a browser)"))
    return problems
