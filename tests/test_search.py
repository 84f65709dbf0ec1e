"""Search in the reader's language: split indexes (built files) and real searches in chromium."""
from __future__ import annotations

import html
import json
import time

import pytest

from browser_support import SiteServer
from conftest import LANGS


def test_each_language_has_its_own_index_with_only_its_pages(site):
    fr = json.loads((site.path / "search/search_index.json").read_text())
    en = json.loads((site.path / "en/search/search_index.json").read_text())
    assert fr["config"]["lang"] == ["fr"] and en["config"]["lang"] == ["en"]
    # titles are HTML (Material shows them as such): escaped text
    fr_titles = {html.unescape(d["title"]) for d in fr["docs"]}
    en_titles = {html.unescape(d["title"]) for d in en["docs"]}
    assert "Comment personnaliser le logo d'un segment ?" in fr_titles
    assert "How to set up or update a segment logo?" in en_titles
    assert not fr_titles & {"How to set up or update a segment logo?", "Settings"}
    assert not en_titles & {"Comment personnaliser le logo d'un segment ?", "Paramètres"}
    # locations are relative to the language root and all exist
    for root, index in (("", fr), ("en/", en)):
        for doc in index["docs"]:
            assert not doc["location"].startswith("en/")
            assert site.page_file(root + doc["location"].split("#")[0]).is_file(), doc["location"]


@pytest.fixture(scope="module")
def server(site):
    srv = SiteServer(site.path)
    yield srv
    srv.close()



def search(browser, server, path, query):
    page = browser.new_page()
    page.goto(server.url + path)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially(query, delay=10)
    results = page.locator(".md-search-result__item > a")
    deadline = time.time() + 10
    while time.time() < deadline and not results.count():
        time.sleep(0.1)
    time.sleep(0.3)   # let the last keystroke's results replace the previous ones
    found = [(results.nth(i).get_attribute("href").split("?")[0].split("#")[0],
              results.nth(i).locator("h1, h2").first.inner_text()) for i in range(results.count())]
    page.close()
    return [(href.replace(server.url, ""), title) for href, title in found]


@pytest.mark.parametrize("path,query,first", [
    ("/settings/segment-logo/", "reinitialiser donnees", "/settings/reset-sandbox-data/"),     # no accents typed
    ("/settings/", "réinitialiser", "/settings/reset-sandbox-data/"),
    ("/", "pied de page factures", "/settings/invoice-footer/"),
    ("/en/settings/", "segment logo", "/en/settings/segment-logo/"),
    ("/en/settings/url-redirections/", "invoices footer", "/en/settings/invoice-footer/"),
])
def test_search_finds_the_expected_article_first_and_only_in_the_page_language(browser, server, path, query, first):
    results = search(browser, server, path, query)
    assert results, query
    assert results[0][0] == first
    english = path.startswith("/en/")
    assert all(href.startswith("/en/") == english for href, _ in results), results


def test_accent_folding_and_french_stemming(browser, server):
    results = search(browser, server, "/settings/", "parametres")
    assert results and "Paramètres" in results[0][1]
    # "paiements" (plural) finds pages that only say "paiement"
    results = {href for href, _ in search(browser, server, "/settings/", "paiements")}
    assert "/settings/payment-method-buttons/" in results


@pytest.mark.parametrize("lang,home,query,first", [
    ("fr", "/", "logo segment", "/settings/segment-logo/"),
    ("en", "/en/", "logo segment", "/en/settings/segment-logo/"),
])
def test_home_search_entry_uses_the_same_search(browser, server, lang, home, query, first):
    page = browser.new_page()
    page.goto(server.url + home)
    page.locator("#kb-search-input").fill(query)
    page.locator("form.kb-search-entry button[type=submit]").click()
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=10000)
    time.sleep(0.3)
    hrefs = [results.nth(i).get_attribute("href").replace(server.url, "").split("?")[0] for i in range(results.count())]
    assert hrefs[0] == first
    assert all(h.startswith("/en/") == (lang == "en") for h in hrefs)
    assert page.locator("input.md-search__input").input_value() == query
    page.close()


def test_linear_search_dedup_gives_static_i18n_result():
    """Our linear de-duplication of fallback entries equals static-i18n's quadratic original."""
    import copy
    import random
    from types import SimpleNamespace

    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    from helpcenter.searchindex import drop_fallback_duplicates

    rng = random.Random(7)
    for _ in range(200):
        pages = [f"p{i}/" for i in range(rng.randint(1, 12))]
        texts = ["a", "b", "c"]
        entries = []
        for loc in pages:
            entries.append({"location": loc, "title": rng.choice(texts), "text": rng.choice(texts)})
            entries.append({"location": loc + "#s", "title": rng.choice(texts), "text": rng.choice(texts)})
        for loc in pages:
            for suffix in ("", "#s"):
                if rng.random() < 0.7:
                    entries.append({"location": "en/" + loc + suffix, "title": rng.choice(texts),
                                    "text": rng.choice(texts)})
        expected, got = copy.deepcopy(entries), copy.deepcopy(entries)
        ExtendedPlugin.reconfigure_search_duplicates(SimpleNamespace(build_languages=["fr", "en"]), expected)
        drop_fallback_duplicates(got, ["fr", "en"])
        assert got == expected
