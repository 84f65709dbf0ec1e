"""Page weight budgets (scripts/bench/bench_pageweight.py prints the figures): sizes are gzip-compressed and
deterministic for a given site, so these are plain assertions, not timings."""
from __future__ import annotations

import json

import pytest

from bench import bench_pageweight as weight


def test_our_css_and_js_add_at_most_5_kb(site):
    assert weight.own_assets(site.path) <= weight.OWN_BUDGET


def test_every_article_html_with_our_assets_is_within_the_page_budget(site):
    catalogue = json.loads((site.path / "kb-catalogue.json").read_text(encoding="utf-8"))
    own = weight.own_assets(site.path)
    over = {}
    for article in catalogue["articles"]:
        size = weight.gzip_size(weight.page_file(site.path, article["url"]).read_bytes()) + own
        if size > weight.PAGE_BUDGET:
            over[article["url"]] = size
    assert len(catalogue["articles"]) >= 40
    assert not over, over


@pytest.fixture(scope="module")
def loads(site, browser):
    return weight.measure(site.path, weight.pick_pages(site.path), browser)


def test_first_load_of_home_category_and_article_within_budget_and_local_only(loads):
    """≤ 40 KB (page + our CSS and JS) and ≤ 5 KB of ours; nothing fetched from another host (site_url's
    host included: the tests serve the site elsewhere) and no request for a missing file."""
    assert [(load.lang, load.what) for load in loads] == [
        (lang, what) for lang in ("fr", "en") for what in ("home", "category", "article")]
    problems = [p for load in loads for p in load.problems()]
    assert not problems, problems
    for load in loads:
        kinds = {kind for kind, _, _ in load.files}
        assert {"page", "own", "material"} <= kinds, (load.url, load.files)
        assert load.files[0][:2] == ("page", load.url), load.files      # the page itself comes first
