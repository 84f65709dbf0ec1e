"""Related-articles ranking, per language, deterministic and near-linear in the number of articles.

Order for one article:
1. its own ``related`` ids, in their order (unknown ids and itself skipped: the catalogue reports them);
2. then the other articles, best first, by
   - tier: same category and at least one shared tag (2), same category or a shared tag (1), else (0);
   - number of shared tags;
   - TF-IDF cosine similarity of title (x3), description (x2) and body;
   - smaller id.

Cost: every article keeps its ``TOP_TERMS`` heaviest terms and every term its ``POSTING_CAP``
heaviest articles, so candidates are found in O(articles x TOP_TERMS x POSTING_CAP), never by
comparing every pair.
"""
from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

TOP_TERMS = 16
POSTING_CAP = 24
TAG_CAP = 40
FIELD_WEIGHTS = (3, 2, 1)   # title, description, body

STOPWORDS = set("""
a au aux avec ce ces cet cette dans de des du elle en et est il ils je la le les leur leurs lui ma mais me
meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
vos votre vous y ete etre fait faire peut peuvent plus tout tous toute toutes si sont comme aussi depuis
the an and or of to in on for with by from at as is are be been it its this that these those you your we our
they their can will not no do does how what when which who why all any also into than then there here
""".split())

_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents: 'Paramètres' -> 'parametres'."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(fold(text)):
        if len(w) < 3 or w in STOPWORDS or w.isdigit():
            continue
        if len(w) > 4 and w.endswith("s"):
            w = w[:-1]            # plural folding, enough for fr and en
        out.append(w)
    return out


@dataclass
class Doc:
    id: int
    category: str
    tags: list[str] = field(default_factory=list)
    title: str = ""
    description: str = ""
    body: str = ""
    related: list[int] = field(default_factory=list)
    hidden: bool = False          # ranked for itself, never proposed as related (an unlisted article)


def _vectors(docs: list[Doc]) -> dict[int, dict[str, float]]:
    tfs: dict[int, Counter] = {}
    df: Counter = Counter()
    for d in docs:
        tf: Counter = Counter()
        for weight, text in zip(FIELD_WEIGHTS, (d.title, d.description, d.body)):
            for t in tokens(text):
                tf[t] += weight
        tfs[d.id] = tf
        df.update(tf.keys())
    n = len(docs)
    vectors = {}
    for doc_id, tf in tfs.items():
        v = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in tf.items()}
        top = sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        vectors[doc_id] = {t: w / norm for t, w in top if w > 0}
    return vectors


def rank(docs: Iterable[Doc], count: int = 6, stats: dict | None = None) -> dict[int, list[int]]:
    """For every doc id, up to ``count`` related doc ids, best first (never a ``hidden`` doc).

    ``stats``, when given, receives ``scored``: how many (article, candidate) pairs were scored.
    """
    docs = sorted(docs, key=lambda d: d.id)
    by_id = {d.id: d for d in docs}
    hidden = {d.id for d in docs if d.hidden}
    vectors = _vectors(docs)

    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for doc_id, vec in vectors.items():
        for term, w in vec.items():
            postings[term].append((w, doc_id))
    for term, plist in postings.items():
        plist.sort(key=lambda p: (-p[0], p[1]))
        del plist[POSTING_CAP:]

    by_tag: dict[str, list[int]] = defaultdict(list)
    by_category: dict[str, list[int]] = defaultdict(list)
    for d in docs:
        for tag in set(d.tags):
            if len(by_tag[tag]) < TAG_CAP:
                by_tag[tag].append(d.id)
        by_category[d.category].append(d.id)

    result: dict[int, list[int]] = {}
    for d in docs:
        chosen = []
        for rid in d.related:
            if rid != d.id and rid in by_id and rid not in chosen and rid not in hidden:
                chosen.append(rid)
        chosen = chosen[:count]
        if len(chosen) < count:
            vec = vectors[d.id]
            # cosine accumulated over capped postings: only terms where the candidate is among the
            # term's heaviest articles count, which keeps the cost bounded per article
            cos: dict[int, float] = defaultdict(float)
            for term, w in vec.items():
                for cw, cid in postings.get(term, ()):
                    cos[cid] += w * cw
            candidates = set(cos)
            for tag in set(d.tags):
                candidates.update(by_tag.get(tag, ()))
            candidates.update(by_category[d.category][:count + 1 + len(chosen)])
            candidates.discard(d.id)
            candidates.difference_update(chosen)
            candidates.difference_update(hidden)
            tags = set(d.tags)

            def key(cid: int):
                c = by_id[cid]
                shared = len(tags.intersection(c.tags)) if tags else 0
                same = c.category == d.category
                tier = 2 if (same and shared) else 1 if (same or shared) else 0
                return (-tier, -shared, -cos.get(cid, 0.0), cid)

            chosen += heapq.nsmallest(count - len(chosen), candidates, key=key)
            if stats is not None:
                stats["scored"] = stats.get("scored", 0) + len(candidates)
            # nothing in common with anything: fill with the first other articles, by id
            for other in docs:
                if len(chosen) >= count:
                    break
                if other.id != d.id and other.id not in chosen and other.id not in hidden:
                    chosen.append(other.id)
        result[d.id] = chosen
    return result
