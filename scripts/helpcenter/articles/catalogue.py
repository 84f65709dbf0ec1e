"""The article catalogue: every article and category of every language, read from docs/<lang>/.

A file ``docs/<lang>/<folder>/<slug>.md`` is an article of category ``<folder>``; a folder's
``index.md`` describes the category; ``docs/<lang>/index.md`` is the home page. The same relative
path in two languages is the same article. Nothing here knows about MkDocs.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Iterable

from helpcenter.source import frontmatter, snippets, symlinks
from helpcenter.language import glossary
from helpcenter.source.problems import LANG_NAMES, ContentError, Problem


def page_url(lang: str, rel_path: str, default_lang: str) -> str:
    """Site-root-relative URL of a Markdown file (directory URLs), e.g. 'en/settings/x/'."""
    p = PurePosixPath(rel_path)
    parts = list(p.parent.parts) if p.name == "index.md" else list(p.parent.parts) + [p.stem]
    prefix = [] if lang == default_lang else [lang]
    url = "/".join(prefix + parts)
    return f"{url}/" if url else ""


@dataclass
class Article:
    lang: str
    path: str                 # relative to docs/<lang>/, e.g. settings/emails/x.md
    file: str                 # as shown to writers, e.g. docs/fr/settings/emails/x.md
    url: str                  # site-root-relative, e.g. settings/emails/x/
    id: int
    title: str
    description: str
    related: list[int]
    tags: list[str]
    weight: int | None
    review: list[str]
    aliases: list[str]
    body: str
    body_line: int
    lines: dict[str, int]
    reviewed: date | None = None   # last review (front matter ``reviewed``)
    owner: str = ""
    status: str = "published"      # published, draft or unlisted
    source: str = ""               # translations: the source's commit they match (``source``)
    keywords: list[str] = field(default_factory=list)   # what readers type that the text does not say

    @property
    def listed(self) -> bool:
        """Shown in listings, search, sitemap, related and popular (not a draft, not unlisted)."""
        return self.status == "published"

    @property
    def category_path(self) -> str:
        return str(PurePosixPath(self.path).parent)


@dataclass
class Category:
    lang: str
    path: str                 # folder relative to docs/<lang>/, e.g. settings/emails
    file: str
    url: str
    title: str
    description: str
    parent: "Category | None" = None
    children: list["Category"] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    def all_articles(self) -> list[Article]:
        out = list(self.articles)
        for child in self.children:
            out.extend(child.all_articles())
        return out

    def ancestors(self) -> list["Category"]:
        """From the top category down to this one."""
        chain, c = [], self
        while c is not None:
            chain.append(c)
            c = c.parent
        return chain[::-1]


@dataclass
class Home:
    lang: str
    file: str
    url: str
    title: str
    description: str


@dataclass
class Language:
    code: str
    home: Home | None = None
    articles: dict[str, Article] = field(default_factory=dict)       # by path
    categories: dict[str, Category] = field(default_factory=dict)    # by folder path
    by_id: dict[int, Article] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)   # paths of files whose problems kept them out

    @property
    def top_categories(self) -> list[Category]:
        return sorted((c for c in self.categories.values() if c.parent is None), key=lambda c: c.title.lower())

    def category_of(self, article: Article) -> Category | None:
        return self.categories.get(article.category_path)


class Catalogue:
    def __init__(self, languages: Iterable[str], default: str):
        self.default = default
        self.langs: dict[str, Language] = {code: Language(code) for code in languages}
        self.problems: list[Problem] = []
        self.history = None      # see load()
        self.unsafe: list[Problem] = []     # symbolic links that the build must not follow
        self.glossary: glossary.Glossary | None = None

    def __getitem__(self, lang: str) -> Language:
        return self.langs[lang]

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def read(cls, docs_dir: str | Path, languages: Iterable[str] = ("fr", "en"), default: str = "fr",
             root: str | Path | None = None, history=None) -> "Catalogue":
        """Read every Markdown file of every language; collect problems instead of stopping. The checks that
        build on a whole catalogue (aliases, snippets, drafts' links) are added by ``content.load``.

        ``history`` (a ``history.History`` of ``root``, optional) tells which of two articles sharing an
        id is the newer one, so that the duplicate is reported on the article that may still change it."""
        docs_dir = Path(docs_dir)
        root = Path(root) if root else docs_dir.parent
        cat = cls(languages, default)
        cat.history = history
        cat.unsafe = symlinks.problems(docs_dir, root)     # reported first; their files are not read
        cat.problems.extend(cat.unsafe)
        unsafe = {p.file for p in cat.unsafe}
        gloss_file = docs_dir / glossary.FILE
        cat.glossary, problems = glossary.load(gloss_file, _rel(gloss_file, root))
        cat.problems.extend(problems)
        for lang in cat.langs:
            base = docs_dir / lang
            if not base.is_dir():
                cat.problems.append(Problem(_rel(base, root), None, f"language folder for '{lang}' is missing",
                                            f"create {_rel(base, root)}/ with an index.md"))
                continue
            for md in sorted(base.rglob("*.md")):
                if snippets.FOLDER in md.relative_to(base).parts[:-1]:    # snippets are not pages
                    continue
                if os.path.relpath(md, root).replace(os.sep, "/") in unsafe:
                    cat.langs[lang].unreadable.add(md.relative_to(base).as_posix())
                    continue
                cat._load_file(lang, base, md, root)
            cat._link_categories(lang, root, base)
        cat.problems.extend(cat.check())
        return cat

    def _load_file(self, lang: str, base: Path, md: Path, root: Path) -> None:
        rel = md.relative_to(base).as_posix()
        shown = _rel(md, root)
        text, problem = read_text(md, shown)
        if problem is not None:
            self.problems.append(problem)
            self.langs[lang].unreadable.add(rel)
            return
        fm = frontmatter.parse(text, shown)
        url = page_url(lang, rel, self.default)
        meta = fm.meta
        if rel == "index.md":
            kind = "home"
        elif md.name == "index.md":
            kind = "category"
        else:
            kind = "article"
        problems = frontmatter.validate(fm, kind, shown)
        self.problems.extend(problems)
        if self.glossary is not None:
            self.problems.extend(self.glossary.check_page(meta, fm.lines, fm.body, fm.body_line, lang, shown))
        if any(p.message.startswith(("malformed", "no front matter", "front matter")) for p in problems):
            self.langs[lang].unreadable.add(rel)
            return
        title, description = str(meta.get("title") or ""), str(meta.get("description") or "")
        language = self.langs[lang]
        if kind == "home":
            language.home = Home(lang, shown, url, title, description)
        elif kind == "category":
            folder = str(PurePosixPath(rel).parent)
            language.categories[folder] = Category(lang, folder, shown, url, title, description)
        else:
            if "/" not in rel:
                self.problems.append(Problem(shown, None, "article is not in a category folder",
                                             "move it into a category folder such as settings/"))
                return
            art_id = meta.get("id") if isinstance(meta.get("id"), int) and not isinstance(meta.get("id"), bool) else None
            if art_id is None:
                language.unreadable.add(rel)
                return   # already reported by the schema
            article = Article(
                lang=lang, path=rel, file=shown, url=url, id=art_id, title=title, description=description,
                related=_ints(meta.get("related")), tags=_strs(meta.get("tags")),
                weight=meta.get("weight") if isinstance(meta.get("weight"), int) else None,
                review=_strs(meta.get("review")), aliases=_strs(meta.get("aliases")),
                body=fm.body, body_line=fm.body_line, lines=fm.lines,
                reviewed=frontmatter.parse_date(meta.get("reviewed")),
                owner=str(meta.get("owner") or "").strip(),
                status=meta.get("status") if meta.get("status") in frontmatter.STATUSES else "published",
                source=str(meta.get("source") or "").lower(), keywords=_strs(meta.get("keywords")))
            language.articles[rel] = article
            if not has_text(fm.body) and article.status != "draft":     # a draft is not published
                self.problems.append(Problem(
                    shown, fm.body_line, "the article has no text yet (only its title would be published)",
                    "write the answer under the front matter (an introduction, then '## Section {#id}' parts), "
                    "mark it 'status: draft' in every language while you write it, "
                    "or delete the article in every language if it is not needed"))

    def _link_categories(self, lang: str, root: Path, base: Path) -> None:
        language = self.langs[lang]
        for path, cat in sorted(language.categories.items()):
            parent_path = str(PurePosixPath(path).parent)
            parent = language.categories.get(parent_path) if parent_path != "." else None
            if parent is not None:
                cat.parent = parent
                parent.children.append(cat)
        for cat in language.categories.values():
            cat.children.sort(key=lambda c: c.title.lower())
        for article in language.articles.values():
            cat = language.categories.get(article.category_path)
            if cat is None:
                missing = f"docs/{lang}/{article.category_path}/index.md"
                self.problems.append(Problem(article.file, None, f"its category has no page ({missing})",
                                             f"create {missing} with a title and a description"))
                continue
            if article.listed:              # drafts and unlisted articles are in no listing
                cat.articles.append(article)
        for cat in language.categories.values():
            cat.articles.sort(key=lambda a: (a.id, a.path))

    # --- consistency -------------------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Translation parity, id uniqueness and equality across languages, related ids."""
        problems: list[Problem] = []
        langs = list(self.langs.values())
        for language in langs:
            seen: dict[int, Article] = {}
            for article in sorted(language.articles.values(), key=lambda a: (self._age(a), a.path)):
                other = seen.get(article.id)
                if other is not None:
                    problems.append(self._duplicate(article, other))
                else:
                    seen[article.id] = article
            language.by_id = seen
        for language in langs:
            for other in langs:
                if other is language:
                    continue
                for path, article in language.articles.items():
                    twin = other.articles.get(path)
                    if twin is None and path in other.unreadable:
                        continue   # the file exists: its own problems are reported
                    if twin is None:
                        if language.code == self.default:
                            problems.append(Problem(
                                f"docs/{other.code}/{path}", None,
                                f"missing {LANG_NAMES.get(other.code, other.code)} translation of {article.file}",
                                f"create docs/{other.code}/{path} with id {article.id} (scripts/docs.py new makes both)"))
                        else:
                            problems.append(Problem(
                                article.file, None,
                                f"no {LANG_NAMES.get(other.code, other.code)} source for this translation "
                                f"(docs/{other.code}/{path} does not exist)",
                                f"create docs/{other.code}/{path}, or rename this file to match its source"))
                    elif language.code == self.default and twin.id != article.id:
                        problems.append(Problem(twin.file, twin.lines.get("id"),
                                                f"id {twin.id} differs from the source's id {article.id} ({article.file})",
                                                f"set 'id: {article.id}': an article keeps one id in every language"))
                    elif language.code == self.default and twin.status != article.status:
                        problems.append(Problem(twin.file, twin.lines.get("status", 2),
                                                f"status '{twin.status}' differs from the source's status "
                                                f"'{article.status}' ({article.file})",
                                                f"set 'status: {article.status}' in both languages (or remove it "
                                                "in both for a published article)"))
                for path, cat in language.categories.items():
                    if path not in other.categories:
                        problems.append(Problem(f"docs/{other.code}/{path}/index.md", None,
                                                f"category page missing (exists as {cat.file})",
                                                "create it with a translated title and description"))
            for article in language.articles.values():
                if article.source and language.code == self.default:
                    problems.append(Problem(article.file, article.lines.get("source"),
                                            "'source' is for translations: this file is the source",
                                            "remove 'source:' from this file"))
                for rid in article.related:
                    if rid == article.id:
                        problems.append(Problem(article.file, article.lines.get("related"),
                                                f"'related' lists the article itself (id {rid})", "remove it"))
                    elif rid not in language.by_id:
                        problems.append(Problem(article.file, article.lines.get("related"),
                                                f"unknown related article id {rid}",
                                                "use the id of an existing article (scripts/docs.py status lists them)"))
            if language.home is None:
                problems.append(Problem(f"docs/{language.code}/index.md", None, "home page missing",
                                        "create it with title, description and 'template: home.html'"))
        return problems

    def _age(self, article: Article) -> tuple[int, int]:
        """Sort key, oldest first: committed articles by their first commit, then uncommitted ones."""
        hist = self.history
        if hist is None or not hist.available:
            return (0, 0)
        commits = hist.commits(article.file)
        return (1, 0) if commits is None else (0, commits.first_time)

    def _duplicate(self, newer: Article, older: Article) -> Problem:
        """A duplicate id, reported on the newer article: the older one is published, and its short link
        /a/<id>/ may already have been sent to customers, so its id must not change."""
        why = (f"keep {older.file}'s id: its short link /a/{older.id}/ may already have been sent to customers "
               "and must keep leading to it")
        if self._age(newer) != self._age(older):
            state = "not committed yet" if self._age(newer)[0] else "committed after it"
            return Problem(newer.file, newer.lines.get("id"),
                           f"duplicate id {newer.id}: {older.file} already has it, and this article is newer "
                           f"({state})", f"give this article the free id {self.next_free_id()}; {why}")
        return Problem(newer.file, newer.lines.get("id"), f"duplicate id {newer.id}: {older.file} has it too",
                       f"give the article that is not published yet the free id {self.next_free_id()}; "
                       f"never change a published article's id (its short link /a/<id>/ may have been sent "
                       "to customers)")

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ContentError(self.problems)

    def next_free_id(self) -> int:
        ids = [a.id for lang in self.langs.values() for a in lang.articles.values()]
        return max(ids, default=0) + 1

    def url_of(self, lang: str, rel_path: str) -> str | None:
        """URL of a page (home, category or article) in ``lang``, or None when it does not exist there."""
        language = self.langs.get(lang)
        if language is None:
            return None
        if rel_path == "index.md":
            return language.home.url if language.home else None
        if rel_path.endswith("/index.md") or rel_path == "index.md":
            cat = language.categories.get(rel_path[: -len("/index.md")])
            return cat.url if cat else None
        article = language.articles.get(rel_path)
        return article.url if article else None

    def twin(self, article: Article, lang: str) -> Article | None:
        return self.langs[lang].articles.get(article.path) if lang in self.langs else None


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def has_text(body: str) -> bool:
    """Whether a body says anything once HTML comments (the scaffold's placeholder) are removed."""
    return bool(_COMMENT.sub("", body).strip())


def read_text(md: Path, shown: str) -> tuple[str, Problem | None]:
    """A Markdown file's text, or the problem that prevents reading it (with the line of the first
    byte that is not UTF-8)."""
    try:
        data = md.read_bytes()
    except OSError as exc:
        return "", Problem(shown, None, f"cannot be read ({exc.strerror or exc})",
                           "replace it with a regular file (a broken link or a link loop cannot be read)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", Problem(shown, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}: {exc.reason})",
                           "save the file as UTF-8 and retype the character at that place")


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _ints(v) -> list[int]:
    return [x for x in v if isinstance(x, int) and not isinstance(x, bool)] if isinstance(v, list) else []


def _strs(v) -> list[str]:
    return [str(x) for x in v] if isinstance(v, list) else []


# --- views shared by every page kind ---------------------------------------------------------

def breadcrumbs(language: Language, page: Article | Category | Home, home_title: str) -> list[tuple[str, str]]:
    """[(title, site-root-relative url)] from the home page down to ``page`` (included)."""
    home_url = language.home.url if language.home else ""
    trail = [(home_title, home_url)]
    if isinstance(page, Home):
        return trail
    cat = page if isinstance(page, Category) else language.category_of(page)
    if cat is not None:
        trail += [(c.title, c.url) for c in cat.ancestors()]
    if isinstance(page, Article):
        trail.append((page.title, page.url))
    return trail


def sidebar_slice(articles: list[Article], current: Article | None, limit: int) -> list[Article]:
    """The first ``limit`` articles, keeping ``current`` visible (it replaces the last one if cut)."""
    shown = articles[:limit]
    if current is not None and current in articles and current not in shown and shown:
        shown = shown[:-1] + [current]
    return shown
