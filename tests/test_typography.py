"""French typography on the built site: no-break spaces before ? ! ; : and inside « », typographic
apostrophes; never in code, URLs, attributes; English pages untouched."""
from __future__ import annotations

import html
import json
import re

import pytest
from bs4 import BeautifulSoup, Comment

from sitebuild import build as site_build
from fixtures import edit, tiny_project

NNBSP, NBSP = "\u202f", "\u00a0"
CODE = ("code", "pre", "kbd", "samp", "script", "style", "textarea", "svg")


def visible_text(soup: BeautifulSoup) -> list[str]:
    """Text nodes a reader sees (not code, scripts, comments), one string per text block."""
    texts = []
    for node in soup.find_all(string=True):
        if isinstance(node, Comment) or any(p.name in CODE for p in node.parents):
            continue
        texts.append(str(node))
    return texts


# a mark that ends a clause (followed by a space or the end), after a word
BREAKING = re.compile(r"\S[ \n\t]+[?!;:](?=\s|$)|«[ \n]|[ \n]»")
GLUED = re.compile(r"[^\s?!;:«(\[" + NNBSP + NBSP + r"][?!;](?=\s|$)|[^\s?!;:«(\[" + NBSP + NNBSP + r"/\d]:(?=\s|$)")


def typography_faults(texts: list[str]) -> list[str]:
    faults = []
    for text in texts:
        for m in BREAKING.finditer(text):
            faults.append(f"breaking space: {text[max(0, m.start() - 30):m.end() + 10]!r}")
        for m in GLUED.finditer(text):
            faults.append(f"no space: {text[max(0, m.start() - 30):m.end() + 10]!r}")
    return faults


def test_french_pages_have_no_breaking_space_before_double_punctuation_or_inside_guillemets(site):
    pages = [p for p in site.html_pages() if site.lang_of(p) == "fr"]
    assert len(pages) > 20
    faults, marks = {}, 0
    for page in pages:
        texts = visible_text(site.soup(page))
        marks += sum(t.count(NNBSP + "?") + t.count(NBSP + ":") for t in texts)
        if f := typography_faults(texts):
            faults[str(page.relative_to(site.path))] = f[:5]
    assert faults == {}
    assert marks > 100                                   # the rule did apply, many times
    # titles: <title>, navigation and breadcrumbs of an article
    soup = site.soup(site.page_file("settings/segment-logo/"))
    assert soup.title.string.startswith("Comment personnaliser le logo d’un segment" + NNBSP + "?")
    assert any(a.get_text().strip().endswith(NNBSP + "?") for a in soup.select("nav.md-nav a"))


def test_english_pages_are_untouched(site):
    for page in (p for p in site.html_pages() if site.lang_of(p) == "en"):
        html = page.read_text(encoding="utf-8")
        assert NNBSP not in html, page
        assert not re.search(NBSP + "[:?!;]", html), page
    soup = site.soup(site.page_file("en/settings/segment-logo/"))
    assert soup.title.string.startswith("How to set up or update a segment logo?")


def test_search_index_titles_and_text_of_french_pages(site):
    fr = json.loads((site.path / "search/search_index.json").read_text(encoding="utf-8"))
    titles = [d["title"] for d in fr["docs"]]
    assert "Comment personnaliser le logo d’un segment" + NNBSP + "?" in titles, titles[:20]
    assert not typography_faults(titles)
    texts = [html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"<code>.*?</code>", "", d["text"]))) for d in fr["docs"]]
    assert not typography_faults(texts)
    en = (site.path / "en/search/search_index.json").read_text(encoding="utf-8")
    assert NNBSP not in en


PLANTED_FR = ("Comment faire ? Voir : « texte » et l'offre ! Oui ; à 10:30, https://example.com/a?b=c:d, "
              "ratio 3:2, `a ? b : c` et `:-)`.\n\n```text\nheure : 10:30 ?\n```\n")
PLANTED_EN = ("How? See: \"text\" and the customer's offer! Yes; at 10:30, https://example.com/a?b=c:d, "
              "`a ? b : c`.\n")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    project = tiny_project(tmp_path_factory.mktemp("typo") / "project")
    edit(project, "fr/settings/alpha.md", "Choisissez la valeur par défaut.", PLANTED_FR)
    edit(project, "en/settings/alpha.md", "Choose the default value.", PLANTED_EN)
    site = project.parent / "site"
    proc = site_build.build_site(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return site


def test_rules_on_a_planted_paragraph(planted):
    soup = BeautifulSoup((planted / "settings/alpha/index.html").read_text(encoding="utf-8"), "html.parser")
    p = next(p for p in soup.select("article p") if "Comment faire" in p.get_text())
    assert p.get_text() == (f"Comment faire{NNBSP}? Voir{NBSP}: «{NBSP}texte{NBSP}» et l’offre{NNBSP}! "
                            f"Oui{NNBSP}; à 10:30, https://example.com/a?b=c:d, ratio 3:2, a ? b : c et :-).")
    assert [c.get_text() for c in p.find_all("code")] == ["a ? b : c", ":-)"]
    assert soup.select_one("article pre code").get_text() == "heure : 10:30 ?\n"
    # attributes are not text: the permalink's URL and ids keep their characters
    page = (planted / "settings/alpha/index.html").read_text(encoding="utf-8")
    assert 'id="where"' in page


def test_planted_paragraph_untouched_in_english(planted):
    soup = BeautifulSoup((planted / "en/settings/alpha/index.html").read_text(encoding="utf-8"), "html.parser")
    p = next(p for p in soup.select("article p") if p.get_text().startswith("How?"))
    assert p.get_text() == ("How? See: \"text\" and the customer's offer! Yes; at 10:30, "
                            "https://example.com/a?b=c:d, a ? b : c.")
