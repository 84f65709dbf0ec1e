"""Unit tests of the site-level link checker on tiny hand-made HTML trees (no MkDocs build)."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import LocalServer
from helpcenter.links import externallinks, linkcheck

SITE_URL = "https://help.example.com/"


def page(lang: str, body: str = "", switch: dict | None = None, alternates: dict | None = None,
         canonical: str | None = None) -> str:
    """An HTML page shaped like Material's: alternates in <head>, language switch, content."""
    head = "".join(f'<link rel="alternate" href="{h}" hreflang="{l}">' for l, h in (alternates or {}).items())
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    sw = "".join(f'<li><a href="{h}" hreflang="{l}" class="md-select__link">{l}</a></li>'
                 for l, h in (switch or {}).items())
    return (f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{head}\n'
            '<link rel="stylesheet" href="{root}assets/main.css">\n</head>\n<body>\n'
            f'<div class="md-select"><ul>{sw}</ul></div>\n<article>\n{body}\n</article>\n'
            '<a href="https://squidfunk.github.io/mkdocs-material/">Material</a>\n</body>\n</html>\n')


def both(fr_url: str, en_url: str, depth: int, lang: str) -> dict:
    """Switch/alternate hrefs of a page at ``depth`` folders below the site root."""
    up = "../" * depth
    return {"fr": f"{up}{fr_url}" or "./", "en": f"{up}{en_url}"}


def content_page(lang: str, path: str, body: str = "", **kw) -> str:
    """A page at site path ``path`` ('' = home, 'settings/a/'), with a correct switch and alternates."""
    rel = path if lang == "fr" else f"en/{path}"
    depth = rel.count("/")
    links = both(path, f"en/{path}", depth, lang)
    html = page(lang, body, switch=kw.get("switch", links), alternates=kw.get("alternates", links),
                canonical=SITE_URL + rel)
    return html.replace("{root}", "../" * depth)


def good_site() -> dict[str, str]:
    files = {}
    bodies = {
        ("fr", ""): '<a href="settings/a/">A</a> <a href="settings/b/#choose">B, choix</a>',
        ("fr", "settings/a/"): '<h2 id="where">Où</h2><p>Voir <a href="../b/#choose">le bêta</a>.</p>'
                               '<img alt="Écran" src="../img.svg"><a href="#where">ici</a>'
                               '<a href="https://www.proabono.com/">ProAbono</a>',
        ("fr", "settings/b/"): '<h2 id="choose">Choisir</h2><a name="legacy"></a><a href="../a/">A</a>',
    }
    for (lang_, path), body in list(bodies.items()):
        bodies[("en", path)] = body.replace("Où", "Where").replace("le bêta", "beta")
    for (lang, path), body in bodies.items():
        rel = (path if lang == "fr" else f"en/{path}") + "index.html"
        files[rel] = content_page(lang, path, body)
    files["settings/img.svg"] = "<svg/>"
    files["en/settings/img.svg"] = "<svg/>"
    files["assets/main.css"] = "body{}"
    files["assets/ignored.html"] = '<a href="nowhere/">not a page: never checked</a>'
    files["search/search_index.json"] = "{}"
    files["404.html"] = ('<html lang="fr"><head><link rel="stylesheet" href="/assets/main.css"></head>'
                        '<body><a href="/">Accueil</a><a href="/en/">Home</a></body></html>')
    locs = ["", "settings/a/", "settings/b/", "en/", "en/settings/a/", "en/settings/b/"]
    files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset>\n'
                            + "".join(f"<url><loc>{SITE_URL}{u}</loc></url>\n" for u in locs) + "</urlset>\n")
    return files


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def check(tmp_path: Path, files: dict[str, str], docs: dict[str, str] | None = None) -> linkcheck.Report:
    site = write(tmp_path / "site", files)
    docs_dir = write(tmp_path / "docs", docs) if docs else None
    return linkcheck.check_site(site, docs_dir, ("fr", "en"), "fr", root=tmp_path if docs else None)


def messages(report: linkcheck.Report) -> list[str]:
    return [str(p) for p in report.problems]


def test_a_correct_site_has_no_problem(tmp_path):
    report = check(tmp_path, good_site())
    assert messages(report) == []
    assert report.pages == 7                       # 6 content pages and 404.html; assets/ is not scanned
    assert list(report.external) == ["https://squidfunk.github.io/mkdocs-material/", "https://www.proabono.com/"]


def test_broken_link_names_the_target(tmp_path):
    files = good_site()
    files["en/settings/a/index.html"] = files["en/settings/a/index.html"].replace("../b/#choose", "../gone/")
    msgs = messages(check(tmp_path, files))
    assert len(msgs) == 1
    assert "broken link '../gone/'" in msgs[0] and "/en/settings/gone/" in msgs[0]
    assert msgs[0].startswith("/en/settings/a/")          # no docs folder given: the page's URL


def test_broken_anchor_in_another_page_and_in_the_same_page(tmp_path):
    files = good_site()
    a = "settings/a/index.html"
    files[a] = files[a].replace("../b/#choose", "../b/#nowhere").replace('href="#where"', 'href="#nothere"')
    msgs = messages(check(tmp_path, files))
    assert any("broken anchor '../b/#nowhere': no id 'nowhere' in /settings/b/" in m and "choose" in m
               for m in msgs), msgs
    assert any("broken anchor '#nothere'" in m for m in msgs), msgs
    assert len(msgs) == 2


def test_a_name_anchors_count_as_targets(tmp_path):
    files = good_site()
    files["settings/a/index.html"] = files["settings/a/index.html"].replace("../b/#choose", "../b/#legacy")
    assert messages(check(tmp_path, files)) == []


def test_link_into_the_other_language_is_reported_but_the_language_switch_is_not(tmp_path):
    files = good_site()
    en_a = "en/settings/a/index.html"
    files[en_a] = files[en_a].replace('href="../b/#choose"', 'href="../../../settings/b/#choose"')
    msgs = messages(check(tmp_path, files))
    assert len(msgs) == 1, msgs
    assert "leads into the French site (/settings/b/) from a English page" in msgs[0]


def test_language_switch_to_a_missing_page(tmp_path):
    files = good_site()
    fr_b = "settings/b/index.html"
    files[fr_b] = files[fr_b].replace('href="../../en/settings/b/" hreflang="en" class',
                                      'href="../../en/settings/zz/" hreflang="en" class')
    msgs = messages(check(tmp_path, files))
    assert any("broken link '../../en/settings/zz/'" in m for m in msgs), msgs
    assert all(m.startswith("/settings/b/") or "points back" in m for m in msgs), msgs


def test_language_switch_must_be_reciprocal(tmp_path):
    files = good_site()
    en_b = "en/settings/b/index.html"
    # the English page b switches to the French page a (which switches to English a, not b)
    files[en_b] = files[en_b].replace('<a href="../../../settings/b/" hreflang="fr"',
                                      '<a href="../../../settings/a/" hreflang="fr"')
    msgs = messages(check(tmp_path, files))
    assert any(m.startswith("/en/settings/b/") and "language switch to 'fr' is not reciprocal" in m
               and "/settings/a/ points back to /en/settings/a/" in m for m in msgs), msgs
    assert any(m.startswith("/settings/b/") and "language switch to 'en' is not reciprocal" in m for m in msgs), msgs


def test_hreflang_alternates_must_resolve_and_be_reciprocal(tmp_path):
    files = good_site()
    fr_a = "settings/a/index.html"
    files[fr_a] = files[fr_a].replace('<link rel="alternate" href="../../en/settings/a/" hreflang="en">',
                                      '<link rel="alternate" href="../../en/settings/b/" hreflang="en">')
    msgs = messages(check(tmp_path, files))
    assert any(m.startswith("/settings/a/") and "hreflang alternate to 'en' is not reciprocal" in m for m in msgs)
    # and a page's own-language alternate must be itself
    files = good_site()
    files[fr_a] = files[fr_a].replace('<link rel="alternate" href="../../settings/a/" hreflang="fr">',
                                      '<link rel="alternate" href="../../settings/b/" hreflang="fr">')
    msgs = messages(check(tmp_path / "2", files))
    assert any("hreflang alternate to 'fr' (its own language) leads to /settings/b/" in m for m in msgs), msgs


def test_missing_language_switch(tmp_path):
    files = good_site()
    fr_a = "settings/a/index.html"
    files[fr_a] = files[fr_a].replace('hreflang="en" class="md-select__link"', 'class="md-select__link"')
    msgs = messages(check(tmp_path, files))
    assert any(m.startswith("/settings/a/") and "no language switch to 'en'" in m for m in msgs), msgs


def test_every_sitemap_entry_must_exist(tmp_path):
    files = good_site()
    files["sitemap.xml"] = files["sitemap.xml"].replace("</urlset>", f"<url><loc>{SITE_URL}en/old/</loc></url></urlset>")
    msgs = messages(check(tmp_path, files))
    assert msgs == [f"sitemap.xml: sitemap entry '{SITE_URL}en/old/' does not exist in the built site "
                    "(en/old/index.html) (fix: the page was not built: check the build's warnings)"]


def test_robots_txt_sitemap_must_exist(tmp_path):
    files = good_site()
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {SITE_URL}sitemap.xml\n"
    assert messages(check(tmp_path, files)) == []
    files["robots.txt"] = f"User-agent: *\nSitemap: {SITE_URL}sitemaps/all.xml\n"
    assert messages(check(tmp_path / "2", files)) == [
        f"robots.txt: robots.txt names the sitemap '{SITE_URL}sitemaps/all.xml', which is not in the built site "
        "(fix: fix the Sitemap: line (site_url in mkdocs.yml))"]


def test_redirect_stubs_must_lead_to_an_existing_page_of_their_language(tmp_path):
    stub = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Redirecting...</title>'
            '<link rel="canonical" href="{u}"><script>location.href="{u}"</script>'
            '<meta http-equiv="refresh" content="0; url={u}"></head>'
            '<body>You\'re being redirected to a <a href="{u}">new destination</a>.</body></html>')
    files = good_site()
    files["en/settings/old-a/index.html"] = stub.format(u="../a/")
    files["settings/a/index.html"] = files["settings/a/index.html"].replace("../b/#choose", "../old-b/#choose")
    files["settings/old-b/index.html"] = stub.format(u="../b/")     # a link through a stub keeps its anchor
    assert messages(check(tmp_path, files)) == []
    files["en/settings/old-gone/index.html"] = stub.format(u="../gone/")
    files["en/settings/old-cross/index.html"] = stub.format(u="../../../settings/a/")
    msgs = messages(check(tmp_path / "2", files))
    assert any(m.startswith("/en/settings/old-gone/") and "broken redirect '../gone/'" in m for m in msgs), msgs
    assert any(m.startswith("/en/settings/old-cross/") and "redirect '../../../settings/a/' leads into the French"
               in m for m in msgs), msgs
    # an alias from the site root of an English article: a page under / that says it is English
    files = good_site()
    files["assistance/old-a/index.html"] = stub.format(u="../../en/settings/a/")          # lang="en": allowed
    assert messages(check(tmp_path / "3", files)) == []
    files["assistance/old-a/index.html"] = stub.replace('lang="en"', 'lang="fr"').format(u="../../en/settings/a/")
    assert any("leads into the English site" in m for m in messages(check(tmp_path / "4", files)))


def test_image_without_file(tmp_path):
    files = good_site()
    files["settings/a/index.html"] = files["settings/a/index.html"].replace("../img.svg", "../missing.png")
    msgs = messages(check(tmp_path, files))
    assert len(msgs) == 1 and "image or media '../missing.png' has no file" in msgs[0], msgs


def test_404_page_uses_root_absolute_links(tmp_path):
    files = good_site()
    files["404.html"] = files["404.html"].replace('href="/en/"', 'href="/en/nothing/"')
    msgs = messages(check(tmp_path, files))
    assert len(msgs) == 1 and msgs[0].startswith("/404.html") and "/en/nothing/" in msgs[0], msgs


def test_other_quotes_and_srcset_are_read(tmp_path):
    files = good_site()
    files["settings/a/index.html"] = files["settings/a/index.html"].replace(
        "<article>", "<article><a href='../nope/'>x</a><img srcset=\"../img.svg 1x, ../big.png 2x\" src=\"../img.svg\">")
    msgs = messages(check(tmp_path, files))
    assert any("broken link '../nope/'" in m for m in msgs), msgs
    assert any("image or media '../big.png'" in m for m in msgs), msgs
    assert len(msgs) == 2


def test_problems_name_the_markdown_file_and_line(tmp_path):
    files = good_site()
    en_a = "en/settings/a/index.html"
    files[en_a] = files[en_a].replace('<a href="../b/#choose">beta</a>', '<a href="../b/#chose">beta</a>')
    docs = {
        "en/settings/a.md": "---\nid: 1\ntitle: A\n---\n\nIntro.\n\n## Where {#where}\n\n"
                            "See [beta](b.md#chose).\n",
        "en/settings/b.md": "---\nid: 2\n---\n",
        "fr/settings/a.md": "---\nid: 1\n---\n",
    }
    msgs = messages(check(tmp_path, files, docs))
    assert msgs == ["docs/en/settings/a.md:10: broken anchor '../b/#chose': no id 'chose' in /en/settings/b/ "
                    "(fix: use one of the target's section ids: choose)"]


def test_the_same_template_problem_on_many_pages_is_reported_once(tmp_path):
    files = good_site()
    for rel in list(files):
        if rel.endswith("index.html") and not rel.startswith("assets"):
            files[rel] = files[rel].replace("<article>", '<nav><a href="/help/">Help</a></nav><article>')
    msgs = messages(check(tmp_path, files))
    assert len(msgs) == 1, msgs
    assert "broken link '/help/'" in msgs[0] and "on 6 pages" in msgs[0]


# --- external links: a local server stands for the internet ----------------------------------------

@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


def test_external_links_are_checked_only_on_demand_with_timeout_and_one_retry(server):
    hits, server = server.hits, server.url
    urls = [f"{server}/ok", f"{server}/missing", f"{server}/nohead", f"{server}/flaky", f"{server}/slow"]
    results = externallinks.check_external(urls, timeout=0.3, workers=4, per_host=2, retries=1, retry_delay=0.05)
    assert results[f"{server}/ok"] is None
    assert results[f"{server}/missing"] == "HTTP 404"
    assert results[f"{server}/nohead"] is None                 # HEAD refused: asked again with GET
    assert results[f"{server}/flaky"] is None                  # 503 then 200: the retry saved it
    assert hits["/flaky"] == 2
    assert results[f"{server}/slow"].startswith("no answer")   # timed out twice (first try and retry)
    assert hits["/slow"] == 2


def test_external_problems_name_the_markdown_file(tmp_path, server):
    server = server.url
    files = good_site()
    fr_a = "settings/a/index.html"
    files[fr_a] = files[fr_a].replace("https://www.proabono.com/", f"{server}/missing")
    docs = {"fr/settings/a.md": f"---\nid: 1\n---\n\nVoir [ProAbono]({server}/missing).\n"}
    report = check(tmp_path, files, docs)
    assert report.problems == []                                 # collected, not fetched
    results = externallinks.check_external([u for u in report.external if u.startswith(server)], timeout=2)
    problems = [str(p) for p in externallinks.external_problems(report, results)]
    assert problems == [f"docs/fr/settings/a.md:5: external link '{server}/missing' fails: HTTP 404 "
                        "(fix: fix or remove the link (the site may also be down: check it in a browser))"]
