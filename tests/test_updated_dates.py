"""« Mis à jour le … » / "Updated …" on each article, per language, from git (one pass for the whole tree),
the file's modification time when it has uncommitted changes or outside git; the same dates in JSON-LD
(dateModified, datePublished) and in the sitemap's <lastmod>. Built fixture site, real git repository."""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone

import pytest

from conftest import Site, build
from fixtures import edit, tiny_project
from git_support import commit, init
from helpcenter.lifecycle import history
from helpcenter.language import strings


def jsonld_article(site: Site, page):
    for script in site.soup(page).select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == "Article":
            return data
    raise AssertionError("no JSON-LD Article")


def lastmod(site: Site, url: str) -> str | None:
    xml = (site.path / "sitemap.xml").read_text(encoding="utf-8")
    m = re.search(rf"<loc>{re.escape('https://help.example.com/' + url)}</loc>\s*<lastmod>([^<]*)</lastmod>", xml)
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """Both languages committed on 1 Oct 2026; English alpha rewritten on 3 Nov; French beta changed
    without committing (modification time: 15 Nov 2026)."""
    project = tiny_project(tmp_path_factory.mktemp("dated") / "project")
    init(project, "2026-10-01T09:00:00Z")
    edit(project, "en/settings/alpha.md", "Choose the default value.", "Choose the default value (recommended).")
    commit(project, "English alpha", "2026-11-03T18:30:00Z")
    beta = edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».", "Choisissez « Automatique » (conseillé).")
    stamp = datetime(2026, 11, 15, 12, tzinfo=timezone.utc).timestamp()
    os.utime(beta, (stamp, stamp))
    site = project.parent / "site"
    proc = build(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return Site(site)


def updated_text(site: Site, url: str) -> str:
    p = site.soup(site.page_file(url)).select_one(".kb-updated")
    assert p is not None, url
    return " ".join(p.get_text().split())


def test_each_language_shows_the_date_of_its_own_file(dated):
    assert updated_text(dated, "settings/alpha/") == "Mis à jour le 1er octobre 2026"
    assert updated_text(dated, "en/settings/alpha/") == "Updated November 3, 2026"
    assert updated_text(dated, "en/settings/beta/") == "Updated October 1, 2026"
    time = dated.soup(dated.page_file("en/settings/alpha/")).select_one(".kb-updated time")
    assert time["datetime"] == "2026-11-03"


def test_uncommitted_changes_are_dated_by_the_file(dated):
    assert updated_text(dated, "settings/beta/") == "Mis à jour le 15 novembre 2026"


def test_jsonld_has_first_and_last_commit_dates(dated):
    en = jsonld_article(dated, dated.page_file("en/settings/alpha/"))
    assert (en["datePublished"], en["dateModified"]) == ("2026-10-01", "2026-11-03")
    fr = jsonld_article(dated, dated.page_file("settings/alpha/"))
    assert (fr["datePublished"], fr["dateModified"]) == ("2026-10-01", "2026-10-01")


def test_sitemap_lastmod_is_the_page_date(dated):
    assert lastmod(dated, "en/settings/alpha/") == "2026-11-03"
    assert lastmod(dated, "settings/alpha/") == "2026-10-01"
    assert lastmod(dated, "settings/beta/") == "2026-11-15"
    assert lastmod(dated, "en/settings/") == "2026-10-01"     # category pages too: their index.md


def test_outside_git_the_modification_time_dates_the_page(tmp_path):
    project = tiny_project(tmp_path / "project")
    stamp = datetime(2025, 3, 9, 8, tzinfo=timezone.utc).timestamp()
    os.utime(project / "docs/en/settings/beta.md", (stamp, stamp))
    site = Site(tmp_path / "site")
    assert build(project / "mkdocs.yml", site.path).returncode == 0
    assert updated_text(site, "en/settings/beta/") == "Updated March 9, 2025"
    assert jsonld_article(site, site.page_file("en/settings/beta/"))["dateModified"] == "2025-03-09"


def test_history_reads_the_whole_tree_in_one_pass(tmp_path, monkeypatch):
    project = tiny_project(tmp_path / "project")
    init(project, "2026-01-05T10:00:00Z")
    edit(project, "fr/settings/alpha.md", "L'alpha se règle", "L'alpha se règle vite")
    commit(project, "fr", "2026-02-07T10:00:00Z")
    calls = []
    real = history.git
    monkeypatch.setattr(history, "git", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    hist = history.load(project, "docs")
    assert [c[0] for c in calls] == ["rev-parse", "log", "status"]
    assert len([p for p in hist.files if p.endswith(".md")]) == 8
    assert str(hist.updated("docs/fr/settings/alpha.md")) == "2026-02-07"
    assert str(hist.published("docs/fr/settings/alpha.md")) == "2026-01-05"
    assert hist.commits("docs/fr/settings/alpha.md").rank < hist.commits("docs/en/settings/alpha.md").rank


@pytest.mark.parametrize("lang, day, expected", [
    ("fr", (2026, 12, 1), "Mis à jour le 1er décembre 2026"), ("fr", (2027, 2, 28), "Mis à jour le 28 février 2027"),
    ("en", (2026, 8, 1), "Updated August 1, 2026")])
def test_dates_read_naturally(lang, day, expected):
    from datetime import date
    assert strings.updated(lang, date(*day)) == expected
