"""The preview's state and what it does on each change.

After one full build (``build.full_build``), the session keeps the build in memory and serves its
folder (``<out>/site``, a link to the current build). On a change:

- an article's body or front matter (same id, same aliases): the article is re-read into the kept
  catalogue (in place, so that every page and list holding it sees the new data), the content
  checks run again, and exactly the pages that show that article's data are re-rendered
  (``dependents.py``), with its entries of the language's search index; related articles, whose
  ranking compares every article of the language, are re-ranked afterwards (``settle``);
- an article added, deleted or renamed, or a changed id, aliases or status: the kept build's files
  and navigation are made again, and what shows the change is re-rendered (``structure.py``);
- anything else (a home or category page, an image, a snippet, the glossary, a template,
  ``mkdocs.yml``, a Python file): a full build into a new folder, which replaces the served one only
  when it succeeds.

A change with problems publishes nothing: the last good pages stay served, ``errors`` says what to
fix (``file:line: message (fix: ...)``), and the next change is applied against the last published
state, so that a valid save recovers.

On several cores the preview runs one session per language, each in its own process (``parallel.py``):
``only`` makes a session render the pages of one language (its full build renders that language's
articles only, ``KB_RENDER_ONLY`` as in ``scripts/docs.py build --parallel``), and ``hold`` keeps an
update staged until ``commit()`` (or ``discard()``), so that nothing is published unless every
language's update succeeded.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import dependents, structure
from .build import Built, full_build, split_notes
from .render import Renderer

ARTICLE_FIELDS_NOT_SHOWN = ("body", "body_line", "lines")
# front-matter keys whose change makes the site's structure change (structure.py): short links and
# redirects (id, aliases), which pages are built, listed, indexed and in the sitemap (status)
STRUCTURE_KEYS = ("id", "aliases", "status")


@dataclass
class Result:
    kind: str              # "full", "structure", "pages", "later", "related", "none", "error"
    pages: list[str] = field(default_factory=list)   # site-relative files written
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def point(link: Path, target: Path) -> None:
    """Make ``link`` (what the server serves) lead to ``target``, at once (a placeholder folder served
    before the first build succeeded is removed)."""
    tmp = link.with_name(f".{link.name}-next")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(target, link.parent))
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp, link)


class Session:
    def __init__(self, config_file: Path, out: Path, only: str | None = None, hold: bool = False):
        self.only = only                         # render this language only (see the module's docstring)
        self.hold = hold                         # stage updates until commit()
        self.config_file = Path(config_file).resolve()
        self.root = self.config_file.parent
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.link = self.out / "site"            # what the server serves
        self.built: Built | None = None
        self.renderer: Renderer | None = None
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.rerank: set[str] = set()            # languages whose related articles wait for a re-rank
        self.unpublished: dict[tuple[str, str], dict] = {}   # (lang, path): article data last published
        self.dirty: set[Path] = set()            # changed files not published yet (their update failed)
        self._pool = None                        # the process that ranks related articles
        self._job = None                         # (languages, future, generation) of a ranking under way
        self._generation = 0                     # counts applied changes (a ranking started before is stale)
        self._cold = False                       # search entries not serialised yet (Renderer.warm)
        self._staged = None                      # (publish, drop) of the update waiting for commit()
        self._next: Built | None = None          # a full build staged
        self._changed: set[Path] = set()         # the paths of the last update
        self._later: dict[str, dict[int, object]] = {}   # pages to render when the writer pauses
        self._base: dict | None = None           # structure.snapshot of what is published, while a
        self._touched: set[tuple[str, str]] = set()   # change of structure waits (and the articles saved)

    @property
    def ready(self) -> bool:
        """A build is served."""
        return self.built is not None

    @property
    def site_dir(self) -> Path | None:
        """The folder of the build staged, else of the build served."""
        built = self._next or self.built
        return built.site_dir if built is not None else None

    def watch_paths(self) -> list[Path]:
        """What the server watches: the sources, mkdocs.yml and its ``watch`` list (overrides/, scripts/)."""
        config = self.built.config if self.built is not None else None
        if config is None:
            return [self.root / "docs", self.config_file, self.root / "overrides", self.root / "scripts"]
        return [Path(config.docs_dir), self.config_file] + [Path(p) for p in config.watch]

    # --- full build ------------------------------------------------------------------------------

    def full(self, fresh_python: bool = False) -> Result:
        start = time.perf_counter()
        # the hooks' state, which a new build replaces (same module): given back if it is not published
        saved = dict(self.built.state) if self.built is not None else None
        built, errors, notes = full_build(self.config_file, self.out, fresh_python=fresh_python)
        self.notes = notes
        if built is None:
            self._restore(saved)
            self.errors = errors
            return Result("error", errors=errors, seconds=time.perf_counter() - start)
        self._next = built

        def drop():
            self._next = None
            self._restore(saved)
            shutil.rmtree(built.site_dir, ignore_errors=True)
        self._stage(lambda: self._switch(built), drop)
        return Result("full", seconds=time.perf_counter() - start)

    def _switch(self, built: Built) -> None:
        old = self.built
        self._next = None
        self.built, self.renderer = built, Renderer(built, self.only)
        self.errors, self.rerank, self.unpublished = [], set(), {}
        self._job, self._cold = None, True
        self._base, self._touched, self._later = None, set(), {}
        point(self.link, built.site_dir)         # the served folder switches at once
        if old is not None:
            shutil.rmtree(old.site_dir, ignore_errors=True)

    def _restore(self, saved: dict | None) -> None:
        if saved is not None and self.built is not None:
            self.built.state.clear()
            self.built.state.update(saved)

    # --- publishing ------------------------------------------------------------------------------

    def _stage(self, publish, drop) -> None:
        self._staged = (publish, drop)
        if not self.hold:
            self.commit()

    def commit(self) -> None:
        """Publish the update staged."""
        staged, self._staged = self._staged, None
        if staged is not None:
            staged[0]()
        self.dirty = set()

    def discard(self, errors: list[str]) -> None:
        """Drop the update staged, as if it had these problems (another language's had them)."""
        staged, self._staged = self._staged, None
        if staged is not None:
            staged[1]()
        self.errors = list(errors)
        self.dirty = self._changed if self.built is not None else set()

    # --- changes ---------------------------------------------------------------------------------

    def apply(self, paths) -> Result:
        """Bring the preview up to date with the changed ``paths`` (files or folders)."""
        start = time.perf_counter()
        self._generation += 1
        changed = self._changed = {Path(p).resolve() for p in paths} | self.dirty
        if self.built is None:
            result = self.full(fresh_python=True)
        else:
            plan = dependents.classify(self.built, changed, self.root)
            if plan.full:
                result = self.full(fresh_python=plan.python)
            elif plan.structure or self._base is not None:
                result = self._structure(plan.articles + plan.structure)
            else:
                result = self._articles(plan.articles)
        if result.kind == "error":
            self.dirty = changed if self.built else set()
        result.seconds = time.perf_counter() - start
        return result

    def _articles(self, articles: list[tuple[str, str]]) -> Result:
        """Re-read changed articles into the catalogue and re-render the pages that show them."""
        built = self.built
        state = built.state
        catalogue = state["catalogue"]
        before = dependents.snapshot(built)
        changes, errors, read = [], [], []
        for lang, rel in articles:
            data, problems = dependents.read_article(catalogue, self.root, Path(built.config.docs_dir), lang, rel)
            errors += problems
            if data is None:
                continue
            live = catalogue[lang].articles[rel]
            old = self.unpublished.get((lang, rel)) or dict(vars(live))
            if any(data.get(k) != old.get(k) for k in STRUCTURE_KEYS):
                return self._structure(articles)
            read.append((lang, rel, data, live, old))
        for lang, rel, data, live, old in read:
            self.unpublished.setdefault((lang, rel), old)
            vars(live).update(data)
            shown = {k for k in data if k not in ARTICLE_FIELDS_NOT_SHOWN and data[k] != old[k]}
            changes.append((lang, live, shown, data["body"] != old["body"]))
        errors += split_notes(dependents.check(catalogue, [(lang, live.path) for lang, live, _, _ in changes]))[0]
        if errors:
            self.errors = list(dict.fromkeys(errors))
            return Result("error", errors=self.errors)
        built.hooks.refresh(built.config)
        pages = dependents.pages_for(built, changes, before, self._defer())
        for lang, live, shown, body in changes:
            if (shown or body) and self.only in (None, lang):
                self.rerank.add(lang)
        return self._render(pages, kind="pages", meta=any(shown for _, _, shown, _ in changes))

    def _structure(self, paths) -> Result:
        """Articles added, deleted or renamed, or a changed id, aliases or status (``structure.py``)."""
        built = self.built
        if self._base is None:
            self._base = structure.snapshot(built)
        self._touched |= set(paths)
        problems, present = structure.update_catalogue(built, self.root, paths)
        errors = problems + split_notes(dependents.check(built.state["catalogue"], present))[0]
        if errors:
            self.errors = list(dict.fromkeys(errors))
            return Result("error", errors=self.errors)
        built.hooks.refresh(built.config)
        structure.restructure(built, self.renderer, self.only)
        pages, removed = structure.pages_to_render(built, self._base, self._touched, self._defer())
        self.rerank |= {lang for lang in built.languages if self.only in (None, lang)}
        redirects, gone = structure.redirects_to_write(built, self._base)
        removed = [rel for lang, rels in removed.items() if self.only in (None, lang) for rel in rels] + gone
        return self._render(pages, kind="structure", meta=True, extra=(redirects, removed))

    def _defer(self) -> dict:
        """Where an update puts the pages that show it in their side navigation or popular articles
        only (``dependents.pages_for``): rendered by ``settle``, when the writer pauses."""
        return self._later

    def _render(self, pages: dict[str, list], kind: str, meta: bool, now: bool = False, extra=None) -> Result:
        if self.only is not None:
            pages = {lang: todo for lang, todo in pages.items() if lang == self.only}
        for lang, todo in pages.items():      # rendered now: not again later
            for page in todo:
                self._later.get(lang, {}).pop(id(page), None)
        staged, entries, errors = self.renderer.render(pages, self.root, Path(self.built.config.docs_dir))
        if errors:
            self.errors = errors
            return Result("error", errors=errors)
        built = self.built
        root_files = self.only in (None, built.state["catalogue"].default)   # the files at the site's root
        removed = []
        if extra is not None:         # a change of structure: redirect pages, the sitemap, files removed
            redirects, removed = extra
            staging = self.renderer.staging_of(staged)
            for rel, text in redirects.items():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (staging / rel).write_text(text, encoding="utf-8")
                staged[rel] = staging / rel
            staged.update(structure.render_sitemap(built, self.renderer, staging))

        def publish():
            structure.remove_files(built.site_dir, removed)
            self.renderer.publish(staged)
            self.renderer.update_search(entries, pages, reorder=extra is not None)
            self._base, self._touched = None, set()
            if meta and root_files:      # (the agents' data included)
                built.hooks.write_catalogue_files(built.config)
            elif root_files:   # the agents' lookup data: titles, sections and review codes (small, rewritten)
                built.hooks.agents.write(built.state["catalogue"], built.site_dir, built.state.get("synonyms"))
            self.errors, self.unpublished = [], {}
        if now:
            publish()
        else:
            self._stage(publish, lambda: self.renderer.drop(staged))
        return Result(kind, pages=sorted(staged))

    # --- deferred work ---------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        return (bool(self.rerank) or self._job is not None or self._cold or self._waiting_later()) \
            and self.built is not None and not self.errors

    def _waiting_later(self) -> bool:
        return any(todo for lang, todo in self._later.items() if self.only in (None, lang))

    LATER_BATCH = 30     # pages put aside rendered at a time when the server asks (a save waits for one batch)

    def _render_later(self, limit: int | None = None) -> Result:
        """The pages put aside by the last updates (``_defer``), those that still exist; at most ``limit``
        (the others stay for the next call)."""
        pages = {}
        for lang, todo in self._later.items():
            if self.only in (None, lang) and todo:
                alive = {id(f.page) for f in self.renderer.doc_files(lang) if f.page is not None}
                for key in list(todo):
                    page = todo.pop(key)
                    if key in alive:
                        pages.setdefault(lang, []).append(page)
                        if limit is not None and sum(map(len, pages.values())) >= limit:
                            break
            if limit is not None and sum(map(len, pages.values())) >= limit:
                break
        if not any(pages.values()):
            return Result("none")
        result = self._render(pages, kind="later", meta=False, now=True)
        if result.kind == "error":            # kept for the next time
            for lang, todo in pages.items():
                self._later.setdefault(lang, {}).update({id(p): p for p in todo})
        return result

    def settle(self, wait: bool = True) -> Result:
        """Re-rank the related articles of the languages that changed, and re-render the pages whose
        related list changed. A whole language is ranked at once (seconds at 2,000 articles), in
        another process so that saves meanwhile are not held: ``wait=False`` starts that work or
        collects its result when ready (the server calls it when the writer pauses); a save to the
        same language meanwhile makes the result stale, and the ranking starts again. First, the pages
        put aside by the last saves (``_defer``) are rendered: all of them with ``wait``, else
        ``LATER_BATCH`` at a time, so that a save never waits for more than one batch."""
        if not self.pending:
            return Result("none")
        start = time.perf_counter()
        if self._waiting_later():
            result = self._render_later(None if wait else self.LATER_BATCH)
            if result.kind == "error" or not wait:
                result.seconds = time.perf_counter() - start
                return result
        if self._cold:
            self._cold = False
            self.renderer.warm()
            structure.prime(self.built, self.only)
            if not self.rerank and not wait:
                return Result("none")
        if not self.rerank and self._job is None:
            return Result("none")
        if self._job is None:
            self._start_rerank()
        if not wait and not self._job[1].done():
            return Result("none")
        langs, future, generation = self._job
        self._job = None
        ranked = future.result()
        if generation != self._generation:       # a save came in meanwhile: rank again
            self.rerank.update(langs)
            return self.settle(wait) if wait else Result("none")
        built = self.built
        before = {lang: {i: [a.id for a in lst] for i, lst in built.state["related"][lang].items()}
                  for lang in langs}
        built.hooks.refresh(built.config, rerank=langs, ranked=ranked)
        pages = dependents.related_changes(built, before)
        if not any(pages.values()):
            return Result("none", seconds=time.perf_counter() - start)
        result = self._render(pages, kind="related", meta=False, now=True)
        result.seconds = time.perf_counter() - start
        return result

    def _start_rerank(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_die_with_parent)
        built, langs = self.built, sorted(self.rerank)
        count = int(built.state["kb"].get("related_count", 6))
        docs = {lang: built.hooks.related_docs(built.state["catalogue"][lang]) for lang in langs}
        rank = sys.modules[type(docs[langs[0]][0]).__module__].rank if docs[langs[0]] else None
        self.rerank = set()
        self._job = (langs, self._pool.submit(_rank_all, rank, docs, count), self._generation)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self.built is not None:
            self.built.config.plugins.on_shutdown()


def _rank_all(rank, docs: dict, count: int) -> dict:
    """In the ranking process: {lang: {id: [related ids]}}."""
    return {lang: rank(lang_docs, count) if rank else {} for lang, lang_docs in docs.items()}


def _die_with_parent() -> None:
    """The ranking process ends when the preview does, however the preview ends (Linux)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
