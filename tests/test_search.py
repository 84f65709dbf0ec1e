"""Search in the reader's language: split indexes (built files) and real searches in chromium."""
from __future__ import annotations

import html
import json
import time

import pytest

from bench.browser import SiteServer
from conftest import LANGS


def test_each_language_has_its_own_index_with_only_its_pages(site):
    fr = json.loads((site.path / "search/search_index.json").read_text())
    en = json.loads((site.path / "en/search/search_index.json").read_text())
    assert fr["config"]["lang"] == ["fr"] and en["config"]["lang"] == ["en"]
    # titles are HTML (Material shows them as such): escaped text
    fr_titles = {html.unescape(d["title"]) for d in fr["docs"]}
    en_titles = {html.unescape(d["title"]) for d in en["docs"]}
    assert "Comment personnaliser le logo d’un segment\u202f?" in fr_titles    # with French typography
    assert "How to set up or update a segment logo?" in en_titles
    assert not fr_titles & {"How to set up or update a segment logo?", "Settings"}
    assert not en_titles & {"Comment personnaliser le logo d’un segment\u202f?", "Paramètres"}
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

    from helpcenter.search.searchindex import drop_fallback_duplicates

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


# Every word typed becomes a prefix query ("invoice*"); it must meet the stems of the index ("invoic"),
# in every language: these words found nothing in English before.
@pytest.mark.parametrize("path,query,expected", [
    ("/en/", "invoice", "/en/settings/invoice-footer/"),
    ("/en/", "invo", "/en/settings/invoice-footer/"),
    ("/en/", "language", "/en/settings/backoffice-language/"),
    ("/en/", "langu", "/en/settings/backoffice-language/"),
    ("/en/", "backoffice", "/en/settings/backoffice-language/"),
    ("/en/", "backoff", "/en/settings/backoffice-language/"),
    ("/en/", "translate", "/en/settings/translate-feature-texts/"),
    ("/en/", "transl", "/en/settings/translate-feature-texts/"),
    ("/en/", "features", "/en/settings/translate-feature-texts/"),
    ("/en/", "featu", "/en/settings/translate-feature-texts/"),
    ("/", "factures", "/settings/invoice-footer/"),
    ("/", "factu", "/settings/invoice-footer/"),
    ("/", "langue", "/settings/backoffice-language/"),
    ("/", "langu", "/settings/backoffice-language/"),
    ("/", "traduire", "/settings/translate-feature-texts/"),
    ("/", "tradu", "/settings/translate-feature-texts/"),
    ("/", "caractéristiques", "/settings/translate-feature-texts/"),
    ("/", "caract", "/settings/translate-feature-texts/"),
    # French typography (typographic apostrophe, no-break and narrow no-break spaces) separates words
    ("/", "grille d\u2019offres", "/settings/choose-button-action/"),
    ("/", "pied\u00a0de\u202fpage", "/settings/invoice-footer/"),
])
def test_whole_words_and_prefixes_find_their_article(browser, server, path, query, expected):
    hrefs = [href for href, _ in search(browser, server, path, query)]
    assert expected in hrefs[:5], (query, hrefs)


def search_with_note(browser, server, path, query):
    """Results of a query typed in Material's search box, and the correction note shown (or None)."""
    page = browser.new_page()
    page.goto(server.url + path)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially(query, delay=10)
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=10000)
    time.sleep(0.5)
    hrefs = [results.nth(i).get_attribute("href").replace(server.url, "").split("?")[0].split("#")[0]
             for i in range(results.count())]
    meta = page.locator(".md-search-result__meta").inner_text()     # "N matching documents · note"
    shown = meta.split(" · ", 1)[1] if " · " in meta else None
    page.close()
    return hrefs, shown


def test_misspelt_french_query_is_corrected_and_says_so(browser, server):
    hrefs, note = search_with_note(browser, server, "/", "reinitialisr sandbx")
    assert hrefs[0] == "/settings/reset-sandbox-data/"
    assert note == "Résultats pour «\u202fréinitialiser sandbox\u202f»"
    hrefs, note = search_with_note(browser, server, "/en/", "sandbx")
    assert hrefs[0] == "/en/settings/reset-sandbox-data/" and note == "Results for \u201csandbox\u201d"
    # a query that finds enough is left alone: no note
    hrefs, note = search_with_note(browser, server, "/", "pied de page")
    assert hrefs[0] == "/settings/invoice-footer/" and note is None


@pytest.mark.parametrize("query,first", [
    ("pricing table", "/settings/choose-button-action/"),      # glossary of synonyms (docs/synonyms.yml)
    ("Hosted Pages CSS", "/settings/hosted-pages-css/"),      # docs/glossary.yml: « Pages hébergées »
])
def test_english_interface_label_on_the_french_site_finds_the_french_article(browser, server, query, first):
    hrefs = [href for href, _ in search(browser, server, "/", query)]
    assert hrefs and hrefs[0] == first, hrefs
    assert not any(h.startswith("/en/") for h in hrefs)


def test_tags_are_text_in_search_results_and_never_shown_as_chips(site_copy, tmp_path, browser):
    """A front-matter tag holding markup is never HTML: not in the index, not run in the results."""
    import re
    from conftest import build
    md = site_copy / "docs/fr/settings/segment-logo.md"
    evil = "<img src=x onerror=window.kbXss=1>"
    text = re.sub(r"^tags: \[", "tags: [" + json.dumps(evil) + ", ", md.read_text(encoding="utf-8"),
                  count=1, flags=re.M)
    md.write_text(text, encoding="utf-8")
    proc = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    index = json.loads((tmp_path / "site/search/search_index.json").read_text(encoding="utf-8"))
    entry = next(d for d in index["docs"] if d["location"] == "settings/segment-logo/")
    assert "tags" not in entry and html.unescape(entry["keywords"][0]) == evil
    assert "<img" not in json.dumps(index)
    srv = SiteServer(tmp_path / "site")
    try:
        page = browser.new_page()
        page.goto(srv.url + "/settings/")
        page.keyboard.press("/")
        page.locator("input.md-search__input").press_sequentially("logo", delay=10)
        page.locator(".md-search-result__item > a").first.wait_for(timeout=10000)
        time.sleep(0.5)
        assert page.locator(".md-search-result img").count() == 0
        assert page.locator(".md-search-result .md-tag").count() == 0      # no raw slugs as chips
        assert page.evaluate("() => window.kbXss") is None
        first = page.locator(".md-search-result__item h1").first.inner_text()
        assert first == "Comment personnaliser le logo d’un segment\u202f?"          # French typography
        page.close()
    finally:
        srv.close()
