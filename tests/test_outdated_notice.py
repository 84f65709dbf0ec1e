"""An English page whose French source changed after it (in git) shows a discreet notice."""
from __future__ import annotations

import subprocess

from conftest import Site, build


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_translation_older_than_its_source_shows_the_notice(site_copy, tmp_path):
    git(site_copy, "init", "-q")
    git(site_copy, "add", "-A")
    git(site_copy, "commit", "-qm", "both languages")
    src = site_copy / "docs/fr/settings/segment-logo.md"
    src.write_text(src.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", encoding="utf-8")
    git(site_copy, "commit", "-qam", "French source changed")

    dest = tmp_path / "site"
    proc = build(site_copy / "mkdocs.yml", dest)
    assert proc.returncode == 0, proc.stderr
    built = Site(dest)
    en = built.page_file("en/settings/segment-logo/")
    notice = built.soup(en).select_one(".kb-outdated")
    assert notice is not None
    assert "This translation may be out of date" in notice.get_text()
    assert built.resolve(en, notice.a["href"]) == built.page_file("settings/segment-logo/").resolve()
    # the source itself and up-to-date translations carry no notice
    assert built.soup(built.page_file("settings/segment-logo/")).select_one(".kb-outdated") is None
    assert built.soup(built.page_file("en/settings/invoice-footer/")).select_one(".kb-outdated") is None


def test_real_site_has_no_outdated_translation(site):
    assert not [p for p in site.html_pages() if site.soup(p).select_one(".kb-outdated")]
