"""Command line of the feedback collector (``python -m feedback`` or ``kb-feedback``; the package is installed by scripts/dev.sh).

    python -m feedback serve  [--host 127.0.0.1] [--port 8001] [--db PATH | --database-url URL]
                              [--catalogue site/kb-catalogue.json] [--origin URL ...] [--rate-limit N]
                              [--dashboard-token TOKEN]   (GET /dashboard; better: FEEDBACK_DASHBOARD_TOKEN)
    python -m feedback report [--db PATH | --database-url URL] [--catalogue FILE] [--lang fr] [--limit N]
                              [--days 30] [--format text|json|csv] [--min-votes N] [--comments N]
    python -m feedback export [--db PATH | --database-url URL] [--out data/stats.json] [--days N]
    python -m feedback dashboard [--db PATH | --database-url URL] [--out report.html] [--catalogue FILE]
                                 [--lang fr] [--limit N] [--comments N] [--queries N] [--days N]

Every option can also come from the environment: FEEDBACK_HOST, FEEDBACK_PORT, FEEDBACK_DB,
FEEDBACK_DATABASE_URL, FEEDBACK_CATALOGUE, FEEDBACK_ORIGINS (comma-separated), FEEDBACK_RATE_LIMIT,
FEEDBACK_VOTES_PER_DAY, FEEDBACK_SEARCHES_PER_DAY, FEEDBACK_MAX_CONNECTIONS, FEEDBACK_READ_TIMEOUT, FEEDBACK_DASHBOARD_TOKEN.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from . import (DEFAULT_CATALOGUE, DEFAULT_DB_HELP, DEFAULT_ORIGINS, DEFAULT_PORT, DEFAULT_RATE_LIMIT,
               DEFAULT_SEARCHES_PER_DAY, DEFAULT_STATS, DEFAULT_VOTES_PER_DAY, default_db)
from .catalogue import Catalogue, CatalogueError, CatalogueFile
from .formats import FORMATS
from .insights import PERIOD_DAYS
from .databases import open_storage
from .storage import StorageError

env = os.environ.get
LEGACY_DB = "data/feedback.sqlite3"     # the default database until it moved out of the checkout


def _add_storage(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--db", metavar="PATH",
                   help=f"SQLite database file (default: {DEFAULT_DB_HELP}; env FEEDBACK_DB)")
    g.add_argument("--database-url", metavar="URL",
                   help="PostgreSQL database, postgresql://user:password@host:5432/name "
                        "(env FEEDBACK_DATABASE_URL); instead of SQLite")


def _since(days: int | None) -> date | None:
    return None if not days else datetime.now(timezone.utc).date() - timedelta(days=days - 1)


def _open(args):
    """--database-url, else --db, else FEEDBACK_DATABASE_URL, else FEEDBACK_DB, else the default file."""
    url = args.database_url or (None if args.db else env("FEEDBACK_DATABASE_URL"))
    db = None if url else (args.db or env("FEEDBACK_DB"))
    if not url and not db:
        db = default_db()
        if Path(LEGACY_DB).is_file() and not Path(db).exists():
            print(f"warning: {LEGACY_DB} (the default database before) exists but the default is now {db}: "
                  f"move it there (mv {LEGACY_DB} {db}) or pass --db {LEGACY_DB}", file=sys.stderr)
    return open_storage(db, url)


def cmd_serve(args) -> int:
    import uvicorn

    from .app import create_app
    from .connections import LOOP, Limits, guarded_protocol
    from .webdashboard import TokenError, check_token

    logging.basicConfig(level=getattr(logging, args.log_level.upper()), format="%(levelname)s: %(message)s")
    try:
        if args.dashboard_token:
            check_token(args.dashboard_token)
    except TokenError as exc:
        print(f"error: --dashboard-token / FEEDBACK_DASHBOARD_TOKEN: {exc}", file=sys.stderr)
        return 1
    catalogue = CatalogueFile(args.catalogue)
    origins = args.origin or [o for o in (env("FEEDBACK_ORIGINS") or "").split(",") if o.strip()] \
        or list(DEFAULT_ORIGINS)
    storage = _open(args)
    try:
        storage.check_writable()        # a service that cannot store a vote must not start (and say why)
        app = create_app(storage, catalogue, origins=origins, rate_limit=args.rate_limit,
                         votes_per_day=args.votes_per_day, dashboard_token=args.dashboard_token or None,
                         searches_per_day=args.searches_per_day)
        limits = Limits(args.max_connections, args.read_timeout)
        print(f"feedback collector: http://{args.host}:{args.port}/api/feedback  storage {storage.describe()}  "
              f"catalogue {args.catalogue} ({len(catalogue.current())} articles)  origins {', '.join(origins)}  "
              f"rate limit {args.rate_limit or 'off'}{'/min per client' if args.rate_limit else ''}  "
              f"votes {args.votes_per_day or 'unlimited'}{'/article/network/day' if args.votes_per_day else ''}  "
              f"searches {args.searches_per_day or 'unlimited'}{'/network/day' if args.searches_per_day else ''}  "
              f"at most {limits.max_connections} connections, {limits.read_timeout:g} s per request  "
              f"dashboard {'/dashboard (token)' if args.dashboard_token else 'off'}",
              file=sys.stderr, flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False,
                    proxy_headers=bool(args.forwarded_allow_ips),
                    forwarded_allow_ips=args.forwarded_allow_ips or None,
                    server_header=False, lifespan="on", timeout_graceful_shutdown=10,
                    http=guarded_protocol(limits), backlog=limits.backlog, loop=LOOP)
    finally:
        storage.close()
    return 0


def cmd_report(args) -> int:
    from .formats import render
    from .insights import report_data

    catalogue = None
    path = args.catalogue or (DEFAULT_CATALOGUE if Path(DEFAULT_CATALOGUE).is_file() else None)
    if path:
        catalogue = Catalogue.load(path)
    storage = _open(args)
    try:
        data = report_data(storage, catalogue, days=args.days, lang=args.lang, limit=args.limit,
                           min_votes=args.min_votes, comments=args.comments)
    finally:
        storage.close()
    out = render(data, args.format)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def cmd_export(args) -> int:
    from .stats import export

    storage = _open(args)
    try:
        data = export(storage, args.out, _since(args.days))
    finally:
        storage.close()
    n = sum(len(v) for v in data["articles"].values())
    print(f"wrote {args.out}: {n} article/language entries", file=sys.stderr)
    return 0


def cmd_dashboard(args) -> int:
    from .dashboard import write

    path = args.catalogue or (DEFAULT_CATALOGUE if Path(DEFAULT_CATALOGUE).is_file() else None)
    catalogue = Catalogue.load(path) if path else None
    storage = _open(args)
    try:
        out = write(storage, args.out, catalogue=catalogue, lang=args.lang, limit=args.limit,
                    comments=args.comments, since=_since(args.days), queries=args.queries)
    finally:
        storage.close()
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError("must be ≥ 0")
    return n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the service")
    s.add_argument("--host", default=env("FEEDBACK_HOST", "127.0.0.1"), help="bind address (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=int(env("FEEDBACK_PORT", DEFAULT_PORT)),
                   help=f"port (default {DEFAULT_PORT})")
    _add_storage(s)
    s.add_argument("--catalogue", default=env("FEEDBACK_CATALOGUE", DEFAULT_CATALOGUE),
                   help=f"the build's article catalogue (default {DEFAULT_CATALOGUE}); re-read when it changes")
    s.add_argument("--origin", action="append", metavar="URL",
                   help="site origin allowed to send votes (CORS), repeatable "
                        f"(default: {', '.join(DEFAULT_ORIGINS)}; env FEEDBACK_ORIGINS, comma-separated)")
    s.add_argument("--rate-limit", type=_positive, default=int(env("FEEDBACK_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
                   metavar="N", help=f"requests per client address per minute, 0 = off (default {DEFAULT_RATE_LIMIT})")
    s.add_argument("--votes-per-day", type=_positive, metavar="N",
                   default=int(env("FEEDBACK_VOTES_PER_DAY", DEFAULT_VOTES_PER_DAY)),
                   help="votes per article and language per client network (IPv4 /24, IPv6 /48) per UTC day, "
                        f"0 = no limit (default {DEFAULT_VOTES_PER_DAY}); a vote reported again is not counted again")
    s.add_argument("--searches-per-day", type=_positive, metavar="N",
                   default=int(env("FEEDBACK_SEARCHES_PER_DAY", DEFAULT_SEARCHES_PER_DAY)),
                   help="searches per client network (IPv4 /24, IPv6 /48) per UTC day, 0 = no limit (default "
                        f"{DEFAULT_SEARCHES_PER_DAY}); a search reported again (its click) is not counted again")
    s.add_argument("--forwarded-allow-ips", default=env("FEEDBACK_FORWARDED_ALLOW_IPS"), metavar="IPS",
                   help="behind a reverse proxy: its address(es), so that X-Forwarded-For gives the client "
                        "address for the rate limit")
    s.add_argument("--max-connections", type=_positive, default=int(env("FEEDBACK_MAX_CONNECTIONS", 0)), metavar="N",
                   help="open connections at most; beyond, the oldest one not being answered is closed "
                        "(default 0: half of what the file-descriptor limit leaves, at most 4096)")
    s.add_argument("--read-timeout", type=float, default=float(env("FEEDBACK_READ_TIMEOUT", 10)), metavar="S",
                   help="seconds a client has to send a whole request (headers and body), default 10")
    s.add_argument("--dashboard-token", default=env("FEEDBACK_DASHBOARD_TOKEN"), metavar="TOKEN",
                   help="serve GET /dashboard to whoever gives this token (at least 16 characters; prefer the "
                        "environment variable FEEDBACK_DASHBOARD_TOKEN: a command line is visible to other "
                        "users); default: no dashboard (404)")
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    s.set_defaults(func=cmd_serve)

    r = sub.add_parser("report", help="print trends, the least helpful articles and the searches (text, JSON, CSV)")
    _add_storage(r)
    r.add_argument("--catalogue", default=env("FEEDBACK_CATALOGUE"),
                   help=f"for titles (default {DEFAULT_CATALOGUE} when it exists)")
    r.add_argument("--lang", help="only this language")
    r.add_argument("--limit", type=_positive, default=20, help="articles, and queries per list, shown (default 20)")
    r.add_argument("--min-votes", type=_positive, default=1, help="only articles with this many votes (default 1)")
    r.add_argument("--comments", type=_positive, default=3, help="latest comments shown per article (default 3)")
    r.add_argument("--days", type=_positive, default=PERIOD_DAYS,
                   help=f"the period: the last N days, compared with the N days before (default {PERIOD_DAYS}; "
                        "0: all the data kept, no trend)")
    r.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), json (the data), csv (one table, a 'section' column; safe to open in "
                        "a spreadsheet)")
    r.set_defaults(func=cmd_report)

    e = sub.add_parser("export", help="write the statistics file the build reads (popular articles)")
    _add_storage(e)
    e.add_argument("--out", default=DEFAULT_STATS, help=f"output file (default {DEFAULT_STATS})")
    e.add_argument("--days", type=_positive, help="only the last N days (default: all)")
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("dashboard", help="write a self-contained HTML dashboard (charts, comments)")
    _add_storage(d)
    d.add_argument("--out", default="report.html", help="output HTML file (default report.html)")
    d.add_argument("--catalogue", default=env("FEEDBACK_CATALOGUE"),
                   help=f"for titles (default {DEFAULT_CATALOGUE} when it exists)")
    d.add_argument("--lang", help="only this language")
    d.add_argument("--limit", type=_positive, default=30, help="articles in the helpfulness chart (default 30)")
    d.add_argument("--comments", type=_positive, default=10, help="latest comments per language (default 10)")
    d.add_argument("--queries", type=_positive, default=20,
                   help="queries per list of searches (most frequent, found nothing, no click; default 20)")
    d.add_argument("--days", type=_positive, help="only the last N days")
    d.set_defaults(func=cmd_dashboard)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CatalogueError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
