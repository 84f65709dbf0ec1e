"""What a change needs: a full build, or exactly which pages to re-render.

Where an article's data shows (so what is re-rendered when it changes):

- its body: its own page (and the other languages' pages that fall back to the same file) and its
  entries in its language's search index;
- its front matter (title, description, tags, related, weight, review, owner, any other key): also its
  category's page (listing), the pages whose side navigation shows it (when it is among the first
  ``sidebar_limit`` articles of its category: every page of its category and of the sub-categories,
  whose navigation unfolds its category; else only its own page), the pages whose footer links
  to it (previous and next page), the pages whose related list holds it, and, when it is among the
  popular articles of its language (before or after the change), the home and every article page
  of that language (popular articles are in their right sidebar);
- a translation becoming outdated or up to date (its source changed): that translation's page;
- related articles are ranked on title, description, tags and body across the whole language: they
  are re-ranked after the visible update (``Session.settle``), and the pages whose list changed are
  re-rendered then.

An article added, deleted or renamed (or a changed id, aliases or status, found by the session) is a
change of structure (``structure.py``). Everything else is a full build: a home or category page, a
snippet (``_snippets/``), an image, a folder, a template, ``mkdocs.yml``, a Python file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import Built


@dataclass
class Plan:
    full: bool = False
    python: bool = False                      # a Python file changed: re-import the hooks' modules
    articles: list[tuple[str, str]] = field(default_factory=list)   # (lang, path in the language)
    structure: list[tuple[str, str]] = field(default_factory=list)  # articles added or deleted


def classify(built: Built, changed: set[Path], root: Path) -> Plan:
    docs = Path(built.config.docs_dir).resolve()
    catalogue = built.state["catalogue"]
    plan = Plan()
    for path in sorted(changed):
        if path.suffix == ".py":
            plan.full = plan.python = True
            continue
        try:
            rel = path.relative_to(docs).as_posix()
        except ValueError:
            plan.full = True                  # mkdocs.yml, overrides/, data...
            continue
        lang, _, inner = rel.partition("/")
        language = catalogue.langs.get(lang)
        if language is None or path.suffix != ".md" or path.name == "index.md" or "/" not in inner \
                or "_snippets" in inner.split("/")[:-1] or path.is_dir() \
                or inner.rpartition("/")[0] not in language.categories:
            plan.full = True                  # a home or category page, a snippet, an asset, a folder
            continue
        if inner in language.articles and path.is_file():
            plan.articles.append((lang, inner))
        else:
            plan.structure.append((lang, inner))  # an article added, deleted (or renamed: both)
    return plan


def read_article(catalogue, root: Path, docs: Path, lang: str, rel: str):
    """The article's data read again by the catalogue's own reader, with its problems: those the
    full load finds in one file (front matter, the glossary's refused variants, no text) (``None`` as
    data when the file cannot be read as an article)."""
    scratch = type(catalogue)(list(catalogue.langs), catalogue.default)
    scratch.glossary = catalogue.glossary
    scratch._load_file(lang, docs / lang, docs / lang / rel, root)
    article = scratch.langs[lang].articles.get(rel)
    problems = [str(p) for p in scratch.problems]
    if article is None and not problems:
        problems = [f"docs/{lang}/{rel}: cannot be read as an article (fix: check its front matter)"]
    return (dict(vars(article)) if article is not None else None), problems


def check(catalogue, changed: list[tuple[str, str]] = ()) -> list[str]:
    """The catalogue's checks across files (ids, translations, related ids, aliases) on the
    updated catalogue, as the full load runs them, and, for the changed articles, the translation
    parity and the links to drafts (the full load checks every article)."""
    from importlib import import_module
    package = type(catalogue).__module__.split(".")[0]           # the generation the catalogue comes from
    links, parity = import_module(package + ".links.redirects"), import_module(package + ".translation.parity")
    publication, paths = import_module(package + ".links.publication"), import_module(package + ".links.paths")
    out = list(catalogue.check()) + list(links.check_aliases(catalogue)) + list(paths.check_paths(catalogue))
    out += publication.draft_links(catalogue, only=set(changed))
    source = catalogue[catalogue.default]
    for lang, rel in changed:
        pairs = [(source.articles.get(rel), catalogue[code].articles.get(rel)) for code in catalogue.langs
                 if code != catalogue.default] if lang == catalogue.default else \
            [(source.articles.get(rel), catalogue[lang].articles.get(rel))]
        for src, twin in pairs:
            if src is not None and twin is not None:
                out += parity.compare(src, twin)
    return [str(p) for p in out]


# --- pages -------------------------------------------------------------------------------------

def _pages(built: Built, lang: str) -> dict[str, object]:
    """{path in the language: page} of a language's build."""
    hooks = built.hooks
    out = {}
    for f in built.languages[lang].files.documentation_pages():
        if f.page is not None:
            out[hooks._rel_path(f.page, lang)] = f.page
    return out


def _popular_ids(built: Built, lang: str) -> list[int]:
    count = int(built.state["kb"].get("popular_count", 5))
    return [a.id for a in built.hooks._popular(lang, count)]


def snapshot(built: Built) -> dict:
    """What must be compared before and after an update: popular articles per language."""
    return {"popular": {lang: _popular_ids(built, lang) for lang in built.languages},
            "outdated": {lang: set(paths) for lang, paths in built.state["outdated"].items()}}


def pages_for(built: Built, changes, before: dict, later: dict | None = None) -> dict[str, list]:
    """{lang: [page, ...]} to re-render for ``changes`` = [(lang, article, shown keys, body changed)].

    ``later`` ({lang: {id(page): page}}), when given, receives the pages that show the change only in
    their side navigation or their popular articles (every page of a category, of a language), which
    the session renders when the writer pauses (``Session.settle``), after the pages that show it
    otherwise."""
    catalogue = built.state["catalogue"]
    todo: dict[str, dict[int, object]] = {lang: {} for lang in built.i18n.build_languages}
    by_lang = {lang: _pages(built, lang) for lang in todo}
    later = later if later is not None else todo

    def add(lang, page, deferred=False):
        if page is not None:
            (later if deferred else todo).setdefault(lang, {})[id(page)] = page

    for lang, article, shown, _body in changes:
        src = str((Path(built.config.docs_dir) / lang / article.path).resolve())
        for code, pages in by_lang.items():     # its page, and other languages' fallbacks to it
            for page in pages.values():
                if page.file.abs_src_path == src:
                    add(code, page)
        if not shown:
            continue
        pages = by_lang[lang]
        language = catalogue[lang]
        own = pages.get(article.path)
        category = language.category_of(article)
        if category is not None:
            add(lang, pages.get(f"{category.path}/index.md"))
            if _in_default_sidebar(built, category, article):
                prefix = category.path + "/"
                for rel, page in pages.items():
                    if rel.startswith(prefix):
                        add(lang, page, deferred=True)
        if own is not None:
            add(lang, own.previous_page)
            add(lang, own.next_page)
        for rid, lst in built.state["related"][lang].items():
            if any(a is article for a in lst):
                add(lang, pages.get(language.by_id[rid].path) if rid in language.by_id else None)
        now = _popular_ids(built, lang)
        if article.id in now or article.id in before["popular"][lang] or now != before["popular"][lang]:
            add(lang, pages.get("index.md"))
            for rel, page in pages.items():
                if rel in language.articles:
                    add(lang, page, deferred=True)
    # translations that became outdated or up to date
    old, new = before.get("outdated"), built.state["outdated"]
    if old is not None:
        for lang in new:
            for rel in set(old.get(lang, ())) ^ set(new.get(lang, ())):
                add(lang, by_lang[lang].get(rel))
    return {lang: list(pages.values()) for lang, pages in todo.items()}


def _in_default_sidebar(built: Built, category, article) -> bool:
    """Whether the side navigation of its category's pages shows ``article`` whichever the current
    page: the category's first ``sidebar_limit`` articles (the hooks' ``_cut_sidebar``); an article
    beyond them is shown only on its own page. Counted among the listed articles, as the navigation
    holds them, and with the previous state too: a superset is safe."""
    limit = int(built.state["kb"].get("sidebar_limit", 10))
    listed = [a for a in category.articles if getattr(a, "listed", True)]
    return article not in listed or listed.index(article) < limit + 1


def related_changes(built: Built, before: dict[str, dict[int, list[int]]]) -> dict[str, list]:
    """Pages whose related list differs from ``before`` ({lang: {id: [ids]}})."""
    out: dict[str, list] = {lang: [] for lang in built.i18n.build_languages}
    for lang, old in before.items():
        language = built.state["catalogue"][lang]
        pages = _pages(built, lang)
        for art_id, lst in built.state["related"][lang].items():
            if [a.id for a in lst] != old.get(art_id) and art_id in language.by_id:
                page = pages.get(language.by_id[art_id].path)
                if page is not None:
                    out[lang].append(page)
    return out
