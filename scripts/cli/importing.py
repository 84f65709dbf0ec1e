"""``scripts/docs.py import``: bring an existing help center in (README "Moving an existing help center here").

    docs.py import wordpress EXPORT.xml [--post-type TYPE ...] [--uploads DIR] [--lang fr|en]
                                        [--views-meta KEY] [--dry-run] [--report FILE]
    docs.py import zendesk DIR [--uploads DIR] [--dry-run] [--report FILE]
    (docs.py nginx adds the old ?p=ID addresses of import-map.json to the nginx configuration)
"""
from __future__ import annotations

import sys
from pathlib import Path

from importer import api
from importer.model import SourceError


def add_parser(sub, root: Path) -> None:
    p = sub.add_parser("import", help="bring an existing help center in (WordPress with Polylang or WPML, Zendesk)")
    verbs = p.add_subparsers(dest="source", required=True)
    for name in ("wordpress", "zendesk"):
        q = verbs.add_parser(name, help=f"import a {name.capitalize()} export")
        if name == "wordpress":
            q.add_argument("export", help="the WXR file (WordPress: Tools > Export)")
            q.add_argument("--post-type", action="append", dest="post_types",
                           help="post type to import (repeatable; default: post), e.g. ht_kb")
            q.add_argument("--lang", choices=("fr", "en"), help="language of a monolingual export")
            q.add_argument("--views-meta", default="views", help="post meta holding the view count (default: views)")
        else:
            q.add_argument("export", help="folder with the Help Center API's JSON (articles, sections, "
                                          "categories, translations)")
        q.add_argument("--uploads", help="a copy of the old site's uploads (wp-content/uploads) or attachments")
        q.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
        q.add_argument("--report", help="also write the report as JSON to this file")
        q.add_argument("--project", default=str(root), help="the project folder (default: this one)")
        q.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    try:
        if args.source == "wordpress":
            report = api.import_wordpress(args.export, Path(args.project), tuple(args.post_types or ("post",)),
                                          args.lang, args.views_meta, args.uploads, args.dry_run)
        else:
            report = api.import_zendesk(args.export, Path(args.project), args.uploads, args.dry_run)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    print(report.text())
    if args.report:
        report.write_json(Path(args.report))
    return 0
