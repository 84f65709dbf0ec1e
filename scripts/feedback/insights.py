"""What ``feedback report`` says, built once as plain data (dicts, lists, text, numbers, None): the
formatters (``feedback.formats``: text, JSON, CSV) only lay it out, and the dashboard reuses the query
lists.

    data = report_data(storage, catalogue, days=30)

The period is the last ``days`` UTC days, today included (``days=0``: everything kept, no trend); the
trends compare it with the ``days`` days just before. Every list covers the period:

* ``trends``: per language (and ``all`` when there are several): votes, views, helpful ratio
  (yes / votes), searches and zero-result rate (searches that found nothing / searches), this period
  and the previous one, with the change (a difference; for counts also relative to the previous one);
* ``least_helpful``: articles with at least ``min_votes`` votes, lowest helpful ratio first, with the
  reasons given with their "no" votes and their latest comments;
* ``top_queries``, ``zero_result_queries`` (the articles to write), ``no_click_queries`` (searches that
  showed results, none clicked): per language, normalised queries as stored (``feedback.queries``) with
  their searches, searches without result, clicks and click-through (clicks / searches).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from helpcenter.ranking.popular import Counts

from .catalogue import Catalogue
from .stats import least_helpful
from .storage import REASONS, Storage

PERIOD_DAYS = 30
TRENDS = (("votes", "count"), ("views", "count"), ("helpful_ratio", "ratio"), ("searches", "count"),
          ("zero_result_rate", "ratio"))


@dataclass(frozen=True)
class Period:
    """UTC days from ``start`` to ``end``, both included; ``start`` None: from the beginning."""
    start: date | None
    end: date

    def __contains__(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and day <= self.end

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None, "end": self.end.isoformat()}


def periods(days: int, today: date) -> tuple[Period, Period | None]:
    """(this period, the previous one of the same length); ``days`` 0: (everything, None)."""
    if not days:
        return Period(None, today), None
    start = today - timedelta(days=days - 1)
    return Period(start, today), Period(start - timedelta(days=days), start - timedelta(days=1))


@dataclass(frozen=True)
class QueryStats:
    """One normalised query of one language over a period."""
    query: str
    searches: int = 0
    zero: int = 0           # searches that found nothing
    clicks: int = 0         # searches whose reader clicked a result

    @property
    def with_results(self) -> int:
        return self.searches - self.zero

    @property
    def click_rate(self) -> float | None:
        """clicks / searches, or None without searches."""
        return self.clicks / self.searches if self.searches else None

    def as_dict(self) -> dict:
        return {"query": self.query, "searches": self.searches, "zero_results": self.zero, "clicks": self.clicks,
                "click_rate": self.click_rate}


def query_stats(search_days: Iterable, lang: str, period: Period | None = None) -> list[QueryStats]:
    """The queries of ``lang`` summed over the days of ``period`` (all days when None), from
    ``storage.search_days()`` rows [(lang, query, day, QueryCounts)]."""
    sums: dict[str, list[int]] = {}
    for code, query, day, c in search_days:
        if code == lang and (period is None or day in period):
            s = sums.setdefault(query, [0, 0, 0])
            s[0] += c.searches
            s[1] += c.zero
            s[2] += c.clicks
    return [QueryStats(q, *s) for q, s in sums.items()]


def top_queries(queries: list[QueryStats], limit: int) -> list[QueryStats]:
    """Most searched first."""
    return sorted(queries, key=lambda q: (-q.searches, -q.clicks, q.query))[:limit]


def zero_result_queries(queries: list[QueryStats], limit: int) -> list[QueryStats]:
    """Queries that found nothing, most often first: what readers look for and the help center lacks."""
    return sorted((q for q in queries if q.zero), key=lambda q: (-q.zero, -q.searches, q.query))[:limit]


def no_click_queries(queries: list[QueryStats], limit: int) -> list[QueryStats]:
    """Queries that showed results and never led to a click (titles that do not answer them), most first."""
    return sorted((q for q in queries if q.with_results and not q.clicks),
                  key=lambda q: (-q.with_results, q.query))[:limit]


def _figures(day_rows, search_rows, period: Period, lang: str | None) -> dict[str, int | float | None]:
    votes = views = yes = searches = zero = 0
    for _, code, day, c in day_rows:
        if (lang is None or code == lang) and day in period:
            votes += c.votes
            views += c.views
            yes += c.yes
    for code, _, day, q in search_rows:
        if (lang is None or code == lang) and day in period:
            searches += q.searches
            zero += q.zero
    return {"votes": votes, "views": views, "helpful_ratio": yes / votes if votes else None,
            "searches": searches, "zero_result_rate": zero / searches if searches else None}


def trends(day_rows, search_rows, current: Period, previous: Period | None, langs: list[str | None]) -> list[dict]:
    """[{lang ("all" for None), metrics: [{name, kind, current, previous, change, relative}]}]."""
    out = []
    for lang in langs:
        now = _figures(day_rows, search_rows, current, lang)
        before = _figures(day_rows, search_rows, previous, lang) if previous else None
        metrics = []
        for name, kind in TRENDS:
            cur, prev = now[name], (before[name] if before else None)
            change = cur - prev if cur is not None and prev is not None else None
            relative = change / prev if kind == "count" and change is not None and prev else None
            metrics.append({"name": name, "kind": kind, "current": cur, "previous": prev, "change": change,
                            "relative": relative})
        out.append({"lang": lang or "all", "metrics": metrics})
    return out


def title_of(catalogue: Catalogue | None, art_id: int, lang: str) -> str | None:
    """The article's title, or None when there is no catalogue or it does not hold that article."""
    art = catalogue.get(art_id, lang) if catalogue else None
    return art.title if art else None


def report_data(storage: Storage, catalogue: Catalogue | None = None, *, days: int = PERIOD_DAYS,
                lang: str | None = None, limit: int = 20, min_votes: int = 1, comments: int = 3,
                today: date | None = None, now: datetime | None = None) -> dict:
    """Everything the report shows, read from ``storage`` once per kind of data."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    current, previous = periods(days, today or now.date())
    first = previous.start if previous else current.start
    day_rows = storage.days(first)
    search_rows = storage.search_days(first)
    reasons = storage.reasons(current.start)

    totals: dict[tuple[int, str], Counts] = {}
    for art_id, code, day, c in day_rows:
        if day in current:
            t = totals.get((art_id, code), Counts())
            totals[(art_id, code)] = Counts(t.views + c.views, t.yes + c.yes, t.no + c.no)
    seen = {code for _, code, _, _ in day_rows} | {code for code, _, _, _ in search_rows}
    languages = list(catalogue.languages) if catalogue else []
    languages += sorted(seen - set(languages))
    if lang is not None:
        languages = [lang]

    rows = least_helpful(totals, min_votes, lang)
    articles = []
    for (art_id, code), c in rows[:limit]:
        latest = storage.comments(comments, (art_id, code)) if comments else []
        articles.append({
            "id": art_id, "lang": code, "title": title_of(catalogue, art_id, code),
            "helpful_ratio": c.helpful_ratio, "yes": c.yes, "no": c.no, "votes": c.votes, "views": c.views,
            "reasons": {r: reasons.get((art_id, code), {}).get(r, 0) for r in REASONS},
            "comments": [{"created": cm.created.astimezone(timezone.utc).isoformat(), "value": cm.value,
                          "comment": cm.comment} for cm in latest
                         if current.start is None or cm.created.astimezone(timezone.utc).date() >= current.start]})

    queries = {code: query_stats(search_rows, code, current) for code in languages}
    in_scope = {k: c for k, c in totals.items() if lang is None or k[1] == lang}
    known = [k for k in (catalogue.articles if catalogue else []) if lang is None or k[1] == lang]
    return {
        "generated": now.isoformat(),
        "period": {"days": days, **current.as_dict()},
        "previous_period": previous.as_dict() if previous else None,
        "languages": languages,
        "min_votes": min_votes,
        "trends": trends(day_rows, search_rows, current, previous,
                         ([None] if len(languages) > 1 else []) + list(languages)),
        "least_helpful": articles,
        "least_helpful_more": max(0, len(rows) - limit),
        "top_queries": {code: [q.as_dict() for q in top_queries(qs, limit)] for code, qs in queries.items()},
        "zero_result_queries": {code: [q.as_dict() for q in zero_result_queries(qs, limit)]
                                for code, qs in queries.items()},
        "no_click_queries": {code: [q.as_dict() for q in no_click_queries(qs, limit)] for code, qs in queries.items()},
        "totals": {"votes": sum(c.votes for c in in_scope.values()), "views": sum(c.views for c in in_scope.values()),
                   "searches": sum(q.searches for qs in queries.values() for q in qs)},
        "catalogue_articles": len(known) if catalogue is not None else None,
        "catalogue_articles_without_votes": (len([k for k in known if not totals.get(k, Counts()).votes])
                                             if catalogue is not None else None),
    }
