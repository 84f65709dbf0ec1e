"""The nginx configuration writer refuses what it cannot write safely, and says how to fix it."""
from __future__ import annotations

import json

import pytest

from serving.nginx import ServingError, render


def fake_site(tmp_path, redirects, en_404=False):
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("<html><script>var a=1</script></html>")
    (site / "404.html").write_text("<html lang=fr></html>")
    if en_404:
        (site / "en" / "404.html").write_text("<html lang=en></html>")
    (site / "kb-redirects.json").write_text(json.dumps(
        {"version": 1, "default": "fr", "languages": ["fr", "en"], "redirects": redirects}))
    return site


def test_a_site_without_redirect_data_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "site").mkdir()
    with pytest.raises(ServingError, match=r"kb-redirects.json: not found \(fix: build the site"):
        render(tmp_path / "site")


@pytest.mark.parametrize("old,new", [
    ("/a/1/", '/x/"; } server { listen 81; root /; location / { return 200 "'),
    ("/a/1/ { return 200 x; } location = /b/", "/x/"),
    ("/a/$host/", "/x/"),
    ("/a/../../etc/", "/x/"),
])
def test_a_redirect_that_could_inject_configuration_is_refused(tmp_path, old, new):
    with pytest.raises(ServingError, match="cannot be written safely"):
        render(fake_site(tmp_path, {old: new}))


def test_unsafe_server_values_are_refused(tmp_path):
    site = fake_site(tmp_path, {"/a/1/": "/x/"})
    for kw in ({"server_name": "a; include /etc/passwd"}, {"root": "/srv/site; autoindex on"},
               {"listen": "80 default_server; root /"}, {"collector": "127.0.0.1:8001; }"}):
        with pytest.raises(ServingError):
            render(site, **kw)


def test_the_english_404_page_is_used_only_when_the_build_wrote_it(tmp_path):
    without = render(fake_site(tmp_path / "a", {}))
    with_en = render(fake_site(tmp_path / "b", {}, en_404=True))
    assert "/en/404.html" not in without
    assert "~^/en/ /en/404.html;" in with_en
