"""Shared snippets per language (docs/<lang>/_snippets/, pymdownx.snippets with check_paths): the same
directive line in both languages includes each language's own text; a missing snippet fails the build and
``check`` at the directive's file and line; a snippet in one language only is an error; snippet folders
are not pages; ``status --snippets`` shows where each snippet is used. Built fixture site."""
from __future__ import annotations

import io
import json

import pytest

from cli import main as docs_cli
from cli import check as cli_check
from sitebuild import build as site_build
from conftest import Site, build, plain
from fixtures import edit, line_of, tiny_project

STEPS = {"fr": "1. Ouvrez « Paramètres ».\n2. Cliquez sur « Enregistrer ».\n",
         "en": "1. Open \"Settings\".\n2. Click \"Save\".\n"}


def with_snippets(project):
    for lang, text in STEPS.items():
        folder = project / "docs" / lang / "_snippets"
        folder.mkdir()
        (folder / "steps.md").write_text(text, encoding="utf-8")
    edit(project, "fr/settings/alpha.md", "Choisissez la valeur par défaut.", 'Choisissez la valeur par défaut.\n\n--8<-- "steps.md"')
    edit(project, "en/settings/alpha.md", "Choose the default value.", 'Choose the default value.\n\n--8<-- "steps.md"')
    edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».", 'Choisissez « Automatique ».\n\n--8<-- "steps.md"')
    edit(project, "en/settings/beta.md", 'Choose "Automatic".', 'Choose "Automatic".\n\n--8<-- "steps.md"')
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = with_snippets(tiny_project(tmp_path_factory.mktemp("snippets") / "project"))
    site = project.parent / "site"
    proc = build(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return project, Site(site)


def steps(site: Site, url: str) -> list[str]:
    """The numbered steps of the article's text (not the lists of related or popular articles)."""
    return [plain(li.get_text(" ", strip=True)) for li in site.soup(site.page_file(url)).select("article > ol > li")]


def test_each_language_includes_its_own_snippet(built):
    _, site = built
    for url in ("settings/alpha/", "settings/beta/"):
        assert steps(site, url) == ["Ouvrez « Paramètres ».", "Cliquez sur « Enregistrer »."]
    for url in ("en/settings/alpha/", "en/settings/beta/"):
        assert steps(site, url) == ['Open "Settings".', 'Click "Save".']


def test_snippet_folders_are_not_pages(built):
    _, site = built
    assert not (site.path / "_snippets").exists() and not (site.path / "en/_snippets").exists()
    assert "_snippets" not in (site.path / "sitemap.xml").read_text(encoding="utf-8")
    index = json.loads((site.path / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any("_snippets" in d["location"] for d in index["docs"])


def test_fixture_with_snippets_passes_check_and_status_shows_their_uses(built, capsys):
    project, _ = built
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) == 0, out.getvalue()
    capsys.readouterr()
    assert docs_cli.main(["status", "--config", str(project / "mkdocs.yml"), "--snippets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    fr = lines.index("docs/fr/_snippets/steps.md: used 2 time(s)")
    alpha = line_of(project / "docs/fr/settings/alpha.md", "--8<--")
    beta = line_of(project / "docs/fr/settings/beta.md", "--8<--")
    assert lines[fr + 1:fr + 3] == [f"  docs/fr/settings/alpha.md:{alpha}", f"  docs/fr/settings/beta.md:{beta}"]
    assert "docs/en/_snippets/steps.md: used 2 time(s)" in lines


def test_a_missing_snippet_fails_the_build_at_its_line(tmp_path):
    project = with_snippets(tiny_project(tmp_path / "project"))
    md = edit(project, "en/settings/beta.md", '--8<-- "steps.md"', '--8<-- "step.md"')
    expected = f"docs/en/settings/beta.md:{line_of(md, 'step.md')}: snippet 'step.md' not found"
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and expected in proc.stderr + proc.stdout
    assert not (tmp_path / "site").exists()
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) >= 1
    assert expected in out.getvalue()


def test_a_snippet_in_one_language_only_is_an_error(tmp_path):
    project = with_snippets(tiny_project(tmp_path / "project"))
    (project / "docs/fr/_snippets/warning.md").write_text("!!! warning\n    Attention.\n", encoding="utf-8")
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) >= 1
    assert "docs/fr/_snippets/warning.md: snippet exists in French only (docs/en/_snippets/warning.md is missing)" \
        in out.getvalue()


def test_included_lists_the_snippets_each_page_shows_nested_ones_too(tmp_path):
    """What dates a page (issue 25): the snippets it includes, those they include in turn (a loop does
    not hang), never a missing one; a text already read (the catalogue's body) is used instead of the disk."""
    from helpcenter.source import snippets
    project = with_snippets(tiny_project(tmp_path / "project"))
    for lang in ("fr", "en"):
        folder = project / "docs" / lang / "_snippets"
        (folder / "steps.md").write_text(STEPS[lang] + '\n--8<-- "note.md"\n', encoding="utf-8")
        (folder / "note.md").write_text('Note.\n\n--8<-- "steps.md"\n--8<-- "missing.md"\n', encoding="utf-8")
    docs = project / "docs"
    found = snippets.included(docs, project, ["fr", "en"])
    both = ["docs/fr/_snippets/note.md", "docs/fr/_snippets/steps.md"]
    assert found["docs/fr/settings/alpha.md"] == found["docs/fr/settings/beta.md"] == both
    assert found["docs/en/settings/alpha.md"] == ["docs/en/_snippets/note.md", "docs/en/_snippets/steps.md"]
    assert found["docs/fr/_snippets/steps.md"] == ["docs/fr/_snippets/note.md"]
    assert "docs/fr/settings/index.md" not in found
    known = {"docs/fr/settings/beta.md": "No directive any more.\n"}      # as the preview holds it after a save
    assert "docs/fr/settings/beta.md" not in snippets.included(docs, project, ["fr"], known)
