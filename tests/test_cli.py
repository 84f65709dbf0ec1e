"""The writers' command line: new, check, status (and build, unchanged), on the tiny fixture site."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli import main as docs_cli
from fixtures import LocalServer, edit, line_of, tiny_project
from helpcenter.source import frontmatter
from helpcenter import content
from helpcenter.scaffold import slugify

FR_DESC = "Régler l'option café du compte de test, et ce qu'elle change pour vos clients."
EN_DESC = "Set the café option of the test account, and what it changes for your customers."


@pytest.fixture
def project(tmp_path) -> Path:
    return tiny_project(tmp_path / "project")


def cli(project: Path, *args: str) -> int:
    command, rest = args[0], list(args[1:])
    return docs_cli.main([command, "--config", str(project / "mkdocs.yml"), *rest])


def new(project: Path, *extra: str, title="Comment régler l'option café ?", en_title="How to set the café option?"):
    return cli(project, "new", title, "--en-title", en_title, "--category", "settings",
               "--description", FR_DESC, "--en-description", EN_DESC, *extra)


def test_slug_is_accent_folded():
    assert slugify("How to set the café option?") == "how-to-set-the-cafe-option"
    assert slugify("Comment modifier l'échéance d'un abonnement ?") == "comment-modifier-echeance-un-abonnement"
    assert slugify("Œuvres & “guillemets” — 2024") == "oeuvres-guillemets-2024"


def test_new_creates_both_languages_with_the_next_free_id_and_a_complete_front_matter(project, capsys):
    assert new(project, "--tags", "café, réglages", "--en-tags", "cafe, settings", "--related", "1") == 0
    out = capsys.readouterr().out
    assert "created article 3 (settings/how-to-set-the-cafe-option.md)" in out
    for lang, title, desc, tags in (("fr", "Comment régler l'option café ?", FR_DESC, ["café", "réglages"]),
                                    ("en", "How to set the café option?", EN_DESC, ["cafe", "settings"])):
        md = project / "docs" / lang / "settings" / "how-to-set-the-cafe-option.md"
        fm = frontmatter.parse(md.read_text(encoding="utf-8"), str(md))
        assert fm.meta == {"id": 3, "title": title, "description": desc, "related": [1], "tags": tags,
                           "review": ["missing-content"]}
        assert frontmatter.validate(fm, "article", str(md)) == []
    catalogue = content.load(project / "docs", ("fr", "en"), "fr", root=project)
    assert {p.message for p in catalogue.problems} == {"the article has no text yet (only its title would be published)"}
    assert catalogue["en"].articles["settings/how-to-set-the-cafe-option.md"].id == 3
    # an empty article is not published: check names both files, the line of the body and the fix
    capsys.readouterr()
    assert cli(project, "check") == 1
    out = capsys.readouterr().out
    for lang in ("fr", "en"):
        md = project / "docs" / lang / "settings" / "how-to-set-the-cafe-option.md"
        line = frontmatter.parse(md.read_text(encoding="utf-8"), str(md)).body_line
        assert f"docs/{lang}/settings/how-to-set-the-cafe-option.md:{line}: the article has no text yet" in out, out
        assert "(fix: write the answer under the front matter" in out
    # once written, the whole check passes with the new article in it
    for lang, text in (("fr", "Ouvrez les réglages du café."), ("en", "Open the café settings.")):
        md = project / "docs" / lang / "settings" / "how-to-set-the-cafe-option.md"
        md.write_text(md.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    assert cli(project, "check") == 0


def test_new_with_a_slug_in_a_sub_category(project, capsys):
    (project / "docs/fr/settings/emails").mkdir()
    (project / "docs/en/settings/emails").mkdir()
    (project / "docs/fr/settings/emails/index.md").write_text(
        '---\ntitle: "Emails"\ndescription: "Les emails automatiques envoyés à vos clients par le compte."\n---\n')
    (project / "docs/en/settings/emails/index.md").write_text(
        '---\ntitle: "Emails"\ndescription: "The automatic emails that the account sends to your customers."\n---\n')
    assert cli(project, "new", "Envoyer les factures", "--en-title", "Send invoices", "--category",
               "settings/emails", "--slug", "send-invoices", "--description", FR_DESC,
               "--en-description", EN_DESC) == 0
    assert (project / "docs/fr/settings/emails/send-invoices.md").is_file()
    assert (project / "docs/en/settings/emails/send-invoices.md").is_file()


def test_new_never_overwrites(project, capsys):
    assert new(project) == 0
    md = project / "docs/en/settings/how-to-set-the-cafe-option.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nWork in progress.\n", encoding="utf-8")
    before = md.read_bytes()
    capsys.readouterr()
    assert new(project, title="Autre titre") == 1
    err = capsys.readouterr().err
    assert "nothing was created" in err
    assert "docs/en/settings/how-to-set-the-cafe-option.md: already exists: not overwritten" in err
    assert md.read_bytes() == before


def test_new_requires_both_descriptions_and_writes_nothing_without_them(project, capsys):
    rc = cli(project, "new", "Comment régler l'option café ?", "--en-title", "How to set the café option?",
             "--category", "settings")
    assert rc == 1
    err = capsys.readouterr().err
    assert "--description: the fr description is required" in err
    assert "--en-description: the en description is required" in err and "30-170 characters" in err
    assert not list((project / "docs").rglob("how-to-set-the-cafe-option.md"))


def test_new_rejects_bad_values_with_what_to_do(project, capsys):
    rc = cli(project, "new", "Titre", "--en-title", "Title here", "--category", "nowhere",
             "--description", "Trop court.", "--en-description", EN_DESC, "--related", "42")
    assert rc == 1
    err = capsys.readouterr().err
    assert "docs/fr/nowhere/index.md: category 'nowhere' does not exist in fr" in err
    assert "--description: the fr description is too short" in err
    assert "--related: unknown article id 42" in err
    assert not (project / "docs/fr/nowhere").exists()


def test_next_free_id_also_counts_files_the_catalogue_cannot_read(project, capsys):
    edit(project, "fr/settings/beta.md", "id: 2", "id: 9\ntags: [oops")
    assert new(project) == 0
    assert "created article 10 " in capsys.readouterr().out


# --- status --------------------------------------------------------------------------------------

def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)


@pytest.fixture
def repo(project, monkeypatch) -> Path:
    for k, v in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                 "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null",
                 "GIT_CONFIG_NOSYSTEM": "1"}.items():
        monkeypatch.setenv(k, v)
    git(project, "init", "-q")
    git(project, "add", "docs")
    git(project, "commit", "-q", "-m", "fixture")
    return project


def status(project: Path, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert cli(project, "status", "--json") == 0
    return {row["path"]: row for row in json.loads(capsys.readouterr().out)}


def test_status_shows_ok_outdated_and_missing_translations_and_review_codes(repo, capsys):
    rows = status(repo, capsys)
    assert {p: r["status"] for p, r in rows.items()} == {"settings/alpha.md": "ok", "settings/beta.md": "ok"}
    assert rows["settings/alpha.md"]["titles"] == {"fr": "Comment régler l'alpha ?", "en": "How to set alpha?"}
    assert rows["settings/alpha.md"]["id"] == 1

    edit(repo, "fr/settings/alpha.md", "tags: [alpha]", "tags: [alpha]\nreview: [missing-steps]")
    git(repo, "commit", "-q", "-am", "French source changed")
    (repo / "docs/en/settings/beta.md").unlink()
    rows = status(repo, capsys)
    assert rows["settings/alpha.md"]["status"] == "outdated en"
    assert rows["settings/alpha.md"]["review"] == ["missing-steps"]
    assert rows["settings/beta.md"]["status"] == "missing en"

    assert cli(repo, "status") == 0                       # the table for people
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "path", "fr", "title", "en", "title", "publication", "status", "review"]
    alpha = next(l for l in table if "settings/alpha.md" in l)
    assert alpha.split()[0] == "1" and "outdated en" in alpha and alpha.endswith("missing-steps")
    assert "  published  " in alpha and rows["settings/alpha.md"]["publication"] == "published"
    assert table[-1] == "2 article(s): 1 missing, 1 outdated"


def test_outdated_translation_is_a_note_of_check_unless_asked_to_fail(repo, capsys):
    edit(repo, "fr/settings/beta.md", "Automatique", "Automatique (recommandé)")
    git(repo, "commit", "-q", "-am", "French source changed")
    assert cli(repo, "check") == 0
    out = capsys.readouterr().out
    assert "note: 1 translation(s) may be out of date" in out
    assert "docs/en/settings/beta.md: translation may be out of date: its source docs/fr/settings/beta.md" in out
    assert cli(repo, "check", "--outdated-fails") == 1


# --- check -----------------------------------------------------------------------------------------

def test_check_exits_non_zero_and_prints_file_line_message_and_fix(project, capsys):
    assert cli(project, "check") == 0
    assert "check: no problem" in capsys.readouterr().err
    md = edit(project, "en/settings/beta.md", 'Choose "Automatic".',
              'Choose "Automatic" ([French](../../../settings/beta/)).')
    assert cli(project, "check") == 1
    captured = capsys.readouterr()
    line = line_of(md, "[French]")
    assert f"docs/en/settings/beta.md:{line}: contains an unrecognized relative link '../../../settings/beta/'" \
        in captured.out
    assert "(fix: link to the .md file, not to the page's URL)" in captured.out
    assert f"docs/en/settings/beta.md:{line}: 2 links, but its French source " \
        "docs/fr/settings/beta.md has 1" in captured.out                      # parity sees it too
    assert "check: 2 problem(s)" in captured.err


def test_check_an_already_built_site(project, tmp_path, capsys):
    site = tmp_path / "built"
    assert cli(project, "build", "--site-dir", str(site)) == 0          # build is unchanged
    assert (site / "index.html").is_file() and (site / "en" / "settings" / "alpha" / "index.html").is_file()
    assert cli(project, "check", "--site", str(site)) == 0
    (site / "settings" / "beta" / "index.html").unlink()
    assert cli(project, "check", "--site", str(site)) == 1
    assert "broken link '../beta/#choose'" in capsys.readouterr().out


def test_check_external_links_only_when_asked(project, capsys):
    with LocalServer() as server:
        fr = edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».",
                  f"Choisissez « Automatique » ([aide]({server.url}/missing)).")
        edit(project, "en/settings/beta.md", 'Choose "Automatic".', f'Choose "Automatic" ([help]({server.url}/ok)).')
        assert cli(project, "check") == 0
        assert "external links not checked (use --external)" in capsys.readouterr().err
        assert server.hits == {}
        assert cli(project, "check", "--external", "--timeout", "5", "--external-match", r"^http://127\.0\.0\.1:") == 1
        out = capsys.readouterr().out
        assert f"docs/fr/settings/beta.md:{line_of(fr, '/missing')}: external link '{server.url}/missing' fails: " \
               "HTTP 404" in out
        assert "/ok'" not in out


# --- duplicate ids: the newer article is the one to change -------------------------------------------

def test_duplicate_id_is_blamed_on_the_new_article_not_the_published_one(repo, capsys, monkeypatch):
    # a writer copies the published alpha article (id 1) into a new file that sorts before it
    for lang in ("fr", "en"):
        src = repo / "docs" / lang / "settings" / "alpha.md"
        (repo / "docs" / lang / "settings" / "aardvark.md").write_text(
            src.read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert cli(repo, "check") == 1
    out = capsys.readouterr().out
    blamed = [l for l in out.splitlines() if "duplicate id 1" in l]
    assert blamed and all(l.startswith(("docs/fr/settings/aardvark.md:2:", "docs/en/settings/aardvark.md:2:"))
                          for l in blamed), out
    assert "docs/fr/settings/alpha.md already has it, and this article is newer (not committed yet)" in out
    assert "short link /a/1/ may already have been sent to customers" in out
    # committed later: still the newer one
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2030-01-01T00:00:00")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "copy")
    assert cli(repo, "check") == 1
    out = capsys.readouterr().out
    assert "docs/fr/settings/aardvark.md:2: duplicate id 1: docs/fr/settings/alpha.md already has it" in out, out


def test_the_tools_are_installed_commands_that_work_from_any_folder(tmp_path):
    """pip install -e . (scripts/dev.sh) makes the code importable everywhere and installs the commands:
    kb-docs (= scripts/docs.py) and kb-feedback (= python -m feedback), no PYTHONPATH, no sys.path edit."""
    import os
    import sys
    from conftest import ROOT
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(bin_dir / "kb-docs"), "status", "--json", "--config", str(ROOT / "mkdocs.yml")],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 20
    same = subprocess.run([sys.executable, str(ROOT / "scripts" / "docs.py"), "status", "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert same.returncode == 0 and json.loads(same.stdout) == json.loads(out.stdout)
    help_text = subprocess.run([str(bin_dir / "kb-feedback"), "--help"], cwd=tmp_path, env=env,
                               capture_output=True, text=True)
    assert help_text.returncode == 0 and "export" in help_text.stdout
    where = subprocess.run([sys.executable, "-c", "import helpcenter, cli, sitebuild; print(helpcenter.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.returncode == 0 and where.stdout.strip() == str(ROOT / "scripts" / "helpcenter" / "__init__.py")
