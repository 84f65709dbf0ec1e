"""The footer of every page, per language: product name, support link, optional legal links.

The support link is ``extra.kb.support_url`` filled by ``support.support_url`` (its ``{id}`` and
``{title}`` empty when the page is not an article). ``extra.kb.legal`` lists optional links, each with
a title per language and one address (or one per language); a link is shown only in the languages it
has a title for.
"""
from __future__ import annotations


def legal_links(legal, lang: str) -> list[tuple[str, str]]:
    """[(title, url)] of the legal links that exist in ``lang``."""
    out = []
    for item in legal or []:
        if not isinstance(item, dict):
            continue
        title, url = item.get("title"), item.get("url")
        title = title.get(lang) if isinstance(title, dict) else None
        url = url.get(lang) if isinstance(url, dict) else url
        if isinstance(title, str) and title.strip() and isinstance(url, str) and url.strip():
            out.append((title.strip(), url.strip()))
    return out
