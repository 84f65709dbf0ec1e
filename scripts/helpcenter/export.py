"""Files the build writes for other programs.

``kb-catalogue.json`` at the site root lists every article of every language; the feedback collector
reads it to accept votes only for articles that exist::

    {"version": 1, "languages": ["fr", "en"],
     "articles": [{"id": 1, "lang": "fr", "title": "...", "url": "/settings/x/"}, ...]}

URLs are absolute paths from the site root.
"""
from __future__ import annotations

import json
from pathlib import Path

from .catalogue import Catalogue

CATALOGUE_FILE = "kb-catalogue.json"


def catalogue_data(catalogue: Catalogue) -> dict:
    articles = [
        {"id": a.id, "lang": code, "title": a.title, "url": "/" + a.url}
        for code, language in catalogue.langs.items()
        for a in sorted(language.by_id.values(), key=lambda a: a.id)
    ]
    return {"version": 1, "languages": list(catalogue.langs), "articles": articles}


def write_catalogue(catalogue: Catalogue, path: Path) -> None:
    path.write_text(json.dumps(catalogue_data(catalogue), ensure_ascii=False, indent=1), encoding="utf-8")
