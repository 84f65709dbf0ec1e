"""A post's HTML as this project's Markdown, through markdownify (pinned in requirements.txt) on a
BeautifulSoup tree: no HTML parser of our own.

Before converting, the tree is cleaned: Gutenberg's block comments (``<!-- wp:… -->``), classes, styles,
scripts and plugin shortcodes (``[caption …]…[/caption]``: the tags go, their text stays; each is
counted for the report) are removed; ``<h1>`` becomes ``##``; each heading gets the explicit ``{#id}``
given by ``plan`` (the same in both languages of a pair); links and images are rewritten by the
callbacks ``plan`` passes (internal articles, local images).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from bs4 import BeautifulSoup, Comment, NavigableString
from markdownify import MarkdownConverter

from helpcenter.scaffold import slugify

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s+[^\]\[]*)?)/?\]")
# shortcodes of WordPress and common plugins, removed even without attributes or a closing tag
KNOWN_SHORTCODES = {"caption", "gallery", "embed", "audio", "video", "playlist", "toc", "ez-toc", "contact-form-7",
                    "wpforms", "gravityform", "ht_kb_related_articles", "ht_kb_toc", "su_note", "su_box", "vc_row",
                    "vc_column", "vc_column_text", "et_pb_section", "et_pb_row", "et_pb_text", "fusion_text"}
_DROP = ("script", "style", "noscript", "form", "input", "button", "svg")
_OLD_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")      # an anchor of the old page, kept when it is a clean id
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«\"0-9])")


@dataclass
class Heading:
    level: int
    text: str
    old_id: str | None


@dataclass
class Parsed:
    soup: BeautifulSoup
    headings: list[Heading]
    shortcodes: Counter = field(default_factory=Counter)
    text: str = ""                      # plain text, for the description


def strip_shortcodes(html: str, found: Counter) -> str:
    names = Counter(m.group(2) for m in _SHORTCODE.finditer(html))
    if not names:
        return html
    closing = {m.group(2) for m in _SHORTCODE.finditer(html) if m.group(1)}

    def drop(m: re.Match) -> str:
        name, attrs = m.group(2), m.group(3)
        if name in closing or name in KNOWN_SHORTCODES or "=" in attrs:
            if not m.group(1):
                found[name] += 1
            return ""
        return m.group(0)
    return _SHORTCODE.sub(drop, html)


def parse(html: str) -> Parsed:
    """The cleaned tree of a post and its headings (in order)."""
    found: Counter = Counter()
    soup = BeautifulSoup(strip_shortcodes(html or "", found), "html.parser")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        for attr in [a for a in tag.attrs if a not in ("href", "src", "alt", "title", "id", "colspan", "rowspan")]:
            del tag.attrs[attr]
    for iframe in soup.find_all("iframe"):          # embeds: a plain link to what was embedded
        src = iframe.get("src", "")
        if src:
            a = soup.new_tag("a", href=src)
            a.string = src
            p = soup.new_tag("p")
            p.append(a)
            iframe.replace_with(p)
        else:
            iframe.decompose()
    for cell in soup.find_all(["td", "th"]):         # a '|' in a cell would end it in a Markdown table
        for s in cell.find_all(string=True):
            if "|" in s:
                s.replace_with(NavigableString(s.replace("|", "\\|")))
    headings = [Heading(2 if h.name == "h1" else int(h.name[1]), " ".join(h.get_text(" ").split()), h.get("id"))
                for h in soup.find_all(HEADINGS)]
    text = " ".join(soup.get_text(" ").split())
    return Parsed(soup, headings, found, text)


def heading_ids(headings: list[Heading], twin: list[str] | None = None) -> list[str]:
    """An explicit id per heading: the twin's ids (the English version's) by position when given, else
    one made from the heading's text; unique within the article."""
    out, seen = [], set()
    for i, h in enumerate(headings):
        own = h.old_id if h.old_id and _OLD_ID.match(h.old_id) else None
        base = twin[i] if twin and i < len(twin) else (own or slugify(h.text, 40) or f"section-{i + 1}")
        hid, n = base, 2
        while hid in seen:
            hid, n = f"{base}-{n}", n + 1
        seen.add(hid)
        out.append(hid)
    return out


def first_sentences(text: str, low: int, high: int) -> str:
    """The first sentence(s) of ``text`` within [low, high] characters, cut at a word when too long
    (an empty string when the text is too short)."""
    text = " ".join(text.split())
    out = ""
    for sentence in _SENTENCE.split(text):
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > high:
            if out:
                break
            cut = candidate[: high - 1].rsplit(" ", 1)[0].rstrip(",;:")
            return cut + "…" if len(cut) + 1 >= low else ""
        out = candidate
        if len(out) >= low:
            break
    return out if len(out) >= low else ""


class _Converter(MarkdownConverter):
    """markdownify with this project's choices: ATX headings, '-' bullets."""

    def __init__(self):
        super().__init__(heading_style="ATX", bullets="-", strip=["span", "div", "figure", "figcaption"])


_CONVERTER = None


def to_markdown(parsed: Parsed, ids: list[str], link: Callable[[str], str], image: Callable[[str, str], str]) -> str:
    """The Markdown body: headings with their ids, links and images through the callbacks."""
    global _CONVERTER
    soup = parsed.soup
    for h, hid in zip(soup.find_all(HEADINGS), ids):
        if h.name == "h1":
            h.name = "h2"
        h.attrs = {}
        h.append(NavigableString(f" {{#{hid}}}"))
    for a in soup.find_all("a"):
        href = a.get("href")
        a.attrs = {"href": link(href)} if href else {}
        if not a.attrs:
            a.unwrap()
    for img in soup.find_all("img"):
        src = img.get("src", "")
        alt = " ".join((img.get("alt") or "").split())
        new = image(src, alt) if src else ""
        if not new:
            img.decompose()
            continue
        img.attrs = {"src": new, "alt": alt}
    _CONVERTER = _CONVERTER or _Converter()
    md = _CONVERTER.convert_soup(soup)
    md = re.sub(r"\n{3,}", "\n\n", md).strip()
    return md + "\n" if md else ""
