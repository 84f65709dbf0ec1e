"""Translators' record: "this translation matches that version of its source".

``docs.py translated docs/en/x.md`` writes ``source: <commit>`` (the French file's last commit) into the
translation's front matter: parity.outdated_paths then no longer marks it outdated, until the French file
changes again. ``docs.py status --diff docs/en/x.md`` shows the French changes since the version the
translation matches (its ``source:``, else the commit where the translation last changed). Nothing here
knows about MkDocs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from helpcenter.articles.catalogue import Article, Catalogue
from helpcenter.lifecycle.history import History, diff_since
from helpcenter.source.problems import LANG_NAMES, Problem

ABBREV = 12   # digits of the commit id written in 'source:'


@dataclass
class Pair:
    translation: Article
    source: Article
    tr_key: str          # paths relative to the project root, as History knows them
    src_key: str


def pair(catalogue: Catalogue, root: Path, docs_rel: str, file: str) -> Pair | Problem:
    """The translation named by ``file`` (a path such as docs/en/settings/x.md) and its source."""
    p = Path(file)
    try:
        rel = (p if p.is_absolute() else Path.cwd() / p).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = p.as_posix()
    prefix = f"{docs_rel}/" if docs_rel != "." else ""
    parts = rel[len(prefix):].split("/", 1) if rel.startswith(prefix) else []
    if len(parts) != 2 or parts[0] not in catalogue.langs or parts[1] not in catalogue[parts[0]].articles:
        return Problem(file, None, "not an article of the help center",
                       f"give the path of a translated article, e.g. {prefix}en/settings/x.md")
    lang, path = parts
    if lang == catalogue.default:
        return Problem(file, None, f"this is the {LANG_NAMES.get(lang, lang)} source, not a translation",
                       f"give the path of its translation, e.g. {prefix}en/{path}")
    source = catalogue[catalogue.default].articles.get(path)
    if source is None:
        return Problem(file, None, "this translation has no source", f"create {prefix}{catalogue.default}/{path}")
    return Pair(catalogue[lang].articles[path], source, f"{prefix}{lang}/{path}", f"{prefix}{catalogue.default}/{path}")


def confirm(pr: Pair, hist: History) -> tuple[str, str] | Problem:
    """(new text of the translation, recorded commit): ``source:`` set to the source's last commit."""
    if not hist.available:
        return Problem(pr.translation.file, None, "not in a git work tree: there is no source version to record",
                       "run it in a clone of the repository")
    commits = hist.commits(pr.src_key)
    if commits is None or pr.src_key in hist.dirty:
        return Problem(pr.source.file, None, "the source has uncommitted changes: its version cannot be recorded",
                       "commit the source first, then run 'translated' again")
    text = (hist.root / pr.tr_key).read_text(encoding="utf-8")
    commit = commits.last[:ABBREV]
    return set_source(text, commit), commit


def set_source(text: str, commit: str) -> str:
    """The file's text with ``source: <commit>`` in its front matter (replaced, or added at its end)."""
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    for i in range(1, end):
        if re.match(r"^source\s*:", lines[i]):
            lines[i] = f"source: {commit}\n"
            return "".join(lines)
    lines.insert(end, f"source: {commit}\n")
    return "".join(lines)


def diff(pr: Pair, hist: History) -> tuple[str, str] | Problem:
    """(base commit, diff of the source from it to the working tree)."""
    if not hist.available:
        return Problem(pr.translation.file, None, "not in a git work tree: no history to compare with",
                       "run it in a clone of the repository")
    base = pr.translation.source
    if not base:
        tr_commits = hist.commits(pr.tr_key)
        if tr_commits is None:
            return Problem(pr.translation.file, None, "never committed and no 'source:': no version to compare with",
                           "translate the whole source, then run 'scripts/docs.py translated' on it")
        base = tr_commits.last[:ABBREV]
    out = diff_since(hist.root, base, pr.src_key)
    if out is None:
        return Problem(pr.translation.file, pr.translation.lines.get("source"),
                       f"commit {base} is not in the history of this clone",
                       "fetch the full history (CI: a full clone), or check the translation by hand and run "
                       "'scripts/docs.py translated' on it")
    return base, out
