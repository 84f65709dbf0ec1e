"""Language-scoped search.

mkdocs-static-i18n leaves one search index mixing every language (site/search/search_index.json).
We split it: each language gets its own index under its own root (/search/ for the default
language, /en/search/ for English), with only its pages, locations relative to that root, and its
own lunr language, so that a reader searching from an English page only finds English pages.
"""
from __future__ import annotations

import copy
import html
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from helpcenter.language import strings
from helpcenter.search import stopwords, synonyms

INDEX = "search/search_index.json"
WORKERS = "assets/javascripts/workers"
# Prepended to Material's search worker, for every language: the ranking of articles (searchrank.js),
# then stemmed prefixes, typo retry and the call to the ranking (searchworker.js)
WORKER_PATCHES = [Path(__file__).with_name("searchrank.js"), Path(__file__).with_name("searchworker.js")]
# Field weights of Material's lunr index. Material gives titles 1000 times the weight of the text, so
# that a common title word (portail, client, facture, customer) outranked the one word of the text that
# identifies the answer. The hidden keywords field holds each entry's tags, front-matter keywords and the
# synonyms of its words. The order of the articles shown is searchrank.js's (BM25F over sections); these
# weights still order the sections shown under each article.
TITLE_BOOST = 5.0
TEXT_BOOST = 1.0
KEYWORDS_BOOST = 5.0

# Appended to Material's lunr.fr (loaded by the search worker for the French index only): fold
# accents before the French stemmer, at indexing and at query time, so that "parametres" finds
# "Paramètres" (searchworker.js stems the prefixes typed, with this stemmer).
FOLD_FR = r"""
;(function(){if(!self.lunr||!lunr.fr||lunr.fr.kbFolded)return;
var stem=lunr.fr.stemmer,fold=function(s){return s.normalize("NFD").replace(/[\u0300-\u036f]/g,"")};
lunr.fr.stemmer=function(t){return typeof t.update==="function"?stem(t.update(fold)):stem(fold(t))};
lunr.Pipeline.registerFunction(lunr.fr.stemmer,"stemmer-fr-folded");
lunr.fr.kbFolded=true})();
"""
# What a search result shows of an entry's text: an article's intro up to TEASER_PAGE characters (Material
# shows it under the article's title, and highlights the words found there); a section shows only its
# heading. The rest of the text is searched but never shown: it is kept as its distinct words only, sorted,
# without the words the search drops (stopwords.py), in the hidden `words` field. At 2,000 articles per
# language this brought the index a reader downloads from 1.9 MB gzip to under 1 MB (issue 21, item 4;
# scripts/bench/bench_search_speed.py); sections' teasers of 60 characters and repeated words kept it at
# 1.16 MB.
TEASER_PAGE = 160
TEASER_SECTION = 0
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")     # not the no-break spaces of French typography
_TRIM = re.compile(r"^\W+|\W+$")
SEE_ALSO = "#see-also"          # the section id of every article's "Voir aussi" / "See also" (links only)


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


def tune(data: dict, lang: str, groups: list[synonyms.Group]) -> dict:
    """One language's index as our search worker reads it.

    Front-matter tags are never shown: Material would print them as HTML chips (raw slugs, and live
    markup for a tag such as ``<img onerror=…>``); they become escaped, readable keywords of the article's
    entry (``pages-hebergees`` → ``pages hebergees``), in the hidden ``keywords`` field with the synonyms
    of each entry's words. ``config.kb_corrected`` is the note shown when a typo was corrected.
    """
    config = data.setdefault("config", {})
    fields = config.setdefault("fields", {})
    fields.pop("tags", None)
    fields["title"] = {"boost": TITLE_BOOST}
    fields["text"] = {"boost": TEXT_BOOST}
    fields["keywords"] = {"boost": KEYWORDS_BOOST}
    fields["words"] = {"boost": TEXT_BOOST}
    config["kb_corrected"] = strings.STRINGS.get(lang, strings.STRINGS["en"])["search_corrected"]
    for doc in data.get("docs", []):
        tags = doc.pop("tags", None) or []
        words = [str(t).replace("-", " ") for t in tags] if "#" not in doc.get("location", "") else []
        plain = [html.unescape(_TAG.sub(" ", doc.get(k) or "")) for k in ("title", "text")]
        # a "See also" section is made of other articles' titles: their synonyms would pull this one up
        for word in ([] if doc.get("location", "").endswith(SEE_ALSO) else synonyms.keywords(groups, *plain)):
            if word not in words:
                words.append(word)
        if words:
            # escaped as text (no markup), apostrophes kept: the search splits elisions on them (l'adresse)
            doc["keywords"] = [html.escape(w, quote=False) for w in words]
        compact(doc, plain[1], config.get("separator") or r"[\s\-]+", stopwords.for_language(lang))
    return data


def compact(doc: dict, text: str, separator: str, stop: frozenset[str]) -> None:
    """Keep of ``doc``'s ``text`` (``text`` is it as plain text) what a result shows: a teaser, escaped, cut
    at a word with "…", in a paragraph (none for a section); the rest goes to ``words``: its distinct words
    in lower case, sorted, stop words out. A text short enough is left as it was."""
    text = _SPACE.sub(" ", text).strip()
    limit = TEASER_SECTION if "#" in doc.get("location", "") else TEASER_PAGE
    if len(text) <= limit:
        return
    cut = text.rfind(" ", 0, limit + 1) if limit else 0
    cut = cut if cut > 0 or not limit else limit
    teaser = html.escape(text[:cut].rstrip(" ,;:"), quote=False)
    doc["text"] = f"<p>{teaser}…</p>" if teaser else ""    # a paragraph, as Material shows text
    words = (_TRIM.sub("", w) for w in re.split(separator, text[cut:].lower()))
    rest = sorted({w for w in words if w and w not in stop})
    if rest:
        doc["words"] = html.escape(" ".join(rest), quote=False)


def patch_worker(site_dir: Path) -> None:
    """Prepend searchrank.js and searchworker.js to Material's search worker (once)."""
    patch = "".join(p.read_text(encoding="utf-8") for p in WORKER_PATCHES)
    for worker in (site_dir / WORKERS).glob("search.*.js"):
        text = worker.read_text(encoding="utf-8")
        if "kbPatched" not in text:
            worker.write_text(patch + text, encoding="utf-8")


def write_split(site_dir: Path, languages: list[str], default: str,
                groups: dict[str, list[synonyms.Group]] | None = None) -> dict[str, Path]:
    """Replace the mixed index by one index per language; returns the files written."""
    mixed = site_dir / INDEX
    if not mixed.is_file():
        return {}
    index = json.loads(mixed.read_text(encoding="utf-8"))
    written = {}
    patch_worker(site_dir)
    for lang, data in split(index, languages, default).items():
        written[lang] = write_language(site_dir, lang, default, data, (groups or {}).get(lang, []))
    lunr_fr = site_dir / "assets/javascripts/lunr/min/lunr.fr.min.js"
    if "fr" in languages and lunr_fr.is_file():
        text = lunr_fr.read_text(encoding="utf-8")
        if "kbFolded" not in text:
            lunr_fr.write_text(text + FOLD_FR, encoding="utf-8")
    return written


def write_language(site_dir: Path, lang: str, default: str, data: dict,
                   groups: list[synonyms.Group] | None = None) -> Path:
    """Write the index of one language (``split``'s value, ``tune``d with the language's synonym
    ``groups``) where its pages look for it."""
    data = tune(data, lang, groups or [])
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
