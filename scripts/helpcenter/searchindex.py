"""Language-scoped search.

mkdocs-static-i18n leaves one search index mixing every language (site/search/search_index.json).
We split it: each language gets its own index under its own root (/search/ for the default
language, /en/search/ for English), with only its pages, locations relative to that root, and its
own lunr language, so that a reader searching from an English page only finds English pages.
"""
from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

INDEX = "search/search_index.json"

# Appended to Material's lunr.fr (loaded by the search worker for the French index only):
# 1. fold accents before the French stemmer, at indexing and at query time, so that "parametres"
#    finds "Paramètres";
# 2. Material turns every typed word into a prefix query ("paiements*"), and lunr skips the
#    pipeline for such terms, so stems ("pai") never match; stem the word before the "*" instead,
#    so that "paiements" finds "paiement".
FOLD_FR = r"""
;(function(){if(!self.lunr||!lunr.fr||lunr.fr.kbFolded)return;
var stem=lunr.fr.stemmer,fold=function(s){return s.normalize("NFD").replace(/[\u0300-\u036f]/g,"")};
lunr.fr.stemmer=function(t){return typeof t.update==="function"?stem(t.update(fold)):stem(fold(t))};
lunr.Pipeline.registerFunction(lunr.fr.stemmer,"stemmer-fr-folded");
var clause=lunr.Query.prototype.clause;
lunr.Query.prototype.clause=function(c){
if(c&&c.usePipeline===false&&typeof c.term==="string"&&/^[^*]+\*$/.test(c.term)){
c.term=lunr.fr.stemmer(new lunr.Token(c.term.slice(0,-1))).toString()+"*"}
return clause.call(this,c)};
lunr.fr.kbFolded=true})();
"""


def split(index: dict, languages: list[str], default: str) -> dict[str, dict]:
    """{lang: index of that language only}, locations made relative to the language root."""
    out = {}
    prefixes = {lang: f"{lang}/" for lang in languages if lang != default}
    for lang in languages:
        docs = []
        for doc in index.get("docs", []):
            location = doc.get("location", "")
            owner = next((l for l, p in prefixes.items() if location.startswith(p)), default)
            if owner != lang:
                continue
            doc = dict(doc)
            if lang != default:
                doc["location"] = location[len(prefixes[lang]):]
            docs.append(doc)
        config = copy.deepcopy(index.get("config", {}))
        config["lang"] = [lang]
        out[lang] = {"config": config, "docs": docs}
    return out


def write_split(site_dir: Path, languages: list[str], default: str) -> dict[str, Path]:
    """Replace the mixed index by one index per language; returns the files written."""
    mixed = site_dir / INDEX
    if not mixed.is_file():
        return {}
    index = json.loads(mixed.read_text(encoding="utf-8"))
    written = {}
    for lang, data in split(index, languages, default).items():
        written[lang] = write_language(site_dir, lang, default, data)
    lunr_fr = site_dir / "assets/javascripts/lunr/min/lunr.fr.min.js"
    if "fr" in languages and lunr_fr.is_file():
        text = lunr_fr.read_text(encoding="utf-8")
        if "kbFolded" not in text:
            lunr_fr.write_text(text + FOLD_FR, encoding="utf-8")
    return written


def write_language(site_dir: Path, lang: str, default: str, data: dict) -> Path:
    """Write the index of one language (``split``'s value) where its pages look for it."""
    path = site_dir / INDEX if lang == default else site_dir / lang / INDEX
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path


def drop_fallback_duplicates(entries: list[dict], languages: Iterable[str],
                             slow: Callable[[list[dict]], None] | None = None) -> None:
    """mkdocs-static-i18n's ``reconfigure_search_duplicates`` (1.3.1), same result in linear time.

    static-i18n removes, from the mixed index, every entry of a ``<lang>/`` page that repeats an entry of
    the default language (same title and text, location ending with the default entry's location): the
    pages it served as fallbacks. It compares every pair of entries, which took 13 s of a 60 s build at
    2,000 articles per language. Here candidates are looked up by (title, text), and the original's
    iteration is reproduced, including its quirk: it removes from the list it is iterating over, so the
    entry right after a removed one is not examined in that pass.

    The reproduction assumes what a static-i18n build produces: every default-language entry comes
    before every other-language entry, and no two other-language entries share a location (so that
    ``list.remove``, which removes by equality, removes the entry found). Otherwise ``slow`` (the
    original) runs, when given.
    """
    prefixes = tuple(f"{lang}/" for lang in languages)
    is_target = [e["location"].startswith(prefixes) for e in entries]
    first = next((i for i, t in enumerate(is_target) if t), len(entries))
    targets = entries[first:]
    if not all(is_target[first:]) or len({t["location"] for t in targets}) != len(targets):
        if slow is not None:
            slow(entries)
            return
        raise ValueError("search entries are not in static-i18n's order")
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, t in enumerate(targets):
        by_key[(t["title"], t["text"])].append(i)
    # live targets as a doubly linked list, to know which entry follows a removed one
    nxt = list(range(1, len(targets) + 1))
    prv = list(range(-1, len(targets) - 1))
    live = [True] * len(targets)
    for d in entries[:first]:
        candidates = by_key.get((d["title"], d["text"]))
        if not candidates:
            continue
        location, skipped = d["location"], -1
        for i in candidates:
            if not live[i] or i == skipped:
                continue
            if targets[i]["location"].endswith(location):
                live[i] = False
                if prv[i] >= 0:
                    nxt[prv[i]] = nxt[i]
                if nxt[i] < len(targets):
                    prv[nxt[i]] = prv[i]
                skipped = nxt[i]
    if not all(live):
        entries[first:] = [t for i, t in enumerate(targets) if live[i]]
