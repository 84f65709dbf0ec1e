"""What search engines and link previews see: canonical URL, hreflang, Open Graph, JSON-LD, robots.

Absolute URLs are built from ``site_url`` (hreflang and canonical must be fully qualified). Without a
real address (``KB_SITE_URL`` unset: the placeholder below, for local work) readers are shown
site-relative links, and a production build refuses to run (``scripts/docs.py build --production``).
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

OG_LOCALES = {"fr": "fr_FR", "en": "en_US"}
PLACEHOLDER_SITE_URL = "https://help.example.com/"     # mkdocs.yml's default site_url


def is_placeholder(site_url: str | None) -> bool:
    """No real public address: empty, or the placeholder's host."""
    return not site_url or urlsplit(site_url).hostname == urlsplit(PLACEHOLDER_SITE_URL).hostname


def absolute(site_url: str, url: str) -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    return urljoin(base, url)


def shown_address(site_url: str | None, url: str) -> str:
    """The address of the site-relative ``url`` as readers may be given it (in a message to support):
    absolute with a real ``site_url``, else site-relative (``/settings/x/``), never the placeholder."""
    return "/" + url.lstrip("/") if is_placeholder(site_url) else absolute(site_url or "", url)


def page_meta(site_url: str, lang: str, default: str, langs: list[str], urls: dict[str, str | None],
              kb: dict) -> dict:
    """Head metadata of one page. ``urls``: site-relative URL of this page in each language (or None)."""
    kind = kb.get("kind")
    own = urls.get(lang)
    if kind == "untranslated":
        own = urls.get(default)                    # the original is the canonical page
    alternates = [(code, absolute(site_url, urls[code])) for code in langs if urls.get(code) is not None]
    if urls.get(default) is not None:
        alternates.append(("x-default", absolute(site_url, urls[default])))
    meta = {
        "canonical": absolute(site_url, own) if own is not None else None,
        "alternates": alternates,
        "robots": "noindex, follow" if kind == "untranslated" or kb.get("unlisted") else None,
        "og_type": "article" if kind == "article" else "website",
        "og_locale": OG_LOCALES.get(lang, lang),
        "og_locale_alternates": [OG_LOCALES.get(c, c) for c in langs if c != lang and urls.get(c) is not None],
        "jsonld": [],
    }
    crumbs = kb.get("breadcrumbs") or []
    if crumbs and kind in ("article", "category"):
        meta["jsonld"].append({
            "@context": "https://schema.org", "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": i, "name": title, "item": absolute(site_url, url)}
                                for i, (title, url) in enumerate(crumbs, start=1)],
        })
    if kind == "article":
        article = kb["article"]
        meta["short_absolute"] = absolute(site_url, kb["short_url"])
        # what readers see: the full address, or only its path while the address is a placeholder
        meta["short_shown"] = urlsplit(meta["short_absolute"]).path if is_placeholder(site_url) \
            else meta["short_absolute"]
        meta["jsonld"].append({
            "@context": "https://schema.org", "@type": "Article",
            "headline": article.title, "description": article.description, "inLanguage": lang,
            "url": absolute(site_url, article.url), "mainEntityOfPage": absolute(site_url, article.url),
            "identifier": str(article.id),
            **({"keywords": ", ".join(article.tags)} if article.tags else {}),
            **({"datePublished": kb["published"].isoformat()} if kb.get("published") else {}),
            **({"dateModified": kb["updated"].isoformat()} if kb.get("updated") else {}),
        })
    return meta


def robots_txt(site_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {absolute(site_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


_URL_ENTRY = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)


def drop_sitemap_entries(xml: str, locs: set[str]) -> str:
    """The sitemap without the entries whose <loc> is in ``locs`` (unlisted articles, drafts)."""
    if not locs:
        return xml
    return _URL_ENTRY.sub(lambda m: "" if m.group(1).strip() in locs else m.group(0), xml)
