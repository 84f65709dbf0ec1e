"""The stop words of the search, per language: lunr's own lists, read from the copies of lunr that
Material ships (English in its search worker, other languages in ``lunr/min/lunr.<lang>.min.js``).

The search drops these words when it indexes and when it searches; the build drops them from the hidden
words of the index (``searchindex.compact``), so that the reader does not download words that can never be
found. Read from Material's files rather than copied here, so that the two lists cannot drift; found
through the package's location, without importing it (this package imports no MkDocs). When a list
cannot be read (a Material upgrade that changed its files), nothing is dropped: the index is larger,
never wrong; ``tests/test_search_lazy.py`` fails then.
"""
from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

_LANGUAGE = re.compile(r'stopWordFilter=\w+\.generateStopWordFilter\("([^"]*)"\.split\(" "\)\)')
_ENGLISH = re.compile(r'generateStopWordFilter\(\[("a","able"[^\]]*)\]')


def _assets() -> Path | None:
    spec = importlib.util.find_spec("material")
    if not spec or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "templates" / "assets" / "javascripts"


@lru_cache(maxsize=None)
def for_language(lang: str) -> frozenset[str]:
    """lunr's stop words of ``lang`` (lower case, accents as written), empty when they cannot be read."""
    assets = _assets()
    if assets is None:
        return frozenset()
    try:
        if lang == "en":
            for worker in (assets / "workers").glob("search.*.js"):
                found = _ENGLISH.search(worker.read_text(encoding="utf-8"))
                if found:
                    return frozenset(w.strip('"') for w in found.group(1).split(","))
            return frozenset()
        found = _LANGUAGE.search((assets / "lunr" / "min" / f"lunr.{lang}.min.js").read_text(encoding="utf-8"))
    except OSError:
        return frozenset()
    return frozenset(w for w in found.group(1).split(" ") if w) if found else frozenset()
