"""A full build, in this process, whose pieces stay in memory for the incremental paths.

It is MkDocs' own ``build()`` with this project's configuration (static-i18n builds each language
in turn, the hooks run as in ``scripts/docs.py build``); a small plugin added to the loaded
configuration records, per language, what ``build()`` otherwise keeps in local variables: the
files (with their pages), the navigation and the template environment. Warnings and errors logged
during the build are collected as problems (``file:line: message (fix: ...)``).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import config_options, load_config
from mkdocs.plugins import BasePlugin, event_priority

from sitebuild.warnings import build_problems

# problems that do not stop the preview: it shows the French text under a notice meanwhile
NOTE_PREFIXES = ("missing English translation", "missing French translation")


@dataclass
class LanguageBuild:
    files: object = None          # mkdocs Files of this language's build (pages populated)
    nav: object = None
    env: object = None


@dataclass
class Built:
    """A successful full build and what the incremental paths need from it."""
    config: object
    site_dir: Path
    languages: dict[str, LanguageBuild]
    hooks: ModuleType
    notes: list = field(default_factory=list)

    @property
    def i18n(self):
        return self.config.plugins["i18n"]

    @property
    def state(self) -> dict:
        return self.hooks.STATE


class _Capture(BasePlugin):
    """Records each language's files, navigation and environment as the build goes."""

    def __init__(self, i18n):
        super().__init__()
        self.i18n = i18n
        self.languages: dict[str, LanguageBuild] = {}

    def _lang(self) -> LanguageBuild:
        code = self.i18n.current_language or self.i18n.default_language
        return self.languages.setdefault(code, LanguageBuild())

    @event_priority(-200)   # after every other plugin and hook has changed them
    def on_nav(self, nav, config, files):
        self._lang().files, self._lang().nav = files, nav
        return nav

    @event_priority(-200)
    def on_env(self, env, config, files):
        self._lang().env = env
        return env


class Collector(logging.Handler):
    """Collects the warnings and errors MkDocs, its plugins and the hooks log (what ``--strict``
    counts), while it is installed on the ``mkdocs`` logger: whatever level that logger has outside
    (the preview's terminal shows problems its own way), and without passing them on meanwhile."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._saved = None

    def emit(self, record):
        if not record.name.startswith("mkdocs.livereload"):   # the server's requests, meanwhile
            self.records.append(record)

    def __enter__(self):
        logger = logging.getLogger("mkdocs")
        self._saved = (logger.level, logger.propagate)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("mkdocs")
        logger.removeHandler(self)
        logger.setLevel(self._saved[0])
        logger.propagate = self._saved[1]

    def problems(self, root: Path, docs_dir: Path) -> list[str]:
        """The collected messages as ``file:line: message (fix: ...)`` lines: the hooks' content
        problems as they are, MkDocs' link warnings turned into the file and line of the link."""
        out = []
        for record in self.records:
            text = re.sub(r"^kb:\s*", "", record.getMessage().strip())
            if _PROBLEM.match(text):
                out.append(text)
                continue
            proc = subprocess.CompletedProcess([], 1, "", f"{record.levelname} -  {text}")
            found = build_problems(proc, docs_dir, root, set())
            out += [str(p) if p.file != "mkdocs build" else p.message for p in found]
        return list(dict.fromkeys(out))


_PROBLEM = re.compile(r"^[\w./ -]+\.(md|ya?ml|html|py|json)(:\d+)?: ")


def split_notes(problems: list[str]) -> tuple[list[str], list[str]]:
    """(errors, notes): a missing translation is a note in the preview, everything else an error."""
    notes = [p for p in problems if any(f": {prefix}" in p for prefix in NOTE_PREFIXES)]
    return [p for p in problems if p not in notes], notes


def forget_python() -> None:
    """Make the next configuration load read the hooks and what they import again (scripts/helpcenter/,
    scripts/sitebuild/sidebar.py; MkDocs caches hook modules for the life of the process)."""
    config_options.Hooks._load_hook.cache_clear()
    for name in [n for n in sys.modules if n == "helpcenter" or n.startswith("helpcenter.")
                 or n == "sitebuild.sidebar"]:
        del sys.modules[name]


def full_build(config_file: Path, out_root: Path, fresh_python: bool = False):
    """Build the whole site into a new folder under ``out_root``.

    Returns (Built or None, errors, notes). On errors the new folder is removed and None is returned:
    the caller keeps serving the previous build.
    """
    if fresh_python:
        forget_python()
    dest = Path(tempfile.mkdtemp(prefix="build-", dir=out_root))
    root = config_file.parent
    collector = Collector()
    config = None
    try:
        with collector:
            config = load_config(config_file=str(config_file), site_dir=str(dest))
            config.plugins.on_startup(command="serve", dirty=False)   # a preview: the hooks render drafts
            capture = _Capture(config.plugins["i18n"])
            config.plugins["kb-preview-capture"] = capture
            mkdocs_build(config)
    except Exception as exc:   # a template, a hook, mkdocs.yml...: shown like any other problem
        message = str(exc).strip() or type(exc).__name__
        errors, notes = split_notes(collector.problems(root, root / "docs"))
        errors.append(f"{_where(exc, root)}: build failed: {message} (fix: correct it, then save again)")
        shutil.rmtree(dest, ignore_errors=True)
        return None, errors, notes
    errors, notes = split_notes(collector.problems(root, Path(config.docs_dir)))
    if errors:
        shutil.rmtree(dest, ignore_errors=True)
        return None, errors, notes
    hooks = next(m for m in config["hooks"].values() if hasattr(m, "STATE"))
    return Built(config, dest, capture.languages, hooks, notes), [], notes


def _where(exc: Exception, root: Path) -> str:
    """The project file an exception comes from (a template or a script), else 'mkdocs build'."""
    name = getattr(exc, "filename", None)
    if isinstance(name, str) and os.path.isabs(name):
        line = getattr(exc, "lineno", None)
        return os.path.relpath(name, root) + (f":{line}" if line else "")
    tb = exc.__traceback__
    last = None
    while tb is not None:
        path = tb.tb_frame.f_code.co_filename
        if path.startswith(str(root)) and "/.venv/" not in path:
            last = f"{os.path.relpath(path, root)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return last or "mkdocs build"
