"""A search without a result shows what to do next (issue 21, item 3), in the reader's language.

The block is rendered by the build on every page (partials/search.html, an inert <template>) and shown by
assets/kb-search.js, which kb.js loads only when the reader opens the search: the categories, the popular
articles (on the pages that have them), the contact link carrying the query, and the count of matches in
the other language with a link to its search. Real chromium on the built site; axe on the block.
"""
from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.browser import SiteServer
from conftest import LANGS
from helpcenter.articles.catalogue import Catalogue
from helpcenter.language import strings
from helpcenter.pages import noresult, support

ARTICLE = {"fr": "/settings/segment-logo/", "en": "/en/settings/segment-logo/"}
CATEGORY = {"fr": "/settings/", "en": "/en/settings/"}
NOTHING = {"fr": "xyzzy remboursement", "en": "xyzzy refund"}     # in no article of either language
ONLY_OTHER = {"fr": "meantime", "en": "formulaire"}               # only in the other language's articles
FOUND = {"fr": "logo segment", "en": "logo segment"}
TITLE = {"fr": "Aucun article ne correspond à votre recherche.", "en": "No article matches your search."}
OTHER = {"fr": ("en", "/en/", "résultats en anglais"), "en": ("fr", "/", "results in French")}
BLOCK = ".md-search-result > .kb-noresult"


@pytest.fixture(scope="module")
def server(site):
    srv = SiteServer(site.path)
    yield srv
    srv.close()


def open_search(browser, server, path):
    page = browser.new_page()
    page.goto(server.url + path)
    page.keyboard.press("/")
    return page


def type_query(page, query):
    field = page.locator("input.md-search__input")
    field.fill("")
    field.press_sequentially(query, delay=10)


def shown_block(page):
    block = page.locator(BLOCK)
    block.wait_for(state="visible", timeout=10000)
    return block


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return " " + re.sub(r"[\W_]+", " ", "".join(c for c in text if not unicodedata.combining(c)).lower()).strip() + " "


def pages_matching(site, lang: str, query: str) -> int:
    """What kb-search.js counts: pages of ``lang``'s index where every word of the query starts a word."""
    root = "" if lang == LANGS[0] else f"{lang}/"
    docs = json.loads((site.path / root / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    pages: dict[str, str] = {}
    for d in docs:
        text = re.sub(r"&[a-z#0-9]+;", " ", re.sub(r"<[^>]*>", " ", d["title"] + " " + d["text"] + " " + d.get("words", "")), flags=re.I)
        pages[d["location"].split("#")[0]] = pages.get(d["location"].split("#")[0], "") + fold(text)
    words = [w for w in fold(query).split() if len(w) > 1]
    return sum(all(" " + w in text for w in words) for text in pages.values())


# --- the built pages ---------------------------------------------------------------------------------

def test_every_page_has_the_block_once_hidden_in_its_language(site):
    pages = site.html_pages() + [site.path / "404.html", site.path / "en" / "404.html"]
    assert len(pages) > 40
    for page in pages:
        soup, lang = site.soup(page), site.lang_of(page)
        templates = soup.select("template#kb-noresult")
        assert len(templates) == 1, page
        tpl = templates[0]
        # inert, outside Material's result element (whose last child must stay the list), with its status line
        assert tpl.find_parent(class_="md-search-result") is None and tpl.parent.get("class") == ["md-search__scrollwrap"]
        assert soup.select_one(".md-search-result").find_all(recursive=False)[-1].name == "ol"
        assert soup.select_one("#kb-noresult-status[role=status]").get_text() == ""
        text = tpl.get_text(" ")
        assert TITLE[lang].replace(" ?", "?") in text.replace("\u00a0", " ").replace("\u202f", " "), page
        assert tpl.select("ul a[href]"), page                    # the categories
        for a in tpl.select("a[href]"):
            if not a["href"].startswith("mailto:"):
                target = a["href"] if page.name != "404.html" else a["href"].lstrip("/")
                assert (site.resolve(page, target) if page.name != "404.html" else site.page_file(target)).is_file(), (page, a["href"])
        contact = tpl.select_one("a.kb-noresult__contact")["href"]
        assert contact.startswith("mailto:contact@proabono.com?") and contact.count("%7Bquery%7D") == 2, page
        other, home, _ = OTHER[lang]
        assert tpl["data-index"].endswith(("" if other == LANGS[0] else f"{other}/") + "search/search_index.json")


def test_popular_articles_where_the_page_has_them(site):
    """Home, articles and 404 pages show popular articles (which the writers' preview keeps current)."""
    for url in ("", "en/", ARTICLE["fr"].lstrip("/"), ARTICLE["en"].lstrip("/")):
        tpl = site.soup(site.page_file(url)).select_one("template#kb-noresult")
        assert len(tpl.select("ol a[href]")) >= 3, url
    for page in (site.path / "404.html", site.path / "en" / "404.html"):
        assert len(site.soup(page).select_one("template#kb-noresult").select("ol a[href]")) >= 3, page


def test_contact_link_without_email_or_with_a_ticket_form():
    catalogue = Catalogue(["fr", "en"], "fr")
    t = strings.strings("en")
    assert noresult.contact(t, template="", email="", lang="en") == ""
    form = noresult.contact(t, template="https://s.example/new?q={query}&lang={lang}&p={url}", email="x@y.z", lang="en")
    assert form == "https://s.example/new?q=%7Bquery%7D&lang=en&p="      # the field, for the script to fill
    block = noresult.block(catalogue, "en", t, email="help@example.com")
    assert block["other"] == "fr" and block["other_home"] == "./" and block["other_index"] == "search/search_index.json"
    assert block["contact"] == support.mailto("help@example.com", t["support_subject_search"], t["support_body_search"])
    assert noresult.block(catalogue, "fr", strings.strings("fr"))["other_index"] == "en/search/search_index.json"


# --- in chromium -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_no_result_shows_categories_popular_articles_and_the_contact_link_with_the_query(browser, server, lang):
    page = open_search(browser, server, ARTICLE[lang])
    try:
        type_query(page, NOTHING[lang])
        block = shown_block(page)
        assert page.locator(".md-search-result__item").count() == 0
        text = block.inner_text().replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
        assert TITLE[lang] in text
        assert block.locator("ul a").count() >= 1                       # categories
        assert block.locator("ol a").count() >= 3                       # popular articles
        for a in block.locator("ul a, ol a").all():
            assert a.get_attribute("href").endswith("/") and "?" not in a.get_attribute("href")
        page.wait_for_function("document.getElementById('kb-noresult-status').textContent.length > 0")
        assert page.locator("#kb-noresult-status").inner_text().replace("\u00a0", " ") == TITLE[lang]
        assert block.locator(".kb-noresult__other").is_hidden()          # nothing in the other language either
        href = block.locator("a.kb-noresult__contact").get_attribute("href")
        parts = urlsplit(href)
        assert parts.scheme == "mailto" and parts.path == "contact@proabono.com"
        fields = parse_qs(parts.query)
        assert NOTHING[lang] in fields["subject"][0] and NOTHING[lang] in fields["body"][0]
        assert "{query}" not in fields["body"][0]
        assert ("Bonjour" if lang == "fr" else "Hello") in fields["body"][0]
        # the query is in the link URL-encoded: "&" or "#" typed cannot add a field to the message
        type_query(page, "xyzzy & body=x #1")
        page.wait_for_function("document.querySelector('a.kb-noresult__contact').href.indexOf('%231') > 0")
        fields = parse_qs(urlsplit(page.locator("a.kb-noresult__contact").get_attribute("href")).query)
        assert sorted(fields) == ["body", "subject"] and "xyzzy & body=x #1" in fields["subject"][0]
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_query_found_only_in_the_other_language_shows_the_count_and_a_link_to_its_search(site, browser, server, lang):
    other, home, words = OTHER[lang]
    expected = pages_matching(site, other, ONLY_OTHER[lang])
    assert expected > 1 and pages_matching(site, lang, ONLY_OTHER[lang]) == 0
    page = open_search(browser, server, CATEGORY[lang])
    try:
        type_query(page, ONLY_OTHER[lang])
        block = shown_block(page)
        link = block.locator(".kb-noresult__other a")
        link.wait_for(state="visible", timeout=10000)
        assert link.inner_text() == f"{expected} {words}"
        assert page.locator("#kb-noresult-status").inner_text().endswith(f"{expected} {words}")
        assert urlsplit(link.get_attribute("href")).query == "q=" + ONLY_OTHER[lang]
        link.click()
        page.wait_for_url(f"{server.url}{home}?q=*")
        # Material opens the search of that language with the query: it finds the articles there
        page.locator(".md-search-result__item > a").first.wait_for(timeout=10000)
        assert page.locator("input.md-search__input").input_value() == ONLY_OTHER[lang]
        assert page.locator(".md-search-result__item").count() > 0
        assert page.locator(BLOCK).count() == 0
        hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(a => a.pathname)")
        assert all(h.startswith("/en/") == (other == "en") for h in hrefs), hrefs
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_results_hide_the_block(browser, server, lang):
    page = open_search(browser, server, ARTICLE[lang])
    try:
        type_query(page, NOTHING[lang])
        shown_block(page)
        type_query(page, FOUND[lang])
        page.locator(".md-search-result__item > a").first.wait_for(timeout=10000)
        page.locator(BLOCK).wait_for(state="detached", timeout=5000)
        assert page.locator("#kb-noresult-status").inner_text() == ""
        type_query(page, NOTHING[lang])                # and it comes back
        shown_block(page)
    finally:
        page.close()


def test_the_script_loads_only_when_the_search_is_opened(browser, server):
    for path in ("/", ARTICLE["en"]):
        page = browser.new_page()
        asked = []
        page.on("request", lambda r: asked.append(urlsplit(r.url).path))
        try:
            page.goto(server.url + path, wait_until="networkidle")
            page.mouse.wheel(0, 400)
            page.wait_for_timeout(300)
            assert not [p for p in asked if "kb-search" in p], asked
            other_index = "/en/search/search_index.json" if path == "/" else "/search/search_index.json"
            assert other_index not in asked
            page.locator("input.md-search__input").click()     # opening the search
            page.wait_for_function("!!document.querySelector('.md-search-result').dataset.kbNoResult")
            assert "/assets/kb-search.js" in asked and "/assets/kb-search.css" in asked
            page.keyboard.press("Escape")
            page.locator("input.md-search__input").click()     # once only
            page.wait_for_timeout(200)
            assert asked.count("/assets/kb-search.js") == 1
            assert other_index not in asked             # the other language's index: only when nothing is found
        finally:
            page.close()


@pytest.mark.parametrize("key", ["s", "/"])
def test_the_keyboard_shortcuts_load_it_and_the_arrow_keys_reach_its_links(browser, server, key):
    page = browser.new_page()
    try:
        page.goto(server.url + ARTICLE["fr"])
        page.keyboard.press(key)
        page.keyboard.type(NOTHING["fr"], delay=10)
        block = shown_block(page)
        page.keyboard.press("ArrowDown")
        first = block.locator("a[href]").first
        assert first.evaluate("a => a === document.activeElement")
        page.keyboard.press("ArrowDown")
        assert block.locator("a[href]").nth(1).evaluate("a => a === document.activeElement")
    finally:
        page.close()


def test_a_search_address_opens_the_block_too(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server.url}/en/?q=xyzzy%20refund")
        shown_block(page)
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_no_serious_axe_violation_with_the_block_shown(browser, server, lang):
    page = open_search(browser, server, CATEGORY[lang])
    try:
        type_query(page, ONLY_OTHER[lang])
        shown_block(page).locator(".kb-noresult__other a").wait_for(state="visible", timeout=10000)
        violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("critical", "serious")]
        assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
        # and the block itself has nothing to say at all
        scoped = Axe().run(page, context=BLOCK).response["violations"]
        assert not [v for v in scoped if v["impact"] in ("critical", "serious", "moderate")], scoped
    finally:
        page.close()
