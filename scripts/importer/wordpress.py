"""WordPress exports (WXR 1.0, 1.1 and 1.2, with the ``http://`` or ``https://wordpress.org/export/1.x/``
namespaces), monolingual or made multilingual by Polylang or WPML.

- Polylang: each item has a ``language`` term (its language) and a ``post_translations`` term (shared by
  the language versions of one post); categories are paired by the ``term_translations`` terms, whose
  description is a PHP array ``a:2:{s:2:"fr";i:7;s:2:"en";i:5;}`` of term ids.
- WPML (its "Export and Import" add-on): the post meta ``_wpml_import_language_code`` and
  ``_wpml_import_translation_group`` (terms: the same keys as term meta).
- Categories: the ``category`` taxonomy, or the post type's own ``…_category`` taxonomy (e.g. ``ht_kb_category``),
  with their parents; tags: ``post_tag`` or ``…_tag``.

The XML is read with the standard library's expat parser (no external entity is fetched; expat ≥ 2.4
refuses entity-expansion bombs). A file that is not XML, or is cut short, raises ``SourceError`` with the line.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from importer.model import LANGS, Category, Export, Post, SourceError

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/(excerpt/)?$")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_PHP_ARRAY_ITEM = re.compile(r's:\d+:"([A-Za-z_-]+)";i:(\d+);')
SKIPPED_STATUSES = ("trash", "auto-draft", "inherit")


def _name(tag: str) -> str:
    """'{ns}local' as 'wp:local', 'excerpt:local', 'content:local', or the plain name."""
    if not tag.startswith("{"):
        return tag
    ns, _, local = tag[1:].partition("}")
    m = _WP_NS.match(ns)
    if m:
        return f"{'excerpt' if m.group(1) else 'wp'}:{local}"
    if ns == _CONTENT_NS:
        return f"content:{local}"
    return local


def _text(el, name: str) -> str:
    for child in el:
        if _name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _children(el, name: str):
    return [c for c in el if _name(c.tag) == name]


def _lang(code: str) -> str | None:
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def parse_xml(path: Path):
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(shown, None, f"cannot be read ({exc.strerror})", "give the path of the export file") from None
    if not data.strip():
        raise SourceError(shown, 1, "the file is empty", "export again from Tools > Export in WordPress")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, col = exc.position
        truncated = "no element found" in str(exc) or "unclosed token" in str(exc)
        what = "the export is cut short (truncated)" if truncated else f"not well-formed XML ({exc})"
        raise SourceError(shown, line, f"{what}, column {col}",
                          "download the export again in full (WordPress: Tools > Export)") from None
    return root


def _php_array(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in _PHP_ARRAY_ITEM.findall(text or "")}


def _meta(el, tag: str) -> dict[str, str]:
    out = {}
    for m in _children(el, tag):
        out[_text(m, "wp:meta_key")] = _text(m, "wp:meta_value")
    return out


def read(path: str | Path, post_types=("post",), lang: str | None = None, views_meta: str = "views") -> Export:
    """The posts of ``post_types`` and their categories. ``lang``: the language of posts that no plugin
    marks (a monolingual export); else the channel's ``<language>``."""
    path = Path(path)
    root = parse_xml(path)
    channel = next((c for c in root if _name(c.tag) == "channel"), None)
    if _name(root.tag) != "rss" or channel is None:
        raise SourceError(str(path), 1, f"not a WordPress export (root element <{_name(root.tag)}>, expected <rss> "
                          "with a <channel>)", "export with WordPress's Tools > Export (a .xml WXR file)")
    version = _text(channel, "wp:wxr_version")
    if version and not re.match(r"^1\.[0-2]$", version):
        raise SourceError(str(path), None, f"WXR version {version} is not supported (1.0 to 1.2 are)",
                          "export with a WordPress version that writes WXR 1.2")
    site = _text(channel, "wp:base_blog_url") or _text(channel, "wp:base_site_url") or _text(channel, "link")
    default_lang = lang or _lang(_text(channel, "language"))
    export = Export("wordpress", str(path), site.rstrip("/") + "/")

    # terms: categories (with their hierarchy), Polylang's and WPML's pairing of categories
    terms: dict[str, dict] = {}          # "taxonomy:slug" -> {id, name, description, parent slug, meta}
    by_id: dict[int, str] = {}
    term_groups: dict[int, tuple[str, str]] = {}      # term id -> (group, lang) from term_translations
    for c in _children(channel, "wp:category"):
        key = f"category:{_text(c, 'wp:category_nicename')}"
        terms[key] = {"id": _text(c, "wp:term_id"), "name": _text(c, "wp:cat_name"),
                      "description": _text(c, "wp:category_description"),
                      "parent": _text(c, "wp:category_parent"), "taxonomy": "category", "meta": _meta(c, "wp:termmeta")}
    for t in _children(channel, "wp:term"):
        tax = _text(t, "wp:term_taxonomy")
        if tax == "term_translations":
            for code, term_id in _php_array(_text(t, "wp:term_description")).items():
                if _lang(code):
                    term_groups[term_id] = (f"pll:{_text(t, 'wp:term_slug')}", _lang(code))
            continue
        if tax == "category" or tax.endswith("_category"):
            key = f"{tax}:{_text(t, 'wp:term_slug')}"
            terms[key] = {"id": _text(t, "wp:term_id"), "name": _text(t, "wp:term_name"),
                          "description": _text(t, "wp:term_description"), "parent": _text(t, "wp:term_parent"),
                          "taxonomy": tax, "meta": _meta(t, "wp:termmeta")}
    for key, t in terms.items():
        if t["id"].isdigit():
            by_id[int(t["id"])] = key
    used_terms: set[str] = set()

    for item in _children(channel, "item"):
        post_type = _text(item, "wp:post_type") or "post"
        if post_type not in post_types:
            continue
        status = _text(item, "wp:status") or "publish"
        post_id = _text(item, "wp:post_id")
        title = html.unescape(_text(item, "title"))
        if status in SKIPPED_STATUSES:
            export.skipped.append((f"{post_id} {title}", f"WordPress status '{status}'"))
            continue
        if not post_id.isdigit():
            export.skipped.append((title or "(no title)", "no wp:post_id"))
            continue
        meta = _meta(item, "wp:postmeta")
        post_lang, group, cats, tags = None, None, [], []
        for c in _children(item, "category"):
            domain, nicename = c.get("domain", ""), c.get("nicename", "")
            label = html.unescape((c.text or "").strip())
            if domain == "language":
                post_lang = _lang(nicename)
            elif domain == "post_translations":
                group = f"pll:{nicename}"
            elif domain == "category" or domain.endswith("_category"):
                key = f"{domain}:{nicename}"
                cats.append(key)
                used_terms.add(key)
                if key not in terms:      # a term the channel did not list: the item's label is all we have
                    terms[key] = {"id": "", "name": label or nicename, "description": "", "parent": "",
                                  "taxonomy": domain, "meta": {}}
            elif domain == "post_tag" or domain.endswith("_tag"):
                if label:
                    tags.append(label)
        if meta.get("_wpml_import_language_code"):
            post_lang = _lang(meta["_wpml_import_language_code"]) or post_lang
        if meta.get("_wpml_import_translation_group"):
            group = f"wpml:{meta['_wpml_import_translation_group']}"
        post_lang = post_lang or default_lang
        if post_lang is None:
            raise SourceError(str(path), None, f"post {post_id} ({title!r}) has no language this help center has "
                              "(no Polylang or WPML language, and the export's <language> is not fr or en)",
                              "give the export's language with --lang fr or --lang en")
        views = meta.get(views_meta, "").strip()
        link = _text(item, "link")
        shorts = [f"/?p={post_id}"]
        if post_type == "page":
            shorts.append(f"/?page_id={post_id}")
        export.posts.append(Post(
            key=post_id, lang=post_lang, title=title, html=_text(item, "content:encoded"),
            slug=_text(item, "wp:post_name"), excerpt=_text(item, "excerpt:encoded"), status=status, url=link,
            categories=cats, tags=tags, views=int(views) if views.isdigit() else None, group=group,
            short_urls=shorts))

    # the categories the posts use, with their parents, in their language
    wanted = set()
    for key in used_terms:
        while key and key not in wanted and key in terms:
            wanted.add(key)
            t = terms[key]
            key = f"{t['taxonomy']}:{t['parent']}" if t["parent"] and not t["parent"].isdigit() else \
                by_id.get(int(t["parent"])) if t["parent"].isdigit() and int(t["parent"]) else None
    for key in sorted(wanted):
        t = terms[key]
        parent = None
        if t["parent"]:
            parent = by_id.get(int(t["parent"])) if t["parent"].isdigit() else f"{t['taxonomy']}:{t['parent']}"
            if t["parent"] == "0":
                parent = None
        group, term_lang = term_groups.get(int(t["id"]), (None, None)) if t["id"].isdigit() else (None, None)
        if t["meta"].get("_wpml_import_translation_group"):
            group = f"wpml:{t['meta']['_wpml_import_translation_group']}"
            term_lang = _lang(t["meta"].get("_wpml_import_language_code", "")) or term_lang
        export.categories.append(Category(key=key, lang=term_lang or "", slug=key.split(":", 1)[1],
                                          title=html.unescape(t["name"]), description=html.unescape(t["description"]),
                                          parent=parent if parent in wanted else None, group=group))
    return export


def old_path(url: str) -> str:
    """The path and query of an old address, e.g. '/fr/assistance/x/'."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
