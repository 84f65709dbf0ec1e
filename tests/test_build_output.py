"""What `scripts/docs.py build` leaves on disk for a web server: readable permissions."""
from __future__ import annotations

import os
import stat

import pytest

from conftest import ROOT
from sitebuild import build as site_build


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(site):
    """Permission bits of the site folder ('.') and of everything in it."""
    paths = [site, *site.rglob("*")]
    return {str(p.relative_to(site)): stat.S_IMODE(p.lstat().st_mode) for p in paths}


@pytest.mark.parametrize("parallel", [False, True], ids=["single", "parallel"])
def test_built_site_is_readable_by_other_users(tmp_path, umask_022, parallel):
    dest = tmp_path / "out" / "site"
    for _ in range(2):                      # a first build, then one that replaces it
        proc = site_build.build_site(ROOT / "mkdocs.yml", dest, parallel=parallel)
        assert proc.returncode == 0, proc.stderr
        found = modes(dest)
        assert found["."] == 0o755, oct(found["."])
        wrong = {p: oct(m) for p, m in found.items()
                 if m != (0o755 if (dest / p).is_dir() else 0o644)}
        assert not wrong, wrong
