"""The ``searches`` table, for both storages (SQLite in ``storage``, PostgreSQL in ``postgres``).

One row per search a reader settled on: language, query (only as ``queries.clean`` makes it: normalised,
scrubbed), number of results shown, the article clicked (or null), time of the first report (UTC) and the
widget's random ``search_id`` (or null). No client address, nothing else about the reader.

The same (search_id, lang) reported again (the widget reports a search after a pause, then again when
the reader clicks a result) replaces the earlier report: counted once, its first time kept. A report with
``replace=False`` never replaces one (the service decides who may update a search: ``limits.SearchLimiter``).
Unlike votes, searches have no daily counter table: the reads group the rows by UTC day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Sequence

from .queries import MAX_STORED_QUERY, QueryCounts, clean


@dataclass(frozen=True)
class Search:
    lang: str
    query: str                         # stored as queries.clean(query), whatever is given
    results: int                       # results shown; 0 = nothing found
    clicked_id: int | None = None      # the article the reader opened from the results
    created: datetime | None = None    # UTC; now when None
    search_id: str | None = None       # the same (search_id, lang) reported again replaces it...
    replace: bool = True               # ...unless False: then stored only if no report with that id exists
                                       # (the service: a search_id it did not see this client report today)


SEARCH_COLUMNS = """
    lang       TEXT    NOT NULL,
    query      TEXT    NOT NULL CHECK ({length}(query) BETWEEN 1 AND {max_query}),
    results    INTEGER NOT NULL CHECK (results >= 0),
    clicked_id INTEGER CHECK (clicked_id IS NULL OR clicked_id >= 1),
    created    {time} NOT NULL,
    search_id  TEXT    CHECK (search_id IS NULL OR {length}(search_id) <= 64)
"""
SEARCH_INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS searches_search_id ON searches (search_id, lang)",
    "CREATE INDEX IF NOT EXISTS searches_created ON searches (created)",
]
SQLITE_SEARCHES = [
    "CREATE TABLE IF NOT EXISTS searches (seq INTEGER PRIMARY KEY,"
    + SEARCH_COLUMNS.format(length="length", max_query=MAX_STORED_QUERY, time="TEXT") + ")",
    *SEARCH_INDEXES,
]
PG_SEARCHES = [
    "CREATE TABLE IF NOT EXISTS searches (seq BIGSERIAL PRIMARY KEY,"
    + SEARCH_COLUMNS.format(length="char_length", max_query=MAX_STORED_QUERY, time="TIMESTAMPTZ") + ")",
    *SEARCH_INDEXES,
]
# A report with a search_id already stored replaces it (its first time kept); without one, a new row.
SEARCH_UPSERT = """
INSERT INTO searches (lang, query, results, clicked_id, created, search_id) VALUES ({p}, {p}, {p}, {p}, {p}, {p})
ON CONFLICT (search_id, lang) DO UPDATE SET
    query = excluded.query, results = excluded.results, clicked_id = excluded.clicked_id
"""
# A report that may not replace one: stored only when its search_id is new.
SEARCH_INSERT = """
INSERT INTO searches (lang, query, results, clicked_id, created, search_id) VALUES ({p}, {p}, {p}, {p}, {p}, {p})
ON CONFLICT (search_id, lang) DO NOTHING
"""


def search_rows(events: Sequence[Search], now: datetime) -> tuple[list[tuple], list[tuple]]:
    """(rows to upsert, rows to insert only if new), each (lang, query, results, clicked_id, created,
    search_id): the query cleaned, and one row per (search_id, lang) of the batch (its latest report, with
    its first time; insert-only if any of its reports may not replace), in a fixed order (concurrent
    PostgreSQL writers lock the rows in the same order: no deadlock)."""
    anonymous, keyed = [], {}
    for e in events:
        if isinstance(e.results, bool) or not isinstance(e.results, int) or e.results < 0:
            raise ValueError(f"a search's results is a whole number ≥ 0, not {e.results!r}")
        created = (e.created or now).astimezone(timezone.utc)
        row = (e.lang, clean(e.query), e.results, e.clicked_id, created, e.search_id)
        if e.search_id is None:
            anonymous.append(row)
        else:
            earlier = keyed.get((e.search_id, e.lang), (row, True))
            keyed[(e.search_id, e.lang)] = ((*row[:4], earlier[0][4], e.search_id), earlier[1] and e.replace)
    upserts = anonymous + [keyed[k][0] for k in sorted(keyed) if keyed[k][1]]
    return upserts, [keyed[k][0] for k in sorted(keyed) if not keyed[k][1]]


class SearchReads:
    """``search_days`` and ``search_clicks``, mixed into both storages' reads (``storage._Reads``: it
    gives ``_query``, ``PARAM``, ``_since`` and ``_day_value``; ``CREATED_DAY`` is the SQL of a row's
    UTC day)."""

    CREATED_DAY = "substr(created, 1, 10)"

    def _where_since(self, since: date | None, sql: str, condition: str = "") -> tuple[str, tuple]:
        conditions = [c for c in (condition, f"created >= {self.PARAM}" if since else "") if c]
        params = (self._since(since),) if since else ()
        return sql + (" WHERE " + " AND ".join(conditions) if conditions else ""), params

    def search_days(self, since: date | None = None) -> list[tuple[str, str, date, QueryCounts]]:
        """[(lang, query, UTC day of first report, QueryCounts)], sorted; only from ``since`` on."""
        sql, params = self._where_since(
            since, f"SELECT lang, query, {self.CREATED_DAY} AS day, COUNT(*), "
                   "SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END), COUNT(clicked_id) FROM searches")
        rows = self._query(sql + " GROUP BY lang, query, day", params)
        return sorted((l, q, self._day_value(d), QueryCounts(int(n), int(z), int(c))) for l, q, d, n, z, c in rows)

    def search_clicks(self, since: date | None = None) -> list[tuple[int, str, date, int]]:
        """[(article id, lang, UTC day, searches whose click led to that article)], sorted."""
        sql, params = self._where_since(
            since, f"SELECT clicked_id, lang, {self.CREATED_DAY} AS day, COUNT(*) FROM searches",
            "clicked_id IS NOT NULL")
        rows = self._query(sql + " GROUP BY clicked_id, lang, day", params)
        return sorted((int(a), l, self._day_value(d), int(n)) for a, l, d, n in rows)
