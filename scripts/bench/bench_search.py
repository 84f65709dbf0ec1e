#!/usr/bin/env python3
"""Search quality: runs tests/search_queries.yml or tests/search_eval.yml through a built site's search.

Each query is typed into Material's search box in chromium (Debian's, through Playwright), on the
home page of its language; the results are read as Material shows them (article order of its search
worker, our worker patch included). Prints, per language, the share of queries whose expected article
is first and in the top 3, and the queries that miss.

    .venv/bin/python scripts/bench/bench_search.py              # builds the site into a temporary folder
    .venv/bin/python scripts/bench/bench_search.py --site site  # an already built site

The evaluation set of issue 21 (queries with a `kind` and a `half`, some without an answer):

    .venv/bin/python scripts/bench/bench_search.py --queries tests/search_eval.yml [--half tune|holdout|all]

prints, per language, top-1, top-3 and the mean reciprocal rank (MRR: 1 / rank of the first expected
article among the results shown, 0 when absent) overall, per half and per kind, the misses, and apart
from those figures the unanswerable queries (ids: []) that got no result and those that got some.
`--half` defaults to tune: the holdout half is for the end of the ranking work (see the set's header).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]      # the repository
QUERIES = ROOT / "tests" / "search_queries.yml"
EVAL_QUERIES = ROOT / "tests" / "search_eval.yml"
HALVES = ("tune", "holdout")

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
    kind: str | None = None
    half: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.expected)

    @property
    def rank(self) -> int | None:
        """1-based position of the first expected article among the results shown, None if absent."""
        return next((n for n, i in enumerate(self.got, 1) if i in self.expected), None)

    @property
    def top1(self) -> bool:
        return self.rank == 1

    @property
    def top3(self) -> bool:
        return self.rank is not None and self.rank <= 3

    @property
    def rr(self) -> float:
        """Reciprocal rank: 1 / rank, 0 when no expected article is shown."""
        return 1 / self.rank if self.rank else 0.0


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)     # language -> time spent typing its queries

    def rows(self, lang: str, kind: str | None = None, half: str | None = None,
             answerable: bool = True) -> list[Outcome]:
        """The outcomes of a language (of a kind, of a half); answerable ones unless answerable=False."""
        return [o for o in self.outcomes if o.lang == lang and o.answerable == answerable
                and kind in (None, o.kind) and half in (None, o.half)]

    def share(self, lang: str, attr: str, kind: str | None = None, half: str | None = None) -> float:
        """Mean of ``attr`` (top1, top3, rr) over the answerable queries of a language (kind, half)."""
        rows = self.rows(lang, kind, half)
        return sum(getattr(o, attr) for o in rows) / len(rows) if rows else 0.0

    def mrr(self, lang: str, kind: str | None = None, half: str | None = None) -> float:
        return self.share(lang, "rr", kind, half)

    def langs(self) -> list[str]:
        return list(dict.fromkeys(o.lang for o in self.outcomes))


def load_queries(path: Path = QUERIES, half: str = "all") -> dict[str, list[dict]]:
    """Queries per language; ``half`` (tune, holdout) keeps that half of a set that has halves."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = {lang: [dict(q, ids=[int(i) for i in q["ids"]]) for q in items] for lang, items in data.items()}
    if half != "all":
        queries = {lang: [q for q in items if q.get("half") == half] for lang, items in queries.items()}
    return queries


def has_halves(queries: dict[str, list[dict]]) -> bool:
    return any("half" in q for items in queries.values() for q in items)


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
        start = time.perf_counter()
        searcher = Searcher(browser, base_url, "/" if lang == default else f"/{lang}/")
        try:
            for q in items:
                locations, note = searcher.search(q["q"])
                got = [ids[loc] for loc in locations if loc in ids]
                report.outcomes.append(Outcome(lang, q["q"], q["ids"], got, note, q.get("kind"), q.get("half")))
        finally:
            searcher.close()
        report.seconds[lang] = time.perf_counter() - start
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


def _figures(rows: list[Outcome]) -> str:
    n = len(rows)
    if not n:
        return f"{0:4d}      -      -      -"
    return (f"{n:4d} {sum(o.top1 for o in rows) / n:6.1%} {sum(o.top3 for o in rows) / n:6.1%} "
            f"{sum(o.rr for o in rows) / n:6.3f}")


def format_eval(report: Report, kinds: list[str] | None = None) -> str:
    """The evaluation set's report: per language, top-1 / top-3 / MRR overall, per half and per kind
    (answerable queries only), the unanswerable queries apart, the typo retries and the misses."""
    lines = []
    for lang in report.langs():
        answered, unanswerable = report.rows(lang), report.rows(lang, answerable=False)
        total = len(answered) + len(unanswerable)
        secs = report.seconds.get(lang, 0.0)
        lines.append(f"{lang}: {total} queries ({len(answered)} answerable, {len(unanswerable)} unanswerable), "
                     f"{secs:.1f} s in chromium ({1000 * secs / max(total, 1):.0f} ms/query)")
        lines.append(f"  {'':14s}{'n':>4s} {'top-1':>6s} {'top-3':>6s} {'MRR':>6s}")
        lines.append(f"  {'all':14s}{_figures(answered)}")
        for half in HALVES:
            rows = report.rows(lang, half=half)
            if rows:
                lines.append(f"  {'half ' + half:14s}{_figures(rows)}")
        present = list(dict.fromkeys(o.kind for o in answered if o.kind))
        for kind in [k for k in kinds or [] if k in present] + [k for k in present if k not in (kinds or [])]:
            lines.append(f"  {'kind ' + kind:14s}{_figures(report.rows(lang, kind=kind))}")
        empty = [o for o in unanswerable if not o.got]
        lines.append(f"  unanswerable: {len(unanswerable)}, no result {len(empty)}, "
                     f"some result {len(unanswerable) - len(empty)}")
        for o in unanswerable:
            if o.got:
                lines.append(f"    [{o.half}] {o.query!r} -> {o.got[:5]}")
        notes = [f"{o.query!r} -> {o.note}" for o in answered + unanswerable if o.note]
        lines.append(f"  typo retries: {len(notes)}" + "".join(f"\n    {n}" for n in notes))
        misses = [o for o in answered if not o.top1]
        lines.append(f"  misses (expected article not first): {len(misses)}")
        for o in sorted(misses, key=lambda o: (o.rank is None, o.rank or 0)):
            mark = f"rank {o.rank}" if o.rank else "MISS  "
            extra = f"  [{o.note}]" if o.note else ""
            lines.append(f"    {mark} [{o.half}, {o.kind}] {o.query!r}: expected {o.expected}, "
                         f"got {o.got[:5]}{extra}")
    return "\n".join(lines)


def kinds_of(path: Path) -> list[str]:
    """The kinds a query set documents in its header comment, in order (lines "#   kind   description")."""
    kinds = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#   ([a-z]+) ", line)
        if m:
            kinds.append(m.group(1))
    return kinds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="built site (default: build one into a temporary folder)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--lang", action="append", help="only this language (repeatable)")
    parser.add_argument("--half", choices=("tune", "holdout", "all"), default="tune",
                        help="the half of a set with halves (tests/search_eval.yml) to run (default: tune; "
                             "ignored for a set without halves)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from bench.browser import SiteServer, launch

    queries = load_queries(args.queries)
    evaluation = has_halves(queries)
    if evaluation:
        queries = load_queries(args.queries, args.half)
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
    print(format_eval(report, kinds_of(args.queries)) if evaluation else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
