"""The real site, built strictly: categories, breadcrumbs, language switch, seed article."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LANGS, ROOT, plain
from helpcenter import content

DOCS = ROOT / "docs"


def article_sources(lang: str) -> list[Path]:
    """Every article file (shared snippets, docs/<lang>/_snippets/, are not pages)."""
    return sorted(p for p in (DOCS / lang).rglob("*.md")
                  if p.name != "index.md" and "_snippets" not in p.relative_to(DOCS / lang).parts)


def url_of(lang: str, md: Path) -> str:
    rel = md.relative_to(DOCS / lang).with_suffix("").as_posix()
    return ("" if lang == "fr" else "en/") + rel + "/"


def test_twenty_settings_articles_in_both_languages():
    fr = {p.relative_to(DOCS / "fr") for p in article_sources("fr")}
    en = {p.relative_to(DOCS / "en") for p in article_sources("en")}
    assert fr == en
    assert len(fr) == 20
    assert all(p.parts[0] == "settings" for p in fr)
    assert Path("settings/emails/auto-send-invoices.md") in fr


def test_catalogue_of_real_content_has_no_problem():
    catalogue = content.load(DOCS, LANGS, "fr", root=ROOT)
    assert [str(p) for p in catalogue.problems] == []
    fr, en = catalogue["fr"], catalogue["en"]
    assert {a.path: a.id for a in fr.articles.values()} == {a.path: a.id for a in en.articles.values()}
    assert len(fr.by_id) == len(fr.articles) == 20


@pytest.mark.parametrize("lang", LANGS)
def test_every_article_page_is_built_with_its_title(site, lang):
    for md in article_sources(lang):
        page = site.page_file(url_of(lang, md))
        assert page.is_file(), f"{md} was not built"
        soup = site.soup(page)
        assert soup.html["lang"] == lang
        h1 = soup.select_one("article h1")
        assert h1 is not None and h1.get_text(strip=True), f"{page} has no title"


@pytest.mark.parametrize("lang", LANGS)
def test_category_pages_list_exactly_the_articles_of_their_folder(site, lang):
    folders = sorted({md.parent for md in (DOCS / lang).rglob("index.md") if md.parent != DOCS / lang})
    assert folders, "no category"
    for folder in folders:
        rel = folder.relative_to(DOCS / lang).as_posix()
        page = site.page_file(("" if lang == "fr" else "en/") + rel + "/")
        soup = site.soup(page)
        listed = {site.resolve(page, a["href"]) for a in soup.select(".kb-article-list a")}
        expected = {site.page_file(url_of(lang, md)).resolve()
                    for md in folder.glob("*.md") if md.name != "index.md"}
        assert listed == expected, f"category {rel} ({lang})"
        for sub in (p for p in folder.iterdir() if (p / "index.md").is_file()):
            hrefs = {site.resolve(page, a["href"]) for a in soup.select(".kb-cards a")}
            assert site.page_file(url_of(lang, sub / "index.md").replace("/index/", "/")).resolve() in hrefs


@pytest.mark.parametrize("lang,home_title", [("fr", "Accueil"), ("en", "Home")])
def test_breadcrumbs_go_from_home_through_categories_to_the_page(site, lang, home_title):
    for md in article_sources(lang):
        page = site.page_file(url_of(lang, md))
        soup = site.soup(page)
        items = soup.select("nav.kb-breadcrumbs li")
        texts = [li.get_text(" ", strip=True) for li in items]
        assert texts[0] == home_title
        assert texts[-1] == soup.select_one("article h1").get_text(strip=True)
        # each intermediate crumb is the category page of one folder level, in order
        folders = md.relative_to(DOCS / lang).parent.parts
        assert len(items) == len(folders) + 2, texts
        for depth, li in enumerate(items[1:-1], start=1):
            target = site.resolve(page, li.a["href"])
            cat_url = ("" if lang == "fr" else "en/") + "/".join(folders[:depth]) + "/"
            assert target == site.page_file(cat_url).resolve()
            assert li.get_text(strip=True) == site.soup(target).select_one("article h1").get_text(strip=True)
        assert site.resolve(page, items[0].a["href"]) == site.page_file("" if lang == "fr" else "en/").resolve()


def test_every_page_language_switch_lands_on_the_same_page_in_the_other_language(site):
    pages = site.html_pages()
    assert len(pages) >= 2 * 23
    for page in pages:
        soup = site.soup(page)
        lang = site.lang_of(page)
        other = "en" if lang == "fr" else "fr"
        links = soup.select(f"a.md-select__link[hreflang={other}]")
        assert len(links) == 1, f"{page}: no switch to {other}"
        target = site.resolve(page, links[0]["href"])
        assert target.is_file(), f"{page}: switch to missing {target}"
        assert site.lang_of(target) == other
        # same relative path in the other language
        rel = page.relative_to(site.path).as_posix().removeprefix("en/")
        assert target.relative_to(site.path).as_posix().removeprefix("en/") == rel
        alternates = {l["hreflang"]: site.absolute_to_file(l["href"]) for l in soup.select("link[rel=alternate][hreflang]")}
        assert alternates[other] == target and alternates[lang] == page.resolve()
        assert alternates["x-default"] == (page.resolve() if lang == "fr" else target)


SEED_FR = ["« Paramètres »", "« Pages hébergées »", "« Portail Client »", "« Mode de paiement »",
           "« Action du bouton : Supprimer le moyen de paiement »", "« Supprimer le moyen de paiement »",
           "« Redirige le client vers une page de votre application »", "« Manage hosted pages »",
           "« Client – moyen de paiement modifié »"]
SEED_EN = ['"Settings"', '"Hosted Pages"', '"Customer Portal"', '"Payment Method"',
           '"Button Action: Delete Payment Method"', '"Delete Payment Method"',
           '"Redirect the customer to a page on your application"', '"Manage hosted pages"']


@pytest.mark.parametrize("lang,labels,warning_words,replaces", [
    ("fr", SEED_FR, ["impayées", "suspension"], "elle la remplace"),
    ("en", SEED_EN, ["unpaid", "suspended"], "it replaces it"),
])
def test_seed_article_shows_every_step_and_its_warning(site, lang, labels, warning_words, replaces):
    page = site.page_file(("" if lang == "fr" else "en/") + "settings/delete-payment-method-portal/")
    soup = site.soup(page)
    # French typography: no-break spaces around « » and before :, typographic apostrophes
    text = " ".join(plain(soup.select_one("article").get_text(" ", strip=True)).split())
    for label in labels:
        assert label in text, label
    warning = soup.select_one("article .admonition.warning")
    assert warning is not None
    for word in warning_words:
        assert word in warning.get_text(" ").lower()
    # five backoffice steps to enable deletion
    steps = soup.find(id="enable").find_next("ol").find_all("li", recursive=False)
    assert len(steps) == 5
    for section in ("context", "alternative", "going-further", "url-redirection", "webhook"):
        assert soup.find(id=section) is not None, section
    # a redirection on the "Delete" button replaces deletion: no procedure for a redirection "after deletion"
    redirection = soup.find(id="url-redirection")
    between = []
    for el in redirection.find_all_next():
        if el.get("id") == "webhook":
            break
        between.append(el)
    assert not any(el.name == "ol" for el in between)
    said = " ".join(el.get_text(" ") for el in between if el.name == "p").replace("\u202f", " ").replace("\xa0", " ")
    assert replaces in " ".join(said.split())
    # the old path through the customer workflows' redirection pages is gone
    for old in ("Pages de redirection", "Redirection Pages", "Customer Journey"):
        assert old not in text, old


def test_sidebar_cuts_long_categories_with_a_show_all_link(site):
    page = site.page_file("settings/url-redirections/")
    soup = site.soup(page)
    nav = soup.select_one("nav.md-nav--primary")
    show_all = [a for a in nav.select("a.md-nav__link") if a.get_text(strip=True).startswith("Afficher tout")]
    assert len(show_all) == 1
    assert show_all[0].get_text(strip=True) == "Afficher tout (20)"
    assert site.resolve(page, show_all[0]["href"]) == site.page_file("settings/").resolve()
    # the current page stays visible even when it is beyond the cut
    late = site.page_file("en/settings/upgrade-at-renewal-hosted-pages/")
    nav = site.soup(late).select_one("nav.md-nav--primary")
    assert nav.select_one(".md-nav__link--active").get_text(strip=True).startswith("How does a plan change at renewal work")
    assert any(a.get_text(strip=True) == "Show all (20)" for a in nav.select("a.md-nav__link"))


@pytest.mark.parametrize("lang", LANGS)
def test_home_shows_categories_with_counts_popular_articles_and_search(site, lang):
    page = site.page_file("" if lang == "fr" else "en/")
    soup = site.soup(page)
    cards = soup.select(".kb-categories .kb-card")
    assert len(cards) == 1
    assert cards[0].select_one(".kb-card__count").get_text(strip=True) == "20 articles"
    popular = soup.select(".kb-popular li a")
    assert len(popular) == 5
    for a in popular:
        assert site.resolve(page, a["href"]).is_file()
    assert soup.select_one("form.kb-search-entry input[name=q]") is not None
    assert soup.title.get_text(strip=True) == {"fr": "Centre d’aide ProAbono", "en": "ProAbono Help Center"}[lang]


def test_no_third_party_request_on_page_load(site):
    for page in site.html_pages():
        soup = site.soup(page)
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and el.get("rel") and set(el["rel"]) & {"alternate", "canonical"}:
                    continue
                assert not url.startswith(("http://", "https://", "//")), f"{page}: {tag} {url}"


def test_404_page_language_switch_leads_to_each_home(site):
    soup = site.soup(site.path / "404.html")
    links = {a["hreflang"]: a["href"] for a in soup.select("a.md-select__link")}
    # 404.html is served at any depth, so its links are absolute from the site root
    assert links["fr"] in ("/", "/.") and links["en"] == "/en/"
