"""Incomplete articles (review: missing-steps / missing-content) tell the reader so, near the top, with
a "Contact support" link; that link and the one after a "No" vote carry the article's context through
the support URL template ({id}, {lang}, {title}, {url}, URL-encoded)."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import docs as docs_cli
import docs_build
from fixtures import edit, tiny_project

NOTICE = {"fr": "La procédure détaillée de cet article est en cours de rédaction.",
          "en": "The detailed procedure in this article is still being written."}
CONTACT = {"fr": "Contacter le support", "en": "Contact support"}
TEMPLATE = "https://support.example.com/new?article={id}&lang={lang}&subject={title}&page={url}&keep={other}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_SUPPORT_URL", TEMPLATE)
    project = tiny_project(tmp_path_factory.mktemp("incomplete") / "project")
    for lang in ("fr", "en"):
        edit(project, f"{lang}/settings/alpha.md", "tags: [alpha]", "tags: [alpha]\nreview: [missing-steps]")
    edit(project, "en/settings/alpha.md", 'title: "How to set alpha?"', 'title: "How to set alpha & 100% beta?"')
    site = project.parent / "site"
    proc = docs_build.build_site(project / "mkdocs.yml", site)
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    return project, site


def soup(site, url):
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang,url,href", [
    ("fr", "settings/alpha",
     "https://support.example.com/new?article=1&lang=fr&subject=Comment%20r%C3%A9gler%20l%27alpha%20%3F"
     "&page=https%3A%2F%2Fhelp.example.com%2Fsettings%2Falpha%2F&keep={other}"),
    ("en", "en/settings/alpha",
     "https://support.example.com/new?article=1&lang=en&subject=How%20to%20set%20alpha%20%26%20100%25%20beta%3F"
     "&page=https%3A%2F%2Fhelp.example.com%2Fen%2Fsettings%2Falpha%2F&keep={other}"),
])
def test_incomplete_article_shows_the_notice_with_a_contextual_support_link(built, lang, url, href):
    _, site = built
    page = soup(site, url)
    notice = page.select_one("article .kb-incomplete")
    assert notice is not None and NOTICE[lang] in notice.get_text()
    # near the top: before the body's first section heading
    assert notice.find_next("h2") is not None
    link = notice.find("a")
    assert link.get_text(strip=True) == CONTACT[lang]
    assert link["href"] == href
    # the link shown after a "No" vote carries the same context
    assert page.select_one(".kb-feedback__contact")["href"] == href


def test_complete_article_has_no_notice_and_its_own_context(built):
    _, site = built
    page = soup(site, "settings/beta")
    assert page.select_one(".kb-incomplete") is None
    href = page.select_one(".kb-feedback__contact")["href"]
    assert href.startswith("https://support.example.com/new?article=2&lang=fr&subject=Comment%20r%C3%A9gler%20le%20b")
    assert "&page=https%3A%2F%2Fhelp.example.com%2Fsettings%2Fbeta%2F" in href


def test_real_site_notices_follow_review_codes(site):
    from helpcenter import content
    from conftest import LANGS, ROOT
    catalogue = content.load(ROOT / "docs", LANGS, "fr", root=ROOT)
    shown = hidden = 0
    for lang in LANGS:
        for article in catalogue[lang].articles.values():
            page = site.soup(site.page_file(article.url))
            notice = page.select_one("article .kb-incomplete")
            if {"missing-steps", "missing-content"} & set(article.review):
                assert notice is not None, article.file
                assert notice.find("a")["href"] == page.select_one(".kb-feedback__contact")["href"]
                shown += 1
            else:
                assert notice is None, article.file
                hidden += 1
    assert shown and hidden


def test_status_incomplete_lists_only_incomplete_articles(built, capsys):
    project, _ = built
    capsys.readouterr()
    assert docs_cli.main(["status", "--config", str(project / "mkdocs.yml"), "--incomplete", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["path"], r["review"]) for r in rows] == [(1, "settings/alpha.md", ["missing-steps"])]
    assert docs_cli.main(["status", "--config", str(project / "mkdocs.yml"), "--incomplete"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert [l.split()[1] for l in table[2:-2]] == ["settings/alpha.md"]
    assert table[-1] == "1 incomplete article(s): 1 ok"
