"""A save that changes which pages exist, or their addresses, without a full build.

A new, deleted or renamed article, or a changed ``id``, ``aliases`` or ``status``: the kept build is
brought to the state a new build would have, then only what shows the change is re-rendered.

- The catalogue is changed in place (the article read by the catalogue's own reader, added, replaced
  or removed; its category's listing and ``by_id`` made again), then checked as on any save.
- Each language's MkDocs structures are made again by MkDocs' own steps, without rendering: the files
  (``get_files``, the ``files`` events: static-i18n's files and alternates, the hooks' inclusion and the
  redirects plugin's pages), the navigation (``get_navigation``, the ``nav`` events: static-i18n, the
  hooks' sections, ``build._Capture``). The pages already built are kept (moved onto the new files),
  so that MkDocs builds the navigation with them; a new page is read when it is rendered.
- Re-rendered: the new pages; every page of the categories concerned (old and new: their side
  navigation lists the category's articles, or says "Show all (N)"), and of their sub-categories, whose
  navigation unfolds them; the pages of the ancestor categories (cards with counts) and the home (with
  its 404 page); the pages whose previous or next page changed; the pages whose related list lost an
  article; every article page of the language when its popular articles changed; the pages whose source
  links to a file that went (MkDocs then reports the broken link as the build does); what
  ``dependents.pages_for`` gives for every article saved.
- Written again: the short links and aliases that appeared or changed (mkdocs-redirects' page,
  localized as the hooks do), ``sitemap.xml`` (``.gz``) as the last language's build renders it, the
  search index of every language (entries in build order), ``kb-catalogue.json``, the redirects file;
  removed: the pages and redirect pages that no longer exist.

Everything is compared with the state last published (``base``, kept until an update is published), so
that a save with problems, then the save that fixes them, publish what the two changed together.
"""
from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path, PurePosixPath

from mkdocs import utils as mkdocs_utils
from mkdocs.commands.build import _build_template
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs_static_i18n import folder as i18n_folder

from . import dependents
from .build import Built, split_notes

SITEMAP = "sitemap.xml"


# --- what was published ----------------------------------------------------------------------------

def _doc_files(built: Built, lang: str) -> list:
    return built.languages[lang].files.documentation_pages(inclusion=InclusionLevel.is_included)


def snapshot(built: Built) -> dict:
    """What an update is compared with: per language, the pages (URL: source, previous and next page),
    the redirects, the related lists, the popular articles, the outdated translations, every article's
    category."""
    catalogue = built.state["catalogue"]
    redirects = built.hooks.redirects
    pages = {}
    for lang in built.languages:
        pages[lang] = {}
        for f in _doc_files(built, lang):
            page = f.page
            if page is not None:
                pages[lang][page.url] = (f.src_uri, _url(page.previous_page), _url(page.next_page))
    return {"pages": pages,
            "maps": {lang: redirects.redirect_map(catalogue, lang) for lang in catalogue.langs},
            "root": {url: (a.lang, a.path) for url, a in redirects.root_aliases(catalogue).items()},
            "related": {lang: {i: [a.id for a in lst] for i, lst in rel.items()}
                        for lang, rel in built.state["related"].items()},
            "categories": {(lang, rel): a.category_path for lang, language in catalogue.langs.items()
                           for rel, a in language.articles.items()},
            **dependents.snapshot(built)}


def _url(page) -> str | None:
    return None if page is None else page.url


# --- the catalogue -----------------------------------------------------------------------------------

def update_catalogue(built: Built, root: Path, paths) -> tuple[list[str], list[tuple[str, str]]]:
    """Read ``paths`` ([(lang, path in the language)]) again into the catalogue, in place. Returns the
    problems found reading them, and the articles that exist now among them."""
    catalogue = built.state["catalogue"]
    docs = Path(built.config.docs_dir)
    problems, present = [], []
    before = {lang: dict(language.by_id) for lang, language in catalogue.langs.items()}
    for lang, rel in paths:
        language = catalogue[lang]
        language.unreadable.discard(rel)
        if not (docs / lang / rel).is_file():
            language.articles.pop(rel, None)
            continue
        data, found = dependents.read_article(catalogue, root, docs, lang, rel)
        problems += found
        if data is None:
            language.articles.pop(rel, None)
            language.unreadable.add(rel)
            continue
        live = language.articles.get(rel)
        if live is None:
            language.articles[rel] = sys.modules[type(catalogue).__module__].Article(**data)
        else:
            vars(live).update(data)
        present.append((lang, rel))
    for language in catalogue.langs.values():
        for category in language.categories.values():
            category.articles = []
        for article in language.articles.values():
            category = language.categories.get(article.category_path)
            if category is not None and article.listed:
                category.articles.append(article)
        for category in language.categories.values():
            category.articles.sort(key=lambda a: (a.id, a.path))
    catalogue.check()        # by_id again (its problems are reported by dependents.check)
    _fix_related(built, before)
    return problems, present


def _fix_related(built: Built, before: dict) -> None:
    """The related lists without the articles that went, under each article's current id (the ranking
    that follows the update, ``Session.settle``, makes them whole)."""
    catalogue = built.state["catalogue"]
    for lang, related in built.state["related"].items():
        language = catalogue[lang]

        def alive(article):
            return language.articles.get(article.path) is article

        out = {}
        for old_id, lst in related.items():
            owner = before[lang].get(old_id)
            if owner is not None and alive(owner) and owner.id in language.by_id:
                out[owner.id] = [a for a in lst if alive(a)]
        built.state["related"][lang] = out


# --- MkDocs' structures ------------------------------------------------------------------------------

_I18N_FILES: dict[tuple, dict] = {}       # static-i18n's files as it made them, by what it made them from


def _i18n_file(make):
    """static-i18n's ``create_i18n_file``, each file made once and copied after (6,000 files a language
    at 2,000 articles: 1.2 s of pathlib): a new ``File`` with the same attributes, its own alternates."""
    from mkdocs.structure.files import File

    def create(file, current_language, default_language, all_languages, config):
        key = (file.src_uri, file.src_dir, file.dest_uri, file.use_directory_urls, file.inclusion,
               current_language, default_language, tuple(all_languages), config.docs_dir, config.site_dir,
               config.use_directory_urls)
        made = _I18N_FILES.get(key)
        if made is None:
            new = make(file, current_language, default_language, all_languages, config)
            if len(_I18N_FILES) > 200_000:
                _I18N_FILES.clear()
            _I18N_FILES[key] = {k: v for k, v in vars(new).items() if k != "alternates"}
            return new
        new = File.__new__(File)
        vars(new).update(made)
        new.alternates = {current_language: new}
        return new
    return create


def prime(built: Built, only: str | None = None) -> None:
    """Make static-i18n's files of the languages served once ahead (as ``Renderer.warm``, after a full
    build), so that the first change of structure copies them too. Nothing of the build is changed."""
    i18n, config = built.i18n, built.config
    create = _i18n_file(i18n_folder.create_i18n_file)
    files = get_files(config)
    for lang in i18n.build_languages:
        if only in (None, lang):
            for f in files:
                if f.is_documentation_page():
                    create(f, lang, i18n.default_language, i18n.all_languages, config)


def restructure(built: Built, renderer, only: str | None = None) -> None:
    """Each language's files and navigation made again as its build makes them, keeping the pages.
    ``only``: the one language a process of ``parallel.py`` serves (its other languages' pages, files and
    sitemap entries are taken from their own processes)."""
    config = built.config
    for lang in built.i18n.build_languages:
        if only not in (None, lang):
            continue
        renderer.activate(lang)
        lb = built.languages[lang]
        old = {f.src_uri: f for f in lb.files.documentation_pages(inclusion=InclusionLevel.all)}
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        make = i18n_folder.create_i18n_file
        i18n_folder.create_i18n_file = _i18n_file(make)
        try:
            files = config.plugins.on_files(files, config=config)
        finally:
            i18n_folder.create_i18n_file = make
        set_exclusions(files, config)
        for f in files.documentation_pages(inclusion=InclusionLevel.all):
            previous = old.get(f.src_uri)
            if previous is not None and previous.page is not None:
                f.page = previous.page
                f.page.file = f
        nav = get_navigation(files, config)
        config.plugins.on_nav(nav, config=config, files=files)   # build._Capture records files and nav
    renderer.forget()


# --- what to render ----------------------------------------------------------------------------------

def pages_to_render(built: Built, base: dict, touched: set[tuple[str, str]], later: dict) -> tuple[dict, dict]:
    """({lang: [page, ...]} to render, new pages first; {lang: [site-relative files to remove]}).
    ``later`` receives the pages that show the change in their side navigation or popular articles
    only (see ``dependents.pages_for``)."""
    catalogue = built.state["catalogue"]
    todo: dict[str, dict[int, object]] = {lang: {} for lang in built.languages}
    first: dict[str, dict[int, object]] = {lang: {} for lang in built.languages}
    removed: dict[str, list[str]] = {lang: [] for lang in built.languages}
    gone_sources: set[str] = set()
    folders: set[str] = set()
    for lang, rel in touched:
        folders.add(base["categories"].get((lang, rel), ""))
        article = catalogue[lang].articles.get(rel)
        if article is not None:
            folders.add(article.category_path)
    folders.discard("")
    for lang in built.languages:
        old = base["pages"].get(lang, {})
        pages = {}
        for f in _doc_files(built, lang):
            if f.page is not None:
                pages[f.page.url] = f.page
        for url, page in pages.items():
            was = old.get(url)
            if was is None or was[0] != page.file.src_uri:
                first[lang][id(page)] = page
            elif was[1:] != (_url(page.previous_page), _url(page.next_page)):
                todo[lang][id(page)] = page
        for url, (src, _, _) in old.items():
            if url not in pages:
                removed[lang].append(_output(url))
                gone_sources.add(PurePosixPath(src).name)
            elif pages[url].file.src_uri != src:
                gone_sources.add(PurePosixPath(src).name)
        language = catalogue[lang]
        by_rel = {built.hooks._rel_path(p, lang): p for p in pages.values()}
        for folder in folders:
            prefix = folder + "/"
            for rel, page in by_rel.items():
                if rel.startswith(prefix):
                    later.setdefault(lang, {})[id(page)] = page
            parts = PurePosixPath(folder).parts
            for i in range(len(parts)):
                page = by_rel.get("/".join(parts[:i + 1]) + "/index.md")
                if page is not None:
                    todo[lang][id(page)] = page
        if folders and "index.md" in by_rel:
            todo[lang][id(by_rel["index.md"])] = by_rel["index.md"]
        # related lists that lost an article, popular articles that changed
        was_related = base["related"].get(lang, {})
        for art_id, lst in built.state["related"].get(lang, {}).items():
            if [a.id for a in lst] != was_related.get(art_id) and art_id in language.by_id:
                page = by_rel.get(language.by_id[art_id].path)
                if page is not None:
                    todo[lang][id(page)] = page
        if dependents._popular_ids(built, lang) != base["popular"].get(lang):
            if "index.md" in by_rel:
                todo[lang][id(by_rel["index.md"])] = by_rel["index.md"]
            for rel, page in by_rel.items():
                if rel in language.articles:
                    later.setdefault(lang, {})[id(page)] = page
        # pages whose source links to a file that went: MkDocs reports the link, as the build does
        if gone_sources:
            for rel, page in by_rel.items():
                text = _source(built, page)
                if any(name in text for name in gone_sources):
                    todo[lang][id(page)] = page
    changes = [(lang, catalogue[lang].articles[rel], {"id"}, True) for lang, rel in sorted(touched)
               if rel in catalogue[lang].articles]
    for lang, lst in dependents.pages_for(built, changes, base, later).items():
        for page in lst:
            todo[lang][id(page)] = page
    out = {}
    for lang in built.languages:
        rest = [p for k, p in todo[lang].items() if k not in first[lang]]
        out[lang] = list(first[lang].values()) + rest
    return out, removed


def _output(url: str) -> str:
    return (url + "index.html") if url.endswith("/") or not url else url


def _source(built: Built, page) -> str:
    try:
        return Path(page.file.abs_src_path).read_text(encoding="utf-8")
    except OSError:
        return ""


# --- the other files ---------------------------------------------------------------------------------

def redirects_to_write(built: Built, base: dict) -> tuple[dict[str, str], list[str]]:
    """({site-relative file: text} of the redirect pages that appeared or changed, [files to remove])."""
    from mkdocs_redirects.plugin import HTML_TEMPLATE, get_html_path, get_relative_html_path
    catalogue = built.state["catalogue"]
    hooks = built.hooks
    redirects = hooks.redirects
    use_directory_urls = built.config.use_directory_urls
    write, remove = {}, []
    for lang in catalogue.langs:
        old, new = base["maps"].get(lang, {}), redirects.redirect_map(catalogue, lang)
        files = {f.src_path.replace(os.sep, "/"): f for f in built.languages[lang].files.documentation_pages()} \
            if lang in built.languages else {}
        t = hooks._strings(lang, lang == "fr")
        for page_old in old.keys() - new.keys():
            remove.append(get_html_path(page_old, use_directory_urls))
        for page_old, page_new in new.items():
            if old.get(page_old) == page_new or page_new not in files:
                continue
            dest = get_relative_html_path(page_old, files[page_new].url, use_directory_urls)
            text = HTML_TEMPLATE.format(url=dest)
            write[get_html_path(page_old, use_directory_urls)] = redirects.localized_redirect(text, lang, t) or text
    old_root = base["root"]
    new_root = redirects.root_aliases(catalogue)
    for url in old_root.keys() - new_root.keys():
        remove.append(_output(url))
    for url, article in new_root.items():
        if old_root.get(url) == (article.lang, article.path):
            continue
        target = os.path.relpath(article.url or ".", url or ".") + "/"
        write[_output(url)] = redirects.redirect_page(target, article.lang,
                                                      hooks._strings(article.lang, article.lang == "fr"))
    return write, [r for r in remove if r not in write]


def render_sitemap(built: Built, renderer, staging: Path) -> dict[str, Path]:
    """``sitemap.xml`` and its ``.gz`` as the last language's build writes them (it lists every
    language), into ``staging``."""
    lang = built.i18n.build_languages[-1]
    renderer.activate(lang)
    lb = built.languages[lang]
    output = _build_template(SITEMAP, lb.env.get_template(SITEMAP), lb.files, built.config, lb.nav)
    if not output.strip():
        return {}
    (staging / SITEMAP).write_bytes(output.encode("utf-8"))
    timestamp = mkdocs_utils.get_build_timestamp(
        pages=[f.page for f in lb.files.documentation_pages() if f.page is not None])
    with open(staging / (SITEMAP + ".gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, filename=str(staging / (SITEMAP + ".gz")), mode="wb", mtime=timestamp) as gz:
            gz.write(output.encode("utf-8"))
    return {SITEMAP: staging / SITEMAP, SITEMAP + ".gz": staging / (SITEMAP + ".gz")}


def remove_files(site_dir: Path, rels) -> None:
    """Remove pages that no longer exist (and their folder when it is left empty)."""
    for rel in rels:
        path = site_dir / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
            folder = path.parent
            while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
