"""Symbolic links in the docs folder: each must stay inside the project and resolve.

MkDocs follows links (files and folders) and publishes what they point at: a link to a file outside the
project would publish it, and a link to a parent folder makes the build walk the tree again and again.
"""
from __future__ import annotations

import os
from pathlib import Path

from helpcenter.source.problems import Problem


def problems(docs_dir: str | Path, root: str | Path) -> list[Problem]:
    """One problem per symbolic link under ``docs_dir`` that is broken, loops, or leads outside ``root``."""
    root_real = Path(root).resolve()
    out = []
    for dirpath, dirnames, filenames in os.walk(docs_dir):     # does not follow links
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            if not path.is_symlink():
                continue
            shown = os.path.relpath(path, root).replace(os.sep, "/")
            link = os.readlink(path)
            problem = _problem(path, link, root_real)
            if problem:
                message, hint = problem
                out.append(Problem(shown, None, message, hint))
    return out


def _problem(path: Path, link: str, root_real: Path) -> tuple[str, str] | None:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"broken symbolic link (to {_short(link)})", "remove it, or make it point to an existing file"
    except (RuntimeError, OSError):          # "Symlink loop" (RuntimeError before Python 3.13) or ELOOP
        return f"symbolic link loop (to {_short(link)})", "replace the link by the file itself"
    if not target.is_relative_to(root_real):
        return (f"symbolic link to {_short(str(target))}, outside the project (it would be published)",
                "copy the file into docs/ instead of linking to it")
    folder = path.parent.resolve()
    if target.is_dir() and (folder == target or folder.is_relative_to(target)):
        return (f"symbolic link loop: leads back to its own folder or a parent ({_short(link)})",
                "remove the link")
    return None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else "…" + text[-(limit - 1):]
