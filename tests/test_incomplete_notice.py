"""Incomplete articles (review: missing-steps / missing-content) tell the reader so, near the top, with
a "Contact support" link; that link, the one after a "No" vote and the footer's carry the page's context:
by default in an e-mail to ProAbono's published contact, else through the support URL template ({id},
{lang}, {title}, {url}, URL-encoded)."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from cli import main as docs_cli
from sitebuild import build as site_build
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
    proc = site_build.build_site(project / "mkdocs.yml", site)
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    return project, site


def soup(site, url):
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang,url,href", [
    ("fr", "settings/alpha",
     "https://support.example.com/new?article=1&lang=fr&subject=Comment%20r%C3%A9gler%20l%27alpha%20%3F"
     "&page=%2Fsettings%2Falpha%2F&keep={other}"),
    ("en", "en/settings/alpha",
     "https://support.example.com/new?article=1&lang=en&subject=How%20to%20set%20alpha%20%26%20100%25%20beta%3F"
     "&page=%2Fen%2Fsettings%2Falpha%2F&keep={other}"),
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
    assert "&page=%2Fsettings%2Fbeta%2F" in href    # no real address: site-relative, never the placeholder


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


@pytest.fixture(scope="module")
def built_default(tmp_path_factory):
    """The tiny project built as the repository's mkdocs.yml says: no KB_SUPPORT_URL."""
    project = tiny_project(tmp_path_factory.mktemp("incomplete-default") / "project")
    for lang in ("fr", "en"):
        edit(project, f"{lang}/settings/alpha.md", "tags: [alpha]", "tags: [alpha]\nreview: [missing-steps]")
    edit(project, "en/settings/alpha.md", 'title: "How to set alpha?"', 'title: "How to set alpha & 100% beta?"')
    site = project.parent / "site"
    mp = pytest.MonkeyPatch()
    mp.delenv("KB_SUPPORT_URL", raising=False)
    mp.delenv("KB_SUPPORT_EMAIL", raising=False)
    proc = site_build.build_site(project / "mkdocs.yml", site)
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    return project, site


def mail(href: str) -> tuple[str, str, str]:
    """(address, subject, body) of a mailto: link, decoded as a mail client does."""
    parts = urlsplit(href)
    assert parts.scheme == "mailto", href
    fields = parse_qs(parts.query, strict_parsing=True)
    assert set(fields) == {"subject", "body"}, href
    return parts.path, fields["subject"][0], fields["body"][0]


@pytest.mark.parametrize("lang,url,subject,body", [
    ("fr", "settings/alpha",
     "Question sur l\u2019article 1 du centre d\u2019aide\u00a0: Comment régler l\u2019alpha\u202f?",
     "Bonjour,\r\n\r\nJe lis l\u2019article «\u00a0Comment régler l\u2019alpha\u202f?\u00a0» (n° 1, version française)\u00a0:"
     "\r\n/settings/alpha/\r\n\r\nMa question\u00a0:\r\n\r\n"),
    ("en", "en/settings/alpha",
     "Question about help center article 1: How to set alpha & 100% beta?",
     "Hello,\r\n\r\nI am reading the article \u201cHow to set alpha & 100% beta?\u201d (no. 1, English version):"
     "\r\n/en/settings/alpha/\r\n\r\nMy question:\r\n\r\n"),
])
def test_by_default_support_is_an_email_to_the_published_contact_naming_the_article(built_default, lang, url,
                                                                                      subject, body):
    _, site = built_default
    page = soup(site, url)
    hrefs = {page.select_one("article .kb-incomplete a")["href"], page.select_one(".kb-feedback__contact")["href"],
             page.select_one(".kb-footer a")["href"]}
    assert len(hrefs) == 1                          # notice, after "No" and footer: the same message
    assert mail(hrefs.pop()) == ("contact@proabono.com", subject, body)
    assert "proabono.com/" not in str(page)         # never the marketing home


@pytest.mark.parametrize("lang,url,body_start", [
    ("fr", "settings", "Bonjour,\r\n\r\nJe vous écris depuis cette page du centre d\u2019aide\u00a0:\r\n"
                       "/settings/\r\n"),
    ("en", "en", "Hello,\r\n\r\nI am writing from this page of the help center:\r\n/en/\r\n"),
])
def test_footer_of_a_page_that_is_no_article_carries_its_address(built_default, lang, url, body_start):
    _, site = built_default
    address, subject, body = mail(soup(site, url).select_one(".kb-footer a")["href"])
    assert address == "contact@proabono.com"
    assert subject in ("Question depuis le centre d\u2019aide", "Question from the help center")
    assert body.startswith(body_start)


def test_a_support_email_that_is_no_address_stops_the_build_naming_the_setting(tmp_path):
    project = tiny_project(tmp_path / "project")
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_SUPPORT_EMAIL", "support@example.com?cc=everyone@example.com")
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    mp.undo()
    assert proc.returncode != 0
    assert "mkdocs.yml: extra.kb.support_email is 'support@example.com?cc=everyone@example.com', not an e-mail" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_with_a_real_address_the_message_gives_the_full_address(tmp_path):
    project = tiny_project(tmp_path / "project")
    mp = pytest.MonkeyPatch()
    mp.delenv("KB_SUPPORT_URL", raising=False)
    mp.setenv("KB_SITE_URL", "https://aide.acme.test/kb/")
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    _, _, body = mail(soup(tmp_path / "site", "en/settings/beta").select_one(".kb-feedback__contact")["href"])
    assert "\r\nhttps://aide.acme.test/kb/en/settings/beta/\r\n" in body


def test_a_ticket_form_with_a_query_field_gets_it_empty_outside_a_search(tmp_path):
    """{query} is filled by a search that found nothing (assets/kb-search.js); on an article's links it is
    empty, never the literal field."""
    project = tiny_project(tmp_path / "project")
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_SUPPORT_URL", "https://support.example.com/new?q={query}&article={id}")
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    mp.undo()
    assert proc.returncode == 0, proc.stderr
    page = soup(tmp_path / "site", "settings/beta")
    assert page.select_one(".kb-feedback__contact")["href"] == "https://support.example.com/new?q=&article=2"
    assert page.select_one(".kb-footer a")["href"] == "https://support.example.com/new?q=&article=2"
