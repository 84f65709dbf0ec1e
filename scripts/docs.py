#!/usr/bin/env python3
"""Writers' and maintainers' command line for the help center.

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
                                 [--collector HOST:PORT] [--access-log FILE|off] [--out FILE]
                                                 nginx configuration of the built site (see deploy/)

Every problem is printed as ``file:line: message (fix: what to do)``; ``check`` exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import docs_check  # noqa: E402  (what check and build refuse)
import docs_lifecycle  # noqa: E402  (status --stale/--diff/--snippets, translated)
from docs_build import build_site, project  # noqa: E402  (the building: scripts/docs_build.py)


def production_problem(config: Path):
    """The Problem that stops a production build: no real public address (``KB_SITE_URL``), else None."""
    from helpcenter.problems import Problem
    from helpcenter.seo import PLACEHOLDER_SITE_URL, is_placeholder
    site_url = project(config)["site_url"]
    if not is_placeholder(site_url):
        return None
    lines = config.read_text(encoding="utf-8").splitlines()
    line = next((i for i, text in enumerate(lines, 1) if text.startswith("site_url:")), None)
    shown = os.path.relpath(config, Path.cwd()) if config.is_relative_to(Path.cwd()) else str(config)
    what = f"the placeholder {site_url}" if site_url else "empty"
    return Problem(shown, line, f"site_url is {what}: canonical links and the sitemap would point there, "
                   "not to the help center's public address",
                   "set KB_SITE_URL to the public address, e.g. KB_SITE_URL=https://help.your-company.com/ "
                   f"scripts/docs.py build --production; the default {PLACEHOLDER_SITE_URL} is for local work only")


def cmd_build(args) -> int:
    """The strict build refuses everything ``check`` refuses (not its notes), in the same words, so that
    a deploy that only builds cannot publish what check would stop."""
    if args.production:
        problem = production_problem(Path(args.config).resolve())
        if problem is not None:
            print(str(problem), file=sys.stderr)
            print(f"build refused: {args.site_dir} was left as it was", file=sys.stderr)
            return 1
    config = Path(args.config).resolve()
    findings = []

    def verify(site: Path, proc) -> list:
        found = docs_check.collect(config, site, proc)
        findings.append(found)
        return found.problems

    proc = build_site(config, Path(args.site_dir), parallel=args.parallel,
                      precompress=not args.no_gzip, verify=verify)
    if proc.returncode != 0:
        if findings and findings[0].problems:
            docs_check.print_findings(findings[0], sys.stderr)
        else:
            print((proc.stdout + proc.stderr).strip(), file=sys.stderr)
        print(f"build failed: {args.site_dir} was left as it was (run 'python scripts/docs.py check' after "
              "fixing)", file=sys.stderr)
        return 1
    print(f"built {args.site_dir}")
    return 0


def _print_problems(problems, out=None) -> None:
    out = out or sys.stdout
    for p in problems:
        print(str(p), file=out)


# --- check ------------------------------------------------------------------------------------

build_problems = docs_check.build_problems     # MkDocs warnings -> file:line problems (also for the preview)


def run_check(config: Path, site: Path | None = None, external: bool = False, timeout: float = 10.0,
              outdated_fails: bool = False, out=None, external_match: str | None = None,
              stale_fails: bool = False) -> int:
    """Content validation, translation parity, strict build into a temporary folder, site-level link
    check (see docs_check.py); prints every problem as 'file:line: message (fix: ...)' and returns how
    many there are (follow-on problems are printed, not counted)."""
    found = docs_check.collect(config, site, outdated_fails=outdated_fails, stale_fails=stale_fails,
                               external=external, timeout=timeout, external_match=external_match)
    docs_check.print_findings(found, out or sys.stdout, outdated_fails, stale_fails)
    report = found.report
    pages = f", {report.pages} pages and {report.links} links checked" if report else ""
    external_note = f", {len(report.external)} external links not checked (use --external)" \
        if report and report.external and not external else ""
    if found.problems:
        print(f"check: {len(found.problems)} problem(s){pages}", file=sys.stderr)
    else:
        print(f"check: no problem{pages}{external_note}", file=sys.stderr)
    return len(found.problems)


def cmd_check(args) -> int:
    site = Path(args.site).resolve() if args.site else None
    n = run_check(Path(args.config).resolve(), site, args.external, args.timeout, args.outdated_fails,
                  external_match=args.external_match, stale_fails=args.stale_fails)
    return 1 if n else 0


# --- status -----------------------------------------------------------------------------------

def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_status(args) -> int:
    from helpcenter import parity
    from helpcenter import content
    cfg = project(Path(args.config).resolve())
    catalogue = content.load(cfg["docs"], cfg["languages"], cfg["default"], root=cfg["root"])
    special = docs_lifecycle.status(args, cfg, catalogue)     # --stale, --diff FILE, --snippets
    if special is not None:
        return special
    rows = parity.status_rows(catalogue, cfg["root"], cfg["docs"])
    if args.incomplete:
        from helpcenter import support
        rows = [r for r in rows if support.incomplete(r.review)]
    langs = list(cfg["languages"])
    if args.json:
        print(json.dumps([{"id": r.id, "path": r.path, "titles": r.titles, "status": r.status,
                           "review": r.review} for r in rows], ensure_ascii=False, indent=1))
        return 0
    width = args.width
    head = ["id", "path"] + [f"{l} title" for l in langs] + ["status", "review"]
    table = [[str(r.id or ""), r.path] + [_cut(r.titles.get(l, "—"), width) for l in langs]
             + [r.status, ", ".join(r.review)] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    for line in [head, ["-" * w for w in widths]] + table:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())
    counts: dict[str, int] = {}
    for r in rows:
        for state in (r.status.split(", ") if r.status != "ok" else ["ok"]):
            counts[state.split()[0]] = counts.get(state.split()[0], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    what = "incomplete article(s)" if args.incomplete else "article(s)"
    print(f"\n{len(rows)} {what}: {summary}" if rows else f"\n0 {what}")
    if catalogue.problems:
        print(f"{len(catalogue.problems)} content problem(s): run 'python scripts/docs.py check'", file=sys.stderr)
    return 0


# --- new --------------------------------------------------------------------------------------

def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def cmd_new(args) -> int:
    from helpcenter import scaffold
    cfg = project(Path(args.config).resolve())
    default = cfg["default"]
    others = [l for l in cfg["languages"] if l != default]
    titles = {default: args.title, **{l: getattr(args, f"{l}_title", None) for l in others}}
    descriptions = {default: args.description, **{l: getattr(args, f"{l}_description", None) for l in others}}
    tags = {default: _words(args.tags), **{l: _words(getattr(args, f"{l}_tags", None)) for l in others}}
    try:
        related = [int(x) for x in _words(args.related)]
    except ValueError:
        print(f"--related: ids must be whole numbers separated by commas, not {args.related!r}", file=sys.stderr)
        return 2
    article, problems = scaffold.create(
        cfg["docs"], args.category, titles, descriptions, slug=args.slug, tags=tags, related=related,
        languages=cfg["languages"], default=default, root=cfg["root"],
        review=[] if args.complete else None)
    if problems:
        print("nothing was created:", file=sys.stderr)
        _print_problems(problems, sys.stderr)
        return 1
    print(f"created article {article.id} ({article.path}):")
    for lang, f in article.files.items():
        print(f"  {os.path.relpath(f, Path.cwd())}")
    print("next: write the body of both files (same '## Heading {#id}' sections), remove 'missing-content' "
          "from 'review' when done, preview with 'bash scripts/dev.sh serve', then run "
          "'python scripts/docs.py check'")
    return 0


def cmd_serve(args) -> int:
    from preview.server import serve
    host, _, port = args.addr.rpartition(":")
    return serve(Path(args.config).resolve(), host or "127.0.0.1", int(port), one_process=args.one_process)


# --- nginx ------------------------------------------------------------------------------------

def cmd_nginx(args) -> int:
    from urllib.parse import urlsplit

    from serving.nginx import ServingError, render
    site = Path(args.site)
    server_name = args.server_name or urlsplit(project(Path(args.config).resolve())["site_url"] or "").hostname or "_"
    try:
        text = render(site, root=args.root, server_name=server_name, listen=args.listen, collector=args.collector,
                      access_log=args.access_log)
    except ServingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        print(f"wrote {out} (server {server_name}, listen {args.listen}, root {args.root or site.resolve()})",
              file=sys.stderr)
    return 0


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
    p.add_argument("--listen", default="80", help="nginx listen address (default 80)")
    p.add_argument("--collector", default="127.0.0.1:8001",
                   help="address of the feedback collector (default 127.0.0.1:8001)")
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
    docs_lifecycle.add_arguments(p, sub, str(ROOT / "mkdocs.yml"), project)

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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
