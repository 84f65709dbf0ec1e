"""How long ``docs.py import wordpress`` takes on a generated WordPress + Polylang export.

    .venv/bin/python scripts/bench/bench_import.py [--articles 2000]

Writes an export of N articles per language (10 categories, ~400 words each, headings, a list, a table,
links to other posts by ?p=ID and by permalink, an image, a shortcode, Gutenberg comments; one article in
50 with a translation whose structure differs), imports it into a copy of the project without its articles,
and prints the wall time of the import (reading, converting, checking, writing) and per article.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from importer import api
from sitebuild.build import ROOT, copy_project

SITE = "https://www.example.com"
WORDS = ("invoice customer plan offer payment portal setting email subscription renewal trial discount tax "
         "currency webhook account segment feature usage quota billing").split()


def _para(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _body(rng, i: int, lang: str, n: int, uneven: bool, other: int) -> str:
    parts = [f"<!-- wp:paragraph --><p class=\"lead\">{_para(rng, 25)} See <a href=\"{SITE}/?p={2 * other + 1}\">"
             f"this</a>.</p><!-- /wp:paragraph -->"]
    for s in range(3 if not uneven else 4):
        parts.append(f"<h2 class=\"wp-block-heading\">Section {s} {rng.choice(WORDS)}</h2>")
        parts.append(f"<p>{_para(rng, 60)} [su_note]{_para(rng, 10)}[/su_note]</p>")
        parts.append("<ul>" + "".join(f"<li>{_para(rng, 8)}</li>" for _ in range(4)) + "</ul>")
    parts.append("<table><tr><th>Option</th><th>Effect</th></tr><tr><td>a</td><td>b</td></tr></table>")
    parts.append(f'<p><img src="{SITE}/wp-content/uploads/2021/05/shot{i % 20}.png" alt="Screen"/> '
                 f'<a href="{SITE}/{"fr/" if lang == "fr" else ""}kb/article-{other}/">{_para(rng, 4)}</a></p>')
    return "\n".join(parts)


def export(n: int, path: Path) -> None:
    rng = random.Random(7)
    items = []
    for i in range(n):
        other = rng.randrange(n)                 # a translation links to the same articles as its source
        for k, lang in enumerate(("en", "fr")):
            key = 2 * i + 1 + k
            body = _body(rng, i, lang, n, uneven=lang == "en" and i % 50 == 0, other=other)
            items.append(f"""<item><title>Article {i} {lang} {rng.choice(WORDS)} question?</title>
<link>{SITE}/{"fr/" if lang == "fr" else ""}kb/article-{i}/</link>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{key}</wp:post_id><wp:post_name>article-{i}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><category domain="category" nicename="cat-{i % 10}-{lang}"><![CDATA[Category {i % 10}]]></category>
<category domain="language" nicename="{lang}">{lang}</category>
<category domain="post_translations" nicename="pll_{i}">pll_{i}</category>
<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>{rng.randrange(1000)}</wp:meta_value></wp:postmeta></item>""")
    cats = "".join(f"<wp:category><wp:term_id>{c * 2 + k + 1}</wp:term_id><wp:category_nicename>cat-{c}-{lang}"
                   f"</wp:category_nicename><wp:cat_name>Category {c}</wp:cat_name></wp:category>"
                   for c in range(10) for k, lang in enumerate(("en", "fr")))
    terms = "".join(f'<wp:term><wp:term_id>{100 + c}</wp:term_id><wp:term_taxonomy>term_translations</wp:term_taxonomy>'
                    f'<wp:term_slug>pll_c{c}</wp:term_slug><wp:term_description>a:2:{{s:2:"en";i:{c * 2 + 1};'
                    f's:2:"fr";i:{c * 2 + 2};}}</wp:term_description></wp:term>' for c in range(10))
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>KB</title><link>{SITE}</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>{cats}{terms}
{chr(10).join(items)}</channel></rss>""", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000, help="articles per language (default 2000)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-import-"))
    try:
        xml = tmp / "export.xml"
        export(args.articles, xml)
        uploads = tmp / "uploads" / "2021" / "05"
        uploads.mkdir(parents=True)
        for i in range(20):
            (uploads / f"shot{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        project = copy_project(tmp / "project", docs=None)
        for lang in ("fr", "en"):                    # the project's homes and glossary, none of its articles
            (project / "docs" / lang).mkdir(parents=True)
            shutil.copy2(ROOT / "docs" / lang / "index.md", project / "docs" / lang / "index.md")
        shutil.copy2(ROOT / "docs" / "glossary.yml", project / "docs" / "glossary.yml")
        print(f"export: {args.articles} articles per language, {xml.stat().st_size / 1e6:.1f} MB")
        start = time.perf_counter()
        report = api.import_wordpress(xml, project, uploads=tmp / "uploads")
        took = time.perf_counter() - start
        total = report.articles["fr"] + report.articles["en"]
        print(f"import: {took:.1f} s for {total} article files ({1000 * took / max(total, 1):.1f} ms each), "
              f"{report.pairs} pairs, {len(report.drafts)} drafts, {report.links_rewritten} links rewritten, "
              f"{report.images_copied} images")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
