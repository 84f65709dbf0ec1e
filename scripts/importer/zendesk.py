"""Zendesk Guide exports: the JSON of the Help Center API saved in one folder.

Read: ``categories.json``, ``sections.json``, ``articles.json`` (each either the API's page,
``{"articles": [...]}``, or a plain list; several pages may be saved as ``articles*.json``), and
``translations.json`` or ``translations/*.json`` (``{"translations": [...]}``, each with ``source_id``,
``source_type``, ``locale``, ``title``, ``body``, ``html_url``, ``draft``). The locale of each translation
(``fr``, ``fr-fr``, ``en-us``…) gives the language; the translations of one article are one pair. Sections
become category folders under their category's folder. ``vote_sum`` seeds the weight.
"""
from __future__ import annotations

import json
from pathlib import Path

from importer.model import LANGS, Category, Export, Post, SourceError


def _lang(locale: str) -> str | None:
    code = (locale or "").lower().split("-")[0]
    return code if code in LANGS else None


def _load(folder: Path, name: str) -> list[dict]:
    files = sorted(folder.glob(f"{name}*.json")) + sorted((folder / name).glob("*.json"))
    out = []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise SourceError(str(f), None, "not UTF-8 text", "save the API's answer as it came") from None
        except json.JSONDecodeError as exc:
            what = "cut short (truncated)" if exc.pos >= len(exc.doc.rstrip()) else f"not valid JSON ({exc.msg})"
            raise SourceError(str(f), exc.lineno, f"{what}, column {exc.colno}",
                              "save the Help Center API's answer again in full") from None
        items = data.get(name) if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SourceError(str(f), 1, f"expected a list of {name} (or {{\"{name}\": [...]}})",
                              "save the answer of the Help Center API's list endpoint")
        out.extend(items)
    return out


def read(folder: str | Path) -> Export:
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(str(folder), None, "not a folder", "give the folder holding articles.json, sections.json…")
    articles = _load(folder, "articles")
    if not articles:
        raise SourceError(str(folder / "articles.json"), None, "no articles found",
                          "save GET /api/v2/help_center/articles.json (all pages) in this folder")
    sections, categories, translations = _load(folder, "sections"), _load(folder, "categories"), \
        _load(folder, "translations")
    first_url = next((a.get("html_url") for a in articles if a.get("html_url")), "")
    site = first_url.split("/hc/")[0] + "/" if "/hc/" in first_url else "https://zendesk.invalid/"
    export = Export("zendesk", str(folder), site, id_pattern=r"/articles/(\d+)",
                    uploads_markers=("/article_attachments/",))
    by_source: dict[tuple[str, str], list[dict]] = {}
    for t in translations:
        by_source.setdefault((str(t.get("source_type", "article")), str(t.get("source_id"))), []).append(t)

    def versions(kind: str, item: dict) -> dict[str, dict]:
        found = {}
        for t in by_source.get((kind, str(item.get("id"))), []):
            lang = _lang(str(t.get("locale", "")))
            if lang and lang not in found:
                found[lang] = t
        lang = _lang(str(item.get("locale") or item.get("source_locale") or ""))
        if lang and lang not in found:
            found[lang] = item
        return found

    for c in categories:
        for lang, t in versions("category", c).items():
            export.categories.append(Category(f"category:{c.get('id')}:{lang}", lang, str(t.get("name") or t.get("title") or ""),
                                              str(t.get("name") or t.get("title") or ""),
                                              str(t.get("description") or t.get("body") or ""), None, f"category:{c.get('id')}"))
    for s in sections:
        parent = f"section:{s['parent_section_id']}" if s.get("parent_section_id") else \
            f"category:{s.get('category_id')}" if s.get("category_id") else None
        for lang, t in versions("section", s).items():
            export.categories.append(Category(f"section:{s.get('id')}:{lang}", lang,
                                              str(t.get("name") or t.get("title") or ""),
                                              str(t.get("name") or t.get("title") or ""),
                                              str(t.get("description") or t.get("body") or ""), None, f"section:{s.get('id')}"))
            export.categories[-1].parent = parent
    keys = {c.key for c in export.categories}
    for c in export.categories:                     # parents as keys of the same language
        if c.parent and c.parent not in keys:
            c.parent = f"{c.parent}:{c.lang}" if f"{c.parent}:{c.lang}" in keys else \
                next((k for k in keys if k == c.parent), None)
    for a in articles:
        if a.get("id") is None:
            export.skipped.append((str(a.get("title")), "no id"))
            continue
        ref = str(a["id"])
        votes = a.get("vote_sum")
        for lang, t in versions("article", a).items():
            section = f"section:{a.get('section_id')}:{lang}"
            draft = bool(t.get("draft") if "draft" in t else a.get("draft"))
            export.posts.append(Post(
                key=f"{ref}:{lang}", ref=ref, lang=lang, title=str(t.get("title") or a.get("title") or ""),
                html=str(t.get("body") or ""), slug=str(a.get("title") if lang == "en" else ""),
                status="draft" if draft else "publish", url=str(t.get("html_url") or a.get("html_url") or ""),
                categories=[section] if section in keys else [], tags=[str(x) for x in a.get("label_names") or []],
                views=int(votes) if isinstance(votes, int) and votes > 0 else None, group=f"zendesk:{ref}"))
    return export
