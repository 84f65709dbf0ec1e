"""Front-matter `keywords`: the words readers type for an article that its text does not say (issue 21:
"TVA", "remboursement", "refund"…). Searched like tags, never shown, validated like the rest."""
from __future__ import annotations

import html
import io
import json
import re
import time

from bench.browser import SiteServer
from cli import check as cli_check
from conftest import build


def add_keywords(md, words: str) -> None:
    """Set the article's keywords (replacing those it has: YAML would keep the last of two keys)."""
    text = re.sub(r"^keywords: .*\n", "", md.read_text(encoding="utf-8"), count=1, flags=re.M)
    md.write_text(re.sub(r"^tags: ", f"keywords: {words}\ntags: ", text, count=1, flags=re.M), encoding="utf-8")


def test_keywords_are_searched_in_their_language_and_never_shown(site_copy, tmp_path, browser):
    add_keywords(site_copy / "docs/fr/settings/invoice-footer.md", '[numéro de TVA, "où mettre mon SIRET"]')
    add_keywords(site_copy / "docs/en/settings/invoice-footer.md", "[VAT number, company registration number]")
    proc = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    fr = json.loads((tmp_path / "site/search/search_index.json").read_text(encoding="utf-8"))
    entry = next(d for d in fr["docs"] if d["location"] == "settings/invoice-footer/")
    assert {"numéro de TVA", "où mettre mon SIRET"} <= {html.unescape(k) for k in entry["keywords"]}
    page_html = (tmp_path / "site/settings/invoice-footer/index.html").read_text(encoding="utf-8")
    assert "SIRET" not in page_html                       # searched, not shown
    srv = SiteServer(tmp_path / "site")
    try:
        for path, query, expected in (("/", "siret", "/settings/invoice-footer/"),
                                      ("/en/", "VAT number", "/en/settings/invoice-footer/")):
            page = browser.new_page()
            page.goto(srv.url + path)
            page.keyboard.press("/")
            page.locator("input.md-search__input").press_sequentially(query, delay=10)
            first = page.locator(".md-search-result__item > a").first
            first.wait_for(timeout=10000)
            time.sleep(0.4)
            href = page.locator(".md-search-result__item > a").first.get_attribute("href")
            assert href.replace(srv.url, "").split("?")[0].split("#")[0] == expected, (query, href)
            page.close()
    finally:
        srv.close()


def test_keywords_are_validated_with_file_and_line(tmp_path):
    from fixtures import tiny_project
    project = tiny_project(tmp_path / "project")
    md = project / "docs/fr/settings/alpha.md"
    add_keywords(md, "[x, " + "y" * 90 + "]")
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) >= 1
    line = md.read_text(encoding="utf-8").splitlines().index(next(
        l for l in md.read_text(encoding="utf-8").splitlines() if l.startswith("keywords:"))) + 1
    assert f"docs/fr/settings/alpha.md:{line}: " in out.getvalue() and "keywords" in out.getvalue(), out.getvalue()
