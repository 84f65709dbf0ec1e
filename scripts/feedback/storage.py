"""Storage behind one small interface, with two implementations: SQLite (default) and PostgreSQL.

    storage.record(events)          store a batch of Vote/View/Search events atomically (all or nothing)
    storage.totals(since=None)      {(id, lang): Counts(views, yes, no)}, optionally from a day on
    storage.days(since=None)        [(id, lang, day, Counts)]: the same per UTC day (popularity is capped per day)
    storage.comments(limit, article=None)   latest votes that carry a comment, newest first
    storage.reasons(since=None)     {(id, lang): {reason: n}}: the reasons given with "no" votes
    storage.search_days(since=None) [(lang, query, day, QueryCounts(searches, zero, clicks))]: searches
                                    per normalised query and UTC day of first report (``searches``)
    storage.search_clicks(since=None)   [(id, lang, day, n)]: searches whose click led to that article
    storage.vote_count()            number of stored votes
    storage.problem()               why writes would fail now, from a cheap check (None: no known problem)
    storage.check_writable()        a real, tiny write; StorageError when the database cannot be written
    storage.close()

Tables (same in both): ``votes`` keeps one row per vote (value, optional comment, time, optional
``vote_id``, optional ``reason``: one of ``REASONS``, only with "no"; no client address, nothing else
about the reader); ``daily`` keeps per article, language and
UTC day the counts of views, yes and no, updated in the same transaction as ``votes``; ``searches``
keeps one row per search (its query only as ``queries.clean`` makes it; table and reads in ``searches``). Several service
instances can share one PostgreSQL database (or one SQLite file on one machine). All SQL is parameterised.
SQLite is here; PostgreSQL in ``postgres``.

A vote with a ``vote_id`` (a random id the widget gives one reader's vote on one article) that is
reported again (a comment added after "no", a change of mind) replaces the earlier report: it is counted
once, with its latest value, comment and reason, on the day it was first cast. A search reported again
with its ``search_id`` is replaced the same way.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Protocol, Sequence, Union

from helpcenter.ranking.popular import Counts  # the counts the statistics file carries, one definition

from .queries import QueryCounts
from .searches import SEARCH_INSERT, SEARCH_UPSERT, SQLITE_SEARCHES, Search, SearchReads, search_rows

log = logging.getLogger("feedback")
MIN_FREE_BYTES = 1 << 20     # less free space than this on the SQLite file's disk: reported as full
# Why a reader answered "no" (one click in the widget, labels in helpcenter.language.strings): the fixed codes.
REASONS = ("outdated", "missing-steps", "unclear", "other")
REASON_CHECK = "reason IS NULL OR (value = 'no' AND reason IN ({}))".format(", ".join(f"'{r}'" for r in REASONS))


@dataclass(frozen=True)
class Vote:
    article_id: int
    lang: str
    value: str                 # "yes" | "no"
    comment: str | None = None
    created: datetime | None = None   # UTC; now when None
    vote_id: str | None = None        # the same vote reported again replaces it (see the module docstring)
    reason: str | None = None         # one of REASONS, only with "no"


@dataclass(frozen=True)
class View:
    article_id: int
    lang: str
    day: date | None = None    # UTC day; today when None


Event = Union[Vote, View, Search]


@dataclass(frozen=True)
class Comment:
    article_id: int
    lang: str
    value: str
    comment: str
    created: datetime


class StorageError(Exception):
    """The database could not be reached or refused a write; nothing of the batch was stored.

    ``reason`` is a short form without file path or URL, fit for ``/api/health``."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message


class Rejected(StorageError):
    """The database refused the batch because of its content (a check, an encoding), not because it is
    unavailable: the same events written separately may succeed (see ``app.Batcher``)."""


class Storage(Protocol):
    def record(self, events: Sequence[Event]) -> None: ...
    def totals(self, since: date | None = None) -> dict[tuple[int, str], Counts]: ...
    def days(self, since: date | None = None) -> list[tuple[int, str, date, Counts]]: ...
    def comments(self, limit: int = 20, article: tuple[int, str] | None = None) -> list[Comment]: ...
    def reasons(self, since: date | None = None) -> dict[tuple[int, str], dict[str, int]]: ...
    def search_days(self, since: date | None = None) -> list[tuple[str, str, date, QueryCounts]]: ...
    def search_clicks(self, since: date | None = None) -> list[tuple[int, str, date, int]]: ...
    def vote_count(self) -> int: ...
    def problem(self) -> str | None: ...
    def check_writable(self) -> None: ...
    def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


VoteKey = tuple[str, int, str]     # (vote_id, article_id, lang)


class _Plan:
    """A batch, ready to write: anonymous vote rows, the final state of each keyed vote (the last report
    in the batch wins), the daily counter deltas and the search rows (``searches.search_rows``); ``split``
    adds the deltas of keyed votes once the rows already stored are known."""

    def __init__(self, events: Sequence[Event]):
        self.anonymous: list[tuple] = []
        self.keyed: dict[VoteKey, tuple[str, str | None, str | None, datetime]] = {}
        self.delta: Counter = Counter()
        searches: list[Search] = []
        for e in events:
            if isinstance(e, Vote):
                if e.value not in ("yes", "no"):
                    raise ValueError(f"a vote is 'yes' or 'no', not {e.value!r}")
                if e.reason is not None and (e.value != "no" or e.reason not in REASONS):
                    raise ValueError(f"a reason is one of {', '.join(REASONS)}, with a 'no' vote only")
                created = (e.created or _now()).astimezone(timezone.utc)
                if e.vote_id is None:
                    self.anonymous.append((e.article_id, e.lang, e.value, e.comment, created, e.reason))
                    self.delta[(e.article_id, e.lang, created.date(), e.value)] += 1
                else:
                    key = (e.vote_id, e.article_id, e.lang)
                    first = self.keyed.get(key, (None, None, None, created))[3]
                    self.keyed[key] = (e.value, e.comment, e.reason, first)
            elif isinstance(e, View):
                self.delta[(e.article_id, e.lang, e.day or _now().date(), "views")] += 1
            elif isinstance(e, Search):
                searches.append(e)
            else:
                raise TypeError(f"not a storage event: {e!r}")
        self.searches, self.new_searches = search_rows(searches, _now())

    def split(self, stored: dict[VoteKey, tuple[int, str, date]], only: Iterable[VoteKey] | None = None):
        """(rows to insert, (value, comment, reason, seq) updates) given the keyed votes already stored
        {key: (seq, value, day)}; counts the deltas of the updates."""
        inserts, updates = [], []
        for key in sorted(self.keyed if only is None else only):
            value, comment, reason, created = self.keyed[key]
            vote_id, art, lang = key
            if key in stored:
                seq, old, day = stored[key]
                updates.append((value, comment, reason, seq))
                if old != value:
                    self.delta[(art, lang, day, old)] -= 1
                    self.delta[(art, lang, day, value)] += 1
            else:
                inserts.append((art, lang, value, comment, created, vote_id, reason))
        return inserts, updates

    def count_inserted(self, rows) -> None:
        for art, lang, value, _, created, *_ in rows:
            self.delta[(art, lang, created.date(), value)] += 1

    def daily_rows(self) -> list[tuple]:
        per_day: dict[tuple, list[int]] = {}
        for (art, lang, day, kind), n in self.delta.items():
            c = per_day.setdefault((art, lang, day), [0, 0, 0])
            c[("views", "yes", "no").index(kind)] += n
        # A fixed order of keys: concurrent writers (PostgreSQL) lock rows in the same order, no deadlock.
        return [(*k, *v) for k, v in sorted(per_day.items()) if any(v)]

    def __bool__(self) -> bool:
        return bool(self.anonymous or self.keyed or self.delta or self.searches or self.new_searches)


# ---------------------------------------------------------------------------------------------- SQLite

SQLITE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS votes (
    seq        INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL CHECK (article_id >= 1),
    lang       TEXT    NOT NULL,
    value      TEXT    NOT NULL CHECK (value IN ('yes', 'no')),
    comment    TEXT    CHECK (comment IS NULL OR length(comment) <= 500),
    created    TEXT    NOT NULL,
    vote_id    TEXT    CHECK (vote_id IS NULL OR length(vote_id) <= 64),
    reason     TEXT    CHECK ({REASON_CHECK})
);
CREATE UNIQUE INDEX IF NOT EXISTS votes_vote_id ON votes (vote_id, article_id, lang);
CREATE TABLE IF NOT EXISTS daily (
    article_id INTEGER NOT NULL,
    lang       TEXT    NOT NULL,
    day        TEXT    NOT NULL,
    views      INTEGER NOT NULL DEFAULT 0,
    yes        INTEGER NOT NULL DEFAULT 0,
    no         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, lang, day)
);
"""

HEALTH_TABLE = "CREATE TABLE IF NOT EXISTS health_check (id INTEGER PRIMARY KEY CHECK (id = 1), checked TEXT NOT NULL)"
HEALTH_WRITE = ("INSERT INTO health_check (id, checked) VALUES (1, {p}) "
                "ON CONFLICT (id) DO UPDATE SET checked = excluded.checked")
DELETED = "the database file was deleted or replaced while the service ran"

DAILY_UPSERT = """
INSERT INTO daily (article_id, lang, day, views, yes, no) VALUES ({p}, {p}, {p}, {p}, {p}, {p})
ON CONFLICT (article_id, lang, day) DO UPDATE SET
    views = daily.views + excluded.views, yes = daily.yes + excluded.yes, no = daily.no + excluded.no
"""


class _Reads(SearchReads):
    """Read queries shared by both storages: only the placeholder and the value types differ."""

    PARAM = "?"

    def _query(self, sql: str, params=()) -> list[tuple]:
        raise NotImplementedError

    def _day(self, day: date):
        return day

    def _day_value(self, value) -> date:
        return value if isinstance(value, date) else date.fromisoformat(value)

    def _created(self, value) -> datetime:
        return value

    def totals(self, since: date | None = None) -> dict[tuple[int, str], Counts]:
        sql = "SELECT article_id, lang, SUM(views), SUM(yes), SUM(no) FROM daily"
        params: tuple = ()
        if since is not None:
            sql += f" WHERE day >= {self.PARAM}"
            params = (self._day(since),)
        rows = self._query(sql + " GROUP BY article_id, lang", params)
        return {(a, l): Counts(int(v), int(y), int(n)) for a, l, v, y, n in rows}

    def days(self, since: date | None = None) -> list[tuple[int, str, date, Counts]]:
        sql = "SELECT article_id, lang, day, views, yes, no FROM daily"
        params: tuple = ()
        if since is not None:
            sql += f" WHERE day >= {self.PARAM}"
            params = (self._day(since),)
        rows = self._query(sql + " ORDER BY article_id, lang, day", params)
        return [(a, l, self._day_value(d), Counts(int(v), int(y), int(n))) for a, l, d, v, y, n in rows]

    def comments(self, limit: int = 20, article: tuple[int, str] | None = None) -> list[Comment]:
        sql = "SELECT article_id, lang, value, comment, created FROM votes WHERE comment IS NOT NULL"
        params: list = []
        if article is not None:
            sql += f" AND article_id = {self.PARAM} AND lang = {self.PARAM}"
            params += list(article)
        rows = self._query(sql + f" ORDER BY seq DESC LIMIT {self.PARAM}", (*params, int(limit)))
        return [Comment(a, l, v, c, self._created(t)) for a, l, v, c, t in rows]

    def reasons(self, since: date | None = None) -> dict[tuple[int, str], dict[str, int]]:
        sql = "SELECT article_id, lang, reason, COUNT(*) FROM votes WHERE reason IS NOT NULL"
        params: tuple = ()
        if since is not None:       # on the day the vote was first cast, like the daily counts
            sql += f" AND created >= {self.PARAM}"
            params = (self._since(since),)
        out: dict[tuple[int, str], dict[str, int]] = {}
        for a, l, r, n in self._query(sql + " GROUP BY article_id, lang, reason", params):
            out.setdefault((a, l), {})[r] = int(n)
        return out

    def _since(self, day: date):
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)

    def vote_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM votes")[0][0])


class SQLiteStorage(_Reads):
    PARAM = "?"
    """One SQLite file in WAL mode, synchronous=FULL: a committed batch survives a crash of the process
    and of the machine. Safe to share between threads (one lock) and between processes (WAL, busy
    timeout)."""

    def __init__(self, path: str | Path, timeout: float = 10.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    columns = {r[1] for r in self._conn.execute("PRAGMA table_info(votes)")}
                    if columns and "vote_id" not in columns:       # a database from before vote_id
                        self._conn.execute("ALTER TABLE votes ADD COLUMN vote_id TEXT")
                    if columns and "reason" not in columns:        # a database from before reasons
                        self._conn.execute(f"ALTER TABLE votes ADD COLUMN reason TEXT CHECK ({REASON_CHECK})")
                    for stmt in [s for s in SQLITE_SCHEMA.split(";") if s.strip()] + SQLITE_SEARCHES:
                        self._conn.execute(stmt)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot open the SQLite database ({exc})", str(exc)) from None
        self._identity = self._file_identity()
        self._orphan_note: str | None = None      # set once the file was found deleted or replaced

    # The file is identified by (device, inode): deleted (``git clean``, a redeploy) or replaced, writes
    # would go on into a file nobody will read again. Checked before and after every write.

    def _file_identity(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def _check_file(self) -> None:
        """Raise StorageError when the file is not the one opened (caller holds the lock)."""
        if self._orphan_note is None and self._file_identity() == self._identity:
            return
        if self._orphan_note is None:
            self._orphan_note = self._save_orphan()
            log.error("%s: %s; no vote is acknowledged any more (503) until the service is restarted; %s",
                      self.path, DELETED, self._orphan_note)
        raise StorageError(f"{self.path}: {DELETED}; nothing is acknowledged any more; {self._orphan_note}",
                           DELETED)

    def _save_orphan(self) -> str:
        """This connection still holds the deleted or replaced file: copy it beside the path, so that no
        vote acknowledged before is lost."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.orphaned-{stamp}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            dest = sqlite3.connect(str(target))
            try:
                self._conn.backup(dest)
            finally:
                dest.close()
        except (OSError, sqlite3.Error) as exc:
            return f"its votes could not be saved ({exc})"
        return f"its votes were saved to {target}: put it back in place (mv) and restart the service"

    def problem(self) -> str | None:
        with self._lock:
            try:
                self._check_file()
            except StorageError as exc:
                return exc.reason
        try:
            st = os.statvfs(self.path.parent)
        except OSError as exc:
            return f"cannot check the database's folder ({exc.strerror})"
        if st.f_bavail * st.f_frsize < MIN_FREE_BYTES:
            return f"disk full: less than {MIN_FREE_BYTES >> 20} MiB free for the database"
        return None

    def check_writable(self) -> None:
        with self._lock:
            self._check_file()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.execute(HEALTH_TABLE)
                    self._conn.execute(HEALTH_WRITE.format(p="?"), (_now().isoformat(),))
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StorageError(
                    f"{self.path}: the database cannot be written ({exc}); every vote would be refused: give "
                    "the user running the service write access to the file and its folder, or choose another --db",
                    f"cannot write: {exc}") from None

    def _day(self, day: date):
        return day.isoformat()

    def _created(self, value) -> datetime:
        return datetime.fromisoformat(value)

    def _since(self, day: date):
        return day.isoformat()      # "YYYY-MM-DD" sorts before every ISO time of that day

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    def record(self, events: Sequence[Event]) -> None:
        plan = _Plan(events)
        if not plan:
            return
        iso = lambda rows: [(*r[:4], r[4].isoformat(), *r[5:]) for r in rows]  # noqa: E731
        insert = ("INSERT INTO votes (article_id, lang, value, comment, created, vote_id, reason) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)")
        with self._lock:
            self._check_file()
            try:
                self._conn.execute("BEGIN IMMEDIATE")      # one writer at a time: no concurrent insert below
                try:
                    self._conn.executemany(insert, [(*r[:5], None, r[5]) for r in iso(plan.anonymous)])
                    if plan.keyed:
                        inserts, updates = plan.split(self._stored(sorted({k[0] for k in plan.keyed})))
                        self._conn.executemany(insert, iso(inserts))
                        plan.count_inserted(inserts)
                        self._conn.executemany("UPDATE votes SET value = ?, comment = ?, reason = ? WHERE seq = ?", updates)
                    self._conn.executemany(DAILY_UPSERT.format(p="?"),
                                           [(a, l, d.isoformat(), *n) for a, l, d, *n in plan.daily_rows()])
                    self._conn.executemany(SEARCH_UPSERT.format(p="?"), iso(plan.searches))
                    self._conn.executemany(SEARCH_INSERT.format(p="?"), iso(plan.new_searches))
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except (sqlite3.IntegrityError, sqlite3.DataError, UnicodeEncodeError) as exc:
                raise Rejected(f"SQLite refused the batch: {exc}") from None
            except sqlite3.Error as exc:
                raise StorageError(f"SQLite write failed: {exc}", f"write failed: {exc}") from None
            self._check_file()          # deleted during the write: committed into a lost file, not acknowledged

    def _stored(self, vote_ids: list[str]) -> dict[VoteKey, tuple[int, str, date]]:
        stored = {}
        for i in range(0, len(vote_ids), 500):
            chunk = vote_ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for seq, vid, art, lang, value, created in self._conn.execute(
                    f"SELECT seq, vote_id, article_id, lang, value, created FROM votes WHERE vote_id IN ({marks})",
                    chunk):
                stored[(vid, art, lang)] = (seq, value, datetime.fromisoformat(created).date())
        return stored

    def _query(self, sql: str, params=()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StorageError(f"SQLite read failed: {exc}", f"read failed: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

