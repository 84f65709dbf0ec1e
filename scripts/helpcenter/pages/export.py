"""Files the build writes for other programs.

``kb-catalogue.json`` at the site root lists every article of every language; the feedback collector
reads it to accept votes only for articles that exist (drafts are not built: not listed)::

    {"version": 1, "languages": ["fr", "en"],
     "articles": [{"id": 1, "lang": "fr", "title": "...", "url": "/settings/x/"}, ...]}

``kb-redirects.json`` lists every short link and alias (old URL -> article URL) for a web server that
answers them with a real redirect (``scripts/docs.py nginx``), with the languages of the site::

    {"version": 1, "default": "fr", "languages": ["fr", "en"], "redirects": {"/a/2/": "/settings/x/", ...}}

URLs are absolute paths from the site root.
"""
from __future__ import annotations

import json
from pathlib import Path

from helpcenter.articles.catalogue import Catalogue
from helpcenter.links.redirects import redirect_urls

CATALOGUE_FILE = "kb-catalogue.json"
REDIRECTS_FILE = "kb-redirects.json"


def catalogue_data(catalogue: Catalogue) -> dict:
    articles = [
        {"id": a.id, "lang": code, "title": a.title, "url": "/" + a.url}
        for code, language in catalogue.langs.items()
        for a in sorted(language.by_id.values(), key=lambda a: a.id) if a.status != "draft"
    ]
    return {"version": 1, "languages": list(catalogue.langs), "articles": articles}


def write_catalogue(catalogue: Catalogue, path: Path) -> None:
    path.write_text(json.dumps(catalogue_data(catalogue), ensure_ascii=False, indent=1), encoding="utf-8")


def redirects_data(catalogue: Catalogue) -> dict:
    return {"version": 1, "default": catalogue.default, "languages": list(catalogue.langs),
            "redirects": redirect_urls(catalogue)}


def write_redirects(catalogue: Catalogue, path: Path) -> None:
    path.write_text(json.dumps(redirects_data(catalogue), ensure_ascii=False, indent=1), encoding="utf-8")
