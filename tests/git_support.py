"""A real temporary git repository for tests of what the help center reads from git (dates, outdated
translations, ``translated``): commits with chosen dates, isolated from the user's git configuration."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(project: Path, *args: str, when: str | None = None) -> str:
    """Run git in ``project``; ``when`` (e.g. '2026-12-03T10:00:00Z') dates the commit."""
    env = dict(os.environ, **ENV)
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


def init(project: Path, when: str) -> None:
    """Make ``project`` a git work tree whose docs are committed once, at ``when``."""
    git(project, "init", "-q")
    git(project, "add", "docs")
    git(project, "commit", "-q", "-m", "fixture", when=when)


def commit(project: Path, message: str, when: str, *paths: str) -> None:
    git(project, "add", *(paths or ("docs",)))
    git(project, "commit", "-q", "-m", message, when=when)


def head(project: Path) -> str:
    return git(project, "rev-parse", "HEAD").strip()
