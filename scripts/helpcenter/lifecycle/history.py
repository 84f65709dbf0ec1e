"""What git knows about the content: when each file was first and last committed, and which files have
uncommitted changes. Read in ONE ``git log`` pass (plus one ``git status``) for the whole tree, never one
process per file: at 2,000 articles per language this stays a small share of the build.

Used for the "Updated on" date of each page (JSON-LD ``dateModified``/``datePublished``, sitemap
``<lastmod>``: the latest of its file and of the shared snippets it includes), for outdated translations
(parity.py), review dates (review.py) and the translators' ``translated`` / ``status --diff`` commands.
A file with uncommitted changes, or outside a git work tree, is dated by its modification time. Nothing
here knows about MkDocs.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path


@dataclass(frozen=True)
class Commits:
    """Commits touching one file: the newest first (rank 0 = the newest commit of the whole log)."""
    rank: int          # rank of the file's last commit in the log (smaller = more recent)
    last: str          # hash of the last commit
    last_time: int     # committer time of the last commit (Unix seconds)
    first_time: int    # committer time of the first commit


@dataclass
class History:
    """Git history of the files under ``root`` (paths relative to ``root``, with '/')."""
    root: Path
    available: bool = False                        # False outside a git work tree (or without git)
    files: dict[str, Commits] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)   # uncommitted changes (modified, added, untracked)

    def commits(self, rel: str) -> Commits | None:
        return self.files.get(rel)

    def is_committed(self, rel: str) -> bool:
        return rel in self.files and rel not in self.dirty

    def updated(self, rel: str, included: Iterable[str] = ()) -> date | None:
        """Date of the last change: last commit, or modification time when uncommitted / no git. With
        ``included`` (the shared snippets a page shows, snippets.included): the latest date of the file
        and of those, since the reader sees their text too (None when the file itself has no date)."""
        own = self._updated(rel)
        if own is None:
            return None
        return max([own, *(d for d in map(self._updated, included) if d is not None)])

    def _updated(self, rel: str) -> date | None:
        c = self.files.get(rel)
        if c is None or rel in self.dirty:
            return self._mtime(rel)
        return _day(c.last_time)

    def published(self, rel: str) -> date | None:
        """Date of the first commit (modification time when never committed): the file's own, never
        an included snippet's (a page is published once, even if a snippet it shows is older or newer)."""
        c = self.files.get(rel)
        if c is None:
            return self._mtime(rel)
        return _day(c.first_time)

    def _mtime(self, rel: str) -> date | None:
        try:
            return _day((self.root / rel).stat().st_mtime)
        except OSError:
            return None


def _day(seconds: float) -> date:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date()


def git(repo: Path, *args: str, timeout: float = 120) -> str | None:
    """stdout of a git command run in ``repo``; None when git is missing or the command fails."""
    try:
        proc = subprocess.run(["git", "-c", "core.quotePath=false", "-C", str(repo), *args],
                              capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def load(root: str | Path, pathspec: str = ".") -> History:
    """History of every file under ``root / pathspec``: one ``git log`` and one ``git status``."""
    root = Path(root).resolve()
    hist = History(root)
    top = git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return hist
    hist.available = True
    prefix = os.path.relpath(root, Path(top.strip()).resolve()).replace(os.sep, "/")
    strip = "" if prefix == "." else prefix + "/"
    log = git(root, "log", "--topo-order", "--format=%x00%H %ct", "--name-only", "--", pathspec) or ""
    rank, commit, when = -1, "", 0
    newest: dict[str, tuple[int, str, int]] = {}
    oldest: dict[str, int] = {}
    for line in log.splitlines():
        if line.startswith("\x00"):
            rank += 1
            commit, _, t = line[1:].partition(" ")
            when = int(t or 0)
        elif line:
            if strip:
                if not line.startswith(strip):
                    continue
                line = line[len(strip):]
            if line not in newest:
                newest[line] = (rank, commit, when)
            oldest[line] = when          # the log goes back in time: the last one seen is the first commit
    hist.files = {p: Commits(r, c, t, oldest[p]) for p, (r, c, t) in newest.items()}
    status = git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", pathspec) or ""
    entries = status.split("\x00")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            i += 1                      # the original path of a rename follows
        if strip:
            if not path.startswith(strip):
                continue
            path = path[len(strip):]
        hist.dirty.add(path)
    return hist


def diff_since(root: str | Path, commit: str, rel: str) -> str | None:
    """Changes of ``rel`` from ``commit`` to the working tree (uncommitted changes included)."""
    return git(Path(root), "diff", "--no-color", commit, "--", rel)
