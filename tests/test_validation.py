"""Content validation and link checks on small fixture sites broken on purpose, and on the real site.

Each class of bad input makes ``docs.py check`` fail with a line naming the file, the line and the problem;
when the strict build fails too, the last good site is left untouched.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from cli import main as docs_cli
from cli import check as cli_check
from sitebuild import build as site_build
from conftest import LANGS, ROOT
from fixtures import edit, line_of, tiny_project
from helpcenter.links import linkcheck
from helpcenter.translation import parity
from helpcenter import content


def run_check(project: Path) -> tuple[int, list[str]]:
    out = io.StringIO()
    n = cli_check.run_check(project / "mkdocs.yml", out=out)
    return n, out.getvalue().splitlines()


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """The fixture site, built once: the 'last good site' that failed builds must leave alone."""
    project = tiny_project(tmp_path_factory.mktemp("good") / "project")
    site = project.parent / "site"
    proc = site_build.build_site(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return site


def test_fixture_site_passes_every_check(tmp_path):
    n, lines = run_check(tiny_project(tmp_path / "p"))
    assert n == 0, lines


# Each case: (break the project) -> (file, line marker or None, words of the message), build fails?
def malformed_yaml(p):
    return edit(p, "en/settings/beta.md", "tags: [beta]", "tags: [beta\nweight: 3"), "tags: [beta", \
        "malformed YAML in front matter"


def missing_title(p):
    return edit(p, "fr/settings/beta.md", 'title: "Comment régler le bêta ?"\n', ""), None, \
        "missing required front-matter key 'title'"


def duplicate_id(p):
    edit(p, "en/settings/beta.md", "id: 2", "id: 1")
    return edit(p, "fr/settings/beta.md", "id: 2", "id: 1"), "id: 1", \
        "duplicate id 1: docs/fr/settings/alpha.md has it too"


def id_differs(p):
    return edit(p, "en/settings/beta.md", "id: 2", "id: 7"), "id: 7", \
        "id 7 differs from the source's id 2 (docs/fr/settings/beta.md)"


def unknown_related(p):
    return edit(p, "fr/settings/alpha.md", "related: [2]", "related: [2, 99]"), "related:", \
        "unknown related article id 99"


def missing_translation(p):
    (p / "docs/en/settings/beta.md").unlink()
    edit(p, "en/settings/alpha.md", "See also [the beta setting](beta.md#choose).", "")
    edit(p, "en/settings/alpha.md", "related: [2]\n", "")
    return p / "docs/en/settings/beta.md", None, "missing English translation of docs/fr/settings/beta.md"


def broken_link(p):
    return edit(p, "en/settings/alpha.md", "Choose the default value.", "Choose the default value, see [gamma](gamma.md)."), \
        "gamma.md", "contains a link 'gamma.md', but the target 'en/settings/gamma.md' is not found"


def broken_anchor(p):
    return edit(p, "fr/settings/beta.md", "[l'alpha](alpha.md)", "[l'alpha](alpha.md#nowhere)"), "#nowhere", \
        "does not contain an anchor '#nowhere'"


def markdown_link_into_other_language(p):
    return edit(p, "fr/settings/beta.md", "[l'alpha](alpha.md)", "[l'alpha](../../en/settings/alpha.md)"), \
        "../../en/settings/alpha.md", "contains a link '../../en/settings/alpha.md'"


def html_link_into_other_language(p):
    return edit(p, "en/settings/beta.md", 'Choose "Automatic".',
                'Choose "Automatic" (<a href="../../../settings/alpha/">French version</a>).'), \
        "French version", "leads into the French site (/settings/alpha/) from a English page"


def image_without_file(p):
    return edit(p, "fr/settings/alpha.md", "(alpha.svg)", "(alpha-old.png)"), "alpha-old.png", \
        "contains a link 'alpha-old.png'"


def section_missing_in_translation(p):
    return edit(p, "en/settings/alpha.md", "## What to choose {#choose}\n", "**What to choose**\n"), "## Where", \
        "1 '##' sections, but its French source docs/fr/settings/alpha.md has 2"


def image_missing_in_translation(p):
    return edit(p, "en/settings/alpha.md", "![Alpha screen](alpha.svg)\n", ""), "## Where", \
        "0 images, but its French source docs/fr/settings/alpha.md has 1"


CASES = {
    "malformed YAML": (malformed_yaml, True),
    "missing title": (missing_title, True),
    "duplicate id": (duplicate_id, True),
    "id differing between languages": (id_differs, True),
    "unknown related id": (unknown_related, True),
    "missing translation": (missing_translation, True),
    "broken link": (broken_link, True),
    "broken anchor": (broken_anchor, True),
    "Markdown link into the other language": (markdown_link_into_other_language, True),
    "HTML link into the other language": (html_link_into_other_language, True),   # parity (one link more)
    "image without file": (image_without_file, True),
    "section missing in translation": (section_missing_in_translation, True),
    "image missing in translation": (image_missing_in_translation, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_check_fails_naming_file_line_and_problem(case, tmp_path, good_site):
    project = tiny_project(tmp_path / "project")
    mutate, build_fails = CASES[case]
    md, marker, words = mutate(project)
    file = md.relative_to(project).as_posix()
    n, lines = run_check(project)
    assert n > 0, f"{case}: check passed"
    if marker is None:
        where = f"{file}:" if md.exists() else f"{file}: "
    else:
        where = f"{file}:{line_of(md, marker)}: "
    assert any(l.startswith(where) and words in l for l in lines), f"{case}: expected {where}...{words}\n" + \
        "\n".join(lines)
    assert all("(fix: " in l for l in lines if not l.startswith(("note:", " "))), lines

    # `docs.py build` refuses everything check refuses, with the same line, and keeps the last good site
    dest = tmp_path / "out" / "site"
    shutil.copytree(good_site, dest)
    before = (dest / "index.html").read_bytes()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = docs_cli.main(["build", "--config", str(project / "mkdocs.yml"), "--site-dir", str(dest)])
    assert rc == 1, f"{case}: docs.py build published it"
    printed = err.getvalue().splitlines()
    assert any(l.startswith(where) and words in l for l in printed), f"{case}: build said\n" + "\n".join(printed)
    assert (dest / "index.html").read_bytes() == before
    assert not list(dest.parent.glob(".kb-build-*")), "temporary build folder left behind"
    # the plain strict MkDocs build refuses it too, except what only the site-level check can see
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "plain" / "site")
    assert (proc.returncode != 0) == build_fails, proc.stderr


def test_one_run_reports_every_problem(tmp_path):
    project = tiny_project(tmp_path / "project")
    for mutate in (missing_title, unknown_related, broken_link, html_link_into_other_language,
                   section_missing_in_translation):
        mutate(project)
    n, lines = run_check(project)
    text = "\n".join(lines)
    for words in ("missing required front-matter key 'title'", "unknown related article id 99",
                  "contains a link 'gamma.md'", "leads into the French site", "'##' sections"):
        assert words in text, text
    assert n >= 5


def test_follow_on_problems_are_marked_with_their_cause_and_not_counted(tmp_path):
    project = tiny_project(tmp_path / "project")
    # 1. alpha's front matter cannot be read: beta's "related: [1]" then names an unknown id
    edit(project, "fr/settings/beta.md", "tags: [beta]", "tags: [beta]\nrelated: [1]")
    edit(project, "fr/settings/alpha.md", 'title: "Comment régler l\'alpha ?"', 'title: "Comment régler l\'alpha ?')
    # 2. a broken link added to the French beta only: the English twin then has one link fewer
    edit(project, "fr/settings/beta.md", "Choisissez « Automatique ».", "Choisissez « Automatique » ([gamma](gamma.md)).")
    # 3. the English beta renames a section id: English alpha's link to beta.md#choose then breaks
    edit(project, "en/settings/beta.md", "{#choose}", "{#choice}")
    n, lines = run_check(project)
    counted = [l for l in lines if l.startswith("docs/")]
    assert n == 3 == len(counted), "\n".join(lines)
    assert any(l.startswith("docs/fr/settings/alpha.md:3: malformed YAML") for l in counted), lines
    assert any(l.startswith("docs/fr/settings/beta.md:") and "gamma.md" in l for l in counted), lines
    assert any(l.startswith("docs/en/settings/beta.md:") and "section ids differ" in l for l in counted), lines
    follow = [l for l in lines if "[follows from " in l]
    assert len(follow) == 3, "\n".join(lines)
    assert any("unknown related article id 1" in l and "[follows from docs/fr/settings/alpha.md]" in l for l in follow)
    assert any("1 links, but its French source" in l and "[follows from docs/fr/settings/beta.md:" in l for l in follow)
    assert any("anchor '#choose'" in l and "[follows from docs/en/settings/beta.md:" in l for l in follow)


def test_a_french_heading_that_loses_its_id_is_reported_on_the_french_file(tmp_path):
    """French is the source: its heading without {#choose} is fixed in French, not by changing the English;
    the French link to beta.md#choose that breaks with it follows from it."""
    project = tiny_project(tmp_path / "project")
    fr = edit(project, "fr/settings/beta.md", "## Que choisir {#choose}", "## Que choisir")
    en = project / "docs/en/settings/beta.md"
    fr_line, en_line = line_of(fr, "## Que choisir"), line_of(en, "## What to choose {#choose}")
    n, lines = run_check(project)
    counted = [l for l in lines if l.startswith("docs/")]
    assert n == 1 == len(counted), "\n".join(lines)
    assert counted[0] == (
        f"docs/fr/settings/beta.md:{fr_line}: heading '## Que choisir' has no {{#id}} while its translation "
        f"docs/en/settings/beta.md:{en_line} has {{#choose}} (fix: add {{#choose}} back to the French heading "
        "('## Que choisir {#choose}'): the French source sets the section ids, the English translation keeps "
        "them, and links rely on them)"), lines
    assert not any(l.startswith("docs/en/") for l in counted)
    follow = [l for l in lines if "[follows from " in l]
    assert len(follow) == 1 and "docs/fr/settings/alpha.md:" in follow[0] and "anchor '#choose'" in follow[0] \
        and follow[0].endswith(f"[follows from docs/fr/settings/beta.md:{fr_line}]"), lines


def test_an_english_heading_that_loses_its_id_is_reported_on_the_english_file(tmp_path):
    project = tiny_project(tmp_path / "project")
    en = edit(project, "en/settings/beta.md", "## What to choose {#choose}", "## What to choose")
    fr = project / "docs/fr/settings/beta.md"
    en_line, fr_line = line_of(en, "## What to choose"), line_of(fr, "## Que choisir {#choose}")
    n, lines = run_check(project)
    counted = [l for l in lines if l.startswith("docs/")]
    assert n == 1 == len(counted), "\n".join(lines)
    assert counted[0] == (
        f"docs/en/settings/beta.md:{en_line}: section ids differ from its French source docs/fr/settings/beta.md: "
        f"heading '## What to choose' has no {{#id}} while docs/fr/settings/beta.md:{fr_line} has {{#choose}} "
        "(fix: add {#choose} back to the English heading ('## What to choose {#choose}'): a translation keeps its "
        "source's section ids, and links rely on them)"), lines
    follow = [l for l in lines if "[follows from " in l]
    assert len(follow) == 1 and "docs/en/settings/alpha.md:" in follow[0] \
        and follow[0].endswith(f"[follows from docs/en/settings/beta.md:{en_line}]"), lines


def test_lost_ids_at_every_heading_level_and_a_translation_without_any_id(tmp_path):
    project = tiny_project(tmp_path / "project")
    catalogue = content.load(project / "docs", LANGS, "fr", root=project)
    src, tr = catalogue["fr"].articles["settings/alpha.md"], catalogue["en"].articles["settings/alpha.md"]
    src.body, tr.body = src.body + "\n### Détail\n", tr.body + "\n### Detail {#detail}\n"
    found = [str(p) for p in parity.compare(src, tr)]
    assert len(found) == 1 and found[0].startswith(
        f"{src.file}:{src.body_line + src.body.splitlines().index('### Détail')}: heading '### Détail' has no "
        f"{{#id}} while its translation {tr.file}:"), found
    # the English loses every id: one problem per heading, on the English file
    tr.body = tr.body.replace(" {#where}", "").replace(" {#choose}", "").replace(" {#detail}", "")
    src.body = src.body.replace("### Détail", "### Détail {#detail}")
    found = parity.compare(src, tr)
    assert [(p.file, p.message.split(": heading ")[1].split(" has no")[0]) for p in found] == [
        (tr.file, "'## Where to set it'"), (tr.file, "'## What to choose'"), (tr.file, "'### Detail'")], found
    # headings that no longer match one to one (an extra sub-heading) and no id left: one summary problem
    tr.body += "\n### Extra\n"
    found = [str(p) for p in parity.compare(src, tr)]
    assert len(found) == 1 and "section ids differ from its French source" in found[0] \
        and "(missing {#where}, {#choose}, {#detail})" in found[0], found


def test_missing_anchor_fix_lists_the_section_ids_that_exist(tmp_path):
    project = tiny_project(tmp_path / "project")
    edit(project, "fr/settings/beta.md", "[l'alpha](alpha.md)", "[l'alpha](alpha.md#nowhere)")
    n, lines = run_check(project)
    assert any("anchor '#nowhere'" in l and "(fix: use one of the section ids of fr/settings/alpha.md: #where, #choose)"
               in l for l in lines), lines


def test_malformed_yaml_line_points_at_the_yaml_error(tmp_path):
    project = tiny_project(tmp_path / "project")
    edit(project, "fr/settings/alpha.md", 'tags: [alpha]', 'tags: [alpha\nweight: 3')
    n, lines = run_check(project)
    md = project / "docs/fr/settings/alpha.md"
    # the list left open on the tags line is the mistake, not the line where the parser gave up
    assert any(l.startswith(f"docs/fr/settings/alpha.md:{line_of(md, 'tags: [alpha')}: malformed YAML") for l in lines), lines


# --- parity and outdated, as units ----------------------------------------------------------------

def test_structure_ignores_code_blocks_and_counts_links_images_and_sections():
    body = ("Intro [a](a.md) and `[not](a link)`.\n\n## One {#one}\n\n![img](x.png) <img src=\"y.png\">\n\n"
            "```md\n## not a section\n[no](link.md)\n```\n\n### Sub {#sub}\n\n## Two\n\n"
            "[![badge](b.svg)](https://example.com) <a href=\"c.md\">c</a>\n")
    s = parity.structure(body, 10)
    assert [i.value for i in s.sections] == ["#one", "Two"]
    assert [i.value for i in s.ids] == ["one", "sub"]
    assert [i.value for i in s.images] == ["x.png", "y.png", "b.svg"]
    assert [i.value for i in s.links] == ["a.md", "(external)", "c.md"]
    assert s.sections[0].line == 12


def _git(path: Path, *args: str) -> None:
    import subprocess
    subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)


@pytest.fixture
def git_env(monkeypatch):
    for k, v in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                 "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null",
                 "GIT_CONFIG_NOSYSTEM": "1"}.items():
        monkeypatch.setenv(k, v)


def test_outdated_follows_git_history_and_uncommitted_changes(tmp_path, git_env):
    import os
    project = tiny_project(tmp_path / "project")
    assert parity.outdated_paths(project, "docs") == set()       # not a git work tree: nothing outdated
    _git(project, "init", "-q")
    _git(project, "add", "docs")
    _git(project, "commit", "-q", "-m", "both")
    assert parity.outdated_paths(project, "docs", "fr", "en") == set()
    fr = edit(project, "fr/settings/alpha.md", "L'alpha se règle", "L'alpha se règle facilement")
    assert parity.outdated_paths(project, "docs") == {"settings/alpha.md"}      # uncommitted source change
    _git(project, "commit", "-q", "-am", "fr only")
    assert parity.outdated_paths(project, "docs") == {"settings/alpha.md"}      # committed after the translation
    en = edit(project, "en/settings/alpha.md", "Alpha is set", "Alpha is easily set")
    assert parity.outdated_paths(project, "docs") == set()                      # translation being updated
    edit(project, "fr/settings/alpha.md", "facilement", "très facilement")      # both uncommitted:
    os.utime(en, (fr.stat().st_mtime - 10,) * 2)                                 # the last saved wins
    assert parity.outdated_paths(project, "docs") == {"settings/alpha.md"}
    os.utime(en, (fr.stat().st_mtime + 10,) * 2)
    assert parity.outdated_paths(project, "docs") == set()
    edit(project, "fr/settings/beta.md", "Automatique", "Auto")
    _git(project, "commit", "-q", "-am", "en updated")
    assert parity.outdated_paths(project, "docs") == {"settings/beta.md"}
    assert parity.outdated_paths(project / "docs", project / "docs") == {"settings/beta.md"}   # any work-tree root


# --- the real site ----------------------------------------------------------------------------------

def test_real_content_passes_validation_and_parity():
    catalogue = content.load(ROOT / "docs", LANGS, "fr", root=ROOT)
    assert [str(p) for p in catalogue.problems + parity.problems(catalogue)] == []


def test_real_site_passes_the_site_level_link_check(site):
    report = linkcheck.check_site(site.path, ROOT / "docs", LANGS, "fr", root=ROOT)
    assert [str(p) for p in report.problems] == []
    assert report.pages >= 46 and report.links > 1000


def test_check_command_passes_on_the_real_project():
    n, lines = run_check(ROOT)
    assert n == 0, "\n".join(lines)


def test_front_matter_is_written_in_the_house_style_and_reads_back_as_written():
    """One writer for `docs.py new` and `docs.py import`: bare words where YAML reads them back as text,
    quoted otherwise (a tag `yes` or `null` would be read as true or nothing)."""
    import yaml
    from helpcenter.source.frontmatter import dump
    meta = {"id": 3, "title": "Comment régler l'alpha ?", "tags": ["portail client", "yes", "null", "a: b", "12"],
            "related": [1, 2]}
    text = dump(meta)
    assert text.splitlines()[3] == 'tags: [portail client, "yes", "null", "a: b", "12"]'
    assert text.splitlines()[4] == "related: [1, 2]"
    assert yaml.safe_load(text.strip("-\n")) == meta
