"""Review dates and owners: ``reviewed:``, ``owner:``, ``extra.kb.review_after_days``; ``status --stale``
(oldest first, with owner), ``check --stale-fails``; a malformed or future date fails the strict build and
``check`` with its file and line. Tiny fixture site in a real git repository with dated commits."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from cli import main as docs_cli
from cli import check as cli_check
from sitebuild import build as site_build
from fixtures import edit, line_of, tiny_project
from git_support import commit, init
from helpcenter.source import frontmatter


def cli(project, *args):
    return docs_cli.main([args[0], "--config", str(project / "mkdocs.yml"), *args[1:]])


@pytest.fixture
def project(tmp_path):
    """alpha (both languages) last committed 400 days ago; beta committed recently."""
    project = tiny_project(tmp_path / "project")
    today = frontmatter.today()
    init(project, f"{today - timedelta(days=400)}T10:00:00Z")
    edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».", "Choisissez « Automatique » (conseillé).")
    edit(project, "en/settings/beta.md", 'Choose "Automatic".', 'Choose "Automatic" (recommended).')
    commit(project, "beta", f"{today - timedelta(days=10)}T10:00:00Z")
    return project


def stale_rows(project, capsys) -> list[list[str]]:
    capsys.readouterr()
    assert cli(project, "status", "--stale") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["since", "days", "basis", "owner", "file", "title"]
    return [l.split("  ") and [x for x in l.split("  ") if x.strip()] for l in lines[2:] if l.startswith("20")]


def test_stale_lists_oldest_first_with_owner_review_or_update_date(project, capsys):
    today = frontmatter.today()
    old = today - timedelta(days=400)
    rows = stale_rows(project, capsys)
    assert [(r[0].strip(), r[2].strip(), r[4].strip()) for r in rows] == [
        (str(old), "updated", "docs/en/settings/alpha.md"), (str(old), "updated", "docs/fr/settings/alpha.md")]

    # a review clears the French file; an old review of beta makes it the oldest, with its owner
    edit(project, "fr/settings/alpha.md", "tags: [alpha]", f"tags: [alpha]\nreviewed: {today - timedelta(days=3)}")
    edit(project, "fr/settings/beta.md", "tags: [beta]",
         f"tags: [beta]\nreviewed: {today - timedelta(days=500)}\nowner: Équipe facturation")
    rows = stale_rows(project, capsys)
    assert [(r[0].strip(), r[2].strip(), r[3].strip(), r[4].strip()) for r in rows] == [
        (str(today - timedelta(days=500)), "reviewed", "Équipe facturation", "docs/fr/settings/beta.md"),
        (str(old), "updated", "—", "docs/en/settings/alpha.md")]
    assert rows[0][1].strip() == "500"


def test_owner_of_a_translation_defaults_to_its_source(project, capsys):
    edit(project, "fr/settings/alpha.md", "tags: [alpha]", "tags: [alpha]\nowner: Support")
    rows = stale_rows(project, capsys)
    assert {r[4].strip(): r[3].strip() for r in rows} == {"docs/en/settings/alpha.md": "Support"}   # French: edited now
    commit(project, "owner", f"{frontmatter.today() - timedelta(days=200)}T10:00:00Z")
    rows = stale_rows(project, capsys)
    assert {r[4].strip(): r[3].strip() for r in rows} == {"docs/en/settings/alpha.md": "Support",
                                                          "docs/fr/settings/alpha.md": "Support"}


def test_review_after_days_is_configurable(project, capsys):
    yml = project / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("    related_count: 6\n",
                                                           "    related_count: 6\n    review_after_days: 5\n"),
                   encoding="utf-8")
    assert len(stale_rows(project, capsys)) == 4
    yml.write_text(yml.read_text(encoding="utf-8").replace("review_after_days: 5", "review_after_days: 1000"),
                   encoding="utf-8")
    capsys.readouterr()
    assert cli(project, "status", "--stale") == 0
    assert "no article due for a review" in capsys.readouterr().out


def test_check_lists_stale_articles_as_notes_or_as_errors(project, capsys):
    beta = edit(project, "en/settings/beta.md", "tags: [beta]", "tags: [beta]\nreviewed: 2024-02-29\nowner: Docs team")
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) == 0
    assert "note: 3 article(s) due for a review" in out.getvalue()
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out, stale_fails=True) == 3
    line = f"docs/en/settings/beta.md:{line_of(beta, 'reviewed:')}: review due: last reviewed on 2024-02-29"
    assert any(l.startswith(line) and "owner: Docs team" in l and "set 'reviewed: " in l
               for l in out.getvalue().splitlines()), out.getvalue()
    assert cli(project, "check", "--stale-fails") == 1


@pytest.mark.parametrize("value, words", [
    ("2026-13-01", "'reviewed' must be a date written YYYY-MM-DD"),
    ("5 mars 2026", "'reviewed' must be a date written YYYY-MM-DD"),
    ("FUTURE", "'reviewed' is in the future"),
])
def test_malformed_or_future_review_date_fails_with_file_and_line(tmp_path, value, words):
    project = tiny_project(tmp_path / "project")
    if value == "FUTURE":
        value = str(frontmatter.today() + timedelta(days=30))
    md = edit(project, "fr/settings/alpha.md", "tags: [alpha]", f"tags: [alpha]\nreviewed: {value}")
    expected = f"docs/fr/settings/alpha.md:{line_of(md, 'reviewed:')}: {words}"
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) >= 1
    assert any(l.startswith(expected) for l in out.getvalue().splitlines()), out.getvalue()
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and expected in proc.stderr + proc.stdout
    assert not (tmp_path / "site").exists()
