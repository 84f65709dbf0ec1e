"""A strict build fails on a broken link or anchor, and a failed build leaves the last good site."""
from __future__ import annotations

from conftest import build


def _break(project, rel, text):
    md = project / "docs" / rel
    md.write_text(md.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_broken_link_fails_the_strict_build_and_keeps_the_last_good_site(site_copy, tmp_path):
    dest = tmp_path / "out" / "site"
    good = build(site_copy / "mkdocs.yml", dest)
    assert good.returncode == 0, good.stderr
    marker = dest / "index.html"
    before = marker.read_bytes()

    _break(site_copy, "en/settings/segment-logo.md", "\nSee [the old page](no-such-article.md).\n")
    bad = build(site_copy / "mkdocs.yml", dest)
    assert bad.returncode != 0
    assert "settings/segment-logo.md" in bad.stderr and "no-such-article.md" in bad.stderr
    assert marker.read_bytes() == before          # the last good site is still there, untouched
    assert not list(dest.parent.glob(".kb-build-*")), "temporary build folder left behind"


def test_broken_anchor_fails_the_strict_build(site_copy, tmp_path):
    _break(site_copy, "fr/settings/invoice-footer.md", "\nVoir [la sécurité](url-redirections.md#nowhere).\n")
    bad = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert bad.returncode != 0
    assert "nowhere" in bad.stderr and "invoice-footer.md" in bad.stderr


def test_content_problem_fails_the_build_naming_file_and_line(site_copy, tmp_path):
    md = site_copy / "docs/en/settings/hosted-pages-css.md"
    md.write_text(md.read_text(encoding="utf-8").replace("related: [", "related: [999, ", 1), encoding="utf-8")
    bad = build(site_copy / "mkdocs.yml", tmp_path / "site")
    assert bad.returncode != 0
    line = next(i for i, l in enumerate(md.read_text().splitlines(), 1) if l.startswith("related:"))
    assert f"docs/en/settings/hosted-pages-css.md:{line}: unknown related article id 999" in bad.stderr
