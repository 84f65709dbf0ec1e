"""The support agents' lookup page (/agents/): its data, written once by the build.

``agents/agents.json`` holds, for every article id, what an agent needs to answer a ticket in either
language: the title and short link of each language, the sections (ids are the same in every
language, titles per language), the words a reader would search (description, tags, synonyms), and
what is missing (a language, or steps/content marked in ``review``). The page's script
(``overrides/assets/kb-agents.js``) searches these entries over both languages at once; it never loads
the search indexes. The page itself is ``overrides/agents/index.html`` (not in the navigation nor in the
sitemap, ``noindex``).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from helpcenter.source import fences
from helpcenter.links import redirects
from helpcenter.search import synonyms
from helpcenter.articles.catalogue import Article, Catalogue

PAGE = "agents/index.html"
DATA_FILE = "agents/agents.json"
INCOMPLETE = ("missing-steps", "missing-content")

_SECTION = re.compile(r"^##\s+(.*?)\s*\{[^}]*#([\w:.-]+)[^}]*\}\s*#*\s*$")
_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


def sections(body: str) -> list[tuple[str, str]]:
    """(id, title) of the level-2 headings that carry an explicit id, outside fenced code."""
    out = []
    for _, line, code in fences.lines(body):
        if code:
            continue
        s = _SECTION.match(line)
        if s:
            out.append((s.group(2), _MARKUP.sub(lambda x: x.group(1) or "", s.group(1)).strip()))
    return out


_ENTRIES: dict[tuple, tuple[list, dict]] = {}     # what _entry made, for the preview's many writes


def _entry(article: Article, default: str, groups: list) -> dict:
    """An article's entry, made once for the same data (the writers' preview writes the file after
    every save: 0.5 s at 2,000 articles per language without it). Not to be changed by the caller."""
    key = (article.lang, article.id, article.url, article.title, article.description, tuple(article.tags),
           article.body, default, id(groups))
    hit = _ENTRIES.get(key)
    if hit is None:
        if len(_ENTRIES) > 50_000:
            _ENTRIES.clear()
        hit = _ENTRIES[key] = (groups, _make_entry(article, default, groups))   # groups kept: its id stays its own
    return hit[1]


def _make_entry(article: Article, default: str, groups: list) -> dict:
    words = [t.replace("-", " ") for t in article.tags]
    words += synonyms.keywords(groups, article.title, article.description)
    return {
        "title": article.title,
        "short": redirects.short_url(article.lang, article.id, default),
        "url": article.url,
        "sections": [{"id": i, "title": t} for i, t in sections(article.body)],
        "words": " ".join([article.description] + words),
    }


def data(catalogue: Catalogue, groups: dict[str, list] | None = None) -> dict:
    ids = sorted({i for language in catalogue.langs.values() for i in language.by_id})
    articles = []
    for i in ids:
        item: dict = {"id": i}
        review: list[str] = []
        for code, language in catalogue.langs.items():
            article = language.by_id.get(i)
            item[code] = _entry(article, catalogue.default, (groups or {}).get(code, [])) if article else None
            for r in (article.review if article else []):
                if r not in review:
                    review.append(r)
        item["incomplete"] = [r for r in INCOMPLETE if r in review]
        articles.append(item)
    return {"version": 1, "languages": list(catalogue.langs), "default": catalogue.default, "articles": articles}


def write(catalogue: Catalogue, site_dir: Path, groups: dict[str, list] | None = None) -> Path:
    path = site_dir / DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data(catalogue, groups), ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    return path
