"""The site's public address (KB_SITE_URL) and the footer's configuration, on the tiny fixture site and
on the real one: the placeholder address never reaches readers, a production build refuses it, and the
footer shows what `extra.kb` gives, in the page's language only."""
from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import unquote

from conftest import ROOT, Site
from fixtures import tiny_project

PLACEHOLDER_HOST = "help.example.com"


def docs_build(project, site_dir, *args, **kb_env):
    """``scripts/docs.py build`` as a maintainer runs it, with only the given KB_* variables set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | kb_env
    return subprocess.run([sys.executable, str(project / "scripts" / "docs.py"), "build", "--config",
                           str(project / "mkdocs.yml"), "--site-dir", str(site_dir), *args],
                          cwd=project, env=env, capture_output=True, text=True)


def test_production_build_refuses_the_placeholder_address_and_leaves_the_site_alone(tmp_path):
    project = tiny_project(tmp_path / "project")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("previous site")
    proc = docs_build(project, site_dir, "--production")
    assert proc.returncode == 1
    line = next(i for i, text in enumerate((project / "mkdocs.yml").read_text().splitlines(), 1)
                if text.startswith("site_url:"))
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"mkdocs.yml:{line}: site_url is the placeholder https://help.example.com/: ")
    assert "(fix: set KB_SITE_URL to the public address" in first and "--production" in first
    assert (site_dir / "index.html").read_text() == "previous site"
    # a local build keeps the default
    assert docs_build(project, tmp_path / "local").returncode == 0


def test_with_a_real_address_production_builds_and_readers_see_absolute_short_links(tmp_path):
    project = tiny_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "    legal: []\n" in text and "support_url: !ENV [KB_SUPPORT_URL," in text
    config.write_text(text.replace("    legal: []\n", (
        "    legal:\n"
        "      - title: {fr: Mentions légales, en: Legal notice}\n"
        "        url: {fr: 'https://www.example.net/mentions', en: 'https://www.example.net/legal'}\n"
        "      - title: {fr: Confidentialité}\n"
        "        url: 'https://www.example.net/confidentialite'\n")), encoding="utf-8")
    proc = docs_build(project, tmp_path / "site", "--production", KB_SITE_URL="https://support.acme.test/help/",
                      KB_SUPPORT_URL="https://acme.test/contact?article={id}&lang={lang}&subject={title}")
    assert proc.returncode == 0, proc.stderr
    site = Site(tmp_path / "site")
    fr, en = site.page_file("settings/alpha/"), site.page_file("en/settings/alpha/")
    short = site.soup(fr).select_one("a[data-kb-short]").get_text(strip=True)
    assert short.startswith("https://support.acme.test/help/a/") and short.endswith("/")
    assert site.soup(fr).select_one("link[rel=canonical]")["href"] == "https://support.acme.test/help/settings/alpha/"
    # footer: the legal links of each language only; the support link filled for the article
    fr_footer, en_footer = site.soup(fr).select_one("footer .kb-footer"), site.soup(en).select_one("footer .kb-footer")
    assert [a.get_text(strip=True) for a in fr_footer.select("a")][1:] == ["Mentions légales", "Confidentialité"]
    assert [a.get_text(strip=True) for a in en_footer.select("a")][1:] == ["Legal notice"]
    assert en_footer.select("a")[1]["href"] == "https://www.example.net/legal"
    support = unquote(en_footer.select_one("a")["href"])
    title = site.soup(en).select_one("article h1").get_text(strip=True)
    assert support.startswith("https://acme.test/contact?article=") and support.endswith(f"&lang=en&subject={title}")
    assert "{" not in support


def test_without_an_address_no_placeholder_reaches_readers(site):
    """Canonical links and the sitemap keep the placeholder locally; nothing a reader sees or clicks does."""
    checked = 0
    for page in site.html_pages() + [site.path / "404.html", site.path / "en" / "404.html"]:
        body = site.soup(page).body
        text = " ".join(t for t in body.find_all(string=True) if t.parent.name not in ("script", "style"))
        assert PLACEHOLDER_HOST not in text, page
        for el in body.find_all(href=True):
            assert PLACEHOLDER_HOST not in el["href"], (page, el["href"])
        checked += 1
    assert checked >= 40
