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

import re
from dataclasses import dataclass, field
from pathlib import Path

from helpcenter.source import fences
from helpcenter.lifecycle import history
from helpcenter.articles.catalogue import Article, Catalogue
from helpcenter.source.problems import LANG_NAMES, Problem

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
class Heading:
    line: int
    text: str                # as written, e.g. "## Foo {#foo}"
    level: int
    id: str | None           # explicit id, if any


@dataclass
class Structure:
    sections: list[Item] = field(default_factory=list)     # level-2 headings: id if given, else text
    ids: list[Item] = field(default_factory=list)          # explicit heading ids, every level
    headings: list[Heading] = field(default_factory=list)  # every heading, in order
    links: list[Item] = field(default_factory=list)        # normalised targets
    images: list[Item] = field(default_factory=list)


def structure(body: str, first_line: int = 1) -> Structure:
    """Sections, heading ids, links and images of a Markdown body (fenced code is skipped)."""
    out = Structure()
    for n, line, code in fences.lines(body, first_line):
        if code:
            continue
        h = _HEADING.match(line)
        if h and not line.startswith(" " * 4):
            hid = _HEADING_ID.search(h.group(2))
            out.headings.append(Heading(n, line.strip(), len(h.group(1)), hid.group(1) if hid else None))
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
    """Structural differences between an article and its translation, reported on the translation, except
    a source heading that lost the {#id} its translation still has (reported on the source, which sets ids).
    Nothing while both are drafts: a writer writes one language first; parity holds once the draft is
    published (``status: draft`` removed)."""
    if source.status == "draft" and translation.status == "draft":
        return []
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
        lost = _lost_ids(source, translation, a, b)
        problems.extend(lost)
        named = {m.group(1) for p in lost for m in [_LOST_ID.search(p.message)] if m}
        missing = [i for i in a.ids if i.value not in tr_ids and i.value not in named]
        extra = [i for i in b.ids if i.value not in src_ids and i.value not in named]
        if missing or extra:
            line = extra[0].line if extra else _line_at(b.ids, max(len(b.ids) - 1, 0), translation.body_line)
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


# a heading that lost its {#id} on one side: "heading '## Foo' has no {#id} while ... has {#foo}"
_LOST_ID = re.compile(r"has no \{#id\} while .* has \{#([\w:.-]+)\}")
ID_PROBLEM = re.compile(r"^(section ids differ|heading '.*' has no \{#id\} while )")   # links' follow-ons


def _lost_ids(source: Article, translation: Article, a: Structure, b: Structure) -> list[Problem]:
    """Headings at the same place in both languages (same headings, same levels) where one side has an
    explicit id and the other has none: reported on the side that lost it. The French source decides the
    ids, so a French heading without its id is fixed in the French file, not by changing the translation."""
    if [h.level for h in a.headings] != [h.level for h in b.headings]:
        return []
    src_name = LANG_NAMES.get(source.lang, source.lang)
    tr_name = LANG_NAMES.get(translation.lang, translation.lang)
    src_ids, tr_ids = {h.id for h in a.headings}, {h.id for h in b.headings}
    out = []
    for s, t in zip(a.headings, b.headings):
        if s.id is None and t.id is not None and t.id not in src_ids:
            out.append(Problem(
                source.file, s.line,
                f"heading '{s.text}' has no {{#id}} while its translation {translation.file}:{t.line} "
                f"has {{#{t.id}}}",
                f"add {{#{t.id}}} back to the {src_name} heading ('{s.text} {{#{t.id}}}'): the {src_name} "
                f"source sets the section ids, the {tr_name} translation keeps them, and links rely on them"))
        elif t.id is None and s.id is not None and s.id not in tr_ids:
            out.append(Problem(
                translation.file, t.line,
                f"section ids differ from its {src_name} source {source.file}: heading '{t.text}' has no "
                f"{{#id}} while {source.file}:{s.line} has {{#{s.id}}}",
                f"add {{#{s.id}}} back to the {tr_name} heading ('{t.text} {{#{s.id}}}'): a translation "
                "keeps its source's section ids, and links rely on them"))
    return out


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

def outdated_paths(repo_root: str | Path, docs_dir: str | Path, default_lang: str = "fr",
                   other_lang: str = "en", hist: history.History | None = None,
                   sources: dict[str, str] | None = None) -> set[str]:
    """Paths (relative to the language folder, e.g. ``settings/x.md``) of ``other_lang`` Markdown files
    whose ``default_lang`` source changed after them; empty outside a git work tree.

    Source newer = it has uncommitted changes while the translation has none (both: the source's file
    is more recent, by mtime), or its last commit comes after the translation's last commit, unless the
    translation records that it matches that very commit (``sources``: path -> the translation's
    ``source:`` front-matter value, written by ``docs.py translated``). ``hist``: the history read once
    by the caller (read here otherwise: one ``git log`` and one ``git status``).
    """
    repo = Path(repo_root)
    docs = Path(docs_dir)
    if not docs.is_absolute():
        docs = repo / docs
    try:
        docs_rel = docs.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return set()
    if hist is None:
        hist = history.load(repo, docs_rel)
    if not hist.available:
        return set()
    sources = sources or {}
    src_base, tr_base = docs / default_lang, docs / other_lang
    out = set()
    if not tr_base.is_dir() or not src_base.is_dir():
        return out
    base = "" if docs_rel == "." else docs_rel + "/"
    for tr in tr_base.rglob("*.md"):
        rel = tr.relative_to(tr_base).as_posix()
        src = src_base / rel
        if not src.is_file():
            continue
        src_key, tr_key = f"{base}{default_lang}/{rel}", f"{base}{other_lang}/{rel}"
        src_commits, tr_commits = hist.commits(src_key), hist.commits(tr_key)
        if src_key in hist.dirty:
            if tr_key not in hist.dirty or src.stat().st_mtime > tr.stat().st_mtime:
                out.add(rel)
        elif src_commits is not None and matches(sources.get(rel), src_commits.last):
            continue                     # confirmed as a translation of the source's last commit
        elif tr_key in hist.dirty:
            continue
        elif src_commits and tr_commits and src_commits.rank < tr_commits.rank:
            out.add(rel)
    return out


def matches(recorded: str | None, commit: str) -> bool:
    """A recorded (possibly abbreviated) commit is ``commit``."""
    return bool(recorded) and len(recorded) >= 7 and commit.startswith(recorded.lower())


def sources_of(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """path -> ``source:`` commit recorded by the translations of ``lang``."""
    return {path: a.source for path, a in catalogue[lang].articles.items() if a.source}


# --- status table ------------------------------------------------------------------------------

@dataclass
class Row:
    id: int | None
    path: str
    titles: dict[str, str]
    status: str              # ok, missing <lang>, outdated <lang>, ...
    review: list[str]
    publication: str = "published"                              # the source's: published, draft or unlisted
    publications: dict[str, str] = field(default_factory=dict)  # per language (they should agree)

    @property
    def publication_text(self) -> str:
        """'draft', or 'draft (en: published)' when a language disagrees with the source."""
        other = [f"{c}: {p}" for c, p in self.publications.items() if p != self.publication]
        return f"{self.publication} ({', '.join(other)})" if other else self.publication


def _rel_docs(repo_root: str | Path, docs_dir: str | Path) -> str:
    try:
        return Path(docs_dir).resolve().relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        return "."


def status_rows(catalogue: Catalogue, repo_root: str | Path, docs_dir: str | Path,
                hist: history.History | None = None) -> list[Row]:
    """One row per article path: id, titles per language, translation status, review codes and
    publication status (published, draft, unlisted) per language."""
    default = catalogue.default
    others = [c for c in catalogue.langs if c != default]
    hist = hist or history.load(repo_root, _rel_docs(repo_root, docs_dir))
    outdated = {code: outdated_paths(repo_root, docs_dir, default, code, hist, sources_of(catalogue, code))
                for code in others}
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
                        ", ".join(states) or "ok", review, first.status,
                        {c: a.status for c, a in present.items()}))
    rows.sort(key=lambda r: (r.id or 0, r.path))
    return rows
