"""What a search without a result offers (``overrides/partials/search.html``, ``assets/kb-search.js``).

The same for every page of a language: the top categories, the other language (its home, where
``?q=`` opens Material's search, and its search index, which the script counts matches in) and the
contact link. The contact link holds the literal field ``{query}`` (``%7Bquery%7D`` once URL-encoded
in a ``mailto:``), which the script replaces with what the reader typed, URL-encoded: by default a
message to ``extra.kb.support_email`` whose subject and body quote the search, or the
``extra.kb.support_url`` template, whose ``{query}`` field is filled the same way (its other fields
name no article here: ``{lang}`` is the reader's language, ``{id}``, ``{title}`` and ``{url}`` are empty).
The popular articles are the page's own (``kb.popular``: home, articles, 404), which the writers'
preview keeps current.
"""
from __future__ import annotations

from collections.abc import Mapping

from helpcenter.articles.catalogue import Catalogue, page_url
from helpcenter.pages import support

QUERY = "{query}"
INDEX = "search/search_index.json"      # each language's index, under its root (search/searchindex.py)


def other_language(catalogue: Catalogue, lang: str) -> str | None:
    """The language whose results are counted: the default one from the others, else the next one."""
    others = [code for code in catalogue.langs if code != lang]
    if not others:
        return None
    return catalogue.default if catalogue.default in others else others[0]


def contact(t: Mapping[str, str], *, template: str, email: str, lang: str) -> str:
    """Where "Ask support" leads from a search, ``{query}`` left for the script to fill."""
    if template:
        return support.support_url(template, lang=lang, query=QUERY)       # %7Bquery%7D: the script fills it
    if not email:
        return ""
    return support.mailto(email, t["support_subject_search"], t["support_body_search"])


def block(catalogue: Catalogue, lang: str, t: Mapping[str, str], *, template: str = "", email: str = "") -> dict:
    """The template's data (every value is text the template escapes; URLs are site-root-relative)."""
    other = other_language(catalogue, lang)
    root = "" if other is None else page_url(other, "index.md", catalogue.default)
    return {"categories": catalogue[lang].top_categories, "other": other or "",
            "other_home": root or "./", "other_index": root + INDEX if other else "",
            "contact": contact(t, template=template, email=email, lang=lang)}
