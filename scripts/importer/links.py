"""Which imported post an old link points to, and where an old image lives in ``--uploads``.

Recognised forms of a link to a post of the export: its absolute permalink (http or https, with or without
``www.``), the same path from the site root, ``?p=ID``, ``?page_id=ID``, ``?post_type=…&p=ID``
(``/index.php?…`` too), and the source's own id pattern (Zendesk: ``/hc/<locale>/articles/<id>-…``).
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from importer.model import Export

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _norm_path(path: str) -> str:
    return unquote(path).rstrip("/").lower() or "/"


class LinkIndex:
    def __init__(self, export: Export):
        site = urlsplit(export.site_url)
        self.host = _host(site.netloc)
        self.by_path: dict[str, str] = {}
        self.refs: set[str] = set()
        for post in export.posts:
            self.refs.add(post.ref)
            if post.url:
                self.by_path[_norm_path(urlsplit(post.url).path)] = post.ref
        self.pattern = re.compile(export.id_pattern) if export.id_pattern else None

    def on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return not parts.netloc or _host(parts.netloc) == self.host

    def resolve(self, href: str, base: str) -> tuple[str | None, str, str]:
        """(ref of the post, fragment, absolute URL) of a link found in the post whose URL is ``base``;
        the ref is None when the link does not lead to a post of the export."""
        absolute = urljoin(base or "", href.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https", "") or not self.on_site(absolute):
            return None, parts.fragment, absolute
        query = parse_qs(parts.query)
        for key in ("p", "page_id"):
            value = (query.get(key) or [""])[0]
            if value.isdigit() and value in self.refs and parts.path.rstrip("/") in ("", "/index.php"):
                return value, parts.fragment, absolute
        ref = self.by_path.get(_norm_path(parts.path))
        if ref is None and self.pattern is not None:
            m = self.pattern.search(parts.path)
            if m and m.group(1) in self.refs:
                ref = m.group(1)
        return ref, parts.fragment, absolute


def relative(from_path: str, to_path: str) -> str:
    """Relative Markdown link from one docs-relative file to another."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def upload_path(src: str, markers: tuple[str, ...]) -> str | None:
    """The safe relative path of an image below the uploads folder ('2021/05/x.png'), or None when the
    address has no safe file path (traversal, odd characters)."""
    path = unquote(urlsplit(src).path)
    rel = None
    for marker in markers:
        if marker in path:
            rel = path.split(marker, 1)[1]
            break
    if rel is None:
        rel = path.lstrip("/")
    parts = [p for p in rel.split("/") if p]
    if not parts or any(not _SAFE_PART.match(p) or p in (".", "..") for p in parts):
        return None
    return "/".join(parts)


_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


def find_upload(uploads: Path | None, rel: str) -> Path | None:
    """The file for ``rel`` in the uploads copy (or the full-size original of a resized '-300x200'
    variant), never outside it."""
    if uploads is None:
        return None
    root = uploads.resolve()
    for candidate in (rel, _RESIZED.sub("", rel)):
        f = (root / candidate).resolve()
        if f.is_file() and root in f.parents:
            return f
    return None
