"""``docs.py translated docs/en/...md`` records the French version a translation matches (``source:``):
it clears "outdated" (status, check, the English page's notice) until the French file changes again;
``status --diff`` prints the French changes since that version. A real temporary git repository."""
from __future__ import annotations

import json

import pytest

from cli import main as docs_cli
from cli import check as cli_check
from conftest import Site, build
from fixtures import edit, tiny_project
from git_support import commit, git, head, init

EN_ALPHA = "docs/en/settings/alpha.md"


def cli(project, *args):
    return docs_cli.main([args[0], "--config", str(project / "mkdocs.yml"), *args[1:]])


def statuses(project, capsys) -> dict[str, str]:
    capsys.readouterr()
    assert cli(project, "status", "--json") == 0
    return {r["path"]: r["status"] for r in json.loads(capsys.readouterr().out)}


@pytest.fixture
def repo(tmp_path):
    """Both languages committed; then a French typo fix committed after the translation."""
    project = tiny_project(tmp_path / "project")
    init(project, "2026-10-01T10:00:00Z")
    edit(project, "fr/settings/alpha.md", "Choisissez la valeur par défaut.", "Choisissez la valeur par défaut.  ")
    commit(project, "French typo", "2026-10-02T10:00:00Z")
    return project


def test_translated_records_the_source_commit_and_clears_outdated_until_the_source_changes(repo, capsys, tmp_path):
    assert statuses(repo, capsys)["settings/alpha.md"] == "outdated en"
    french_commit = head(repo)
    assert cli(repo, "translated", str(repo / EN_ALPHA)) == 0
    assert "matches docs/fr/settings/alpha.md as of commit" in capsys.readouterr().out
    text = (repo / EN_ALPHA).read_text(encoding="utf-8")
    assert f"\nsource: {french_commit[:12]}\n---\n" in text and text.count("source:") == 1
    commit(repo, "alpha checked", "2026-10-02T11:00:00Z")
    assert statuses(repo, capsys)["settings/alpha.md"] == "ok"

    # the French source changes again: outdated again, even though the English file was committed later
    edit(repo, "fr/settings/alpha.md", "L'alpha se règle dans les paramètres.",
         "L'alpha se règle dans les paramètres du compte.")
    commit(repo, "French changed", "2026-10-03T10:00:00Z", "docs/fr")
    assert statuses(repo, capsys)["settings/alpha.md"] == "outdated en"
    site = Site(tmp_path / "site")
    assert build(repo / "mkdocs.yml", site.path).returncode == 0
    assert site.soup(site.page_file("en/settings/alpha/")).select_one(".kb-outdated") is not None

    # confirmed again (the value is replaced, not added): no notice on the built English page
    assert cli(repo, "translated", EN_ALPHA.replace("docs/", str(repo / "docs") + "/", 1)) == 0
    text = (repo / EN_ALPHA).read_text(encoding="utf-8")
    assert f"source: {head(repo)[:12]}" in text and text.count("source:") == 1
    assert statuses(repo, capsys)["settings/alpha.md"] == "ok"
    assert build(repo / "mkdocs.yml", site.path).returncode == 0
    assert Site(site.path).soup(site.page_file("en/settings/alpha/")).select_one(".kb-outdated") is None


def test_diff_shows_the_french_changes_since_the_matching_version(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert cli(repo, "translated", EN_ALPHA) == 0
    recorded = head(repo)[:12]
    commit(repo, "alpha checked", "2026-10-02T11:00:00Z")
    capsys.readouterr()
    assert cli(repo, "status", "--diff", EN_ALPHA) == 0
    assert f"no change since {recorded}" in capsys.readouterr().out

    edit(repo, "fr/settings/alpha.md", "## Que choisir {#choose}", "## Que choisir {#choose}\n\nNouvelle consigne.")
    commit(repo, "French changed", "2026-10-03T10:00:00Z", "docs/fr")
    edit(repo, "fr/settings/alpha.md", "Ouvrez « Paramètres »", "Ouvrez d'abord « Paramètres »")   # uncommitted
    assert cli(repo, "status", "--diff", EN_ALPHA) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# changes of docs/fr/settings/alpha.md since {recorded}")
    assert "+Nouvelle consigne." in out and "+Ouvrez d'abord « Paramètres »" in out
    assert "-Ouvrez « Paramètres »" in out
    assert "-Choisissez la valeur" not in out      # the typo fix before the recorded version is not shown


def test_diff_without_source_starts_at_the_translations_last_commit(repo, capsys):
    capsys.readouterr()
    assert cli(repo, "status", "--diff", str(repo / EN_ALPHA)) == 0
    out = capsys.readouterr().out
    assert "-Choisissez la valeur par défaut.\n+Choisissez la valeur par défaut.  \n" in out


def test_translated_refuses_what_it_cannot_record(repo, capsys):
    before = (repo / EN_ALPHA).read_text(encoding="utf-8")
    edit(repo, "fr/settings/alpha.md", "L'alpha se règle", "L'alpha se règle vite")
    capsys.readouterr()
    assert cli(repo, "translated", str(repo / EN_ALPHA)) == 1
    assert "docs/fr/settings/alpha.md: the source has uncommitted changes" in capsys.readouterr().err
    assert (repo / EN_ALPHA).read_text(encoding="utf-8") == before
    assert cli(repo, "translated", str(repo / "docs/fr/settings/beta.md")) == 1
    assert "is the French source, not a translation" in capsys.readouterr().err
    assert cli(repo, "translated", str(repo / "docs/en/settings/nope.md")) == 1
    assert "not an article of the help center" in capsys.readouterr().err


def test_source_key_is_checked(repo, capsys):
    import io
    edit(repo, "en/settings/beta.md", "tags: [beta]", "tags: [beta]\nsource: not-a-commit")
    edit(repo, "fr/settings/beta.md", "tags: [beta]", "tags: [beta]\nsource: 0123456789ab")
    out = io.StringIO()
    cli_check.run_check(repo / "mkdocs.yml", out=out)
    text = out.getvalue()
    assert "docs/en/settings/beta.md:6: 'source' must be a git commit id" in text
    assert "docs/fr/settings/beta.md:6: 'source' is for translations: this file is the source" in text
