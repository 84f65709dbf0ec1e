"""Search synonyms: the words readers type for the words the articles use.

Groups of equivalent words or phrases, one list per language, come from ``docs/synonyms.yml``
(written by hand) and from the terminology glossary ``docs/glossary.yml`` (each term's French and
English forms make a group in both languages, so that the English interface label typed on the
French site finds the French article). They are applied when the search index is written: a search
entry (page or section) whose title or text contains one member of a group is given the other
members as hidden keywords. Matching ignores case and accents, and accepts a plural ``s``/``x`` on
each word.

``docs/synonyms.yml``::

    fr:
      - [carte bancaire, CB, carte de crédit]
      - [résilier, résiliation, annuler]
    en:
      - [cancel, terminate]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpcenter.source.problems import Problem

SYNONYMS_FILE = "synonyms.yml"
GLOSSARY_FILE = "glossary.yml"


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumeric characters one space."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


@dataclass(frozen=True)
class Group:
    terms: tuple[str, ...]          # as written (shown nowhere, indexed as keywords)
    patterns: tuple[re.Pattern, ...]

    def others(self, folded_text: str) -> list[str]:
        """Members of the group to add to a text that contains one of them ([] if none)."""
        hits = {i for i, p in enumerate(self.patterns) if p.search(folded_text)}
        return [t for i, t in enumerate(self.terms) if i not in hits] if hits else []


def _pattern(term: str) -> re.Pattern:
    words = fold(term).split()
    body = r"[sx]?\s+".join(re.escape(w) for w in words)
    return re.compile(r"(?<![^\W_])" + body + r"[sx]?(?![^\W_])")


def make_group(terms) -> Group | None:
    terms = tuple(dict.fromkeys(str(t).strip() for t in terms if str(t).strip() and fold(str(t))))
    if len(terms) < 2:
        return None
    return Group(terms, tuple(_pattern(t) for t in terms))


def load(docs_dir: str | Path, languages, root: str | Path | None = None
         ) -> tuple[dict[str, list[Group]], list[Problem]]:
    """Groups per language from docs/synonyms.yml and docs/glossary.yml (both optional); problems name
    files relative to ``root`` (the project)."""
    docs_dir = Path(docs_dir)
    shown = Path(docs_dir).relative_to(root) if root and Path(docs_dir).is_relative_to(root) else docs_dir
    groups: dict[str, list[Group]] = {lang: [] for lang in languages}
    problems: list[Problem] = []
    data, problem = _read(docs_dir / SYNONYMS_FILE, shown / SYNONYMS_FILE)
    if problem:
        problems.append(problem)
    elif data is not None:
        if not isinstance(data, dict):
            problems.append(Problem(str(shown / SYNONYMS_FILE), 1, "synonyms must be a mapping of languages",
                                    "write `fr:` and `en:`, each followed by lists such as `- [cancel, terminate]`"))
            data = {}
        for lang, entries in data.items():
            if lang not in groups:
                problems.append(Problem(str(shown / SYNONYMS_FILE), 1, f"unknown language {lang!r}",
                                        f"use one of {', '.join(groups)}"))
                continue
            for entry in entries or []:
                if not isinstance(entry, list) or not all(isinstance(t, (str, int, float)) for t in entry):
                    problems.append(Problem(str(shown / SYNONYMS_FILE), 1,
                                            f"{lang}: {str(entry)[:60]!r} is not a list of words",
                                            "write each group as `- [word, other word]`"))
                    continue
                group = make_group(entry)
                if group:
                    groups[lang].append(group)
    glossary, _ = _read(docs_dir / GLOSSARY_FILE, shown / GLOSSARY_FILE)   # its checks report its problems
    if isinstance(glossary, dict):
        for term in glossary.get("terms") or []:
            if not isinstance(term, dict):
                continue
            forms = [term.get(lang) for lang in groups if isinstance(term.get(lang), str)]
            group = make_group(forms)
            if group:
                for lang in groups:
                    groups[lang].append(group)
    return groups, problems


def keywords(groups: list[Group], *texts: str) -> list[str]:
    """Synonyms to add to an entry made of ``texts`` (plain text)."""
    folded = fold(" ".join(texts))
    out: list[str] = []
    for group in groups:
        for term in group.others(folded):
            if term not in out:
                out.append(term)
    return out


def _read(path: Path, shown: Path):
    if not path.is_file():
        return None, None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), None
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
        return None, Problem(str(shown), line, f"invalid YAML: {getattr(e, 'problem', e)}",
                             "fix the syntax (lists as `- [word, other word]`)")
