"""Review dates and owners: which articles are due for a review ("stale").

An article file is stale when its last review (front matter ``reviewed: YYYY-MM-DD``), or its last update
(git, see history.py) when it has no ``reviewed``, is older than ``extra.kb.review_after_days`` (default
180). Each language's file has its own date; its owner is its ``owner:``, else the source's. Drafts are
not published, so never stale. Nothing here knows about MkDocs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from helpcenter.articles.catalogue import Catalogue
from helpcenter.lifecycle.history import History
from helpcenter.source.problems import Problem

DEFAULT_AFTER_DAYS = 180


@dataclass(frozen=True)
class Due:
    file: str            # docs/<lang>/<path>
    line: int | None     # line of 'reviewed:' (None when the date is the last update)
    since: date          # last review, or last update
    basis: str           # "reviewed" or "updated"
    age: int             # days since then
    owner: str
    title: str


def after_days(kb: dict) -> tuple[int, Problem | None]:
    """``extra.kb.review_after_days`` of mkdocs.yml (default 180), and a problem when it is not a count of days."""
    value = (kb or {}).get("review_after_days", DEFAULT_AFTER_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return DEFAULT_AFTER_DAYS, Problem("mkdocs.yml", None,
                                           f"extra.kb.review_after_days must be a whole number of days ≥ 1, not {value!r}",
                                           f"write e.g. 'review_after_days: {DEFAULT_AFTER_DAYS}'")
    return value, None


def stale(catalogue: Catalogue, hist: History, docs_rel: str, days: int, today: date) -> list[Due]:
    """Every article file not reviewed (nor updated) for more than ``days`` days, oldest first."""
    out = []
    source = catalogue[catalogue.default]
    for code, language in catalogue.langs.items():
        for path, article in language.articles.items():
            if article.status == "draft":
                continue
            if article.reviewed is not None:
                since, basis, line = article.reviewed, "reviewed", article.lines.get("reviewed")
            else:
                since, basis, line = hist.updated(f"{docs_rel}/{code}/{path}"), "updated", None
            if since is None:
                continue
            age = (today - since).days
            if age > days:
                twin = source.articles.get(path)
                owner = article.owner or (twin.owner if twin is not None else "")
                out.append(Due(article.file, line, since, basis, age, owner, article.title))
    out.sort(key=lambda d: (d.since, d.file))
    return out


def problems(due: list[Due], days: int, today: date) -> list[Problem]:
    """Stale articles as problems (``check --stale-fails``)."""
    out = []
    for d in due:
        what = "last reviewed" if d.basis == "reviewed" else "not reviewed, last updated"
        owner = f", owner: {d.owner}" if d.owner else ", no owner"
        out.append(Problem(d.file, d.line, f"review due: {what} on {d.since.isoformat()}, {d.age} days ago "
                                           f"(more than {days}{owner})",
                           f"check that the article is still right, then set 'reviewed: {today.isoformat()}'"))
    return out
