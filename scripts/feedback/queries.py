"""Search queries as the collector keeps them: normalised, then scrubbed of what looks like personal data.

Pure functions, no I/O; the one place these rules live (the README documents them):

    normalise(text)  invisible format characters (zero-width space, joiners, bidi marks, soft hyphen:
                     category Cf) removed, then Unicode NFKC (fullwidth and small forms, ligatures, superscript
                     digits become plain: "０６" -> "06", "＠" and "﹫" -> "@"), trimmed, inner whitespace
                     collapsed to one space, lower-cased with ``str.lower`` (not ``casefold``: "ß" stays "ß"),
                     accents kept (shown as typed)
    scrub(text)      e-mail addresses -> "[email]", IBANs -> "[iban]", long numbers -> "[number]":

        e-mail   text@text without spaces ("@" alone kept), and its disguises: "%40", "&#64;", "&#x40;",
                 "&commat;" for "@"; "(at)", "[at]", "{at}", "<at>" (also "arobase" or "@" in brackets) with or
                 without spaces around; " @ " or " arobase " with spaces, followed by a domain name
                 (something.tld); " at " between a name-like token (holding ".", "_", "+", "-" or a digit:
                 "jean.dupont", "jdupont42") and a domain name, or between a word and a two-label domain
                 of a common mail top-level domain ("jdupont at gmail.com"; not "look at invoice.pdf" nor
                 "log in at app.example.com"); in these spaced forms the domain's dots may be written
                 "(dot)", "[dot]", " dot " (or "point")
        IBAN     two letters, two digits, then 10 to 30 letters or digits (single spaces, dots or dashes
                 between them allowed), ending with a digit: "fr76 3000 6000 0112 3456 7890 189",
                 "gb29nwbk60161331926819", kept whole as one placeholder (no bank code, no tail left)
        number   a run of digit groups joined by separators, holding 6 or more digits in total, with an
                 optional leading "+": a separator is any run of spaces and . , : / _ - and the Unicode
                 dashes and minus (‐ ‑ ‒ – — ― −). So "06 12 34 56 78", "06/12/34/56/78",
                 "06_12_34_56_78", "06:12:34:56:78", "4970–1012–3456–7890", "+33 6 12 34 56 78",
                 "06 - 12 - 34 - 56 - 78", "06--12--34", "123456", "06,12,34" (6 digits) are hidden;
                 "2 offres", "v2.1.0", "10 %", "2021", "12:30", "tva 20" are kept. Two short numbers side
                 by side that make six digits ("2023 2024", a date "2024-01-15") are hidden too: the rule
                 prefers hiding to guessing.

    clean(text)      scrub(normalise(text)): what is stored; clean(clean(t)) == clean(t)

A placeholder holds no digit, "@" nor separator, so scrubbing again changes nothing. ``QueryCounts`` is
what the storage answers per language, query and day (``storage.search_days``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY = 200             # characters after trimming, as typed, and again once normalised (validation)
MAX_STORED_QUERY = 400      # after scrubbing: a placeholder can be longer than what it replaces
EMAIL = "[email]"
IBAN = "[iban]"
NUMBER = "[number]"

# ------------------------------------------------------------------------------------------- e-mail
_LOCAL = r"[^\s@(<\[{\]\"',;:]+"                    # an address's local part, no punctuation around it
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT_TIGHT = r"(?:@|%40|&\#0*64;|&\#x0*40;|&commat;)"
_AT_BRACKET = rf"\s?{_OPEN}\s?(?:at|@|arobase)\s?{_CLOSE}\s?"
_DOT = rf"(?:\.|\s?{_OPEN}\s?(?:dot|point)\s?{_CLOSE}\s?|\s(?:dot|point)\s)"
_LABEL = r"[\w-]+"
_DOMAIN_DOTTED = rf"{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[^\W\d_]{{2,}}\b"     # something.tld, dots maybe spelt
_DOMAIN_LOOSE = r"[^\s@\[\]]*[\w-]"                 # after a plain "@": anything up to a space
_NAME_LIKE = r"[\w.+-]*[._+\-\d][\w.+-]*"              # jean.dupont, j_dupont, jdupont42
_MAIL_TLD = r"(?:com|net|org|fr|be|ch|lu|ca|de|es|it|nl|eu|uk|io|co|info|biz|me)"
_TOKEN_START = r"(?<![^\s(<\[{\"',;:])"
_EMAIL = re.compile("|".join((
    rf"{_LOCAL}{_AT_TIGHT}{_DOMAIN_LOOSE}",                             # jean@exemple.fr, jean%40exemple.fr
    rf"{_LOCAL}{_AT_BRACKET}(?:{_DOMAIN_DOTTED}|{_DOMAIN_LOOSE})",      # jean (at) gmail (dot) com
    rf"{_TOKEN_START}{_LOCAL}(?:\s@\s?|@\s|\sarobase\s){_DOMAIN_DOTTED}",   # jean @ gmail.com
    rf"{_TOKEN_START}{_NAME_LIKE}\sat\s{_DOMAIN_DOTTED}",              # jean.dupont at gmail.com
    rf"{_TOKEN_START}[\w.+-]+\sat\s{_LABEL}{_DOT}{_MAIL_TLD}\b(?!{_DOT}\w)",      # jdupont at gmail.com
)), re.IGNORECASE)

# --------------------------------------------------------------------------------------- IBAN, numbers
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SEP_CHARS = "./_,:\\-" + _DASHES
_SEP = rf"[ {_SEP_CHARS}]+"            # any run of them: "-", " - ", "--", ". ", " // "
_IBAN = re.compile(rf"(?<!\w)[a-z]{{2}}\d{{2}}(?:[ .\-{_DASHES}]?[a-z0-9]){{10,30}}(?<=\d)(?!\w)", re.IGNORECASE)
_DIGIT_RUN = re.compile(rf"\+?\d+(?:{_SEP}\d+)*")
MIN_DIGITS = 6              # a run holding this many digits in total is hidden


@dataclass(frozen=True)
class QueryCounts:
    searches: int = 0   # reports, each counted once (a search reported again with its search_id replaces it)
    zero: int = 0       # of those, the ones that found nothing (results == 0)
    clicks: int = 0     # of those, the ones where the reader clicked a result


def _visible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def normalise(text: str) -> str:
    """Format characters dropped (a zero-width space must not split a phone number past ``scrub``), NFKC,
    trimmed, whitespace collapsed, lower-cased; accents kept."""
    text = _visible(unicodedata.normalize("NFKC", _visible(text)))
    text = " ".join(text.split())
    return _visible(unicodedata.normalize("NFKC", text.lower()))


def _number(match: re.Match) -> str:
    run = match.group()
    return NUMBER if sum(c.isdigit() for c in run) >= MIN_DIGITS else run


def scrub(text: str) -> str:
    """Replace e-mail addresses, IBANs and long digit runs (see the module docstring) by placeholders."""
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(IBAN, text)
    return _DIGIT_RUN.sub(_number, text)


def clean(text: str) -> str:
    """The query as stored: normalised, then scrubbed."""
    return scrub(normalise(text))
