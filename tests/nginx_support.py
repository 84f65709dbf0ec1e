"""Debian's nginx for tests: started on a free loopback port with a site configuration written by
``scripts/docs.py nginx``, included in a main configuration like Debian's own ``/etc/nginx/nginx.conf``
(workers as ``www-data`` when the tests run as root, ``mime.types``) with the connection limits README's
"Deploy" section sets (``worker_connections 4096``, ``worker_rlimit_nofile 8192``), with its
pid, logs and temporary files in a folder of the test. ``bash scripts/dev.sh test`` installs nginx."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
from pathlib import Path
from typing import Callable

from feedback_support import wait_until_ready

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN_CONF = """\
{user}worker_processes auto;
worker_rlimit_nofile 8192;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{
    worker_connections 4096;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {site_conf};
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """A running nginx master (foreground) serving ``write_site_conf(listen)`` on 127.0.0.1."""

    def __init__(self, workdir: Path, write_site_conf: Callable[[str], Path], timeout: float = 15):
        if not Path(NGINX).is_file():
            raise RuntimeError("nginx not found: install Debian's nginx (bash scripts/dev.sh test does)")
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        user = ""
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("www-data")
                user = "user www-data;\n"
            except KeyError:
                pass
        for attempt in range(5):            # a free port can be taken in between: try another one
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            site_conf = write_site_conf(f"127.0.0.1:{self.port}")
            conf = self.dir / "nginx.conf"
            conf.write_text(MAIN_CONF.format(user=user, dir=self.dir, site_conf=site_conf))
            check = subprocess.run([NGINX, "-t", "-q", "-c", str(conf), "-p", str(self.dir)],
                                   capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
            self.log = self.dir / "nginx.out"
            with open(self.log, "ab") as out:
                self.proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.dir)],
                                             stdout=out, stderr=subprocess.STDOUT)
            if self._wait_ready(timeout):
                return
            if "address already in use" not in self.error_log().lower():
                break
        raise RuntimeError(f"nginx did not start:\n{self.error_log()}")

    def error_log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in (self.dir / "error.log", self.dir / "nginx.out")
                       if p.exists())

    def _wait_ready(self, timeout: float) -> bool:
        def listening() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False
        if wait_until_ready(self.proc, listening, timeout):
            return True
        self.stop()
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)       # fast shutdown of the master and its workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)
