"""The writers' preview end to end: the real ``scripts/docs.py serve`` in a subprocess on a free loopback
port, serving a copy of the tiny fixture site, with saves made to its files as an editor makes them.

What is checked is what a writer sees: the HTML the server sends (polled until it shows a save, as a
browser reloading would), the banner of problems on the page, the lines printed in the terminal, and
in chromium, that the open page reloads by itself after a save. Both ways of running are covered: one
process per language (the default on several cores) and ``--one-process``. No timing: the generous
timeouts only bound the waiting (scripts/bench/bench_preview.py measures speed).
"""
from __future__ import annotations

import html
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from fixtures import tiny_project
from preview.parallel import cores

TIMEOUT = 180          # seconds: the machine may be shared; only a bound, never an assertion on speed
MODES = {"a process per language": [], "one process": ["--one-process"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    """``scripts/docs.py serve`` of ``project``; its terminal output is collected line by line."""

    def __init__(self, project, *args):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, str(project / "scripts/docs.py"), "serve", "--addr", f"127.0.0.1:{port}",
             "--config", str(project / "mkdocs.yml"), *args],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def wait_page(self, path: str, check) -> str:
        """The page at ``path`` once ``check(status, text)`` holds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            status, text = self.get(path)
            if check(status, text):
                return text
            assert self.proc.poll() is None, f"the preview ended:\n{self.output}"
            time.sleep(0.2)
        raise AssertionError(f"{path}: never as expected; last answer {status}:\n{text[-3000:]}\n"
                             f"terminal:\n{self.output}")

    def wait_output(self, pattern: str, after: int = 0) -> str:
        """The first terminal line (from line ``after`` on) that matches ``pattern``."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            assert self.proc.poll() is None, f"the preview ended:\n{self.output}"
            time.sleep(0.2)
        raise AssertionError(f"no terminal line matches {pattern!r}:\n{self.output}")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def project(tmp_path):
    project = tiny_project(tmp_path / "project")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "content"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=project, check=True,
                       capture_output=True)
    return project


def write(md, text: str) -> None:
    md.write_text(text, encoding="utf-8")


def banner(text: str) -> str | None:
    """The text of the problems banner of a served page, if any."""
    m = re.search(r'<div id="kb-preview-problems".*?</div>', text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", m.group(0))) if m else None


def body(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize("mode", MODES)
def test_saves_show_in_the_served_pages_and_problems_in_banner_and_terminal(project, mode, browser):
    md = project / "docs/en/settings/alpha.md"
    good = md.read_text(encoding="utf-8")
    preview = Preview(project, *MODES[mode])
    try:
        preview.wait_page("en/settings/alpha/", lambda s, t: s == 200)
        status, page = preview.get("en/settings/alpha/")
        assert "livereload(" in page and banner(page) is None        # MkDocs' live-reload script

        # a miss answers the 404 page of its language, as the deployed site does
        status, page = preview.get("en/settings/gone/")
        assert status == 404 and '<html lang="en"' in page and "Page not found" in page, page[:500]
        status, page = preview.get("settings/gone/")
        assert status == 404 and '<html lang="fr"' in page and "Page introuvable" in page, page[:500]

        # in chromium: the open page reloads by itself after a save of its body
        tab = browser.new_page()
        tab.goto(preview.url + "en/settings/alpha/")
        tab.evaluate("window.kbNotReloaded = true")
        good = good.replace("Choose the default value.", "Choose the default value, then save.")
        write(md, good)
        tab.wait_for_function("document.body.innerText.includes('then save')", timeout=TIMEOUT * 1000)
        assert tab.evaluate("window.kbNotReloaded === undefined")    # a new page, not an edited one
        tab.close()

        # a title: the article's category page lists the new one
        good = good.replace('title: "How to set alpha?"', 'title: "How to set alpha quickly?"')
        write(md, good)
        preview.wait_page("en/settings/", lambda s, t: "How to set alpha quickly?" in body(t))

        # an invalid front matter: nothing published, the problem on the page and in the terminal
        seen = len(preview.lines)
        write(md, good.replace('title: "How to set alpha quickly?"', 'title: "How to set alpha quickly?'))
        page = preview.wait_page("en/settings/alpha/", lambda s, t: banner(t) is not None)
        line = good.splitlines().index('title: "How to set alpha quickly?"') + 1
        problem = re.search(rf"docs/en/settings/alpha\.md:{line}: malformed YAML in front matter[^\n]*\(fix: [^)]+",
                            banner(page))
        assert problem, banner(page)
        assert "How to set alpha quickly?" in body(page) and "then save" in body(page)   # the last good page
        preview.wait_output(r"NOT published", after=seen)
        preview.wait_output(rf"^\s+docs/en/settings/alpha\.md:{line}: malformed YAML in front matter.*\(fix: ",
                            after=seen)
        assert banner(preview.get("en/")[1]) is not None                 # on every page

        # the next valid save recovers, without a restart
        good = good.replace('title: "How to set alpha quickly?"', 'title: "How to set alpha now?"')
        write(md, good)
        page = preview.wait_page("en/settings/alpha/", lambda s, t: "How to set alpha now?" in body(t))
        assert banner(page) is None
        assert "How to set alpha now?" in body(preview.get("en/settings/")[1])
    finally:
        preview.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_failed_first_build_serves_its_problems_and_the_fix_brings_the_site_up(project, mode, browser):
    md = project / "docs/fr/settings/beta.md"
    good = md.read_text(encoding="utf-8")
    write(md, good.replace("\ntags: [beta]\n", "\ntags: [beta\n"))       # malformed YAML
    preview = Preview(project, *MODES[mode])
    try:
        preview.wait_output(r"first build failed")
        assert re.search(r"^\s+docs/fr/settings/beta\.md:\d+: malformed YAML in front matter.*\(fix: ",
                         preview.output, re.M), preview.output
        status, page = preview.get("settings/beta/")
        assert status == 404 and "livereload(" in page
        assert re.search(r"docs/fr/settings/beta\.md:\d+: malformed YAML in front matter.*\(fix: ", banner(page)), page

        tab = browser.new_page()
        tab.goto(preview.url)
        assert "docs/fr/settings/beta.md" in tab.inner_text("#kb-preview-problems")
        write(md, good)                                                   # fixed: the site comes up
        tab.wait_for_function("document.title.includes('Centre') || !!document.querySelector('.md-content')",
                              timeout=TIMEOUT * 1000)
        assert tab.locator("#kb-preview-problems").count() == 0
        tab.close()
        status, page = preview.get("settings/beta/")
        assert status == 200 and banner(page) is None
    finally:
        preview.close()


def raw_get(preview: Preview, path: str) -> tuple[int, str | None, str]:
    """(status, Location, body) of a GET sent as is (no redirect followed, no client-side quoting)."""
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(preview.url).netloc, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Location"), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_the_preview_never_redirects_off_site_and_answers_odd_paths_without_a_traceback(project):
    preview = Preview(project)
    try:
        preview.wait_page("en/settings/alpha/", lambda s, t: s == 200)
        # a folder without its slash is still redirected, to a path of this site
        assert raw_get(preview, "/settings")[:2] == (302, "/settings/")
        # MkDocs' server answered the first with "Location: //evil.example/../settings/" (another host
        # for a browser), and the NUL byte with a 500 and a traceback in the terminal
        for path in ("/%2fevil.example/..%2fsettings", "//evil.example/", "//settings", "/%5csettings",
                     "/%00", "/settings%00/", "/%ff", "/en/%0d%0aX:%20y"):
            status, location, text = raw_get(preview, path)
            assert status in (302, 400, 404), (path, status, location)
            assert location is None or re.fullmatch(r"/(?![/\\])[^\\]*", location), (path, location)
            assert "Traceback" not in text, text
        assert raw_get(preview, "/%2fevil.example/..%2fsettings")[0] == 404       # the 404 page, as any miss
        assert raw_get(preview, "/%00")[0] == 400
        assert preview.get("en/settings/alpha/")[0] == 200                         # still serving
        assert "Traceback" not in preview.output and "500" not in preview.output, preview.output
    finally:
        preview.close()


def language_process(preview: Preview, lang: str) -> int:
    """The PID of the preview's process for ``lang`` (a child running ``preview.parallel.worker_main``)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            args = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue                                   # ended meanwhile
        if ppid == preview.proc.pid and any(b"worker_main" in a for a in args) and args[-2:] == [lang.encode(), b""]:
            return int(stat.parent.name)
    raise AssertionError(f"no {lang} process under the preview ({preview.proc.pid})")


@pytest.mark.skipif(cores() < 2, reason="one process per language needs two cores")
def test_a_language_process_killed_is_restarted_and_the_next_save_shows(project):
    md = project / "docs/en/settings/alpha.md"
    text = md.read_text(encoding="utf-8")
    preview = Preview(project)
    try:
        preview.wait_page("en/settings/alpha/", lambda s, t: s == 200)
        killed = language_process(preview, "en")
        os.kill(killed, signal.SIGKILL)                 # as the OOM killer does
        seen = len(preview.lines)
        text = text.replace("Choose the default value.", "Choose the default value, after a crash.")
        write(md, text)
        preview.wait_page("en/settings/alpha/", lambda s, t: "after a crash" in body(t) and banner(t) is None)
        preview.wait_output(r"the en process ended \(killed by SIGKILL", after=seen)
        preview.wait_output(r"the en process was restarted: full build of en", after=seen)
        assert language_process(preview, "en") != killed
        assert preview.get("settings/alpha/")[0] == 200 and preview.get("en/")[0] == 200

        # the new process goes on with the incremental saves
        text = text.replace("after a crash", "after a crash and a restart")
        write(md, text)
        preview.wait_page("en/settings/alpha/", lambda s, t: "after a crash and a restart" in body(t))
        assert "Traceback" not in preview.output and "NOT" not in preview.output, preview.output
    finally:
        preview.close()
