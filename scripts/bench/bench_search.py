#!/usr/bin/env python3
"""Search quality: runs tests/search_queries.yml through the real search of a built site.

Each query is typed into Material's search box in chromium (Debian's, through Playwright), on the
home page of its language; the results are read as Material shows them (article order of its search
worker, our worker patch included). Prints, per language, the share of queries whose expected article
is first and in the top 3, and the queries that miss.

    .venv/bin/python scripts/bench/bench_search.py              # builds the site into a temporary folder
    .venv/bin/python scripts/bench/bench_search.py --site site  # an already built site
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]      # the repository
QUERIES = ROOT / "tests" / "search_queries.yml"

# Subscribes to Material's component observable: every search result it renders, in its order
_LISTEN = """() => {
  window.__kbResults = [];
  window.component$.subscribe(c => {
    if (c && Array.isArray(c.items)) window.__kbResults.push({
      articles: c.items.map(g => (g.find(d => !d.location.includes("#")) || g[0]).location.split("#")[0]),
      note: c.kb ? c.kb.note : null
    });
  });
}"""


@dataclass
class Outcome:
    lang: str
    query: str
    expected: list[int]
    got: list[int]
    note: str | None = None

    @property
    def top1(self) -> bool:
        return bool(self.got) and self.got[0] in self.expected

    @property
    def top3(self) -> bool:
        return any(i in self.expected for i in self.got[:3])


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def share(self, lang: str, attr: str) -> float:
        rows = [o for o in self.outcomes if o.lang == lang]
        return sum(getattr(o, attr) for o in rows) / len(rows) if rows else 0.0

    def langs(self) -> list[str]:
        return list(dict.fromkeys(o.lang for o in self.outcomes))


def load_queries(path: Path = QUERIES) -> dict[str, list[dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {lang: [dict(q, ids=[int(i) for i in q["ids"]]) for q in items] for lang, items in data.items()}


def _ids_by_location(site: Path, lang: str, default: str) -> dict[str, int]:
    cat = json.loads((site / "kb-catalogue.json").read_text(encoding="utf-8"))
    prefix = "/" if lang == default else f"/{lang}/"
    return {a["url"][len(prefix):]: a["id"] for a in cat["articles"] if a["lang"] == lang}


class Searcher:
    """One chromium page per language, kept open: queries are typed one after another."""

    def __init__(self, browser, base_url: str, home: str):
        self.page = browser.new_page()
        self.page.goto(base_url + home)
        self.page.evaluate(_LISTEN)
        self.input = self.page.locator("input.md-search__input")
        self.page.keyboard.press("/")
        self.last = None

    def search(self, query: str, timeout: float = 10_000) -> tuple[list[str], str | None]:
        if query == self.last:
            self.input.fill("")
            self.input.press("End")
        n = self.page.evaluate("() => window.__kbResults.length")
        self.input.fill(query)
        self.input.press("End")            # Material reads the field on keyup
        self.page.wait_for_function("n => window.__kbResults.length > n", arg=n, timeout=timeout)
        self.last = query
        result = self.page.evaluate("() => window.__kbResults[window.__kbResults.length - 1]")
        return result["articles"], result["note"]

    def close(self):
        self.page.close()


def run(browser, base_url: str, site: Path, queries: dict[str, list[dict]], default: str = "fr") -> Report:
    report = Report()
    for lang, items in queries.items():
        ids = _ids_by_location(site, lang, default)
        searcher = Searcher(browser, base_url, "/" if lang == default else f"/{lang}/")
        try:
            for q in items:
                locations, note = searcher.search(q["q"])
                got = [ids[loc] for loc in locations if loc in ids]
                report.outcomes.append(Outcome(lang, q["q"], q["ids"], got, note))
        finally:
            searcher.close()
    return report


def format_report(report: Report) -> str:
    lines = []
    for lang in report.langs():
        rows = [o for o in report.outcomes if o.lang == lang]
        lines.append(f"{lang}: {len(rows)} queries, top-1 {report.share(lang, 'top1'):.0%} "
                     f"({sum(o.top1 for o in rows)}), top-3 {report.share(lang, 'top3'):.0%} "
                     f"({sum(o.top3 for o in rows)})")
        notes = [f"{o.query!r} -> {o.note}" for o in rows if o.note]
        lines.append(f"  typo retries: {len(notes)}" + "".join(f"\n    {n}" for n in notes))
        for o in rows:
            if not o.top1:
                mark = "top-3" if o.top3 else "MISS "
                extra = f"  [{o.note}]" if o.note else ""
                lines.append(f"  {mark} {o.query!r}: expected {o.expected}, got {o.got[:5]}{extra}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="built site (default: build one into a temporary folder)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--lang", action="append", help="only this language (repeatable)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from bench.browser import SiteServer, launch

    queries = load_queries(args.queries)
    if args.lang:
        queries = {k: v for k, v in queries.items() if k in args.lang}
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from sitebuild import build as site_build
            site = Path(tmp) / "site"
            proc = site_build.build_site(ROOT / "mkdocs.yml", site, quiet=True)
            if proc.returncode:
                print(proc.stdout + proc.stderr, file=sys.stderr)
                return 1
        server = SiteServer(site)
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                report = run(browser, server.url, site, queries)
                browser.close()
        finally:
            server.close()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
