"""Our script is written to the site without comments or indentation (its source stays commented)."""
from __future__ import annotations

import pytest

from conftest import ROOT
from helpcenter.assets import strip_comments


def test_comments_and_indentation_go_strings_and_line_breaks_stay():
    js = ('/* header\n * two lines */\n(function () {\n  var a = "/* not a comment */", b = \'it\\\'s // kept\';\n'
          '  // a line comment, don\'t keep it\n  call(a) /* trailing */\n  return b\n})();\n')
    assert strip_comments(js, "x.js") == ('(function () {\nvar a = "/* not a comment */", b = \'it\\\'s // kept\';\n'
                                          'call(a)\nreturn b\n})();\n')
    css = "/* c */\n.a { background: url(http://x/y.png); }   /* why */\n\n  .b::before { content: \"/*\"; }\n"
    assert strip_comments(css, "x.css") == '.a { background: url(http://x/y.png); }\n.b::before { content: "/*"; }\n'


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
