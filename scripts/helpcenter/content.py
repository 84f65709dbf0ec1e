"""The content as every command sees it: the catalogue read from docs/, with the checks built on it.

``Catalogue.read`` reads the files and checks what the catalogue alone knows (front matter, glossary, ids,
translations, categories). The checks composed here need a whole catalogue and another module: aliases
against the pages and one owner per URL path (``links``), snippets (``snippets``), links out of drafts (``publication``). Those
modules build on the catalogue; composing them here, not in ``catalogue``, keeps the imports one way.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from helpcenter.source import snippets
from helpcenter.articles.catalogue import Catalogue
from helpcenter.links.paths import check_paths
from helpcenter.links.redirects import check_aliases
from helpcenter.links.publication import draft_links


def load(docs_dir: str | Path, languages: Iterable[str] = ("fr", "en"), default: str = "fr",
         root: str | Path | None = None, history=None) -> Catalogue:
    """The catalogue of ``docs_dir`` with every content problem (``catalogue.problems``); see
    ``Catalogue.read`` for the arguments."""
    cat = Catalogue.read(docs_dir, languages, default, root, history)
    docs_dir = Path(docs_dir)
    cat.problems.extend(check_aliases(cat))
    cat.problems.extend(check_paths(cat))
    cat.problems.extend(snippets.problems(docs_dir, Path(root) if root else docs_dir.parent, cat.langs))
    cat.problems.extend(draft_links(cat))
    return cat
