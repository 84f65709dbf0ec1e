"""Accessibility in a real browser: axe-core (bundled by axe-playwright-python) run in Debian's chromium
on the home page, a category page and an article of each language, the article with its vote widget
opened by a "No" vote. No critical and no serious violation is allowed.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.browser import SiteServer
from conftest import LANGS

NO = {"fr": "Non", "en": "No"}
BLOCKING = ("critical", "serious")


@pytest.fixture(scope="module")
def violations(site, browser) -> dict[tuple[str, str], tuple[str, list[dict]]]:
    """{(lang, kind): (url, axe violations)}, every page checked once."""
    server = SiteServer(site.path)
    out = {}
    try:
        for lang in LANGS:
            for kind, url in _pages(site, lang).items():
                context = browser.new_context()
                try:
                    page = context.new_page()
                    page.goto(f"{server.url}/{url}", wait_until="load")
                    if kind == "article":
                        page.get_by_role("button", name=NO[lang], exact=True).click()
                        page.locator(".kb-feedback__more .kb-feedback__contact").wait_for(state="visible")
                    out[(lang, kind)] = (url, Axe().run(page).response["violations"])
                finally:
                    context.close()
    finally:
        server.close()
    return out


def _pages(site, lang: str) -> dict[str, str]:
    """Site-root-relative URLs: the home, its first category, that category's first article."""
    root = "" if lang == LANGS[0] else f"{lang}/"
    home = site.page_file(root)
    card = site.soup(home).select_one("a.kb-card__link")
    assert card is not None, f"no category card on /{root}"
    category = site.resolve(home, card["href"])
    first = site.soup(category).select_one(".kb-article-list a")
    assert first is not None, f"no article listed on {category}"
    article = site.resolve(category, first["href"])
    rel = lambda p: p.relative_to(site.path.resolve()).parent.as_posix() + "/"  # noqa: E731
    return {"home": root, "category": rel(category), "article": rel(article)}


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                            for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", ["home", "category", "article"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_critical_or_serious_axe_violation(violations, lang, kind):
    url, found = violations[(lang, kind)]
    blocking = [v for v in found if v.get("impact") in BLOCKING]
    assert not blocking, f"/{url}:\n{_report(blocking)}"
