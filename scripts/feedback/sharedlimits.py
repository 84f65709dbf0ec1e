"""The per-client limits of ``limits``, shared by every instance that uses one PostgreSQL database.

Two UNLOGGED tables (not written to the WAL: cheap; emptied only if PostgreSQL itself crashes, and then
the limits start afresh, as one instance's do on restart):

    kb_limits     (kind, key, win) -> n: requests of a client address in the minute ``win`` ('rate'), votes
                  of a network on an article and language ('vote') and searches of a network ('search')
                  in the UTC day ``win`` (windows are epoch seconds of their start)
    kb_limit_ids  (kind, key, win, id) -> owner: the votes (vote_id) and searches (search_id) counted that
                  day; a search with the client address that reported it (the only one that may update it)

Each check is one statement, so one round trip per request: ``INSERT … ON CONFLICT … DO UPDATE SET n = n + 1
WHERE n < limit RETURNING n`` for the rate limit and, in the same statement (common table expressions),
the event's daily limit. A request refused by the rate limit is not counted against the daily limit; the
counters move under PostgreSQL's row locks, so two instances never let more through than the limit.
Once a minute each instance's next statement also deletes the rows of windows that are over.

When the database cannot answer (or not within ``timeout`` seconds) the check raises ``StorageError``: the
request is answered 503 like a vote that cannot be stored, never let through unlimited. The windows come
from each instance's clock (keep the machines' clocks in sync, NTP).
"""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from .limits import MemoryLimits, RateLimiter, SearchLimiter, Verdict, network, until_midnight
from .postgres import PG_SCHEMA_LOCK, PostgresStorage, failure, redact_url
from .storage import StorageError

SCHEMA = [
    """CREATE UNLOGGED TABLE IF NOT EXISTS kb_limits (
        kind    TEXT    NOT NULL,
        key     TEXT    NOT NULL,
        win     BIGINT  NOT NULL,
        expires BIGINT  NOT NULL,
        n       INTEGER NOT NULL,
        PRIMARY KEY (kind, key, win)
    )""",
    """CREATE UNLOGGED TABLE IF NOT EXISTS kb_limit_ids (
        kind    TEXT    NOT NULL,
        key     TEXT    NOT NULL,
        win     BIGINT  NOT NULL,
        id      TEXT    NOT NULL,
        expires BIGINT  NOT NULL,
        owner   TEXT,
        PRIMARY KEY (kind, key, win, id)
    )""",
]
RATE = """r AS (INSERT INTO kb_limits (kind, key, win, expires, n)
    VALUES ('rate', %(who)s::text, %(minute)s::bigint, %(minute_end)s::bigint, 1)
    ON CONFLICT (kind, key, win) DO UPDATE SET n = kb_limits.n + 1 WHERE kb_limits.n < %(per_minute)s::int
    RETURNING n)"""
KNOWN = """k AS (SELECT owner FROM kb_limit_ids WHERE kind = %(kind)s::text AND key = %(idkey)s::text
    AND win = %(day)s::bigint AND id = %(id)s::text)"""
DAILY = """d AS (INSERT INTO kb_limits (kind, key, win, expires, n)
    SELECT %(kind)s::text, %(key)s::text, %(day)s::bigint, %(day_end)s::bigint, 1
    WHERE {gate} AND NOT EXISTS (SELECT 1 FROM k)
    ON CONFLICT (kind, key, win) DO UPDATE SET n = kb_limits.n + 1 WHERE kb_limits.n < %(per_day)s::int
    RETURNING n)"""
MARK = """m AS (INSERT INTO kb_limit_ids (kind, key, win, id, expires, owner)
    SELECT %(kind)s::text, %(idkey)s::text, %(day)s::bigint, %(id)s::text, %(day_end)s::bigint, %(who)s::text
    WHERE %(id)s::text IS NOT NULL AND {gate} AND NOT EXISTS (SELECT 1 FROM k) AND {counted}
    ON CONFLICT DO NOTHING)"""
CLEAN = """x AS (DELETE FROM kb_limits WHERE expires <= %(now)s::bigint),
    y AS (DELETE FROM kb_limit_ids WHERE expires <= %(now)s::bigint)"""
CLEAN_EVERY = 60.0      # seconds between two deletions of past windows, per instance


def statement(rate: bool, kind: str | None, daily: bool, clean: bool) -> str | None:
    """The one statement of a check: rate limit on or off; ``kind`` 'vote' or 'search' (else no daily
    part); ``daily``: that kind's cap is on (off, a search's owner is still recorded). Its row: (rate
    passed, owner of a known id, id known, daily cap passed). None when there is nothing to check."""
    parts, gate = [], "TRUE"
    if rate:
        parts.append(RATE)
        gate = "EXISTS (SELECT 1 FROM r)"
    counted, known = "TRUE", False
    if kind == "search" or (kind == "vote" and daily):
        parts.append(KNOWN)
        known = True
        if daily:
            parts.append(DAILY.format(gate=gate))
            counted = "EXISTS (SELECT 1 FROM d)"
        parts.append(MARK.format(gate=gate, counted=counted))
    if not parts:
        return None
    if clean:
        parts.append(CLEAN)
    owner = "(SELECT owner FROM k LIMIT 1), EXISTS (SELECT 1 FROM k)" if known else "NULL, FALSE"
    return f"WITH {', '.join(parts)} SELECT {gate}, {owner}, {counted}"


class PostgresLimits:
    """``limits.MemoryLimits``' interface, kept in PostgreSQL: a few connections of its own (autocommit,
    asynchronous commit), opened when first needed, reopened after a failure."""

    shared = True

    def __init__(self, url: str, rate_limit: int, votes_per_day: int, searches_per_day: int,
                 connections: int = 4, timeout: float = 5.0):
        import psycopg  # SQLite users never import it

        self._psycopg = psycopg
        self.url, self.timeout = url, timeout
        self.per_minute, self.votes_per_day, self.searches_per_day = rate_limit, votes_per_day, searches_per_day
        self._size = connections
        self._idle: list = []
        self._slots: asyncio.Semaphore | None = None
        self._cleaned = -CLEAN_EVERY
        try:
            with psycopg.connect(url, connect_timeout=10, application_name="kb-feedback") as conn:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_SCHEMA_LOCK,))
                    for stmt in SCHEMA:
                        conn.execute(stmt)
        except psycopg.Error as exc:
            raise StorageError(f"PostgreSQL ({redact_url(url)}): {failure(exc)}", "PostgreSQL: cannot create "
                               "the limits' tables") from None

    async def _connect(self):
        conn = await self._psycopg.AsyncConnection.connect(
            self.url, autocommit=True, connect_timeout=max(1, int(self.timeout)),
            application_name="kb-feedback-limits")
        await conn.execute("SET synchronous_commit = off")
        await conn.execute(f"SET statement_timeout = {int(self.timeout * 1000)}")
        return conn

    async def _run(self, sql: str, params: dict) -> tuple:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        async with self._slots:
            conn = self._idle.pop() if self._idle else None
            try:
                async def go():
                    nonlocal conn
                    if conn is None or conn.closed:
                        conn = await self._connect()
                    cur = await conn.execute(sql, params)
                    return await cur.fetchone()
                row = await asyncio.wait_for(go(), self.timeout)
            except (self._psycopg.Error, OSError, asyncio.TimeoutError) as exc:
                if conn is not None:
                    await _close(conn)
                why = (f"no answer within {self.timeout:g} s" if isinstance(exc, asyncio.TimeoutError)
                       else failure(exc))
                raise StorageError(f"PostgreSQL ({redact_url(self.url)}), the limits: {why}",
                                   "PostgreSQL: the limits cannot be checked") from None
            self._idle.append(conn)
            return row

    def _params(self, client, now: float) -> dict:
        minute = int(now // 60 * 60)
        day = int(now // 86400 * 86400)
        params = dict(who=RateLimiter.key(client), minute=minute, minute_end=minute + 60,
                      per_minute=self.per_minute, day=day, day_end=day + 86400, now=int(now))
        return params

    def _clean_due(self) -> bool:
        now = time.monotonic()
        if now - self._cleaned >= CLEAN_EVERY:
            self._cleaned = now
            return True
        return False

    async def request(self, client) -> float:
        if self.per_minute <= 0:
            return 0.0
        now = time.time()
        params = self._params(client, now)
        sql = statement(True, None, False, self._clean_due())
        passed = (await self._run(sql, params))[0]
        return 0.0 if passed else max(1.0, params["minute_end"] - now)

    async def event(self, client, event) -> Verdict:
        kind = {"Vote": "vote", "Search": "search"}.get(type(event).__name__)
        per_day = self.votes_per_day if kind == "vote" else self.searches_per_day if kind == "search" else 0
        now = time.time()
        params = self._params(client, now)
        net = network(client)
        if kind == "vote":
            params.update(kind=kind, key=f"{net}|{event.article_id}|{event.lang}", per_day=per_day,
                          idkey=f"{net}|{event.article_id}|{event.lang}", id=event.vote_id)
        elif kind == "search":
            params.update(kind=kind, key=net, per_day=per_day, idkey=event.lang, id=event.search_id)
        sql = statement(self.per_minute > 0, kind, per_day > 0, False)
        if sql is None:
            return Verdict()
        if self._clean_due():
            sql = statement(self.per_minute > 0, kind, per_day > 0, True)
        passed, owner, known, counted = await self._run(sql, params)
        if not passed:
            return Verdict(rate=max(1.0, params["minute_end"] - now))
        if kind == "search" and known:
            return Verdict(search=SearchLimiter.UPDATE if owner == params["who"] else SearchLimiter.FOREIGN)
        if not known and not counted:
            return Verdict(daily=until_midnight(datetime.fromtimestamp(now, timezone.utc)))
        return Verdict()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await _close(conn)


async def _close(conn) -> None:
    try:
        await conn.close()
    except Exception:  # noqa: BLE001 - a broken connection: nothing more to do with it
        pass


def client_limits(storage, rate_limit: int, votes_per_day: int, searches_per_day: int):
    """The limits a service on ``storage`` uses: shared in PostgreSQL, else in this process's memory."""
    if isinstance(storage, PostgresStorage):
        return PostgresLimits(storage.url, rate_limit, votes_per_day, searches_per_day)
    return MemoryLimits(rate_limit, votes_per_day, searches_per_day)
