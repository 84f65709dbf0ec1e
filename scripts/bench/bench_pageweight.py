#!/usr/bin/env python3
"""Page weight for readers: what a first visit to a page transfers, gzip-compressed. Prints figures.

    python scripts/bench/bench_pageweight.py                  # builds the site into a temporary folder
    python scripts/bench/bench_pageweight.py --site site/     # an already built site

For the home page, a category page and an article page of each language, Debian's chromium (driven by
Playwright, with an empty cache) loads the page from a local server; every request is recorded and the
size of each response is counted gzip-compressed (level 6, as a web server would send it). Requests
are sorted into:

- material: Material's shared bundle, cached after the first page (main and palette CSS, bundle JS, the
  search worker and lunr files);
- search: the search index of the page's language, fetched by Material's search worker, shared by every
  page of the language and cached (its size grows with the number of articles: reported apart);
- own: our CSS and JS (assets/kb.css, assets/kb.js);
- page: everything else (the HTML and any other file the page needs).

Budgets (KB = 1,000 bytes): page + own ≤ 40 KB for every measured page; own ≤ 5 KB; no request to
any host but the site's. The article measured in each language is the one whose HTML is the heaviest
once compressed, and its top-level category is the category measured. Exit status 1 when a budget is
exceeded. Figures are deterministic for a given site.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]      # the repository
KB = 1000
PAGE_BUDGET = 40 * KB          # page + own, per page, Material's shared bundle excluded
OWN_BUDGET = 5 * KB            # our CSS + JS
OWN = ("assets/kb.css", "assets/kb.js")
MATERIAL = re.compile(r"^assets/(stylesheets/(main|palette)\.[0-9a-f]+\.min\.css"
                      r"|javascripts/bundle\.[0-9a-f]+\.min\.js"
                      r"|javascripts/workers/search\.[0-9a-f]+\.min\.js"
                      r"|javascripts/lunr/.+)$")
SEARCH = re.compile(r"^([a-z]{2}/)?search/search_index\.json$")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def kind_of(path: str) -> str:
    if path in OWN:
        return "own"
    if MATERIAL.match(path):
        return "material"
    if SEARCH.match(path):
        return "search"
    return "page"


@dataclass
class Load:
    lang: str
    what: str                   # home, category, article
    url: str                    # site-root-relative
    sizes: dict[str, int] = field(default_factory=lambda: {"page": 0, "own": 0, "material": 0, "search": 0})
    files: list[tuple[str, str, int]] = field(default_factory=list)   # (kind, path, gzip bytes)
    third_party: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def budgeted(self) -> int:
        """What the page budget counts: the page's own files plus our CSS and JS."""
        return self.sizes["page"] + self.sizes["own"]

    def problems(self) -> list[str]:
        out = []
        if self.budgeted > PAGE_BUDGET:
            out.append(f"{self.url or '/'}: {self.budgeted / KB:.1f} KB (page + own) > {PAGE_BUDGET / KB:.0f} KB")
        if self.sizes["own"] > OWN_BUDGET:
            out.append(f"{self.url or '/'}: our CSS + JS {self.sizes['own'] / KB:.1f} KB > {OWN_BUDGET / KB:.0f} KB")
        out += [f"{self.url or '/'}: request to another host: {u}" for u in self.third_party]
        out += [f"{self.url or '/'}: missing file: {u}" for u in self.missing]
        return out


# --- which pages ---------------------------------------------------------------------------------

def page_file(site: Path, url: str) -> Path:
    p = site / unquote(url.lstrip("/"))
    return p / "index.html" if url.endswith("/") or url == "" or p.is_dir() else p


def pick_pages(site: Path) -> list[tuple[str, str, str]]:
    """[(lang, what, url)]: home, the top-level category of the heaviest article, that article."""
    catalogue = json.loads((site / "kb-catalogue.json").read_text(encoding="utf-8"))
    default = catalogue["languages"][0]
    out = []
    for lang in catalogue["languages"]:
        root = "" if lang == default else f"{lang}/"
        urls = [a["url"].lstrip("/") for a in catalogue["articles"] if a["lang"] == lang]
        heaviest = max(sorted(urls), key=lambda u: gzip_size(page_file(site, u).read_bytes()))
        category = root + heaviest[len(root):].split("/", 1)[0] + "/"
        out += [(lang, "home", root), (lang, "category", category), (lang, "article", heaviest)]
    return out


# --- measuring in a browser ----------------------------------------------------------------------

class Server:
    def __init__(self, root: Path):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def _recorder(origin: str, load: Load, seen: list[str]):
    def route(route, request):
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            load.third_party.append(request.url)
            return route.abort()
        seen.append(unquote(parts.path).lstrip("/"))
        return route.continue_()
    return route


def measure(site: Path, pages: list[tuple[str, str, str]], browser) -> list[Load]:
    """Load each page with an empty cache; count what it requests (other hosts are blocked)."""
    server = Server(site)
    loads = []
    try:
        for lang, what, url in pages:
            load = Load(lang, what, url)
            seen: list[str] = []
            context = browser.new_context(service_workers="block")

            context.route("**/*", _recorder(server.origin, load, seen))
            page = context.new_page()
            page.goto(f"{server.origin}/{url}", wait_until="networkidle")
            context.close()
            for path in dict.fromkeys(seen):          # each file once, in request order
                file = page_file(site, path)
                if not file.is_file():
                    load.missing.append(path)
                    continue
                kind = kind_of(path)
                size = gzip_size(file.read_bytes())
                load.sizes[kind] += size
                load.files.append((kind, path, size))
            loads.append(load)
    finally:
        server.close()
    return loads


def own_assets(site: Path) -> int:
    return sum(gzip_size((site / p).read_bytes()) for p in OWN)


def report(loads: list[Load], site: Path, out=sys.stdout) -> list[str]:
    print(f"first load of each page, gzip-compressed, KB = 1,000 bytes (site: {site})", file=out)
    print(f"{'lang':4} {'page':8} {'HTML+other':>10} {'own':>6} {'budget':>7} {'material':>9} {'search':>7}  url",
          file=out)
    problems = []
    for load in loads:
        s = load.sizes
        print(f"{load.lang:4} {load.what:8} {s['page'] / KB:10.1f} {s['own'] / KB:6.1f} {load.budgeted / KB:7.1f} "
              f"{s['material'] / KB:9.1f} {s['search'] / KB:7.1f}  /{load.url}", file=out)
        problems += load.problems()
    print(f"budget = HTML+other + own ≤ {PAGE_BUDGET / KB:.0f} KB per page; own (kb.css + kb.js) = "
          f"{own_assets(site) / KB:.1f} KB ≤ {OWN_BUDGET / KB:.0f} KB; material = Material's shared bundle; "
          "search = index of the page's language (shared, cached)", file=out)
    hosts = sorted({urlsplit(u).netloc for load in loads for u in load.third_party})
    print(f"requests to other hosts: {', '.join(hosts) if hosts else 'none'}", file=out)
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", help="an already built site (default: build the project's site)")
    parser.add_argument("--files", action="store_true", help="also list every file each page requests")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="kb-weight-") as tmp:
        if args.site:
            site = Path(args.site).resolve()
        else:
            from sitebuild import build as site_build
            site = Path(tmp) / "site"
            proc = site_build.build_site(ROOT / "mkdocs.yml", site)
            if proc.returncode != 0:
                print(proc.stdout + proc.stderr, file=sys.stderr)
                return 2
        with sync_playwright() as p:
            browser = launch(p)
            try:
                loads = measure(site, pick_pages(site), browser)
            finally:
                browser.close()
        problems = report(loads, site)
        if args.files:
            for load in loads:
                print(f"\n/{load.url}")
                for kind, path, size in load.files:
                    print(f"  {kind:8} {size / KB:7.1f} KB  {path}")
    for p in problems:
        print(f"over budget: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
