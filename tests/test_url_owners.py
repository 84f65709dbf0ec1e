"""One owner per URL path (issue: a page, category or alias that the deployment gives to something else).

Each case builds the tiny fixture project as a writer would leave it; the strict build (and `check`,
which runs the same content checks) must stop with the file, the line and what to do, and leave the
previous site alone. The cases are the ones that built fine before and broke behind nginx."""
from __future__ import annotations

import io

import pytest

from cli import check as cli_check
from fixtures import edit, tiny_project
from sitebuild import build as site_build


def build(project, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    proc = site_build.build_site(project / "mkdocs.yml", site)
    return proc, site


def alias(project, lang: str, value: str) -> None:
    edit(project, f"{lang}/settings/alpha.md", "tags: [alpha]", f"tags: [alpha]\naliases: [{value}]")


@pytest.mark.parametrize("value,message", [
    ("api/feedback.md", "alias 'api/feedback.md' would answer /api/feedback/, which the deployment gives to the "
                        "feedback collector (/api)"),
    ("dashboard.md", "alias 'dashboard.md' would answer /dashboard/, which the deployment gives to the feedback "
                     "collector (/dashboard)"),
    ("en/index.md", "alias 'en/index.md' would answer /en/, which the deployment gives to the en home page (/en/)"),
    ("en/settings/beta.md", "alias 'en/settings/beta.md' would answer /en/settings/beta/, the address of "
                            "docs/en/settings/beta.md"),
    ("search/index.md", "alias 'search/index.md' would answer /search/, which the deployment gives to the "
                        "build's own /search/"),
])
def test_an_alias_that_another_owner_has_stops_the_build(tmp_path, value, message):
    project = tiny_project(tmp_path / "project")
    alias(project, "fr", value)
    proc, site = build(project, tmp_path)
    assert proc.returncode != 0
    line = (project / "docs/fr/settings/alpha.md").read_text(encoding="utf-8").splitlines().index(
        f"aliases: [{value}]") + 1
    assert f"docs/fr/settings/alpha.md:{line}: {message} (fix: " in proc.stderr + proc.stdout
    assert (site / "index.html").read_text() == "previous site"
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) >= 1
    assert f"docs/fr/settings/alpha.md:{line}: {message}" in out.getvalue()


def test_an_english_alias_under_its_own_short_links_is_refused_once(tmp_path):
    project = tiny_project(tmp_path / "project")
    alias(project, "en", "a/7.md")
    proc, _ = build(project, tmp_path)
    assert proc.returncode != 0
    text = proc.stderr + proc.stdout
    assert text.count("alias 'a/7.md'") == 1 and "'a/' holds the short links" in text


@pytest.mark.parametrize("folder", ["api", "dashboard", "assets", "en"])
def test_a_category_whose_path_is_given_away_stops_the_build(tmp_path, folder):
    project = tiny_project(tmp_path / "project")
    for lang in ("fr", "en"):
        src = project / "docs" / lang / "settings" / "index.md"
        (project / "docs" / lang / folder).mkdir()
        (project / "docs" / lang / folder / "index.md").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    proc, site = build(project, tmp_path)
    assert proc.returncode != 0
    text = proc.stderr + proc.stdout
    assert f"docs/fr/{folder}/index.md: this category would be served at /{folder}/, which the deployment gives to" \
        in text, text[-3000:]
    assert f"(fix: rename '{folder}' (e.g. '{folder}-help')" in text
    assert (site / "index.html").read_text() == "previous site"


def test_an_old_path_of_its_own_language_still_redirects(tmp_path):
    project = tiny_project(tmp_path / "project")
    alias(project, "fr", "settings/ancien-alpha.md")
    alias(project, "en", "settings/old-alpha.md")
    proc, site = build(project, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert 'href="../alpha/"' in (site / "settings/ancien-alpha/index.html").read_text(encoding="utf-8")
    assert 'href="../alpha/"' in (site / "en/settings/old-alpha/index.html").read_text(encoding="utf-8")


def test_a_preview_save_that_takes_a_reserved_path_publishes_nothing(tmp_path):
    """The preview checks a save as the build does: an alias onto the collector's path is refused
    with its file and line, the last good pages stay served."""
    from preview.session import Session
    project = tiny_project(tmp_path / "project")
    session = Session(project / "mkdocs.yml", tmp_path / "preview")
    try:
        assert session.full().kind == "full", session.errors
        alias(project, "fr", "api/feedback.md")
        result = session.apply([project / "docs/fr/settings/alpha.md"])
        assert result.kind == "error", result
        assert any("docs/fr/settings/alpha.md:" in e and "alias 'api/feedback.md' would answer /api/feedback/" in e
                   for e in result.errors), result.errors
        assert not (session.link / "api").exists()
    finally:
        session.close()


def _nginx(site, *args):
    import subprocess
    import sys
    from conftest import ROOT
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "docs.py"), "nginx", "--site", str(site), *args],
                          capture_output=True, text=True)


def test_docs_nginx_refuses_a_configuration_nginx_would_reject_and_writes_nothing(site, tmp_path):
    """A site whose redirects give /dashboard away (built before this check existed, or edited by hand):
    two `location = /dashboard`; and an address nginx refuses: nothing is written, the old file stays."""
    import json
    import shutil
    copy = tmp_path / "site"
    shutil.copytree(site.path, copy)
    redirects = json.loads((copy / "kb-redirects.json").read_text(encoding="utf-8"))
    redirects["redirects"]["/dashboard/"] = "/settings/"
    (copy / "kb-redirects.json").write_text(json.dumps(redirects), encoding="utf-8")
    out = tmp_path / "kb.conf"
    out.write_text("the configuration in service")
    proc = _nginx(copy, "--out", str(out))
    assert proc.returncode == 1
    assert 'two "location = /dashboard" blocks: nginx refuses a duplicate location' in proc.stderr
    assert out.read_text() == "the configuration in service"
    proc = _nginx(site.path, "--listen", "99999", "--out", str(out))
    assert proc.returncode == 1 and 'nginx -t refuses it' in proc.stderr and "99999" in proc.stderr
    assert out.read_text() == "the configuration in service"
    proc = _nginx(site.path, "--out", str(out))                    # the site as built: written
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().count("location = /dashboard") == 1


def test_an_alias_from_the_site_root_redirects_an_old_address_outside_the_language_folder(tmp_path):
    """A former help center kept English articles at /assistance/x/ (where French now lives): a leading '/'
    makes the alias a site-root path. Its page is in the article's language, in the single and in the
    parallel build alike, and nginx answers it with a real 301."""
    import json
    project = tiny_project(tmp_path / "project")
    alias(project, "en", "/assistance/old-alpha.md")
    for parallel in (False, True):
        site = tmp_path / ("parallel" if parallel else "single")
        proc = site_build.build_site(project / "mkdocs.yml", site, parallel=parallel)
        assert proc.returncode == 0, proc.stderr
        page = (site / "assistance/old-alpha/index.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in page and 'href="../../en/settings/alpha/"' in page
        assert "This article has moved" in page
        redirects = json.loads((site / "kb-redirects.json").read_text(encoding="utf-8"))["redirects"]
        assert redirects["/assistance/old-alpha/"] == "/en/settings/alpha/"
    out = io.StringIO()
    assert cli_check.run_check(project / "mkdocs.yml", out=out) == 0, out.getvalue()
    conf = _nginx(tmp_path / "single", "--access-log", "off").stdout
    assert 'location = "/assistance/old-alpha/" { return 301 "/en/settings/alpha/"; }' in conf


def test_an_alias_from_the_site_root_cannot_take_a_page_of_any_language(tmp_path):
    project = tiny_project(tmp_path / "project")
    alias(project, "en", "/settings/beta.md")
    proc, _ = build(project, tmp_path)
    assert proc.returncode != 0
    assert "alias '/settings/beta.md' would answer /settings/beta/, the address of docs/fr/settings/beta.md" \
        in proc.stderr + proc.stdout
