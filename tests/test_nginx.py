"""Production serving, following README's "Deploy" steps as far as nginx and the collector go: the site
built for its real address with the widget posting to /api/, the configuration written by
`scripts/docs.py nginx`, Debian's nginx serving it (workers as www-data, as on Debian), and the collector
started from deploy/kb-feedback.service's own command and environment. Then, through nginx: pages,
redirects, 404 pages, headers, gzip, the collector with the reader's address, a half-open-connection
flood, a vote and search in chromium without any Content-Security-Policy violation, and backups."""
from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from conftest import ROOT
from nginx_support import Nginx, free_port
from serving.nginx import DASHBOARD_NO_ARGS
from sitebuild import build as site_build

APP = "/srv/help-center"              # where README and the unit put the project
STATE = "/var/lib/kb-feedback"        # the unit's StateDirectory
UNIT = ROOT / "deploy" / "kb-feedback.service"
BUILD_ENV = {"KB_SITE_URL": "https://help.example.org/", "KB_FEEDBACK_ENDPOINT": "/api/feedback",
             "KB_VIEWS_ENDPOINT": "/api/view", "KB_SEARCH_ENDPOINT": "/api/search"}
NGINX_CMD = "scripts/docs.py nginx --server-name help.example.org"
DASHBOARD_TOKEN = "lead-dashboard-token-0123456789"
NGINX_LIMITS = ("worker_rlimit_nofile 8192;", "worker_connections 4096;")     # README's nginx.conf lines
BACKUP_CMD = """sqlite3 /var/lib/kb-feedback/feedback.sqlite3 ".backup '/var/backups/kb-feedback.sqlite3'\""""
PG_DUMP_CMD = 'pg_dump --format=custom --file=/var/backups/kb-feedback.dump "$FEEDBACK_DATABASE_URL"'
ALIAS = "settings/old-logo.md"        # added to article 'segment-logo' in both languages


def readme_deploy() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Deploy")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def unit_service() -> tuple[dict, list[str], str]:
    """(environment, command, working directory) of the unit's [Service] section."""
    env, cmd, cwd = {}, None, None
    section = None
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            if key == "Environment":
                env.update(item.split("=", 1) for item in shlex.split(value))
            elif key == "ExecStart":
                cmd = shlex.split(value)
            elif key == "WorkingDirectory":
                cwd = value
    return env, cmd, cwd


class Deployed:
    def __init__(self, base: Path):
        self.base = base
        self.app = base / "help-center"
        self.state = base / "state"
        self.site = self.app / "site"
        self.collector = None
        self.nginx = None
        self.access_log = base / "nginx" / "access.log"

    def local(self, path: str) -> str:
        return path.replace(APP, str(self.app)).replace(STATE, str(self.state))

    def start_collector(self, origin: str, port: int) -> None:
        env, cmd, cwd = unit_service()
        env = {k: self.local(v) for k, v in env.items()}
        # the token as /etc/kb-feedback.env would give it (the unit's comment says so)
        env.update(FEEDBACK_PORT=str(port), FEEDBACK_ORIGINS=origin, FEEDBACK_DASHBOARD_TOKEN=DASHBOARD_TOKEN)
        self.collector_url = f"http://127.0.0.1:{port}"
        self.collector_log = self.base / "collector.log"
        with open(self.collector_log, "ab") as out:
            self.collector = subprocess.Popen([self.local(c) for c in cmd], cwd=self.local(cwd),
                                              env=dict(os.environ, **env), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.collector.poll() is None:
            try:
                if httpx.get(self.collector_url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("collector did not start:\n" + self.collector_log.read_text(errors="replace"))

    def stop(self) -> None:
        if self.nginx:
            self.nginx.stop()
        if self.collector and self.collector.poll() is None:
            self.collector.terminate()
            self.collector.wait(15)


@pytest.fixture(scope="module")
def deployed():
    base = Path(tempfile.mkdtemp(prefix="kb-deploy-", dir="/tmp"))
    os.chmod(base, 0o755)                 # nginx's workers (www-data) go through it, as through /srv
    d = Deployed(base)
    try:
        site_build.copy_project(d.app)
        for lang in ("fr", "en"):
            md = d.app / "docs" / lang / "settings" / "segment-logo.md"
            md.write_text(re.sub(r"^(id: .*)$", rf"\1\naliases: [{ALIAS}]", md.read_text(encoding="utf-8"),
                                 count=1, flags=re.M), encoding="utf-8")
        (d.app / ".venv").symlink_to((ROOT / ".venv").resolve())
        d.state.mkdir()
        python = str(d.app / ".venv" / "bin" / "python")
        run = dict(cwd=d.app, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
        proc = subprocess.run([python, "scripts/docs.py", "build", "--production"], env=dict(os.environ, **BUILD_ENV), **run)
        assert proc.returncode == 0, proc.stderr
        collector_port = free_port()

        def site_conf(listen: str) -> Path:
            out = d.base / "help-center.conf"
            p = subprocess.run([python, *shlex.split(NGINX_CMD), "--listen", listen,
                                "--collector", f"127.0.0.1:{collector_port}",
                                "--access-log", str(d.access_log), "--out", str(out)], **run)
            assert p.returncode == 0, p.stderr
            return out

        d.nginx = Nginx(base / "nginx", site_conf)
        d.url = d.nginx.url
        d.start_collector(d.url, collector_port)
        with httpx.Client(base_url=d.url, timeout=5) as d.http:
            yield d
    finally:
        d.stop()
        shutil.rmtree(base, ignore_errors=True)


def get(d, path, **kw):
    return d.http.get(path, **kw)


def stubs(site: Path) -> dict[str, str]:
    """The redirect pages mkdocs-redirects wrote: {their URL: the URL they send to}."""
    out = {}
    for page in site.rglob("index.html"):
        head = page.read_text(encoding="utf-8")[:600]
        if 'http-equiv="refresh"' in head:
            url = "/" + str(page.parent.relative_to(site)) + "/"
            out[url] = urljoin(url, re.search(r'rel="canonical" href="([^"]+)"', head).group(1))
    return out


# ------------------------------------------------------------------------------------ the steps

def test_the_readme_deploy_section_gives_the_commands_this_test_runs():
    section = readme_deploy()
    flat = re.sub(r"\s*\\\n\s*", " ", section)
    build = " ".join(f"{k}={v}" for k, v in BUILD_ENV.items()) + " .venv/bin/python scripts/docs.py build --production"
    for command in (build, ".venv/bin/python " + NGINX_CMD, "deploy/kb-feedback.service", BACKUP_CMD,
                    PG_DUMP_CMD, *NGINX_LIMITS, "systemctl enable --now kb-feedback", "nginx -t"):
        assert command in flat, command


def test_the_systemd_unit_is_valid(tmp_path):
    verify = shutil.which("systemd-analyze")
    if not verify:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "kb-feedback.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(APP, str(ROOT)))
    proc = subprocess.run([verify, "verify", "--man=no", str(unit)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_the_instance_template_runs_the_same_service_on_its_own_port_with_postgresql_only(tmp_path):
    """deploy/kb-feedback@.service (README, "Running two collectors"): kb-feedback@8002 is the same service
    on 127.0.0.1:8002, and it refuses to start without a PostgreSQL URL (instances on SQLite count apart)."""
    template = (ROOT / "deploy" / "kb-feedback@.service").read_text(encoding="utf-8")
    lines = lambda text: {l for l in text.splitlines() if l and not l.startswith("#")}  # noqa: E731
    added, removed = lines(template) - lines(UNIT.read_text(encoding="utf-8")), \
        lines(UNIT.read_text(encoding="utf-8")) - lines(template)
    assert "Environment=FEEDBACK_HOST=127.0.0.1 FEEDBACK_PORT=%i" in added
    assert not any(l.startswith(("ExecStart=", "WorkingDirectory=")) for l in added | removed)
    assert any("FEEDBACK_DB=" in l for l in removed) and "EnvironmentFile=/etc/kb-feedback.env" in added
    check = next(l for l in added if l.startswith("ExecStartPre=")).split("=", 1)[1].replace("$$", "$")
    for url, code in (("postgresql://kb@db/kb", 0), ("", 1), ("sqlite:///x", 1)):
        assert subprocess.run(shlex.split(check.replace("%i", "8002")), env={"FEEDBACK_DATABASE_URL": url},
                              capture_output=True).returncode == code, url
    verify = shutil.which("systemd-analyze")
    if not verify:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "kb-feedback@8002.service"
    unit.write_text(template.replace(APP, str(ROOT)))
    proc = subprocess.run([verify, "verify", "--man=no", str(unit)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


# ------------------------------------------------------------------------------ pages and redirects

def test_pages_are_served_with_directory_urls(deployed):
    home = get(deployed, "/")
    assert home.status_code == 200 and '<html lang="fr"' in home.text
    article = get(deployed, "/en/settings/segment-logo/")
    assert article.status_code == 200 and '<html lang="en"' in article.text
    bare = get(deployed, "/en/settings/segment-logo")
    assert bare.status_code == 301 and bare.headers["location"] == "/en/settings/segment-logo/"


def test_a_missing_page_gets_the_404_page_of_its_language(deployed):
    site = deployed.site
    english = site / "en" / "404.html"
    for path, page in (("/settings/no-such-page/", site / "404.html"), ("/nope", site / "404.html"),
                       ("/en/settings/no-such-page/", english if english.is_file() else site / "404.html"),
                       ("/en/nope.html", english if english.is_file() else site / "404.html")):
        r = get(deployed, path)
        assert r.status_code == 404, path
        assert r.text == page.read_text(encoding="utf-8"), path
        assert r.headers["content-security-policy"] and r.headers["x-content-type-options"] == "nosniff"
    if english.is_file():                  # each language's own page, once the build writes them
        assert '<html lang="fr"' in get(deployed, "/nope").text
        assert '<html lang="en"' in get(deployed, "/en/nope").text


def test_short_links_and_aliases_are_real_301_redirects(deployed):
    found = stubs(deployed.site)
    assert "/a/2/" in found and "/en/a/2/" in found
    assert found[f"/{ALIAS[:-3]}/"] == "/settings/segment-logo/"
    assert found[f"/en/{ALIAS[:-3]}/"] == "/en/settings/segment-logo/"
    for url, target in found.items():               # every page mkdocs-redirects wrote
        for variant in (url, url.rstrip("/"), url + "index.html"):
            r = get(deployed, variant)
            assert (r.status_code, r.headers.get("location")) == (301, target), variant
    assert get(deployed, found["/en/a/2/"]).status_code == 200


# ---------------------------------------------------------------------------- headers and gzip

SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin",
            "x-frame-options": "DENY"}


def bundle(site: Path) -> str:
    return "/" + str(next((site / "assets" / "javascripts").glob("bundle.*.min.js")).relative_to(site))


def test_security_and_cache_headers(deployed):
    html, index = get(deployed, "/en/"), get(deployed, "/en/search/search_index.json")
    js, kb_js = get(deployed, bundle(deployed.site)), get(deployed, "/assets/kb.js")
    for r in (html, index, js, kb_js, get(deployed, "/a/2/")):
        for name, value in SECURITY.items():
            assert r.headers.get(name) == value, (r.url, name)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert js.headers["cache-control"] == "public, max-age=31536000, immutable"
    for r in (html, index):
        assert r.headers["cache-control"] == "public, max-age=300"
    assert kb_js.headers["cache-control"] == "no-cache"       # same name in every build: revalidated
    assert "server" not in {k.lower() for k in html.headers} or html.headers["server"] == "nginx"


def test_the_access_log_keeps_no_search_words(deployed):
    """Material's search highlight puts the searched words in the result's address (?h=…) and the browser
    sends that address on as the referrer: the access log keeps the path, status and agent only."""
    r = get(deployed, "/settings/invoice-footer/?h=jean.dupont%40example.com+factur",
            headers={"Referer": deployed.url + "/settings/?q=rembourser+client+06123456", "User-Agent": "kb-test"})
    assert r.status_code == 200
    for _ in range(50):                       # nginx writes the line once the response is sent
        text = deployed.access_log.read_text(errors="replace") if deployed.access_log.exists() else ""
        if "/settings/invoice-footer/" in text:
            break
        time.sleep(0.1)
    line = next(l for l in text.splitlines() if "/settings/invoice-footer/" in l)
    assert re.search(r'"GET /settings/invoice-footer/(index\.html)? HTTP/1\.1" 200 ', line) and "kb-test" in line
    for word in ("dupont", "factur", "?h=", "rembourser", "06123456", "q="):
        assert word not in text, word


def test_precompressed_files_are_sent_as_written_by_the_build(deployed):
    for path in ("/en/settings/segment-logo/", bundle(deployed.site), "/search/search_index.json"):
        file = deployed.site / (path.strip("/") + ("/index.html" if path.endswith("/") else ""))
        r = get(deployed, path, headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip" and "accept-encoding" in r.headers["vary"].lower()
        assert int(r.headers["content-length"]) == file.with_name(file.name + ".gz").stat().st_size, path
        assert r.content == file.read_bytes()                       # decoded by httpx
        assert gzip.decompress(file.with_name(file.name + ".gz").read_bytes()) == file.read_bytes()
        plain = get(deployed, path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == file.read_bytes()


# ------------------------------------------------------------------------------- the collector

def test_the_collector_sees_each_reader_address_not_nginx(deployed):
    def client(address):
        return httpx.Client(base_url=deployed.url, timeout=5,
                            transport=httpx.HTTPTransport(local_address=address))

    with client("127.0.0.2") as a, client("127.0.0.3") as b:
        codes = []
        for _ in range(400):                       # beyond the unit's rate limit (120 a minute)
            codes.append(a.get("/api/feedback/summary").status_code)
            if codes[-1] == 429:
                break
        assert codes[-1] == 429 and set(codes[:-1]) == {200}, codes[-3:]
        spoofed = a.get("/api/feedback/summary", headers={"X-Forwarded-For": "203.0.113.7"})
        assert spoofed.status_code == 429              # a header the reader sends changes nothing
        assert b.get("/api/feedback/summary").status_code == 200     # another reader is not limited
    assert get(deployed, "/api/health").json()["ok"] is True


def test_the_collector_is_reached_with_body_limits(deployed):
    big = deployed.http.post("/api/feedback", content=b"{" + b" " * 20_000 + b"}",
                             headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    refused = deployed.http.post("/api/feedback", json={"id": 999_999, "lang": "fr", "value": "yes"})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/json")


def test_the_dashboard_is_reached_through_nginx_with_its_token_only(deployed):
    assert "FEEDBACK_DASHBOARD_TOKEN" in (ROOT / "deploy" / "kb-feedback.service").read_text(encoding="utf-8")
    vote = deployed.http.post("/api/feedback", json={"id": 5, "lang": "en", "value": "no", "reason": "unclear"})
    assert vote.status_code == 201
    for wrong in ({}, {"Authorization": "Bearer not-the-token-0123456789"}):
        r = deployed.http.get("/dashboard", headers=wrong)
        assert r.status_code == 401 and r.headers["content-type"].startswith("text/html"), r.text
        assert "<svg" not in r.text and '<form method="post" action="/dashboard">' in r.text   # the sign-in page
    # a token in the address is refused by nginx itself: it never reaches the collector
    in_address = deployed.http.get("/dashboard", params={"token": DASHBOARD_TOKEN})
    assert in_address.status_code == 400 and in_address.text.strip() == DASHBOARD_NO_ARGS
    # the sign-in form, as the browser posts it from the page (same origin): a session cookie, then the page
    signed = deployed.http.post("/dashboard", data={"token": DASHBOARD_TOKEN}, headers={"Origin": deployed.url})
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and DASHBOARD_TOKEN not in cookie
    session = cookie.split(";")[0]
    for how in ({"Cookie": session}, {"Authorization": f"Bearer {DASHBOARD_TOKEN}"}):
        page = deployed.http.get("/dashboard", headers=how)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "<svg" in page.text                                  # charts drawn by the collector
    from bs4 import BeautifulSoup
    reasons = re.search(r'<table class="reasons" lang="en">.*?</table>', page.text, re.S)   # the English table
    table = BeautifulSoup(reasons.group(0), "html.parser")
    columns = [th.get("data-reason") for th in table.find("thead").find_all("th")]
    unclear = columns.index("unclear")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["th", "td"])] for tr in table.find("tbody").find_all("tr")]
    assert any(r[unclear] == "1" for r in rows), rows               # the vote above, with its reason
    policies = page.headers.get_list("content-security-policy")
    assert len(policies) == 1 and "style-src 'unsafe-inline'" in policies[0] and "script-src" not in policies[0]
    assert page.headers["cache-control"] == "no-store"
    assert get(deployed, "/dashboard/").status_code == 404          # only that path goes to the collector
    for _ in range(50):                                             # the token never reaches the access log
        if '"GET /dashboard HTTP/1.1" 200' in deployed.access_log.read_text(errors="replace"):
            break
        time.sleep(0.1)
    log = deployed.access_log.read_text(errors="replace")
    assert '"GET /dashboard HTTP/1.1" 200' in log and '"POST /dashboard HTTP/1.1" 303' in log
    assert '"GET /dashboard HTTP/1.1" 400' in log and DASHBOARD_TOKEN not in log
    assert DASHBOARD_TOKEN not in deployed.nginx.error_log()
    assert DASHBOARD_TOKEN not in deployed.collector_log.read_text(errors="replace")


def test_with_the_collector_down_nginx_error_log_never_holds_the_token(deployed):
    """nginx logs the request line of a request it could not pass on: the token is never in one."""
    down = free_port()                                              # nothing listens there
    python = str(deployed.app / ".venv" / "bin" / "python")
    tmp_path = Path(tempfile.mkdtemp(prefix="kb-down-", dir="/tmp"))
    os.chmod(tmp_path, 0o755)                                       # nginx's workers (www-data) go through it

    def site_conf(listen: str) -> Path:
        out = tmp_path / "down.conf"
        p = subprocess.run([python, *shlex.split(NGINX_CMD), "--listen", listen, "--collector", f"127.0.0.1:{down}",
                            "--access-log", str(tmp_path / "access.log"), "--out", str(out)],
                           cwd=deployed.app, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        return out

    nginx = Nginx(tmp_path / "nginx", site_conf)
    try:
        with httpx.Client(base_url=nginx.url, timeout=10) as http:
            assert http.get("/dashboard", params={"token": DASHBOARD_TOKEN}).status_code == 400
            assert http.get(f"/dashboard?x=1&token={DASHBOARD_TOKEN}").status_code == 400
            assert http.get("/dashboard", headers={"Authorization": f"Bearer {DASHBOARD_TOKEN}"}).status_code == 502
            assert http.post("/dashboard", data={"token": DASHBOARD_TOKEN}).status_code == 502
        errors = nginx.error_log()
        assert "/dashboard" in errors and "upstream" in errors    # the 502s were logged, with their request line
        assert DASHBOARD_TOKEN not in errors and "token=" not in errors
    finally:
        nginx.stop()
        shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_half_open_connection_flood_does_not_stop_health(deployed):
    host, port = "127.0.0.1", deployed.nginx.port
    held = []
    try:
        for i in range(1000):       # more than the collector's own file limit would let through unharmed
            s = socket.create_connection((host, port), timeout=5)
            if i % 2:
                s.sendall(b"GET / HTTP/1.1\r\nHost: help.example.org\r\n")          # headers never end
            else:
                s.sendall(b"POST /api/feedback HTTP/1.1\r\nHost: help.example.org\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\"")  # body never ends
            held.append(s)
        # outcomes, not timings (the tests share two cores with other jobs): health is answered, and answered
        # right, while the flood holds its connections; each try on a new connection, with a generous bound
        answers, errors = [], []
        fresh = httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=0))   # a new connection each
        with fresh:
            for _ in range(5):
                try:
                    r = fresh.get(deployed.url + "/api/health")
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    continue
                answers.append((r.status_code, r.json().get("ok")))
        assert answers and set(answers) == {(200, True)}, (
            f"{answers} {errors}\nnginx:\n{deployed.nginx.error_log()[-3000:]}\ncollector:\n"
            f"{deployed.collector_log.read_text(errors='replace')[-3000:]}")
        # nginx closes both kinds itself after its client timeouts (10 s): the connection ends from its side
        for s in held[:2]:
            s.settimeout(120)
            try:
                while s.recv(4096):
                    pass
            except ConnectionResetError:
                pass
            except socket.timeout:
                pytest.fail("nginx did not close a half-open connection within 120 s")
    finally:
        for s in held:
            s.close()


def test_an_sqlite_backup_taken_while_the_collector_runs(deployed, tmp_path):
    if not shutil.which("sqlite3"):
        pytest.fail("sqlite3 is not installed (bash scripts/dev.sh test installs it)")
    post = deployed.http.post("/api/feedback", json={"id": 3, "lang": "en", "value": "no"})
    assert post.status_code == 201, post.text
    backup = tmp_path / "kb-feedback.sqlite3"
    command = BACKUP_CMD.replace(STATE, str(deployed.state)).replace("/var/backups/kb-feedback.sqlite3",
                                                                     str(backup))
    proc = subprocess.run(command, shell=True, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    out = tmp_path / "stats.json"
    proc = subprocess.run([sys.executable, "-m", "feedback", "export", "--db", str(backup), "--out", str(out)],
                          env=dict(os.environ), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    import json
    assert json.loads(out.read_text())["articles"]["3"]["en"]["no"] >= 1


def test_a_pg_dump_backup_of_the_collector_database(tmp_path):
    from feedback_support import postgres, start_service
    url = postgres().new_database()
    marker = f"backup check {uuid.uuid4().hex}"
    with start_service(tmp_path / "collector", database_url=url) as service:
        r = httpx.post(service.url("/api/feedback"), json={"id": 2, "lang": "fr", "value": "no", "comment": marker},
                       timeout=5)
        assert r.status_code == 201, r.text
        dump = tmp_path / "kb-feedback.dump"
        proc = subprocess.run(PG_DUMP_CMD.replace("/var/backups/kb-feedback.dump", str(dump)), shell=True,
                              env=dict(os.environ, FEEDBACK_DATABASE_URL=url), capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    sql = subprocess.run(["pg_restore", "--file=-", str(dump)], capture_output=True, text=True, check=True).stdout
    assert marker in sql and "CREATE TABLE" in sql


# ---------------------------------------------------------------------------------- in chromium

CSP_RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
    e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def open_page(browser, d, path, problems):
    page = browser.new_page()
    page.add_init_script(CSP_RECORDER)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(d.url + path)
    assert response.status == 200
    assert "content-security-policy" in response.headers
    return page


def test_a_vote_and_a_search_in_chromium_work_under_the_csp(deployed, browser):
    problems: list[str] = []
    page = open_page(browser, deployed, "/", problems)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("logo", delay=10)
    page.locator(".md-search-result__item > a").first.wait_for(timeout=10_000)
    problems += page.evaluate("window.__csp")
    page.close()

    page = open_page(browser, deployed, "/en/settings/invoice-footer/", problems)
    page.get_by_role("button", name="No", exact=True).click()
    page.locator("form[data-kb-feedback] textarea").fill("The five lines are missing.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_timeout(300)
    problems += page.evaluate("window.__csp")
    page.close()
    assert not problems, problems

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = get(deployed, "/api/feedback/summary?lang=en").json()
        rows = rows["articles"] if isinstance(rows, dict) else rows
        row = next((r for r in rows if r["id"] == 8 and r["lang"] == "en"), {})
        if row.get("no") == 1 and row.get("views", 0) >= 1:
            break
        time.sleep(0.2)
    assert (row.get("yes"), row.get("no")) == (0, 1), rows
    assert row.get("views", 0) >= 1


def test_a_short_link_keeps_its_anchor_in_chromium(deployed, browser):
    target = stubs(deployed.site)["/en/a/2/"]
    html = (deployed.site / target.strip("/") / "index.html").read_text(encoding="utf-8")
    anchor = re.search(r'<h2 id="([^"]+)"', html).group(1)
    page = browser.new_page()
    page.goto(f"{deployed.url}/en/a/2/#{anchor}")
    assert page.url == f"{deployed.url}{target}#{anchor}"
    page.close()
