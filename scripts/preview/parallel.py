"""The preview on every core: one process per language, each keeping its language's build in memory.

``scripts/docs.py build --parallel`` builds each language in its own process (``KB_RENDER_ONLY``: a
language's process renders its own articles; the homes and category pages of every language are
built by both) and merges the outputs. The preview does the same with processes that stay: each runs
a ``Session(only=lang, hold=True)`` that makes the full build of its language and then applies every
save to its own pages. A full rebuild (a new, deleted or renamed file, a template, ``mkdocs.yml``,
Python) thus runs on as many cores as there are languages, and what the incremental paths need stays
in memory: nothing has to be rebuilt in this process after a parallel build.

Every change goes to every process (an article's data shows in the other language too: the fallback
page of a missing translation, the outdated notice); each stages its update, and this process
publishes only when all succeeded (``commit``), else drops them all (``discard``) and shows the
problems: the last good pages stay served. The served folder is made as the parallel build merges
(``sitebuild.build.merge_parts``): the default language's output for the root, each other language's folder
from its own process, the sitemap from each language's entries; but with symbolic links to the
processes' folders instead of copies, so that each process's later updates show at once.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from .session import Result, Session, _die_with_parent, point

from sitebuild.build import language_order, merge_parts, project


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_main() -> None:
    """A language's process (``python -c``, arguments: socket, mkdocs.yml, folder, language): runs the
    commands it receives on its session and answers each with the result."""
    fd, config_file, out, lang = sys.argv[1:5]
    conn = Connection(int(fd))
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C stops the preview, which then closes this process
    os.environ["KB_RENDER_ONLY"] = lang
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-7s -  %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)   # problems are reported by the preview
    session = Session(Path(config_file), Path(out), only=lang, hold=True)
    while True:
        try:
            command, args = conn.recv()
        except EOFError:
            command, args = "close", ()
        if command == "close":
            session.close()
            return
        try:
            value = getattr(session, command)(*args)
        except Exception:   # a bug in the preview: shown as a problem, the process goes on
            trace = traceback.format_exc(limit=-4).strip().replace("\n", " | ")
            value = Result("error", errors=[f"preview ({lang} process): {trace} (fix: save again; "
                                            "restart the preview if it persists)"])
        conn.send({"result": value if isinstance(value, Result) else None, "pending": session.pending,
                   "site": str(session.site_dir or ""), "notes": session.notes,
                   "watch": [str(p) for p in session.watch_paths()]})


class Worker:
    """A language's process: a new interpreter (the modules as they are on disk, nothing inherited),
    commands and results pickled over a socket pair."""

    def __init__(self, config_file: Path, out: Path, lang: str):
        self.lang = lang
        ours, theirs = socket.socketpair()
        code = "from preview.parallel import worker_main; worker_main()"   # the installed package
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), str(config_file), str(out), lang],
            pass_fds=[theirs.fileno()], cwd=Path(config_file).parent)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.reply: dict = {"pending": False, "site": "", "notes": [], "watch": []}
        self.sent = False

    def send(self, command: str, *args) -> None:
        try:
            self.conn.send((command, args))
            self.sent = True
        except (OSError, ValueError):
            self.sent = False

    def receive(self) -> dict:
        try:
            if self.sent:
                self.reply = self.conn.recv()
                return self.reply
        except (EOFError, OSError):
            pass
        self.reply = dict(self.reply, pending=False, result=Result("error", errors=[
            f"preview: the {self.lang} process ended (fix: restart the preview; its output above says why)"]))
        return self.reply


class ParallelSession:
    """What ``server.PreviewServer`` needs of a session (see ``Session``), one process per language."""

    def __init__(self, config_file: Path, out: Path):
        self.config_file = Path(config_file).resolve()
        self.root = self.config_file.parent
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.link = self.out / "site"
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.order = language_order(project(self.config_file))
        self.workers = [Worker(self.config_file, self.out / lang, lang) for lang in self.order]
        self._served: Path | None = None               # the merged folder served
        self._count = 0

    @property
    def ready(self) -> bool:
        return self._served is not None

    @property
    def pending(self) -> bool:
        return any(w.reply["pending"] for w in self.workers)

    def watch_paths(self) -> list[Path]:
        paths = self.workers[0].reply["watch"]
        return [Path(p) for p in paths] if paths else \
            [self.root / "docs", self.config_file, self.root / "overrides", self.root / "scripts"]

    def _all(self, command: str, *args) -> list[dict]:
        for w in self.workers:
            w.send(command, *args)
        return [w.receive() for w in self.workers]

    # --- updates ---------------------------------------------------------------------------------

    def full(self, fresh_python: bool = False) -> Result:
        return self._update("full", fresh_python)

    def apply(self, paths) -> Result:
        return self._update("apply", [str(p) for p in paths])

    def _update(self, command: str, *args) -> Result:
        start = time.perf_counter()
        result = self._finish(self._all(command, *args))
        result.seconds = time.perf_counter() - start
        return result

    def _finish(self, replies: list[dict]) -> Result:
        """Publish the staged updates of every language if none has problems, else drop them all."""
        results = [r["result"] for r in replies]
        if any(r.kind == "full" or r.kind == "error" for r in results):
            self.notes = list(dict.fromkeys(n for r in replies for n in r["notes"]))
        errors = list(dict.fromkeys(e for r in results for e in r.errors))
        if errors:
            self._all("discard", errors)
            self.errors = errors
            return Result("error", errors=errors)
        if any(r.kind == "full" for r in results):
            self._merge({w.lang: Path(r["site"]) for w, r in zip(self.workers, replies)})
        self._all("commit")
        self.errors = []
        kind = "full" if any(r.kind == "full" for r in results) else results[0].kind
        return Result(kind, pages=sorted({p for r in results for p in r.pages}))

    def _merge(self, parts: dict[str, Path]) -> None:
        """Serve a new folder made of the languages' folders, as ``build --parallel`` merges them."""
        self._count += 1
        folder = self.out / f"merged-{self._count}"
        shutil.rmtree(folder, ignore_errors=True)
        site_url = project(self.config_file)["site_url"] or ""
        merge_parts(parts, self.order, folder, site_url, link=True)
        point(self.link, folder)
        old, self._served = self._served, folder
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)        # its links only

    def settle(self, wait: bool = True) -> Result:
        """Each language re-ranks its related articles (see ``Session.settle``) and publishes the
        pages whose list changed: those are its own pages only."""
        results = [r["result"] for r in self._all("settle", wait)]
        errors = list(dict.fromkeys(e for r in results for e in r.errors))
        if errors:
            self.errors = errors
            return Result("error", errors=errors)
        pages = sorted({p for r in results for p in r.pages})
        return Result("related" if pages else "none", pages=pages)

    def close(self) -> None:
        for w in self.workers:
            w.send("close")
        for w in self.workers:
            try:
                w.process.wait(timeout=5)
            except subprocess.TimeoutExpired:     # busy (a build under way when the preview stops)
                w.process.terminate()
                w.process.wait(timeout=30)
            w.conn.close()
