"""The terminology glossary (``docs/glossary.yml``): one form per term, and the variants to refuse.

A refused variant found in a page's title, description or body is reported as
``docs/fr/settings/x.md:12: "portail client" → write "Portail Client" (glossary)``.
Variants are matched case-sensitively as whole words in the text a reader sees: never inside code
(fenced blocks, inline code), URLs, link targets, HTML tags and their attributes, attribute lists
(``{#id}``), nor inside quotes (« … », "…", “…”: a quoted label is the interface's own wording).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpcenter.source import fences
from helpcenter.source.problems import Problem

FILE = "glossary.yml"          # in the docs folder
KEYS = ("fr", "en", "refuse_fr", "refuse_en", "note")
LANGS = ("fr", "en")
HINT_FORMAT = "see the format at the top of docs/glossary.yml: terms: [{fr: ..., en: ..., refuse_fr: [...], refuse_en: [...]}]"


@dataclass(frozen=True)
class Term:
    forms: dict[str, str]              # lang -> form to write
    refuse: dict[str, tuple[str, ...]]  # lang -> variants
    line: int


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    _patterns: dict[str, tuple[re.Pattern | None, dict[str, str]]] = field(default_factory=dict, repr=False)

    def matcher(self, lang: str) -> tuple[re.Pattern | None, dict[str, str]]:
        """One regex of every refused variant of ``lang`` (longest first), and variant -> form."""
        if lang not in self._patterns:
            fix = {}
            for term in self.terms:
                for variant in term.refuse.get(lang, ()):
                    fix[variant] = term.forms.get(lang, "")
            alternatives = [r"\s+".join(map(re.escape, v.split())) for v in sorted(fix, key=len, reverse=True)]
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])") if fix else None
            self._patterns[lang] = (pattern, fix)
        return self._patterns[lang]

    def check_text(self, text: str, lang: str, file: str, first_line: int, markdown: bool = True) -> list[Problem]:
        """Refused variants in ``text`` (Markdown when ``markdown``), whose first line is ``first_line``."""
        pattern, fix = self.matcher(lang)
        if pattern is None or not text:
            return []
        visible = mask(text) if markdown else mask_quotes(text)
        problems = []
        for m in pattern.finditer(visible):
            found = m.group(0)
            variant = " ".join(found.split())
            line = first_line + visible.count("\n", 0, m.start())
            problems.append(Problem(file, line, f'"{_short(found)}" → write "{fix[variant]}" (glossary)'))
        return problems

    def check_page(self, meta: dict, lines: dict[str, int], body: str, body_line: int, lang: str,
                   file: str) -> list[Problem]:
        """Title, description and body of one page."""
        problems = []
        for key in ("title", "description"):
            value = meta.get(key)
            if isinstance(value, str):
                problems += self.check_text(value.replace("\n", " "), lang, file, lines.get(key, 1), markdown=False)
        return problems + self.check_text(body, lang, file, body_line)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading the glossary ------------------------------------------------------------------------

def load(path: Path, shown: str) -> tuple[Glossary | None, list[Problem]]:
    """The glossary at ``path`` (None when there is none), and its format problems (``shown``: its name
    for the writer, e.g. docs/glossary.yml). A glossary with problems checks nothing."""
    if not path.is_file():
        return None, []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, None, f"not valid UTF-8 ({exc.reason})", "save the file as UTF-8")]
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(shown, mark.line + 1 if mark else None, f"malformed YAML in the glossary: {problem}",
                              "check indentation; write lists as [a, b]")]
    problems: list[Problem] = []
    terms = _terms(root, shown, problems)
    if problems:
        return None, problems
    seen: dict[tuple[str, str], Term] = {}
    for term in terms:
        for lang, variants in term.refuse.items():
            for v in variants:
                other = seen.get((lang, v))
                if other is not None and other is not term:
                    problems.append(Problem(shown, term.line, f"variant '{_short(v)}' (refuse_{lang}) is also refused "
                                            f"by the term at line {other.line}", "keep it in one term only"))
                seen[(lang, v)] = term
    forms = {(lang, f): t for t in terms for lang, f in t.forms.items()}
    for (lang, v), term in seen.items():
        if (lang, v) in forms:
            problems.append(Problem(shown, term.line, f"'{_short(v)}' is refused (refuse_{lang}) but is the form to "
                                    f"write of the term at line {forms[(lang, v)].line}", "remove one of them"))
    return (None if problems else Glossary(terms)), problems


def _line(node) -> int:
    return node.start_mark.line + 1


def _scalar(node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value.strip():
        return node.value.strip()
    return None


def _terms(root, shown: str, problems: list[Problem]) -> list[Term]:
    if root is None or not isinstance(root, yaml.MappingNode):
        problems.append(Problem(shown, _line(root) if root is not None else 1,
                                "the glossary must be a mapping with a 'terms' list", HINT_FORMAT))
        return []
    top = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    for k, _ in root.value:
        if not (isinstance(k, yaml.ScalarNode) and k.value == "terms"):
            problems.append(Problem(shown, _line(k), f"unknown top-level key '{_short(str(getattr(k, 'value', '')))}'",
                                    "the glossary has one key, 'terms'"))
    if "terms" not in top or not isinstance(top["terms"][1], yaml.SequenceNode):
        line = _line(top["terms"][0]) if "terms" in top else 1
        problems.append(Problem(shown, line, "'terms' must be a list of terms ('- fr: ...' lines)", HINT_FORMAT))
        return []
    terms = []
    for entry in top["terms"][1].value:
        term = _term(entry, shown, problems)
        if term is not None:
            terms.append(term)
    return terms


def _term(entry, shown: str, problems: list[Problem]) -> Term | None:
    line = _line(entry)
    if not isinstance(entry, yaml.MappingNode):
        problems.append(Problem(shown, line, "a term must be a mapping like '- fr: ...' / 'en: ...'", HINT_FORMAT))
        return None
    forms: dict[str, str] = {}
    refuse: dict[str, tuple[str, ...]] = {}
    ok = True
    for k, v in entry.value:
        key = k.value if isinstance(k, yaml.ScalarNode) else None
        if key not in KEYS:
            problems.append(Problem(shown, _line(k), f"unknown key '{_short(str(key))}' in a term",
                                    f"use only: {', '.join(KEYS)}"))
            ok = False
        elif key in LANGS:
            form = _scalar(v)
            if form is None:
                problems.append(Problem(shown, _line(v), f"'{key}' must be the text to write", f"e.g. '{key}: Portail Client'"))
                ok = False
            else:
                forms[key] = form
        elif key.startswith("refuse_"):
            items = v.value if isinstance(v, yaml.SequenceNode) else None
            values = [_scalar(i) for i in items] if items is not None else None
            if not values or any(x is None for x in values):
                problems.append(Problem(shown, _line(v), f"'{key}' must be a list of variants to refuse",
                                        f"e.g. '{key}: [portail client, Portail client]'"))
                ok = False
            else:
                refuse[key[len("refuse_"):]] = tuple(values)
    if not ok:
        return None
    if not forms:
        problems.append(Problem(shown, line, "a term needs 'fr' or 'en' (the form to write)", HINT_FORMAT))
        return None
    for lang in refuse:
        if lang not in forms:
            problems.append(Problem(shown, line, f"'refuse_{lang}' without '{lang}' (the form to write instead)",
                                    f"add '{lang}: ...' to this term"))
            return None
    return Term(forms, refuse, line)


# --- what a reader sees ---------------------------------------------------------------------------

_HIDDEN = [
    re.compile(r"<!--.*?-->", re.S),                         # HTML comments
    re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S),            # inline code
    re.compile(r"</?[A-Za-z][^<>]*>"),                        # HTML tags with their attributes; autolinks
    re.compile(r"\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"),  # link targets
    re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S.*$", re.M),     # reference definitions
    re.compile(r"\b(?:https?|ftp)://[^\s<>()\]]+|\bwww\.[^\s<>()\]]+|\bmailto:\S+"),  # bare URLs
    re.compile(r"\{[:#.][^{}\n]*\}"),                         # attribute lists {#id .class}
]
_QUOTES = re.compile(r"«[^«»\n]*»|\"[^\"\n]*\"|“[^“”\n]*”")


def _blank(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def mask_quotes(text: str) -> str:
    return _QUOTES.sub(_blank, text)


def mask(markdown: str) -> str:
    """``markdown`` with everything that is not reader text (see the module's docstring) replaced by
    spaces: same length and same lines, so that positions give line numbers."""
    text = "".join(re.sub(r"[^\n]", " ", line) if code else line
                   for _, line, code in fences.lines(markdown, keepends=True))
    for pattern in _HIDDEN:
        text = pattern.sub(_blank, text)
    return mask_quotes(text)
