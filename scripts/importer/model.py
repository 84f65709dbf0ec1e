"""The shape every source returns: posts (one per language version), categories and the site's old URLs.

A source reads its export completely (or raises ``SourceError`` naming the file and line) before anything
is planned or written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("fr", "en")


class SourceError(Exception):
    """The export cannot be read: ``file:line: what is wrong (fix: ...)``."""

    def __init__(self, file: str, line: int | None, message: str, fix: str):
        self.file, self.line, self.message, self.fix = file, line, message, fix
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message} (fix: {fix})")


@dataclass
class Category:
    key: str                      # the source's id of this term/section, unique in the export
    lang: str                     # fr or en
    slug: str                     # the source's slug (sanitised later)
    title: str
    description: str = ""
    parent: str | None = None     # key of the parent category (same language), if any
    group: str | None = None      # translation group: categories of one group are one folder


@dataclass
class Post:
    key: str                      # the source's id (WordPress post ID, Zendesk article id), unique in the export
    lang: str
    title: str
    html: str
    slug: str = ""
    excerpt: str = ""
    status: str = "publish"       # publish, or the source's word for a draft (draft, pending, private…)
    url: str = ""                 # the old permalink (absolute)
    categories: list[str] = field(default_factory=list)    # category keys, the first one is the folder
    tags: list[str] = field(default_factory=list)
    views: int | None = None      # popularity seed (views, or votes) -> weight
    group: str | None = None      # translation group: posts of one group are one article
    short_urls: list[str] = field(default_factory=list)   # other old addresses, e.g. /?p=12 (path + query)
    ref: str = ""                 # the id links use for it (WordPress: the post ID; Zendesk: the article id)

    def __post_init__(self):
        self.ref = self.ref or self.key


@dataclass
class Export:
    source: str                   # "wordpress" or "zendesk"
    file: str                     # what was read, as shown in messages
    site_url: str                 # the old site's address (links to it are internal)
    posts: list[Post] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)    # (key or title, why)
    notes: list[str] = field(default_factory=list)
    id_pattern: str = ""          # regex: group 1 is the ref of an article in an old link's path (Zendesk)
    uploads_markers: tuple[str, ...] = ("/wp-content/uploads/",)   # where an image path's file part starts

    def ids_key(self) -> str:
        """Which old-id namespace this export belongs to, for the mapping file."""
        return f"{self.source}:{self.site_url.rstrip('/')}"
