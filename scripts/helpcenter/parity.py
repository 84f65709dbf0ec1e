"""Translation parity and status: does each translation still match its French source?

- Structure: an article and its translation have the same ``##`` sections, section ids, links and
  images (counted in the Markdown body, outside fenced code). A difference means a part was not
  translated, or was added on one side only.
- Outdated: a translation is *outdated* when its source has a git commit later than the translation's
  last commit, or uncommitted changes (then it is compared with the translation's own uncommitted
  changes by modification time). Outside a git work tree nothing is outdated.

Nothing here knows about MkDocs.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import LANG_NAMES, Article, Catalogue
from .problems import Problem

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_HEADING_ID = re.compile(r"\{[^}]*#([\w:.-]+)[^}]*\}\s*#*\s*$")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)>?[^)]*\)|!\[[^\]]*\]\[([^\]]*)\]|<img\s[^>]*src\s*=\s*[\"']([^\"']*)",
                    re.I)
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]*)>?[^)]*\)|\[[^\]]+\]\[([^\]]*)\]|<a\s[^>]*href\s*=\s*[\"']([^\"']*)"
                   r"|<(https?://[^>\s]+)>", re.I)


@dataclass
class Item:
    line: int
    value: str


@dataclass
class Structure:
    sections: list[Item] = field(default_factory=list)     # level-2 headings: id if given, else text
    ids: list[Item] = field(default_factory=list)          # explicit heading ids, every level
    links: list[Item] = field(default_factory=list)        # normalised targets
    images: list[Item] = field(default_factory=list)


def structure(body: str, first_line: int = 1) -> Structure:
    """Sections, heading ids, links and images of a Markdown body (fenced code is skipped)."""
    out = Structure()
    fence = None
    for n, line in enumerate(body.splitlines(), first_line):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        h = _HEADING.match(line)
        if h and not line.startswith(" " * 4):
            hid = _HEADING_ID.search(h.group(2))
            if hid:
                out.ids.append(Item(n, hid.group(1)))
            if len(h.group(1)) == 2:
                out.sections.append(Item(n, f"#{hid.group(1)}" if hid else h.group(2)))
        text = _CODE_SPAN.sub("", line) if "`" in line else line
        if "[" not in text and "<" not in text:
            continue
        for im in _IMAGE.finditer(text):
            out.images.append(Item(n, im.group(1) or im.group(2) or im.group(3) or ""))
        text = _IMAGE.sub("IMAGE", text)
        for lk in _LINK.finditer(text):
            target = next((g for g in lk.groups() if g is not None), "")
            out.links.append(Item(n, _norm_link(target)))
    return out


def _norm_link(target: str) -> str:
    """Internal links keep their target (same slugs in both languages); external ones may differ."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.I):
        return "(external)"
    return target


# --- structural parity -------------------------------------------------------------------------

def _first_difference(src: list[Item], tr: list[Item], compare: bool) -> int:
    if compare:
        for i, (a, b) in enumerate(zip(src, tr)):
            if a.value != b.value:
                return i
    return min(len(src), len(tr))


def _line_at(items: list[Item], i: int, default: int) -> int:
    if i < len(items):
        return items[i].line
    return items[-1].line if items else default


def compare(source: Article, translation: Article) -> list[Problem]:
    """Structural differences between an article and its translation, reported on the translation."""
    a, b = structure(source.body, source.body_line), structure(translation.body, translation.body_line)
    problems = []
    src_name = LANG_NAMES.get(source.lang, source.lang)
    checks = (
        ("'##' sections", a.sections, b.sections,
         "translate the missing section, or remove the extra one: both languages have the same sections"),
        ("links", a.links, b.links,
         "translate every link of the source (same target article), no more, no less"),
        ("images", a.images, b.images,
         "use the same images as the source (a translated screenshot keeps its place)"),
    )
    for what, src, tr, hint in checks:
        if len(src) != len(tr):
            i = _first_difference(src, tr, compare=what != "'##' sections" or _all_ids(src, tr))
            src_line = _line_at(src, i, source.body_line)
            if i < len(tr) and len(tr) > len(src):
                line = tr[i].line                    # the first extra item of the translation
            else:
                line = _same_place(a, b, src_line, translation.body_line, before=what == "'##' sections")
            problems.append(Problem(
                translation.file, line,
                f"{len(tr)} {what}, but its {src_name} source {source.file} has {len(src)} "
                f"(first difference: {source.file}:{src_line})", hint))
    # explicit heading ids are the anchors other pages link to: same ids in both languages
    src_ids, tr_ids = [i.value for i in a.ids], [i.value for i in b.ids]
    if len(a.sections) == len(b.sections) and src_ids != tr_ids:
        missing = [i for i in a.ids if i.value not in tr_ids]
        extra = [i for i in b.ids if i.value not in src_ids]
        if missing or extra:
            line = extra[0].line if extra else _line_at(b.ids, len(b.ids) - 1, translation.body_line)
            parts = []
            if missing:
                parts.append("missing " + ", ".join(f"{{#{i.value}}}" for i in missing))
            if extra:
                parts.append("not in the source: " + ", ".join(f"{{#{i.value}}}" for i in extra))
            problems.append(Problem(translation.file, line,
                                    f"section ids differ from its {src_name} source {source.file} "
                                    f"({'; '.join(parts)})",
                                    "use the source's {#id} on the matching heading: links to sections rely on it"))
    return problems


def _same_place(a: Structure, b: Structure, src_line: int, default: int, before: bool = False) -> int:
    """Line of the translation at the same place as ``src_line`` of the source: the heading of the
    matching section (by id, else by rank), or the start of the body before the first section.
    ``before``: the place is a heading itself, so take the section before it."""
    heads = [h for h in a.sections if h.line < src_line or (not before and h.line == src_line)]
    if not heads:
        return default
    k, head = len(heads) - 1, heads[-1]
    same_id = next((h for h in b.sections if head.value.startswith("#") and h.value == head.value), None)
    if same_id is not None:
        return same_id.line
    return b.sections[k].line if k < len(b.sections) else (b.sections[-1].line if b.sections else default)


def _all_ids(src: list[Item], tr: list[Item]) -> bool:
    return all(i.value.startswith("#") for i in src + tr)


def problems(catalogue: Catalogue) -> list[Problem]:
    """Structural parity of every article present in the source language and another one."""
    out: list[Problem] = []
    source = catalogue[catalogue.default]
    for code, language in catalogue.langs.items():
        if code == catalogue.default:
            continue
        for path, article in sorted(source.articles.items()):
            twin = language.articles.get(path)
            if twin is not None:
                out.extend(compare(article, twin))
    return out


# --- outdated translations (git) -----------------------------------------------------------------

def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(repo), *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _history(repo: Path, pathspec: str) -> tuple[dict[str, int], set[str]] | None:
    """({repo-relative path: rank of its last commit, 0 = newest}, {paths with uncommitted changes})."""
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    log = _git(repo, "log", "--topo-order", "--format=%x00%H", "--name-only", "--", pathspec) or ""
    ranks: dict[str, int] = {}
    rank = -1
    for line in log.splitlines():
        if line.startswith("\x00"):
            rank += 1
        elif line and line not in ranks:
            ranks[line] = rank
    status = _git(repo, "status", "--porcelain", "-z", "--untracked-files=all", "--", pathspec) or ""
    dirty: set[str] = set()
    entries = status.split("\x00")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        dirty.add(path)
        if "R" in code or "C" in code:
            i += 1                      # the original path of a rename follows
    prefix = os.path.relpath(repo.resolve(), Path(top.strip()).resolve())
    if prefix != ".":
        # git prints paths from the top of the work tree: make them relative to ``repo``
        p = prefix.replace(os.sep, "/") + "/"
        ranks = {k[len(p):]: v for k, v in ranks.items() if k.startswith(p)}
        dirty = {k[len(p):] for k in dirty if k.startswith(p)}
    return ranks, dirty


def outdated_paths(repo_root: str | Path, docs_dir: str | Path, default_lang: str = "fr",
                   other_lang: str = "en") -> set[str]:
    """Paths (relative to the language folder, e.g. ``settings/x.md``) of ``other_lang`` Markdown files
    whose ``default_lang`` source changed after them; empty outside a git work tree.

    Source newer = its last commit comes after the translation's last commit, or it has uncommitted
    changes while the translation has none; when both have uncommitted changes, the source's file is
    more recent (mtime) than the translation's. One ``git log`` and one ``git status`` per call.
    """
    repo = Path(repo_root)
    docs = Path(docs_dir)
    if not docs.is_absolute():
        docs = repo / docs
    try:
        docs_rel = docs.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return set()
    hist = _history(repo, docs_rel)
    if hist is None:
        return set()
    ranks, dirty = hist
    src_base, tr_base = docs / default_lang, docs / other_lang
    out = set()
    if not tr_base.is_dir() or not src_base.is_dir():
        return out
    for tr in tr_base.rglob("*.md"):
        rel = tr.relative_to(tr_base).as_posix()
        src = src_base / rel
        if not src.is_file():
            continue
        base = "" if docs_rel == "." else docs_rel + "/"
        src_key, tr_key = f"{base}{default_lang}/{rel}", f"{base}{other_lang}/{rel}"
        if src_key in dirty:
            if tr_key not in dirty or src.stat().st_mtime > tr.stat().st_mtime:
                out.add(rel)
        elif tr_key in dirty:
            continue
        elif src_key in ranks and tr_key in ranks and ranks[src_key] < ranks[tr_key]:
            out.add(rel)
    return out


# --- status table ------------------------------------------------------------------------------

@dataclass
class Row:
    id: int | None
    path: str
    titles: dict[str, str]
    status: str              # ok, missing <lang>, outdated <lang>, ...
    review: list[str]


def status_rows(catalogue: Catalogue, repo_root: str | Path, docs_dir: str | Path) -> list[Row]:
    """One row per article path: id, titles per language, translation status and review codes."""
    default = catalogue.default
    others = [c for c in catalogue.langs if c != default]
    outdated = {code: outdated_paths(repo_root, docs_dir, default, code) for code in others}
    paths = sorted({p for lang in catalogue.langs.values() for p in lang.articles})
    rows = []
    for path in paths:
        arts = {code: lang.articles.get(path) for code, lang in catalogue.langs.items()}
        present = {c: a for c, a in arts.items() if a is not None}
        states = []
        for code in catalogue.langs:
            if arts[code] is None:
                states.append(f"missing {code}")
            elif code != default and path in outdated.get(code, set()):
                states.append(f"outdated {code}")
        first = present.get(default) or next(iter(present.values()))
        review = []
        for a in present.values():
            review += [r for r in a.review if r not in review]
        rows.append(Row(first.id, path, {c: a.title for c, a in present.items()},
                        ", ".join(states) or "ok", review))
    rows.sort(key=lambda r: (r.id or 0, r.path))
    return rows
