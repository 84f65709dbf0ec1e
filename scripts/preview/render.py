"""Re-render pages of a kept build with MkDocs' own page rendering, and update its search index.

A page is rendered exactly as ``mkdocs build`` renders it: MkDocs' ``_populate_page`` (read the
source, the ``page_markdown`` events, Markdown, the ``page_content`` events) then ``_build_page``
(the theme's template, the ``page_context`` events: hooks, static-i18n, search; ``post_page``), in
the configuration of the page's language as static-i18n sets it (its ``config`` event). Output goes
to a staging folder first: nothing is published unless the whole update is free of problems.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import _build_page, _build_template, _populate_page
from mkdocs.structure.files import InclusionLevel

from .build import Built, Collector, split_notes


class Renderer:
    def __init__(self, built: Built, only: str | None = None):
        self.built = built
        self.only = only                                 # the one language this process renders, if any
        self._doc_files: dict[str, list] = {}
        self._json: dict[int, tuple[dict, str]] = {}    # id(search entry): (entry, its JSON)

    # --- languages -------------------------------------------------------------------------------

    def activate(self, lang: str) -> None:
        """Put the shared configuration in the state static-i18n gives it for ``lang`` (theme
        language, per-language site name...) by running the ``config`` event as its build does; the
        search plugin starts an empty index there, which then receives the re-rendered pages."""
        i18n = self.built.i18n
        i18n.current_language = lang
        i18n.building = True       # the hooks re-read the catalogue only at a build's first language
        self.built.config.plugins.on_config(self.built.config)

    def search_plugin(self):
        plugins = self.built.config.plugins
        return plugins["material/search"] if "material/search" in plugins else plugins["search"]

    def forget(self) -> None:
        """The languages' files changed (``structure.restructure``): read them again when needed."""
        self._doc_files = {}

    def doc_files(self, lang: str) -> list:
        if lang not in self._doc_files:
            files = self.built.languages[lang].files
            self._doc_files[lang] = files.documentation_pages(inclusion=InclusionLevel.is_included)
        return self._doc_files[lang]

    # --- pages -----------------------------------------------------------------------------------

    def render(self, pages: dict[str, list], root: Path, docs_dir: Path):
        """Render ``{lang: [page, ...]}`` into a staging folder.

        Returns (staged {site-relative path: staged file}, new search entries by page URL, errors).
        """
        config = self.built.config
        staging = Path(tempfile.mkdtemp(prefix="stage-", dir=self.built.site_dir.parent))
        staged: dict[str, Path] = {}
        entries: dict[str, list] = {}
        collector = Collector()
        errors: list[str] = []
        try:
            with collector:
                for lang, todo in pages.items():
                    if not todo:
                        continue
                    self.activate(lang)
                    lb = self.built.languages[lang]
                    search = self.search_plugin()
                    for page in todo:
                        real = page.file.abs_dest_path
                        rel = os.path.relpath(real, self.built.site_dir)
                        page.file.__dict__["abs_dest_path"] = str(staging / rel)
                        try:
                            _populate_page(page, config, lb.files)
                            _build_page(page, config, self.doc_files(lang), lb.nav, lb.env)
                        finally:
                            page.file.__dict__["abs_dest_path"] = real
                        staged[rel] = staging / rel
                    if any(self.built.hooks._rel_path(page, lang) == "index.md" for page in todo):
                        rel = self.render_not_found(lang, staging)
                        staged[rel] = staging / rel
                    for entry in search.search_index.entries:
                        entries.setdefault(entry["location"].split("#")[0], []).append(entry)
                    search.search_index.entries = []
                self.validate_anchors()
        except Exception as exc:   # a template or hook error: reported, nothing published
            errors.append(f"preview: rendering failed: {type(exc).__name__}: {exc} (fix: correct the "
                          "file you saved, or the template or script named above)")
        problems, _ = split_notes(collector.problems(root, docs_dir))
        errors = problems + errors
        if errors or not staged:
            shutil.rmtree(staging, ignore_errors=True)
            return {}, {}, errors
        return staged, entries, []

    def render_not_found(self, lang: str, staging: Path) -> str:
        """The language's 404 page shows what its home page shows (categories, popular articles):
        rendered again with its home, as the build renders it (its ``post_template`` hook keeps it)."""
        lb = self.built.languages[lang]
        output = _build_template("404.html", lb.env.get_template("404.html"), lb.files, self.built.config, lb.nav)
        catalogue = self.built.state["catalogue"]
        rel = "404.html" if lang == catalogue.default else f"{lang}/404.html"
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_text(output, encoding="utf-8")
        return rel

    def validate_anchors(self) -> None:
        """MkDocs' check of ``#anchor`` links, over every page (a changed page may have removed an
        anchor other pages link to), as the end of its build does."""
        config = self.built.config
        for lang, lb in self.built.languages.items():
            for file in self.doc_files(lang):
                if file.page is not None:
                    file.page.validate_anchor_links(files=lb.files, log_level=config.validation.links.anchors)

    def publish(self, staged: dict[str, Path]) -> None:
        """Move staged files over the served ones (one atomic rename per file)."""
        for rel, path in staged.items():
            target = self.built.site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        self.drop(staged)

    def staging_of(self, staged: dict[str, Path]) -> Path:
        """The staging folder of ``staged`` (a new one when nothing is staged)."""
        for rel, path in staged.items():
            return Path(str(path)[: -len(rel)])
        return Path(tempfile.mkdtemp(prefix="stage-", dir=self.built.site_dir.parent))

    @staticmethod
    def drop(staged: dict[str, Path]) -> None:
        """Remove the staging folder (with what is left in it)."""
        for rel, path in staged.items():
            shutil.rmtree(str(path)[: -len(rel)], ignore_errors=True)
            break

    # --- search index ----------------------------------------------------------------------------

    def update_search(self, entries: dict[str, list], pages: dict[str, list], reorder: bool = False) -> None:
        """Replace the re-rendered pages' entries in the build's search entries (kept in build
        order, before de-duplication, as static-i18n keeps them), then write the index of each
        language concerned as the hooks write it (``searchindex.split``, ``tune``, ``write_language``).
        ``reorder``: pages came or went (``structure.py``): the entries are put in build order, those of
        pages that went are dropped, and every language's index is written."""
        i18n = self.built.i18n
        raw = i18n.search_entries
        urls = {page.url for todo in pages.values() for page in todo}
        out, placed = [], set()
        for entry in raw:
            url = entry["location"].split("#")[0]
            if url in urls:
                if url not in placed:
                    out.extend(entries.get(url, []))
                    placed.add(url)
                continue
            out.append(entry)
        for url in urls - placed:          # a page that had no entry before
            out.extend(entries.get(url, []))
        raw[:] = out
        if reorder:
            self.order_search()
        langs = [self.only] if self.only else list(self.built.state["catalogue"].langs)
        self.write_search(langs if reorder else [lang for lang, todo in pages.items() if todo])

    def order_search(self) -> None:
        """The search entries in the order a build makes them: each language's pages in build order
        (a page's own entries keep theirs); entries of pages no longer built are dropped."""
        rank: dict[str, tuple[int, int]] = {}
        for n, lang in enumerate(self.built.i18n.build_languages):
            for k, f in enumerate(self.doc_files(lang)):
                if f.page is not None:
                    rank.setdefault(f.page.url, (n, k))
        raw = self.built.i18n.search_entries
        kept = [e for e in raw if e["location"].split("#")[0] in rank]
        kept.sort(key=lambda e: rank[e["location"].split("#")[0]])
        raw[:] = kept

    def warm(self) -> None:
        """Serialise every search entry once ahead of the first save (seconds at 2,000 articles)."""
        langs = [self.only] if self.only else list(self.built.state["catalogue"].langs)
        self.write_search(langs, write=False)

    def write_search(self, langs: list[str], write: bool = True) -> None:
        """Write the search index of ``langs`` as the build writes it: static-i18n's de-duplication
        (the hooks' linear version) over every entry, then the hooks' split per language. Each entry
        is serialised once and kept (``json.dumps`` of the whole index, joined from pieces serialised
        with the same options, is the same text): at 2,000 articles per language an index is 8 MB."""
        searchindex = self.built.hooks.searchindex
        i18n, search = self.built.i18n, self.search_plugin()
        deduped = list(i18n.search_entries)
        i18n.reconfigure_search_duplicates(deduped)
        empty = type(search.search_index)(**search.search_index.config)
        config = json.loads(empty.generate_search_index(None))["config"]
        catalogue = self.built.state["catalogue"]
        default = catalogue.default
        groups = self.built.state.get("synonyms", {})
        prefixes = {lang: f"{lang}/" for lang in catalogue.langs if lang != default}
        pieces: dict[str, list[str]] = {lang: [] for lang in langs}
        cache, kept = self._json, {}
        for entry in deduped:
            location = entry.get("location", "")
            owner = next((l for l, p in prefixes.items() if location.startswith(p)), default)
            if owner not in pieces:
                continue
            hit = cache.get(id(entry))
            if hit is None or hit[0] is not entry:
                doc = dict(entry, location=location[len(prefixes[owner]):]) if owner != default else dict(entry)
                # tuned with the index's configuration (its separator splits the words), as the build tunes it
                doc = searchindex.tune({"config": copy.deepcopy(dict(config, lang=[owner])), "docs": [doc]},
                                       owner, groups.get(owner))["docs"][0]
                hit = (entry, _dumps(doc))
            kept[id(entry)] = hit
            pieces[owner].append(hit[1])
        live = {id(e) for e in i18n.search_entries}
        self._json = {k: v for k, v in {**cache, **kept}.items() if k in live}
        if not write:
            return
        for lang in langs:
            lang_config = searchindex.tune({"config": copy.deepcopy(dict(config, lang=[lang])), "docs": []},
                                           lang, groups.get(lang))["config"]
            text = '{"config":' + _dumps(lang_config) + ',"docs":[' + ",".join(pieces[lang]) + "]}"
            path = self.built.site_dir / searchindex.INDEX if lang == default \
                else self.built.site_dir / lang / searchindex.INDEX
            path.write_text(text, encoding="utf-8")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
