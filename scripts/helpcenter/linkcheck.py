"""Site-level link check over the built HTML of the help center (stdlib only, regex parsing).

What is checked, for every HTML page of the built site (Material's ``assets/`` and ``search/`` are
files that links may point at, never pages to check):

- every internal ``href``/``src``/``srcset`` resolves to a file of the site (directory URLs end in
  ``index.html``; absolute URLs under ``site_url`` count as internal);
- every ``#fragment`` exists in its target page, as an ``id`` or an ``<a name>``;
- language switch links (``<a hreflang>``) and ``<link rel=alternate hreflang>`` resolve to a page of that
  language, the page's own language points to itself, and the other page points back (reciprocity);
  pages without a real translation (static-i18n fallback pages) are left to content validation;
- no page of one language links (``<a>``, ``<area>``, ``<iframe>``) to a page of the other, except through
  the language switch;
- every ``<loc>`` (and ``xhtml:link`` alternate) of ``sitemap.xml`` exists, and so does the sitemap named
  by ``robots.txt``;
- redirect stubs (pages with ``<meta http-equiv="refresh">``, e.g. from mkdocs-redirects) lead to a page
  that exists, in the stub's language; links through a stub keep their anchor checked on the final page;
  ``404.html`` (and each language's ``<lang>/404.html``) uses root-absolute links and is checked for
  broken links only.

Each problem is a :class:`~helpcenter.problems.Problem` on the source Markdown file of the page
(``docs/<lang>/<path>.md``), at the line where the link is written when it can be found there (links
made by templates or the navigation have no line, and one made on many pages is reported once), naming
the target. External links are collected; :func:`check_external` checks them on demand (never in the
tests: CI has no internet).

Speed: HTML is read as bytes and scanned with a few regular expressions (MkDocs and Material write
regular, double-quoted, lower-case HTML; other quoting, ``srcset`` and meta refresh go through a slower
general parser). ``scripts/bench_linkcheck.py`` measures it (about 1,300-1,800 pages/s on one core).
"""
from __future__ import annotations

import html
import os
import posixpath
import re
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problems import LANG_NAMES, Problem
NOT_PAGES = ("assets", "search")        # top-level folders of files, not pages
NO_LANGUAGE = ("agents",)               # pages for every language at once (support agents' lookup page):
                                        # links checked, no language switch nor hreflang expected
AGGREGATE_OVER = 3                     # same template problem on more pages than this: reported once

# --- HTML extraction (regular expressions: the built HTML is machine-written and regular) -----

_TAG = re.compile(rb"<(a|link|img|script|source|iframe|area|embed|video|audio|track|meta)\s([^>]*)>", re.I)
# MkDocs and Material write lower-case tags and double quotes; raw HTML in Markdown may use other quotes
_FAST_TAG = re.compile(rb"""<(a|link|img|script|source|iframe|area|embed|video|audio|track)\s([^>]*?)"""
                       rb"""(?<![\w-])(href|src)=("[^"]*"|'[^']*'|[^\s>"']+)([^>]*)>""")
_ATTR = re.compile(r"""([a-zA-Z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ID = re.compile(rb""" id=(?:"([^"]*)"|'([^']*)')""")
_ID_ODD = re.compile(rb"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_A_NAME = re.compile(rb"""<a\s[^>]*?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_HEADING_ID = re.compile(rb"""<h[1-6][^>]*\sid\s*=\s*"([^"]*)\"""", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'">]+)""", re.I)
_CANONICAL = re.compile(r"""<link\s[^>]*rel="canonical"[^>]*href="([^"]+)"|<link\s[^>]*href="([^"]+)"[^>]*rel="canonical\"""")
_SITEMAP_URL = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>|<xhtml:link\s[^>]*href=\"([^\"]+)\"")
_TAGS_TEXT = re.compile(r"<[^>]+>")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
URL_ATTRS = ("href", "src")


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        v = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4) or ""
        out[m.group(1).lower()] = html.unescape(v) if "&" in v else v
    return out


@dataclass
class Link:
    tag: str
    attr: str
    url: str
    pos: int                    # offset of the tag in the page's HTML (to find its text again)
    hreflang: str | None = None
    alternate: bool = False     # <link rel="alternate" hreflang=...>


@dataclass
class Page:
    rel: str                    # path of the file in the site, e.g. en/settings/x/index.html
    lang: str | None            # language of the page, from its path (None for 404 and non-content)
    kind: str                   # "page", "404", "redirect"
    ids: set[str]
    links: list[Link]
    redirect: str | None = None
    has_names: bool = False     # has <a name=...> anchors (looked up only when an id is missing)

    @property
    def url(self) -> str:
        """Site-root URL of the page, e.g. /en/settings/x/."""
        return "/" + (self.rel[: -len("index.html")] if self.rel.endswith("index.html") else self.rel)


def _str(b: bytes) -> str:
    v = b.decode("utf-8", "replace")
    return html.unescape(v) if "&" in v else v


def is_not_found_page(rel: str) -> bool:
    """The site's 404 page, or a language's (``en/404.html``): served at any URL, not a content page."""
    return rel == "404.html" or (rel.count("/") == 1 and rel.endswith("/404.html"))


def parse_page(rel: str, data: bytes, lang: str | None) -> Page:
    """Ids and links of one page (UTF-8 bytes: regular expressions on bytes are about twice as fast).
    A fast path reads href/src; pages with srcset or a meta refresh go through a general parser."""
    if b"<!--" in data:
        data = _COMMENT.sub(lambda m: b" " * len(m.group(0)), data)   # keep offsets
    ids = {_str(a or b) for a, b in _ID.findall(data)}
    if b"id =" in data or b"\nid=" in data or b"\tid=" in data:
        ids.update(_str(a or b or c) for a, b, c in _ID_ODD.findall(data))
    links: list[Link] = []
    redirect = None
    if b"srcset" not in data and b"http-equiv" not in data:
        for m in _FAST_TAG.finditer(data):
            url = m.group(4)
            if url[:1] in (b'"', b"'"):
                url = url[1:-1]
            url = url.decode("utf-8", "replace").strip()
            if "&" in url:
                url = html.unescape(url)
            tag = m.group(1).decode()
            attr = m.group(3).decode()
            rest = m.group(2) + m.group(5)
            if b"hreflang" in rest:
                a = _attrs(rest.decode("utf-8", "replace"))
                links.append(Link(tag, attr, url, m.start(), a.get("hreflang"),
                                  tag == "link" and "alternate" in a.get("rel", "").split()))
            else:
                links.append(Link(tag, attr, url, m.start()))
    else:
        for m in _TAG.finditer(data):
            raw = m.group(2).decode("utf-8", "replace")
            tag = m.group(1).decode().lower()
            if tag == "meta":
                if "refresh" in raw.lower():
                    a = _attrs(raw)
                    if a.get("http-equiv", "").lower() == "refresh":
                        u = _REFRESH_URL.search(a.get("content", ""))
                        if u:
                            redirect = u.group(1).strip()
                            links.append(Link("meta", "content", redirect, m.start()))
                continue
            if "href" not in raw and "src" not in raw:
                continue
            a = _attrs(raw)
            for attr in URL_ATTRS:
                url = a.get(attr)
                if url is None:
                    continue
                hreflang = a.get("hreflang")
                alternate = tag == "link" and "alternate" in a.get("rel", "").split()
                links.append(Link(tag, attr, url.strip(), m.start(), hreflang, alternate))
            srcset = a.get("srcset")
            if srcset:
                for part in srcset.split(","):
                    bits = part.split()
                    if bits:
                        links.append(Link(tag, "srcset", bits[0], m.start()))
    kind = "redirect" if redirect else "404" if is_not_found_page(rel) else "page"
    return Page(rel, lang if kind != "404" else None, kind, ids, links, redirect, b"name=" in data)


# --- the site ---------------------------------------------------------------------------------

@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    external: dict[str, list[tuple[Page, Link]]] = field(default_factory=dict)   # url -> where it is used
    pages: int = 0
    links: int = 0
    seconds: float = 0.0
    checker: "SiteChecker | None" = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def sources(self, url: str, limit: int = 5) -> list[tuple[str, int | None]]:
        """(Markdown file, line) of the first uses of an external URL."""
        if self.checker is None:
            return []
        return [self.checker._where(page, link) for page, link in self.external.get(url, [])[:limit]]


@dataclass
class _Issue:
    page: Page
    link: Link | None
    message: str
    hint: str
    key: str                    # what makes two issues "the same" for aggregation
    in_markdown: bool = True    # worth looking for the link in the page's Markdown


class SiteChecker:
    def __init__(self, site_dir: str | Path, docs_dir: str | Path | None = None,
                 languages: tuple[str, ...] | list[str] = ("fr", "en"), default: str = "fr",
                 site_url: str | None = None, root: str | Path | None = None,
                 skip_switch: set[str] | frozenset[str] = frozenset()):
        self.site = Path(site_dir)
        self.skip_switch = {page_key(p) for p in skip_switch}
        self.docs = Path(docs_dir) if docs_dir else None
        self.root = Path(root) if root else (self.docs.parent if self.docs else None)
        self.languages = tuple(languages)
        self.default = default
        self.site_url = site_url
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        self.pages: dict[str, Page] = {}
        self._md_cache: dict[str, list[str] | None] = {}
        self._sources: dict[tuple[str, str], str | None] = {}
        self._text_cache: dict[str, bytes] = {}

    # reading

    def neutral(self, rel: str) -> str:
        """Path of a site file without its language folder: en/settings/x/index.html -> settings/x/index.html."""
        first, _, rest = rel.partition("/")
        return rest if rest and first in self.languages and first != self.default else rel

    def twin(self, page: Page, lang: str) -> str:
        key = self.neutral(page.rel)
        return key if lang == self.default else f"{lang}/{key}"

    def is_fallback(self, page: Page) -> bool:
        """A page of a translation built from the source language's file (static-i18n fallback)."""
        if self.docs is None or page.lang in (None, self.default) or page.kind != "page":
            return False
        return not self._source_in(page, page.lang) and bool(self._source_in(page, self.default))

    def _switch_checked(self, page: Page) -> bool:
        return self.neutral(page.rel) not in self.skip_switch and not self.is_fallback(page)

    def lang_of(self, rel: str) -> str | None:
        """Language of a site file from its path; None for files that are not content pages."""
        first = rel.split("/", 1)[0]
        if first in self.languages and first != self.default and "/" in rel:
            return first
        if first in NOT_PAGES or first in NO_LANGUAGE or is_not_found_page(rel) or not rel.endswith(".html"):
            return None
        return self.default

    def scan(self) -> None:
        base = str(self.site)
        n = len(base) + 1
        html_files = []
        for dirpath, dirnames, filenames in os.walk(base):
            reld = dirpath[n:].replace(os.sep, "/") if len(dirpath) > len(base) else ""
            if reld:
                self.dirs.add(reld)
            for f in filenames:
                rel = f"{reld}/{f}" if reld else f
                self.files.add(rel)
                if f.endswith(".html") and reld.split("/", 1)[0] not in NOT_PAGES:
                    html_files.append(rel)
        for rel in sorted(html_files):
            with open(os.path.join(base, rel), "rb") as fh:
                data = fh.read()
            self.pages[rel] = parse_page(rel, data, self.lang_of(rel))
        if self.site_url is None:
            self.site_url = self._guess_site_url()
        if self.site_url and not self.site_url.endswith("/"):
            self.site_url += "/"

    def _guess_site_url(self) -> str | None:
        """The home page's canonical URL is site_url; else the sitemap's first entry."""
        index = self.site / "index.html"
        if index.is_file():
            m = _CANONICAL.search(index.read_text(encoding="utf-8", errors="replace")[:20000])
            if m:
                return m.group(1) or m.group(2)
        sitemap = self.site / "sitemap.xml"
        if sitemap.is_file():
            m = re.search(r"<loc>\s*([^<\s]+)", sitemap.read_text(encoding="utf-8", errors="replace"))
            if m:
                return m.group(1)
        return None

    @property
    def site_path(self) -> str:
        return urlsplit(self.site_url).path if self.site_url else "/"

    # resolving

    def classify(self, url: str) -> str:
        """'external', 'internal', 'fragment' (same page) or 'other' (mailto:, data:, javascript:...)."""
        if not url or url[0] == "#":
            return "fragment"
        if url.startswith("//"):
            return "external"
        if ":" in url and _SCHEME.match(url):
            if self.site_url and (url.startswith(self.site_url) or url + "/" == self.site_url):
                return "internal"
            return "external" if url[:5].lower() in ("http:", "https") else "other"
        return "internal"

    def resolve(self, page_rel: str, url: str) -> tuple[str | None, str]:
        """(file of the site the URL leads to, or None; the path that was looked for)."""
        if "?" in url or "#" in url or ":" in url:
            parts = urlsplit(url)
            path, absolute = parts.path, bool(parts.scheme) or url.startswith("//") or parts.path.startswith("/")
        else:
            path, absolute = url, url.startswith("/")
        if absolute:
            sp = self.site_path
            if path.startswith(sp):
                target = path[len(sp):]
            elif path + "/" == sp:
                target = ""
            else:
                return None, unquote(path)
        elif not path:
            return (page_rel if page_rel in self.files else None), page_rel
        else:
            base = page_rel.rpartition("/")[0]
            target = f"{base}/{path}" if base else path
        if "%" in target:
            target = unquote(target)
        trailing = not target or target[-1] == "/"
        norm = posixpath.normpath(target) if target else "."
        if norm == ".." or norm.startswith(("../", "/")):
            return None, norm
        if norm == ".":
            norm = ""
        cand = (f"{norm}/index.html" if norm else "index.html") if trailing or not norm or norm in self.dirs else norm
        return (cand if cand in self.files else None), cand

    def has_anchor(self, page: Page, name: str) -> bool:
        if name in page.ids:
            return True
        if page.has_names:
            names = {_str(a or b) for a, b in _A_NAME.findall(self._page_text(page))}
            page.ids.update(names)
            page.has_names = False
            return name in names
        return False

    def follow(self, rel: str, limit: int = 5) -> str | None:
        """Final page of a chain of redirect stubs (None if a step is missing or it loops)."""
        for _ in range(limit):
            page = self.pages.get(rel)
            if page is None or page.kind != "redirect":
                return rel
            target, _ = self.resolve(rel, page.redirect)
            if target is None:
                return None
            rel = target
        return None

    # checking

    def check(self) -> Report:
        start = time.perf_counter()
        if not self.pages:
            self.scan()
        report = Report(pages=len(self.pages), checker=self)
        issues: list[_Issue] = []
        external: dict[str, list[tuple[Page, Link]]] = defaultdict(list)
        switches: dict[str, dict[tuple[str, str], list[tuple[Link, str | None]]]] = {}
        for page in self.pages.values():
            report.links += len(page.links)
            found: dict[tuple[str, str], list[tuple[Link, str | None]]] = defaultdict(list)
            issues.extend(self._check_page(page, external, found))
            switches[page.rel] = found
        if len(self.languages) > 1:
            for page in self.pages.values():
                if page.kind == "page" and page.lang and self._switch_checked(page):
                    issues.extend(self._check_switch(page, switches, "language switch", "a"))
                    issues.extend(self._check_switch(page, switches, "hreflang alternate", "link"))
        issues.extend(self._check_sitemap())
        report.problems = self._to_problems(issues)
        report.external = dict(external)
        report.seconds = time.perf_counter() - start
        return report

    def _check_page(self, page: Page, external, switches) -> list[_Issue]:
        issues: list[_Issue] = []
        pages = self.pages
        seen: dict[str, tuple] = {}
        for link in page.links:
            url = link.url
            info = seen.get(url)
            if info is None:
                kind = self.classify(url)
                target = looked = final = None
                if kind == "internal":
                    target, looked = self.resolve(page.rel, url)
                    final = target
                    if target is not None and target in pages and pages[target].kind == "redirect":
                        final = self.follow(target)
                info = seen[url] = (kind, target, looked, final)
            kind, target, looked, final = info
            if kind == "fragment":
                frag = url[1:]
                if frag and link.tag == "a" and frag != "top" and not self.has_anchor(page, unquote(frag)):
                    issues.append(_Issue(page, link, f"broken anchor '{url}': no such id in this page",
                                         self._anchor_hint(page), f"anchor|{page.rel}|{frag}"))
                continue
            if kind == "external":
                external[url].append((page, link))
                continue
            if kind == "other":
                continue
            is_switch = link.hreflang is not None and (link.tag == "a" or link.alternate)
            if target is None:
                issues.append(self._broken(page, link, looked))
                if is_switch:
                    switches[(link.tag, link.hreflang)].append((link, None))
                continue
            if final is None:
                issues.append(_Issue(page, link, f"link '{url}' leads to a redirect that goes nowhere",
                                     "link to the article's current page", f"redirect|{target}"))
                continue
            other = pages.get(final)
            if other is None:
                continue                     # a file (image, CSS...): it exists, nothing more to check
            if "#" in url and link.tag in ("a", "area", "meta"):
                frag = unquote(url.partition("#")[2])
                if frag and not self.has_anchor(other, frag):
                    issues.append(_Issue(
                        page, link, f"broken anchor '{url}': no id '{frag}' in {self._shown(final)}",
                        self._anchor_hint(other), f"anchor|{final}|{frag}"))
            target_lang = other.lang if other.kind == "page" else None
            if is_switch:
                switches[(link.tag, link.hreflang)].append((link, final))
            elif (target_lang and page.lang and target_lang != page.lang and page.kind == "page"
                  and link.tag in ("a", "area", "iframe")):
                issues.append(_Issue(
                    page, link,
                    f"link '{url}' leads into the {self._lang_name(target_lang)} site ({self._shown(final)}) "
                    f"from a {self._lang_name(page.lang)} page",
                    f"link to the {self._lang_name(page.lang)} page instead (the same .md file in "
                    f"docs/{page.lang}/); readers change language only with the language switch",
                    f"crosslang|{final}"))
            if page.kind == "redirect" and link.tag == "meta" and page.lang and target_lang \
                    and target_lang != page.lang:
                issues.append(_Issue(page, link, f"redirect '{url}' leads into the "
                                     f"{self._lang_name(target_lang)} site",
                                     "redirect to the page of the same language", f"redirlang|{final}"))
        return issues

    def _broken(self, page: Page, link: Link, looked: str) -> _Issue:
        url = link.url
        if link.tag in ("img", "source", "video", "audio", "embed", "track") or link.attr == "srcset":
            message = f"image or media '{url}' has no file ({self._shown(looked)} is not in the built site)"
            hint = "put the file in docs/ (next to the Markdown file or in an assets folder) and fix the path"
        elif link.tag in ("script", "link") and not link.hreflang:
            message = f"missing file '{url}' ({self._shown(looked)} is not in the built site)"
            hint = "check the theme overrides and extra_css / extra_javascript in mkdocs.yml"
        else:
            what = "redirect" if link.tag == "meta" else "link"
            message = f"broken {what} '{url}': {self._shown(looked)} does not exist in the built site"
            hint = ("point it at an existing page (a Markdown link to its .md file); if the page moved, "
                    "add its old path to the new page's 'aliases'")
        return _Issue(page, link, message, hint, f"broken|{looked}")

    def _check_switch(self, page: Page, switches: dict, what: str, tag: str) -> list[_Issue]:
        issues = []
        hint_fix = ("every page must exist in every language with the same path; check the hooks' "
                    "alternates (scripts/mkdocs_hooks.py) if the pages exist")
        found = switches[page.rel]
        for lang in self.languages:
            entries = found.get((tag, lang), [])
            twin = self.pages.get(self.twin(page, lang))
            if twin is None or not self._switch_checked(twin):
                continue       # no translation of this page: content validation reports it
            if not entries:
                issues.append(_Issue(page, None, f"no {what} to '{lang}'", hint_fix, f"switchmissing|{what}|{lang}",
                                     in_markdown=False))
                continue
            for link, final in entries:
                if final is None:
                    continue   # already reported as broken
                if lang == page.lang:
                    if final != page.rel:
                        issues.append(_Issue(page, link, f"{what} to '{lang}' (its own language) leads to "
                                             f"{self._shown(final)} instead of the page itself", hint_fix,
                                             f"switchself|{what}", in_markdown=False))
                    continue
                other = self.pages.get(final)
                if other is None or other.kind != "page" or other.lang != lang:
                    issues.append(_Issue(page, link, f"{what} to '{lang}' leads to {self._shown(final)}, "
                                         f"which is not a {self._lang_name(lang)} page", hint_fix,
                                         f"switchlang|{what}|{final}", in_markdown=False))
                    continue
                back = [f for _, f in switches.get(final, {}).get((tag, page.lang), [])]
                if page.rel not in back:
                    shown_back = ", ".join(self._shown(f) if f else "nothing" for f in back) or "nothing"
                    issues.append(_Issue(page, link, f"{what} to '{lang}' is not reciprocal: "
                                         f"{self._shown(final)} points back to {shown_back}, not to this page",
                                         hint_fix, f"switchrecip|{what}|{final}", in_markdown=False))
        return issues

    def _check_sitemap(self) -> list[_Issue]:
        issues = []
        robots = self.site / "robots.txt"
        if robots.is_file():
            fake = Page("robots.txt", None, "sitemap", set(), [])
            for m in re.finditer(r"(?im)^\s*sitemap:\s*(\S+)", robots.read_text(encoding="utf-8", errors="replace")):
                url = m.group(1)
                if self.classify(url) == "internal" and self.resolve("", url)[0] is None:
                    issues.append(_Issue(fake, Link("loc", "loc", url, m.start()),
                                         f"robots.txt names the sitemap '{url}', which is not in the built site",
                                         "fix the Sitemap: line (site_url in mkdocs.yml)", f"robots|{url}",
                                         in_markdown=False))
        path = self.site / "sitemap.xml"
        if not path.is_file():
            return issues
        text = path.read_text(encoding="utf-8", errors="replace")
        fake = Page("sitemap.xml", None, "sitemap", set(), [])
        for m in _SITEMAP_URL.finditer(text):
            url = html.unescape(m.group(1) or m.group(2))
            if self.classify(url) != "internal" and not url.startswith("/"):
                issues.append(_Issue(fake, Link("loc", "loc", url, m.start()),
                                     f"sitemap entry '{url}' is outside site_url ({self.site_url})",
                                     "set site_url in mkdocs.yml (KB_SITE_URL) to the site's public address",
                                     f"sitemapout|{url}", in_markdown=False))
                continue
            target, looked = self.resolve("", url)
            if target is None:
                issues.append(_Issue(fake, Link("loc", "loc", url, m.start()),
                                     f"sitemap entry '{url}' does not exist in the built site ({looked})",
                                     "the page was not built: check the build's warnings", f"sitemap|{url}",
                                     in_markdown=False))
        return issues

    # reporting

    def _shown(self, rel: str | None) -> str:
        if rel is None:
            return "?"
        return "/" + rel[: -len("index.html")] if rel.endswith("index.html") else "/" + rel

    def _lang_name(self, lang: str | None) -> str:
        return LANG_NAMES.get(lang or "", lang or "?")

    def _anchor_hint(self, target: Page) -> str:
        data = self._page_text(target)
        ids = list(dict.fromkeys(_str(i) for i in _HEADING_ID.findall(data) if i))
        ids = [i for i in ids if f'href="#{i}"'.encode() in data] or ids      # sections listed in the TOC
        if not ids:
            return "remove the '#...' part or add the id to the target page"
        more = ", ..." if len(ids) > 8 else ""
        return f"use one of the target's section ids: {', '.join(ids[:8])}{more}"

    def source_of(self, page: Page) -> str | None:
        """Markdown file of a built page, as shown to writers (docs/en/settings/x.md), if it exists."""
        if self.docs is None or page.kind in ("404", "sitemap"):
            return None
        lang = page.lang or self.lang_of(page.rel) or self.default
        cands = _md_candidates(self.neutral(page.rel)) or [""]
        found = self._source_in(page, lang)
        if found:
            return found
        if page.kind == "redirect":
            return self._alias_owner(lang, cands[0])
        if lang != self.default:
            return self._source_in(page, self.default)     # a fallback page: built from the source file
        return None

    def _source_in(self, page: Page, lang: str) -> str | None:
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
            from . import frontmatter
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

    def _md_lines(self, shown: str) -> list[str] | None:
        if shown not in self._md_cache:
            p = (self.root / shown) if self.root else Path(shown)
            try:
                self._md_cache[shown] = p.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._md_cache[shown] = None
        return self._md_cache[shown]

    def _page_text(self, page: Page) -> bytes:
        if page.rel not in self._text_cache:
            self._text_cache[page.rel] = (self.site / page.rel).read_bytes()
        return self._text_cache[page.rel]

    def _link_text(self, page: Page, link: Link) -> str:
        data = self._page_text(page)
        tag_end = data.find(b">", link.pos)
        if link.tag == "img":
            return _attrs(data[link.pos + 4: tag_end].decode("utf-8", "replace")).get("alt", "")
        if link.tag != "a":
            return ""
        close = data.find(b"</a>", tag_end)
        inner = data[tag_end + 1: close if close != -1 else tag_end + 1].decode("utf-8", "replace")
        return " ".join(html.unescape(_TAGS_TEXT.sub(" ", inner)).split())

    def _find_line(self, shown: str, page: Page, link: Link, nth: int) -> int | None:
        """Line of the Markdown file where this link is written (the nth occurrence), or None."""
        lines = self._md_lines(shown)
        if not lines:
            return None
        label = self._link_text(page, link)
        key = _target_key(link.url)
        both, by_key, by_text = [], [], []
        for i, line in enumerate(lines, 1):
            for text, target in _md_links(line):
                k = _target_key(target)
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

    def _where(self, page: Page, link: Link | None, nth: int = 0) -> tuple[str, int | None]:
        shown = self.source_of(page)
        if shown is None:
            return (self._shown(page.rel) if page.kind != "sitemap" else page.rel, None)
        line = self._find_line(shown, page, link, nth) if link is not None else None
        return shown, line

    def _to_problems(self, issues: list[_Issue]) -> list[Problem]:
        problems: list[Problem] = []
        seen_nth: dict[tuple[str, str], int] = defaultdict(int)
        located: list[tuple[_Issue, str, int | None]] = []
        for issue in issues:
            if issue.link is not None and issue.in_markdown:
                nth_key = (issue.page.rel, issue.link.url)
                nth = seen_nth[nth_key]
                seen_nth[nth_key] += 1
                file, line = self._where(issue.page, issue.link, nth)
            else:
                file, line = self._where(issue.page, None)
            located.append((issue, file, line))
        # problems that come from templates (no Markdown line) repeat on many pages: report them once
        groups: dict[str, list[tuple[_Issue, str, int | None]]] = defaultdict(list)
        for item in located:
            issue, file, line = item
            if line is None:
                groups[issue.key].append(item)
            else:
                problems.append(Problem(file, line, issue.message, issue.hint))
        for items in groups.values():
            issue, file, _ = items[0]
            from_template = issue.page.kind == "page" and issue.link is not None
            if len(items) > AGGREGATE_OVER:
                origin = " (not in the Markdown: it comes from a template or the navigation)" if from_template else ""
                problems.append(Problem(file, None, f"{issue.message} on {len(items)} pages, e.g. {issue.page.url}"
                                        + origin, issue.hint))
                continue
            for issue, file, _ in items:
                origin = ""
                if issue.in_markdown and issue.link is not None and issue.page.kind == "page" \
                        and self.source_of(issue.page):
                    origin = " (not found in the Markdown: it comes from a template or the navigation)"
                problems.append(Problem(file, None, issue.message + origin, issue.hint))
        return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))


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


def _target_key(url: str) -> tuple[str, str]:
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


def check_site(site_dir: str | Path, docs_dir: str | Path | None = None,
               languages: tuple[str, ...] | list[str] = ("fr", "en"), default: str = "fr",
               site_url: str | None = None, root: str | Path | None = None,
               skip_switch: set[str] | frozenset[str] = frozenset()) -> Report:
    """Check a built site; see the module's documentation.

    ``skip_switch``: Markdown paths relative to the language folders (``settings/x.md``) whose pages get
    no language-switch or hreflang check, because a content problem already reported (missing
    translation, unreadable front matter) explains them.
    """
    checker = SiteChecker(site_dir, docs_dir, languages, default, site_url, root, skip_switch)
    return checker.check()          # reads the site too: the time it reports covers everything


# --- external links, on demand -----------------------------------------------------------------

USER_AGENT = "ProAbono-help-center-linkcheck/1.0 (+https://www.proabono.com)"
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _fetch(url: str, timeout: float) -> str | None:
    """None when the URL answers with a non-error status, else the reason."""
    host = (urlsplit(url).hostname or "").lower()
    handlers = [urllib.request.ProxyHandler({})] if host in _LOCAL_HOSTS else []
    opener = urllib.request.build_opener(*handlers)
    last = None
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        try:
            with opener.open(req, timeout=timeout) as resp:
                if method == "GET":
                    resp.read(1024)
                return None
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if method == "HEAD" and exc.code in (400, 403, 405, 501):
                continue                  # some servers refuse HEAD: ask with GET
            return last
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return f"no answer ({reason})"
    return last


def check_external(urls, timeout: float = 10.0, workers: int = 8, per_host: int = 2, retries: int = 1,
                   retry_delay: float = 0.5) -> dict[str, str | None]:
    """Check external URLs: {url: None if fine, else the reason}.

    At most ``workers`` requests at once and ``per_host`` per host; a failed request (no answer, 429 or
    5xx) is retried ``retries`` times after ``retry_delay`` seconds. HEAD first, GET if HEAD is refused.
    """
    urls = sorted(set(urls))
    host_locks: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    guard = threading.Lock()

    def one(url: str) -> tuple[str, str | None]:
        host = urlsplit(url).netloc.lower()
        with guard:
            sem = host_locks[host]
        err = None
        for attempt in range(retries + 1):
            with sem:
                err = _fetch(url, timeout)
            transient = err is not None and (err.startswith("no answer") or err == "HTTP 429"
                                             or err.startswith("HTTP 5"))
            if not transient:
                break
            if attempt < retries:
                time.sleep(retry_delay)
        return url, err

    if not urls:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
        return dict(pool.map(one, urls))


def external_problems(report: Report, results: dict[str, str | None]) -> list[Problem]:
    problems = []
    for url, err in sorted(results.items()):
        if err is None:
            continue
        for file, line in report.sources(url) or [("?", None)]:
            problems.append(Problem(file, line, f"external link '{url}' fails: {err}",
                                    "fix or remove the link (the site may also be down: check it in a browser)"))
    return problems
