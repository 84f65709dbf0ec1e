"""The side navigation of a category cut to its first articles, then "Show all (N)" (MkDocs' nav).

The hooks (``on_nav``) keep each category section's full children (``kb_all_children``) and its
``Category`` (``kb_category``); ``cut`` runs for every page, so the plan of a section is computed once
per build and language.
"""
from __future__ import annotations

from typing import Iterable

from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

from helpcenter.articles.catalogue import Article, Category, sidebar_slice


def cut(sections: Iterable[Section], current: Article | None, t: dict, limit: int) -> None:
    """Show at most ``limit`` articles per category in the side navigation, then "Show all (N)"
    (``t["show_all"]``); the current article stays visible when it is beyond the cut."""
    for section in sections:
        plan = _plan(section, t, limit)
        if plan is None:
            section.children = section.kb_all_children
            continue
        default, articles, beyond, children_for = plan
        if current is not None and id(current) in beyond:
            section.children = children_for({a.url for a in sidebar_slice(articles, current, limit)})
        else:
            section.children = list(default)


def _plan(section: Section, t: dict, limit: int):
    """What ``cut`` needs for one section, computed once per build and language (the cut
    runs for every page: recomputing it made the build quadratic in the size of a category).

    None when the section is short enough; else (children when the current page's article is not cut
    out, the category's articles, ids of the articles cut out by default, children for shown URLs).
    """
    key = (limit, t["show_all"])
    cached = getattr(section, "kb_sidebar_plan", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    children = section.kb_all_children
    pages = [c for c in children if isinstance(c, Page) and c.file.name != "index"]
    plan = None
    if len(pages) > limit:
        category: Category = section.kb_category
        page_ids = {id(p) for p in pages}
        page_urls = {p.url for p in pages}
        articles = [a for a in category.articles if a.url in page_urls]
        first = sidebar_slice(articles, None, limit)
        first_ids = {id(a) for a in first}
        beyond = {id(a) for a in articles if id(a) not in first_ids} if first else set()
        link = Link(t["show_all"].format(n=len(category.all_articles())), category.url)
        link.parent = section

        def children_for(shown: set[str]) -> list:
            return [c for c in children if not (id(c) in page_ids and c.url not in shown)] + [link]

        plan = (children_for({a.url for a in first}), articles, beyond, children_for)
    section.kb_sidebar_plan = (key, plan)
    return plan
