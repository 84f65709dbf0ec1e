"""``scripts/docs.py import wordpress`` with a WordPress + Polylang export the test writes: the files and
their front matter, links, images, drafts and their reasons, a second run, the report, bad input; then the
imported project built strictly and checked (links, parity, redirects), its old addresses answered by
real nginx, and one imported article opened in chromium."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import ROOT
from fixtures import exports, tiny_project
from nginx_support import Nginx
from sitebuild.build import build_site

DOCS_PY = str(ROOT / "scripts" / "docs.py")
ARTICLE = "settings/payment-method-deletion.md"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, DOCS_PY, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def front(md: Path) -> tuple[dict, str]:
    _, head, body = md.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(head), body


def snapshot(project: Path) -> dict:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*"))
            if p.is_file() and "scripts" not in p.relative_to(project).parts[:1]}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = Path(tempfile.mkdtemp(prefix="kb-import-", dir="/tmp"))
    os.chmod(base, 0o755)                 # nginx's workers (www-data) read the site below it
    project = tiny_project(base / "project")
    export = base / "export.xml"
    export.write_text(exports.wxr("polylang", https_ns=True), encoding="utf-8")
    uploads = exports.write_uploads(base / "uploads")
    proc = run("import", "wordpress", export, "--uploads", uploads, "--project", project,
               "--report", base / "report.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield base, project, json.loads((base / "report.json").read_text()), proc.stdout
    shutil.rmtree(base, ignore_errors=True)


def test_pairs_share_id_and_path_with_front_matter_from_the_posts(imported):
    base, project, report, out = imported
    en, en_body = front(project / "docs/en" / ARTICLE)
    fr, fr_body = front(project / "docs/fr" / ARTICLE)
    assert en["id"] == fr["id"] == 3                       # after the tiny project's ids 1 and 2
    assert en["title"] == "How to let customers delete their payment method?"
    assert fr["title"] == "Comment activer la suppression du moyen de paiement depuis le Portail Client ?"
    assert en["description"] == "Let customers remove their saved payment method from the Customer Portal."
    assert 30 <= len(fr["description"]) <= 170 and fr["description"].startswith("Si vos clients")
    assert (en["weight"], fr["weight"]) == (181, 95)
    assert (en["tags"], fr["tags"]) == (["portal"], ["portail"])
    ids = lambda body: re.findall(r"^##+ .*\{#([a-z0-9-]+)\}$", body, re.M)
    assert ids(en_body) == ids(fr_body) == ["context", "how-to"]      # the old English anchors, in both
    assert fr["aliases"] == ["fr/assistance/suppression-moyen-de-paiement.md"]
    # /assistance/… is under the French root here: an alias from the site root, which the static build
    # answers too (a page in English), not only nginx
    assert en["aliases"] == ["/assistance/payment-method-deletion.md"]
    assert report["pairs"] == 4 and report["articles"] == {"fr": 5, "en": 5}


def test_html_becomes_clean_markdown_with_local_links_and_images(imported):
    base, project, report, out = imported
    _, en = front(project / "docs/en" / ARTICLE)
    _, fr = front(project / "docs/fr" / ARTICLE)
    assert "[the emails article](emails.md)" in en            # ?p=12
    assert "[l'article sur les e-mails](emails.md)" in fr or "(emails.md)" in fr   # the French permalink
    assert "![The portal](../images/2021/05/portal.png)" in en
    assert "![Le portail](../images/2021/05/portal.png)" in fr   # the resized variant's original
    assert (project / "docs/fr/images/2021/05/portal.png").read_bytes() == exports.PNG
    assert "| Option | Effect |" in en and "```\nGET /v1/customers?page=1\n```" in en
    assert "- Open *Settings*." in en and "**Customer Portal**" in en
    for text in (en, fr):
        assert "wp:" not in text and "class" not in text and "[caption" not in text and "<" not in text
    assert "(https://www.proabono.com/pricing/)" in en         # not imported: kept absolute, listed
    assert {"article": ARTICLE, "url": "https://www.proabono.com/pricing/"} in report["links_kept"]
    assert report["shortcodes"] == {"caption": 2}
    assert report["images_copied"] == 2 and len(report["images_missing"]) == 2
    _, emails = front(project / "docs/en/settings/emails.md")
    assert "(payment-method-deletion.md#how-to)" in emails       # an anchor of the old page, kept


def test_what_cannot_be_published_is_a_draft_with_its_reason(imported):
    base, project, report, out = imported
    drafts = {d["path"]: " ".join(d["reasons"]) for d in report["drafts"]}
    assert set(drafts) == {"settings/seulement-en-francais.md", "settings/uneven.md", "settings/work-in-progress.md"}
    assert "untranslated" in drafts["settings/seulement-en-francais.md"]
    assert "'##' sections" in drafts["settings/uneven.md"]
    assert "'draft' in wordpress" in drafts["settings/work-in-progress.md"]
    for lang in ("fr", "en"):
        meta, body = front(project / "docs" / lang / "settings/uneven.md")
        assert meta["status"] == "draft" and body.lstrip().startswith("````markdown")   # nothing lost
    meta, body = front(project / "docs/en/settings/seulement-en-francais.md")
    assert meta["status"] == "draft" and "qu'en français" in body and meta["review"] == ["missing-content"]
    assert "draft: settings/uneven.md" in out and "review first:" in out


def test_a_second_run_adds_nothing_and_a_dry_run_writes_nothing(imported):
    base, project, report, out = imported
    before = snapshot(project)
    proc = run("import", "wordpress", base / "export.xml", "--project", project, "--dry-run")
    assert proc.returncode == 0 and "would import 0 French and 0 English" in proc.stdout
    proc = run("import", "wordpress", base / "export.xml", "--project", project)
    assert proc.returncode == 0, proc.stderr
    assert "9 article(s) already imported" in proc.stdout
    assert snapshot(project) == before
    mapping = json.loads((project / "import-map.json").read_text())
    assert mapping["sources"]["wordpress:https://www.proabono.com"]["posts"]["10"] == \
        {"id": 3, "lang": "en", "path": ARTICLE}


@pytest.mark.parametrize("text, line, what", [
    ("this is not xml at all", 1, "not well-formed"),
    (None, None, "truncated"),
])
def test_bad_input_names_the_file_and_line_and_leaves_the_project_untouched(tmp_path, text, line, what):
    project = tiny_project(tmp_path / "project")
    full = exports.wxr()
    text = text if text is not None else full[: len(full) // 2]
    export = tmp_path / "bad.xml"
    export.write_text(text, encoding="utf-8")
    before = snapshot(project)
    proc = run("import", "wordpress", export, "--project", project)
    assert proc.returncode == 1
    m = re.search(rf"{re.escape(str(export))}:(\d+): .*{what}", proc.stderr)
    assert m, proc.stderr
    if line:
        assert int(m.group(1)) == line
    else:
        assert int(m.group(1)) == text.count("\n") + 1
    assert "nothing was written" in proc.stderr
    assert snapshot(project) == before and not list(project.glob(".kb-import-*"))


def test_the_imported_project_builds_strictly_and_passes_the_checks(imported):
    from cli.check import run_check
    base, project, report, out = imported
    site = base / "site"
    proc = build_site(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    assert run_check(project / "mkdocs.yml", site) == 0
    assert (site / "fr/assistance/suppression-moyen-de-paiement/index.html").is_file()   # the alias's page
    old_en = (site / "assistance/payment-method-deletion/index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in old_en and "../../en/settings/" in old_en      # a static host answers it too
    assert not (site / "settings/uneven").exists()                                     # a draft is not built


def test_old_addresses_redirect_through_nginx(imported):
    base, project, report, out = imported
    site = base / "site"
    if not (site / "index.html").exists():
        assert build_site(project / "mkdocs.yml", site).returncode == 0

    def site_conf(listen: str) -> Path:
        conf = base / "help-center.conf"
        p = run("nginx", "--site", site, "--project", project, "--server-name", "help.example.org",
                "--listen", listen, "--access-log", "off", "--config", project / "mkdocs.yml", "--out", conf)
        assert p.returncode == 0, p.stderr
        return conf
    nginx = Nginx(base / "nginx", site_conf)
    try:
        with httpx.Client(base_url=nginx.url, timeout=5) as http:
            for old, new in [("/?p=10", "/en/settings/payment-method-deletion/"),
                             ("/?p=11", "/settings/payment-method-deletion/"),
                             ("/index.php?p=12", "/en/settings/emails/"),
                             ("/?post_type=post&p=13", "/settings/emails/"),
                             ("/fr/assistance/suppression-moyen-de-paiement/", "/settings/payment-method-deletion/"),
                             ("/assistance/payment-method-deletion/", "/en/settings/payment-method-deletion/")]:
                r = http.get(old)
                assert r.status_code == 301 and r.headers["location"] == new, (old, r.status_code, r.headers)
                assert http.get(new).status_code == 200
            assert http.get("/?p=15").status_code == 200         # a draft has no address yet: the home
            assert http.get("/").status_code == 200
    finally:
        nginx.stop()


def test_an_imported_article_in_chromium(imported, browser):
    from bench.browser import SiteServer
    base, project, report, out = imported
    site = base / "site"
    if not (site / "index.html").exists():
        assert build_site(project / "mkdocs.yml", site).returncode == 0
    server = SiteServer(site)
    page = browser.new_page()
    try:
        page.goto(server.url + "/en/settings/payment-method-deletion/")
        assert page.locator("h1").inner_text() == "How to let customers delete their payment method?"
        assert page.locator("h2#how-to").count() == 1
        assert page.locator("table td").first.inner_text() == "Delete"
        img = page.locator("article img[alt='The portal']")
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
        page.locator("article a", has_text="the emails article").click()
        page.wait_for_url("**/en/settings/emails/")
    finally:
        page.close()
        server.close()
