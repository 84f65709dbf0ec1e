"""Front matter ``status: draft | unlisted``, on the built fixture site.

A draft is absent from the build (no page, listing, search, sitemap, related, popular, short link) and
shown by the writers' preview with a banner; a link to it from a built article fails the strict build.
An unlisted article is built and reachable by URL and short link, ``noindex``, and in no listing,
search, sitemap, related or popular list. Both languages must agree."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from cli import check as cli_check
from cli import main as docs_cli
from helpcenter import content
from helpcenter.source import frontmatter
from preview.session import Session
from sitebuild import build as site_build
from conftest import ROOT, Site, build
from fixtures import edit, line_of, tiny_project

ARTICLE = """---
id: {id}
title: "{title}"
description: "{description}"
status: {status}
weight: 100000
tags: [alpha, beta]
---

{body}

## {section} {{#more}}

{more}
"""
TEXTS = {
    "fr": dict(title="Comment régler le gamma ?", description="Régler le gamma du compte de test, comme l'alpha et le bêta.",
               body="Le gamma se règle comme l'alpha et le bêta, dans les paramètres.", section="Que choisir",
               more="Choisissez la valeur par défaut de l'alpha."),
    "en": dict(title="How to set gamma?", description="Set the gamma of the test account, like alpha and beta.",
               body="Gamma is set like alpha and beta, in the settings.", section="What to choose",
               more="Choose the default value of alpha."),
}


def add(project, slug: str, article_id: int, status: str, langs=("fr", "en")) -> None:
    for lang in langs:
        t = dict(TEXTS[lang])
        t["title"] = t["title"].replace("gamma", slug)
        (project / "docs" / lang / "settings" / f"{slug}.md").write_text(
            ARTICLE.format(id=article_id, status=status, **t), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """gamma (3) is a draft, delta (4) is unlisted; both would top every list by weight and tags."""
    project = tiny_project(tmp_path_factory.mktemp("drafts") / "project")
    add(project, "gamma", 3, "draft")
    add(project, "delta", 4, "unlisted")
    site = project.parent / "site"
    proc = build(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return project, Site(site)


def hrefs(site: Site, url: str) -> set[str]:
    page = site.page_file(url)
    return {str(site.resolve(page, a["href"]).relative_to(site.path)) for a in site.soup(page).select("a[href]")
            if not a["href"].startswith(("http", "#", "mailto"))}


def search_locations(site: Site) -> set[str]:
    out = set()
    for index in ("search/search_index.json", "en/search/search_index.json"):
        out |= {d["location"] for d in json.loads((site.path / index).read_text(encoding="utf-8"))["docs"]}
    return out


@pytest.mark.parametrize("lang", ["", "en/"])
def test_draft_is_not_built_anywhere(built, lang):
    project, site = built
    assert not site.page_file(f"{lang}settings/gamma/").exists()
    assert not (site.path / f"{lang}a/3").exists()                       # no short link
    for url in (f"{lang}", f"{lang}settings/", f"{lang}settings/alpha/"):   # home (popular), listing, related, nav
        assert not any("gamma" in h for h in hrefs(site, url)), url
    assert not any("gamma" in loc for loc in search_locations(site))
    assert "gamma" not in (site.path / "sitemap.xml").read_text(encoding="utf-8")
    catalogue = json.loads((site.path / "kb-catalogue.json").read_text(encoding="utf-8"))
    assert 3 not in {a["id"] for a in catalogue["articles"]}


@pytest.mark.parametrize("lang", ["", "en/"])
def test_unlisted_is_reachable_by_url_and_short_link_but_listed_nowhere(built, lang):
    project, site = built
    page = site.page_file(f"{lang}settings/delta/")
    assert page.is_file()
    assert site.soup(page).select_one('meta[name="robots"]')["content"].startswith("noindex")
    short = site.page_file(f"{lang}a/4/")
    assert site.is_redirect(short)
    assert site.resolve(short, site.soup(short).select_one("link[rel=canonical]")["href"]) == page.resolve()
    for url in (f"{lang}", f"{lang}settings/", f"{lang}settings/alpha/", f"{lang}settings/beta/"):
        assert not any("delta" in h for h in hrefs(site, url)), url     # popular, listing, nav, related
    assert not any("delta" in loc for loc in search_locations(site))
    assert "delta" not in (site.path / "sitemap.xml").read_text(encoding="utf-8")
    # the unlisted article itself still gets its related articles (published ones)
    assert f"{lang}settings/alpha/index.html" in hrefs(site, f"{lang}settings/delta/")


def test_the_preview_shows_a_draft_with_a_banner(built, tmp_path):
    project, _ = built
    out = tmp_path / "preview"
    # what `mkdocs serve` does (the writers' preview, scripts/preview/, starts the same way)
    code = ("import sys; from mkdocs.config import load_config; from mkdocs.commands import build; "
            f"cfg = load_config(config_file={str(project / 'mkdocs.yml')!r}, site_dir={str(out)!r}); "
            "cfg.plugins.on_startup(command='serve', dirty=False); "
            "build.build(cfg, serve_url='http://127.0.0.1:8000/')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    preview = Site(out)
    for url, words in (("settings/gamma/", "Brouillon"), ("en/settings/gamma/", "Draft")):
        banner = preview.soup(preview.page_file(url)).select_one(".kb-draft")
        assert banner is not None and banner.strong.get_text() == words, url
    assert preview.soup(preview.page_file("settings/alpha/")).select_one(".kb-draft") is None
    assert not any("gamma" in h for h in hrefs(preview, "en/settings/"))      # still in no listing


def run_check(project):
    out = io.StringIO()
    n = cli_check.run_check(project / "mkdocs.yml", out=out)
    return n, out.getvalue()


def test_a_link_to_a_draft_fails_the_strict_build_at_its_line(tmp_path):
    project = tiny_project(tmp_path / "project")
    add(project, "gamma", 3, "draft")
    md = edit(project, "en/settings/beta.md", "Choose \"Automatic\".", "Choose \"Automatic\", see [gamma](gamma.md#more).")
    expected = f"docs/en/settings/beta.md:{line_of(md, 'gamma.md')}: links to 'gamma.md#more', a draft"
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and expected in proc.stderr + proc.stdout
    n, out = run_check(project)
    assert n >= 1 and expected in out


def test_both_languages_must_have_the_same_status(tmp_path, capsys):
    project = tiny_project(tmp_path / "project")
    md = edit(project, "en/settings/beta.md", "tags: [beta]", "tags: [beta]\nstatus: unlisted")
    n, out = run_check(project)
    assert f"docs/en/settings/beta.md:{line_of(md, 'status:')}: status 'unlisted' differs from the source's " \
           "status 'published' (docs/fr/settings/beta.md)" in out
    # status shows the disagreement too
    beta = status_json(project, capsys)["settings/beta.md"]
    assert (beta["publication"], beta["publications"]) == ("published", {"fr": "published", "en": "unlisted"})
    assert "published (en: unlisted)" in status_table(project, capsys)["settings/beta.md"]
    edit(project, "en/settings/beta.md", "status: unlisted", "status: hidden")
    n, out = run_check(project)
    assert f"docs/en/settings/beta.md:{line_of(md, 'status:')}: 'status' must be one of published, draft, unlisted" in out


def test_a_site_with_a_draft_and_an_unlisted_article_passes_every_check(built):
    project, _ = built
    n, out = run_check(project)
    assert n == 0, out


# --- docs.py status shows the publication status ----------------------------------------------------

def status_json(project, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert docs_cli.main(["status", "--json", "--config", str(project / "mkdocs.yml")]) == 0
    return {row["path"]: row for row in json.loads(capsys.readouterr().out)}


def status_table(project, capsys) -> dict[str, str]:
    """{path: its line of the table}, plus 'head' and 'summary'."""
    capsys.readouterr()
    assert docs_cli.main(["status", "--config", str(project / "mkdocs.yml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {l.split()[1]: l for l in lines[2:] if l.strip() and l.split()[0].isdigit()}
    return {**rows, "head": lines[0], "summary": lines[-1]}


def test_status_shows_draft_unlisted_and_published_in_both_languages(built, capsys):
    project, _ = built
    rows = status_json(project, capsys)
    for path, publication in (("settings/alpha.md", "published"), ("settings/gamma.md", "draft"),
                              ("settings/delta.md", "unlisted")):
        assert rows[path]["publication"] == publication, rows[path]
        assert rows[path]["publications"] == {"fr": publication, "en": publication}
    table = status_table(project, capsys)
    assert table["head"].split() == ["id", "path", "fr", "title", "en", "title", "publication", "status", "review"]
    for path, publication in (("settings/alpha.md", "published"), ("settings/gamma.md", "draft"),
                              ("settings/delta.md", "unlisted")):
        assert table[path].split("  ")[-1].strip() in ("ok", publication) and f"  {publication}  " in table[path]
    assert table["summary"] == "4 article(s): 4 ok (1 draft, 1 unlisted)"


# --- a new article marked as a draft: "no text yet" is no error --------------------------------------

NEW = ["new", "Comment régler l'epsilon ?", "--en-title", "How to set epsilon?", "--category", "settings",
       "--description", "Régler l'epsilon du compte de test, comme l'alpha et le bêta.",
       "--en-description", "Set the epsilon of the test account, like alpha and beta."]
NO_TEXT = "the article has no text yet (only its title would be published)"


def body_line(md) -> int:
    return frontmatter.parse(md.read_text(encoding="utf-8"), str(md)).body_line


def set_status(files, status: str | None) -> None:
    """Set (or, with None, remove) ``status:`` in the front matter of each file."""
    for md in files:
        text = md.read_text(encoding="utf-8")
        lines = [l for l in text.split("\n") if not l.startswith("status:")]
        text = "\n".join(lines)
        if status:
            text = text.replace("\n---\n", f"\nstatus: {status}\n---\n", 1)
        md.write_text(text, encoding="utf-8")


def test_a_new_empty_draft_passes_check_the_build_and_the_preview(tmp_path, capsys):
    """README's way: ``docs.py new``, then 'status: draft' in both files. A draft is not published, so its
    empty body is not "only its title would be published"; unlisted or published, it is."""
    project = tiny_project(tmp_path / "project")
    assert docs_cli.main([*NEW, "--config", str(project / "mkdocs.yml")]) == 0
    files = [project / "docs" / lang / "settings/how-to-set-epsilon.md" for lang in ("fr", "en")]
    set_status(files, "draft")
    body_lines = [body_line(md) for md in files]      # as unlisted too: the status line stays
    n, out = run_check(project)
    assert n == 0 and "no text yet" not in out, out
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")        # the plain strict build
    assert proc.returncode == 0 and "no text yet" not in proc.stderr, proc.stderr
    assert status_json(project, capsys)["settings/how-to-set-epsilon.md"]["publication"] == "draft"

    # the preview: the draft is shown with its banner, and no problem banner on any page
    session = Session(project / "mkdocs.yml", tmp_path / "preview")
    try:
        first = session.full()
        assert first.kind == "full" and not session.errors, session.errors
        for url, words in (("settings/how-to-set-epsilon/", "Brouillon"), ("en/settings/how-to-set-epsilon/", "Draft")):
            page = Site(session.link)
            banner = page.soup(page.page_file(url)).select_one(".kb-draft")
            assert banner is not None and banner.strong.get_text() == words, url
        # unlisted, it would be published with no text: an error again, at each file's body line
        set_status(files, "unlisted")
        bad = session.apply(files)
        assert bad.kind == "error", bad
        for lang, line in zip(("fr", "en"), body_lines):
            where = f"docs/{lang}/settings/how-to-set-epsilon.md:{line}: {NO_TEXT}"
            assert any(e.startswith(where) for e in bad.errors), bad.errors
    finally:
        session.close()
    n, out = run_check(project)
    assert n == 2 and all(f"docs/{lang}/settings/how-to-set-epsilon.md:{line}: {NO_TEXT}" in out
                          for lang, line in zip(("fr", "en"), body_lines)), out
    assert "mark it 'status: draft' in every language while you write it" in out
    set_status(files, None)                                                       # published: an error too
    catalogue = content.load(project / "docs", ("fr", "en"), "fr", root=project)
    assert sorted((p.file, p.line, p.message) for p in catalogue.problems) == [
        (f"docs/{lang}/settings/how-to-set-epsilon.md", body_line(md), NO_TEXT) for lang, md in zip(("en", "fr"), files[::-1])]


def test_a_draft_written_in_french_first_has_no_parity_problem_until_it_is_published(tmp_path):
    """Writers write the French first: while both files are drafts, the English one may still be empty
    of sections and links; once `status: draft` goes, parity holds again, on the translation's line."""
    project = tiny_project(tmp_path / "project")
    add(project, "gamma", 3, "draft")
    edit(project, "fr/settings/gamma.md", "## Que choisir", "## Une nouvelle section {#new}\n\nTexte.\n\n## Que choisir")
    n, out = run_check(project)
    assert n == 0, out
    for lang in ("fr", "en"):
        edit(project, f"{lang}/settings/gamma.md", "status: draft\n", "")
    n, out = run_check(project)
    assert n >= 1 and "docs/en/settings/gamma.md:" in out and "'##' sections" in out, out
