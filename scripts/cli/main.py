"""Writers' and maintainers' command line for the help center (run as ``python scripts/docs.py`` or ``kb-docs``).

One module per group of verbs: ``build.py`` (build, serve, nginx), ``check.py`` (check, and what build
refuses), ``articles.py`` (new, status), ``lifecycle.py`` (status --stale/--diff/--snippets, translated).

    python scripts/docs.py build [--site-dir DIR] [--config FILE] [--parallel] [--no-gzip] [--production]
                                                 strict build, atomic swap (--parallel: a process per language),
                                                 x.gz twins for nginx (unless --no-gzip); --production refuses
                                                 the placeholder site address
    python scripts/docs.py serve [--addr 127.0.0.1:8000] [--one-process]
                                                 writers' preview: live reload, re-renders only what a
                                                 save changes (scripts/preview/); a process per language
                                                 on several cores
    python scripts/docs.py new "Titre" --en-title "Title" --category settings[/emails]
        --description "..." --en-description "..." [--slug S] [--tags a,b] [--en-tags a,b] [--related 1,2]
                                                 new article in both languages (next free id)
    python scripts/docs.py check [--site DIR] [--external [--external-match RE] [--timeout S]]
                                 [--outdated-fails] [--stale-fails]
                                                 content validation, parity, strict build, site link check
    python scripts/docs.py status [--json] [--incomplete]
                                                 translation status (ok, missing, outdated) and review codes
    python scripts/docs.py status --stale | --diff docs/en/x.md | --snippets
                                                 articles due for a review; French changes to carry over; snippets
    python scripts/docs.py translated docs/en/x.md   the translation matches its current French source
    python scripts/docs.py nginx [--site DIR] [--root PATH] [--server-name NAME] [--listen ADDR]
                                 [--collector HOST:PORT ...] [--access-log FILE|off] [--out FILE]
                                 [--tls-cert FILE --tls-key FILE [--http-listen ADDR]]
                                                 nginx configuration of the built site (see deploy/)

Every problem is printed as ``file:line: message (fix: what to do)``; ``check`` exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli import importing, lifecycle
from cli.articles import cmd_new, cmd_status
from cli.build import cmd_build, cmd_nginx, cmd_serve
from cli.check import cmd_check

ROOT = Path(__file__).resolve().parents[2]      # the repository (the package is installed in place)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="docs.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="strict build into site/, replacing it only when the build succeeds")
    p.add_argument("--site-dir", default=str(ROOT / "site"))
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.add_argument("--production", action="store_true",
                   help="refuse to build without the public address (KB_SITE_URL): for deployments")
    p.add_argument("--parallel", action="store_true",
                   help="one build process per language at once (same site, faster on several cores)")
    p.add_argument("--no-gzip", action="store_true",
                   help="do not write the precompressed .gz twin of each HTML, CSS, JS, JSON, XML and SVG file")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="writers' preview with live reload: after one full build, a save "
                                     "re-renders only the pages that show what changed")
    p.add_argument("--addr", default=os.environ.get("KB_ADDR", "127.0.0.1:8000"), help="host:port to listen on")
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.add_argument("--one-process", action="store_true",
                   help="build in this process only (by default, one process per language on several cores)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("nginx", help="write the nginx configuration of the built site (redirects, 404 pages, "
                                     "caching, security headers, the collector under /api/)")
    p.add_argument("--site", default=str(ROOT / "site"), help="the built site (default: site/)")
    p.add_argument("--root", help="where the server finds the site (default: the --site folder)")
    p.add_argument("--server-name", help="nginx server_name (default: the host of site_url, KB_SITE_URL)")
    p.add_argument("--listen", help="nginx listen address (default 80, or 443 with --tls-cert)")
    p.add_argument("--tls-cert", help="HTTPS: absolute path of the certificate chain (PEM), e.g. certbot's fullchain.pem")
    p.add_argument("--tls-key", help="HTTPS: absolute path of the certificate's private key (PEM)")
    p.add_argument("--http-listen", default="80",
                   help="with HTTPS: the plain-HTTP address that redirects to HTTPS (default 80)")
    p.add_argument("--project", help="the project folder whose import-map.json holds the old addresses of an "
                                     "imported help center (default: the folder of --config)")
    p.add_argument("--collector", action="append", metavar="HOST:PORT",
                   help="address of a feedback collector instance (default 127.0.0.1:8001); repeat it for "
                        "several instances sharing one PostgreSQL database (nginx takes them in turn)")
    p.add_argument("--access-log", default="/var/log/nginx/access.log",
                   help="access log file, or 'off' (default /var/log/nginx/access.log); it keeps paths without "
                        "query strings or referrers (a search's words travel in them)")
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.add_argument("--out", default="-", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_nginx)

    p = sub.add_parser("check", help="content validation, strict build and site-level link check; "
                                     "exits non-zero on any problem")
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.add_argument("--site", help="check this already built site instead of building one")
    p.add_argument("--external", action="store_true", help="also check external links (needs internet)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per external request (default 10)")
    p.add_argument("--external-match", metavar="REGEX", help="with --external: only URLs matching this")
    p.add_argument("--outdated-fails", action="store_true",
                   help="count outdated translations as problems (by default they are listed as notes)")
    p.add_argument("--stale-fails", action="store_true",
                   help="count articles due for a review as problems (by default they are listed as notes)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("status", help="translation status (ok, missing, outdated) and review codes per article")
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--incomplete", action="store_true",
                   help="only the incomplete articles (review: missing-steps or missing-content), "
                        "whose pages tell readers so")
    p.add_argument("--width", type=int, default=40, help="maximum width of a title column")
    p.set_defaults(func=cmd_status)
    lifecycle.add_arguments(p, sub, str(ROOT / "mkdocs.yml"))

    p = sub.add_parser("new", help="create an article in both languages (next free id, complete front matter)")
    p.add_argument("title", help="French title (the question, as readers ask it)")
    p.add_argument("--en-title", required=True, help="English title")
    p.add_argument("--category", required=True, help="category folder, e.g. settings or settings/emails")
    p.add_argument("--description", help="French description: one sentence, 30-170 characters (required)")
    p.add_argument("--en-description", help="English description: one sentence, 30-170 characters (required)")
    p.add_argument("--slug", help="file name without .md (default: from the English title, without accents)")
    p.add_argument("--tags", help="French tags, comma-separated")
    p.add_argument("--en-tags", help="English tags, comma-separated")
    p.add_argument("--related", help="ids of related articles, comma-separated")
    p.add_argument("--complete", action="store_true", help="do not mark the article 'review: [missing-content]'")
    p.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    p.set_defaults(func=cmd_new)
    importing.add_parser(sub, ROOT)     # import wordpress|zendesk|nginx (cli/importing.py)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
