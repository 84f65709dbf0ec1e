"""Shared snippets: text that several articles repeat lives once per language in ``docs/<lang>/_snippets/``
and is included with pymdownx.snippets' directive, the same line in both languages::

    --8<-- "portal-settings-steps.md"

The build resolves the name in the language's own folder (the hooks point the extension at it, with
``check_paths``: a missing file stops the build). Here: the directives of a Markdown text, the checks
(missing snippet, with file and line; a snippet in one language only), where each one is used, and
which snippet files each page shows (its "Updated" date is the latest of its own and theirs).
Snippet folders are not pages (the catalogue skips them, mkdocs.yml excludes them). No MkDocs here.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from helpcenter.source import fences
from helpcenter.source.problems import LANG_NAMES, Problem

FOLDER = "_snippets"
# pymdownx.snippets: `--8<-- "name"` on its own line, or a block of names between two `--8<--` lines;
# a leading ';' escapes the directive
_INLINE = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(["'])(.+?)\1[ \t]*$""")
_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")


def is_snippet(rel_path: str) -> bool:
    """A path relative to a language folder that is inside a snippet folder (never a page)."""
    return FOLDER in rel_path.split("/")[:-1]


def _name(raw: str) -> str:
    """File part of a directive's target (pymdownx allows 'file.md:3:8' and 'file.md:section')."""
    raw = raw.strip()
    m = re.match(r"^(.*?\.[A-Za-z0-9]+)(:[^/]*)?$", raw)
    return m.group(1) if m else raw


def directives(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, snippet name) of every include directive of a Markdown text (fenced code skipped)."""
    out, block = [], False
    for n, line, code in fences.lines(text, first_line):
        if block:
            if _BLOCK.match(line):
                block = False
            elif line.strip() and not line.lstrip().startswith(";"):
                out.append((n, _name(line)))
            continue
        if code:
            continue
        inline = _INLINE.match(line)
        if inline:
            out.append((n, _name(inline.group(2))))
        elif _BLOCK.match(line):
            block = True
    return out


@dataclass
class Snippet:
    file: str                                          # e.g. docs/fr/_snippets/x.md
    used_by: list[str] = field(default_factory=list)   # file:line of each directive including it


def _files(docs: Path, lang: str) -> dict[str, Path]:
    """Snippets of a language by name (relative to its snippet folder)."""
    folder = docs / lang / FOLDER
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.is_dir() else {}


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _uses(docs: Path, root: Path, lang: str,
          known: Mapping[str, str] | None = None) -> list[tuple[str, int, str]]:
    """(file, line, name) of every directive in a language's Markdown files (snippets included).
    ``known``: file (relative to ``root``) -> a text of it already read, used instead of the disk (its
    lines are then counted from the start of that text)."""
    out = []
    base = docs / lang
    prefix = _rel(base, root) + "/" if known else ""
    for rel in _markdown(base):
        text = known.get(prefix + rel) if known else None
        if text is None:
            try:
                text = (base / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        if "8<" not in text:
            continue
        shown = _rel(base / rel, root)
        out += [(shown, line, name) for line, name in directives(text)]
    return out


def _markdown(base: Path) -> list[str]:
    """Paths (relative to ``base``, with '/') of its Markdown files, in the order of sorted(rglob('*.md')),
    without a Path per file (pathlib's share was most of the time at 2,000 articles, on each preview save)."""
    out = []
    for folder, _, names in os.walk(base):
        rel = os.path.relpath(folder, base).replace(os.sep, "/")
        out += [name if rel == "." else f"{rel}/{name}" for name in names if name.endswith(".md")]
    return sorted(out, key=lambda r: r.split("/"))


def problems(docs: str | Path, root: str | Path, langs) -> list[Problem]:
    """Missing snippets (at the directive's file and line) and snippets existing in one language only."""
    docs, root = Path(docs), Path(root)
    langs = list(langs)
    found = {lang: _files(docs, lang) for lang in langs}
    out = []
    for lang in langs:
        for file, line, name in _uses(docs, root, lang):
            if name not in found[lang]:
                where = f"{_rel(docs / lang / FOLDER, root)}/{name}"
                out.append(Problem(file, line, f"snippet '{name}' not found ({where} does not exist)",
                                   f"create {where}, or fix the name (snippets of this language: "
                                   f"{', '.join(found[lang]) or 'none'})"))
        for other in langs:
            if other == lang:
                continue
            for name, path in found[lang].items():
                if name not in found[other]:
                    missing = f"{_rel(docs / other / FOLDER, root)}/{name}"
                    out.append(Problem(_rel(path, root), None,
                                       f"snippet exists in {LANG_NAMES.get(lang, lang)} only ({missing} is missing)",
                                       f"create {missing} with the translated text (the same name in every language)"))
    return out


def usage(docs: str | Path, root: str | Path, langs) -> list[Snippet]:
    """Every snippet of every language with the places (file:line) that include it."""
    docs, root = Path(docs), Path(root)
    out = []
    for lang in langs:
        snippets = {name: Snippet(_rel(path, root)) for name, path in _files(docs, lang).items()}
        for file, line, name in _uses(docs, root, lang):
            if name in snippets:
                snippets[name].used_by.append(f"{file}:{line}")
        out += list(snippets.values())
    return out


def included(docs: str | Path, root: str | Path, langs,
             known: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Every Markdown file that includes snippets (relative to ``root``) -> the snippet files it shows
    (relative to ``root``, sorted): those it includes and those they include in turn. A missing snippet
    is left out (``problems`` reports it). ``known``: file -> its text already read (the catalogue's
    article bodies, so that a preview save reads only the other pages again), the disk otherwise."""
    docs, root = Path(docs), Path(root)
    out: dict[str, list[str]] = {}
    for lang in langs:
        files = {name: _rel(path, root) for name, path in _files(docs, lang).items()}
        direct: dict[str, list[str]] = {}
        for file, _, name in _uses(docs, root, lang, known):
            if name in files:
                direct.setdefault(file, []).append(files[name])
        for file, todo in direct.items():
            seen, todo = set(), list(todo)
            while todo:
                snippet = todo.pop()
                if snippet not in seen:
                    seen.add(snippet)
                    todo += direct.get(snippet, [])
            seen.discard(file)                 # a snippet including itself (pymdownx refuses it anyway)
            out[file] = sorted(seen)
    return out
