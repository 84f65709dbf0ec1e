"""Support agents' lookup page (/agents/): built files, data, weight, keyboard and clipboard in chromium, axe."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import time

import pytest
import yaml

from bench.browser import SiteServer
from conftest import ROOT

BLOCKING = ("critical", "serious")


def _front_matter(path):
    """Front matter of a Markdown file ({} for a file without one, e.g. a shared snippet)."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1]) or {} if text.startswith("---") else {}


def test_page_is_noindex_out_of_navigation_and_sitemap(site):
    page = site.page_file("agents/")
    soup = site.soup(page)
    assert soup.select_one('meta[name=robots]')["content"].startswith("noindex")
    assert soup.html["lang"] == "fr"
    assert not site.page_file("en/agents/").exists()
    assert "agents/" not in (site.path / "sitemap.xml").read_text(encoding="utf-8")
    for other in site.html_pages():
        if other.resolve() == page.resolve():
            continue
        hrefs = [a.get("href", "") for a in site.soup(other).select("a[href]")]
        assert not [h for h in hrefs if re.search(r"(^|/)agents/", h)], other
        assert "kb-agents" not in other.read_text(encoding="utf-8"), other     # its script: this page only


def test_page_loads_only_its_own_small_assets(site):
    soup = site.soup(site.page_file("agents/"))
    scripts = [s["src"] for s in soup.select("script[src]")]
    styles = [s["href"] for s in soup.select("link[rel=stylesheet]")]
    assert scripts == ["../assets/kb-agents.js"] and styles == ["../assets/kb-agents.css"]
    own = sum(len(gzip.compress((site.path / "assets" / name).read_bytes(), 9))
              for name in ("kb-agents.js", "kb-agents.css"))
    assert own <= 5_000, own


def test_data_has_both_languages_short_links_sections_and_review_state(site):
    data = json.loads((site.path / "agents/agents.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in data["articles"]}
    for md in sorted((ROOT / "docs/fr").rglob("*.md")):
        fm = _front_matter(md)
        if "id" not in fm:
            continue
        en = _front_matter(ROOT / "docs/en" / md.relative_to(ROOT / "docs/fr"))
        item = by_id[fm["id"]]
        assert item["fr"]["title"] == fm["title"] and item["en"]["title"] == en["title"]
        assert item["fr"]["short"] == f"a/{fm['id']}/" and item["en"]["short"] == f"en/a/{fm['id']}/"
        body = md.read_text(encoding="utf-8").split("---", 2)[2]
        ids = re.findall(r"^## .*\{#([\w-]+)\}\s*$", body, flags=re.M)
        assert [s["id"] for s in item["fr"]["sections"]] == ids
        assert [s["id"] for s in item["en"]["sections"]] == ids      # same ids in both languages
        review = set(fm.get("review") or []) | set(en.get("review") or [])
        assert set(item["incomplete"]) == review & {"missing-steps", "missing-content"}
    assert len(by_id) == len([m for m in (ROOT / "docs/fr").rglob("*.md") if "id" in _front_matter(m)])


@pytest.fixture(scope="module")
def server(site):
    srv = SiteServer(site.path)
    yield srv
    srv.close()


def _open(browser, server, path="/agents/"):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path)
    return context, page, errors


def _type(page, query):
    page.locator("#kb-agents-q").press_sequentially(query, delay=15)
    page.locator(".kb-agents-result").first.wait_for(timeout=5000)
    time.sleep(0.2)


def _clipboard(page):
    time.sleep(0.2)
    return page.evaluate("() => navigator.clipboard.readText()")


def test_french_query_shows_the_english_twin_and_enter_copies_the_ticket_language_link(browser, server):
    context, page, errors = _open(browser, server)
    try:
        assert page.evaluate("() => document.activeElement.id") == "kb-agents-q"   # type at once
        _type(page, "pied de page factures")
        first = page.locator(".kb-agents-result").first
        assert first.locator("a[lang=fr]").inner_text() == "Comment modifier le pied de page des factures ?"
        assert first.locator("a[lang=en]").inner_text() == "How to edit the invoice footer?"
        assert "/en/a/8/" in first.inner_text() and "/a/8/" in first.inner_text()
        page.keyboard.press("Enter")                                   # ticket language: French (default)
        assert _clipboard(page) == f"{server.url}/a/8/"
        page.get_by_label("EN", exact=True).check()
        page.locator("#kb-agents-q").focus()
        page.keyboard.press("Enter")
        assert _clipboard(page) == f"{server.url}/en/a/8/"
        assert page.locator("#kb-agents-status").inner_text().endswith(f"{server.url}/en/a/8/")
        # arrows move through the results; Enter copies the chosen one
        page.locator("#kb-agents-q").fill("")
        _type(page, "portail client")
        assert page.locator(".kb-agents-result").count() >= 2
        second_id = page.locator(".kb-agents-result").nth(1).get_attribute("data-id")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert _clipboard(page) == f"{server.url}/en/a/{second_id}/"
        assert not errors
    finally:
        context.close()


def test_buttons_copy_french_english_section_and_markdown_links(browser, server):
    context, page, errors = _open(browser, server)
    try:
        _type(page, "logo segment")
        first = page.locator(".kb-agents-result").first
        assert first.get_attribute("data-id") == "6"
        first.get_by_role("button", name="Copier le lien EN").click()
        assert _clipboard(page) == f"{server.url}/en/a/6/"
        first.get_by_role("button", name="Copier le lien FR").click()
        assert _clipboard(page) == f"{server.url}/a/6/"
        section = first.locator("select")
        section.select_option("hide")
        first.get_by_role("button", name="Copier le lien de la section").click()
        assert _clipboard(page) == f"{server.url}/a/6/#hide"
        first.get_by_role("button", name="Copier en Markdown").click()
        assert _clipboard(page) == f"[Comment personnaliser le logo d'un segment ?]({server.url}/a/6/#hide)"
        # the copied links lead to the article, at the section
        page.goto(f"{server.url}/a/6/#hide")
        page.wait_for_url(re.compile(r"/settings/segment-logo/#hide$"))
        assert not errors
    finally:
        context.close()


def test_missing_language_and_incomplete_article_say_so(browser, site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site.path, copy)
    path = copy / "agents/agents.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    item = next(a for a in data["articles"] if a["id"] == 6)
    item["en"] = None
    item["incomplete"] = ["missing-steps", "missing-content"]
    path.write_text(json.dumps(data), encoding="utf-8")
    srv = SiteServer(copy)
    context, page, errors = _open(browser, srv)
    try:
        _type(page, "logo segment")
        first = page.locator(".kb-agents-result").first
        text = first.inner_text()
        assert "Pas de version anglaise" in text
        assert "Article incomplet : étapes manquantes, contenu manquant" in text
        assert first.get_by_role("button", name="Copier le lien EN").count() == 0
        page.get_by_label("EN", exact=True).check()
        page.locator("#kb-agents-q").focus()
        page.keyboard.press("Enter")                       # no English version: the French link
        assert _clipboard(page) == f"{srv.url}/a/6/"
        assert not errors
    finally:
        context.close()
        srv.close()


def test_typo_and_english_query_find_the_article(browser, server):
    context, page, _ = _open(browser, server)
    try:
        _type(page, "sandbx")
        assert page.locator(".kb-agents-result").first.get_attribute("data-id") == "11"
        page.locator("#kb-agents-q").fill("")
        _type(page, "invoice footer")
        assert page.locator(".kb-agents-result").first.get_attribute("data-id") == "8"
    finally:
        context.close()


def test_no_serious_accessibility_violation(browser, server):
    from axe_playwright_python.sync_playwright import Axe
    context, page, _ = _open(browser, server)
    try:
        _type(page, "portail client")
        violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
        assert not violations, [(v["id"], v["help"]) for v in violations]
    finally:
        context.close()


def test_data_says_which_language_is_missing(tmp_path):
    """From the catalogue: an article without its English twin has ``en: null``; headings in code are not sections."""
    from fixtures import TINY_DOCS
    from helpcenter.pages import agents
    from helpcenter import content
    docs = tmp_path / "docs"
    shutil.copytree(TINY_DOCS, docs)
    (docs / "en/settings/beta.md").unlink()
    alpha = docs / "fr/settings/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\n```md\n## Pas une section {#not-one}\n```\n",
                     encoding="utf-8")
    data = agents.data(content.load(docs, ["fr", "en"], "fr"))
    items = {a["id"]: a for a in data["articles"]}
    assert items[2]["en"] is None and items[2]["fr"]["title"]
    assert [s["id"] for s in items[1]["fr"]["sections"]] == ["where", "choose"]
    assert items[1]["en"]["short"] == "en/a/1/" and items[1]["fr"]["short"] == "a/1/"


def test_query_found_in_a_section_title_chooses_that_section(browser, server):
    context, page, _ = _open(browser, server)
    try:
        _type(page, "masquer logo")
        first = page.locator(".kb-agents-result").first
        assert first.get_attribute("data-id") == "6" and first.locator("select").input_value() == "hide"
        page.keyboard.press("Enter")
        assert _clipboard(page) == f"{server.url}/a/6/#hide"
    finally:
        context.close()


def test_served_css_has_no_comments_but_keeps_strings(site):
    from helpcenter.pages.assets import minify_css
    assert minify_css('/* a */ .x::before {\n  content: "/* not a comment */";  }\n') == \
        '.x::before { content: "/* not a comment */"; }\n'
    served = (site.path / "assets/kb.css").read_text(encoding="utf-8")
    assert "/*" not in served and ".kb-hero" in served


def test_page_fits_a_phone_screen_with_long_section_titles(browser, server):
    """On a 390 px phone, nothing is wider than the screen: the section picker (long section titles in
    both languages) shrinks to it, and the page never scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server.url + "/agents/")
        for query in ("portail client", "pages hébergées", "facture"):
            page.locator("#kb-agents-q").fill("")
            _type(page, query)
            assert page.locator(".kb-agents-result select").count() >= 1, query
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, query
            widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
                '.kb-agents-result, .kb-agents-result select, .kb-agents-result button, .kb-agents-result a')]
                .map(e => e.getBoundingClientRect().right))""")
            assert widest <= 390, (query, widest)
            # the picker still works: choosing a section changes the section link
            select = page.locator(".kb-agents-result select").first
            select.select_option(index=1)
            assert select.input_value() != ""
    finally:
        context.close()
