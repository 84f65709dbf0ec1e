"""MkDocs' warnings and errors as writers' problems (``file:line: message (fix: what to do)``).

A strict MkDocs build reports a broken link or anchor as a log line naming the page; this reads the
build's output and turns each line into a ``Problem`` on the Markdown file and line of the link, with
a fix (e.g. the section ids the target has). ``scripts/docs.py check`` and ``build`` and the preview
(``preview/build.py``) all report build problems through ``build_problems``.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from helpcenter.source.problems import Problem
from sitebuild.build import _mkdocs_cmd, _mkdocs_env

_DOC_WARNING = re.compile(r"Doc file '([^']+)' contains an? (?:[\w-]+ )*link '([^']*)'")
MISSING_ANCHOR = re.compile(r"the doc '([^']+)' does not contain an anchor '#([^']*)'")
_SECTION_ID = re.compile(r"\{#([A-Za-z0-9_-]+)")


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Strict build into ``site_dir`` (which MkDocs writes even when strict mode then aborts)."""
    return subprocess.run(_mkdocs_cmd(config, site_dir), cwd=config.parent, env=_mkdocs_env(),
                          capture_output=True, text=True)


def _line_of_link(md: Path, link: str) -> int | None:
    try:
        lines = md.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in (f"]({link})", f"]({link} ", f"]( {link}", f'"{link}"', f"'{link}'", f"<{link}>", link):
        for i, line in enumerate(lines, 1):
            if needle in line:
                return i
    return None


def _section_ids(md: Path) -> list[str]:
    try:
        return _SECTION_ID.findall(md.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def build_problems(proc: subprocess.CompletedProcess, docs_dir: Path, root: Path, known: set[str]):
    """The build's warnings and errors as problems (those already in ``known`` are skipped)."""
    problems = []
    entries: list[str] = []
    for line in (proc.stderr + proc.stdout).splitlines():
        m = re.match(r"^(WARNING|ERROR)\s+-\s+(.*)$", line)
        if m:
            entries.append(m.group(2).strip())
        elif entries and line.startswith((" ", "\t")) and line.strip():
            entries[-1] += " " + line.strip()
    docs_rel = os.path.relpath(docs_dir, root).replace(os.sep, "/")
    for text in entries:
        text = re.sub(r"^kb:\s*", "", text)
        if text in known or any(text.startswith(k) for k in known) or text.startswith("mkdocs_static_i18n"):
            continue
        m = _DOC_WARNING.search(text)
        if m:
            md = docs_dir / m.group(1)
            message = "contains " + text.split(" contains ", 1)[1]
            hint = "link to the .md file of an existing page, with an existing #id (see the target's {#...})"
            anchor = MISSING_ANCHOR.search(text)
            if anchor:
                ids = _section_ids(docs_dir / anchor.group(1))
                hint = (f"use one of the section ids of {anchor.group(1)}: " + ", ".join(f"#{i}" for i in ids)
                        if ids else f"{anchor.group(1)} has no section id: link to the page without '#…'")
            elif "absolute link" in text:
                hint = "use a relative link to the .md file, e.g. ../settings/x.md"
            elif "unrecognized relative link" in text:
                hint = "link to the .md file, not to the page's URL"
            elif re.search(r"\.(png|jpe?g|gif|svg|webp)'", text, re.I):
                hint = "add the image file in docs/ and fix the path"
            problems.append(Problem(f"{docs_rel}/{m.group(1)}", _line_of_link(md, m.group(2)), message, hint))
            continue
        problems.append(Problem("mkdocs build", None, text, "see the build's message above"))
    if proc.returncode != 0 and not entries:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        problems.append(Problem("mkdocs build", None, f"build failed: {tail}", "fix the error shown"))
    return problems
