"""From an ``Export`` to the files to write: pairs, ids, paths, categories, front matter, Markdown bodies.

Nothing is written here (``write`` does it); everything from the export is validated or made safe: slugs
come out of ``slugify`` (lower-case ASCII words and '-', no path), aliases match the front-matter rule,
image paths are checked against traversal, titles and descriptions are plain text.
"""
from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from helpcenter.links import paths
from helpcenter.scaffold import max_raw_id, slugify
from helpcenter.source.frontmatter import ALIAS_RE, DESCRIPTION_MAX, DESCRIPTION_MIN, TITLE_MAX
from importer import convert
from importer.links import LinkIndex, find_upload, relative, upload_path
from importer.model import LANGS, Export, Post
from importer.report import Report

# first path segments a category or alias may not take: what the deployment owns (helpcenter.links.paths),
# the imported images' folder, the snippets' folder and the languages' roots
RESERVED = {*paths.COLLECTOR, *paths.BUILD_FOLDERS, *paths.BUILD_FILES, "images", "_snippets", *LANGS}
IMAGES = "images"
DRAFT_STATUSES_OK = ("publish",)
FALLBACK = {"fr": ("imported", "Articles importés", "Articles importés de l'ancien centre d'aide, à classer."),
            "en": ("imported", "Imported articles", "Articles imported from the former help center, to be sorted.")}
CATEGORY_DESCRIPTION = {"fr": "Les articles du centre d'aide sur « {} ».",
                        "en": "Help center articles about \"{}\"."}
ARTICLE_DESCRIPTION = {"fr": "Article du centre d'aide : {}", "en": "Help center article: {}"}


@dataclass
class FileOut:
    lang: str
    rel: str                      # relative to docs/<lang>/
    meta: dict
    body: str


@dataclass
class ArticlePlan:
    id: int
    path: str
    posts: dict[str, Post]
    files: dict[str, FileOut] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)      # why it is a draft
    ids: dict[str, list[str]] = field(default_factory=dict)   # lang -> heading ids, in order
    quarantined: bool = False                             # bodies kept in a fenced block (see write.py)

    @property
    def draft(self) -> bool:
        return bool(self.reasons)


@dataclass
class Plan:
    articles: list[ArticlePlan] = field(default_factory=list)
    categories: list[FileOut] = field(default_factory=list)
    images: dict[tuple[str, str], Path] = field(default_factory=dict)    # (lang, rel) -> file to copy
    old_ids: dict[str, dict] = field(default_factory=dict)    # ref/key -> {id, lang, path}: the mapping file
    nginx: dict[str, list] = field(default_factory=dict)      # old path?query -> [lang, id]
    report: Report = field(default_factory=Report)


def _clean_text(value: str, limit: int) -> str:
    text = " ".join(htmlmod.unescape(re.sub(r"<[^>]*>", " ", value or "")).split())
    text = "".join(c for c in text if c.isprintable())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def description(post: Post, text: str, title: str) -> str:
    excerpt = _clean_text(post.excerpt, 10_000)
    for candidate in (excerpt, text):
        d = convert.first_sentences(candidate, DESCRIPTION_MIN, DESCRIPTION_MAX) if candidate else ""
        if d:
            return d
    d = ARTICLE_DESCRIPTION[post.lang].format(title)
    return d if len(d) <= DESCRIPTION_MAX else d[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


def _tags(labels: list[str]) -> list[str]:
    out = []
    for label in labels:
        t = _clean_text(label, 40)
        if 2 <= len(t) <= 40 and t not in out:
            out.append(t)
    return out


class Planner:
    def __init__(self, export: Export, docs: Path, mapping: dict, uploads: Path | None, default: str = "fr"):
        self.export, self.docs, self.uploads, self.default = export, docs, uploads, default
        self.known = mapping.get("posts", {})             # refs imported by an earlier run
        self.plan = Plan()
        self.plan.report.source, self.plan.report.file = export.source, export.file
        self.links = LinkIndex(export)
        self.taken = {lang: {p.relative_to(docs / lang).as_posix() for p in (docs / lang).rglob("*")}
                      if (docs / lang).is_dir() else set() for lang in LANGS}
        self.next_id = max([max_raw_id(docs)] + [v["id"] for v in self.known.values()]) + 1
        self.path_of_ref: dict[str, str] = {v_ref: v["path"] for v_ref, v in self.known.items()}
        self.anchors: dict[str, dict[str, str]] = {}      # ref -> old anchor -> new id

    # --- grouping ----------------------------------------------------------------------------
    def groups(self) -> list[dict[str, Post]]:
        by_group: dict[str, dict[str, Post]] = {}
        out = []
        for post in self.export.posts:
            if post.ref in self.known or post.key in self.known:
                self.plan.report.already_imported += 1
                continue
            if post.group:
                g = by_group.setdefault(post.group, {})
                if post.lang not in g:
                    if not g:
                        out.append(g)
                    g[post.lang] = post
                    continue
                self.plan.report.notes.append(f"{post.key}: a second {post.lang} post in one translation group, "
                                              "imported on its own")
            out.append({post.lang: post})
        return out

    def category_folders(self, groups) -> dict[str, str]:
        """Category key -> folder (nested as the source's hierarchy; both languages of a pair share it)."""
        cats = {c.key: c for c in self.export.categories}
        union: dict[str, str] = {k: k for k in cats}

        def find(k):
            while union[k] != k:
                union[k] = union[union[k]]
                k = union[k]
            return k
        by_group: dict[str, str] = {}
        for c in cats.values():
            if c.group:
                if c.group in by_group:
                    union[find(c.key)] = find(by_group[c.group])
                else:
                    by_group[c.group] = c.key
        for g in groups:                                   # a pair of posts pairs their first categories
            firsts = [p.categories[0] for p in g.values() if p.categories and p.categories[0] in cats]
            for other in firsts[1:]:
                union[find(other)] = find(firsts[0])
        for g in groups:                                   # the language of a term no plugin marked
            for p in g.values():
                for k in p.categories:
                    if k in cats and not cats[k].lang:
                        cats[k].lang = p.lang
        members: dict[str, list] = {}
        for k in cats:
            members.setdefault(find(k), []).append(cats[k])
        folders: dict[str, str] = {}
        used: set[str] = set()

        def folder_of(key: str, depth: int = 0) -> str:
            root = find(key)
            if root in folders:
                return folders[root]
            group = members[root]
            named = next((c for c in group if c.lang == "en"), group[0])
            parent = next((c.parent for c in group if c.parent and c.parent in cats), None)
            prefix = folder_of(parent, depth + 1) + "/" if parent and depth < 8 and find(parent) != root else ""
            slug = slugify(htmlmod.unescape(named.slug).replace("%", " ")) or slugify(named.title) or "category"
            if slug in RESERVED or slug.isdigit():
                slug = f"{slug}-articles"
            folder, n = prefix + slug, 2
            while folder in used:
                folder, n = f"{prefix}{slug}-{n}", n + 1
            used.add(folder)
            folders[root] = folder
            self._category_pages(folder, group)
            return folder
        return {k: folder_of(k) for k in cats}

    def _category_pages(self, folder: str, group) -> None:
        by_lang = {c.lang: c for c in group if c.lang in LANGS}
        any_cat = by_lang.get("en") or by_lang.get(self.default) or group[0]
        for lang in LANGS:
            rel = f"{folder}/index.md"
            if rel in self.taken[lang]:
                continue
            c = by_lang.get(lang, any_cat)
            title = _clean_text(c.title, 60) or folder.rsplit("/", 1)[-1]
            title = title if len(title) >= 2 else f"{title} ({folder})"
            desc = _clean_text(c.description, DESCRIPTION_MAX) if c.lang == lang else ""
            if len(desc) < DESCRIPTION_MIN:
                desc = _clean_text(CATEGORY_DESCRIPTION[lang].format(title), DESCRIPTION_MAX)
            self.plan.categories.append(FileOut(lang, rel, {"title": title, "description": desc}, ""))
            self.taken[lang].add(rel)
            if lang == self.default:
                self.plan.report.categories.append(folder)

    # --- articles ----------------------------------------------------------------------------
    def _slug(self, folder: str, posts: dict[str, Post]) -> str:
        first = posts.get("en") or posts.get(self.default) or next(iter(posts.values()))
        wanted = slugify(htmlmod.unescape(first.slug).replace("%", " ")) if first.slug else ""
        wanted = wanted or slugify(first.title) or "article"
        if wanted.isdigit():
            wanted = f"article-{wanted}"
        slug, n = wanted, 2
        while any(f"{folder}/{slug}.md" in self.taken[lang] or f"{folder}/{slug}" in self.taken[lang]
                  for lang in LANGS):
            slug, n = f"{wanted}-{n}", n + 1
        if slug != wanted:
            self.plan.report.slugs_changed.append({"wanted": f"{folder}/{wanted}.md", "given": f"{folder}/{slug}.md"})
        for lang in LANGS:
            self.taken[lang].add(f"{folder}/{slug}.md")
        return slug

    def run(self) -> Plan:
        groups = self.groups()
        folders = self.category_folders(groups)
        parsed: dict[str, convert.Parsed] = {}
        pending = []
        for posts in groups:
            cat = next((p.categories[0] for p in posts.values() if p.categories and p.categories[0] in folders), None)
            if cat is None:
                folder = FALLBACK["en"][0]
                if f"{folder}/index.md" not in self.taken[self.default]:
                    for lang in LANGS:
                        _, title, desc = FALLBACK[lang]
                        if f"{folder}/index.md" not in self.taken[lang]:
                            self.plan.categories.append(FileOut(lang, f"{folder}/index.md",
                                                                {"title": title, "description": desc}, ""))
                            self.taken[lang].add(f"{folder}/index.md")
                    self.plan.report.categories.append(folder)
            else:
                folder = folders[cat]
            path = f"{folder}/{self._slug(folder, posts)}.md"
            others = sorted({folders[c] for p in posts.values() for c in p.categories if c in folders} - {folder})
            if others:                     # an article lives in one category: say where the others were
                self.plan.report.notes.append(f"{path}: also in {', '.join(others)} on the old site; placed in "
                                              f"{folder} only (link it from the others if readers look there)")
            art = ArticlePlan(self.next_id, path, posts)
            self.next_id += 1
            for lang, post in posts.items():
                parsed[post.key] = convert.parse(post.html)
                self.plan.report.shortcodes.update(parsed[post.key].shortcodes)
                self.path_of_ref[post.ref] = path
                self.plan.old_ids[post.key] = {"id": art.id, "lang": lang, "path": path}
            en = posts.get("en")
            en_ids = convert.heading_ids(parsed[en.key].headings) if en else None
            art.ids = {lang: (en_ids if lang == "en" else convert.heading_ids(parsed[p.key].headings, en_ids))
                       for lang, p in posts.items()}
            anchors: dict[str, str] = {}          # old anchors of either language -> the shared ids
            for lang, post in posts.items():
                anchors.update({h.old_id: i for h, i in zip(parsed[post.key].headings, art.ids[lang]) if h.old_id})
            for lang, post in posts.items():
                self.anchors[post.ref] = {**anchors, **{i: i for i in art.ids[lang]}}
            pending.append(art)
        for art in pending:
            self._article(art, parsed)
            self.plan.articles.append(art)
        return self.plan

    def _article(self, art: ArticlePlan, parsed) -> None:
        report = self.plan.report
        if len(art.posts) == 2:
            report.pairs += 1
        for lang, post in art.posts.items():
            p = parsed[post.key]
            body = convert.to_markdown(p, art.ids[lang], lambda href, post=post: self._link(art, post, href),
                                       lambda src, alt, lang=lang: self._image(art, lang, src))
            title = _clean_text(post.title, TITLE_MAX)
            if len(title) < 3:
                title = f"{title or 'Article'} {art.id}".strip()
            meta = {"id": art.id, "title": title, "description": description(post, p.text, title)}
            tags = _tags(post.tags)
            if tags:
                meta["tags"] = tags
            if post.views is not None:
                meta["weight"] = max(0, int(post.views))
            aliases = self._aliases(art, lang, post)
            if aliases:
                meta["aliases"] = aliases
            art.files[lang] = FileOut(lang, art.path, meta, body)
            if post.status not in DRAFT_STATUSES_OK:
                art.reasons.append(f"{lang}: '{post.status}' in {self.export.source}, not published there")
        for lang in LANGS:
            if lang not in art.files:
                other = next(iter(art.files.values()))
                meta = dict(other.meta)
                meta.pop("aliases", None)
                meta["review"] = ["missing-content"]
                art.files[lang] = FileOut(lang, art.path, meta, other.body)
                art.reasons.append(f"untranslated: the {lang} file holds the {other.lang} text, to translate")

    def _aliases(self, art: ArticlePlan, lang: str, post: Post) -> list[str]:
        out = []
        for old in [post.url]:
            if not old:
                continue
            path = urlsplit(old).path.strip("/")
            if lang != self.default:
                if not path.startswith(f"{lang}/"):
                    root = f"/{path}.md"       # outside the language folder: an alias from the site root
                    if path and ALIAS_RE.match(root) and ".." not in root and path.split("/")[0] not in RESERVED \
                            and path.split("/")[0] not in LANGS:
                        out.append(root)
                    else:
                        self.plan.nginx["/" + path + ("/" if path else "")] = [lang, art.id]
                    continue
                path = path[len(lang) + 1:]
            elif path.split("/")[0] in LANGS and path.split("/")[0] != self.default:
                self.plan.nginx["/" + path + "/"] = [lang, art.id]
                continue
            alias = f"{path}.md"
            if alias == art.path or not ALIAS_RE.match(alias) or ".." in alias or path.split("/")[0] in RESERVED \
                    and path.split("/")[0] != self.default:
                if alias != art.path and path:
                    self.plan.nginx["/" + quote(path, safe="/%-._~") + "/"] = [lang, art.id]
                continue
            out.append(alias)
        for short in post.short_urls:
            self.plan.nginx[short] = [lang, art.id]
        return out

    def _link(self, art: ArticlePlan, post: Post, href: str) -> str:
        report = self.plan.report
        if href.startswith(("mailto:", "tel:")):
            return href
        if href.startswith("#"):
            new = self.anchors.get(post.ref, {}).get(href[1:])
            if new:
                return f"#{new}"
            report.anchors_dropped.append({"article": art.path, "link": href})
            return ""
        ref, fragment, absolute = self.links.resolve(href, post.url)
        if urlsplit(absolute).scheme not in ("http", "https"):      # javascript:, data:…: the text stays
            report.notes.append(f"{art.path}: link {href[:60]!r} removed (not a web address)")
            return ""
        if ref is None:
            if self.links.on_site(absolute) and urlsplit(absolute).scheme in ("http", "https"):
                report.links_kept.append({"article": art.path, "url": absolute})
            else:
                report.external_links += 1
            return absolute
        target = self.path_of_ref.get(ref)
        if target is None:
            report.links_kept.append({"article": art.path, "url": absolute})
            return absolute
        report.links_rewritten += 1
        link = relative(art.path, target) if target != art.path else ""
        if fragment:
            new = self.anchors.get(ref, {}).get(fragment)
            if new:
                return f"{link}#{new}"
            report.anchors_dropped.append({"article": art.path, "link": href})
        return link or "#"

    def _image(self, art: ArticlePlan, lang: str, src: str) -> str:
        rel = upload_path(src, self.export.uploads_markers)
        found = find_upload(self.uploads, rel) if rel else None
        if found is None:
            self.plan.report.images_missing.append({"article": art.path, "src": src})
            absolute = src if urlsplit(src).scheme else self.export.site_url.rstrip("/") + "/" + src.lstrip("/")
            return quote(absolute, safe=":/%?&=#~._-")
        dest = f"{IMAGES}/{found.relative_to(self.uploads.resolve()).as_posix()}"
        for code in LANGS:                 # the same image path in both languages (translation parity)
            self.plan.images[(code, dest)] = found
        self.plan.report.images_copied += 1
        return quote(relative(art.path, dest), safe="/%-._~")
