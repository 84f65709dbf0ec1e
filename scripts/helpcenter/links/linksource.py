"""Where a link of the built site is written: the Markdown file of a built page, and the line of that file.

A problem found in the built HTML is reported where a writer can fix it. A page ``<lang>/<path>/index.html``
comes from ``docs/<lang>/<path>.md`` (or ``<path>/index.md``, ``<path>/README.md``); a translation
without its own file from the default language's file (static-i18n fallback); a redirect stub from the
article whose ``aliases`` list its old path. In that file, a link is found by what the Markdown link and
its HTML rendering have in common (:func:`target_key`) and by its text; links made by templates or the
navigation have no line.

:class:`LinkSources` holds the built site and its docs folder; the link check
(:class:`helpcenter.linkcheck.SiteChecker`) builds on it.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpcenter.links.htmlpages import Link, Page, is_not_found_page, link_text

NOT_PAGES = ("assets", "search")        # top-level folders of files, not pages
NO_LANGUAGE = ("agents",)               # pages for every language at once (support agents' lookup page):
                                        # links checked, no language switch nor hreflang expected


class LinkSources:
    """A built site (``site_dir``) and the Markdown it was built from (``docs_dir``/<lang>/); files are
    shown relative to ``root`` (the project folder, by default the parent of ``docs_dir``)."""

    def __init__(self, site_dir: str | Path, docs_dir: str | Path | None = None,
                 languages: tuple[str, ...] | list[str] = ("fr", "en"), default: str = "fr",
                 root: str | Path | None = None):
        self.site = Path(site_dir)
        self.docs = Path(docs_dir) if docs_dir else None
        self.root = Path(root) if root else (self.docs.parent if self.docs else None)
        self.languages = tuple(languages)
        self.default = default
        self._md_cache: dict[str, list[str] | None] = {}
        self._sources: dict[tuple[str, str], str | None] = {}
        self._text_cache: dict[str, bytes] = {}

    # the built site's paths

    def neutral(self, rel: str) -> str:
        """Path of a site file without its language folder: en/settings/x/index.html -> settings/x/index.html."""
        first, _, rest = rel.partition("/")
        return rest if rest and first in self.languages and first != self.default else rel

    def lang_of(self, rel: str) -> str | None:
        """Language of a site file from its path; None for files that are not content pages."""
        first = rel.split("/", 1)[0]
        if first in self.languages and first != self.default and "/" in rel:
            return first
        if first in NOT_PAGES or first in NO_LANGUAGE or is_not_found_page(rel) or not rel.endswith(".html"):
            return None
        return self.default

    def shown(self, rel: str | None) -> str:
        """A site file as its URL from the site's root (/en/settings/x/), '?' for none."""
        if rel is None:
            return "?"
        return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel

    def page_text(self, page: Page) -> bytes:
        """The built HTML of a page (read once)."""
        if page.rel not in self._text_cache:
            self._text_cache[page.rel] = (self.site / page.rel).read_bytes()
        return self._text_cache[page.rel]

    # the Markdown a page comes from

    def source_of(self, page: Page) -> str | None:
        """Markdown file of a built page, as shown to writers (docs/en/settings/x.md), if it exists."""
        if self.docs is None or page.kind in ("404", "sitemap"):
            return None
        lang = page.lang or self.lang_of(page.rel) or self.default
        cands = _md_candidates(self.neutral(page.rel)) or [""]
        found = self.source_in(page, lang)
        if found:
            return found
        if page.kind == "redirect":
            return self._alias_owner(lang, cands[0])
        if lang != self.default:
            return self.source_in(page, self.default)     # a fallback page: built from the source file
        return None

    def source_in(self, page: Page, lang: str) -> str | None:
        """Markdown file of a built page in the folder of ``lang``, if it exists there."""
        key = (page.rel, lang)
        if key not in self._sources:
            found = None
            for c in _md_candidates(self.neutral(page.rel)):
                p = self.docs / lang / c
                if p.is_file():
                    found = self._rel(p)
                    break
            self._sources[key] = found
        return self._sources[key]

    def _alias_owner(self, lang: str, alias: str) -> str | None:
        """The article whose 'aliases' lists this old path (a redirect stub's source)."""
        if not hasattr(self, "_aliases"):
            from helpcenter.source import frontmatter
            self._aliases: dict[tuple[str, str], str] = {}
            for lg in self.languages:
                base = self.docs / lg
                if not base.is_dir():
                    continue
                for md in base.rglob("*.md"):
                    text = md.read_text(encoding="utf-8", errors="replace")
                    if "aliases" not in text:
                        continue
                    aliases = frontmatter.parse(text, str(md)).meta.get("aliases")
                    for a in aliases if isinstance(aliases, list) else []:
                        self._aliases[(lg, str(a))] = self._rel(md)
        return self._aliases.get((lang, alias))

    def _rel(self, p: Path) -> str:
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix() if self.root else p.as_posix()
        except ValueError:
            return p.as_posix()

    # the line a link is written on

    def _md_lines(self, shown: str) -> list[str] | None:
        if shown not in self._md_cache:
            p = (self.root / shown) if self.root else Path(shown)
            try:
                self._md_cache[shown] = p.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._md_cache[shown] = None
        return self._md_cache[shown]

    def _find_line(self, shown: str, page: Page, link: Link, nth: int) -> int | None:
        """Line of the Markdown file where this link is written (the nth occurrence), or None."""
        lines = self._md_lines(shown)
        if not lines:
            return None
        label = link_text(self.page_text(page), link)
        key = target_key(link.url)
        both, by_key, by_text = [], [], []
        for i, line in enumerate(lines, 1):
            for text, target in _md_links(line):
                k = target_key(target)
                if k == key and (not label or text.strip() == label or not text):
                    both.append(i)
                elif k == key:
                    by_key.append(i)
                elif label and " ".join(text.split()) == label:
                    by_text.append(i)
            if link.url in line and i not in both:
                by_key.append(i)
        for cands in (both, by_key, by_text):
            if cands:
                return cands[min(nth, len(cands) - 1)]
        if label:
            for i, line in enumerate(lines, 1):
                if label in line:
                    return i
        return None

    def where(self, page: Page, link: Link | None, nth: int = 0) -> tuple[str, int | None]:
        """(file, line) to report a problem of this link (the nth with its URL on the page) at: the
        Markdown file and line when found, else the page's source without a line, else the page's URL."""
        shown = self.source_of(page)
        if shown is None:
            return (self.shown(page.rel) if page.kind != "sitemap" else page.rel, None)
        line = self._find_line(shown, page, link, nth) if link is not None else None
        return shown, line


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_HTML_URL = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", re.I)


def _md_candidates(neutral_rel: str) -> list[str]:
    """Markdown files that may be the source of a built file (path without the language folder)."""
    if neutral_rel.endswith("index.html"):
        stem = neutral_rel[: -len("index.html")].rstrip("/")
        return [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]
    return [neutral_rel[: -len(".html")] + ".md"] if neutral_rel.endswith(".html") else []


def page_key(md_rel: str) -> str:
    """Built file of a Markdown path, without the language folder: settings/x.md -> settings/x/index.html."""
    if md_rel == "index.md" or md_rel.endswith("/index.md"):
        return md_rel[: -len(".md")] + ".html"
    return md_rel[: -len(".md")] + "/index.html" if md_rel.endswith(".md") else md_rel


def _md_links(line: str) -> list[tuple[str, str]]:
    out = [(m.group(1), m.group(2)) for m in _MD_LINK.finditer(line)]
    out += [("", m.group(1)) for m in _HTML_URL.finditer(line)]
    return out


def target_key(url: str) -> tuple[str, str]:
    """What a Markdown link and its HTML rendering have in common: last path part (no .md) and fragment."""
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/")
    if path.endswith(".md"):
        path = path[:-3]
        if path.endswith("/index") or path == "index":
            path = path[: -len("index")].rstrip("/")
    if path.endswith("/index.html") or path == "index.html":
        path = path[: -len("index.html")].rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in (".", ".."):
        last = ""
    return (last, parts.fragment)
