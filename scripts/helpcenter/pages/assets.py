"""Our own stylesheets and script as readers download them: comments and runs of white space removed at
build time (the sources in overrides/assets/ keep their comments; the page-weight budget counts what is served).

The script (``kb.js``) loses its ``/* … */`` and ``//`` comments, indentation and blank lines; every line
break stays (JavaScript's automatic semicolons are unchanged) and every string and regular-expression
literal is kept as it is. A ``/`` starts a regular expression where an operand is expected: at the start,
after one of ``( , = : [ ! & | ? { } ; + - * % ~ ^ < >`` or after ``return``, ``typeof`` and the like;
elsewhere it divides (``a / b``). A ``/`` inside a character class (``/[/]/``) does not end the literal.
"""
from __future__ import annotations

import re
from pathlib import Path

CSS = ("assets/kb.css", "assets/kb-agents.css", "assets/kb-search.css")
JS = ("assets/kb.js", "assets/kb-search.js")

# what can come right before a regular-expression literal (anything else: a "/" there divides)
_BEFORE_REGEX = set("(,=:[!&|?{};+-*%~^<>")
_REGEX_KEYWORDS = ("return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
                   "else", "yield", "await")
_WORD_END = re.compile(r"([A-Za-z_$][\w$]*)\s*$")

# a quoted string (kept as is), a comment (dropped) or a run of white space (one space)
_CSS_TOKEN = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/|\s+""", re.S)


def minify_css(text: str) -> str:
    def keep(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        return "" if m.group(0).startswith("/*") else " "
    return _CSS_TOKEN.sub(keep, text).strip() + "\n"


def minify_site_css(site_dir: Path, paths=CSS) -> None:
    for rel in paths:
        path = site_dir / rel
        if path.is_file():
            path.write_text(minify_css(path.read_text(encoding="utf-8")), encoding="utf-8")


def minify_site_js(site_dir: Path, paths=JS) -> None:
    for rel in paths:
        path = site_dir / rel
        if path.is_file():
            path.write_text(strip_comments(path.read_text(encoding="utf-8"), rel), encoding="utf-8")


def _regex_allowed(out: list[str]) -> bool:
    """Whether a "/" after the text kept so far starts a regular expression (see the module docstring)."""
    tail = "".join(out[-40:]).rstrip()
    if not tail or tail[-1] in _BEFORE_REGEX:
        return True
    word = _WORD_END.search(tail)
    return bool(word) and word.group(1) in _REGEX_KEYWORDS


def _regex_end(text: str, i: int, name: str) -> int:
    """The index just after the regular-expression literal starting at ``text[i] == "/"`` (flags included)."""
    j, in_class = i + 1, False
    while j < len(text) and text[j] != "\n":
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            j += 1
            while j < len(text) and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            return j
        j += 1
    line = text.count("\n", 0, i) + 1
    raise ValueError(f"{name}:{line}: a regular expression is never closed (fix: end it with / on the same line)")


def strip_comments(text: str, name: str = "asset.css") -> str:
    js = name.endswith(".js")
    out: list[str] = []
    i, n, quote = 0, len(text), None
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and i + 1 < n:
                out.append(text[i:i + 2])
                i += 2
                continue
            if c == quote:
                quote = None
            out.append(c)
            i += 1
        elif c in "\"'`":
            quote = c
            out.append(c)
            i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                line = text.count("\n", 0, i) + 1
                raise ValueError(f"{name}:{line}: comment never closed (fix: end it with */)")
            i = end + 2
        elif js and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif js and c == "/" and _regex_allowed(out):
            end = _regex_end(text, i, name)
            out.append(text[i:end])
            i = end
        else:
            out.append(c)
            i += 1
    if quote:
        raise ValueError(f"{name}: a string is never closed (fix: close the {quote} quote)")
    lines = (line.strip() for line in "".join(out).splitlines())
    return "\n".join(line for line in lines if line) + "\n"
