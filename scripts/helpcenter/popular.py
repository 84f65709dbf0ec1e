"""Popular-articles ranking.

Score order: the statistics file when present (popularity, per article and language), then
front-matter ``weight``, then title. A missing statistics file is normal; a malformed one yields a
warning and the fallback, never a failed build.

Popularity (defined here only): each day adds views + 10 x "yes" votes, at most ``DAY_CAP``, so that a
burst (a day of ballot stuffing, a bot reloading a page) weighs no more than one very good day.

Statistics file (written by ``python -m feedback export``; ``popularity`` is the capped sum over days,
the counts are totals; without ``popularity`` the uncapped formula applies to the totals)::

    {"version": 1, "generated": "...",
     "articles": {"<id>": {"<lang>": {"views": 0, "yes": 0, "no": 0, "popularity": 0}}}}
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol

YES_WEIGHT = 10
DAY_CAP = 200     # popularity one article and language can gain in one day (e.g. 200 views, or 20 "yes")


class Rankable(Protocol):
    id: int
    title: str
    weight: int | None


def day_popularity(views: int, yes: int) -> int:
    """What one day of one article in one language adds to its popularity."""
    return min(DAY_CAP, views + YES_WEIGHT * yes)


@dataclass(frozen=True)
class Counts:
    views: int = 0
    yes: int = 0
    no: int = 0
    score: int | None = field(default=None, compare=False)   # capped popularity, when known per day

    @property
    def popularity(self) -> int:
        """The capped sum over days when known (``popularity_by_day``), else the formula on the totals."""
        return self.score if self.score is not None else self.views + YES_WEIGHT * self.yes

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def helpful_ratio(self) -> float | None:
        """yes / (yes + no), or None without votes."""
        return self.yes / self.votes if self.votes else None


Stats = dict[tuple[int, str], Counts]


def popularity_by_day(days: Iterable[tuple[int, str, object, Counts]]) -> Stats:
    """Totals with their capped popularity, from per-day counts [(id, lang, day, Counts)]."""
    sums: dict[tuple[int, str], list[int]] = {}
    for art_id, lang, _day, c in days:
        s = sums.setdefault((art_id, lang), [0, 0, 0, 0])
        s[0] += c.views
        s[1] += c.yes
        s[2] += c.no
        s[3] += day_popularity(c.views, c.yes)
    return {k: Counts(v, y, n, score) for k, (v, y, n, score) in sums.items()}


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
                values = {k: c.get(k, 0) for k in ("views", "yes", "no")}
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
