"""Search quality floor: tests/search_queries.yml through Material's real search in chromium.

The figures are printed by scripts/bench/bench_search.py (README, "Search"). Before the search work (stemmed
prefixes, synonyms, typo retry): French top-1 75 %, top-3 90 %; English top-1 48 %, top-3 61 %.
"""
from __future__ import annotations

import pytest

from bench import bench_search
from bench.browser import SiteServer

# share of queries whose expected article is first / in the top 3 (measured: fr 75 % / 94 %, en 91 % / 98 %)
FLOOR = {"fr": {"top1": 0.70, "top3": 0.90}, "en": {"top1": 0.85, "top3": 0.93}}


def test_query_set_is_large_enough_and_names_real_articles(site):
    import json
    queries = bench_search.load_queries()
    ids = {a["id"] for a in json.loads((site.path / "kb-catalogue.json").read_text())["articles"]}
    for lang in ("fr", "en"):
        assert len(queries[lang]) >= 40, lang
        for q in queries[lang]:
            assert q["ids"] and set(q["ids"]) <= ids, q


@pytest.fixture(scope="module")
def report(site, browser):
    server = SiteServer(site.path)
    try:
        yield bench_search.run(browser, server.url, site.path, bench_search.load_queries())
    finally:
        server.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_search_quality_holds_its_floor(report, lang):
    text = bench_search.format_report(report)
    for measure, floor in FLOOR[lang].items():
        assert report.share(lang, measure) >= floor, f"{lang} {measure} below {floor:.0%}:\n{text}"
