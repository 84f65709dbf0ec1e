"""Hostile or broken content is refused with a clear file:line error, never a crash or a silent publish:
YAML alias bombs in front matter, long values quoted in errors, symbolic links leading outside the project
or looping, Markdown files that are not UTF-8."""
from __future__ import annotations

import io
import os
from pathlib import Path

from cli import check as cli_check
from sitebuild import build as site_build
from fixtures import edit, line_of, tiny_project
from helpcenter.source import frontmatter
from helpcenter import content


def run_check(project: Path) -> tuple[int, list[str]]:
    out = io.StringIO()
    n = cli_check.run_check(project / "mkdocs.yml", out=out)
    return n, out.getvalue().splitlines()


def alias_bomb(levels: int = 6) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\ntags: *a{levels - 1}"


def test_yaml_alias_bomb_in_front_matter_is_refused_at_its_line(tmp_path):
    project = tiny_project(tmp_path / "project")
    md = edit(project, "fr/settings/alpha.md", "tags: [alpha]", alias_bomb())
    n, lines = run_check(project)
    where = f"docs/fr/settings/alpha.md:{line_of(md, 'a0: &a0')}: "
    assert any(l.startswith(where + "YAML anchor or alias (&a0) in front matter (fix: ") for l in lines), lines
    assert max(map(len, lines)) < 400, max(lines, key=len)[:500]     # nothing expanded into the messages
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and "YAML anchor or alias" in proc.stderr


def test_an_alias_alone_is_refused_too():
    fm = frontmatter.parse("---\nid: 1\nrelated: *x\n---\n", "x.md")
    assert [str(p) for p in fm.problems] == [
        "x.md:3: YAML anchor or alias (*x) in front matter (fix: write each value out in full: anchors (&name) "
        "and aliases (*name) are not allowed)"]
    # a star or an ampersand in a quoted value is text, not YAML syntax
    fm = frontmatter.parse('---\nid: 1\ntitle: "Rock & roll *vite*"\n---\n', "x.md")
    assert fm.problems == [] and fm.meta["title"] == "Rock & roll *vite*"


def test_values_quoted_in_error_messages_are_capped():
    text = "---\nid: 1\ntitle: T\nweight: '" + "w" * 100_000 + "'\nrelated: [" + ", ".join(["[1, [2, [3]]]"] * 1000) + "]\n---\n"
    fm = frontmatter.parse(text, "x.md")
    problems = [str(p) for p in frontmatter.validate(fm, "article", "x.md")]
    weight = next(p for p in problems if "'weight'" in p)
    related = next(p for p in problems if "'related'" in p)
    assert "must be a whole number" in weight and "w" * 100 not in weight and len(weight) < 300
    assert len(related) < 300


def test_symbolic_link_outside_the_project_is_refused_and_not_published(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tiny_project(tmp_path / "project")
    for lang, title in (("fr", "Secret de l'alpha"), ("en", "Alpha secret")):
        secret = outside / f"secret-{lang}.md"
        secret.write_text(f'---\nid: 9\ntitle: "{title}"\ndescription: "A private file that must never be '
                          f'published on the site."\n---\n\nSECRET-{lang}\n', encoding="utf-8")
        os.symlink(secret, project / "docs" / lang / "settings" / "secret.md")
    n, lines = run_check(project)
    for lang in ("fr", "en"):
        assert any(l.startswith(f"docs/{lang}/settings/secret.md: symbolic link to ") and "outside the project" in l
                   and "(fix: copy the file into docs/" in l for l in lines), lines
    site = tmp_path / "site"
    proc = site_build.build_site(project / "mkdocs.yml", site)
    assert proc.returncode != 0 and "outside the project" in proc.stderr
    assert not site.exists()
    assert "Traceback" not in proc.stderr


def test_symbolic_link_loops_give_clear_errors(tmp_path):
    project = tiny_project(tmp_path / "project")
    settings = project / "docs" / "fr" / "settings"
    os.symlink("..", settings / "again")                  # a folder leading back to a parent
    os.symlink("self.md", settings / "self.md")           # a file pointing at itself
    n, lines = run_check(project)
    text = "\n".join(lines)
    assert "docs/fr/settings/again: symbolic link loop: leads back to its own folder or a parent" in text, text
    assert "docs/fr/settings/self.md: symbolic link loop (to self.md) (fix: " in text, text
    assert "Traceback" not in text and "OSError" not in text
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and "symbolic link loop" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_utf8_is_reported_with_its_line(tmp_path):
    project = tiny_project(tmp_path / "project")
    md = project / "docs/fr/settings/alpha.md"
    line = line_of(md, "Choisissez la valeur")
    data = md.read_bytes().replace("Choisissez la valeur".encode(), b"Choisissez la \xe9valeur")
    md.write_bytes(data)
    catalogue = content.load(project / "docs", ("fr", "en"), "fr", root=project)
    assert [str(p) for p in catalogue.problems if "UTF-8" in p.message] == [
        f"docs/fr/settings/alpha.md:{line}: not valid UTF-8 (byte 0xe9 at column 15: invalid continuation byte) "
        "(fix: save the file as UTF-8 and retype the character at that place)"]
    n, lines = run_check(project)
    assert any(l.startswith(f"docs/fr/settings/alpha.md:{line}: not valid UTF-8") for l in lines), lines
