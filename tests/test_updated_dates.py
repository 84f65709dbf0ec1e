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


# --- shared snippets (issue 25): the reader sees the snippet's text, so its change dates the page ----------

def with_snippet(project):
    """Article alpha (both languages) includes ``steps.md``, which includes ``note.md``; beta includes
    nothing."""
    for lang, steps, note in (("fr", "1. Ouvrez « Paramètres ».\n", "Enregistrez."),
                              ("en", "1. Open \"Settings\".\n", "Save.")):
        folder = project / "docs" / lang / "_snippets"
        folder.mkdir()
        (folder / "steps.md").write_text(f'{steps}\n--8<-- "note.md"\n', encoding="utf-8")
        (folder / "note.md").write_text(f"{note}\n", encoding="utf-8")
    include = '\n\n--8<-- "steps.md"'
    edit(project, "fr/settings/alpha.md", "Choisissez la valeur par défaut.", "Choisissez la valeur par défaut." + include)
    edit(project, "en/settings/alpha.md", "Choose the default value.", "Choose the default value." + include)
    return project


def snippet_changed_later(project):
    """Everything committed on 1 Oct 2026, then only the French snippet changed and committed on 20 Nov."""
    init(project, "2026-10-01T09:00:00Z")
    edit(project, "fr/_snippets/steps.md", "Ouvrez « Paramètres ».", "Ouvrez « Paramètres » puis « Général ».")
    commit(project, "French snippet", "2026-11-20T10:00:00Z")
    return project


@pytest.fixture(scope="module")
def snippet_dated(tmp_path_factory):
    """Everything committed on 1 Oct 2026; only the French snippet changed and committed on 20 Nov; the
    English nested snippet (note.md, included by steps.md) changed without committing (15 Dec)."""
    project = snippet_changed_later(with_snippet(tiny_project(tmp_path_factory.mktemp("snippet-dated") / "project")))
    note = edit(project, "en/_snippets/note.md", "Save.", "Click \"Save\".")
    stamp = datetime(2026, 12, 15, 12, tzinfo=timezone.utc).timestamp()
    os.utime(note, (stamp, stamp))
    site = project.parent / "site"
    proc = build(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return Site(site)


def test_a_committed_snippet_change_dates_the_articles_that_include_it(snippet_dated):
    site = snippet_dated
    assert "Général" in site.page_file("settings/alpha/").read_text(encoding="utf-8")
    assert updated_text(site, "settings/alpha/") == "Mis à jour le 20 novembre 2026"
    assert site.soup(site.page_file("settings/alpha/")).select_one(".kb-updated time")["datetime"] == "2026-11-20"
    data = jsonld_article(site, site.page_file("settings/alpha/"))
    assert (data["datePublished"], data["dateModified"]) == ("2026-10-01", "2026-11-20")   # published: its own
    assert lastmod(site, "settings/alpha/") == "2026-11-20"


def test_an_article_without_the_snippet_keeps_its_own_date(snippet_dated):
    site = snippet_dated
    for url, text in (("settings/beta/", "Mis à jour le 1er octobre 2026"),
                      ("en/settings/beta/", "Updated October 1, 2026")):
        assert updated_text(site, url) == text
        assert jsonld_article(site, site.page_file(url))["dateModified"] == "2026-10-01"
        assert lastmod(site, url) == "2026-10-01"
    assert lastmod(site, "settings/") == "2026-10-01"


def test_an_uncommitted_change_of_a_nested_snippet_dates_the_article(snippet_dated):
    site = snippet_dated
    assert 'Click "Save".' in site.soup(site.page_file("en/settings/alpha/")).get_text()
    assert updated_text(site, "en/settings/alpha/") == "Updated December 15, 2026"
    data = jsonld_article(site, site.page_file("en/settings/alpha/"))
    assert (data["datePublished"], data["dateModified"]) == ("2026-10-01", "2026-12-15")
    assert lastmod(site, "en/settings/alpha/") == "2026-12-15"


def test_history_dates_a_page_by_the_latest_of_its_file_and_its_snippets(tmp_path, monkeypatch):
    project = with_snippet(tiny_project(tmp_path / "project"))
    init(project, "2026-01-05T10:00:00Z")
    edit(project, "fr/_snippets/note.md", "Enregistrez.", "Enregistrez vos choix.")
    commit(project, "snippet", "2026-03-02T10:00:00Z")
    edit(project, "fr/settings/alpha.md", "L'alpha se règle", "L'alpha se règle vite")
    commit(project, "article", "2026-02-07T10:00:00Z", "docs/fr/settings/alpha.md")   # committed after, dated before
    steps = edit(project, "en/_snippets/steps.md", "Open", "Then open")                    # not committed
    stamp = datetime(2026, 4, 1, 12, tzinfo=timezone.utc).timestamp()
    os.utime(steps, (stamp, stamp))
    calls = []
    real = history.git
    monkeypatch.setattr(history, "git", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    hist = history.load(project, "docs")
    assert [c[0] for c in calls] == ["rev-parse", "log", "status"]      # still one pass
    alpha, snippets = "docs/fr/settings/alpha.md", ["docs/fr/_snippets/steps.md", "docs/fr/_snippets/note.md"]
    assert str(hist.updated(alpha)) == "2026-02-07"
    assert str(hist.updated(alpha, snippets)) == "2026-03-02"
    assert str(hist.updated(alpha, snippets[:1])) == "2026-02-07"
    assert str(hist.updated(alpha, ["docs/fr/_snippets/gone.md"])) == "2026-02-07"   # no date: ignored
    assert hist.updated("docs/fr/settings/gone.md", snippets) is None
    assert str(hist.published(alpha)) == "2026-01-05"
    assert str(hist.updated("docs/en/settings/alpha.md", ["docs/en/_snippets/steps.md"])) == "2026-04-01"


def test_the_preview_dates_a_page_that_starts_including_a_snippet(tmp_path):
    """A save that adds the directive to an article re-renders that page only (no full build): its date
    follows the snippet's, as a build's would."""
    from preview.session import Session
    project = snippet_changed_later(with_snippet(tiny_project(tmp_path / "project")))
    session = Session(project / "mkdocs.yml", tmp_path / "preview")
    try:
        assert session.full().kind == "full", session.errors
        site = Site(session.link)
        assert updated_text(site, "settings/alpha/") == "Mis à jour le 20 novembre 2026"
        beta = edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».",
                    'Choisissez « Automatique ».\n\n--8<-- "steps.md"')
        stamp = datetime(2026, 11, 2, 12, tzinfo=timezone.utc).timestamp()
        os.utime(beta, (stamp, stamp))                  # the article's own change: before the snippet's
        result = session.apply([beta])
        assert result.kind == "pages" and "settings/beta/index.html" in result.pages, (result.kind, result.errors)
        site = Site(session.link)
        assert "Général" in site.page_file("settings/beta/").read_text(encoding="utf-8")
        assert updated_text(site, "settings/beta/") == "Mis à jour le 20 novembre 2026"
        assert jsonld_article(site, site.page_file("settings/beta/"))["dateModified"] == "2026-11-20"
    finally:
        session.close()
