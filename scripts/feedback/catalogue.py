"""The build's article catalogue (``site/kb-catalogue.json``, written by ``helpcenter.pages.export``).

    {"version": 1, "languages": ["fr", "en"],
     "articles": [{"id": 1, "lang": "fr", "title": "...", "url": "/settings/x/"}, ...]}

The service accepts votes and views only for the (id, lang) pairs listed here. ``CatalogueFile``
re-reads the file when it changes (the site is rebuilt while the service runs); a broken new file is
reported and the previous catalogue is kept.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("feedback")


class CatalogueError(Exception):
    """The catalogue file is missing or malformed (the message names the file and the problem)."""


@dataclass(frozen=True)
class Article:
    id: int
    lang: str
    title: str
    url: str


@dataclass(frozen=True)
class Catalogue:
    languages: tuple[str, ...]
    articles: dict[tuple[int, str], Article]

    def get(self, article_id: int, lang: str) -> Article | None:
        return self.articles.get((article_id, lang))

    def __len__(self) -> int:
        return len(self.articles)

    @classmethod
    def from_data(cls, data, source: str = "catalogue") -> "Catalogue":
        def bad(msg: str) -> CatalogueError:
            return CatalogueError(f"{source}: {msg}")

        if not isinstance(data, dict) or data.get("version") != 1:
            raise bad('expected {"version": 1, "languages": [...], "articles": [...]}')
        langs = data.get("languages")
        if (not isinstance(langs, list) or not langs
                or not all(isinstance(l, str) and 0 < len(l) <= 20 for l in langs)):
            raise bad("'languages' must be a non-empty list of language codes")
        arts = data.get("articles")
        if not isinstance(arts, list):
            raise bad("'articles' must be a list")
        articles: dict[tuple[int, str], Article] = {}
        for n, a in enumerate(arts):
            if not isinstance(a, dict):
                raise bad(f"articles[{n}] must be an object")
            art_id, lang, title, url = a.get("id"), a.get("lang"), a.get("title"), a.get("url")
            if isinstance(art_id, bool) or not isinstance(art_id, int) or art_id < 1:
                raise bad(f"articles[{n}].id must be a whole number ≥ 1")
            if lang not in langs:
                raise bad(f"articles[{n}].lang {lang!r} is not one of the languages {langs}")
            if not isinstance(title, str) or not isinstance(url, str):
                raise bad(f"articles[{n}]: 'title' and 'url' must be text")
            if (art_id, lang) in articles:
                raise bad(f"articles[{n}]: duplicate article {art_id} in {lang!r}")
            articles[(art_id, lang)] = Article(art_id, lang, title, url)
        return cls(tuple(langs), articles)

    @classmethod
    def load(cls, path: str | Path) -> "Catalogue":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CatalogueError(f"{path}: catalogue not found; build the site first "
                                 "(bash scripts/dev.sh build) or pass --catalogue") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogueError(f"{path}: catalogue is not valid JSON ({exc})") from None
        return cls.from_data(data, str(path))


class CatalogueFile:
    """A catalogue file, re-read when its modification time or size changes.

    The file is checked at most once every ``interval`` seconds, so the cost per request is nil.
    """

    def __init__(self, path: str | Path, interval: float = 2.0):
        self.path = Path(path)
        self.interval = interval
        self._lock = threading.Lock()
        self._stamp = self._stat()
        self._catalogue = Catalogue.load(self.path)
        self._checked = time.monotonic()

    def _stat(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def current(self) -> Catalogue:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._catalogue
        with self._lock:
            if now - self._checked >= self.interval:
                self._checked = now
                stamp = self._stat()
                if stamp is not None and stamp != self._stamp:
                    self._stamp = stamp
                    try:
                        self._catalogue = Catalogue.load(self.path)
                        log.info("catalogue reloaded: %d articles", len(self._catalogue))
                    except CatalogueError as exc:
                        log.warning("%s; keeping the previous catalogue", exc)
        return self._catalogue
