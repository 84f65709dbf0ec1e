"""Shared fixtures: the real site built once per test process, and helpers to read built HTML."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
from sitebuild import build as site_build

LANGS = ("fr", "en")
SITE_URL = "https://help.example.com/"   # mkdocs.yml's default site_url (KB_SITE_URL unset in tests)


class Site:
    def __init__(self, path: Path):
        self.path = path
        self._cache: dict[Path, BeautifulSoup] = {}

    def page_file(self, url: str) -> Path:
        """File of a site-root-relative URL such as 'en/settings/x/'."""
        p = self.path / unquote(url.lstrip("/"))
        return p / "index.html" if url.endswith("/") or url == "" or p.is_dir() else p

    def soup(self, file: Path) -> BeautifulSoup:
        if file not in self._cache:
            self._cache[file] = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        return self._cache[file]

    def html_pages(self) -> list[Path]:
        """Every reader's page (not 404.html, not Material's assets, not redirect stubs, not the support
        agents' lookup page /agents/, tested by test_agents.py)."""
        return sorted(p for p in self.path.rglob("*.html")
                      if p.name != "404.html" and "assets" not in p.relative_to(self.path).parts
                      and p.relative_to(self.path).parts[0] != "agents" and not self.is_redirect(p))

    def redirect_stubs(self) -> list[Path]:
        return sorted(p for p in self.path.rglob("index.html") if self.is_redirect(p))

    @staticmethod
    def is_redirect(page: Path) -> bool:
        with page.open(encoding="utf-8") as f:
            return 'http-equiv="refresh"' in f.read(600)

    def resolve(self, page: Path, href: str) -> Path:
        """File that a relative href of ``page`` points at (fragment and query dropped)."""
        target = urlsplit(href).path
        base = page.parent
        p = (base / unquote(target)).resolve() if target else page.resolve()
        if p.is_dir():
            p = p / "index.html"
        return p

    def absolute_to_file(self, url: str) -> Path:
        """File of an absolute URL of the site (site_url prefix)."""
        assert url.startswith(SITE_URL), url
        return self.page_file(url[len(SITE_URL):]).resolve()

    def lang_of(self, page: Path) -> str:
        rel = page.relative_to(self.path).parts
        return "en" if rel and rel[0] == "en" else "fr"


def plain(text: str) -> str:
    """French text as written in the sources: the build's typography (no-break spaces before ? ! ; :
    and inside « », typographic apostrophes) turned back into spaces and straight apostrophes."""
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")


def build(config: Path, dest: Path):
    return site_build.build_site(config, dest)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    dest = tmp_path_factory.mktemp("real") / "site"
    proc = build(ROOT / "mkdocs.yml", dest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return Site(dest)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module (Playwright's sync API keeps an
    event loop running while it is open, which would break asyncio.run in other modules)."""
    from bench.browser import launch
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A copy of the project's sources (not its venv or built site) to break on purpose."""
    return site_build.copy_project(tmp_path / "project")
