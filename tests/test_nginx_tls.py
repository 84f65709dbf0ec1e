"""HTTPS in real nginx: `docs.py nginx --tls-cert … --tls-key …` with a self-signed certificate the test
makes (openssl). The site over TLS with the same headers and CSP plus HSTS; plain HTTP redirected (301)
to the same path over HTTPS; TLS 1.2 and 1.3; a half configuration refused before anything is written."""
from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from nginx_support import Nginx, free_port


def docs_nginx(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "docs.py"), "nginx", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def served(site):
    import os
    import shutil
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="kb-tls-", dir="/tmp"))
    os.chmod(base, 0o755)                 # nginx's workers (www-data) read the site through it
    shutil.copytree(site.path, base / "site")
    cert, key = base / "cert.pem", base / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    ports = {}

    def site_conf(listen: str) -> Path:
        ports["http"] = free_port()
        conf = base / "help-center.conf"
        proc = docs_nginx("--site", base / "site", "--server-name", "_", "--listen", listen, "--access-log", "off",
                          "--tls-cert", cert, "--tls-key", key, "--http-listen", f"127.0.0.1:{ports['http']}",
                          "--out", conf)
        assert proc.returncode == 0, proc.stderr
        return conf

    nginx = Nginx(base / "nginx", site_conf)
    try:
        yield nginx, ports["http"], cert
    finally:
        nginx.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_the_site_is_served_over_https_with_hsts_and_the_same_headers(served):
    nginx, _, _ = served
    url = f"https://127.0.0.1:{nginx.port}"
    with httpx.Client(verify=False, timeout=10) as http:
        page = http.get(url + "/settings/segment-logo/")
        assert page.status_code == 200 and "segment" in page.text
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
        short = http.get(url + "/a/6/", follow_redirects=False)
        assert short.status_code == 301 and short.headers["location"] == "/settings/segment-logo/"
        assert short.headers["strict-transport-security"] == "max-age=31536000"
        missing = http.get(url + "/en/nowhere/")
        assert missing.status_code == 404 and 'lang="en"' in missing.text
        assert http.get(url + "/api/health").headers["strict-transport-security"] == "max-age=31536000"


def test_plain_http_moves_to_https_on_the_same_path(served):
    nginx, http_port, _ = served
    r = httpx.get(f"http://127.0.0.1:{http_port}/settings/segment-logo/?x=1", follow_redirects=False, timeout=10)
    assert r.status_code == 301
    assert r.headers["location"] == f"https://127.0.0.1:{nginx.port}/settings/segment-logo/?x=1"


def test_tls_1_2_and_1_3_handshake(served):
    nginx, _, _ = served
    import socket
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        ctx.minimum_version = ctx.maximum_version = version
        with socket.create_connection(("127.0.0.1", nginx.port), timeout=5) as raw:
            with ctx.wrap_socket(raw) as tls:
                assert tls.version() == version.name.replace("v1_", "v1.")


def test_a_certificate_without_its_key_writes_nothing(site, tmp_path):
    out = tmp_path / "kb.conf"
    out.write_text("in service")
    proc = docs_nginx("--site", site.path, "--tls-cert", "/etc/ssl/certs/x.pem", "--out", out)
    assert proc.returncode == 1 and "HTTPS needs both the certificate and its key" in proc.stderr
    proc = docs_nginx("--site", site.path, "--tls-cert", "cert.pem", "--tls-key", "key.pem", "--out", out)
    assert proc.returncode == 1 and "must be an absolute path" in proc.stderr
    assert out.read_text() == "in service"
