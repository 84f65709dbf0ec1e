"""Popular-articles ranking.

Score order: the statistics file when present (popularity, per article and language), then
front-matter ``weight``, then title. A missing statistics file is normal; a malformed one yields a
warning and the fallback, never a failed build.

Popularity, the one formula (defined here only, documented in the README): each UTC day of one article
in one language adds

    min(DAY_CAP, views + YES_WEIGHT × "yes" votes + SEARCH_CLICK_WEIGHT × search clicks)

that is min(200, views + 10 × yes + 5 × clicks). A search click is a reader's search (reported by the
widget to the collector) whose result they clicked to reach the article: a reader who looked for it and
found it there, a stronger sign than a view, weaker than an explicit "yes". The daily cap means that a
burst (a day of ballot stuffing, a bot reloading a page or repeating a search) weighs no more than one
very good day.

Statistics file (written by ``python -m feedback export``; ``popularity`` is the capped sum over days,
the counts are totals; without ``popularity`` the formula applies, uncapped, to the totals;
``search_clicks`` is optional, 0 when absent)::

    {"version": 1, "generated": "...",
     "articles": {"<id>": {"<lang>": {"views": 0, "yes": 0, "no": 0, "search_clicks": 0, "popularity": 0}}}}
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

YES_WEIGHT = 10
SEARCH_CLICK_WEIGHT = 5
DAY_CAP = 200     # popularity one article and language can gain in one day (e.g. 200 views, or 20 "yes")
COUNT_KEYS = ("views", "yes", "no", "search_clicks")      # the counts of the statistics file


class Rankable(Protocol):
    id: int
    title: str
    weight: int | None


def day_popularity(views: int, yes: int, search_clicks: int = 0) -> int:
    """What one day of one article in one language adds to its popularity."""
    return min(DAY_CAP, views + YES_WEIGHT * yes + SEARCH_CLICK_WEIGHT * search_clicks)


@dataclass(frozen=True)
class Counts:
    views: int = 0
    yes: int = 0
    no: int = 0
    search_clicks: int = 0
    score: int | None = field(default=None, compare=False)   # capped popularity, when known per day

    @property
    def popularity(self) -> int:
        """The capped sum over days when known (``popularity_by_day``), else the formula on the totals."""
        if self.score is not None:
            return self.score
        return self.views + YES_WEIGHT * self.yes + SEARCH_CLICK_WEIGHT * self.search_clicks

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def helpful_ratio(self) -> float | None:
        """yes / (yes + no), or None without votes."""
        return self.yes / self.votes if self.votes else None


Stats = dict[tuple[int, str], Counts]


def popularity_by_day(days: Iterable[tuple[int, str, object, Counts]],
                      search_clicks: Iterable[tuple[int, str, object, int]] = ()) -> Stats:
    """Totals with their capped popularity, from per-day counts [(id, lang, day, Counts)] and per-day
    search clicks [(id, lang, day, clicks)] (``feedback.storage``'s ``days()`` and ``search_clicks()``);
    counts of the same article, language and day are added before the day's cap."""
    per_day: dict[tuple[int, str, object], list[int]] = {}
    for art_id, lang, day, c in days:
        d = per_day.setdefault((art_id, lang, day), [0, 0, 0, 0])
        d[0] += c.views
        d[1] += c.yes
        d[2] += c.no
        d[3] += c.search_clicks
    for art_id, lang, day, n in search_clicks:
        per_day.setdefault((art_id, lang, day), [0, 0, 0, 0])[3] += n
    sums: dict[tuple[int, str], list[int]] = {}
    for (art_id, lang, _day), (views, yes, no, clicks) in per_day.items():
        s = sums.setdefault((art_id, lang), [0, 0, 0, 0, 0])
        s[0] += views
        s[1] += yes
        s[2] += no
        s[3] += clicks
        s[4] += day_popularity(views, yes, clicks)
    return {k: Counts(*v[:4], score=v[4]) for k, v in sums.items()}


def load_stats(path: str | Path | None) -> tuple[Stats | None, str | None]:
    """(stats, warning). Missing file: (None, None). Malformed file: (None, warning naming the problem)."""
    if not path:
        return None, None
    path = Path(path)
    if not path.is_file():
        return None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{path}: statistics file is not valid JSON ({exc}); popular articles use 'weight' instead"
    try:
        if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("articles"), dict):
            raise ValueError('expected {"version": 1, "articles": {...}}')
        stats: Stats = {}
        for raw_id, per_lang in data["articles"].items():
            art_id = int(raw_id)
            if not isinstance(per_lang, dict):
                raise ValueError(f"article {raw_id}: expected an object of languages")
            for lang, c in per_lang.items():
                if not isinstance(c, dict):
                    raise ValueError(f"article {raw_id}/{lang}: expected an object of counts")
                values = {k: c.get(k, 0) for k in COUNT_KEYS}   # search_clicks: optional (older files)
                if "popularity" in c:
                    values["score"] = c["popularity"]
                for k, v in values.items():
                    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                        raise ValueError(f"article {raw_id}/{lang}: '{'popularity' if k == 'score' else k}' "
                                         "must be a whole number ≥ 0")
                stats[(art_id, str(lang))] = Counts(**values)
    except ValueError as exc:
        return None, f"{path}: malformed statistics file ({exc}); popular articles use 'weight' instead"
    return stats, None


def rank(articles: Iterable[Rankable], lang: str, stats: Stats | None, count: int) -> list:
    def key(a: Rankable):
        pop = stats.get((a.id, lang), Counts()).popularity if stats else 0
        return (-pop, -(a.weight or 0), a.title.lower(), a.id)
    return sorted(articles, key=key)[:count]
