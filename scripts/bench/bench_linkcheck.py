#!/usr/bin/env python3
"""Benchmark of the site-level link check (scripts/helpcenter/links/linkcheck.py). Not a test: it prints timings.

    python scripts/bench/bench_linkcheck.py                      # synthetic built site of ~4,000 pages (fast to make)
    python scripts/bench/bench_linkcheck.py --mode docs          # synthetic docs tree of ~4,000 pages, built with
                                                           # MkDocs, to compare the check with the build time
    python scripts/bench/bench_linkcheck.py --site site/         # an existing built site
    options: --pages N (default 4000), --keep DIR (keep the generated project), --repeat R

Synthetic content is made from the real one so that pages look like real pages (Material's navigation,
breadcrumbs, related articles, language switch):
- ``html`` mode builds the real site once, then copies each article page under new slugs, rewriting
  the slug everywhere in the copy so that its language switch, alternates and self-links stay reciprocal;
- ``docs`` mode copies ``docs/<lang>/settings/`` into as many ``settings-<k>/`` categories as needed (new
  ids, related ids shifted), then runs a real MkDocs build.
Both must end with zero problems: a problem means the generator (or the checker) is wrong.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]      # the repository
from sitebuild import build as site_build
from helpcenter.links import linkcheck

LANGS = ("fr", "en")


def synthetic_docs(dest: Path, pages: int) -> int:
    """A docs tree of about ``pages`` built pages: the real one plus copies of its 'settings' tree."""
    shutil.copytree(ROOT / "docs", dest / "docs")
    per_copy = sum(1 for _ in (ROOT / "docs" / "fr" / "settings").rglob("*.md")) * len(LANGS)
    real = sum(1 for _ in (ROOT / "docs").rglob("*.md"))
    copies = max(0, (pages - real) // per_copy)
    id_re = re.compile(r"^id:\s*(\d+)\s*$", re.M)
    related_re = re.compile(r"^related:\s*\[([^\]]*)\]", re.M)
    for lang in LANGS:
        src = ROOT / "docs" / lang / "settings"
        for k in range(1, copies + 1):
            for md in src.rglob("*.md"):
                rel = md.relative_to(src)
                text = md.read_text(encoding="utf-8")
                text = id_re.sub(lambda m: f"id: {int(m.group(1)) + 1000 * k}", text, count=1)
                text = related_re.sub(lambda m: "related: [" + ", ".join(
                    str(int(x) + 1000 * k) for x in m.group(1).split(",") if x.strip()) + "]", text, count=1)
                text = re.sub(r"^aliases:.*$", "", text, flags=re.M)
                if md.name == "index.md":
                    text = re.sub(r'^title: "?([^"\n]*)"?$', lambda m: f'title: "{m.group(1)} {k}"', text,
                                  count=1, flags=re.M)
                out = dest / "docs" / lang / f"settings-{k}" / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
    return real + copies * per_copy


def synthetic_site(dest: Path, pages: int) -> int:
    """A built site of about ``pages`` pages: the real site plus renamed copies of its article pages."""
    site = dest / "site"
    proc = site_build.build_site(ROOT / "mkdocs.yml", site)
    if proc.returncode != 0:
        sys.exit("the real site does not build:\n" + proc.stderr)
    articles = sorted(p.parent.name for p in (site / "settings").glob("*/index.html")
                      if p.parent.name != "emails")
    have = sum(1 for _ in site.rglob("*.html"))
    k = 0
    while have < pages:
        k += 1
        for slug in articles:
            new = f"{slug}-copy-{k}"
            for prefix in ("", "en/"):
                text = (site / prefix / "settings" / slug / "index.html").read_text(encoding="utf-8")
                text = text.replace(f"/{slug}/", f"/{new}/").replace(f'"../{slug}/', f'"../{new}/')
                out = site / prefix / "settings" / new / "index.html"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text, encoding="utf-8")
                have += 1
    return have


def run_check(site: Path, docs: Path | None, repeat: int) -> linkcheck.Report:
    best = None
    for _ in range(repeat):
        report = linkcheck.check_site(site, docs, LANGS, "fr", root=docs.parent if docs else None)
        if best is None or report.seconds < best.seconds:
            best = report
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("html", "docs"), default="html")
    ap.add_argument("--pages", type=int, default=4000)
    ap.add_argument("--site", help="check this built site instead of a synthetic one")
    ap.add_argument("--docs", help="its docs folder (to map problems to Markdown files)")
    ap.add_argument("--keep", help="generate into this folder and keep it")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the check; the best time is shown")
    args = ap.parse_args(argv)

    if args.site:
        report = run_check(Path(args.site), Path(args.docs) if args.docs else None, args.repeat)
        return _print(report, None)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        if args.mode == "html":
            start = time.perf_counter()
            n = synthetic_site(work, args.pages)
            print(f"synthetic built site: {n} HTML files in {time.perf_counter() - start:.1f} s ({work / 'site'})")
            report = run_check(work / "site", ROOT / "docs", args.repeat)
            return _print(report, None)
        project = site_build.copy_project(work / "project", docs=None)
        n = synthetic_docs(project, args.pages)
        print(f"synthetic docs tree: {n} Markdown files ({project / 'docs'})")
        start = time.perf_counter()
        proc = site_build.build_site(project / "mkdocs.yml", project / "site")
        build = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            print("build failed", file=sys.stderr)
            return 1
        print(f"mkdocs build (strict): {build:.1f} s")
        report = run_check(project / "site", project / "docs", args.repeat)
        return _print(report, build)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _print(report: linkcheck.Report, build: float | None) -> int:
    rate = report.pages / report.seconds if report.seconds else float("inf")
    print(f"link check: {report.pages} pages, {report.links} links, {len(report.external)} external URLs "
          f"in {report.seconds:.2f} s = {rate:,.0f} pages/s")
    if build:
        print(f"check / build time: {report.seconds / build:.1%}")
    for p in report.problems[:20]:
        print(f"  {p}")
    if report.problems:
        print(f"{len(report.problems)} problem(s): the synthetic site should have none", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
