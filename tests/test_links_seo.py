"""Support-friendly links (short links, aliases, anchors, copy link) and SEO metadata, per language."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from bench.browser import SiteServer
from conftest import LANGS, ROOT, SITE_URL, build, plain
from test_site_structure import DOCS, article_sources, url_of


def front_matter_id(md):
    return int(re.search(r"^id: (\d+)$", md.read_text(encoding="utf-8"), re.M).group(1))


def redirect_target(site, stub):
    html = stub.read_text(encoding="utf-8")
    m = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    assert m, stub
    return site.resolve(stub, m.group(1))


@pytest.mark.parametrize("lang", LANGS)
def test_short_link_of_every_article_redirects_to_it_in_the_same_language(site, lang):
    for md in article_sources(lang):
        stub = site.page_file(("" if lang == "fr" else "en/") + f"a/{front_matter_id(md)}/")
        assert stub.is_file(), md
        assert redirect_target(site, stub) == site.page_file(url_of(lang, md)).resolve()
        shown = site.soup(site.page_file(url_of(lang, md))).select_one("a[data-kb-short]")
        assert site.resolve(site.page_file(url_of(lang, md)), shown["href"]) == stub.resolve()
        # no real address in the tests (KB_SITE_URL unset): readers see the site-relative short link
        assert shown.get_text(strip=True) == "/" + ("" if lang == "fr" else "en/") + f"a/{front_matter_id(md)}/"
        # the redirect page speaks the article's language (it shows while a slow connection redirects)
        page = site.soup(stub)
        assert page.html["lang"] == lang
        assert page.select_one("meta[name=robots]")["content"] == "noindex"
        text = page.body.get_text(" ", strip=True)
        assert text == REDIRECT_TEXT[lang], text
        assert site.resolve(stub, page.body.a["href"]) == site.page_file(url_of(lang, md)).resolve()


REDIRECT_TEXT = {"fr": "Cet article a changé d\u2019adresse\u00a0: vous allez être redirigé vers sa nouvelle page .",
                 "en": "This article has moved: you are being taken to its new page ."}


def test_headings_have_the_same_explicit_anchors_in_both_languages(site):
    for md in article_sources("fr"):
        ids = {}
        for lang in LANGS:
            twin = DOCS / lang / md.relative_to(DOCS / "fr")
            soup = site.soup(site.page_file(url_of(lang, twin)))
            headings = soup.select("article h2[id], article h3[id]")
            ids[lang] = [h["id"] for h in headings if not h["id"].startswith("kb-")]
            for h in headings:
                if not h["id"].startswith("kb-"):
                    assert h.select_one("a.headerlink")["href"] == "#" + h["id"]
        assert ids["fr"] == ids["en"], md
        # explicit ids in the source, so light edits of a heading's text keep its anchor
        assert len(re.findall(r"^##+ .*\{#[a-z0-9-]+\}\s*$", md.read_text(encoding="utf-8"), re.M)) == len(ids["fr"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_title_description_canonical_hreflang_and_open_graph(site, lang):
    pages = [p for p in site.html_pages() if site.lang_of(p) == lang]
    assert len(pages) == 23
    for page in pages:
        soup = site.soup(page)
        rel = page.relative_to(site.path).parent.as_posix()
        url = "" if rel == "." else rel + "/"
        assert soup.html["lang"] == lang
        assert soup.select_one("link[rel=canonical]")["href"] == SITE_URL + url
        alternates = {l["hreflang"]: l["href"] for l in soup.select("link[rel=alternate][hreflang]")}
        assert set(alternates) == {"fr", "en", "x-default"}
        assert all(h.startswith(SITE_URL) for h in alternates.values())
        assert alternates[lang] == SITE_URL + url
        og = {m["property"]: m["content"] for m in soup.select("meta[property^='og:']")}
        assert og["og:url"] == SITE_URL + url
        assert og["og:locale"] == {"fr": "fr_FR", "en": "en_US"}[lang]
        assert og["og:title"] and og["og:description"] == soup.select_one("meta[name=description]")["content"]
        assert soup.title.get_text().strip()


@pytest.mark.parametrize("lang", LANGS)
def test_articles_carry_their_front_matter_and_json_ld(site, lang):
    for md in article_sources(lang):
        text = md.read_text(encoding="utf-8")
        title = re.search(r'^title: "(.*)"$', text, re.M).group(1).replace('\\"', '"')
        description = re.search(r'^description: "(.*)"$', text, re.M).group(1).replace('\\"', '"')
        soup = site.soup(site.page_file(url_of(lang, md)))
        assert plain(soup.title.get_text()).startswith(title)
        assert soup.select_one("meta[name=description]")["content"] == description
        data = [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]
        kinds = {d["@type"]: d for d in data}
        assert kinds["Article"]["headline"] == title and kinds["Article"]["inLanguage"] == lang
        crumbs = kinds["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
        assert crumbs[-1]["item"] == SITE_URL + url_of(lang, md) and crumbs[-1]["name"] == title
        for c in crumbs:
            assert site.absolute_to_file(c["item"]).is_file()


def test_sitemap_lists_both_languages_with_alternates_and_robots_points_to_it(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site.path / "sitemap.xml").getroot()
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    assert SITE_URL + "settings/segment-logo/" in locs and SITE_URL + "en/settings/segment-logo/" in locs
    for u in root.findall("s:url", ns):
        assert site.absolute_to_file(u.find("s:loc", ns).text).is_file()
        alts = {a.get("hreflang"): a.get("href") for a in u.findall("x:link", ns)}
        assert set(alts) >= {"fr", "en"}
        for href in alts.values():
            assert site.absolute_to_file(href).is_file()
    robots = (site.path / "robots.txt").read_text()
    assert "User-agent: *" in robots and f"Sitemap: {SITE_URL}sitemap.xml" in robots


def test_alias_redirects_old_path_to_the_renamed_article(site_copy, tmp_path):
    for lang in LANGS:
        md = site_copy / "docs" / lang / "settings/segment-logo.md"
        md.write_text(md.read_text(encoding="utf-8").replace("\ntitle:", "\naliases: [settings/how-to-set-up-my-logo.md]\ntitle:", 1),
                      encoding="utf-8")
    dest = tmp_path / "site"
    proc = build(site_copy / "mkdocs.yml", dest)
    assert proc.returncode == 0, proc.stderr
    from conftest import Site
    built = Site(dest)
    for lang in LANGS:
        prefix = "" if lang == "fr" else "en/"
        stub = built.page_file(prefix + "settings/how-to-set-up-my-logo/")
        assert redirect_target(built, stub) == built.page_file(prefix + "settings/segment-logo/").resolve()


def test_alias_that_is_a_live_page_fails_the_build(site_copy, tmp_path):
    md = site_copy / "docs/fr/settings/segment-logo.md"
    md.write_text(md.read_text(encoding="utf-8").replace("\ntitle:", "\naliases: [settings/invoice-footer.md]\ntitle:", 1),
                  encoding="utf-8")
    proc = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "docs/fr/settings/segment-logo.md:3: alias 'settings/invoice-footer.md' is an existing page" in proc.stderr


def test_missing_english_article_is_never_served_silently_in_french(site_copy, tmp_path):
    (site_copy / "docs/en/settings/segment-logo.md").unlink()
    # the strict build refuses it, naming the missing file
    strict = build(site_copy / "mkdocs.yml", tmp_path / "strict")
    assert strict.returncode != 0
    assert "docs/en/settings/segment-logo.md: missing English translation" in strict.stderr
    # the writers' preview (not strict) shows the French text under a clear notice
    out = tmp_path / "preview"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(out)], cwd=site_copy,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    from conftest import Site
    preview = Site(out)
    page = preview.page_file("en/settings/segment-logo/")
    soup = preview.soup(page)
    notice = soup.select_one(".kb-notice")
    assert notice.select_one(".admonition-title").get_text(strip=True) == "This article is not available in English yet."
    assert preview.resolve(page, notice.a["href"]) == preview.page_file("settings/segment-logo/").resolve()
    assert soup.select_one("meta[name=robots]")["content"].startswith("noindex")
    assert soup.select_one("link[rel=canonical]")["href"] == SITE_URL + "settings/segment-logo/"
    assert soup.select_one("div[lang=fr]") is not None



def test_short_link_keeps_the_anchor_and_copy_link_copies_the_full_url(site, browser):
    server = SiteServer(site.path)
    try:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        page = context.new_page()
        page.goto(server.url + "/en/a/2/#security")
        page.wait_for_url("**/en/settings/url-redirections/#security")
        heading = page.locator("h2#security")
        heading.hover()
        button = heading.locator("button.kb-copy-link")
        assert button.get_attribute("aria-label") == "Copy the link to this section"
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == server.url + "/en/settings/url-redirections/#security"
        assert button.get_attribute("aria-label") == "Link copied"
        context.close()
    finally:
        server.close()


def test_edit_this_page_links_to_the_source_file_of_the_language(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_REPO_URL", "https://git.example.com/acme/help")
    monkeypatch.setenv("KB_EDIT_URI", "edit/main/docs/")
    proc = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    from conftest import Site
    built = Site(tmp_path / "site")
    for lang in LANGS:
        page = built.page_file(("" if lang == "fr" else "en/") + "settings/segment-logo/")
        hrefs = [a["href"] for a in built.soup(page).select("a.md-content__button")]
        assert f"https://git.example.com/acme/help/edit/main/docs/{lang}/settings/segment-logo.md" in hrefs


def test_titles_and_descriptions_are_escaped_everywhere(site_copy, tmp_path):
    """Content is text: markup in a title or description never becomes HTML (attributes, lists, JSON-LD)."""
    evil_title = 'Logo <img src=x onerror=alert(1)> "quoted" & \'single\''
    evil_description = 'Une description avec <script>alert(2)</script> et des "guillemets" & co.'
    md = site_copy / "docs/fr/settings/segment-logo.md"
    text = md.read_text(encoding="utf-8")
    text = re.sub(r'^title: ".*"$', "title: " + json.dumps(evil_title), text, count=1, flags=re.M)
    text = re.sub(r'^description: ".*"$', "description: " + json.dumps(evil_description), text, count=1, flags=re.M)
    md.write_text(text, encoding="utf-8")
    proc = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    from conftest import Site
    built = Site(tmp_path / "site")
    for page in (built.page_file("settings/segment-logo/"), built.page_file("settings/"),
                 built.page_file(""), built.page_file("settings/invoice-footer/")):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert(2)" not in html, page
        soup = built.soup(page)
        assert not soup.select("img[onerror]")
    article = built.soup(built.page_file("settings/segment-logo/"))
    assert article.select_one("form[data-kb-feedback]")["data-title"] == evil_title
    assert article.select("nav.kb-breadcrumbs li")[-1].get_text(strip=True) == evil_title
    assert article.select_one("meta[name=description]")["content"] == evil_description
    data = [json.loads(s.string) for s in article.select('script[type="application/ld+json"]')]
    assert {d["@type"]: d for d in data}["Article"]["headline"] == evil_title
    listing = built.soup(built.page_file("settings/"))
    item = listing.select_one('.kb-article-list li[data-kb-id="6"]')
    assert item.a.get_text(strip=True) == evil_title and item.p.get_text(strip=True) == evil_description
