"""Test helpers for the feedback collector (scripts/feedback/).

* ``write_catalogue(path, ...)``: a small hand-written ``kb-catalogue.json``.
* ``start_service(workdir, catalogue, ...)``: the real service (``python -m feedback serve``, uvicorn) in a
  subprocess on a free loopback port; returns a ``Service`` with ``base_url`` (e.g. for an end-to-end
  browser test: ``start_service(tmp_path, site.path / "kb-catalogue.json",
  origins=["http://127.0.0.1:8123"])`` then point the widget at ``service.base_url + "/api/feedback"``).
  ``service_factory`` is the same as a fixture that stops every service it started.
* ``postgres()``: a throwaway PostgreSQL cluster (Debian ``postgresql``: initdb + pg_ctl in a temporary
  folder, run as the ``postgres`` OS user when the tests run as root), started once per test process and
  stopped at exit; ``postgres().new_database()`` gives the URL of a fresh empty database (a schema of
  its own). Set FEEDBACK_TEST_DATABASE_URL to use an existing server instead (schemas are created on it).
"""
from __future__ import annotations

import atexit
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest


def wait_until_ready(proc: subprocess.Popen, ready, timeout: float) -> bool:
    """Poll ``ready()`` every 50 ms until it is true (True), ``proc`` exits or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.05)
    return False

ROOT = Path(__file__).resolve().parent.parent

ARTICLES = [(1, "Premier article", "First article"), (2, "Deuxième article", "Second article"),
            (3, "Troisième article", "Third article")]


def catalogue_data(articles=ARTICLES, languages=("fr", "en")) -> dict:
    out = []
    for lang in languages:
        for art_id, fr, en in articles:
            out.append({"id": art_id, "lang": lang, "title": fr if lang == "fr" else en,
                        "url": ("/" if lang == "fr" else f"/{lang}/") + f"settings/a{art_id}/"})
    return {"version": 1, "languages": list(languages), "articles": out}


def write_catalogue(path: Path, articles=ARTICLES, languages=("fr", "en")) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(catalogue_data(articles, languages), ensure_ascii=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------- service

class Service:
    """A running ``python -m feedback serve`` subprocess."""

    def __init__(self, workdir: Path, args: list[str], db: Path | None, timeout: float = 60,
                 prefix: list[str] | tuple = (), preexec_fn=None, port: int | None = None):
        self.workdir, self.args, self.db, self.prefix = workdir, args, db, list(prefix)
        self.preexec_fn = preexec_fn
        self.log = workdir / f"service-{uuid.uuid4().hex[:8]}.log"
        for attempt in range(1 if port else 5):     # a free port can be taken in between: try another one
            self.port = port or free_port()
            self.base_url = f"http://127.0.0.1:{self.port}"
            env = dict(os.environ, PYTHONUNBUFFERED="1")
            with open(self.log, "ab") as out:
                self.proc = subprocess.Popen(
                    [*self.prefix, sys.executable, "-m", "feedback", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                     *args], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
            if self._wait_ready(timeout):
                return
            if "address already in use" not in self.log_text().lower():
                break
        raise RuntimeError(f"the feedback service did not start:\n{self.log_text()}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _wait_ready(self, timeout: float) -> bool:
        def healthy() -> bool:
            try:
                return httpx.get(self.base_url + "/api/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        if wait_until_ready(self.proc, healthy, timeout):
            return True
        self.kill()
        return False

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush: a crash."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(15)

    def restart(self, same_port: bool = False) -> "Service":
        """The same command (same database) started again, on a new port (or the same one)."""
        self.stop()
        return Service(self.workdir, self.args, self.db, prefix=self.prefix, preexec_fn=self.preexec_fn,
                       port=self.port if same_port else None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_service(workdir: Path, catalogue: Path | None = None, *, db: Path | None = None,
                  database_url: str | None = None, origins=("http://127.0.0.1:8000",), rate_limit: int = 0,
                  votes_per_day: int = 0, searches_per_day: int = 0,
                  extra: list[str] | tuple = (), prefix: list[str] | tuple = (), preexec_fn=None) -> Service:
    """Start the real service; ``catalogue`` defaults to a small hand-written one, the database to
    ``workdir/feedback.sqlite3``; the rate limit and the daily vote and search limits are off unless given. ``prefix``: a
    command the service runs under (e.g. ``["prlimit", "--nofile=256", "--"]``); ``preexec_fn``: run in the service's
    process before it starts (e.g. ``resource.setrlimit``)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if catalogue is None:
        catalogue = write_catalogue(workdir / "kb-catalogue.json")
    args = ["--catalogue", str(catalogue), "--rate-limit", str(rate_limit), "--votes-per-day", str(votes_per_day),
            "--searches-per-day", str(searches_per_day), "--log-level", "warning"]
    if database_url:
        args += ["--database-url", database_url]
        db = None
    else:
        db = Path(db or workdir / "feedback.sqlite3")
        args += ["--db", str(db)]
    for origin in origins:
        args += ["--origin", origin]
    return Service(workdir, [*args, *extra], db, prefix=prefix, preexec_fn=preexec_fn)


@pytest.fixture
def service_factory(tmp_path):
    """start_service(...) with tmp_path as default folder; every service is stopped after the test."""
    started: list[Service] = []

    def factory(workdir: Path | None = None, catalogue: Path | None = None, **kw) -> Service:
        service = start_service(workdir or tmp_path, catalogue, **kw)
        started.append(service)
        return service

    yield factory
    for service in started:
        service.stop()


# -------------------------------------------------------------------------------------- PostgreSQL

def _pg_bindir() -> Path:
    env_dir = os.environ.get("FEEDBACK_PG_BIN")
    candidates = ([env_dir] if env_dir else []) + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for d in candidates:
        if (Path(d) / "initdb").is_file():
            return Path(d)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL server binaries not found (initdb): install Debian 'postgresql' "
                       "(bash scripts/dev.sh test does), set FEEDBACK_PG_BIN, or set "
                       "FEEDBACK_TEST_DATABASE_URL to an existing server")


class PostgresCluster:
    """A throwaway cluster in a temporary folder, listening on 127.0.0.1 (free port) and a private socket."""

    def __init__(self):
        import psycopg  # noqa: F401  (fail early when missing)

        self.external = os.environ.get("FEEDBACK_TEST_DATABASE_URL")
        self.dir: Path | None = None
        if self.external:
            self.admin_url = self.external
            return
        bindir = _pg_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="kb-feedback-pg-"))
        as_postgres: list[str] = []
        if os.geteuid() == 0:                      # initdb refuses to run as root
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            as_postgres = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.dir, 0o700)
        self.data = self.dir / "data"
        self.port = free_port()
        run = lambda *cmd: subprocess.run([*as_postgres, *cmd], check=True, capture_output=True, text=True)  # noqa: E731
        try:
            run(str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--locale", "C", "--no-sync")
            options = (f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c full_page_writes=off "
                       "-c max_connections=50 -c shared_buffers=32MB")
            run(str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                "-o", options, "start")
        except subprocess.CalledProcessError as exc:
            log = (self.dir / "server.log").read_text(errors="replace") if (self.dir / "server.log").exists() else ""
            shutil.rmtree(self.dir, ignore_errors=True)
            raise RuntimeError(f"could not start PostgreSQL: {exc.cmd}\n{exc.stdout}\n{exc.stderr}\n{log}") from None
        self._stop_cmd = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        # pytest-xdist workers leave with os._exit (no atexit): a watchdog process stops the cluster when
        # this process ends, however it ends (its stdin pipe closes).
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, json.dumps(self._stop_cmd), str(self.dir)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def new_database(self) -> str:
        """URL of a new, empty database: a schema of its own, made the connection's search_path (as fresh
        as a new database for the collector, and much faster to create than one)."""
        import psycopg
        name = "kb_test_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')  # name generated above, never from input
        parts = urlsplit(self.admin_url)
        query = "&".join(q for q in (parts.query, f"options=-csearch_path%3D{name}") if q)
        return urlunsplit(parts._replace(query=query))

    def stop(self) -> None:
        if self.dir is None:
            return
        subprocess.run(self._stop_cmd, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
        self._watchdog.stdin.close()
        self._watchdog.wait(30)


WATCHDOG = """
import json, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.stdin.buffer.read()
subprocess.run(json.loads(sys.argv[1]), capture_output=True)
shutil.rmtree(sys.argv[2], ignore_errors=True)
"""

_CLUSTER: PostgresCluster | None = None


def postgres() -> PostgresCluster:
    """The test process's PostgreSQL cluster, started on first use, stopped at exit."""
    global _CLUSTER
    if _CLUSTER is None:
        _CLUSTER = PostgresCluster()
        atexit.register(_CLUSTER.stop)
    return _CLUSTER


@pytest.fixture
def pg_url() -> str:
    """URL of a fresh, empty PostgreSQL database."""
    return postgres().new_database()
