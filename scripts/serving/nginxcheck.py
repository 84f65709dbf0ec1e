"""Refuse an nginx configuration that nginx would reject, before it reaches a server.

``docs.py nginx`` writes the site's ``server`` block; a problem found only at deploy time (``nginx -t``
failing on the server, or worse, a reload refused) leaves the old configuration running or the site
down. Two checks, both before anything is written:

- without nginx: two ``location =`` blocks for the same path (nginx refuses the duplicate);
- with nginx installed (``nginx`` on the PATH or ``/usr/sbin/nginx``): ``nginx -t`` on the block,
  included in a minimal main configuration whose pid and temporary files live in a temporary folder.
  A log file that this user may not open is not a configuration error (``nginx -t`` opens the logs).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_EXACT = re.compile(r'^\s*location\s*=\s*"?([^"\s{]+)"?\s*\{', re.M)
_NOT_CONFIG = re.compile(r"open\(\) \S+ failed \(13: Permission denied\)")

MAIN = """\
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{}}
http {{
    include {mime};
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {site};
}}
"""


def nginx_binary() -> str | None:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).is_file() else None


def duplicate_locations(text: str) -> list[str]:
    """Paths with more than one ``location =`` block."""
    seen: dict[str, int] = {}
    for m in _EXACT.finditer(text):
        seen[m.group(1)] = seen.get(m.group(1), 0) + 1
    return sorted(path for path, n in seen.items() if n > 1)


def problems(text: str, nginx: str | None = None) -> list[str]:
    """Why nginx would refuse the server block ``text`` (empty: it would take it)."""
    out = [f'two "location = {p}" blocks: nginx refuses a duplicate location (a page or an alias of the site '
           "takes a path that another one has; run 'scripts/docs.py check')" for p in duplicate_locations(text)]
    nginx = nginx or nginx_binary()
    if out or nginx is None:
        return out
    with tempfile.TemporaryDirectory(prefix="kb-nginx-t-") as tmp:
        site = Path(tmp) / "site.conf"
        site.write_text(text, encoding="utf-8")
        mime = "/etc/nginx/mime.types" if Path("/etc/nginx/mime.types").is_file() else site
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(MAIN.format(dir=tmp, mime=mime if mime != site else "/dev/null", site=site),
                        encoding="utf-8")
        proc = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", tmp], capture_output=True, text=True)
        if proc.returncode != 0:
            lines = [l for l in proc.stderr.splitlines() if "[emerg]" in l or "[crit]" in l]
            if lines and all(_NOT_CONFIG.search(l) for l in lines):
                return []
            out.append("nginx -t refuses it: " + " | ".join(l.strip() for l in (lines or proc.stderr.splitlines()))
                       .replace(str(site), "<the configuration>"))
    return out
