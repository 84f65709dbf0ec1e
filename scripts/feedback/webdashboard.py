"""``/dashboard``: the HTML dashboard (``dashboard.render``) served by the collector, behind a token.

Off unless a token is configured (``--dashboard-token`` / ``FEEDBACK_DASHBOARD_TOKEN``): then the path does
not exist (404 like any unknown path). The token never travels in an address (an address ends up in logs,
nginx's error log when the collector is down included, and in the browser's history):

* ``GET /dashboard`` with ``Authorization: Bearer <token>`` (a script), or with the session cookie the
  sign-in sets, answers the dashboard; without either, the sign-in page (a form, 401);
* ``POST /dashboard`` with the form's ``token`` (``application/x-www-form-urlencoded``) sets the session
  cookie (HttpOnly, SameSite=Strict, Path=/dashboard, Secure when the page is HTTPS, 12 hours) and redirects
  (303) to ``GET /dashboard``; a wrong token answers the sign-in page again (401);
* anything in the address (``/dashboard?token=…``, any query string) is refused (400, the sign-in page
  saying how to sign in), and never logged.

The cookie holds no token: its expiry and an HMAC of it keyed by the token (``_session``), so that changing
the token (restart with another) signs everyone out. Tokens are compared in constant time (digests of equal
length). The rate limit of every request applies. Pages are served with their own Content-Security-Policy
(inline styles only, no script; the sign-in page may post to itself only), no cache, no referrer (the
sign-in page: same origin only, so that its form post names its origin), no CORS
(``app.Guard``: the response's own headers win; a same-origin form post is let through).

Rendering (matplotlib) takes a CPU second or so: a page is reused for ``cache_seconds`` and concurrent
requests wait for the same rendering, so that requests cannot load the service. It runs in a thread of
its own, its storage reads in the storage thread (``Batcher.call``), so that votes are not held up while
the charts are drawn.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

DASHBOARD_CACHE = 5.0       # seconds a rendered page is reused
MIN_TOKEN = 16              # characters: a shorter token is refused at start
MAX_FORM = 1024             # bytes of a sign-in form
SESSION_SECONDS = 12 * 3600
COOKIE = "kb_dashboard"
CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SIGN_IN_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
HEADERS = {"content-security-policy": CSP, "cache-control": "no-store", "x-robots-tag": "noindex, nofollow",
           "referrer-policy": "no-referrer"}
# the form's post must carry the page's Origin (a browser sends "Origin: null" under no-referrer); its address
# holds nothing secret (nothing is ever accepted in it)
SIGN_IN_HEADERS = {"content-security-policy": SIGN_IN_CSP, "referrer-policy": "same-origin"}
NO_MATPLOTLIB = ("the dashboard needs matplotlib, which is not installed for this service: install the "
                 "collector's packages (.venv/bin/pip install -r requirements-dev.txt) and restart it")
HOW = ("sign in with the form on this page (it keeps you signed in for 12 hours), or send the header "
       "Authorization: Bearer <token>.")
NOT_IN_ADDRESS = ("The dashboard takes nothing in its address: a token there would end up in server logs and "
                  "in the browser's history. Open /dashboard without it, then " + HOW)
SIGN_IN_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;"
                 "color:#222}label{display:block;font-weight:600;margin:1rem 0 .25rem}input{width:100%;"
                 "box-sizing:border-box;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1.25rem;"
                 "font:inherit}.problem{color:#a00;font-weight:600}")


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


def sign_in_page(problem: str | None = None) -> str:
    """The sign-in form; ``problem`` is our own text (HTML-escaped here all the same)."""
    message = f'<p class="problem" role="alert">{html.escape(problem, quote=False)}</p>' if problem else ""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="same-origin">'
            f'<title>Help center feedback: sign in</title><style>{SIGN_IN_STYLE}</style></head><body><main>'
            f'<h1>Help center feedback</h1>{message}'
            '<form method="post" action="/dashboard">'
            '<label for="token">Dashboard token</label>'
            f'<input id="token" name="token" type="password" autocomplete="current-password" required '
            f'minlength="{MIN_TOKEN}" autofocus>'
            '<button type="submit">Sign in</button></form>'
            f'<p>To see the dashboard, {html.escape(HOW, quote=False)}</p></main></body></html>\n')


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
    """The route's logic: ``await page.answer(request)`` -> Response (GET and POST)."""

    def __init__(self, token: str, storage, batcher, catalogue, cache_seconds: float = DASHBOARD_CACHE,
                 json_response=None):
        check_token(token)
        self._digest = _digest(token)
        self._session_key = hashlib.sha256(b"kb-dashboard-session\0" + token.encode("utf-8", "surrogatepass")).digest()
        self._storage = _ThroughStorageThread(storage, batcher.call)
        self._catalogue = catalogue         # .current() -> Catalogue
        self._cache_seconds = cache_seconds
        self._json = json_response
        self._lock = asyncio.Lock()
        self._page: str | None = None
        self._at = -float("inf")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-dashboard")

    # ------------------------------------------------------------------------------- credentials

    def _right(self, given: str) -> bool:
        return hmac.compare_digest(_digest(given), self._digest)

    def _session(self, expires: int) -> str:
        sig = hmac.new(self._session_key, str(expires).encode(), hashlib.sha256).hexdigest()
        return f"{expires}.{sig}"

    def _valid_session(self, value: str | None, now: float | None = None) -> bool:
        expires, _, _ = (value or "").partition(".")
        if not expires.isdigit() or len(expires) > 12 or int(expires) <= (now or time.time()):
            return False
        return hmac.compare_digest(value.encode(), self._session(int(expires)).encode())

    def authorised(self, request: Request) -> bool:
        """A right bearer token, else a valid session cookie (a wrong bearer token is not saved by a cookie)."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return self._right(value.strip())
        return self._valid_session(request.cookies.get(COOKIE))

    # ------------------------------------------------------------------------------- answers

    @staticmethod
    def _sign_in(status: int, problem: str | None = None, headers: dict | None = None) -> Response:
        return Response(sign_in_page(problem), status_code=status, media_type="text/html",
                        headers={**HEADERS, **SIGN_IN_HEADERS, **(headers or {})})

    async def answer(self, request: Request) -> Response:
        if request.url.query:                 # never read, never logged: refused as it is
            return self._sign_in(400, NOT_IN_ADDRESS)
        if request.method == "POST":
            return await self._post(request)
        if not self.authorised(request):
            problem = "Wrong token." if request.headers.get("authorization") or request.cookies.get(COOKIE) else None
            return self._sign_in(401, problem, {"www-authenticate": 'Bearer realm="dashboard"'})
        try:
            page = await self.page()
        except _NoMatplotlib:
            return self._json({"error": NO_MATPLOTLIB}, 503)
        return Response(page, media_type="text/html", headers=HEADERS)

    async def _post(self, request: Request) -> Response:
        """The sign-in form: its token checked, a session cookie set, then the dashboard (303)."""
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media != "application/x-www-form-urlencoded":
            return self._sign_in(415, "Sign in with the form (application/x-www-form-urlencoded).")
        body, size = [], 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_FORM:
                    return self._sign_in(413, "The form is too large.")
                body.append(chunk)
        except ClientDisconnect:
            return self._sign_in(400, "The form did not arrive whole.")
        try:
            fields = parse_qsl(b"".join(body).decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                               errors="strict", max_num_fields=4)
        except (UnicodeDecodeError, ValueError):
            return self._sign_in(400, "The form could not be read.")
        given = [v for k, v in fields if k == "token"]
        if len(given) != 1 or not self._right(given[0]):
            return self._sign_in(401, "Wrong token.")
        expires = int(time.time()) + SESSION_SECONDS
        https = request.url.scheme == "https" or request.headers.get("origin", "").lower().startswith("https://")
        cookie = (f"{COOKIE}={self._session(expires)}; Max-Age={SESSION_SECONDS}; Path=/dashboard; HttpOnly; "
                  f"SameSite=Strict{'; Secure' if https else ''}")
        return Response(status_code=303, headers={**HEADERS, "location": "/dashboard", "set-cookie": cookie})

    # ------------------------------------------------------------------------------- rendering

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

    def close(self) -> None:
        self._executor.shutdown(wait=True)
