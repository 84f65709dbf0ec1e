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

A language's process that ends (the OOM killer, a crash, ``kill -9``) is replaced at the next command
(or when a command to it fails): the terminal names the language, the new process builds its language
in full, and the change is applied again; the last good pages stay served meanwhile. One that ends
three times within a minute is no longer restarted: the terminal says so, and to restart the preview.
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
        self.broken = False              # a send or receive failed: the process ended (or is no use)
        self.given_up = False            # ended too often: no longer restarted (see ParallelSession)
        self.silent = False              # ended by us: alive, but its connection failed

    @property
    def alive(self) -> bool:
        return not self.broken and self.process.poll() is None

    def ended(self) -> str:
        """How the process ended, in a few words (after ``alive`` turned false)."""
        code = self.process.poll()
        if code is None or self.silent:
            return "it stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"killed by {name}" + (": out of memory, or kill -9?" if -code == signal.SIGKILL else "")
        return f"exit status {code}"

    def send(self, command: str, *args) -> None:
        try:
            self.conn.send((command, args))
            self.sent = True
        except (OSError, ValueError):
            self.sent = False
            self._broke()

    def receive(self) -> dict:
        try:
            if self.sent:
                self.sent = False
                self.reply = self.conn.recv()
                return self.reply
        except (EOFError, OSError):
            self._broke()
        self.reply = dict(self.reply, pending=False, result=Result("error", errors=[self.problem()]))
        return self.reply

    def problem(self, given_up: bool | None = None) -> str:
        fix = ("restart the preview (Ctrl+C, then serve again)" if (self.given_up if given_up is None else given_up)
               else "save again: the preview starts a new one")
        return f"preview: the {self.lang} process ended (fix: {fix}; its output above says why)"

    def _broke(self) -> None:
        if not self.broken:
            self.broken = True
            try:
                self.process.wait(timeout=5)      # its exit status, once the socket has closed
            except subprocess.TimeoutExpired:     # alive but no longer talking: of no use
                self.silent = True
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        self.conn.close()


class ParallelSession:
    """What ``server.PreviewServer`` needs of a session (see ``Session``), one process per language.

    A language's process that ended (the OOM killer, a crash, ``kill -9``) is noticed at the next
    command, or when a command to it fails: a new one takes its place and builds its language in full
    (the last good pages stay served meanwhile), and the change is applied again. One that ends
    ``RESTARTS`` times within ``WINDOW`` seconds is no longer restarted: the terminal says so, and
    each save says to restart the preview."""

    RESTARTS = 3
    WINDOW = 60.0

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
        self._ends: dict[str, list[float]] = {}         # language: when its processes were found ended
        self._stale: set[str] = set()                   # languages whose folder holds a dead process's builds

    @property
    def ready(self) -> bool:
        return self._served is not None

    @property
    def pending(self) -> bool:
        return any(w.reply["pending"] and not w.given_up for w in self.workers)

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
        self._revive()
        result = self._finish(self._all(command, *args))
        if self._revive():         # one ended during this update (dropped): again, with its successor
            result = self._finish(self._all(command, *args))
        elif result.kind == "error":   # no successor: say so
            given_up = {w.problem(False): w.problem() for w in self.workers if w.given_up}
            result.errors = self.errors = [given_up.get(e, e) for e in result.errors]
        result.seconds = time.perf_counter() - start
        return result

    # --- a language's process that ended ----------------------------------------------------------

    def _revive(self) -> bool:
        """Replace each language's process that ended by a new one, which builds its language in full,
        published with the other languages' pages as they are. True if one was replaced."""
        revived = False
        for i, old in enumerate(self.workers):
            if old.alive or old.given_up:
                continue
            new = self._restart(i)
            if new is None:
                continue
            revived = True
            start = time.perf_counter()
            new.send("full", False)
            result = new.receive()["result"]
            stamp = time.strftime("%H:%M:%S")
            if result.kind == "error":            # shown like any problem; the next save builds again
                self.errors = result.errors
                if not new.alive:
                    print(f"[{stamp}] preview: the new {new.lang} process ended too ({new.ended()}) during "
                          "its build", flush=True)
                    continue
                new.send("discard", result.errors)
                new.receive()
                print(f"[{stamp}] preview: the new {new.lang} process could not build {new.lang} "
                      f"({len(result.errors)} problem(s), shown on the pages)", flush=True)
                continue
            merged = self._served is not None and all(w.reply["site"] for w in self.workers)
            if merged:
                self._merge({w.lang: Path(w.reply["site"]) for w in self.workers})
            new.send("commit")
            new.receive()
            if merged or self._served is None:    # the served folder no longer links to the old builds
                self._sweep()
            print(f"[{stamp}] preview: the {new.lang} process was restarted: full build of {new.lang} in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
        return revived

    def _restart(self, i: int) -> Worker | None:
        """A new process in place of ``workers[i]``, which ended; None when it ends too often."""
        old = self.workers[i]
        lang, why, now = old.lang, old.ended(), time.monotonic()
        old.close()
        ends = self._ends[lang] = [t for t in self._ends.get(lang, []) if now - t < self.WINDOW] + [now]
        self._stale.add(lang)
        stamp = time.strftime("%H:%M:%S")
        if len(ends) >= self.RESTARTS:
            old.given_up = True
            print(f"[{stamp}] preview: the {lang} process ended again ({why}), {len(ends)} times within "
                  f"{self.WINDOW:.0f} s: it is NOT restarted any more, and no save is published. The last "
                  "good pages stay served. Stop the preview (Ctrl+C) and start it again; if it keeps "
                  "ending, see its output above (out of memory? try --one-process)", flush=True)
            return None
        print(f"[{stamp}] preview: the {lang} process ended ({why}); starting a new one, which builds "
              f"{lang} in full (the last good pages stay served meanwhile)", flush=True)
        # started from the server's build thread, which lives as long as the preview: the new process
        # ends with that thread (see _die_with_parent), as the first ones end with the main thread
        self.workers[i] = Worker(self.config_file, self.out / lang, lang)
        return self.workers[i]

    def _sweep(self) -> None:
        """Remove the builds that ended processes left (call it once the served folder no longer links
        to them: after a merge of every language's current build)."""
        for lang in list(self._stale):
            worker = next(w for w in self.workers if w.lang == lang)
            site = worker.reply["site"]
            if not worker.alive or not site:
                continue
            for folder in (self.out / lang).iterdir():
                if folder.name.startswith(("build-", "stage-")) and str(folder) != site:
                    shutil.rmtree(folder, ignore_errors=True)
            self._stale.discard(lang)

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
        if any(r.kind == "structure" for r in results) and not any(r.kind == "full" for r in results):
            # pages came or went: the sitemap, merged from every language's, and the top-level folders
            self._merge({w.lang: Path(r["site"]) for w, r in zip(self.workers, replies)})
        if self._stale and any(r.kind == "full" for r in results):
            self._sweep()
        self.errors = []
        kind = next((k for k in ("full", "structure") if any(r.kind == k for r in results)), results[0].kind)
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
        self._revive()
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
            w.close()
