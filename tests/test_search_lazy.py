"""The search loads when the reader opens it (issue 21, item 4): a page alone fetches neither the search
index nor the search worker; opening the search (a click, a tap, "/") fetches both and the search works;
an address with ?h= (words to highlight, from a search result) still gets them at once."""
from __future__ import annotations

import pytest

from bench.browser import SiteServer

SEARCH_FILES = ("/search/search_index.json", "/assets/javascripts/workers/search.")


@pytest.fixture(scope="module")
def server(site):
    srv = SiteServer(site.path)
    yield srv
    srv.close()


def open_page(browser, url):
    page = browser.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, requested


def search_requests(requested):
    return [u for u in requested if any(f in u for f in SEARCH_FILES)]


@pytest.mark.parametrize("path,query,expected", [
    ("/settings/invoice-footer/", "pied de page", "/settings/invoice-footer/"),
    ("/en/", "segment logo", "/en/settings/segment-logo/"),
])
def test_a_page_loads_no_search_until_the_reader_opens_it(browser, server, path, query, expected):
    page, requested = open_page(browser, server.url + path)
    try:
        page.wait_for_timeout(500)
        assert search_requests(requested) == [], requested
        page.keyboard.press("/")                       # Material's shortcut: opens the search, focuses it
        page.locator("input.md-search__input").press_sequentially(query, delay=10)
        first = page.locator(".md-search-result__item > a").first
        first.wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        assert first.get_attribute("href").split("?")[0].split("#")[0].replace(server.url, "") == expected
        got = search_requests(requested)
        index = "/en/search/search_index.json" if path.startswith("/en/") else "/search/search_index.json"
        assert any(u.endswith(index) for u in got), got
        assert any("/workers/search." in u for u in got), got
    finally:
        page.close()


def test_a_tap_on_the_search_icon_of_a_phone_loads_it(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        page.goto(server.url + "/")
        page.wait_for_load_state("networkidle")
        assert search_requests(requested) == []
        page.locator("label.md-header__button[for=__search]").tap()
        page.locator("input.md-search__input").press_sequentially("logo", delay=10)
        page.locator(".md-search-result__item > a").first.wait_for(timeout=10_000)
        assert len(search_requests(requested)) >= 2, requested
    finally:
        page.close()


def test_words_to_highlight_load_the_search_at_once(browser, server):
    page, requested = open_page(browser, server.url + "/settings/invoice-footer/?h=facture")
    try:
        page.locator("article mark").first.wait_for(timeout=10_000)
        assert page.locator("article mark").first.inner_text().lower().startswith("factur")
        assert search_requests(requested), requested
    finally:
        page.close()


# --- what the reader downloads: teasers shown, the rest as words (searchindex.compact) -----------------

def test_an_entry_keeps_a_teaser_to_show_and_the_rest_as_sorted_words_without_stop_words():
    import html
    from helpcenter.search import searchindex, stopwords
    stop = stopwords.for_language("fr")
    assert {"le", "la", "de", "et"} <= stop and {"the", "and", "of"} <= stopwords.for_language("en")
    text = ("Le pied de page des factures <b>s’affiche</b> en bas de chaque facture PDF : saisissez-le "
            "dans Paramètres, puis enregistrez. Le texte & les liens restent identiques pour tous les clients.")
    plain = "Le pied de page des factures s’affiche en bas de chaque facture PDF : saisissez-le dans " \
            "Paramètres, puis enregistrez. Le texte & les liens restent identiques pour tous les clients. " \
            "Les factures déjà émises gardent le pied de page qu’elles avaient : seules les nouvelles changent."
    doc = {"location": "settings/invoice-footer/", "title": "Pied de page", "text": f"<p>{plain}</p>"}
    searchindex.compact(doc, plain, r"[\s\-'’&;]+", stop)
    assert doc["text"].startswith("<p>") and doc["text"].endswith("…</p>")        # an article's intro: a teaser
    shown = html.unescape(doc["text"][3:-4])
    assert 100 < len(shown) <= searchindex.TEASER_PAGE + 1
    assert plain.startswith(shown[:-1]) and plain[len(shown) - 1] == " "      # cut between two words
    words = doc["words"].split(" ")
    assert words == sorted(set(words)) and {"émises", "nouvelles", "changent"} <= set(words)
    assert not set(words) & {"le", "les", "pour", "des", "&amp;", "&"}      # never searched: not sent
    section = {"location": "settings/invoice-footer/#steps", "title": "Étapes", "text": f"<p>{plain}</p>"}
    searchindex.compact(section, plain, r"[\s\-'’&;]+", stop)
    assert section["text"] == "" and {"identiques", "clients", "pied", "factures"} <= set(section["words"].split())
    short = {"location": "a/", "title": "A", "text": "<p>Court &amp; net.</p>"}
    searchindex.compact(short, "Court & net.", r"\s+", stop)
    assert short == {"location": "a/", "title": "A", "text": "<p>Court &amp; net.</p>"}


def test_a_word_far_down_a_section_still_finds_its_article_and_the_result_shows_the_teaser(browser, server, site):
    import json
    index = json.loads((site.path / "search/search_index.json").read_text(encoding="utf-8"))
    shown = " ".join((d["title"] + " " + d["text"] + " " + " ".join(d.get("keywords", []))).lower()
                     for d in index["docs"])
    pages = {}
    for d in index["docs"]:
        for w in d.get("words", "").split(" "):
            pages.setdefault(w, set()).add(d["location"].split("#")[0])
    # a long word of one article only, that nothing shown contains: it is only in the hidden words
    word, page = next((w, p.pop()) for w, p in sorted(pages.items())
                      if len(p) == 1 and len(w) >= 9 and w.isalpha() and w[:6] not in shown)
    tab = browser.new_page()
    try:
        tab.goto(server.url + "/")
        tab.keyboard.press("/")
        tab.locator("input.md-search__input").press_sequentially(word, delay=10)
        first = tab.locator(".md-search-result__item > a").first
        first.wait_for(timeout=10_000)
        tab.wait_for_timeout(300)
        assert first.get_attribute("href").split("?")[0].split("#")[0].replace(server.url, "") == "/" + page
        # an article shows at most the teaser of its intro, its sections only their headings
        teasers = tab.locator(".md-search-result__article > p:not(.md-search-result__terms)").all_inner_texts()
        assert all(len(t) <= searchindex_limit() + 1 for t in teasers), teasers
        sections = tab.locator(".md-search-result__article:has(> h2)")
        assert sections.count() and not tab.locator(".md-search-result__article:has(> h2) > p:not(.md-search-result__terms)").count()
    finally:
        tab.close()


def searchindex_limit() -> int:
    from helpcenter.search import searchindex
    return max(searchindex.TEASER_PAGE, searchindex.TEASER_SECTION)
