"""The other sources of ``scripts/docs.py import``: WordPress + WPML, a monolingual WordPress export (both
namespace forms, WXR 1.0 to 1.2) and Zendesk's Help Center API; each imported project builds strictly and
passes the checks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from fixtures import exports, tiny_project
from importer import api
from importer.model import SourceError
from sitebuild.build import build_site


def front(md: Path) -> tuple[dict, str]:
    _, head, body = md.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(head), body


def builds_and_checks(project: Path, tmp_path: Path) -> None:
    from cli.check import run_check
    site = tmp_path / "site"
    proc = build_site(project / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    assert run_check(project / "mkdocs.yml", site) == 0


def test_wpml_pairs_and_categories(tmp_path):
    project = tiny_project(tmp_path / "project")
    export = tmp_path / "wpml.xml"
    export.write_text(exports.wxr("wpml", version="1.1"), encoding="utf-8")
    report = api.import_wordpress(export, project, uploads=exports.write_uploads(tmp_path / "up"))
    assert report.pairs == 4 and report.articles == {"fr": 5, "en": 5}
    en, _ = front(project / "docs/en/settings/payment-method-deletion.md")
    fr, _ = front(project / "docs/fr/settings/payment-method-deletion.md")
    assert en["id"] == fr["id"] and fr["title"].startswith("Comment activer")
    builds_and_checks(project, tmp_path)


@pytest.mark.parametrize("version, https_ns", [("1.0", False), ("1.2", True)])
def test_monolingual_export_into_a_new_category(tmp_path, version, https_ns):
    project = tiny_project(tmp_path / "project")
    posts = [p[:7] + ("guides",) + p[8:] for p in exports.POSTS]           # a category the project lacks
    export = tmp_path / "fr.xml"
    export.write_text(exports.wxr("none", https_ns=https_ns, version=version, posts=posts, lang="fr"), encoding="utf-8")
    report = api.import_wordpress(export, project, lang="fr")
    assert report.articles == {"fr": 5, "en": 5} and report.pairs == 0
    assert report.categories == ["guides"]
    for lang in ("fr", "en"):
        meta, _ = front(project / "docs" / lang / "guides/index.md")
        assert 30 <= len(meta["description"]) <= 170
    meta, body = front(project / "docs/en/guides/suppression-moyen-de-paiement.md")
    assert meta["status"] == "draft" and "Si vos clients" in body     # untranslated: to translate
    assert all("untranslated" in " ".join(d["reasons"]) for d in report.drafts)
    builds_and_checks(project, tmp_path)


def test_zendesk_help_center_api_export(tmp_path):
    project = tiny_project(tmp_path / "project")
    folder = exports.zendesk(tmp_path / "zendesk")
    report = api.import_zendesk(folder, project)
    assert report.pairs == 2 and not report.drafts, report.as_dict()
    assert report.categories == ["settings/customer-portal"]     # the section, in the existing "settings"
    path = next((project / "docs/en").rglob("delete-a-payment-method.md"))
    en, en_body = front(path)
    fr, fr_body = front(project / "docs/fr" / path.relative_to(project / "docs/en"))
    assert en["id"] == fr["id"] and fr["title"] == "Supprimer un moyen de paiement" and en["weight"] == 7
    assert "(customer-emails.md)" in en_body and "(customer-emails.md)" in fr_body
    assert re.findall(r"\{#([a-z-]+)\}", en_body) == re.findall(r"\{#([a-z-]+)\}", fr_body) == ["steps"]
    cat, _ = front(path.parent / "index.md")
    assert cat["title"] == "Customer Portal"
    builds_and_checks(project, tmp_path)
    again = api.import_zendesk(folder, project)
    assert again.already_imported == 4 and again.files == []


def test_zendesk_truncated_json_names_the_file_and_line(tmp_path):
    folder = exports.zendesk(tmp_path / "zendesk")
    text = (folder / "articles.json").read_text()
    (folder / "articles.json").write_text(json.dumps(json.loads(text), indent=1)[:300])
    with pytest.raises(SourceError) as err:
        api.import_zendesk(folder, tiny_project(tmp_path / "project"))
    assert str(err.value).startswith(f"{folder / 'articles.json'}:") and "truncated" in str(err.value)


def test_hostile_values_stay_inside_the_docs_and_the_front_matter(tmp_path):
    project = tiny_project(tmp_path / "project")
    evil = ('"\n---\nid: 1\nstatus: published\n# ', "../../../../etc/cron.d/x",
            '<p>Text long enough to be a description sentence.</p><img src="https://www.proabono.com/wp-content/'
            'uploads/../../../../etc/passwd" alt="x"/><a href="javascript:alert(1)">x</a>')
    posts = [("40", "en", "pll_z", evil[1], evil[0] + "title?", evil[2], "publish", "../../x", "", None),
             ("41", "fr", "pll_z", evil[1], "Titre : « ok » # non ?", evil[2], "publish", "../../x", "", None)]
    export = tmp_path / "evil.xml"
    export.write_text(exports.wxr("polylang", posts=posts), encoding="utf-8")
    outside = {p for p in tmp_path.rglob("*")}
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    report = api.import_wordpress(export, project, uploads=uploads)
    new = {p for p in tmp_path.rglob("*")} - outside
    assert all((project / "docs") in p.parents or p.name == "import-map.json" for p in new if p.is_file()), new
    (path,) = [f for f in report.files if f.startswith("docs/en/") and not f.endswith("index.md")]
    meta, body = front(project / path)
    assert "javascript:" not in body and any("not a web address" in n for n in report.notes)
    assert meta["id"] == 3 and "status" not in meta and meta["title"].startswith('" --- id: 1')
    assert ".." not in path and "etc" in path            # slugified: docs/en/x/etc-cron-d-x.md
    assert report.images_missing                        # the traversal is not looked up
    builds_and_checks(project, tmp_path)


def test_a_knowledge_base_post_type_its_category_taxonomy_and_views_key(tmp_path):
    """Knowledge-base plugins store articles as their own post type (e.g. ht_kb) in their own category
    taxonomy (ht_kb_category), with their own view counter: `--post-type` and `--views-meta` read them,
    through the command line as a writer types it; plain posts of the same export are left out."""
    import subprocess
    import sys
    from conftest import ROOT
    project = tiny_project(tmp_path / "project")
    posts = [p[:7] + ("guides",) + p[8:] for p in exports.POSTS]
    text = exports.wxr("none", posts=posts, lang="fr")
    kb = (text.replace("<wp:post_type><![CDATA[post]]></wp:post_type>", "<wp:post_type><![CDATA[ht_kb]]></wp:post_type>")
              .replace('domain="category"', 'domain="ht_kb_category"')
              .replace("<wp:meta_key>views</wp:meta_key>", "<wp:meta_key>ht_kb_views</wp:meta_key>"))
    assert "ht_kb_views" in kb and "ht_kb_category" in kb
    export = tmp_path / "kb.xml"
    export.write_text(kb, encoding="utf-8")
    plain = tmp_path / "posts.xml"
    plain.write_text(text, encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "scripts" / "docs.py"), "import", "wordpress"]
    ignored = subprocess.run(cmd + [str(export), "--lang", "fr", "--project", str(project), "--dry-run"],
                             capture_output=True, text=True)
    assert ignored.returncode == 0 and not list((project / "docs/fr").rglob("guides/*.md"))   # default: post
    done = subprocess.run(cmd + [str(export), "--lang", "fr", "--post-type", "ht_kb", "--views-meta", "ht_kb_views",
                                 "--project", str(project)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    meta, _ = front(project / "docs/fr/guides/suppression-moyen-de-paiement.md")
    assert meta["weight"] == 95                                   # the plugin's view counter
    assert (project / "docs/fr/guides/index.md").is_file()        # its category taxonomy
    builds_and_checks(project, tmp_path)


def test_a_post_in_two_categories_is_placed_in_one_and_the_report_says_where_else(tmp_path):
    project = tiny_project(tmp_path / "project")
    first_fr = next(p[0] for p in exports.POSTS if p[1] == "fr")
    posts = [p[:7] + ("guides" if p[0] == first_fr else "astuces",) + p[8:] for p in exports.POSTS]
    text = exports.wxr("none", posts=posts, lang="fr")
    one = '<category domain="category" nicename="guides"><![CDATA[guides]]></category>'
    assert text.count(one) == 1
    text = text.replace(one, one + '<category domain="category" nicename="astuces"><![CDATA[astuces]]></category>')
    export = tmp_path / "fr.xml"
    export.write_text(text, encoding="utf-8")
    report = api.import_wordpress(export, project, lang="fr")
    notes = [n for n in report.notes if "also in" in n]
    assert len(notes) == 1 and notes[0].startswith("guides/") and "also in astuces on the old site" in notes[0]
    assert f"note: {notes[0]}" in report.text()
