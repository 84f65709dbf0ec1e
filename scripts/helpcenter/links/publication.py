"""Publication status of an article: front matter ``status: published`` (default), ``draft`` or ``unlisted``.

- draft: shown only in the writers' preview (``serve``, with a banner); the build leaves it out: no
  page, no listing, search entry, sitemap entry, related or popular slot, short link or alias. A link to
  it from an article that is built is an error (below), at the link's file and line.
- unlisted: built and reachable by its URL and short link, ``noindex``, but in no listing, search,
  sitemap, related or popular list.

Both languages of an article have the same status (checked by the catalogue). The MkDocs side (what is
built, the banner, the sitemap) is in scripts/mkdocs_hooks.py. No MkDocs here.
"""
from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from helpcenter.articles.catalogue import Catalogue
from helpcenter.translation.parity import structure
from helpcenter.source.problems import Problem


def draft_links(catalogue: Catalogue, only: set[tuple[str, str]] | None = None) -> list[Problem]:
    """Links from built articles (published or unlisted) to draft articles of the same language
    (``only``: from these (language, path) articles only, e.g. those the preview re-reads after a save)."""
    out = []
    for code, language in catalogue.langs.items():
        drafts = {path for path, a in language.articles.items() if a.status == "draft"}
        if not drafts:
            continue
        for article in language.articles.values():
            if article.status == "draft" or (only is not None and (code, article.path) not in only):
                continue
            for link in structure(article.body, article.body_line).links:
                target = unquote(urlsplit(link.value).path)
                if not target.endswith(".md"):
                    continue
                path = posixpath.normpath(posixpath.join(posixpath.dirname(article.path), target))
                if path in drafts:
                    out.append(Problem(article.file, link.line,
                                       f"links to '{link.value}', a draft (status: draft): it is not published",
                                       "remove the link until the draft is published, or publish it "
                                       "(remove 'status: draft' from both languages)"))
    return out
