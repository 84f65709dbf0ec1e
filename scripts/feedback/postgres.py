"""PostgreSQL storage (psycopg 3), the same interface and tables as SQLite (``storage``): for several
collector instances sharing one database."""
from __future__ import annotations

import threading
from datetime import date, timezone
from typing import Sequence
from urllib.parse import urlsplit

from .storage import (DAILY_UPSERT, HEALTH_TABLE, HEALTH_WRITE, REASON_CHECK, Event, Rejected, StorageError, VoteKey,
                      _now, _Plan, _Reads)
from .searches import PG_SEARCHES, SEARCH_INSERT, SEARCH_UPSERT

PG_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS votes (
        seq        BIGSERIAL PRIMARY KEY,
        article_id INTEGER NOT NULL CHECK (article_id >= 1),
        lang       TEXT    NOT NULL,
        value      TEXT    NOT NULL CHECK (value IN ('yes', 'no')),
        comment    TEXT    CHECK (comment IS NULL OR char_length(comment) <= 500),
        created    TIMESTAMPTZ NOT NULL,
        vote_id    TEXT    CHECK (vote_id IS NULL OR char_length(vote_id) <= 64)
    )""",
    "ALTER TABLE votes ADD COLUMN IF NOT EXISTS vote_id TEXT",          # a database from before vote_id
    f"ALTER TABLE votes ADD COLUMN IF NOT EXISTS reason TEXT CHECK ({REASON_CHECK})",   # from before reasons
    "CREATE UNIQUE INDEX IF NOT EXISTS votes_vote_id ON votes (vote_id, article_id, lang)",
    """CREATE TABLE IF NOT EXISTS daily (
        article_id INTEGER NOT NULL,
        lang       TEXT    NOT NULL,
        day        DATE    NOT NULL,
        views      BIGINT  NOT NULL DEFAULT 0,
        yes        BIGINT  NOT NULL DEFAULT 0,
        no         BIGINT  NOT NULL DEFAULT 0,
        PRIMARY KEY (article_id, lang, day)
    )""",
    *PG_SEARCHES,
]
PG_SCHEMA_LOCK = 0x6B62_6664  # advisory lock: instances starting together create the tables once


def redact_url(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{netloc[-1]}").geturl()


def refusal(exc: Exception) -> str:
    """Why PostgreSQL refused data, without the data: psycopg's text of such an error carries the row
    (``DETAIL: Failing row contains (fr, <query>, ...)``) and its primary message can quote a value, and
    this text is logged. The error's class, SQLSTATE, table, column and constraint say enough."""
    diag = getattr(exc, "diag", None)
    parts = [type(exc).__name__]
    if getattr(diag, "sqlstate", None):
        parts.append(f"SQLSTATE {diag.sqlstate}")
    for label, name in (("table", "table_name"), ("column", "column_name"), ("constraint", "constraint_name")):
        if getattr(diag, name, None):
            parts.append(f"{label} {getattr(diag, name)}")
    return ", ".join(parts)


def failure(exc: Exception) -> str:
    """An unavailable database, said without data: the primary message (never DETAIL, which can quote a
    row), or psycopg's first line for a connection that failed before any statement."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if primary:
        return f"{primary} ({type(exc).__name__}, SQLSTATE {diag.sqlstate})"
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class PostgresStorage(_Reads):
    PARAM = "%s"
    CREATED_DAY = "(created AT TIME ZONE 'UTC')::date"
    """PostgreSQL through psycopg 3. One connection, reopened after a failure; a failed batch raises
    ``StorageError`` and stores nothing (the transaction is rolled back)."""

    def __init__(self, url: str, connect_timeout: int = 10):
        import psycopg  # imported here: SQLite users do not need it

        self._psycopg = psycopg
        self.url = url
        self.connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._conn = None
        with self._lock:
            self._run(self._create_schema)

    def describe(self) -> str:
        return redact_url(self.url)

    def _connection(self):
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            self._conn = self._psycopg.connect(self.url, connect_timeout=self.connect_timeout,
                                               application_name="kb-feedback")
        return self._conn

    def _run(self, fn):
        """Run fn(connection) in one transaction; map database errors to StorageError (``Rejected`` when
        the database refused the data itself)."""
        try:
            conn = self._connection()
            with conn.transaction():
                return fn(conn)
        except (self._psycopg.DataError, self._psycopg.IntegrityError, UnicodeEncodeError) as exc:
            raise Rejected(f"PostgreSQL ({self.describe()}) refused the batch: {refusal(exc)}") from None
        except self._psycopg.Error as exc:
            if self._conn is not None and (self._conn.broken or self._conn.closed):
                self._conn.close()
                self._conn = None
            diag = getattr(exc, "diag", None)
            reason = getattr(diag, "message_primary", None) or "cannot reach the database"
            raise StorageError(f"PostgreSQL ({self.describe()}): {failure(exc)}", f"PostgreSQL: {reason}") from None

    def problem(self) -> str | None:
        try:
            self._query("SELECT 1")
        except StorageError as exc:
            return exc.reason
        return None

    def check_writable(self) -> None:
        def probe(conn):
            conn.execute(HEALTH_TABLE.replace("TEXT", "TIMESTAMPTZ"))
            conn.execute(HEALTH_WRITE.format(p="%s"), (_now(),))
        try:
            with self._lock:
                self._run(probe)
        except StorageError as exc:
            raise StorageError(f"{exc}; the database cannot be written, every vote would be refused", exc.reason) from None

    @staticmethod
    def _create_schema(conn) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_SCHEMA_LOCK,))
        for stmt in PG_SCHEMA:
            conn.execute(stmt)

    def record(self, events: Sequence[Event]) -> None:
        plan = _Plan(events)
        if not plan:
            return

        def write(conn):
            with conn.cursor() as cur:
                if plan.anonymous:
                    cur.executemany("INSERT INTO votes (article_id, lang, value, comment, created, reason) "
                                    "VALUES (%s, %s, %s, %s, %s, %s)", plan.anonymous)
                if plan.keyed:
                    ids = sorted({k[0] for k in plan.keyed})
                    inserts, updates = plan.split(self._stored(cur, ids))
                    if inserts:
                        cur.execute(
                            "INSERT INTO votes (article_id, lang, value, comment, created, vote_id, reason) "
                            "SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::timestamptz[], "
                            "%s::text[], %s::text[]) ON CONFLICT (vote_id, article_id, lang) DO NOTHING "
                            "RETURNING vote_id, article_id, lang", [list(col) for col in zip(*inserts)])
                        done = {tuple(r) for r in cur.fetchall()}
                        plan.count_inserted([r for r in inserts if (r[5], r[0], r[1]) in done])
                        lost = [(r[5], r[0], r[1]) for r in inserts if (r[5], r[0], r[1]) not in done]
                        if lost:      # inserted meanwhile by another instance (committed): update them
                            again = self._stored(cur, sorted({k[0] for k in lost}))
                            if not all(k in again for k in lost):
                                raise StorageError("a vote_id conflict could not be resolved; try again")
                            updates += plan.split(again, only=lost)[1]
                    if updates:
                        cur.executemany("UPDATE votes SET value = %s, comment = %s, reason = %s WHERE seq = %s", updates)
                daily = plan.daily_rows()
                if daily:
                    cur.executemany(DAILY_UPSERT.format(p="%s"), daily)
                if plan.searches:
                    cur.executemany(SEARCH_UPSERT.format(p="%s"), plan.searches)
                if plan.new_searches:
                    cur.executemany(SEARCH_INSERT.format(p="%s"), plan.new_searches)

        with self._lock:
            self._run(write)

    @staticmethod
    def _stored(cur, vote_ids: list[str]) -> dict[VoteKey, tuple[int, str, date]]:
        cur.execute("SELECT seq, vote_id, article_id, lang, value, created FROM votes WHERE vote_id = ANY(%s) "
                    "ORDER BY vote_id, article_id, lang FOR UPDATE", (vote_ids,))
        return {(vid, art, lang): (seq, value, created.astimezone(timezone.utc).date())
                for seq, vid, art, lang, value, created in cur.fetchall()}

    def _query(self, sql: str, params=()) -> list[tuple]:
        with self._lock:
            return self._run(lambda conn: conn.execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
