"""Our script is written to the site without comments or indentation (its source stays commented)."""
from __future__ import annotations

import pytest

from conftest import ROOT
from helpcenter.pages.assets import strip_comments


def test_comments_and_indentation_go_strings_and_line_breaks_stay():
    js = ('/* header\n * two lines */\n(function () {\n  var a = "/* not a comment */", b = \'it\\\'s // kept\';\n'
          '  // a line comment, don\'t keep it\n  call(a) /* trailing */\n  return b\n})();\n')
    assert strip_comments(js, "x.js") == ('(function () {\nvar a = "/* not a comment */", b = \'it\\\'s // kept\';\n'
                                          'call(a)\nreturn b\n})();\n')
    css = "/* c */\n.a { background: url(http://x/y.png); }   /* why */\n\n  .b::before { content: \"/*\"; }\n"
    assert strip_comments(css, "x.css") == '.a { background: url(http://x/y.png); }\n.b::before { content: "/*"; }\n'


TRICKY_JS = (
    'var a = /["\'](\\/\\/)x/g.test("\'//x") // a quote and slashes inside a regular expression\n'
    'var b = 12 / 2 / 3; // division, then a comment\n'
    'var c = "a/*b*/c".replace(/[/*]+/g, "") /* a class holding / and * */\n'
    'function d(s) { return /it\'s/i.test(s) }\n'
    'var result = [a, b, c, d("IT\'S")].join("|")\n')


def test_regular_expressions_and_divisions_are_kept():
    assert strip_comments(TRICKY_JS, "x.js") == (
        'var a = /["\'](\\/\\/)x/g.test("\'//x")\n'
        'var b = 12 / 2 / 3;\n'
        'var c = "a/*b*/c".replace(/[/*]+/g, "")\n'
        'function d(s) { return /it\'s/i.test(s) }\n'
        'var result = [a, b, c, d("IT\'S")].join("|")\n')
    with pytest.raises(ValueError, match=r"^x\.js:2: a regular expression is never closed"):
        strip_comments("var a = 1\nvar b = (/abc\n", "x.js")


def test_the_stripped_script_runs_as_the_source_does(browser):
    """What the minifier keeps is still the same program: chromium runs both and gets the same result."""
    page = browser.new_page()
    try:
        run = "src => { const f = new Function(src + '\\nreturn result'); return f() }"
        assert page.evaluate(run, strip_comments(TRICKY_JS, "x.js")) == page.evaluate(run, TRICKY_JS) \
            == "true|2|abc|true"
    finally:
        page.close()


def test_an_unclosed_comment_is_named_with_its_line():
    with pytest.raises(ValueError, match=r"^kb\.css:3: comment never closed \(fix: end it with \*/\)$"):
        strip_comments(".a {}\n.b {}\n/* oops\n.c {}\n", "kb.css")


def test_the_built_site_serves_our_script_and_stylesheet_without_comments(site):
    for name in ("kb.css", "kb.js"):
        source = (ROOT / "overrides" / "assets" / name).read_text(encoding="utf-8")
        built = (site.path / "assets" / name).read_text(encoding="utf-8")
        assert "/*" in source and "/*" not in built and len(built) < len(source), name
    js = (ROOT / "overrides" / "assets" / "kb.js").read_text(encoding="utf-8")
    assert (site.path / "assets" / "kb.js").read_text(encoding="utf-8") == strip_comments(js, "kb.js")
