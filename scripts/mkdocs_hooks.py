"""MkDocs glue for the help center: thin on purpose, the logic lives in scripts/helpcenter/.

mkdocs-static-i18n builds French, then English, calling every hook below once per language.
The catalogue (all languages) is read once per build, at the first language's on_config.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path, PurePosixPath

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

from helpcenter.pages import agents, assets, export, footer, noresult, seo, support
from helpcenter import content
from helpcenter.lifecycle import history
from helpcenter.links import redirects
from helpcenter.translation import parity
from helpcenter.ranking import popular, related
from helpcenter.search import searchindex, synonyms
from helpcenter.source import snippets
from helpcenter.language import strings, typography
from helpcenter.articles.catalogue import Article, Catalogue, Category, breadcrumbs, page_url
from sitebuild import sidebar

log = get_plugin_logger("kb")
# outside MkDocs' loggers: shown, but not counted by --strict (a bad statistics file must not fail a build)
soft_log = logging.getLogger("kb.stats")

STATE: dict = {}
MODE = {"preview": False}   # True under `mkdocs serve` and the writers' preview: drafts are rendered


def on_startup(command, dirty):
    MODE["preview"] = command == "serve"


def _i18n(config):
    return config.plugins["i18n"]


def _current_lang(config) -> str:
    plugin = _i18n(config)
    return plugin.current_language or plugin.default_language


def _rel_path(page: Page, lang: str) -> str:
    """Path of a page's source relative to its language folder."""
    parts = PurePosixPath(page.file.src_uri).parts
    return "/".join(parts[1:]) if parts and parts[0] in STATE["catalogue"].langs else "/".join(parts)


@event_priority(100)
def on_config(config):
    plugin = _i18n(config)
    first = plugin.current_language in (None, plugin.default_language) and not plugin.building
    if first or "catalogue" not in STATE:
        _load(config, plugin)
    _linear_search_dedup(plugin)
    # short links and aliases of the language being built, written by mkdocs-redirects
    lang = plugin.current_language or plugin.default_language
    config.plugins["redirects"].config["redirect_maps"] = redirects.redirect_map(STATE["catalogue"], lang)
    # shared snippets: `--8<-- "x.md"` is the same line in every language, read from that language's folder
    if "pymdownx.snippets" in config.mdx_configs:
        folder = str(Path(config.docs_dir) / lang / snippets.FOLDER)
        config.mdx_configs["pymdownx.snippets"] = dict(config.mdx_configs["pymdownx.snippets"], base_path=[folder])
    # the support agents' page (/agents/, both languages at once): built with the default language only
    if lang == plugin.default_language:
        config.theme.static_templates.add(agents.PAGE)
    else:
        config.theme.static_templates.discard(agents.PAGE)
    return config


def _linear_search_dedup(plugin) -> None:
    """static-i18n drops fallback pages from the mixed search index by comparing every pair of entries
    (quadratic: 13 s of a 60 s build at 2,000 articles per language); same result in linear time."""
    if "reconfigure_search_duplicates" not in vars(plugin):
        slow = plugin.reconfigure_search_duplicates
        plugin.reconfigure_search_duplicates = lambda entries: searchindex.drop_fallback_duplicates(
            entries, plugin.build_languages, slow)


def _load(config, plugin) -> None:
    languages = [lang.locale for lang in plugin.config.languages if lang.build]
    root = Path(config.config_file_path).parent
    hist = history.load(root, Path(os.path.relpath(config.docs_dir, root)).as_posix())
    catalogue = content.load(config.docs_dir, languages, plugin.default_language, root=root, history=hist)
    # the strict build refuses what check refuses: content problems and translation parity
    for problem in sorted(set(catalogue.problems + parity.problems(catalogue)),
                          key=lambda p: (p.file, p.line or 0, p.message)):
        log.warning(str(problem))
    if catalogue.unsafe:     # stop before MkDocs follows the links (and publishes or loops)
        raise PluginError(f"{catalogue.unsafe[0]}: the build stops here")
    kb = config.extra.get("kb", {})
    problem = support.email_problem(kb.get("support_email"))
    if problem:
        raise PluginError(f"{config.config_file_path}: {problem}")
    stats_file = kb.get("stats_file")
    if stats_file and not os.path.isabs(stats_file):
        stats_file = root / stats_file
    stats, warning = popular.load_stats(stats_file)
    if warning:
        soft_log.warning("WARNING -  kb: %s", warning)
    # a process of the parallel build renders one language's articles (KB_RENDER_ONLY, see on_files):
    # ranking the others' related articles (seconds at 2,000 articles) would be thrown away
    only = os.environ.get("KB_RENDER_ONLY")
    rel = {code: _rank_related(language, kb) if only in (None, "", code) else {}
           for code, language in catalogue.langs.items()}
    groups, problems = synonyms.load(config.docs_dir, catalogue.langs, root=root)
    for problem in problems:
        log.warning(str(problem))
    STATE.clear()
    STATE.update(catalogue=catalogue, stats=stats, related=rel, kb=kb, sections={}, synonyms=groups)
    _read_history(config, catalogue, hist)


def related_docs(language) -> list:
    """What related articles are ranked on, for every article of a language: drafts are not built,
    unlisted articles get related articles but are never proposed as one."""
    return [related.Doc(a.id, a.category_path, a.tags, a.title, a.description, a.body, a.related,
                        hidden=a.status == "unlisted")
            for a in language.by_id.values() if a.status != "draft"]


def _rank_related(language, kb, ranked: dict | None = None) -> dict:
    if ranked is None:
        ranked = related.rank(related_docs(language), int(kb.get("related_count", 6)))
    return {i: [language.by_id[r] for r in ids] for i, ids in ranked.items()}


def _read_history(config, catalogue: Catalogue, hist=None) -> None:
    """One git pass (unless ``hist`` is given): the dates of every page, the snippets each one shows
    (articles read from the catalogue, kept current by the preview), and outdated translations."""
    root = Path(config.config_file_path).parent
    docs_rel = Path(os.path.relpath(config.docs_dir, root)).as_posix()
    hist = hist or history.load(root, docs_rel)
    bodies = {a.file: a.body for language in catalogue.langs.values() for a in language.articles.values()}
    STATE.update(history=hist, docs_rel=docs_rel,
                 includes=snippets.included(config.docs_dir, root, catalogue.langs, bodies), outdated={
        code: parity.outdated_paths(root, config.docs_dir, catalogue.default, code, hist,
                                    parity.sources_of(catalogue, code))
        for code in catalogue.langs if code != catalogue.default})


def _updated(page):
    """Last change of what the page shows: its own file, or a shared snippet it includes if later."""
    rel = f"{STATE['docs_rel']}/{page.file.src_uri}"
    return STATE["history"].updated(rel, STATE["includes"].get(rel, ()))


def refresh(config, rerank=(), ranked: dict | None = None) -> None:
    """For the preview (scripts/preview/), which changes articles of the catalogue in place after a
    save: recompute what the hooks derive from them, as a new build would (related articles only for
    the languages in ``rerank``, taking ``ranked[lang]`` when given: ranking a whole language takes
    seconds at help-center scale, the preview ranks in another process)."""
    for code in rerank:
        STATE["related"][code] = _rank_related(STATE["catalogue"][code], STATE["kb"], (ranked or {}).get(code))
    _read_history(config, STATE["catalogue"])
    STATE.pop("popular", None)


@event_priority(-110)   # after static-i18n has given files their language URLs
def on_files(files, config):
    # mkdocs-redirects indexes pages before static-i18n rewrites their URLs (fr/x/ -> x/); give it
    # the final files so that short links and aliases point at the served pages
    config.plugins["redirects"].doc_pages = {f.src_path.replace(os.sep, "/"): f for f in files.documentation_pages()}
    # parallel build (scripts/docs.py build --parallel): this process renders the articles of one
    # language only; the others are rendered by another process and the two outputs are merged
    _set_inclusion(files)
    only = os.environ.get("KB_RENDER_ONLY")
    lang = _current_lang(config)
    if only and lang != only:
        for f in files.documentation_pages():
            if f.name != "index":          # homes and category pages stay: navigation needs them
                f.inclusion = InclusionLevel.EXCLUDED    # not rendered; still in the sitemap
    return files


def _article_of_file(file):
    parts = PurePosixPath(file.src_uri).parts
    language = STATE["catalogue"].langs.get(parts[0]) if parts else None
    return language.articles.get("/".join(parts[1:])) if language is not None else None


def _set_inclusion(files) -> None:
    """Drafts: left out of the build (MkDocs' draft level), rendered in the preview (every language:
    static-i18n builds the other languages without MkDocs' serve mode); unlisted articles, and drafts
    in the preview: rendered but not in the navigation (publication.py)."""
    for f in files.documentation_pages(inclusion=InclusionLevel.all):
        article = _article_of_file(f)
        if article is not None and article.status == "draft" and not MODE["preview"]:
            f.inclusion = InclusionLevel.DRAFT
        elif article is not None and not article.listed:
            f.inclusion = InclusionLevel.NOT_IN_NAV


@event_priority(-110)   # after static-i18n has rebuilt the navigation of the current language
def on_nav(nav, config, files):
    lang = _current_lang(config)
    language = STATE["catalogue"][lang]
    sections = {}

    def walk(items):
        for item in items:
            if isinstance(item, Section):
                index = next((c for c in item.children if isinstance(c, Page) and c.file.name == "index"), None)
                if index is not None:
                    path = str(PurePosixPath(_rel_path(index, lang)).parent)
                    category = language.categories.get(path)
                    if category is not None:
                        item.title = escape(category.title)     # Material prints nav titles as HTML
                        sections[path] = item
                walk(item.children)
        items.sort(key=lambda i: _nav_order(i, language, lang))

    walk(nav.items)
    _home_link(nav, lang)
    for path, section in sections.items():
        section.kb_all_children = list(section.children)
        section.kb_category = language.categories[path]
    STATE["sections"][lang] = sections
    return nav


def _home_link(nav, lang: str) -> None:
    """The home page's title is the site name, already the navigation's title: in the navigation it
    reads "Accueil" / "Home" (a link, so that the page keeps its own title everywhere else)."""
    for i, item in enumerate(nav.items):
        if isinstance(item, Page) and _rel_path(item, lang) == "index.md":
            link = Link(strings.strings(lang)["home"], item.url)
            link.parent = None
            nav.items[i] = link
            return


def _nav_order(item, language, lang):
    if isinstance(item, Page):
        rel = _rel_path(item, lang)
        if item.file.name == "index":
            return (0, 0, "")
        article = language.articles.get(rel)
        return (2, article.id if article else 10**9, rel)
    return (1, 0, (item.title or "").lower())


def on_page_markdown(markdown, page, config, files):
    """The page's date; no search entry for drafts and unlisted articles; titles are text: Material
    prints ``page.title`` (``<title>``, navigation, search results) as HTML, so give it the escaped
    title once, here, for every template."""
    # last change of this page's file (in its language) or of a snippet it includes: the sitemap's
    # <lastmod> (the sitemap is rendered before the pages, after they are read)
    if "history" in STATE:
        updated = _updated(page)
        if updated is not None:
            page.update_date = updated.isoformat()
    article = _article_of_file(page.file) if "catalogue" in STATE else None
    if article is not None and not article.listed:
        page.meta["search"] = {"exclude": True}          # Material's search plugin skips the page
    elif article is not None and article.keywords:
        # searched like tags (searchindex.tune: the hidden keywords field), never shown
        page.meta["tags"] = list(article.tags) + [k for k in article.keywords if k not in article.tags]
    title = page.meta.get("title")
    if isinstance(title, str) and not isinstance(title, Markup):
        if _french(config):
            title = typography.french_text(title)
        page.meta["title"] = escape(title)
    return markdown


def _french(config) -> bool:
    """French typography applies to the pages of the French build only (English pages untouched)."""
    return _current_lang(config).split("_")[0].split("-")[0] == "fr"


@event_priority(-100)   # after other content changes: the search index is made from this HTML
def on_page_content(html, page, config, files):
    return typography.french_html(html) if _french(config) else html


@event_priority(-100)
def on_post_page(output, page, config):
    """Titles, navigation, breadcrumbs, listings and interface strings of French pages."""
    return typography.french_html(output) if _french(config) else output


def on_page_context(context, page, config, nav):
    lang = _current_lang(config)
    catalogue: Catalogue = STATE["catalogue"]
    language = catalogue[lang]
    t = _strings(lang, _french(config))
    rel = _rel_path(page, lang)
    kb = {"lang": lang, "t": t, "kind": "other",
          "root": "" if lang == catalogue.default else f"{lang}/"}   # language root, for search
    article = language.articles.get(rel)
    category = language.categories.get(str(PurePosixPath(rel).parent)) if page.file.name == "index" else None
    limits = STATE["kb"]
    updated = _updated(page)
    if rel == "index.md" and language.home:
        kb.update(kind="home", breadcrumbs=breadcrumbs(language, language.home, t["home"]),
                  categories=[_category_card(c, lang) for c in language.top_categories],
                  popular=_popular(lang, int(limits.get("popular_count", 5))))
    elif category is not None:
        kb.update(kind="category", category=category, breadcrumbs=breadcrumbs(language, category, t["home"]),
                  subcategories=[_category_card(c, lang) for c in category.children])
    elif article is None and page.file.name != "index" and lang != catalogue.default and \
            rel in catalogue[catalogue.default].articles:
        # served by static-i18n's fallback: say so and link to the original (never silently)
        source = catalogue[catalogue.default].articles[rel]
        kb.update(kind="untranslated", source=source, source_lang=catalogue.default,
                  breadcrumbs=breadcrumbs(language, source, t["home"]))
    elif article is not None:
        source = catalogue[catalogue.default].articles.get(rel)
        if rel in STATE["outdated"].get(lang, ()) and source is not None:
            kb.update(outdated=True, source=source, source_lang=catalogue.default)
        if updated is not None:
            kb.update(updated=updated, updated_label=strings.updated(lang, updated),
                      published=STATE["history"].published(f"{STATE['docs_rel']}/{page.file.src_uri}"))
        kb.update(draft=article.status == "draft", unlisted=article.status == "unlisted")
        kb.update(kind="article", article=article, category=language.category_of(article),
                  short_url=redirects.short_url(lang, article.id, catalogue.default),
                  breadcrumbs=breadcrumbs(language, article, t["home"]),
                  related=STATE["related"][lang].get(article.id, []),
                  popular=_popular(lang, int(limits.get("popular_count", 5)), exclude=article.id),
                  incomplete=support.incomplete(article.review),
                  support_url=_support(lang, t, seo.shown_address(config.site_url, article.url), article))
    kb["seo"] = seo.page_meta(config.site_url or "", lang, catalogue.default, list(catalogue.langs),
                              {code: catalogue.url_of(code, rel) for code in catalogue.langs}, kb)
    if kb["kind"] in ("home", "category"):
        # a help-center hub: cards and lists in the middle, no documentation tree or table of contents
        page.meta["hide"] = sorted(set(page.meta.get("hide") or []) | {"navigation", "toc"})
    kb["footer"] = _footer(lang, t, article, seo.shown_address(config.site_url, page.url))
    kb["no_result"] = _no_result(lang, t)
    context["kb"] = kb
    _set_alternates(config, catalogue, lang, rel)
    sidebar.cut(STATE["sections"].get(lang, {}).values(), article, t, int(limits.get("sidebar_limit", 10)))
    return context


def _strings(lang: str, french: bool) -> dict:
    """Interface strings; French ones with French typography (the vote widget reads some of them
    from HTML attributes, which the page's typography never touches)."""
    if not french:
        return strings.strings(lang)
    cache = STATE.setdefault("strings", {})
    if lang not in cache:
        cache[lang] = {k: typography.french_text(v) for k, v in strings.strings(lang).items()}
    return cache[lang]


def _popular(lang: str, count: int, exclude: int | None = None) -> list:
    """Popular articles of a language (ranked once per build), without the article being read."""
    cache = STATE.setdefault("popular", {})
    if (lang, count) not in cache:
        language = STATE["catalogue"][lang]
        listed = [a for a in language.by_id.values() if a.listed]
        cache[(lang, count)] = popular.rank(listed, lang, STATE["stats"], count + 1)
    return [a for a in cache[(lang, count)] if a.id != exclude][:count]


def _support(lang: str, t: dict, url: str | None, article: Article | None = None) -> str:
    """Where "Contact support" leads from this page (support.contact: the ticket form or a message)."""
    kb = STATE["kb"]
    title = article.title if article else ""
    if not kb.get("support_url") and lang.split("_")[0].split("-")[0] == "fr":
        title = typography.french_text(title)        # the e-mail quotes it as the page shows it
    return support.contact(t, template=str(kb.get("support_url") or ""), email=str(kb.get("support_email") or ""),
                           lang=lang, url=url or "", id=article.id if article else None, title=title)


def _no_result(lang: str, t: dict) -> dict:
    """What a search without a result offers, the same on every page of a language (partials/search.html)."""
    kb = STATE["kb"]
    return noresult.block(STATE["catalogue"], lang, t, template=str(kb.get("support_url") or ""),
                          email=str(kb.get("support_email") or ""))


def _footer(lang: str, t: dict, article: Article | None, url: str | None) -> dict:
    kb = STATE["kb"]
    return {"product": kb.get("product_name") or "ProAbono", "support": _support(lang, t, url, article),
            "legal": footer.legal_links(kb.get("legal"), lang)}


@event_priority(-100)
def on_post_template(output, template_name, config):
    """The sitemap lists neither unlisted articles nor drafts (built by ``serve`` only); the French
    404 page gets French typography. MkDocs writes 404.html at the site root in every language's
    build (the last one wins): keep each language's, written to its own folder at the end of the
    build (``/404.html``, ``/en/404.html``)."""
    if template_name == "sitemap.xml" and "catalogue" in STATE:
        catalogue = STATE["catalogue"]
        hidden = {seo.absolute(config.site_url or "", a.url) for language in catalogue.langs.values()
                  for a in language.articles.values() if not a.listed}
        output = seo.drop_sitemap_entries(output, hidden)
    if template_name == "404.html" and "catalogue" in STATE:
        if _french(config):
            output = typography.french_html(output)
        STATE.setdefault("not_found", {})[_current_lang(config)] = output
    return output


def on_template_context(context, template_name, config):
    """Theme pages (404.html) belong to no article: the language switch leads to each home page.
    Each language has its own 404 page (search, categories, popular articles), never indexed."""
    if "catalogue" in STATE and template_name == "404.html":
        catalogue: Catalogue = STATE["catalogue"]
        lang = _current_lang(config)
        _set_alternates(config, catalogue, lang, "index.md")
        language = catalogue[lang]
        root = "" if lang == catalogue.default else f"{lang}/"
        context["kb"] = {
            "lang": lang, "t": strings.strings(lang), "kind": "404", "root": root, "robots": "noindex",
            "home_url": context.get("base_url", "/").rstrip("/") + "/" + root,
            "categories": [_category_card(c, lang) for c in language.top_categories],
            "popular": _popular(lang, int(STATE["kb"].get("popular_count", 5))),
            "footer": _footer(lang, strings.strings(lang), None, None),
            "no_result": _no_result(lang, _strings(lang, _french(config)))}
        # the side navigation as on a page of no category (not as the last page rendered left it)
        sidebar.cut(STATE["sections"].get(lang, {}).values(), None, context["kb"]["t"],
                    int(STATE["kb"].get("sidebar_limit", 10)))
    if "catalogue" in STATE and template_name == agents.PAGE:
        catalogue = STATE["catalogue"]
        t = strings.strings(catalogue.default)
        context["base_url"] = ".."          # the page is /agents/
        context["kb"] = {"lang": catalogue.default, "t": t, "langs": list(catalogue.langs),
                         "agent_strings": {k: v for k, v in t.items() if k.startswith("agents_")}}
    return context


def _set_alternates(config, catalogue: Catalogue, lang: str, rel: str) -> None:
    """Language switch and hreflang: the same page in every language that has it (site-relative).

    static-i18n sets ``config.extra.alternate`` as an attribute (which templates read) and leaves
    absolute links on home pages; we rewrite every link from the catalogue, the one source of URLs.
    """
    current = getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []
    alternates = []
    for alt in current:
        url = catalogue.url_of(alt["lang"], rel)
        alternates.append(dict(alt, link=url) if url is not None else dict(alt))
    config.extra.alternate = alternates
    config.extra["alternate"] = alternates


def _category_card(category: Category, lang: str) -> dict:
    n = len(category.all_articles())
    return {"category": category, "count": n, "count_label": strings.count(lang, n)}


@event_priority(-110)   # after static-i18n has built every language
def on_post_build(config):
    if _i18n(config).building:
        return
    catalogue: Catalogue = STATE["catalogue"]
    site_dir = Path(config.site_dir)
    write_catalogue_files(config)
    assets.minify_site_css(site_dir)
    assets.minify_site_js(site_dir)
    for lang, html in STATE.pop("not_found", {}).items():
        root = site_dir if lang == catalogue.default else site_dir / lang
        root.mkdir(parents=True, exist_ok=True)
        (root / "404.html").write_text(html, encoding="utf-8")
    _localize_redirects(site_dir, catalogue)
    searchindex.write_split(site_dir, list(catalogue.langs), catalogue.default, STATE["synonyms"])
    (site_dir / "robots.txt").write_text(seo.robots_txt(config.site_url or ""), encoding="utf-8")


def _localize_redirects(site_dir: Path, catalogue: Catalogue) -> None:
    """Short links and aliases say where they lead in the language of their article; aliases from the
    site root (``/assistance/x.md``, any language) get their page here, in the default language's root."""
    for url, article in redirects.root_aliases(catalogue).items():
        page = site_dir / url / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        target = os.path.relpath(article.url or ".", url or ".") + "/"
        page.write_text(redirects.redirect_page(target, article.lang, _strings(article.lang, article.lang == "fr")),
                        encoding="utf-8")
    for lang in catalogue.langs:
        t = _strings(lang, lang == "fr")
        for old in redirects.redirect_map(catalogue, lang):
            page = site_dir / page_url(catalogue.default, old, catalogue.default) / "index.html"
            text = page.read_text(encoding="utf-8") if page.is_file() else ""
            localized = redirects.localized_redirect(text, lang, t)
            if localized is not None:
                page.write_text(localized, encoding="utf-8")


def write_catalogue_files(config) -> None:
    """Site files made from the whole catalogue (the preview, scripts/preview/, writes them again
    after a front-matter change)."""
    catalogue: Catalogue = STATE["catalogue"]
    site_dir = Path(config.site_dir)
    export.write_catalogue(catalogue, site_dir / export.CATALOGUE_FILE)
    export.write_redirects(catalogue, site_dir / export.REDIRECTS_FILE)
    agents.write(catalogue, site_dir, STATE["synonyms"])
