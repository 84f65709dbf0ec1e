"""Our own stylesheets as readers download them: comments and runs of white space removed at build
time (the sources in overrides/assets/ keep their comments; the page-weight budget counts what is served).
"""
from __future__ import annotations

import re
from pathlib import Path

CSS = ("assets/kb.css", "assets/kb-agents.css")

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
