"""``docs.py build``, ``serve`` and ``nginx``: the site, built (strict, atomic), previewed and served.

The building itself lives in ``sitebuild`` (shared with the preview, the tests and the benchmarks);
what ``build`` refuses is found by ``cli.check``, so that a deploy that only builds cannot publish what
``check`` would stop.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from cli import check
from sitebuild.build import build_site, project


def production_problem(config: Path):
    """The Problem that stops a production build: no real public address (``KB_SITE_URL``), else None."""
    from helpcenter.source.problems import Problem
    from helpcenter.pages.seo import PLACEHOLDER_SITE_URL, is_placeholder
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
        found = check.collect(config, site, proc)
        findings.append(found)
        return found.problems

    proc = build_site(config, Path(args.site_dir), parallel=args.parallel,
                      precompress=not args.no_gzip, verify=verify)
    if proc.returncode != 0:
        if findings and findings[0].problems:
            check.print_findings(findings[0], sys.stderr)
        else:
            print((proc.stdout + proc.stderr).strip(), file=sys.stderr)
        print(f"build failed: {args.site_dir} was left as it was (run 'python scripts/docs.py check' after "
              "fixing)", file=sys.stderr)
        return 1
    print(f"built {args.site_dir}")
    return 0


def cmd_serve(args) -> int:
    from preview.server import serve
    host, _, port = args.addr.rpartition(":")
    return serve(Path(args.config).resolve(), host or "127.0.0.1", int(port), one_process=args.one_process)


# --- nginx ------------------------------------------------------------------------------------

def cmd_nginx(args) -> int:
    """The nginx configuration of the built site, with the old addresses of an imported help center
    (``import-map.json`` in the project folder, written by ``docs.py import``) and, with ``--tls-cert``
    and ``--tls-key``, HTTPS; nothing is written when nginx would refuse the result."""
    from urllib.parse import urlsplit

    from importer import nginxmap, write
    from importer.model import SourceError
    from serving.nginx import DEFAULT_COLLECTOR, ServingError, load_redirects, render
    from serving.nginxcheck import problems
    config = Path(args.config).resolve()
    site = Path(args.site)
    server_name = args.server_name or urlsplit(project(config)["site_url"] or "").hostname or "_"
    queries = paths = {}
    try:
        text = render(site, root=args.root, server_name=server_name, listen=args.listen,
                      collector=args.collector or [DEFAULT_COLLECTOR],
                      access_log=args.access_log, tls_cert=args.tls_cert, tls_key=args.tls_key,
                      http_listen=args.http_listen)
        mapping = write.load_mapping(Path(getattr(args, "project", None) or config.parent))
        if mapping.get("sources"):
            queries, paths = nginxmap.targets(mapping, load_redirects(site)["redirects"])
            text = nginxmap.add_to(text, queries, paths)
    except (ServingError, SourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    refused = problems(text)
    if refused:
        for problem in refused:
            print(f"error: {problem}", file=sys.stderr)
        print(f"nothing written: nginx would refuse this configuration{'' if args.out == '-' else f' ({args.out} left as it was)'}",
              file=sys.stderr)
        return 1
    if args.out == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.out)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        imported = f", {len(queries)} ?p=/?page_id= and {len(paths)} old-path redirects of the import" \
            if queries or paths else ""
        print(f"wrote {out} (server {server_name}, {'HTTPS ' if args.tls_cert else ''}listen "
              f"{args.listen or ('443' if args.tls_cert else '80')}, root {args.root or site.resolve()}{imported})",
              file=sys.stderr)
    return 0
