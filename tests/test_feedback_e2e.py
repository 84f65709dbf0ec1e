"""End to end: a vote clicked in chromium on the built site reaches the real collector and its summary."""
from __future__ import annotations

import time

import httpx
import pytest

from browser_support import SiteServer
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


def test_vote_in_the_browser_reaches_the_collector_summary(site, browser, tmp_path, monkeypatch):
    dest = tmp_path / "site"
    dest.mkdir()
    server = SiteServer(dest)                       # the site's origin, for the collector's CORS
    service = start_service(tmp_path / "collector", catalogue=site.path / "kb-catalogue.json",
                            origins=(server.url,))
    try:
        monkeypatch.setenv("KB_FEEDBACK_ENDPOINT", service.url("/api/feedback"))
        monkeypatch.setenv("KB_VIEWS_ENDPOINT", service.url("/api/view"))
        proc = build(ROOT / "mkdocs.yml", dest)
        assert proc.returncode == 0, proc.stderr

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
    finally:
        service.stop()
        server.close()
