"""Incomplete articles and the contextual "Contact support" link.

An article whose ``review`` has ``missing-steps`` or ``missing-content`` is incomplete: its page says so
near the top, with a link to support. That link, the one shown after a "No" vote and the footer's lead
to ProAbono's support, never to a marketing page, and carry the page they were followed from:

- by default a ``mailto:`` to ``extra.kb.support_email`` whose subject and body, in the reader's
  language, hold the article's title, id, language and address (``contact``);
- when ``extra.kb.support_url`` is set (a ticket form), that template instead, with ``{id}``,
  ``{lang}``, ``{title}`` and ``{url}`` replaced (each URL-encoded), e.g.
  ``https://support.example.com/new?article={id}&lang={lang}&subject={title}``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

INCOMPLETE = ("missing-content", "missing-steps")     # review codes that the reader is told about
FIELDS = ("id", "lang", "title", "url", "query")   # query: from a search that found nothing (noresult)
_FIELD = re.compile(r"\{(" + "|".join(FIELDS) + r")\}")
# one address, no display name, no query: what a mailto: link can hold without surprises
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}")


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


def mailto(address: str, subject: str, body: str) -> str:
    """A ``mailto:`` link (RFC 6068): subject and body fully percent-encoded, line breaks as CRLF."""
    def enc(text: str) -> str:
        return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")
    return f"mailto:{address}?subject={enc(subject)}&body={enc(body)}"


def contact(t: Mapping[str, str], *, template: str, email: str, lang: str, url: str = "",
            id: int | None = None, title: str = "") -> str:
    """Where "Contact support" leads from a page: ``template`` filled when one is set, else a message
    to ``email`` written with the strings ``t`` of the reader's language (``support_*`` keys), naming
    the article (``id`` and ``title``) or, for another page, its ``url``. Empty when neither is set."""
    if template:
        return support_url(template, id="" if id is None else id, lang=lang, title=title, url=url)
    if not email:
        return ""
    values = {"id": id, "title": title, "url": url, "language": t["support_language"]}
    if id is not None:
        subject, body = t["support_subject_article"], t["support_body_article"]
    elif url:
        subject, body = t["support_subject_page"], t["support_body_page"]
    else:
        subject, body = t["support_subject_page"], t["support_body_site"]
    return mailto(email, subject.format(**values), body.format(**values))


def email_problem(email: object) -> str | None:
    """What is wrong with ``extra.kb.support_email`` (None when it is one plain address or empty)."""
    if email in (None, ""):
        return None
    if not isinstance(email, str) or not EMAIL.fullmatch(email.strip()):
        return (f"extra.kb.support_email is {email!r}, not an e-mail address: write one address such as "
                "support@example.com (or set KB_SUPPORT_URL to a ticket form)")
    return None
