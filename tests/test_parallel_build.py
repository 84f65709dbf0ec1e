"""One build process per language, merged, gives the very same site as the single build."""
from __future__ import annotations

import gzip

from conftest import ROOT, build
from sitebuild import build as site_build


def files_of(site):
    return sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())


def test_parallel_build_is_identical_to_the_single_build(site, tmp_path):
    dest = tmp_path / "parallel"
    proc = site_build.build_site(ROOT / "mkdocs.yml", dest, parallel=True)
    assert proc.returncode == 0, proc.stderr
    assert files_of(dest) == files_of(site.path)
    for rel in files_of(site.path):
        a, b = (site.path / rel).read_bytes(), (dest / rel).read_bytes()
        if rel.suffix == ".gz":                 # its gzip header holds a time
            a, b = gzip.decompress(a), gzip.decompress(b)
        assert a == b, rel


def test_parallel_build_fails_like_the_single_build_and_keeps_the_last_site(site_copy, tmp_path):
    dest = tmp_path / "out"
    assert site_build.build_site(site_copy / "mkdocs.yml", dest, parallel=True).returncode == 0
    before = (dest / "index.html").read_bytes()
    md = site_copy / "docs/en/settings/segment-logo.md"
    md.write_text(md.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", encoding="utf-8")
    proc = site_build.build_site(site_copy / "mkdocs.yml", dest, parallel=True)
    assert proc.returncode != 0 and "nowhere.md" in proc.stderr
    assert (dest / "index.html").read_bytes() == before
    assert not list(tmp_path.glob(".kb-*"))


def test_merged_sitemap_takes_each_language_from_its_own_build():
    head, tail = '<?xml version="1.0"?>\n<urlset>', "\n</urlset>"

    def entry(loc, mark):
        return f"\n    <url>\n        <loc>{loc}</loc><!-- {mark} -->\n    </url>"

    fr = head + entry("https://h/", "fr") + entry("https://h/a/", "fr") + entry("https://h/en/", "fr-stub") + tail
    en = head + entry("https://h/", "en-stub") + entry("https://h/en/", "en") + entry("https://h/en/a/", "en") + tail
    merged = site_build.merge_sitemaps({"fr": fr, "en": en}, ["fr", "en"], "https://h/")
    assert merged == head + entry("https://h/", "fr") + entry("https://h/a/", "fr") + entry(
        "https://h/en/", "en") + entry("https://h/en/a/", "en") + tail
