"""The writers' preview (scripts/preview/) serves the very pages a clean build writes.

A copy of the project (its real content, a git work tree so that translations can become outdated)
is previewed; a scripted sequence of saves is applied the way the server applies them (the changed
paths, then the deferred re-rank of related articles); then every file the preview serves is compared
byte for byte with a clean ``scripts/docs.py build`` of the final tree. By design, the server adds
MkDocs' live-reload script (and, while a save has problems, a banner) to HTML pages when it sends them;
the files compared here are the served files before that addition, which the last test checks. The
preview does not write the precompressed ``.gz`` twins the deployed build adds for nginx.
The sequence runs twice: in one process, and with one process per language (the default on several
cores, scripts/preview/parallel.py), whose served folder links to each language's output.
No timing: the benchmark (scripts/bench/bench_preview.py) measures speed.
"""
from __future__ import annotations

import gzip
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from sitebuild import build as site_build
from fixtures import tiny_project
from preview.parallel import ParallelSession
from preview.session import Session

SESSIONS = {"one process": Session, "a process per language": ParallelSession}


def _git(project, *args):
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


def committed(project):
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "content")
    return project


@pytest.fixture
def project(tmp_path):
    return committed(site_build.copy_project(tmp_path / "project"))


def files_of(site):
    """Every file served, through the symbolic links of the served folder."""
    out = []
    for folder, _, names in os.walk(site, followlinks=True):
        out += [Path(folder, name).relative_to(site) for name in names]
    return sorted(out)


def assert_same_site(served, clean):
    assert files_of(served) == files_of(clean)
    different = []
    for rel in files_of(clean):
        a, b = (served / rel).read_bytes(), (clean / rel).read_bytes()
        if rel.suffix == ".gz":                 # its gzip header holds a time
            a, b = gzip.decompress(a), gzip.decompress(b)
        if a != b:
            different.append(str(rel))
    assert not different, different


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def set_key(path, key, value):
    """Set a front-matter key (one line) to ``value`` (YAML as written)."""
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    assert n == 1, (key, path)
    path.write_text(new, encoding="utf-8")
    return path


def append(path, paragraph):
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{paragraph}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", SESSIONS)
def test_preview_after_a_sequence_of_saves_equals_a_clean_build(project, tmp_path, kind):
    docs = project / "docs"
    session = SESSIONS[kind](project / "mkdocs.yml", tmp_path / "preview")
    assert session.full().kind == "full", session.errors
    served = session.link

    def save(*paths, expect):
        result = session.apply(paths)
        assert result.kind == expect, (result.kind, result.errors)
        session.settle()
        assert not session.errors, session.errors
        return result

    def compare():
        clean = tmp_path / f"clean-{len(list(tmp_path.iterdir()))}"
        proc = site_build.build_site(project / "mkdocs.yml", clean, precompress=False)   # .gz twins: for nginx
        assert proc.returncode == 0, proc.stderr
        assert_same_site(served, clean)

    # articles added, deleted, renamed, an id changed: no full build, only what shows them ("structure"),
    # each step compared with a clean build (the texts differ per language, as translations do: the
    # parallel build cannot drop an English search entry that repeats the French one word for word)
    for lang, title, word in (("fr", "Comment tester l'aperçu ?", "Texte"), ("en", "How to test the preview?", "Text")):
        (docs / lang / "settings/preview-test.md").write_text(
            f'---\nid: 900\ntitle: "{title}"\ndescription: "{title} Une phrase de description assez longue."\n'
            f"tags: [logo]\n---\n\n{word}.\n\n## Section {{#section}}\n\n{word}: [logo](segment-logo.md#usage)\n",
            encoding="utf-8")
    new = [docs / lang / "settings/preview-test.md" for lang in ("fr", "en")]
    save(*new, expect="structure")
    assert (served / "settings/preview-test/index.html").is_file() and (served / "a/900/index.html").is_file()
    compare()
    save(*[set_key(md, "id", "901") for md in new], expect="structure")
    assert (served / "en/a/901/index.html").is_file() and not (served / "en/a/900").exists()
    compare()
    # a deletion that leaves a link to it broken: refused as by the build, nothing published; then restored
    linking = append(docs / "en/settings/segment-logo.md", "See [the test](preview-test.md).")
    fr_link = append(docs / "fr/settings/segment-logo.md", "Voir [le test](preview-test.md).")
    save(linking, fr_link, expect="pages")
    texts = {md: md.read_text(encoding="utf-8") for md in new}
    for md in new:
        md.unlink()
    bad = session.apply(new)
    assert bad.kind == "error" and any("docs/en/settings/segment-logo.md" in e and "preview-test.md" in e
                                       for e in bad.errors), bad.errors
    assert (served / "settings/preview-test/index.html").is_file()
    for md, text in texts.items():
        md.write_text(text, encoding="utf-8")
    save(*new, expect="structure")
    compare()
    save(edit(linking, "\n\nSee [the test](preview-test.md).\n", "\n"),
         edit(fr_link, "\n\nVoir [le test](preview-test.md).\n", "\n"), expect="pages")
    for md in new:
        md.unlink()
    save(*new, expect="structure")
    assert not (served / "settings/preview-test").exists() and not (served / "a/901").exists()
    compare()
    for lang in ("fr", "en"):
        old, new = docs / lang / "settings/reset-sandbox-data.md", docs / lang / "settings/reset-test-data.md"
        text = old.read_text(encoding="utf-8").replace("\n---\n", "\naliases: [settings/reset-sandbox-data.md]\n---\n", 1)
        new.write_text(text, encoding="utf-8")
        old.unlink()
    save(*[docs / lang / f"settings/{n}.md" for lang in ("fr", "en") for n in ("reset-sandbox-data", "reset-test-data")],
         expect="structure")
    assert "reset-test-data/" in (served / "en/settings/reset-sandbox-data/index.html").read_text(encoding="utf-8")
    compare()
    # body, title, tags, related, weight: only the pages that show them
    body = save(append(docs / "fr/settings/segment-logo.md", "Un paragraphe ajouté pendant l'aperçu."),
                expect="pages")
    assert "settings/segment-logo/index.html" in body.pages
    assert "ajouté pendant" in (served / "settings/segment-logo/index.html").read_text(encoding="utf-8")
    title = save(set_key(docs / "en/settings/hosted-pages-css.md", "title", '"How to change the CSS of Hosted Pages?"'),
                 expect="pages")
    assert "en/settings/index.html" in title.pages and len(title.pages) < len(files_of(served))
    beyond = save(set_key(docs / "fr/settings/upgrade-at-renewal-hosted-pages.md", "title",    # id 20: not in the
                          '"Changer d\'offre au renouvellement depuis les Pages hébergées ?"'), expect="pages")  # short sidebar
    assert len(beyond.pages) < len(title.pages)
    save(set_key(docs / "en/settings/url-redirections.md", "tags", "[redirections, css, api]"), expect="pages")
    save(set_key(docs / "fr/settings/emails/auto-send-invoices.md", "related", "[9, 12, 14]"), expect="pages")
    save(set_key(docs / "en/settings/emails/auto-send-invoices.md", "weight", "9000"), expect="pages")
    # an invalid save: nothing published, the problem named; the next valid save recovers
    page = served / "en/settings/url-redirections/index.html"
    good = page.read_bytes()
    md = set_key(docs / "en/settings/url-redirections.md", "title", '"URL redirections (settings)')  # unclosed quote
    bad = session.apply([md])
    assert bad.kind == "error" and page.read_bytes() == good
    assert any(re.match(r"docs/en/settings/url-redirections\.md:\d+: malformed YAML", e) for e in bad.errors), bad.errors
    save(set_key(md, "title", '"URL redirections (settings)"'), expect="pages")
    assert "URL redirections (settings)" in page.read_text(encoding="utf-8")
    fr, en = docs / "fr/settings/segment-logo.md", docs / "en/settings/segment-logo.md"
    bad = session.apply([append(fr, "Voir [ici](nulle-part.md)."), append(en, "See [here](nulle-part.md).")])
    assert bad.kind == "error" and any("nulle-part.md" in e and "fr/settings/segment-logo.md:" in e for e in bad.errors)
    save(edit(fr, "(nulle-part.md)", "(url-redirections.md)"), edit(en, "(nulle-part.md)", "(url-redirections.md)"),
         expect="pages")
    # a translation that no longer matches its source's structure (a link less): refused, as by the build
    bad = session.apply([edit(en, "\n\nSee [here](url-redirections.md).\n", "\n")])
    assert bad.kind == "error" and any("docs/en/settings/segment-logo.md:" in e for e in bad.errors), bad.errors
    save(append(en, "See [here](url-redirections.md)."), expect="pages")
    # a status change (a change of structure) with a link to a missing anchor in English only (with a process per
    # language, the French one succeeds): refused, nothing published; fixing the link only still builds all
    both = [docs / lang / "settings/invoice-footer.md" for lang in ("fr", "en")]
    for md, target in zip(both, ("url-redirections.md#security", "url-redirections.md#nulle-part")):
        append(edit(md, "\n---\n", "\nstatus: unlisted\n---\n"), f"[x]({target})")
    before = {rel: (served / rel).read_bytes() for rel in ("settings/index.html", "en/settings/index.html")}
    bad = session.apply(both)
    assert bad.kind == "error" and any("#nulle-part" in e for e in bad.errors), bad.errors
    assert not any("docs/fr/" in e for e in bad.errors), bad.errors
    assert {rel: (served / rel).read_bytes() for rel in before} == before    # still listed in both languages
    save(edit(both[1], "#nulle-part)", "#security)"), expect="structure")
    assert {rel: (served / rel).read_bytes() for rel in before} != before

    clean = tmp_path / "clean"
    proc = site_build.build_site(project / "mkdocs.yml", clean, precompress=False)   # .gz twins: for nginx
    assert proc.returncode == 0, proc.stderr
    assert_same_site(served, clean)
    session.close()


def test_served_pages_carry_live_reload_and_the_problems(project, tmp_path):
    from preview.server import PreviewServer
    session = Session(project / "mkdocs.yml", tmp_path / "preview")
    session.full()
    server = PreviewServer(session, "127.0.0.1", 0)
    server.watch(str(project / "docs"))      # (pages get the live-reload script when something is watched)
    server.server_bind()
    server.server_activate()
    server.serve_thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/en/settings/segment-logo/"
    try:
        page = urllib.request.urlopen(url).read()
        file = (session.link / "en/settings/segment-logo/index.html").read_bytes()
        assert page.startswith(file[: file.rindex(b"</body>")]) and b"livereload(" in page
        assert b"kb-preview-problems" not in page
        md = edit(project / "docs/en/settings/segment-logo.md", "\n---\n", "\ntitle: [\n---\n")
        session.apply([md])
        page = urllib.request.urlopen(url).read().decode("utf-8")
        assert 'id="kb-preview-problems"' in page and "docs/en/settings/segment-logo.md:" in page
        assert page.startswith(file[: file.rindex(b"</body>")].decode("utf-8"))   # last good page
        edit(md, "\ntitle: [\n---\n", "\n---\n")
        assert session.apply([md]).kind == "pages"
        assert b"kb-preview-problems" not in urllib.request.urlopen(url).read()
    finally:
        server.shutdown()
        session.close()


GLOSSARY = "terms:\n  - fr: Portail Client\n    en: Customer Portal\n    refuse_en: [customer portal]\n"


def test_a_save_is_checked_as_the_build_checks_it_glossary_and_links_to_drafts(tmp_path):
    """The checks the full load runs on each file (here: the glossary, a link to a draft) run on a save
    too; a failure publishes nothing, as any invalid save, and the build refuses the same."""
    project = tiny_project(tmp_path / "project")
    docs = project / "docs"
    (docs / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    for lang, title in (("fr", "Comment régler le gamma ?"), ("en", "How to set gamma?")):
        (docs / lang / "settings/gamma.md").write_text(
            f'---\nid: 3\ntitle: "{title}"\ndescription: "{title} A draft, shown by the preview only."\n'
            "status: draft\n---\n\nText.\n", encoding="utf-8")
    committed(project)
    session = Session(project / "mkdocs.yml", tmp_path / "preview")
    assert session.full().kind == "full", session.errors
    page = session.link / "en/settings/alpha/index.html"
    good = page.read_bytes()

    md = set_key(docs / "en/settings/alpha.md", "title", '"How to set alpha in the customer portal?"')
    line = md.read_text(encoding="utf-8").splitlines().index('title: "How to set alpha in the customer portal?"') + 1
    problem = f'docs/en/settings/alpha.md:{line}: "customer portal" → write "Customer Portal" (glossary)'
    bad = session.apply([md])
    assert bad.kind == "error" and problem in bad.errors, bad.errors
    assert page.read_bytes() == good and session.errors == bad.errors
    proc = site_build.build_site(project / "mkdocs.yml", tmp_path / "site")          # the build refuses it too
    assert proc.returncode != 0 and problem in proc.stderr, proc.stderr
    fixed = session.apply([set_key(md, "title", '"How to set alpha in the Customer Portal?"')])
    assert fixed.kind == "pages" and not session.errors
    assert "How to set alpha in the Customer Portal?" in page.read_text(encoding="utf-8")

    good = page.read_bytes()
    both = [append(docs / lang / "settings/alpha.md", "[Gamma](gamma.md)") for lang in ("fr", "en")]
    bad = session.apply(both)
    assert bad.kind == "error" and page.read_bytes() == good
    for lang in ("fr", "en"):
        assert any(e.startswith(f"docs/{lang}/settings/alpha.md:") and "a draft (status: draft)" in e
                   for e in bad.errors), bad.errors
    assert session.apply([edit(md, "[Gamma](gamma.md)", "Gamma") for md in both]).kind == "pages"
    assert not session.errors
    session.close()


@pytest.mark.parametrize("kind", SESSIONS)
def test_changes_of_structure_on_a_generated_site_equal_a_clean_build(tmp_path, kind):
    """A generated help center (scripts/bench/bench_build.py: 12 articles a category, more than the side
    navigation shows, linking to each other): a new article, a rename, an id change and a deletion, saved
    in a row without a pause (the pages put aside for the pause add up), then compared with a clean build."""
    from bench import bench_build
    project = tmp_path / "project"
    bench_build.generate(project / "docs", 120)
    bench_build.full_project(project)
    bench_build.commit(project)
    docs = project / "docs"
    session = SESSIONS[kind](project / "mkdocs.yml", tmp_path / "preview")
    assert session.full().kind == "full", session.errors
    served = session.link
    if isinstance(session, Session):
        session.LATER_BATCH = 4       # several batches of the pages put aside for the pause
    new = [docs / lang / "cat-03/added.md" for lang in bench_build.LANGS]
    for md, word in zip(new, ("Texte ajouté", "Added text")):
        md.write_text(f'---\nid: 5000\ntitle: "{word}"\ndescription: "{word}, an article added while previewing."\n'
                      f"---\n\n{word}.\n\n## Part {{#part}}\n\n{word}, {md.parent.name}.\n", encoding="utf-8")
    assert session.apply(new).kind == "structure", session.errors
    assert session.apply([set_key(md, "id", "5001") for md in new]).kind == "structure", session.errors
    # its category's other pages list it (or count it) once the writer pauses
    assert "Added text" in (served / "en/cat-03/added/index.html").read_text(encoding="utf-8")
    renamed = [md.with_name("renamed.md") for md in new]
    for md, to in zip(new, renamed):
        md.rename(to)
    assert session.apply(new + renamed).kind == "structure", session.errors
    gone = [docs / lang / bench_build.article_path(120) for lang in bench_build.LANGS]
    linked = any(gone[0].name in p.read_text(encoding="utf-8") for p in docs.rglob("*.md") if p not in gone)
    for md in gone:
        md.unlink()
    result = session.apply(gone)
    assert result.kind == ("error" if linked else "structure"), result.errors
    if linked:                                                  # refused: a link to it is broken; restored
        _git(project, "checkout", "--", *[str(p.relative_to(project)) for p in gone])
        assert session.apply(gone).kind == "structure", session.errors
    for _ in range(2000):            # as the server does while the writer pauses: a batch of pages at a time
        if not session.pending:
            break
        session.settle(wait=False)
        time.sleep(0.01)
    assert not session.pending and not session.errors, session.errors
    clean = tmp_path / "clean"
    proc = site_build.build_site(project / "mkdocs.yml", clean, precompress=False)
    assert proc.returncode == 0, proc.stderr
    assert_same_site(served, clean)
    session.close()
