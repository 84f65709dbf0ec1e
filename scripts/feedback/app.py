"""The ASGI service (Starlette, served by uvicorn).

    POST /api/feedback          {"id", "lang", "value": "yes"|"no", "comment"?, "url"?, "title"?, "vote_id"?,
                                "reason"?} -> 201 (the same vote_id again replaces that vote: counted once;
                                reason: outdated|missing-steps|unclear|other, with "no" only)
    POST /api/view              {"id", "lang", "url"?, "title"?} -> 201
    POST /api/search            {"lang", "query", "results", "clicked_id"?, "search_id"?} -> 201 (a search the
                                reader settled on; only its cleaned query is kept, ``queries``; the same
                                search_id again, from the same client address the same day, replaces that
                                report; from another address -> 403; searches per network per day capped)
    GET  /api/feedback/summary  [?lang=fr] [&since=YYYY-MM-DD] -> per article and language: yes, no,
                                helpful_ratio, views, reasons {code: n} (every code, 0 included)
    GET  /api/health            -> {"ok": true, "articles": N}, or 503 {"ok": false, "storage": "<why>", ...}
                                when the database cannot take votes (file deleted, not writable, disk full,
                                unreachable)
    GET  /dashboard             only with a dashboard token (else 404): the HTML dashboard, for
                                "Authorization: Bearer <token>" or the session cookie; else the sign-in
                                page (401); anything in the address (?token=...) -> 400 (``webdashboard``)
    POST /dashboard             the sign-in form (token=...) -> 303 to /dashboard with the session cookie

Refusals are JSON ``{"error": "...", "details": [{"field", "message"}]}`` with a 4xx status, and store
nothing. No cookies are set, except the dashboard's session cookie for whoever signs in to it; the client
address is used only for the rate limit, the daily limits and who may update a search: in memory
(``limits``), or with PostgreSQL in its limits tables, shared by every instance and kept only for the
window they count (``sharedlimits``); never with the events. A limit that cannot be checked (the database
does not answer) fails the request with 503, like a vote that cannot be stored.

Writes go through ``Batcher``: concurrent requests are written together in one transaction by one
storage thread (group commit), and each request is answered 201 only once its transaction is committed.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from typing import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from . import DEFAULT_ORIGINS, DEFAULT_RATE_LIMIT, DEFAULT_SEARCHES_PER_DAY, DEFAULT_VOTES_PER_DAY
from .catalogue import Catalogue, CatalogueFile
from .limits import MemoryLimits, RateLimiter, SearchLimiter  # noqa: F401 (RateLimiter: tests import it here)
from .sharedlimits import client_limits
from .searches import Search
from .storage import REASONS, Event, Rejected, Storage, StorageError, Vote
from .validation import (MAX_BODY, Invalid, check_content_type, parse_json, validate_search, validate_view,
                         validate_vote)
from .webdashboard import DASHBOARD_CACHE, DashboardPage

log = logging.getLogger("feedback")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
]
CORS_METHODS = "GET, POST"
CORS_HEADERS = {"content-type"}
NO_CORS = {"/dashboard"}     # pages for people, not for the site's scripts: never readable cross-origin
EVENT_PATHS = {"/api/feedback", "/api/view", "/api/search"}   # POSTs whose handler checks the limits in one go
HEALTH_TIMEOUT = 2.0    # seconds: a database slower than this to answer health is reported as not answering
HEALTH_CACHE = 1.0      # seconds a health result is reused


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json", headers=headers)


UNAVAILABLE = "storage unavailable; nothing was recorded, try again later"


def too_many(wait: float) -> Response:
    return json_response({"error": "too many requests from this client; try again later"}, 429,
                         {"retry-after": str(max(1, math.ceil(wait)))})


# -------------------------------------------------------------------------------------- group commit

class Batcher:
    """Writes events in batches from one storage thread; ``submit`` returns once the batch is committed."""

    def __init__(self, storage: Storage, max_batch: int = 500, timeout: float = 30.0):
        self.storage = storage
        self.max_batch = max_batch
        self.timeout = timeout      # a request still waiting after this is answered 503 (not acknowledged)
        self._pending: list[tuple[Event, asyncio.Future]] = []
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-storage")
        self._closing = False
        self.failure: StorageError | None = None   # why the last batch failed, until one succeeds

    def start(self) -> None:
        self._wakeup = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def submit(self, event: Event) -> None:
        if self._closing or self._task is None:
            raise StorageError("the service is shutting down")
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._pending.append((event, fut))
        self._wakeup.set()
        timer = loop.call_later(self.timeout, self._expire, fut)
        try:
            await fut
        finally:
            timer.cancel()

    def _expire(self, fut: asyncio.Future) -> None:
        if not fut.done():     # the write may still succeed later: the request is simply not acknowledged
            fut.set_exception(StorageError(f"the database did not answer within {self.timeout:g} s"))

    async def read(self, fn, *args):
        """Run a storage read in the storage thread (serialised with writes)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def call(self, fn, *args, **kwargs):
        """The same from another thread (never from the event loop): run ``fn`` in the storage thread, wait."""
        return self._executor.submit(fn, *args, **kwargs).result()

    def _write(self, events: list[Event]) -> list[Exception | None]:
        """Write ``events`` (in the storage thread); the error of each event, None when it is committed.

        A batch refused because of its content (``Rejected``, or an unexpected error) is split in two and
        each half written again, so that one bad event fails alone and the others are committed: a few
        more transactions for the batch that held it, none for the others. A database that is unavailable
        (``StorageError``) fails the whole batch: nothing was written, every request is answered 503."""
        try:
            self.storage.record(events)
            return [None] * len(events)
        except Exception as exc:  # noqa: BLE001 - every waiting request must get an answer
            if len(events) > 1 and (isinstance(exc, Rejected) or not isinstance(exc, StorageError)):
                mid = len(events) // 2
                return self._write(events[:mid]) + self._write(events[mid:])
            if isinstance(exc, Rejected):
                log.warning("%s", exc)
            elif isinstance(exc, StorageError):
                log.error("%s", exc)
            else:
                log.error("storage failure", exc_info=exc)
            return [exc] * len(events)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
                try:
                    errors = await loop.run_in_executor(self._executor, self._write, [e for e, _ in batch])
                except Exception as exc:  # noqa: BLE001 - e.g. the executor is gone: answer everyone
                    errors = [exc] * len(batch)
                down = [e for e in errors if isinstance(e, StorageError) and not isinstance(e, Rejected)]
                if down:
                    self.failure = down[0]
                elif None in errors:
                    self.failure = None
                for (_, fut), error in zip(batch, errors):
                    if fut.done():
                        continue
                    if error is None:
                        fut.set_result(None)
                    else:
                        fut.set_exception(error if isinstance(error, StorageError) else StorageError(str(error)))
            if self._closing:
                return

    async def close(self) -> None:
        """Write what is pending, then stop."""
        self._closing = True
        if self._task is not None:
            self._wakeup.set()
            await self._task
        self._executor.shutdown(wait=True)


# ----------------------------------------------------------------------------------- CORS and guard

def normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def own_origin(scope) -> str:
    """The origin the request was sent to, as a browser names it in ``Origin`` (scheme, Host header)."""
    host = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"host"), "")
    return normalise_origin(f"{scope.get('scheme', 'http')}://{host}")


class Guard:
    """Pure ASGI middleware: CORS for the configured origins only (not for ``NO_CORS`` paths), refusal of
    other origins (a ``NO_CORS`` page may also be posted to from itself: the dashboard's sign-in form), the
    per-client rate limit (for an event's POST, its handler checks it with the event's daily limit: one
    check), and security headers on every response (a header the response sets itself, e.g. the
    dashboard's Content-Security-Policy, is not added a second time)."""

    def __init__(self, app, origins: Iterable[str], limits: MemoryLimits):
        self.app = app
        self.origins = {normalise_origin(o) for o in origins}
        self.limits = limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        origin = req_method = req_headers = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value.decode("latin-1")
            elif name == b"access-control-request-method":
                req_method = value.decode("latin-1")
            elif name == b"access-control-request-headers":
                req_headers = value.decode("latin-1")
        allowed = origin is not None and normalise_origin(origin) in self.origins
        if origin is not None and not allowed and scope["path"] in NO_CORS:
            allowed = normalise_origin(origin) == own_origin(scope)       # same origin: no CORS needed
        cors = allowed and scope["path"] not in NO_CORS
        extra = list(SECURITY_HEADERS) + [(b"vary", b"Origin")]
        if cors:
            extra.append((b"access-control-allow-origin", origin.encode("latin-1")))

        async def reply(response: Response):
            response.raw_headers.extend(extra)
            await response(scope, receive, send)

        if scope["method"] == "OPTIONS" and origin is not None:
            if not allowed:
                return await reply(json_response(
                    {"error": "origin not allowed (the service accepts the origins given with --origin)"}, 403))
            if not cors:
                return await reply(json_response({"error": "no cross-origin requests to this path"}, 403))
            if req_method not in ("GET", "POST"):
                return await reply(json_response({"error": "only GET and POST are allowed"}, 403))
            asked = {h.strip().lower() for h in (req_headers or "").split(",") if h.strip()}
            if not asked <= CORS_HEADERS:
                return await reply(json_response({"error": "only the Content-Type request header is allowed"}, 403))
            response = Response(status_code=204, headers={
                "access-control-allow-methods": CORS_METHODS,
                "access-control-allow-headers": "Content-Type",
                "access-control-max-age": "600",
            })
            return await reply(response)
        if origin is not None and not allowed:
            return await reply(json_response(
                {"error": "origin not allowed (the service accepts the origins given with --origin)"}, 403))
        if scope["path"] != "/api/health" and not (scope["method"] == "POST" and scope["path"] in EVENT_PATHS):
            try:
                wait = await self.limits.request(scope.get("client"))
            except StorageError as exc:
                log.error("%s", exc)
                return await reply(json_response({"error": UNAVAILABLE}, 503))
            if wait:
                return await reply(too_many(wait))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                own = list(message.get("headers", []))
                names = {name.lower() for name, _ in own}
                message["headers"] = own + [(n, v) for n, v in extra if n not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------------------------------- the app

class _Fixed:
    def __init__(self, catalogue: Catalogue):
        self._catalogue = catalogue

    def current(self) -> Catalogue:
        return self._catalogue


async def read_body(request: Request) -> bytes:
    """The request body, refusing (413) more than MAX_BODY bytes without reading further."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise Invalid(400, "invalid Content-Length")
        if int(length) > MAX_BODY:
            raise Invalid(413, f"body too large: at most {MAX_BODY} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise Invalid(413, f"body too large: at most {MAX_BODY} bytes")
            chunks.append(chunk)
    except ClientDisconnect:     # gone, or closed by the read deadline (connections.py): nobody to answer
        raise Invalid(400, "the client closed the connection before sending the whole body") from None
    return b"".join(chunks)


def create_app(storage: Storage, catalogue: CatalogueFile | Catalogue,
               origins: Iterable[str] = DEFAULT_ORIGINS, rate_limit: int = DEFAULT_RATE_LIMIT,
               max_batch: int = 500, write_timeout: float = 30.0, health_cache: float = HEALTH_CACHE,
               votes_per_day: int = DEFAULT_VOTES_PER_DAY, dashboard_token: str | None = None,
               dashboard_cache: float = DASHBOARD_CACHE, searches_per_day: int = DEFAULT_SEARCHES_PER_DAY,
               limits=None) -> Guard:
    """The service as an ASGI app. The caller opens and closes ``storage``. ``dashboard_token``: serve
    ``GET /dashboard`` to whoever gives it (``webdashboard``; TokenError when it is too weak). ``limits``:
    by default in PostgreSQL (shared by the instances) with a PostgreSQL storage, else in memory."""
    articles = _Fixed(catalogue) if isinstance(catalogue, Catalogue) else catalogue
    batcher = Batcher(storage, max_batch, write_timeout)
    if limits is None:
        limits = client_limits(storage, rate_limit, votes_per_day, searches_per_day)
    dashboard = (DashboardPage(dashboard_token, storage, batcher, articles, dashboard_cache, json_response)
                 if dashboard_token else None)

    async def receive_event(request: Request, validate) -> Response:
        """Validate, check the limits (the rate limit and the event's daily limit in one check; a refused
        request is checked against the rate limit only), store."""
        limited = False
        try:
            check_content_type(request.headers.get("content-type"))
            data = parse_json(await read_body(request))
            event = validate(data, articles.current())
            limited = True
            verdict = await limits.event(request.client, event)
            if verdict.rate:
                return too_many(verdict.rate)
            if verdict.daily:
                what = ("votes for this article" if isinstance(event, Vote) else "searches")
                return json_response({"error": f"too many {what} from your network today; try again tomorrow"},
                                     429, {"retry-after": str(math.ceil(verdict.daily))})
            if isinstance(event, Search):
                if verdict.search == SearchLimiter.FOREIGN:
                    raise Invalid(403, "search_id: this search was reported from another address; a search is "
                                       "updated only by the page that reported it",
                                  [{"field": "search_id", "message": "reported from another address"}])
                event = dataclasses.replace(event, replace=verdict.search == SearchLimiter.UPDATE)
            await batcher.submit(event)
        except Invalid as exc:
            if not limited:
                wait = await limits.request(request.client)
                if wait:
                    return too_many(wait)
            return json_response(exc.body(), exc.status)
        return json_response({"ok": True}, 201)

    async def post_feedback(request: Request) -> Response:
        return await receive_event(request, validate_vote)

    async def post_view(request: Request) -> Response:
        return await receive_event(request, validate_view)

    async def post_search(request: Request) -> Response:
        return await receive_event(request, validate_search)

    async def summary(request: Request) -> Response:
        cat = articles.current()
        params = request.query_params
        unknown = sorted(set(params) - {"lang", "since"})
        if unknown:
            return json_response({"error": f"unknown query parameter(s): {', '.join(u[:40] for u in unknown)}"}, 422)
        lang = params.get("lang")
        if lang is not None and lang not in cat.languages:
            return json_response({"error": f"lang: unknown language; expected one of {', '.join(cat.languages)}"}, 422)
        since = None
        if params.get("since") is not None:
            try:
                since = date.fromisoformat(params["since"])
            except ValueError:
                return json_response({"error": "since: expected a date YYYY-MM-DD"}, 422)
        totals = await batcher.read(storage.totals, since)
        reasons = await batcher.read(storage.reasons, since)
        order = {code: n for n, code in enumerate(cat.languages)}
        keys = set(totals) | set(cat.articles)
        rows = []
        for art_id, code in sorted(keys, key=lambda k: (k[0], order.get(k[1], len(order)), k[1])):
            if lang is not None and code != lang:
                continue
            c = totals.get((art_id, code))
            art = cat.get(art_id, code)
            ratio = c.helpful_ratio if c else None
            rows.append({"id": art_id, "lang": code, "title": art.title if art else None,
                         "url": art.url if art else None,
                         "yes": c.yes if c else 0, "no": c.no if c else 0,
                         "helpful_ratio": round(ratio, 4) if ratio is not None else None,
                         "views": c.views if c else 0,
                         "reasons": {r: reasons.get((art_id, code), {}).get(r, 0) for r in REASONS}})
        return json_response({"generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                              "since": since.isoformat() if since else None, "articles": rows})

    checked = {"at": -math.inf, "problem": None, "failure": None}

    async def storage_problem() -> str | None:
        """None when the storage can take votes; else why not. A cheap check (file identity, free space,
        connection), plus a real write once a batch failed, so that health recovers with the storage. At
        most one check per second, whatever the number of health requests (they are not rate limited),
        unless a write failed since."""
        if time.monotonic() - checked["at"] < health_cache and checked["failure"] is batcher.failure:
            return checked["problem"]
        try:
            problem = await asyncio.wait_for(batcher.read(storage.problem), HEALTH_TIMEOUT)
            if problem is None and batcher.failure is not None:
                await asyncio.wait_for(batcher.read(storage.check_writable), HEALTH_TIMEOUT)
                batcher.failure = None
        except StorageError as exc:
            problem = exc.reason
        except asyncio.TimeoutError:
            problem = f"the database did not answer within {HEALTH_TIMEOUT:g} s"
        checked.update(at=time.monotonic(), problem=problem, failure=batcher.failure)
        return problem

    async def health(request: Request) -> Response:
        problem = await storage_problem()
        if problem is not None:
            return json_response({"ok": False, "storage": problem, "articles": len(articles.current())}, 503)
        return json_response({"ok": True, "articles": len(articles.current())})

    async def http_error(request: Request, exc: HTTPException) -> Response:
        messages = {404: "not found", 405: "method not allowed"}
        return json_response({"error": messages.get(exc.status_code, exc.detail)}, exc.status_code,
                             dict(exc.headers or {}))

    async def storage_error(request: Request, exc: StorageError) -> Response:
        if isinstance(exc, Rejected):      # validation should have caught it: the database refused the data
            return json_response({"error": "invalid request: the database refused this data"}, 422)
        return json_response({"error": UNAVAILABLE}, 503)

    async def server_error(request: Request, exc: Exception) -> Response:
        return json_response({"error": "internal error"}, 500)

    @asynccontextmanager
    async def lifespan(app):
        batcher.start()
        try:
            yield
        finally:
            if dashboard is not None:
                dashboard.close()           # a rendering in progress ends before the storage thread
            await batcher.close()
            await limits.close()

    app = Starlette(
        routes=[
            Route("/api/feedback", post_feedback, methods=["POST"]),
            Route("/api/view", post_view, methods=["POST"]),
            Route("/api/search", post_search, methods=["POST"]),
            Route("/api/feedback/summary", summary, methods=["GET"]),
            Route("/api/health", health, methods=["GET"]),
            *([Route("/dashboard", dashboard.answer, methods=["GET", "POST"])] if dashboard else []),
        ],
        exception_handlers={HTTPException: http_error, StorageError: storage_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.batcher = batcher
    return Guard(app, origins, limits)
