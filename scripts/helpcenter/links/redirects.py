"""Stable links for support agents: short links by id and redirects from old paths (aliases).

- ``/a/<id>/`` (default language) and ``/<lang>/a/<id>/`` redirect to the article, wherever it lives;
- every path listed in an article's ``aliases`` (relative to its language folder, e.g.
  ``settings/old-name.md``) redirects to the article in the same language.

Redirect pages are written by mkdocs-redirects from the map built here (keys: old Markdown paths
from the site root; values: the article's source path as MkDocs knows it, ``<lang>/<path>``); its page
is English only (``lang="en"``, "You're being redirected"), so ``localized_redirect`` writes it again in
the language of the article it leads to (same target, same script, so the redirect is unchanged).
"""
from __future__ import annotations

import html
import re

from helpcenter.articles.catalogue import Article, Catalogue, page_url
from helpcenter.source.problems import Problem

SHORT_PREFIX = "a"


def short_url(lang: str, article_id: int, default: str) -> str:
    """Site-root-relative short link, e.g. 'a/12/' or 'en/a/12/'."""
    prefix = "" if lang == default else f"{lang}/"
    return f"{prefix}{SHORT_PREFIX}/{article_id}/"


def redirect_map(catalogue: Catalogue, lang: str) -> dict[str, str]:
    language = catalogue[lang]
    prefix = "" if lang == catalogue.default else f"{lang}/"
    out: dict[str, str] = {}
    for article in sorted(language.by_id.values(), key=lambda a: a.id):
        if article.status == "draft":
            continue                       # not built: no short link, no alias
        target = f"{lang}/{article.path}"
        out[f"{prefix}{SHORT_PREFIX}/{article.id}.md"] = target
        for alias in article.aliases:
            if not alias.startswith("/"):              # from the site root: root_aliases
                out[f"{prefix}{alias}"] = target
    return out


_REDIRECT_STUB = re.compile(r'<link rel="canonical" href="([^"<>]*)">.*You\'re being redirected to', re.S)

REDIRECT_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
    <meta charset="utf-8">
    <title>{title}</title>
    <meta name="robots" content="noindex">
    <link rel="canonical" href="{url}">
    <script>var anchor=window.location.hash.substr(1);location.href="{url}"+(anchor?"#"+anchor:"")</script>
    <meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>{text}</p>
</body>
</html>
"""


def redirect_page(url: str, lang: str, t: dict[str, str]) -> str:
    """A redirect page to ``url`` in ``lang`` (strings ``t``: ``redirect_title``, ``redirect_text`` with
    ``{link}``), the same script and meta refresh as mkdocs-redirects' (the anchor is kept)."""
    url = html.escape(url, quote=True)
    link = f'<a href="{url}">{html.escape(t["redirect_link"])}</a>'
    return REDIRECT_PAGE.format(lang=html.escape(lang), title=html.escape(t["redirect_title"]), url=url,
                                text=html.escape(t["redirect_text"]).replace("{link}", link))


def localized_redirect(page: str, lang: str, t: dict[str, str]) -> str | None:
    """mkdocs-redirects' page ``page`` in ``lang``; None when ``page`` is not one of its pages (already
    localized, or another file). The target is taken as mkdocs-redirects wrote it."""
    m = _REDIRECT_STUB.search(page)
    return None if m is None else redirect_page(html.unescape(m.group(1)), lang, t)


def root_aliases(catalogue: Catalogue) -> dict[str, Article]:
    """Aliases written from the site root (a leading ``/``: an old address outside the article's language
    folder, e.g. an English article's ``/assistance/x.md`` from a former help center), every language:
    {site-root-relative URL: article}. The hooks write their pages at the end of the build, in the root
    that the default language's build owns (``redirect_map`` leaves them out: mkdocs-redirects writes
    only inside the language being built)."""
    out: dict[str, Article] = {}
    for language in catalogue.langs.values():
        for article in sorted(language.by_id.values(), key=lambda a: a.id):
            if article.status == "draft":
                continue
            for alias in article.aliases:
                if alias.startswith("/"):
                    out.setdefault(page_url(catalogue.default, alias[1:], catalogue.default), article)
    return out


def redirect_urls(catalogue: Catalogue) -> dict[str, str]:
    """Every redirect of every language as URL paths from the site root, e.g. ``{"/en/a/2/":
    "/en/settings/x/"}``: the same map as ``redirect_map`` (what mkdocs-redirects writes as pages), for
    a web server to answer with a real HTTP redirect."""
    out: dict[str, str] = {}
    for lang in catalogue.langs:
        for old, target in redirect_map(catalogue, lang).items():
            target_lang, _, rel = target.partition("/")
            url = catalogue.url_of(target_lang, rel)
            if url is not None:
                out["/" + page_url(catalogue.default, old, catalogue.default)] = "/" + url
    for url, article in root_aliases(catalogue).items():
        out.setdefault("/" + url, "/" + article.url)
    return out


def check_aliases(catalogue: Catalogue) -> list[Problem]:
    """An alias must not be a live page, the short-link folder, or claimed by two articles."""
    problems = []
    for language in catalogue.langs.values():
        owners: dict[str, str] = {}
        for article in sorted(language.articles.values(), key=lambda a: a.path):
            line = article.lines.get("aliases")
            for alias in article.aliases:
                if alias.startswith("/"):
                    if alias in owners:                    # the rest: paths.check_paths, across languages
                        problems.append(Problem(article.file, line, f"alias '{alias}' is also claimed by "
                                                f"{owners[alias]}", "keep it on one article only"))
                    owners.setdefault(alias, article.file)
                    continue
                if alias in language.articles or alias.endswith("index.md") and alias[:-9] in language.categories:
                    problems.append(Problem(article.file, line, f"alias '{alias}' is an existing page",
                                            "remove it: only old paths that no longer exist can redirect"))
                elif alias.split("/")[0] == SHORT_PREFIX or alias in ("index.md",):
                    problems.append(Problem(article.file, line, f"alias '{alias}' is reserved",
                                            f"'{SHORT_PREFIX}/' holds the short links; use the real old path"))
                elif alias in owners:
                    problems.append(Problem(article.file, line, f"alias '{alias}' is also claimed by {owners[alias]}",
                                            "keep it on one article only"))
                else:
                    owners[alias] = article.file
    return problems
