"""HTML extraction for the link check: the ids and links of one built page (stdlib only, regex parsing).

MkDocs and Material write regular, double-quoted, lower-case HTML, so a page is read as bytes and
scanned with a few regular expressions; other quoting, ``srcset`` and meta refresh go through a slower
general parser. Nothing here knows the site: :mod:`helpcenter.links.linkcheck` decides what a link means.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TAG = re.compile(rb"<(a|link|img|script|source|iframe|area|embed|video|audio|track|meta)\s([^>]*)>", re.I)
# MkDocs and Material write lower-case tags and double quotes; raw HTML in Markdown may use other quotes
_FAST_TAG = re.compile(rb"""<(a|link|img|script|source|iframe|area|embed|video|audio|track)\s([^>]*?)"""
                       rb"""(?<![\w-])(href|src)=("[^"]*"|'[^']*'|[^\s>"']+)([^>]*)>""")
_ATTR = re.compile(r"""([a-zA-Z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ID = re.compile(rb""" id=(?:"([^"]*)"|'([^']*)')""")
_ID_ODD = re.compile(rb"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_A_NAME = re.compile(rb"""<a\s[^>]*?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_HEADING_ID = re.compile(rb"""<h[1-6][^>]*\sid\s*=\s*"([^"]*)\"""", re.I)
_HTML_LANG = re.compile(rb'<html\s+lang="([A-Za-z-]+)"')
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'">]+)""", re.I)
_CANONICAL = re.compile(r"""<link\s[^>]*rel="canonical"[^>]*href="([^"]+)"|<link\s[^>]*href="([^"]+)"[^>]*rel="canonical\"""")
_TAGS_TEXT = re.compile(r"<[^>]+>")
URL_ATTRS = ("href", "src")


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        v = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4) or ""
        out[m.group(1).lower()] = html.unescape(v) if "&" in v else v
    return out


@dataclass
class Link:
    tag: str
    attr: str
    url: str
    pos: int                    # offset of the tag in the page's HTML (to find its text again)
    hreflang: str | None = None
    alternate: bool = False     # <link rel="alternate" hreflang=...>


@dataclass
class Page:
    rel: str                    # path of the file in the site, e.g. en/settings/x/index.html
    lang: str | None            # language of the page, from its path (None for 404 and non-content)
    kind: str                   # "page", "404", "redirect"
    ids: set[str]
    links: list[Link]
    redirect: str | None = None
    has_names: bool = False     # has <a name=...> anchors (looked up only when an id is missing)
    declared: str | None = None # a redirect page's own <html lang>: the language of the article it leads to

    @property
    def url(self) -> str:
        """Site-root URL of the page, e.g. /en/settings/x/."""
        return "/" + (self.rel[: -len("index.html")] if self.rel.endswith("index.html") else self.rel)


def _str(b: bytes) -> str:
    v = b.decode("utf-8", "replace")
    return html.unescape(v) if "&" in v else v


def is_not_found_page(rel: str) -> bool:
    """The site's 404 page, or a language's (``en/404.html``): served at any URL, not a content page."""
    return rel == "404.html" or (rel.count("/") == 1 and rel.endswith("/404.html"))


def parse_page(rel: str, data: bytes, lang: str | None) -> Page:
    """Ids and links of one page (UTF-8 bytes: regular expressions on bytes are about twice as fast).
    A fast path reads href/src; pages with srcset or a meta refresh go through a general parser."""
    if b"<!--" in data:
        data = _COMMENT.sub(lambda m: b" " * len(m.group(0)), data)   # keep offsets
    ids = {_str(a or b) for a, b in _ID.findall(data)}
    if b"id =" in data or b"\nid=" in data or b"\tid=" in data:
        ids.update(_str(a or b or c) for a, b, c in _ID_ODD.findall(data))
    links: list[Link] = []
    redirect = None
    if b"srcset" not in data and b"http-equiv" not in data:
        for m in _FAST_TAG.finditer(data):
            url = m.group(4)
            if url[:1] in (b'"', b"'"):
                url = url[1:-1]
            url = url.decode("utf-8", "replace").strip()
            if "&" in url:
                url = html.unescape(url)
            tag = m.group(1).decode()
            attr = m.group(3).decode()
            rest = m.group(2) + m.group(5)
            if b"hreflang" in rest:
                a = _attrs(rest.decode("utf-8", "replace"))
                links.append(Link(tag, attr, url, m.start(), a.get("hreflang"),
                                  tag == "link" and "alternate" in a.get("rel", "").split()))
            else:
                links.append(Link(tag, attr, url, m.start()))
    else:
        for m in _TAG.finditer(data):
            raw = m.group(2).decode("utf-8", "replace")
            tag = m.group(1).decode().lower()
            if tag == "meta":
                if "refresh" in raw.lower():
                    a = _attrs(raw)
                    if a.get("http-equiv", "").lower() == "refresh":
                        u = _REFRESH_URL.search(a.get("content", ""))
                        if u:
                            redirect = u.group(1).strip()
                            links.append(Link("meta", "content", redirect, m.start()))
                continue
            if "href" not in raw and "src" not in raw:
                continue
            a = _attrs(raw)
            for attr in URL_ATTRS:
                url = a.get(attr)
                if url is None:
                    continue
                hreflang = a.get("hreflang")
                alternate = tag == "link" and "alternate" in a.get("rel", "").split()
                links.append(Link(tag, attr, url.strip(), m.start(), hreflang, alternate))
            srcset = a.get("srcset")
            if srcset:
                for part in srcset.split(","):
                    bits = part.split()
                    if bits:
                        links.append(Link(tag, "srcset", bits[0], m.start()))
    kind = "redirect" if redirect else "404" if is_not_found_page(rel) else "page"
    declared = _HTML_LANG.search(data) if kind == "redirect" else None
    return Page(rel, lang if kind != "404" else None, kind, ids, links, redirect, b"name=" in data,
                _str(declared.group(1)) if declared else None)


def canonical_url(text: str) -> str | None:
    """The ``<link rel="canonical">`` URL of a page's HTML (as written by Material), if any."""
    m = _CANONICAL.search(text)
    return (m.group(1) or m.group(2)) if m else None


def anchor_names(data: bytes) -> set[str]:
    """The ``<a name=...>`` anchors of a page's HTML (read only when an id is missing: see ``Page.has_names``)."""
    return {_str(a or b) for a, b in _A_NAME.findall(data)}


def heading_ids(data: bytes) -> list[str]:
    """Ids of a page's headings, in order, without repeats."""
    return list(dict.fromkeys(_str(i) for i in _HEADING_ID.findall(data) if i))


def link_text(data: bytes, link: Link) -> str:
    """What a reader sees of a link of this page's HTML: an image's alt text, the words of an ``<a>``."""
    tag_end = data.find(b">", link.pos)
    if link.tag == "img":
        return _attrs(data[link.pos + 4: tag_end].decode("utf-8", "replace")).get("alt", "")
    if link.tag != "a":
        return ""
    close = data.find(b"</a>", tag_end)
    inner = data[tag_end + 1: close if close != -1 else tag_end + 1].decode("utf-8", "replace")
    return " ".join(html.unescape(_TAGS_TEXT.sub(" ", inner)).split())
