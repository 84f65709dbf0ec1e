#!/usr/bin/env python3
"""Search weight and speed on a phone-sized budget (issue 21, item 4), on the synthetic help center of
bench_build.py (N articles per language), in chromium.

Prints, per language:
- what a page loads before the reader opens the search (it should be nothing of the search), and the
  search index's size (raw and gzip, as nginx's precompressed twin) and the worker's;
- from opening the search to the first results (index download from localhost, Material's lunr index
  built in the worker, our ranking's documents prepared);
- for queries typed one key at a time (30 ms between keys), the time from the last keystroke to the
  results shown: p50, p95 and max.

    .venv/bin/python scripts/bench/bench_search_speed.py                 # 2,000 articles per language
    .venv/bin/python scripts/bench/bench_search_speed.py --sizes 200,2000 --site-dir /tmp/kb-speed
"""
from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import bench_build
from bench.browser import SiteServer, launch
from sitebuild import build as site_build

# Material's component observable: the time of every search result it renders
_LISTEN = """() => {
  window.__kbShown = [];
  document.addEventListener("keyup", () => { window.__kbLastKey = performance.now(); }, true);
  window.component$.subscribe(c => {
    if (c && Array.isArray(c.items)) window.__kbShown.push({t: performance.now(), n: c.items.length});
  });
}"""


def queries(lang: str, count: int, seed: int = 3) -> list[str]:
    """Queries of one to three words of the corpus' vocabulary, a few cut short (a word being typed)."""
    rng = random.Random(seed)
    words = bench_build.WORDS[lang]
    out = []
    for i in range(count):
        q = " ".join(rng.choice(words) for _ in range(rng.choice((1, 2, 2, 3))))
        out.append(q[:-2] if i % 5 == 4 and len(q) > 6 else q)
    return out


def build(n: int, work: Path) -> Path:
    docs = work / "full" / "docs"
    bench_build.generate(docs, n)
    config = bench_build.full_project(work / "full")
    site = work / "site"
    proc = site_build.build_site(config, site, quiet=True, precompress=False)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-4000:]}")
    return site


def sizes(site: Path, lang: str) -> tuple[int, int, int]:
    index = site / ("" if lang == bench_build.DEFAULT else lang) / "search" / "search_index.json"
    worker = next((site / "assets/javascripts/workers").glob("search.*.js"))
    raw = index.read_bytes()
    return len(raw), len(gzip.compress(raw, 6)), len(gzip.compress(worker.read_bytes(), 6))


def measure(browser, url: str, lang: str, count: int) -> dict:
    page = browser.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        before = [u for u in requested if "search_index" in u or "/workers/search." in u]
        page.evaluate(_LISTEN)
        box = page.locator("input.md-search__input")
        start = time.perf_counter()
        page.keyboard.press("/")
        first = queries(lang, 1, seed=11)[0]
        box.press_sequentially(first, delay=30)
        page.wait_for_function("() => window.__kbShown.some(s => s.n > 0)", timeout=120_000)
        ready = time.perf_counter() - start
        latencies = []
        for q in queries(lang, count):
            box.fill("")
            page.wait_for_timeout(100)
            n = page.evaluate("() => window.__kbShown.length")
            box.press_sequentially(q, delay=30)
            page.wait_for_function("n => window.__kbShown.length > n", arg=n, timeout=30_000)
            page.wait_for_timeout(400)           # the last keystroke's results, once nothing else comes
            last_key, shown = page.evaluate("() => [window.__kbLastKey, window.__kbShown.slice(-1)[0].t]")
            latencies.append(max(0.0, shown - last_key))
        return {"before": before, "ready": ready, "latencies": latencies}
    finally:
        page.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[2000])
    parser.add_argument("--queries", type=int, default=40, help="queries typed per language (default 40)")
    parser.add_argument("--site-dir", help="keep the generated projects and sites in this folder")
    parser.add_argument("--site", help="measure this site, already built by this script (--site-dir DIR/nN/site)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    for n in [0] if args.site else args.sizes:
        if args.site:
            site, work = Path(args.site), None
            print(f"\n== {site}", flush=True)
        else:
            work = Path(args.site_dir or tempfile.mkdtemp(prefix="kb-search-speed-")) / f"n{n}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            start = time.perf_counter()
            site = build(n, work)
            print(f"\n== N = {n} articles per language (built in {time.perf_counter() - start:.0f} s)", flush=True)
        server = SiteServer(site)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                for lang in bench_build.LANGS:
                    raw, gz, worker = sizes(site, lang)
                    home = "/" if lang == bench_build.DEFAULT else f"/{lang}/"
                    r = measure(browser, server.url + home, lang, args.queries)
                    lat = sorted(r["latencies"])
                    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
                    print(f"{lang}: index {raw / 1e6:.2f} MB raw / {gz / 1e6:.2f} MB gzip, worker {worker / 1e3:.0f} KB gzip; "
                          f"search files loaded with the page: {len(r['before'])}", flush=True)
                    print(f"    open to first results {r['ready']:.2f} s; last keystroke to results "
                          f"p50 {statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, max {lat[-1]:.0f} ms "
                          f"({len(lat)} queries)", flush=True)
                browser.close()
        finally:
            server.close()
        if work and not args.site_dir:
            shutil.rmtree(work.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
