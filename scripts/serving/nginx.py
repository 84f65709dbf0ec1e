"""The nginx configuration of a single server for the built site and the feedback collector.

Everything site-specific comes from the built site itself, so the configuration is written again after
each build (``scripts/docs.py nginx``):

- ``kb-redirects.json`` (written by the build): every short link ``/a/<id>/``, ``/<lang>/a/<id>/`` and
  front-matter alias, answered as a real ``301`` (the browser keeps the ``#anchor``);
- the languages and their ``404.html`` pages: a missing page under ``/<lang>/`` gets that language's page
  when the build wrote one, else the root one;
- the Content-Security-Policy (``serving.csp``): the hashes of the pages' inline scripts.

The output goes inside nginx's ``http {}`` block (on Debian: ``/etc/nginx/sites-available/``, linked from
``sites-enabled/``); it defines ``upstream kb_feedback`` and the variables ``$kb_csp`` and ``$kb_not_found`` there.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from . import csp

REDIRECTS_FILE = "kb-redirects.json"
# Material's fingerprinted files (bundle.a5f9d56c.min.js, main.57a0d79d.min.css, their source maps):
# their name changes whenever their content does, so a browser may keep them for a year
FINGERPRINTED = r"^/assets/.+\.[0-9a-f]{8,}\.min\.(?:js|css)(?:\.map)?$"
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"        # pages, search index, sitemap: a new build shows within 5 min
REVALIDATE = "no-cache"                    # other assets (kb.js, kb.css, lunr): same name across builds
_PATH = re.compile(r"^/[A-Za-z0-9._~/%-]*$")
_WORD = re.compile(r"^[A-Za-z0-9._:\[\]/*-]+$")
# timeouts and sizes: slow or half-open clients are dropped; the collector only sees whole requests
CLIENT_TIMEOUT = "10s"
API_BODY_MAX = "16k"          # the collector refuses bodies over 8 KB with its own JSON answer (413)
# The access log keeps the path, never the query string nor the referrer: Material's search highlight puts
# the words a reader searched for in the address of the result (?h=…), and a referrer carries it further.
ACCESS_LOG = "/var/log/nginx/access.log"
DASHBOARD_NO_ARGS = ("The dashboard takes nothing in its address (a token there ends up in logs): open /dashboard "
                     "and sign in with its form, or send Authorization: Bearer <token>.")
PRIVATE_LOG = ("log_format kb_private '$remote_addr [$time_local] \"$request_method $uri $server_protocol\" "
               "$status $body_bytes_sent \"$http_user_agent\"';")


class ServingError(Exception):
    """The site cannot be served as built (missing build file, unsafe path): the message says why."""


def _word(name: str, value: str) -> str:
    if not _WORD.match(value):
        raise ServingError(f"{name} {value!r} is not a plain address, name or path (fix: use letters, digits, "
                           "'.', ':', '-', '/' only)")
    return value


def _path(where: str, value: str) -> str:
    if not _PATH.match(value) or "//" in value or "/../" in value + "/":
        raise ServingError(f"{where}: URL path {value!r} cannot be written safely in an nginx configuration "
                           "(fix: use letters, digits, '.', '-', '_', '/' only)")
    return value


def load_redirects(site: Path) -> dict:
    path = site / REDIRECTS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServingError(f"{path}: not found (fix: build the site with 'scripts/docs.py build' first)") from None
    except ValueError as exc:
        raise ServingError(f"{path}: not valid JSON ({exc}) (fix: build the site again)") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("redirects"), dict):
        raise ServingError(f"{path}: unknown format (fix: build the site again with this version)")
    return data


def _stub_files(site: Path, redirects: dict[str, str]) -> set[Path]:
    return {site / old.strip("/") / "index.html" for old in redirects}


HSTS = 'add_header Strict-Transport-Security "max-age=31536000" always;'   # HTTPS only: a year


def _headers(cache: str, tls: bool = False) -> list[str]:
    return [
        *([HSTS] if tls else []),
        "add_header Content-Security-Policy $kb_csp always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy strict-origin-when-cross-origin always;",
        "add_header X-Frame-Options DENY always;",
        f'add_header Cache-Control "{cache}";',
    ]


def _to_collector(tls: bool = False) -> list[str]:
    """The lines of a location passed on to the collector."""
    return [
        *(["        " + HSTS] if tls else []),
        "        proxy_pass http://kb_feedback;",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Forwarded-For $remote_addr;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_connect_timeout 2s;",
        f"        proxy_send_timeout {CLIENT_TIMEOUT};",
        f"        proxy_read_timeout {CLIENT_TIMEOUT};",
        f"        client_max_body_size {API_BODY_MAX};",
        "        # the collector sends its own CSP, nosniff, Referrer-Policy and Cache-Control",
        "        add_header X-Frame-Options DENY always;",
    ]


def _tls_lines(cert: str, key: str) -> list[str]:
    return [
        "    # HTTPS: TLS 1.2 and 1.3 only, no session tickets (their key would outlive a restart's secrecy)",
        f'    ssl_certificate "{cert}";',
        f'    ssl_certificate_key "{key}";',
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    ssl_prefer_server_ciphers off;",
        "    ssl_session_cache shared:kb_tls:10m;",
        "    ssl_session_timeout 1d;",
        "    ssl_session_tickets off;",
        "",
    ]


def _redirect_server(listen: str, https_listen: str, server_name: str, root: str) -> list[str]:
    """The plain-HTTP server: every request is sent to HTTPS (301), but ACME's HTTP challenge, which a
    certificate renewal (certbot --webroot -w <root>) needs on plain HTTP."""
    port = https_listen.rsplit(":", 1)[-1]
    host = "$host" if server_name == "_" else server_name
    target = f"https://{host}{'' if port == '443' else ':' + port}$request_uri"
    return [
        "",
        "# plain HTTP: everything moves to HTTPS",
        "server {",
        f"    listen {listen};",
        f"    server_name {server_name};",
        "    server_tokens off;",
        "    access_log off;",
        "    location ^~ /.well-known/acme-challenge/ {",
        f'        root "{root}";',
        "        default_type text/plain;",
        "    }",
        "    location / {",
        f'        return 301 "{target}";',
        "    }",
        "}",
    ]


DEFAULT_COLLECTOR = "127.0.0.1:8001"
# an instance that fails (refused, reset, timed out) is skipped for this long; nginx passes a request on to
# the next instance only when the failed one was not sent it (POST is not idempotent: never sent twice)
COLLECTOR_FAIL_TIMEOUT = "10s"
_COLLECTOR = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$|^unix:/[A-Za-z0-9._/-]+$")


def collectors(collector: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """The collector addresses, checked: each HOST:PORT (or unix:/path), once."""
    given = [collector] if isinstance(collector, str) else list(collector or [DEFAULT_COLLECTOR])
    if not given:
        given = [DEFAULT_COLLECTOR]
    for value in given:
        if not isinstance(value, str) or not _COLLECTOR.match(value) or (
                not value.startswith("unix:") and not 0 < int(value.rsplit(":", 1)[1]) < 65536):
            raise ServingError(f"collector {value!r} is not HOST:PORT (fix: e.g. --collector 127.0.0.1:8001)")
    twice = sorted({c for c in given if given.count(c) > 1})
    if twice:
        raise ServingError(f"collector {twice[0]} is given twice (fix: one --collector per instance)")
    return given


def _upstream(addresses: list[str]) -> list[str]:
    tail = f" max_fails=1 fail_timeout={COLLECTOR_FAIL_TIMEOUT}" if len(addresses) > 1 else ""
    return ["upstream kb_feedback {", *(f"    server {a}{tail};" for a in addresses), "    keepalive 16;", "}"]


def render(site: Path, *, root: str | None = None, server_name: str = "_", listen: str | None = None,
           collector: str | list[str] = DEFAULT_COLLECTOR, access_log: str = ACCESS_LOG, tls_cert: str | None = None,
           tls_key: str | None = None, http_listen: str = "80") -> str:
    """The configuration text for the site built in ``site`` and served from ``root`` (default: the same
    folder) on ``listen`` for ``server_name``, with the collector listening at ``collector`` (one address,
    or a list: several instances on one PostgreSQL database, taken in turn, a failing one skipped for
    ``COLLECTOR_FAIL_TIMEOUT``); requests are
    logged to ``access_log`` (or not at all: "off") without query string or referrer (``PRIVATE_LOG``).
    With ``tls_cert`` and ``tls_key`` (absolute paths of a PEM certificate chain and its key) the site is
    served over HTTPS on ``listen`` (default 443) with HSTS, and a plain server on ``http_listen`` sends
    every request there (301)."""
    tls = bool(tls_cert or tls_key)
    if tls and not (tls_cert and tls_key):
        raise ServingError("HTTPS needs both the certificate and its key (fix: give --tls-cert and --tls-key)")
    for name, value in (("certificate", tls_cert), ("key", tls_key)):
        if value is not None and (not value.startswith("/") or not _WORD.match(value)):
            raise ServingError(f"TLS {name} {value!r} must be an absolute path of letters, digits, '.', '-', '_', "
                               "'/' (fix: e.g. /etc/letsencrypt/live/help.example.com/fullchain.pem)")
    listen = listen or ("443" if tls else "80")
    if tls:
        _word("listen", http_listen)
    site = site.resolve()
    data = load_redirects(site)
    redirects: dict[str, str] = data["redirects"]
    default = data.get("default")
    languages = [lang for lang in data.get("languages", []) if lang != default]
    root = str(root or site).rstrip("/") or "/"
    if not root.startswith("/"):
        raise ServingError(f"root {root!r} must be an absolute path (fix: e.g. --root /srv/help-center/site)")
    _word("root", root), _word("server name", server_name), _word("listen", listen)
    addresses = collectors(collector)
    _word("access log", access_log)
    if access_log != "off" and not access_log.startswith("/"):
        raise ServingError(f"access log {access_log!r} must be an absolute path or 'off' "
                           "(fix: e.g. --access-log /var/log/nginx/help-center.log)")
    policy = csp.policy(site, _stub_files(site, redirects))

    not_found = [f"    default /404.html;"]
    for lang in languages:
        if (site / lang / "404.html").is_file():
            not_found.append(f"    ~^/{lang}/ /{lang}/404.html;")

    lines = [
        "# nginx configuration of the help center, written by 'scripts/docs.py nginx' from the built site:",
        "# its redirects, 404 pages and script hashes change with the content, so write it again after each",
        "# build, then 'nginx -t && systemctl reload nginx'. It goes inside nginx's http {} block (Debian:",
        "# /etc/nginx/sites-available/, linked from sites-enabled/).",
        "",
        "# the feedback collector (python -m feedback serve), reached on the same origin under /api/ (and",
        "# its /dashboard)",
        *_upstream(addresses),
        "",
        "# the access log: the path only (no query string, no referrer: a search's words can be in them)",
        PRIVATE_LOG,
        "",
        "# the Content-Security-Policy of the pages: the site's own files, the hashes of its inline scripts",
        "map $host $kb_csp {",
        f'    default "{policy}";',
        "}",
        "",
        "# a missing page gets the 404 page of its language",
        "map $uri $kb_not_found {",
        *not_found,
        "}",
        "",
        "server {",
        f"    listen {listen}{' ssl' if tls else ''};",
        f"    server_name {server_name};",
        f'    root "{root}";',
        "    index index.html;",
        "    server_tokens off;",
        "    absolute_redirect off;          # Location: /settings/x/ (right behind a TLS proxy too)",
        "    charset utf-8;",
        f"    access_log {access_log}{'' if access_log == 'off' else ' kb_private'};",
        "    error_page 404 $kb_not_found;",
        "",
        *(_tls_lines(tls_cert, tls_key) if tls else []),
        "    # slow or half-open connections are closed; nothing here takes uploads",
        f"    client_header_timeout {CLIENT_TIMEOUT};",
        f"    client_body_timeout {CLIENT_TIMEOUT};",
        f"    send_timeout {CLIENT_TIMEOUT};",
        "    keepalive_timeout 15s;",
        "    reset_timedout_connection on;",
        f"    client_max_body_size {API_BODY_MAX};",
        "",
        "    # the build wrote x.html.gz next to x.html: sent as is; other text is compressed on the fly",
        "    gzip on;",
        "    gzip_static on;",
        "    gzip_vary on;",
        "    gzip_comp_level 5;",
        "    gzip_min_length 256;",
        "    gzip_types text/css application/javascript application/json image/svg+xml text/xml "
        "application/xml text/plain;",
        "",
        "    # pages, search index, sitemap: short caching (locations below that set their own",
        "    # Cache-Control repeat these headers: nginx inherits add_header only when a block has none)",
        *("    " + h for h in _headers(SHORT_CACHE, tls)),
        "",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        "    }",
        "",
        "    location /assets/ {",
        *("        " + h for h in _headers(REVALIDATE, tls)),
        "    }",
        "",
        f'    location ~ "{FINGERPRINTED}" {{',
        *("        " + h for h in _headers(LONG_CACHE, tls)),
        "    }",
        "",
        "    # the collector: only whole requests reach it (nginx reads the body first), with the reader's",
        "    # address (python -m feedback serve --forwarded-allow-ips 127.0.0.1) for its rate limit",
        "    location /api/ {",
        *_to_collector(tls),
        "    }",
        "",
        "    # the support lead's dashboard: 404 unless the collector has a FEEDBACK_DASHBOARD_TOKEN; its sign-in",
        "    # form posts the token, a cookie keeps the session. Nothing goes in its address: a query string",
        "    # (a ?token=) is refused here, before the collector, whose absence the error log would record",
        "    # with the whole request line",
        "    location = /dashboard {",
        "        default_type text/plain;",
        "        if ($args) {",
        f'            return 400 "{DASHBOARD_NO_ARGS}\\n";',
        "        }",
        *_to_collector(tls),
        "    }",
        "",
        "    # short links and aliases: a real redirect (the browser keeps the #anchor)",
    ]
    for old, new in sorted(redirects.items()):
        old = _path(REDIRECTS_FILE, old)
        target = quote(_path(REDIRECTS_FILE, new), safe="/%-._~")
        for variant in dict.fromkeys((old, old.rstrip("/") or "/", old + "index.html" if old.endswith("/") else old)):
            lines.append(f'    location = "{variant}" {{ return 301 "{target}"; }}')
    lines.append("}")
    if tls:
        lines += _redirect_server(http_listen, listen, server_name, root)
    return "\n".join(lines) + "\n"
