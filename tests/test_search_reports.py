"""Search analytics, the reader's side: what the site reports to POST /api/search (assets/kb.js) when the
endpoint is configured (KB_SEARCH_ENDPOINT at build time), in chromium with Material's real search.

The pause after typing is driven with Playwright's clock where it matters (paused: no timer fires unless
the test moves time on), so no test depends on the machine's speed."""
from __future__ import annotations

import datetime
import re

import pytest

from bench.browser import SiteServer
from conftest import ROOT, build

# Material's words: before its search is ready, and for 0 results
INITIALIZING = {"fr": "Initialisation de la recherche", "en": "Initializing search"}
NONE = {"fr": "Aucun document trouvé", "en": "No matching documents"}
NOTHING = "qwxzyk"                          # a query that finds nothing, even with the typo retry
SEARCH_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_SEARCH_ENDPOINT", "/api/search")
    dest = tmp_path_factory.mktemp("search-reports") / "site"
    proc = build(ROOT / "mkdocs.yml", dest)
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    server = SiteServer(dest)
    yield server
    server.close()


def searches(server, since: int) -> list[dict]:
    return [body for route, _, body in server.posts[since:] if route == "/api/search"]


def wait_searches(server, since: int, n: int, timeout: float = 10) -> list[dict]:
    server.wait_posts(since + n, timeout=timeout)
    return searches(server, since)


def open_search(page) -> None:
    """Focus the search box and wait for Material's search to be ready (it ignores a query before)."""
    page.locator(".md-search__input").click()
    page.wait_for_function("(initializing) => !initializing.includes("
                           "document.querySelector('.md-search-result__meta').textContent.trim())",
                           arg=list(INITIALIZING.values()), timeout=20_000)


def type_query(page, text: str) -> None:
    open_search(page)
    page.keyboard.type(text, delay=40)      # key by key, as a reader types


def shown_count(page, lang: str) -> int:
    """The number of results Material says it found, once it has answered a query."""
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "([none]) => { const t = document.querySelector('.md-search-result__meta').textContent.trim();"
        " return t.startsWith(none) || /^\\d/.test(t); }", arg=[NONE[lang]], timeout=20_000)
    text = meta.text_content().strip()
    return 0 if text.startswith(NONE[lang]) else int(re.match(r"\d+", text).group())


def count_for(browser, url: str, lang: str, query: str) -> int:
    """What Material's search shows for ``query`` given at once (one query) on a fresh page."""
    page = browser.new_page()
    page.goto(url)
    open_search(page)
    page.locator(".md-search__input").fill(query)
    page.locator(".md-search__input").press("End")     # Material searches on key up
    n = shown_count(page, lang)
    page.close()
    return n


def wait_shown(page, lang: str, n: int) -> None:
    """Until Material shows ``n`` results: its answer to the last key typed (earlier ones may differ)."""
    try:
        page.wait_for_function(
            "([n, none]) => { const t = document.querySelector('.md-search-result__meta').textContent.trim();"
            " return n === 0 ? t.startsWith(none) : parseInt(t, 10) === n; }", arg=[n, NONE[lang]], timeout=20_000)
    except Exception:
        raise AssertionError(f"expected {n} results, Material shows: "
                             f"{page.locator('.md-search-result__meta').text_content()!r} for "
                             f"{page.locator('.md-search__input').input_value()!r}") from None
    # the search worker answers only the newest of the queries waiting (searchworker.js): let it answer the
    # last key before the test moves the page's clock on
    page.wait_for_timeout(300)


def paused_page(browser, url: str):
    """A page at ``url`` with its search open and ready, and the page's clock paused: timers (the pause
    after typing among them) fire only when the test moves time on."""
    page = browser.new_page()
    page.clock.install()
    page.goto(url)
    open_search(page)
    page.clock.pause_at(datetime.datetime(2030, 1, 1))
    return page


def test_the_endpoint_reaches_every_page_only_when_configured(served, site):
    configured = (served.root / "index.html").read_text(encoding="utf-8")
    assert '<div hidden id="kb-search" data-endpoint="/api/search" data-lang="fr">' in configured
    assert 'data-lang="en"' in (served.root / "en" / "settings" / "segment-logo" / "index.html").read_text(
        encoding="utf-8").split('id="kb-search"', 1)[1][:80]
    assert 'id="kb-search"' in (served.root / "en" / "404.html").read_text(encoding="utf-8")
    assert not [p for p in site.path.rglob("*.html") if 'id="kb-search"' in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("lang,home", [("fr", "/"), ("en", "/en/")])
def test_a_search_that_finds_nothing_is_reported_once_after_a_pause(served, browser, lang, home):
    page = paused_page(browser, served.url + home)
    already = len(served.posts)
    type_query(page, NOTHING)
    wait_shown(page, lang, 0)
    assert page.locator(".md-search-result__item").count() == 0
    assert searches(served, already) == []                     # typed key by key: nothing sent yet
    page.clock.run_for(1000)
    assert wait_searches(served, already, 1, timeout=1) == []   # a second is not a pause yet
    page.clock.run_for(1000)
    [report] = wait_searches(served, already, 1)
    search_id = report.pop("search_id")
    assert SEARCH_ID.match(search_id)
    assert report == {"lang": lang, "query": NOTHING, "results": 0}
    route, headers, _ = served.posts[already]
    assert route == "/api/search" and headers["Content-Type"] == "application/json"   # the query is in the body
    page.clock.run_for(10_000)
    page.keyboard.press("Escape")                                # leaving the search: already reported
    assert len(wait_searches(served, already, 2, timeout=1)) == 1
    page.close()


def test_typing_on_reports_the_settled_query_once_with_the_results_shown(served, browser):
    expected = count_for(browser, served.url + "/en/", "en", "invoice")
    assert expected > 0
    page = paused_page(browser, served.url + "/en/")
    already = len(served.posts)
    type_query(page, "in")
    shown_count(page, "en")
    page.clock.run_for(500)                                      # a short stop between words: not a pause
    page.keyboard.type("voice", delay=40)
    wait_shown(page, "en", expected)
    page.clock.run_for(2000)
    [report] = wait_searches(served, already, 1)
    assert (report["query"], report["results"]) == ("invoice", expected)
    assert wait_searches(served, already, 2, timeout=1) == [report]     # not one per key, not "in"
    page.close()


def test_leaving_the_search_reports_it_at_once(served, browser):
    url = served.url + "/settings/segment-logo/"
    expected = count_for(browser, url, "fr", "logo du")
    page = paused_page(browser, url)
    already = len(served.posts)
    type_query(page, "  logo   du  ")
    wait_shown(page, "fr", expected)
    page.clock.run_for(200)                                      # Material opens the overlay; not a pause
    assert page.locator("#__search").is_checked()
    assert searches(served, already) == []
    page.keyboard.press("Escape")                                # closed: reported at once
    [report] = wait_searches(served, already, 1)
    assert (report["lang"], report["query"], report["results"]) == ("fr", "logo du", expected)

    type_query(page, "x")                                        # the same query, then "x" added
    page.clock.run_for(200)
    page.goto(served.url + "/en/")                               # the reader leaves the page meanwhile
    [_, left] = wait_searches(served, already, 2)
    assert (left["query"], left["results"]) == ("logo du x", count_for(browser, url, "fr", "logo du x"))
    assert left["search_id"] != report["search_id"]              # another query, another search
    page.close()


def test_a_query_of_one_character_is_not_reported(served, browser):
    page = paused_page(browser, served.url + "/en/")
    already = len(served.posts)
    type_query(page, "x")
    shown_count(page, "en")
    page.clock.run_for(5000)
    page.keyboard.press("Escape")
    assert wait_searches(served, already, 1, timeout=1) == []
    page.close()


def _article_id(page) -> int:
    return int(page.locator("form[data-kb-feedback]").get_attribute("data-id"))


def _click_result(page, link) -> None:
    target = link.evaluate("a => new URL(a.href).pathname")
    link.click()
    page.wait_for_url(re.compile(re.escape(target)))


def test_a_result_click_is_reported_by_the_article_it_opens_with_the_same_search_id(served, browser):
    expected = count_for(browser, served.url + "/en/", "en", "invoice")
    page = browser.new_page()
    page.goto(served.url + "/en/")
    already = len(served.posts)
    type_query(page, "invoice")
    wait_shown(page, "en", expected)
    [settled] = wait_searches(served, already, 1)                # the reader paused on it, then clicks
    _click_result(page, page.locator(".md-search-result__item > .md-search-result__link").nth(1))
    clicked_id = _article_id(page)
    reports = wait_searches(served, already, 2)
    assert reports == [settled, dict(settled, clicked_id=clicked_id)]
    assert settled == {"lang": "en", "query": "invoice", "results": expected, "search_id": settled["search_id"]}
    page.reload()                                                # reported once, not again
    assert len(wait_searches(served, already, 3, timeout=1)) == 2
    page.close()


def test_a_quick_click_is_reported_once_with_the_clicked_article(served, browser):
    expected = count_for(browser, served.url + "/", "fr", "facture")
    page = paused_page(browser, served.url + "/")
    already = len(served.posts)
    type_query(page, "facture")
    wait_shown(page, "fr", expected)
    page.clock.resume()                                          # the overlay opens (Material's own timers)
    _click_result(page, page.locator(".md-search-result__link").first)
    reports = wait_searches(served, already, 1)
    assert len({r["search_id"] for r in reports}) == 1           # however quick the reader was: one search
    last = reports[-1]
    assert (last["query"], last["results"], last["clicked_id"]) == ("facture", expected, _article_id(page))
    page.close()


def test_a_result_on_the_same_page_is_reported_without_a_reload(served, browser):
    page = browser.new_page()
    page.goto(served.url + "/en/")
    type_query(page, "invoice footer")
    shown_count(page, "en")
    section = page.locator('.md-search-result__link[href*="#"]').filter(visible=True).first.get_attribute("href")
    page.goto(section.split("#")[0])                            # the article a section result leads to
    page.evaluate("window.__same = 1")
    already = len(served.posts)
    type_query(page, "invoice footer")
    shown_count(page, "en")
    page.locator(f'.md-search-result__link[href="{section}"]').click()
    page.wait_for_url(section)
    report = wait_searches(served, already, 1)[-1]
    assert page.evaluate("window.__same") == 1                   # no navigation happened
    assert (report["query"], report["clicked_id"]) == ("invoice footer", _article_id(page))
    page.close()


def test_nothing_is_sent_when_the_endpoint_is_not_configured(site, browser):
    server = SiteServer(site.path)
    try:
        page = paused_page(browser, server.url + "/en/")
        sent = []
        page.on("request", lambda r: sent.append(r.url) if r.method != "GET" else None)
        type_query(page, NOTHING)
        wait_shown(page, "en", 0)
        page.clock.run_for(5000)
        page.locator(".md-search__input").fill("invoice")
        page.locator(".md-search__input").press("End")
        page.clock.resume()
        _click_result(page, page.locator(".md-search-result__item > .md-search-result__link").first)
        page.wait_for_timeout(500)
        assert sent == [] and server.posts == []
        assert not [r for r in server.requests if "api" in r]
        page.close()
    finally:
        server.close()
