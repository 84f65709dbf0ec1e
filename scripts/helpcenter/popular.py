"""Popular-articles ranking.

Score order: the statistics file when present (popularity = views + 10 x "yes" votes, per article
and language), then front-matter ``weight``, then title. A missing statistics file is normal; a
malformed one yields a warning and the fallback, never a failed build.

Statistics file (written by ``python -m feedback export``)::

    {"version": 1, "generated": "...", "articles": {"<id>": {"<lang>": {"views": 0, "yes": 0, "no": 0}}}}
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

YES_WEIGHT = 10


class Rankable(Protocol):
    id: int
    title: str
    weight: int | None


@dataclass(frozen=True)
class Counts:
    views: int = 0
    yes: int = 0
    no: int = 0

    @property
    def popularity(self) -> int:
        return self.views + YES_WEIGHT * self.yes

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def helpful_ratio(self) -> float | None:
        """yes / (yes + no), or None without votes."""
        return self.yes / self.votes if self.votes else None


Stats = dict[tuple[int, str], Counts]


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
                for k, v in values.items():
                    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                        raise ValueError(f"article {raw_id}/{lang}: '{k}' must be a whole number ≥ 0")
                stats[(art_id, str(lang))] = Counts(**values)
    except ValueError as exc:
        return None, f"{path}: malformed statistics file ({exc}); popular articles use 'weight' instead"
    return stats, None


def rank(articles: Iterable[Rankable], lang: str, stats: Stats | None, count: int) -> list:
    def key(a: Rankable):
        pop = stats.get((a.id, lang), Counts()).popularity if stats else 0
        return (-pop, -(a.weight or 0), a.title.lower(), a.id)
    return sorted(articles, key=key)[:count]
