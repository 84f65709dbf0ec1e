"""Feedback collector: a small self-hosted service that stores "Was this helpful?" votes, page views and the
searches readers settle on.

It accepts votes only for the articles listed in the build's ``site/kb-catalogue.json``, stores them in
SQLite (default, WAL) or PostgreSQL, serves a summary, prints a report (trends, least helpful articles,
searches that found nothing…) and exports the statistics file that the build reads to rank popular
articles (``helpcenter.ranking.popular``).

    python -m feedback serve --catalogue site/kb-catalogue.json
    python -m feedback report
    python -m feedback export --out data/stats.json
    python -m feedback dashboard --out report.html

Modules: ``catalogue`` (the build's article list), ``validation`` (request bodies), ``queries`` (search
queries: normalisation and scrubbing of personal data, pure), ``storage`` (one small interface, SQLite;
``postgres``: PostgreSQL; ``searches``: the searches table and its reads, both databases; ``databases``:
which one a command opens), ``limits``
(rate limit, daily vote and search limits per client, who may update a search: in memory; ``sharedlimits``:
the same in PostgreSQL, shared by every instance), ``connections`` (read
deadline, connection cap, and one log line per interval when file descriptors run out, for uvicorn),
``app`` (the ASGI service), ``stats`` (export, and helpers the report and dashboard share), ``insights``
(the report's data, built once), ``formats`` (the report as text, JSON, CSV), ``dashboard`` (the HTML
dashboard), ``webdashboard`` (``/dashboard`` behind a token: header or sign-in form), ``cli`` (command line).
"""

import os
from pathlib import Path

DEFAULT_DB_HELP = "$XDG_STATE_HOME/proabono-kb/feedback.sqlite3, i.e. ~/.local/state/proabono-kb/feedback.sqlite3"
DEFAULT_CATALOGUE = "site/kb-catalogue.json"
DEFAULT_STATS = "data/stats.json"
DEFAULT_PORT = 8001
DEFAULT_ORIGINS = ("http://127.0.0.1:8000", "http://localhost:8000")
DEFAULT_RATE_LIMIT = 120  # requests per client address per minute; 0 turns the limit off
DEFAULT_VOTES_PER_DAY = 20  # votes per article and language per client network per UTC day; 0 = no limit
DEFAULT_SEARCHES_PER_DAY = 1000  # per client network per UTC day (a search's click not again); 0 = no limit


def default_db() -> str:
    """The SQLite file when none is given: outside the checkout, so that neither a redeploy nor
    ``git clean`` erases the votes (XDG state folder)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return str(Path(state) / "proabono-kb" / "feedback.sqlite3")
