"""Our own stylesheets and script as readers download them: comments and runs of white space removed at
build time (the sources in overrides/assets/ keep their comments; the page-weight budget counts what is served).

The script (``kb.js``) loses its ``/* … */`` and ``//`` comments, indentation and blank lines; every line
break stays (JavaScript's automatic semicolons are unchanged) and every string is kept as it is.
JavaScript regular-expression literals are not recognised: ``kb.js`` uses ``RegExp("…")`` if needed.
"""
from __future__ import annotations

import re
from pathlib import Path

CSS = ("assets/kb.css", "assets/kb-agents.css")
JS = ("assets/kb.js",)

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
        else:
            out.append(c)
            i += 1
    if quote:
        raise ValueError(f"{name}: a string is never closed (fix: close the {quote} quote)")
    lines = (line.strip() for line in "".join(out).splitlines())
    return "\n".join(line for line in lines if line) + "\n"
