"""Related-articles ranking and popular-articles fallback (unit), and their lists in the built site."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from conftest import LANGS
from helpcenter.ranking import popular, related
from helpcenter.ranking.related import Doc

# A corpus a reader can rank by eye: billing articles vs. portal articles.
CORPUS = [
    Doc(1, "billing", ["invoice"], "Edit the invoice footer", "Footer lines printed on every invoice PDF",
        "The invoice footer has five lines of text printed at the bottom of each invoice."),
    Doc(2, "billing", ["invoice", "email"], "Send invoices by email", "Email each invoice to the customer",
        "ProAbono can email every invoice as a PDF attachment to your customers."),
    Doc(3, "billing", [], "Refund a paid invoice", "Give money back on an invoice",
        "Refunding an invoice creates a credit note for the invoice amount."),
    Doc(4, "portal", ["portal"], "Customer portal buttons", "Change the buttons of the customer portal",
        "The customer portal shows buttons to change the payment method and the plan."),
    Doc(5, "portal", ["portal", "css"], "Customer portal CSS", "Style the customer portal with CSS",
        "Edit the CSS of the customer portal and hosted pages; one stylesheet per language."),
    Doc(6, "portal", [], "Hosted pages languages", "Translate hosted pages",
        "Hosted pages and the customer portal can be translated in every language.", related=[5, 99, 6]),
]


def test_same_category_with_shared_tag_comes_first_then_same_category_then_text():
    ranking = related.rank(CORPUS, count=5)
    # 2 shares the 'invoice' tag and the category; 3 only the category (and the word invoice)
    assert ranking[1][:2] == [2, 3]
    # 5 shares 'portal' with 4 and its category; 6 is in the category without tag
    assert ranking[4][:2] == [5, 6]
    # other categories come last
    assert set(ranking[1][2:]) == {4, 5, 6}


def test_explicit_related_first_in_order_without_unknown_or_self():
    ranking = related.rank(CORPUS, count=3)
    assert ranking[6][0] == 5
    assert 99 not in ranking[6] and 6 not in ranking[6]
    assert ranking[6][1] == 4            # same category, then best text match
    assert len(ranking[6]) == 3


def test_never_lists_itself_and_is_deterministic():
    a = related.rank(CORPUS, count=6)
    b = related.rank(list(reversed(CORPUS)), count=6)
    assert a == b
    for doc_id, ids in a.items():
        assert doc_id not in ids
        assert len(ids) == len(set(ids)) == 5


def test_text_similarity_decides_across_categories():
    docs = [Doc(1, "a", [], "Webhook events", "", "webhook event payment method changed"),
            Doc(2, "b", [], "Payment method webhook", "", "webhook payment method"),
            Doc(3, "c", [], "Logo upload", "", "upload a logo image")]
    assert related.rank(docs, count=2)[1] == [2, 3]


def test_accents_and_plurals_are_folded():
    assert related.tokens("Paramètres des paiements") == ["parametre", "paiement"]


@dataclass
class A:
    id: int
    title: str
    weight: int | None = None


ARTICLES = [A(1, "Zebra", 10), A(2, "Apple", None), A(3, "Mango", 50), A(4, "Banana", None)]


def test_popular_by_weight_then_title_without_stats():
    assert [a.id for a in popular.rank(ARTICLES, "fr", None, 4)] == [3, 1, 2, 4]


def test_popular_from_statistics_file(tmp_path):
    f = tmp_path / "stats.json"
    f.write_text(json.dumps({"version": 1, "articles": {
        "4": {"fr": {"views": 100, "yes": 2, "no": 0}, "en": {"views": 1}},
        "2": {"fr": {"views": 30, "yes": 0, "no": 9}}}}))
    stats, warning = popular.load_stats(f)
    assert warning is None
    assert [a.id for a in popular.rank(ARTICLES, "fr", stats, 3)] == [4, 2, 3]
    assert [a.id for a in popular.rank(ARTICLES, "en", stats, 2)] == [4, 3]


def test_search_clicks_add_to_the_day_then_the_day_is_capped():
    day1, day2 = "2026-11-02", "2026-11-03"
    stats = popular.popularity_by_day(
        [(7, "fr", day1, popular.Counts(views=10, yes=1)), (7, "fr", day2, popular.Counts(views=3))],
        [(7, "fr", day1, 4), (7, "fr", day2, 60), (8, "en", day1, 2)])
    # day 1: 10 views + 10 × 1 yes + 5 × 4 clicks = 40; day 2: 3 + 5 × 60 = 303, capped at 200
    assert stats[(7, "fr")] == popular.Counts(views=13, yes=1, no=0, search_clicks=64)
    assert stats[(7, "fr")].popularity == 40 + 200
    assert stats[(8, "en")].popularity == 10            # clicks alone, an article without views or votes


def test_statistics_file_with_search_clicks(tmp_path):
    f = tmp_path / "stats.json"
    f.write_text(json.dumps({"version": 1, "articles": {
        "2": {"fr": {"views": 40, "yes": 0, "no": 0, "search_clicks": 3}},      # 40 + 15 = 55
        "4": {"fr": {"views": 50, "yes": 0, "no": 0}}}}))                       # no key: 0 clicks, 50
    stats, warning = popular.load_stats(f)
    assert warning is None and stats[(2, "fr")].search_clicks == 3 and stats[(4, "fr")].search_clicks == 0
    assert [a.id for a in popular.rank(ARTICLES, "fr", stats, 2)] == [2, 4]
    f.write_text(json.dumps({"version": 1, "articles": {"2": {"fr": {"views": 1, "search_clicks": "3"}}}}))
    stats, warning = popular.load_stats(f)
    assert stats is None and "article 2/fr: 'search_clicks' must be a whole number ≥ 0" in warning


@pytest.mark.parametrize("content", ["{not json", '{"version": 2, "articles": {}}',
                                     '{"version": 1, "articles": {"x": {}}}',
                                     '{"version": 1, "articles": {"1": {"fr": {"views": -3}}}}'])
def test_malformed_statistics_file_warns_and_falls_back(tmp_path, content):
    f = tmp_path / "stats.json"
    f.write_text(content)
    stats, warning = popular.load_stats(f)
    assert stats is None
    assert str(f) in warning and "weight" in warning
    assert [a.id for a in popular.rank(ARTICLES, "fr", stats, 2)] == [3, 1]


def test_missing_statistics_file_is_silent(tmp_path):
    assert popular.load_stats(tmp_path / "nope.json") == (None, None)


def _synthetic(n: int, seed: int = 1) -> list[Doc]:
    import random
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(3000)] + ["invoice", "customer", "payment"] * 200
    return [Doc(i, f"c{i % 10}", [f"t{i % 37}"], " ".join(rng.choices(words, k=6)), "",
                " ".join(rng.choices(words, k=120))) for i in range(1, n + 1)]


def test_work_per_article_does_not_grow_with_the_corpus():
    """Candidates come from capped postings, so pairs scored per article stay bounded (not O(n))."""
    per_article = []
    for n in (300, 2400):
        stats: dict = {}
        ranking = related.rank(_synthetic(n), count=6, stats=stats)
        assert all(len(v) == 6 for v in ranking.values())
        per_article.append(stats["scored"] / n)
    bound = related.TOP_TERMS * related.POSTING_CAP + related.TAG_CAP + 7
    assert all(x <= bound for x in per_article)
    assert bound < 2400 / 2                             # a constant, far below comparing every pair


@pytest.mark.parametrize("lang", LANGS)
def test_every_article_lists_related_articles_of_its_language(site, lang):
    pages = [p for p in site.html_pages() if site.lang_of(p) == lang and site.soup(p).select_one("form[data-kb-feedback]")]
    assert len(pages) == 20
    heading = {"fr": "Articles liés", "en": "Related articles"}[lang]
    for page in pages:
        box = site.soup(page).select_one(".kb-related")
        assert box.select_one("h2").get_text(strip=True) == heading
        links = box.select("a")
        assert 1 <= len(links) <= 6
        targets = [site.resolve(page, a["href"]) for a in links]
        assert len(set(targets)) == len(targets)
        for target in targets:
            assert target.is_file(), f"{page}: {target}"
            assert target != page.resolve(), f"{page} lists itself"
            assert site.lang_of(target) == lang


def test_seed_article_related_are_the_editors_choice_in_order(site):
    page = site.page_file("settings/delete-payment-method-portal/")
    ids = [int(li["data-kb-id"]) for li in site.soup(page).select(".kb-related li")]
    assert ids[:4] == [14, 2, 15, 16] and len(ids) == 6


@pytest.mark.parametrize("lang", LANGS)
def test_article_sidebar_shows_popular_articles(site, lang):
    page = site.page_file(("" if lang == "fr" else "en/") + "settings/segment-logo/")
    box = site.soup(page).select_one(".md-sidebar--secondary .kb-popular")
    assert box is not None
    links = box.select("a")
    assert len(links) == 5
    assert all(site.resolve(page, a["href"]).is_file() for a in links)
    # weights seeded from view counts: the most viewed article comes first
    first = site.resolve(page, links[0]["href"])
    assert first.parent.name == ("invoice-footer" if lang == "fr" else "url-redirections")


def test_every_interface_string_exists_in_both_languages():
    from helpcenter.language import strings
    assert strings.missing_keys() == {}
    for lang in LANGS:
        assert all(v.strip() for v in strings.strings(lang).values())


def test_statistics_file_ranks_popular_and_a_malformed_one_does_not_break_the_strict_build(site_copy, tmp_path):
    from conftest import Site, build
    stats = site_copy / "data" / "stats.json"
    stats.parent.mkdir()
    stats.write_text(json.dumps({"version": 1, "articles": {"11": {"fr": {"views": 5000, "yes": 1, "no": 0}}}}))
    proc = build(site_copy / "mkdocs.yml", tmp_path / "a")
    assert proc.returncode == 0, proc.stderr
    built = Site(tmp_path / "a")
    home = built.page_file("")
    first = built.soup(home).select(".kb-popular li")[0]
    assert first["data-kb-id"] == "11"                       # the statistics file wins over weights
    en_first = built.soup(built.page_file("en/")).select(".kb-popular li")[0]
    assert en_first["data-kb-id"] != "11"                    # counts are per language

    stats.write_text("{broken")
    proc = build(site_copy / "mkdocs.yml", tmp_path / "b")
    assert proc.returncode == 0, proc.stderr
    assert "stats.json: statistics file is not valid JSON" in proc.stderr
    built = Site(tmp_path / "b")
    assert built.soup(built.page_file("")).select(".kb-popular li")[0]["data-kb-id"] == "8"   # weight fallback


def test_an_article_found_through_search_ranks_above_one_that_was_not_in_the_built_site(site_copy, tmp_path):
    """Collector -> ``feedback export`` -> strict build: « Articles populaires » on the French home page.
    Three articles last by weight (never popular without statistics), over three days:
    ``found``: 20 views and 10 search clicks a day (20 + 5 × 10 = 70 a day, 210);
    ``read``: 60 views a day, no search (180), read more but never searched for;
    ``burst``: 1,000 search clicks in one day (a bot repeating a search): capped at 200."""
    from conftest import Site, build
    from feedback.storage import Search, SQLiteStorage, View
    from helpcenter import content
    from test_feedback_cli import cli

    fr = content.load(site_copy / "docs", ["fr", "en"], "fr", root=site_copy)["fr"]
    listed = [a for a in fr.by_id.values() if a.listed]
    burst, read, found = popular.rank(listed, "fr", None, len(listed))[-3:]
    today = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    events = [Search("fr", "bouton introuvable", 2, burst.id, today)] * 1000
    for d in range(3):
        day = today - timedelta(days=d)
        events += [View(found.id, "fr", day.date())] * 20 + [Search("fr", "logo", 3, found.id, day)] * 10
        events += [View(read.id, "fr", day.date())] * 60
    storage = SQLiteStorage(tmp_path / "f.sqlite3")
    storage.record(events)
    storage.close()
    r = cli("export", "--db", str(tmp_path / "f.sqlite3"), "--out", "data/stats.json", cwd=site_copy)
    assert r.returncode == 0, r.stderr
    proc = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    home = Site(tmp_path / "site").soup(Site(tmp_path / "site").page_file(""))
    box = home.select_one(".kb-popular")
    assert box.select_one("h2").get_text(strip=True) == "Articles populaires"
    ids = [int(li["data-kb-id"]) for li in box.select("li")]
    assert ids[:3] == [found.id, burst.id, read.id]
