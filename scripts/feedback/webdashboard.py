"""``GET /dashboard``: the HTML dashboard (``dashboard.render``) served by the collector, behind a token.

Off unless a token is configured (``--dashboard-token`` / ``FEEDBACK_DASHBOARD_TOKEN``): then the route does
not exist (404 like any unknown path). The token comes as ``Authorization: Bearer <token>`` or
``?token=<token>`` (a support lead opens a link in a browser); it is compared in constant time (digests of
equal length), and a wrong or missing one is answered 401. The rate limit of every request applies.

Rendering (matplotlib) takes a CPU second or so: a page is reused for ``cache_seconds`` and concurrent
requests wait for the same rendering, so that requests cannot load the service. It runs in a thread of
its own, its storage reads in the storage thread (``Batcher.call``), so that votes are not held up while
the charts are drawn. The page is served with a Content-Security-Policy that allows its inline styles
only (no script, no fetch), no cache, no CORS (``app.Guard``: the response's own headers win).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import Response

DASHBOARD_CACHE = 5.0       # seconds a rendered page is reused
MIN_TOKEN = 16              # characters: a shorter token is refused at start
CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HEADERS = {"content-security-policy": CSP, "cache-control": "no-store", "x-robots-tag": "noindex, nofollow",
           "referrer-policy": "no-referrer"}
NO_MATPLOTLIB = ("the dashboard needs matplotlib, which is not installed for this service: install the "
                 "collector's packages (.venv/bin/pip install -r requirements-dev.txt) and restart it")


class TokenError(ValueError):
    pass


class _NoMatplotlib(Exception):
    pass


def check_token(token: str) -> str:
    """The configured token, or TokenError saying what is wrong with it."""
    if len(token) < MIN_TOKEN or not token.isprintable() or token != token.strip():
        raise TokenError(f"the dashboard token must be at least {MIN_TOKEN} printable characters without spaces "
                         "around (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(24))')")
    return token


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class _ThroughStorageThread:
    """The storage, its methods run in the storage thread (called from another thread)."""

    def __init__(self, storage, call):
        self._storage, self._call = storage, call

    def __getattr__(self, name):
        attr = getattr(self._storage, name)
        if not callable(attr):
            return attr
        return lambda *args, **kwargs: self._call(attr, *args, **kwargs)


class DashboardPage:
    """The route's logic: ``await page.answer(request)`` -> Response."""

    def __init__(self, token: str, storage, batcher, catalogue, cache_seconds: float = DASHBOARD_CACHE,
                 json_response=None):
        self._digest = _digest(check_token(token))
        self._storage = _ThroughStorageThread(storage, batcher.call)
        self._catalogue = catalogue         # .current() -> Catalogue
        self._cache_seconds = cache_seconds
        self._json = json_response
        self._lock = asyncio.Lock()
        self._page: str | None = None
        self._at = -float("inf")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-dashboard")

    def authorised(self, request: Request) -> bool:
        given = request.query_params.get("token")
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            given = value.strip()
        return given is not None and hmac.compare_digest(_digest(given), self._digest)

    def _render(self) -> str:
        try:
            import matplotlib.figure  # noqa: F401  (the charts need it; say so rather than fail midway)
        except ImportError:
            raise _NoMatplotlib() from None
        from .dashboard import render
        return render(self._storage, self._catalogue.current())

    async def page(self) -> str:
        async with self._lock:          # concurrent requests wait for one rendering, then share it
            if time.monotonic() - self._at >= self._cache_seconds:
                loop = asyncio.get_running_loop()
                self._page = await loop.run_in_executor(self._executor, self._render)
                self._at = time.monotonic()
            return self._page

    async def answer(self, request: Request) -> Response:
        if not self.authorised(request):
            return self._json({"error": "the dashboard needs its token: Authorization: Bearer <token>, or "
                                        "?token=<token>"}, 401, {"www-authenticate": 'Bearer realm="dashboard"'})
        try:
            page = await self.page()
        except _NoMatplotlib:
            return self._json({"error": NO_MATPLOTLIB}, 503)
        return Response(page, media_type="text/html", headers=HEADERS)

    def close(self) -> None:
        self._executor.shutdown(wait=True)

