"""End to end: a vote clicked in chromium on the built site reaches the real collector and its summary."""
from __future__ import annotations

import time
from contextlib import contextmanager

import httpx
import pytest

from bench.browser import SiteServer
from conftest import ROOT, build
from feedback_support import start_service



def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


@contextmanager
def site_with_collector(site, tmp_path, monkeypatch, **endpoints):
    """The site built into a served folder with ``endpoints`` (env name -> collector path) pointing at a
    real collector that accepts that site's origin; yields (site server, collector)."""
    dest = tmp_path / "site"
    dest.mkdir()
    server = SiteServer(dest)                       # the site's origin, for the collector's CORS
    service = start_service(tmp_path / "collector", catalogue=site.path / "kb-catalogue.json",
                            origins=(server.url,))
    try:
        for name, path in endpoints.items():
            monkeypatch.setenv(name, service.url(path))
        proc = build(ROOT / "mkdocs.yml", dest)
        assert proc.returncode == 0, proc.stderr
        yield server, service
    finally:
        service.stop()
        server.close()


def test_vote_in_the_browser_reaches_the_collector_summary(site, browser, tmp_path, monkeypatch):
    with site_with_collector(site, tmp_path, monkeypatch, KB_FEEDBACK_ENDPOINT="/api/feedback",
                             KB_VIEWS_ENDPOINT="/api/view") as (server, service):
        page = browser.new_page()
        page.goto(server.url + "/settings/invoice-footer/")
        page.get_by_role("button", name="Non", exact=True).click()
        page.get_by_role("radio", name="Étapes manquantes").click()
        page.locator("form[data-kb-feedback] textarea").fill("Il manque la liste des 5 lignes.")
        page.get_by_role("button", name="Envoyer").click()
        page.goto(server.url + "/en/settings/invoice-footer/")
        page.get_by_role("button", name="Yes", exact=True).click()
        page.close()

        def rows():
            data = httpx.get(service.url("/api/feedback/summary"), timeout=5).json()
            items = data["articles"] if isinstance(data, dict) else data
            found = {(r["id"], r["lang"]): r for r in items if r["id"] == 8}
            ok = (found.get((8, "fr"), {}).get("no") == 1 and found.get((8, "en"), {}).get("yes") == 1
                  and found[(8, "fr")].get("views") == 1
                  and found[(8, "fr")].get("reasons", {}).get("missing-steps") == 1)
            return found if ok else None

        found = wait_for(rows)
        assert found, httpx.get(service.url("/api/feedback/summary")).text
        fr, en = found[(8, "fr")], found[(8, "en")]
        # the comment replaced the first "no" (same vote): counted once
        assert (fr["yes"], fr["no"]) == (0, 1)
        assert fr["reasons"] == {"outdated": 0, "missing-steps": 1, "unclear": 0, "other": 0}
        assert en["reasons"] == {"outdated": 0, "missing-steps": 0, "unclear": 0, "other": 0}
        assert (en["yes"], en["no"]) == (1, 0)
        assert en["views"] == 1


def test_searches_and_a_reason_from_the_browser_reach_the_report_and_the_dashboard(site, browser, tmp_path,
                                                                                   monkeypatch):
    """Issue #14's loop, with the real collector: in chromium a search that finds nothing (with an e-mail
    address in it), a search whose result is clicked, a "Non" with a reason; then `feedback report --format
    json` and the dashboard (`feedback dashboard --out`, opened in chromium) show them."""
    import json
    import re

    from test_feedback_cli import cli

    with site_with_collector(site, tmp_path, monkeypatch, KB_FEEDBACK_ENDPOINT="/api/feedback",
                             KB_SEARCH_ENDPOINT="/api/search") as (server, service):
        def accepted(path):
            return lambda r: r.url == service.url(path) and r.request.method == "POST"

        page = browser.new_page()
        page.goto(server.url + "/")
        page.locator(".md-search__input").click()
        with page.expect_response(accepted("/api/search"), timeout=30_000) as nothing:
            page.keyboard.type("Bitcoin  jean.dupont@example.com", delay=30)   # then the reader pauses
        assert nothing.value.status == 201
        assert page.locator(".md-search-result__item").count() == 0

        page.keyboard.press("Control+A")
        with page.expect_response(accepted("/api/search"), timeout=30_000) as settled:
            page.keyboard.type("facture", delay=30)
        assert settled.value.status == 201
        link = page.locator(".md-search-result__item > .md-search-result__link").first
        target = link.evaluate("a => new URL(a.href).pathname")
        with page.expect_response(accepted("/api/search"), timeout=30_000) as clicked:
            link.click()                                   # reported again by the article it opens
        assert clicked.value.status == 201
        assert page.evaluate("location.pathname") == target
        clicked_id = int(page.locator("form[data-kb-feedback]").get_attribute("data-id"))

        with page.expect_response(accepted("/api/feedback"), timeout=30_000) as voted:
            page.get_by_role("button", name="Non", exact=True).click()
        assert voted.value.status == 201
        with page.expect_response(accepted("/api/feedback"), timeout=30_000) as reason:
            page.get_by_role("radio", name="Étapes manquantes").click()
        assert reason.value.status == 201
        page.close()

        catalogue = str(site.path / "kb-catalogue.json")
        report = cli("report", "--db", str(service.db), "--catalogue", catalogue, "--format", "json", cwd=tmp_path)
        assert report.returncode == 0, report.stderr
        data = json.loads(report.stdout)
        assert "jean.dupont" not in report.stdout                 # scrubbed before storage
        assert data["zero_result_queries"]["fr"] == [
            {"query": "bitcoin [email]", "searches": 1, "zero_results": 1, "clicks": 0, "click_rate": 0.0}]
        # reported twice (after the pause, then with the click): counted once, clicked
        assert [q for q in data["top_queries"]["fr"] if q["query"] == "facture"] == [
            {"query": "facture", "searches": 1, "zero_results": 0, "clicks": 1, "click_rate": 1.0}]
        [article] = [a for a in data["least_helpful"] if (a["id"], a["lang"]) == (clicked_id, "fr")]
        assert (article["no"], article["reasons"]["missing-steps"]) == (1, 1)
        exported = cli("export", "--db", str(service.db), "--out", str(tmp_path / "stats.json"), cwd=tmp_path)
        assert exported.returncode == 0, exported.stderr
        stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
        assert stats["articles"][str(clicked_id)]["fr"]["search_clicks"] == 1   # for « Articles populaires »

        out = tmp_path / "dashboard.html"
        dashboard = cli("dashboard", "--db", str(service.db), "--catalogue", catalogue, "--out", str(out),
                        cwd=tmp_path)
        assert dashboard.returncode == 0, dashboard.stderr
        assert "jean.dupont" not in out.read_text(encoding="utf-8")
        view = browser.new_page(viewport={"width": 1100, "height": 900})
        view.goto(out.as_uri())
        fr = view.locator("#lang-fr")
        assert fr.locator("table.queries.zero td.query").all_inner_texts() == ["bitcoin [email]"]
        top = fr.locator("table.queries.top tr", has=view.locator("td.query", has_text=re.compile("^facture$")))
        assert [c.strip() for c in top.locator("td").all_inner_texts()] == ["facture", "1", "0", "1", "100 %"]
        row = fr.locator(f'table.reasons tr[data-id="{clicked_id}"]')
        heads = [h.strip() for h in fr.locator("table.reasons thead th").all_inner_texts()]
        cells = dict(zip(heads[1:], (int(c) for c in row.locator("td").all_inner_texts()[1:])))
        assert cells["no"] == 1 and cells["Missing steps"] == 1
        screenshots = ROOT / "test-artifacts" / "screenshots"
        screenshots.mkdir(parents=True, exist_ok=True)
        view.screenshot(path=str(screenshots / "search-e2e-dashboard.png"), full_page=True)
        view.close()
