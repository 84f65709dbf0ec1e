"""Incomplete articles and the contextual "Contact support" link.

An article whose ``review`` has ``missing-steps`` or ``missing-content`` is incomplete: its page says so
near the top, with a link to support. That link, and the one shown after a "No" vote, come from
``extra.kb.support_url``, a template that may use ``{id}``, ``{lang}``, ``{title}`` and ``{url}`` (each
URL-encoded), e.g. ``https://support.example.com/new?article={id}&lang={lang}&subject={title}``.
"""
from __future__ import annotations

import re
from urllib.parse import quote

INCOMPLETE = ("missing-content", "missing-steps")     # review codes that the reader is told about
FIELDS = ("id", "lang", "title", "url")
_FIELD = re.compile(r"\{(" + "|".join(FIELDS) + r")\}")


NOTICES = {"missing-content": "incomplete_content", "missing-steps": "incomplete_steps"}   # strings.py keys


def incomplete(review: list[str]) -> str | None:
    """Key (in strings.py) of the notice an article with these review codes shows, or None.
    ``missing-content`` wins over ``missing-steps``: it is the larger gap."""
    return next((NOTICES[code] for code in INCOMPLETE if code in review), None)


def support_url(template: str, **values) -> str:
    """``template`` with each ``{id}``, ``{lang}``, ``{title}``, ``{url}`` replaced by its URL-encoded
    value (every character but letters, digits and ``-._~`` is encoded, so a value cannot add a
    query parameter or leave the URL); any other text is kept as it is."""
    return _FIELD.sub(lambda m: quote(str(values.get(m.group(1), "")), safe=""), template or "")
