"""French typography of rendered pages: no-break spaces and typographic apostrophes.

- U+202F (narrow no-break space) before ``?``, ``!`` and ``;``; U+00A0 before ``:`` and inside « »;
- ``'`` between two letters becomes ``’`` (l’offre, aujourd’hui).

Only text a reader sees is changed: never tags or attribute values (URLs, ids, titles of links),
nor the content of ``code``, ``pre``, ``kbd``, ``samp``, ``var``, ``script``, ``style``, ``textarea``,
``svg``, ``math``, nor comments. Punctuation glued to what follows is not punctuation of a sentence
and is left alone: ``10:30``, ``http://``, ``?lang=fr``, ``3:2``, ``:-)``. Every rule is idempotent,
so a page (or part of one) can go through twice.

Why not a package: polytypo (maintained, right rules, HTML-aware) took 240 ms per page (60 ms for
a 5 KB article body), minutes on a 2,000-article build, and also rewrites dashes, ellipses and
symbols; french-typo targets AsciiDoc/Anki and rewrites units and ordinals. This module does only
what French typography requires of a help center, in about a millisecond per page.
"""
from __future__ import annotations

import re

NNBSP = "\u202f"     # narrow no-break space: before ? ! ;
NBSP = "\u00a0"      # no-break space: before :, inside « »

SKIPPED = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "svg", "math"})
# after these tags, a punctuation mark at the start of the next text does not follow a word
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "td", "th", "tr", "table", "h1", "h2", "h3", "h4", "h5",
                     "h6", "br", "hr", "section", "article", "nav", "header", "footer", "aside", "main",
                     "body", "html", "head", "title", "blockquote", "dd", "dt", "dl", "details", "summary",
                     "label", "button", "option", "select", "form", "figure", "figcaption", "img", "input"})

_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>|</?([A-Za-z][\w:-]*)[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",
                    re.S)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_SPACE = "[ \t\r\n" + NBSP + NNBSP + "]"
# a run of ? ! ; : that ends a clause: followed by a space, the end of the text, or closing punctuation
_END = r"(?=$|[\s" + NBSP + NNBSP + r"\)\]»”’\"'.,…<]|[?!;:])"
_PUNCT = re.compile("(?P<space>" + _SPACE + r"*)(?P<mark>[?!;:])" + _END)
_ANY = re.compile(r"[?!;:«»'&]")
_OPEN = re.compile("«" + _SPACE + "*")
_CLOSE = re.compile(_SPACE + "*»")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W_])")


def _protect(text: str) -> tuple[str, list[str]]:
    """Entities (``&amp;``) become one private-use character each, so that their ``;`` is never
    punctuation; ``&nbsp;`` and apostrophe references are plain characters in text."""
    kept: list[str] = []

    def swap(m: re.Match) -> str:
        entity = m.group(0)
        if entity == "&nbsp;" or entity.lower() in ("&#160;", "&#xa0;"):
            return NBSP
        if entity in ("&#39;", "&#x27;", "&apos;"):
            return "'"
        kept.append(entity)
        return chr(0xF0000 + len(kept) - 1)

    return _ENTITY.sub(swap, text), kept


def _restore(text: str, kept: list[str]) -> str:
    if not kept:
        return text
    return re.sub("[\U000F0000-\U000FFFFD]", lambda m: kept[ord(m.group(0)) - 0xF0000], text)


def french_text(text: str, after_word: bool = False) -> str:
    """One run of text (no tags). ``after_word``: the text follows a word (an inline tag such as
    ``</code>`` or ``</strong>`` came just before), so a leading ``?`` gets its space too."""
    if not _ANY.search(text):
        return text
    text, kept = _protect(text)

    def punct(m: re.Match) -> str:
        start, space, mark = m.start(), m.group("space"), m.group("mark")
        before = text[start - 1] if start else ""
        if before and (before in "?!;:«([" or (before.isspace() and not space)):
            return m.group(0)            # second mark of "?!", or a mark after an opening bracket
        if not before and not after_word:
            return m.group(0)            # a mark that starts a block: nothing to bind it to
        return (NBSP if mark == ":" else NNBSP) + mark

    text = _PUNCT.sub(punct, text)
    text = _OPEN.sub("«" + NBSP, text)
    text = _CLOSE.sub(NBSP + "»", text)
    text = _APOSTROPHE.sub("’", text)
    return _restore(text, kept)


def french_html(html: str) -> str:
    """French typography in the text of an HTML page or fragment (see the module's docstring)."""
    out: list[str] = []
    skip: list[str] = []          # open skipped elements
    after_word = False
    pos = 0
    for m in _TOKEN.finditer(html):
        if m.start() > pos:
            out.append(_text(html[pos:m.start()], skip, after_word))
            after_word = _ends_in_word(html[pos:m.start()]) if not skip else True
        tag = m.group(0)
        out.append(tag)
        name = (m.group(1) or "").lower()
        if name:
            closing = tag.startswith("</")
            if name in SKIPPED and not tag.endswith("/>"):
                if closing:
                    if name in skip:
                        del skip[len(skip) - 1 - skip[::-1].index(name):]
                    after_word = True
                else:
                    skip.append(name)
            elif name in _BLOCKS:
                after_word = False
        pos = m.end()
    if pos < len(html):
        out.append(_text(html[pos:], skip, after_word))
    return "".join(out)


def _text(text: str, skip: list[str], after_word: bool) -> str:
    return text if skip else french_text(text, after_word)


def _ends_in_word(text: str) -> bool:
    return bool(text) and not text[-1].isspace()
