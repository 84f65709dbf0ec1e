"""Export of the statistics file read by the build, and what the report and the dashboard share
(``least_helpful``, ``safe_text``; the report itself: ``insights`` and ``formats``).

The export format is the one ``helpcenter.popular.load_stats`` reads::

    {"version": 1, "generated": "<ISO time>",
     "articles": {"<id>": {"<lang>": {"views": N, "yes": N, "no": N, "search_clicks": N, "popularity": N}}}}

``search_clicks``: the searches whose reader clicked through to the article (``storage.search_clicks``);
``popularity`` is computed per day from the daily counts and search clicks by ``helpcenter.ranking.popular``
(the formula lives there only).
"""
from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

from helpcenter.ranking.popular import popularity_by_day

from .storage import Counts, Storage


def stats_data(totals: dict[tuple[int, str], Counts], now: datetime | None = None) -> dict:
    articles: dict[str, dict[str, dict[str, int]]] = {}
    for (art_id, lang), c in sorted(totals.items()):
        articles.setdefault(str(art_id), {})[lang] = {"views": c.views, "yes": c.yes, "no": c.no,
                                                      "search_clicks": c.search_clicks, "popularity": c.popularity}
    generated = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    return {"version": 1, "generated": generated, "articles": articles}


def export(storage: Storage, out: str | Path, since: date | None = None) -> dict:
    """Write the statistics file atomically (a reader never sees half a file); return its data."""
    data = stats_data(popularity_by_day(storage.days(since), storage.search_clicks(since)))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return data


def safe_text(text: str, limit: int | None = None) -> str:
    """Text for a terminal: control characters (escape sequences, bidi overrides…) and the line and
    paragraph separators U+2028/U+2029 shown as \\uXXXX, new lines as ⏎."""
    out = []
    for ch in text:
        if ch in "\r\n":
            out.append("⏎ ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\u200d":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    s = "".join(out).strip()
    if limit and len(s) > limit:
        s = s[:limit - 1] + "…"
    return s


def plural(n: int, word: str, many: str | None = None) -> str:
    """The count and its word: 1 vote, 2 votes; ``many`` when the plural is not word + s (searches)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def least_helpful(totals: dict[tuple[int, str], Counts], min_votes: int = 1, lang: str | None = None):
    """[(key, counts)] with at least ``min_votes`` votes: lowest helpful ratio first, then most "no"."""
    rows = [(k, c) for k, c in totals.items() if c.votes >= min_votes and (lang is None or k[1] == lang)]
    return sorted(rows, key=lambda kc: (kc[1].helpful_ratio, -kc[1].no, -kc[1].views, kc[0]))
