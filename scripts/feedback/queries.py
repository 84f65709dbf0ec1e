"""Search queries as the collector keeps them: normalised, then scrubbed of what looks like personal data.

Pure functions, no I/O; the one place these rules live (the README documents them):

    normalise(text)  Unicode NFC, invisible format characters (zero-width space, joiners, bidi marks:
                     category Cf) removed, trimmed, inner whitespace collapsed to one space, lower-cased with
                     ``str.lower`` (not ``casefold``: "ß" stays "ß"), accents kept (shown as typed)
    scrub(text)      e-mail addresses (text@text, no space; "@" alone kept) -> "[email]"; runs of 6 or more digits,
                     possibly separated by single spaces, dots or dashes, with an optional leading "+"
                     (card, phone, IBAN-ish numbers) -> "[number]"; shorter numbers ("2024", "tva 20") kept
    clean(text)      scrub(normalise(text)): what is stored; clean(clean(t)) == clean(t)

``QueryCounts`` is what the storage answers per language, query and day (``storage.search_days``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY = 200             # characters after trimming, as typed (validation)
MAX_STORED_QUERY = 400      # after scrubbing: a placeholder can be longer than what it replaces
EMAIL = "[email]"
NUMBER = "[number]"

# local part @ domain, without the punctuation around it: "(jean@exemple.fr)," -> "([email]),"
_EMAIL = re.compile(r"[^\s@(<\[{\"',;:]+@[^\s@]*[\w-]")
_DIGITS = re.compile(r"\+?\d(?:[ .\-]?\d){5,}")


@dataclass(frozen=True)
class QueryCounts:
    searches: int = 0   # reports, each counted once (a search reported again with its search_id replaces it)
    zero: int = 0       # of those, the ones that found nothing (results == 0)
    clicks: int = 0     # of those, the ones where the reader clicked a result


def normalise(text: str) -> str:
    """NFC, format characters dropped (a zero-width space must not split a phone number past ``scrub``),
    trimmed, whitespace collapsed, lower-cased; accents kept."""
    text = "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")
    text = " ".join(text.split())
    return unicodedata.normalize("NFC", text.lower())


def scrub(text: str) -> str:
    """Replace e-mail addresses and long digit runs (see the module docstring) by placeholders."""
    return _DIGITS.sub(NUMBER, _EMAIL.sub(EMAIL, text))


def clean(text: str) -> str:
    """The query as stored: normalised, then scrubbed."""
    return scrub(normalise(text))
