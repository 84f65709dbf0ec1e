"""What a reader sees around the articles, in Debian's chromium at a desktop and at a phone size, in both
languages: the 404 page of each language, no previous/next links, popular articles without the article
being read (also on phones), the home search field on phones, the copy-link icon on headings, and the
language switch that keeps the section. Screenshots of the French home, an article and the French 404
are written to test-artifacts/screenshots/ for a person to look at.
"""
from __future__ import annotations

from urllib.parse import unquote

import re

import pytest
from playwright.sync_api import expect

from bench.browser import SiteServer
from conftest import LANGS, ROOT

SHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "desktop": dict(viewport={"width": 1280, "height": 900}),
    "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2),
}
ROOTS = {"fr": "/", "en": "/en/"}
# expected words, written here (not read from the code under test)
TEXT = {
    "fr": {"not_found": "Page introuvable", "search": "Rechercher", "popular": "Articles populaires",
           "copy": "Copier le lien vers cette section", "copied": "Lien copié", "support": "Contacter le support",
           "credit": "Réalisé avec", "other_credit": "Made with"},
    "en": {"not_found": "Page not found", "search": "Search", "popular": "Popular articles",
           "copy": "Copy the link to this section", "copied": "Link copied", "support": "Contact support",
           "credit": "Made with", "other_credit": "Réalisé avec"},
}
MOST_POPULAR = {"fr": "settings/invoice-footer/", "en": "en/settings/url-redirections/"}   # seeded weights
ARTICLE_WITH_SECTIONS = "settings/url-redirections/"      # has a "security" section in both languages


@pytest.fixture(scope="module")
def server(site):
    srv = SiteServer(site.path)
    yield srv
    srv.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(**VIEWPORTS[request.param])
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.viewport_name = request.param
    yield tab
    context.close()
    assert not errors, errors


def shoot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}-{tab.viewport_name}.png"), full_page=True)


def visible(tab, selector: str):
    return [el for el in tab.locator(selector).all() if el.is_visible()]


# --- 1. the 404 page of each language ------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_missing_page_shows_the_404_of_its_language_with_search_home_categories_and_popular(page, server, lang):
    t = TEXT[lang]
    response = page.goto(f"{server.url}{ROOTS[lang]}settings/page-inexistante/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == t["not_found"]
    assert page.title().startswith(t["not_found"])
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    body = page.locator("body").inner_text()
    assert "404 - Not found" not in body and t["other_credit"] not in body
    cards = visible(page, ".md-content a.kb-card__link")
    assert cards, "no category card"
    popular = visible(page, ".md-content .kb-popular li a")
    assert len(popular) == 5
    if lang == "fr":
        shoot(page, "fr-404")
    # the category cards and popular articles lead to real pages, though the 404 is served at any depth
    for link in (cards[0], popular[0]):
        href = link.get_attribute("href")
        assert page.request.get(server.url + href).status == 200, href
    # the link home
    page.locator("a.kb-home-link").click()
    page.wait_for_url(f"{server.url}{ROOTS[lang]}")
    assert page.locator("#kb-search-input").is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_the_404_search_box_searches_the_language_of_the_page(page, server, lang):
    page.goto(f"{server.url}{ROOTS[lang]}settings/emails/nowhere/")
    field = page.locator("#kb-search-input")
    assert field.is_visible() and field.get_attribute("placeholder")
    field.fill("logo segment")
    field.press("Enter")
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(timeout=10000)
    assert page.url.startswith(f"{server.url}{ROOTS[lang]}?q=")
    href = results.first.get_attribute("href").replace(server.url, "")
    assert href.split("?")[0] == f"{ROOTS[lang]}settings/segment-logo/"


# --- 3. no previous/next links; 2. the footer, in the page's language only ---------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_no_previous_next_links_and_a_footer_in_the_page_language(page, server, lang):
    t = TEXT[lang]
    for url in (ROOTS[lang], f"{ROOTS[lang]}settings/", f"{ROOTS[lang]}{ARTICLE_WITH_SECTIONS}"):
        page.goto(server.url + url)
        assert page.locator(".md-footer__link, a[rel=prev], a[rel=next]").count() == 0, url
        footer = page.locator("footer.md-footer")
        text = footer.inner_text()
        assert "ProAbono" in text and t["credit"] in text and t["other_credit"] not in text, (url, text)
        support = footer.get_by_role("link", name=t["support"], exact=True)
        assert support.is_visible()
        # ProAbono's published contact, never its marketing home; the message names the page read
        href = unquote(support.get_attribute("href"))
        assert href.startswith("mailto:contact@proabono.com?subject="), href
        assert f"\n{url}\r\n" in href and "help.example.com" not in href, (url, href)


# --- 4. home and category pages: cards and lists, the site name once ------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_home_and_category_pages_are_hubs_without_the_documentation_tree(page, server, lang):
    for url in (ROOTS[lang], f"{ROOTS[lang]}settings/"):
        page.goto(server.url + url)
        if page.viewport_name == "desktop":          # on phones the menu button still opens the navigation
            assert not page.locator(".md-sidebar--primary").is_visible(), url
        assert not page.locator(".md-sidebar--secondary").is_visible(), url
        assert visible(page, ".md-content .kb-card__link"), url
    # wherever the side navigation shows, the site name is its title and not repeated as an entry
    page.goto(f"{server.url}{ROOTS[lang]}{ARTICLE_WITH_SECTIONS}")
    site_name = page.locator(".md-nav--primary > .md-nav__title").inner_text().strip()
    entries = [e.inner_text().strip() for e in page.locator(".md-nav--primary > .md-nav__list > li > a, "
                                                              ".md-nav--primary > .md-nav__list > li > label").all()]
    assert site_name and site_name not in entries, entries


# --- 5. popular articles: never the article being read, also on phones ------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_popular_articles_exclude_the_current_one_and_show_at_every_size(page, server, lang, site):
    url = "/" + MOST_POPULAR[lang]
    page.goto(server.url + url)
    lists = [box for box in page.locator(".kb-popular").all() if box.is_visible()]
    assert len(lists) == 1                                   # one visible list, whatever the width
    box = lists[0]
    assert box.locator("h2").inner_text() == TEXT[lang]["popular"]
    hrefs = [a.get_attribute("href") for a in box.locator("a").all()]
    assert len(hrefs) == 5
    targets = [page.evaluate("h => new URL(h, location.href).pathname", h) for h in hrefs]
    assert url not in targets, targets
    # the most popular article is listed on the others' pages
    other = server.url + targets[0]
    page.goto(other)
    shown = [page.evaluate("h => new URL(h, location.href).pathname", a.get_attribute("href"))
             for box in page.locator(".kb-popular").all() if box.is_visible() for a in box.locator("a").all()]
    assert shown[0] == url
    if page.viewport_name == "phone":
        related = page.locator(".md-content .kb-related").bounding_box()
        popular = [b for b in page.locator(".kb-popular").all() if b.is_visible()][0].bounding_box()
        assert popular["y"] > related["y"]                    # after the related articles


# --- 6. the home search field on phones --------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_home_search_field_is_full_width_on_phones_without_a_gap_above(page, server, lang):
    page.goto(server.url + ROOTS[lang])
    field = page.locator("#kb-search-input").bounding_box()
    button = page.get_by_role("button", name=TEXT[lang]["search"], exact=True).bounding_box()
    content = page.locator(".md-content__inner").bounding_box()
    header = page.locator(".md-header").bounding_box()
    title = page.locator(".kb-hero h1").bounding_box()
    if page.viewport_name == "phone":
        assert field["width"] >= content["width"] - 2, (field, content)
        assert button["y"] >= field["y"] + field["height"]          # the button goes below the field
        assert title["y"] - (header["y"] + header["height"]) <= 48, (title, header)
        placeholder = page.evaluate("""() => { const i = document.getElementById('kb-search-input');
            return i.scrollWidth <= i.clientWidth; }""")
        assert placeholder
    else:
        assert abs(button["y"] - field["y"]) < 4                    # side by side
    if lang == "fr":
        shoot(page, "fr-home")


# --- 7. copy-link buttons: an icon, a label in the page's language ------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_copy_link_button_is_an_svg_icon_with_a_label(page, server, lang):
    t = TEXT[lang]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    url = f"{ROOTS[lang]}{ARTICLE_WITH_SECTIONS}"
    page.goto(server.url + url)
    heading = page.locator("h2#security")
    heading.scroll_into_view_if_needed()
    if page.viewport_name == "desktop":
        heading.hover()                     # shown on hover; always shown on touch screens
    button = heading.locator("button.kb-copy-link")
    assert button.get_attribute("aria-label") == t["copy"]
    assert button.inner_text().strip() == ""                             # no glyph that needs a font
    icon = button.locator("svg").first
    box = icon.bounding_box()
    assert box and box["width"] >= 8 and box["height"] >= 8
    assert button.evaluate("b => getComputedStyle(b).opacity") == "1"
    assert page.evaluate("e => getComputedStyle(e).fill", icon.locator("path").element_handle()) != "none"
    if lang == "fr":
        shoot(page, "fr-article")
    button.click()
    # the label changes once the clipboard has accepted the link (a promise): wait for it
    expect(button).to_have_attribute("aria-label", t["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == f"{server.url}{url}#security"
    shown = [s for s in button.locator("svg").all() if s.is_visible()]
    assert len(shown) == 1 and shown[0] != icon                          # a check mark now


# --- 8. the language switch keeps the section ----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_language_switch_keeps_the_section(page, server, lang):
    other = "en" if lang == "fr" else "fr"
    page.goto(f"{server.url}{ROOTS[lang]}{ARTICLE_WITH_SECTIONS}#security")
    page.locator(".md-header__option .md-select > button").click()
    page.locator(f"a.md-select__link[hreflang={other}]").click()
    page.wait_for_url(re.compile(re.escape(f"{server.url}{ROOTS[other]}{ARTICLE_WITH_SECTIONS}") + "#security$"))
    assert page.locator("html").get_attribute("lang") == other
    page.wait_for_function("() => { const r = document.getElementById('security').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < innerHeight; }")
