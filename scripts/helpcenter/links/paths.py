"""One owner per URL path: no page, category or alias may take a path the deployment gives to something
else, nor one that another language's page or alias already has.

The deployment (``docs.py nginx``, README "Deploy") gives these paths away, whatever the content says:

- the feedback collector: ``/api/…`` and ``/dashboard``;
- the build's own folders and files: short links ``/a/``, the search index ``/search/``, our and
  Material's assets ``/assets/``, the agents' page ``/agents/``, the 404 pages, ``sitemap.xml``,
  ``robots.txt`` and the JSON files the build writes (``kb-catalogue.json``, ``kb-redirects.json``);
- each other language's root (``/en/`` for English): a French category ``en`` would be the English home.

Under another language's root (``/en/…``) the same holds for its short links, search index and 404 page.
Aliases are compared across all languages: a French alias ``en/index.md`` would send the English home to
a French article. ``redirects.check_aliases`` keeps the rules within one language (an alias that is a page
of its own language, an alias claimed twice); this module adds what crosses languages and the reserved
paths, so that no problem is reported twice.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from helpcenter.articles.catalogue import Catalogue, page_url
from helpcenter.source.problems import Problem

COLLECTOR = ("api", "dashboard")                      # nginx passes these to the feedback collector
BUILD_FOLDERS = ("a", "search", "assets", "agents")   # written by the build (a: short links)
BUILD_FILES = ("404.html", "sitemap.xml", "robots.txt", "kb-catalogue.json", "kb-redirects.json")
IN_EVERY_LANGUAGE = ("a", "search", "404.html")       # also under /<lang>/ for the other languages


def _owner_of_reserved(url: str, default: str, langs: list[str]) -> str | None:
    """What the deployment serves at ``url`` (site-root relative, e.g. 'api/x/'), or None."""
    parts = [p for p in url.split("/") if p]
    if not parts:
        return None
    first = parts[0]
    if first in COLLECTOR:
        return f"the feedback collector (/{first})"
    if first in BUILD_FOLDERS or first in BUILD_FILES:
        return f"the build's own /{first}" + ("/" if first in BUILD_FOLDERS else "")
    if first in langs and first != default:
        if len(parts) == 1:
            return f"the {first} home page (/{first}/)"
        if parts[1] in IN_EVERY_LANGUAGE:
            return f"the build's own /{first}/{parts[1]}" + ("/" if "." not in parts[1] else "")
    return None


def check_paths(catalogue: Catalogue) -> list[Problem]:
    """Pages, categories and aliases of every language whose URL is reserved, or also another
    language's page or alias."""
    langs, default = list(catalogue.langs), catalogue.default
    problems: list[Problem] = []
    owners: dict[str, tuple[str, str]] = {}          # url -> (lang, what) of pages and categories
    for lang, language in catalogue.langs.items():
        pages = [(a.url, a.file, "article") for a in language.articles.values()]
        pages += [(c.url, c.file, "category") for c in language.categories.values()]
        for url, file, kind in sorted(pages):
            owners.setdefault(url, (lang, file))
            taken = _owner_of_reserved(url, default, langs)
            if taken:
                folder = PurePosixPath(url.rstrip("/")).name
                problems.append(Problem(file, None, f"this {kind} would be served at /{url}, which the deployment "
                                        f"gives to {taken}",
                                        f"rename '{folder}' (e.g. '{folder}-help'): readers could never reach this "
                                        "page there"))
    claimed: dict[str, tuple[str, str]] = {}         # alias url -> (lang, file)
    for lang, language in catalogue.langs.items():
        prefix = "" if lang == default else f"{lang}/"
        for article in sorted(language.articles.values(), key=lambda a: a.path):
            line = article.lines.get("aliases")
            for alias in article.aliases:
                root = alias.startswith("/")            # from the site root, whatever the language
                url = page_url(default, alias[1:] if root else prefix + alias, default)
                taken = _owner_of_reserved(url, default, langs)
                page = owners.get(url)
                other = claimed.get(url)
                if taken and not alias.split("/")[0] == "a":      # 'a/' is reported by check_aliases
                    problems.append(Problem(article.file, line, f"alias '{alias}' would answer /{url}, which the "
                                            f"deployment gives to {taken}",
                                            "remove it, or give the real old path of this article"))
                elif page is not None and (page[0] != lang or root):
                    problems.append(Problem(article.file, line, f"alias '{alias}' would answer /{url}, the "
                                            f"address of {page[1]}",
                                            "remove it: aliases are paths of the article's own language "
                                            "(relative to its language folder)"))
                elif other is not None and (other[0] != lang or root):
                    problems.append(Problem(article.file, line, f"alias '{alias}' would answer /{url}, also "
                                            f"claimed by {other[1]}", "keep it on one article only"))
                claimed.setdefault(url, (lang, article.file))
    return problems
