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
the target (:mod:`helpcenter.links.linksource` finds the file and line). External links are collected;
:mod:`helpcenter.links.externallinks` checks them on demand.

Speed: each page's HTML is read as bytes and scanned with a few regular expressions
(:mod:`helpcenter.links.htmlpages`). ``scripts/bench/bench_linkcheck.py`` measures it (about 1,300-1,800 pages/s on
one core).
"""
from __future__ import annotations

import html
import os
import posixpath
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpcenter.links.htmlpages import Link, Page, anchor_names, canonical_url, heading_ids, parse_page
from helpcenter.links.linksource import NOT_PAGES, LinkSources, page_key
from helpcenter.source.problems import LANG_NAMES, Problem

AGGREGATE_OVER = 3                     # same template problem on more pages than this: reported once
_SITEMAP_URL = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>|<xhtml:link\s[^>]*href=\"([^\"]+)\"")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

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
        return [self.checker.where(page, link) for page, link in self.external.get(url, [])[:limit]]


@dataclass
class _Issue:
    page: Page
    link: Link | None
    message: str
    hint: str
    key: str                    # what makes two issues "the same" for aggregation
    in_markdown: bool = True    # worth looking for the link in the page's Markdown


class SiteChecker(LinkSources):
    """The checks of one built site (see the module's documentation); :meth:`check` makes the report."""

    def __init__(self, site_dir: str | Path, docs_dir: str | Path | None = None,
                 languages: tuple[str, ...] | list[str] = ("fr", "en"), default: str = "fr",
                 site_url: str | None = None, root: str | Path | None = None,
                 skip_switch: set[str] | frozenset[str] = frozenset()):
        super().__init__(site_dir, docs_dir, languages, default, root)
        self.skip_switch = {page_key(p) for p in skip_switch}
        self.site_url = site_url
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        self.pages: dict[str, Page] = {}

    # reading

    def twin(self, page: Page, lang: str) -> str:
        key = self.neutral(page.rel)
        return key if lang == self.default else f"{lang}/{key}"

    def is_fallback(self, page: Page) -> bool:
        """A page of a translation built from the source language's file (static-i18n fallback)."""
        if self.docs is None or page.lang in (None, self.default) or page.kind != "page":
            return False
        return not self.source_in(page, page.lang) and bool(self.source_in(page, self.default))

    def _switch_checked(self, page: Page) -> bool:
        return self.neutral(page.rel) not in self.skip_switch and not self.is_fallback(page)

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
            url = canonical_url(index.read_text(encoding="utf-8", errors="replace")[:20000])
            if url:
                return url
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
            names = anchor_names(self.page_text(page))
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
                        page, link, f"broken anchor '{url}': no id '{frag}' in {self.shown(final)}",
                        self._anchor_hint(other), f"anchor|{final}|{frag}"))
            target_lang = other.lang if other.kind == "page" else None
            if is_switch:
                switches[(link.tag, link.hreflang)].append((link, final))
            elif (target_lang and page.lang and target_lang != page.lang and page.kind == "page"
                  and link.tag in ("a", "area", "iframe")):
                issues.append(_Issue(
                    page, link,
                    f"link '{url}' leads into the {self._lang_name(target_lang)} site ({self.shown(final)}) "
                    f"from a {self._lang_name(page.lang)} page",
                    f"link to the {self._lang_name(page.lang)} page instead (the same .md file in "
                    f"docs/{page.lang}/); readers change language only with the language switch",
                    f"crosslang|{final}"))
            # a redirect may lead into another language only when it says so (<html lang>): an alias from
            # the site root (/assistance/x.md) of an article of that language
            if page.kind == "redirect" and link.tag == "meta" and page.lang and target_lang \
                    and target_lang != page.lang and target_lang != page.declared:
                issues.append(_Issue(page, link, f"redirect '{url}' leads into the "
                                     f"{self._lang_name(target_lang)} site",
                                     "redirect to the page of the same language", f"redirlang|{final}"))
        return issues

    def _broken(self, page: Page, link: Link, looked: str) -> _Issue:
        url = link.url
        if link.tag in ("img", "source", "video", "audio", "embed", "track") or link.attr == "srcset":
            message = f"image or media '{url}' has no file ({self.shown(looked)} is not in the built site)"
            hint = "put the file in docs/ (next to the Markdown file or in an assets folder) and fix the path"
        elif link.tag in ("script", "link") and not link.hreflang:
            message = f"missing file '{url}' ({self.shown(looked)} is not in the built site)"
            hint = "check the theme overrides and extra_css / extra_javascript in mkdocs.yml"
        else:
            what = "redirect" if link.tag == "meta" else "link"
            message = f"broken {what} '{url}': {self.shown(looked)} does not exist in the built site"
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
                                             f"{self.shown(final)} instead of the page itself", hint_fix,
                                             f"switchself|{what}", in_markdown=False))
                    continue
                other = self.pages.get(final)
                if other is None or other.kind != "page" or other.lang != lang:
                    issues.append(_Issue(page, link, f"{what} to '{lang}' leads to {self.shown(final)}, "
                                         f"which is not a {self._lang_name(lang)} page", hint_fix,
                                         f"switchlang|{what}|{final}", in_markdown=False))
                    continue
                back = [f for _, f in switches.get(final, {}).get((tag, page.lang), [])]
                if page.rel not in back:
                    shown_back = ", ".join(self.shown(f) if f else "nothing" for f in back) or "nothing"
                    issues.append(_Issue(page, link, f"{what} to '{lang}' is not reciprocal: "
                                         f"{self.shown(final)} points back to {shown_back}, not to this page",
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

    def _lang_name(self, lang: str | None) -> str:
        return LANG_NAMES.get(lang or "", lang or "?")

    def _anchor_hint(self, target: Page) -> str:
        data = self.page_text(target)
        ids = heading_ids(data)
        ids = [i for i in ids if f'href="#{i}"'.encode() in data] or ids      # sections listed in the TOC
        if not ids:
            return "remove the '#...' part or add the id to the target page"
        more = ", ..." if len(ids) > 8 else ""
        return f"use one of the target's section ids: {', '.join(ids[:8])}{more}"

    def _to_problems(self, issues: list[_Issue]) -> list[Problem]:
        problems: list[Problem] = []
        seen_nth: dict[tuple[str, str], int] = defaultdict(int)
        located: list[tuple[_Issue, str, int | None]] = []
        for issue in issues:
            if issue.link is not None and issue.in_markdown:
                nth_key = (issue.page.rel, issue.link.url)
                nth = seen_nth[nth_key]
                seen_nth[nth_key] += 1
                file, line = self.where(issue.page, issue.link, nth)
            else:
                file, line = self.where(issue.page, None)
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

