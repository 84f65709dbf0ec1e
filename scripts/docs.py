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
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import docs_check  # noqa: E402  (what check and build refuse)
import docs_lifecycle  # noqa: E402  (status --stale/--diff/--snippets, translated)


PROJECT_PARTS = ("overrides", "scripts", "mkdocs.yml")   # what a build needs besides docs/


def copy_project(dest: Path, docs: Path | None = ROOT / "docs") -> Path:
    """Copy this project's build sources (and ``docs``, unless None) into ``dest``: for tests and
    benchmarks that build a modified or synthetic help center with the real configuration."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dest / name)
    if docs is not None:
        shutil.copytree(docs, dest / "docs")
    return dest


def _mkdocs_env(**extra) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", **extra)


def _mkdocs_cmd(config: Path, site_dir: Path) -> list[str]:
    """A strict build. Never with ``-q``: quiet mode drops warnings before MkDocs counts them, so a
    strict quiet build would pass with broken links."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
            "--site-dir", str(site_dir)]


def build_site(config: Path, site_dir: Path, quiet: bool = False, parallel: bool = False,
               precompress: bool = True, verify=None) -> subprocess.CompletedProcess:
    """Build into a temporary folder next to ``site_dir``; replace ``site_dir`` only on success.

    ``parallel``: one build process per language, merged (see ``_build_parallel``).
    ``precompress``: write the ``.gz`` twin of every compressible file, for nginx's ``gzip_static``.
    ``verify(site, proc)``: problems of the built site (even of a failed build); any problem fails the
    build (``returncode`` 1) and leaves ``site_dir`` as it was; they are kept in ``proc.problems``.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".kb-build-{site_dir.name}-", dir=site_dir.parent))
    if parallel:
        proc = _build_parallel(config, tmp)
    else:
        proc = subprocess.run(_mkdocs_cmd(config, tmp), cwd=config.parent, env=_mkdocs_env(),
                              capture_output=True, text=True)
    proc.problems = verify(tmp, proc) if verify else []
    if proc.problems and proc.returncode == 0:
        proc.returncode = 1
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return proc
    # mkdtemp made the folder private (0700): give it the permissions any new folder gets, as
    # 'mkdocs build' does, so that a web server running as another user can read the site
    os.chmod(tmp, 0o777 & ~_umask())
    if precompress:
        from serving.precompress import precompress as write_gz
        write_gz(tmp)
    old = site_dir.with_name(f".kb-build-{site_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    tmp.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return proc


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _build_parallel(config: Path, dest: Path) -> subprocess.CompletedProcess:
    """Use every core: one full build per language at once, each rendering the articles of its own
    language only (``KB_RENDER_ONLY``, see the hooks), then one site made of
    - the default language's build, for the root (its pages, assets, its search index, its 404.html, …);
    - each other language's folder (``en/``: its pages, search index and 404.html) from that language's build;
    - ``sitemap.xml``: each language's entries from that language's build, in static-i18n's order.
    The result is the same as a single build (tests/test_parallel_build.py compares every byte)."""
    cfg = project(config)
    order = language_order(cfg)
    parts = {lang: Path(tempfile.mkdtemp(prefix=f".kb-part-{lang}-", dir=dest.parent)) for lang in order}
    try:
        running = {lang: subprocess.Popen(_mkdocs_cmd(config, parts[lang]), cwd=config.parent,
                                          env=_mkdocs_env(KB_RENDER_ONLY=lang), text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for lang in order}
        outputs = {lang: p.communicate() for lang, p in running.items()}
        code = next((p.returncode for p in running.values() if p.returncode), 0)
        proc = subprocess.CompletedProcess(_mkdocs_cmd(config, dest), code,
                                           "".join(o for o, _ in outputs.values()),
                                           "".join(e for _, e in outputs.values()))
        if code == 0:
            merge_parts(parts, order, dest, cfg["site_url"] or "")
        return proc
    finally:
        for part in parts.values():
            shutil.rmtree(part, ignore_errors=True)


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def language_order(cfg: dict) -> list[str]:
    """The built languages, the default one first (the order of static-i18n's builds)."""
    return [cfg["default"]] + [lang for lang in cfg["languages"] if lang != cfg["default"]]


def merge_parts(parts: dict[str, Path], order: list[str], dest: Path, site_url: str, link: bool = False) -> None:
    """``link``: ``dest`` (new) is made of symbolic links to the parts' files and folders instead of
    copies, so that later changes to a part show in ``dest`` (the writers' preview on every core,
    scripts/preview/parallel.py: each language's process keeps updating its own part)."""
    default = order[0]
    sitemaps = {lang: (parts[lang] / "sitemap.xml").read_text(encoding="utf-8") for lang in order
                if (parts[lang] / "sitemap.xml").is_file()}
    if link:
        dest.mkdir()
        for entry in parts[default].iterdir():
            if entry.name not in order[1:] and not (entry.name in SITEMAPS and len(sitemaps) == len(order)):
                (dest / entry.name).symlink_to(entry)
        for lang in order[1:]:
            if (parts[lang] / lang).is_dir():
                (dest / lang).symlink_to(parts[lang] / lang)
    else:
        shutil.rmtree(dest)
        shutil.copytree(parts[default], dest)
        for lang in order[1:]:
            shutil.rmtree(dest / lang, ignore_errors=True)
            shutil.copytree(parts[lang] / lang, dest / lang)
    if len(sitemaps) == len(order):
        merged = merge_sitemaps(sitemaps, order, site_url)
        (dest / "sitemap.xml").write_text(merged, encoding="utf-8")
        with gzip.open(dest / "sitemap.xml.gz", "wb") as f:
            f.write(merged.encode("utf-8"))


_URL_ENTRY = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def merge_sitemaps(sitemaps: dict[str, str], order: list[str], site_url: str) -> str:
    """One sitemap from one per language build: each language's entries from its own build."""
    base = site_url if site_url.endswith("/") else site_url + "/"

    def lang_of(entry: str) -> str:
        loc = _LOC.search(entry).group(1)
        rest = loc[len(base):] if loc.startswith(base) else loc.lstrip("/")
        return next((lang for lang in order[1:] if rest.startswith(f"{lang}/") or rest == lang), order[0])

    first = sitemaps[order[0]]
    entries = list(_URL_ENTRY.finditer(first))
    head = first[:entries[0].start()] if entries else first[:first.rindex("</urlset>")]
    tail = first[entries[-1].end():] if entries else first[first.rindex("</urlset>"):]
    body = "".join(m.group(0) for lang in order for m in _URL_ENTRY.finditer(sitemaps[lang])
                   if lang_of(m.group(0)) == lang)
    return head + body + tail


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


# --- project configuration -------------------------------------------------------------------

class _Loader(__import__("yaml").SafeLoader):
    """mkdocs.yml reader: '!ENV [NAME, default]' is resolved, other tags (!!python/...) become None."""


def _env_tag(loader, node):
    import yaml
    values = [loader.construct_scalar(n) for n in node.value] if isinstance(node, yaml.SequenceNode) \
        else [loader.construct_scalar(node)]
    for name in values[:-1] if len(values) > 1 else values:
        if name in os.environ:
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


_Loader.add_constructor("!ENV", _env_tag)
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def project(config: Path) -> dict:
    """What the commands need from mkdocs.yml: docs folder, languages, default language, site_url."""
    import yaml
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader) or {}
    languages, default = [], None
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for lang in (plugin["i18n"] or {}).get("languages") or []:
                if lang.get("build", True):
                    languages.append(lang["locale"])
                if lang.get("default"):
                    default = lang["locale"]
    languages = languages or ["fr", "en"]
    root = config.parent
    kb = (data.get("extra") or {}).get("kb") if isinstance(data.get("extra"), dict) else None
    return {"root": root, "docs": (root / data.get("docs_dir", "docs")).resolve(), "languages": tuple(languages),
            "default": default or languages[0], "site_url": data.get("site_url"),
            "kb": kb if isinstance(kb, dict) else {}}


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
